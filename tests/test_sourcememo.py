"""The class-source memo: same answers as inspect, active only while the models import.

Tortoise's metaclass calls ``inspect.getsource`` per model class (for ``#:`` comments).
Up to Python 3.12 the memo serves those look-ups from one parse per file; on 3.13
inspect needs no parse and the memo installs nothing. tox runs this file on every
supported interpreter, so each path is exercised where it is taken.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import io
import linecache
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from test_golden import CASES, DEFAULT_CONFIG

from schema_sync_hook.describe import sourcelines
from schema_sync_hook.describe.spec import ProjectSpec
from schema_sync_hook.errors import UserError
from schema_sync_hook.load import sourcememo
from schema_sync_hook.load.models import describe_project
from schema_sync_hook.settings.sources import load_config

from conftest import GOLDEN, SHOP, Project

ORIGINAL = inspect.findsource
ORIGINAL_LINES = inspect.getsourcelines


def inspect_untouched() -> bool:
    """Whether both functions the memo replaces are inspect's own again."""
    return inspect.findsource is ORIGINAL and inspect.getsourcelines is ORIGINAL_LINES


# Every shape inspect's class finder knows: nesting, decorators, classes inside
# functions and methods, async functions, the same name twice, match statements.
TRICKY = '''
import functools


def deco(cls):
    return cls


class Outer:
    """Outer."""

    class Inner:
        class Deepest:
            pass

    def method(self):
        class InMethod:
            pass

        return InMethod


@deco
@functools.total_ordering
class Decorated:
    def __lt__(self, other):
        return False


def factory():
    class Made:
        pass

    return Made


async def coroutine_factory():
    class FromCoroutine:
        pass

    return FromCoroutine


if True:
    class Twice:
        first = True
else:
    class Twice:
        first = False


match 1:
    case 1:
        class InMatch:
            pass


try:
    class InTry:
        pass
except Exception:
    pass

MADE = factory()
IN_METHOD = Outer().method()
'''


@pytest.fixture
def module_from(tmp_path: Path) -> Iterator[Callable[[str, str], ModuleType]]:
    added: list[str] = []

    def load(name: str, source: str) -> ModuleType:
        folder = tmp_path / name
        folder.mkdir()
        (folder / f"{name}.py").write_text(source, encoding="utf-8")
        sys.path.insert(0, str(folder))
        added.append(name)
        return importlib.import_module(name)

    yield load
    for name in added:
        sys.modules.pop(name, None)
        sys.path.remove(str(tmp_path / name))


def _classes(module: ModuleType) -> list[type]:
    own = module.__name__
    found = [v for v in vars(module).values() if isinstance(v, type) and v.__module__ == own]
    nested = [v for c in found for v in vars(c).values() if isinstance(v, type)]
    deeper = [v for c in nested for v in vars(c).values() if isinstance(v, type)]
    return found + nested + deeper


def _sources(classes: list[type]) -> list[tuple[str, int]]:
    return [(inspect.getsource(c), inspect.findsource(c)[1]) for c in classes]


def test_same_answers_as_inspect(module_from: Callable[[str, str], ModuleType]) -> None:
    module = module_from("tricky", TRICKY)
    classes = [*_classes(module), module.MADE, module.IN_METHOD]
    assert len(classes) >= 10
    plain = _sources(classes)
    with sourcememo.class_source_memo():
        memo = _sources(classes)
    assert memo == plain
    # A class the file does not define is refused as inspect refuses it.
    gone = type("Gone", (), {"__module__": "tricky"})
    with pytest.raises(OSError), sourcememo.class_source_memo():
        inspect.getsource(gone)


def test_table_agrees_with_inspect_on_golden_and_example_models() -> None:
    """One walk per file gives the line inspect's own finder gives, for every class."""

    files = [GOLDEN / case / "models.py" for case in CASES]
    files += sorted((SHOP / "src").rglob("*.py"))
    for path in files:
        source = path.read_text(encoding="utf-8")
        table = sourcememo.class_table(ast.parse(source))
        for qualname, (line, _end) in table.items():
            assert source.splitlines()[line].lstrip().startswith(("class ", "@")), (path, qualname)
    if sys.version_info < (3, 13):
        tree = ast.parse(TRICKY)
        for qualname, (line, _end) in sourcememo.class_table(tree).items():
            finder = inspect._ClassFinder(qualname)  # type: ignore[attr-defined]
            with pytest.raises(inspect.ClassFoundException) as found:  # type: ignore[attr-defined]
                finder.visit(tree)
            assert found.value.args[0] == line, qualname


def test_installed_only_where_inspect_parses() -> None:
    """The version-dependent path: 3.10-3.12 replace findsource, 3.13 leaves it."""
    assert not sourcememo.active()
    with sourcememo.class_source_memo():
        assert sourcememo.active()
        with sourcememo.class_source_memo():  # nested: one install, one removal
            assert sourcememo.active()
        if sys.version_info < (3, 13):
            assert inspect.findsource is not ORIGINAL
            assert inspect.getsourcelines is not ORIGINAL_LINES
        else:
            assert inspect_untouched()
    assert inspect_untouched() and not sourcememo.active()


MODELS = '''
"""Records whether the memo was on while this module imported."""
import inspect

import memo_probe
from tortoise import fields, models

from schema_sync_hook.load import sourcememo
memo_probe.seen.append((sourcememo.active(), inspect.findsource, inspect.getsourcelines))


class Item(models.Model):
    #: The item's name
    name = fields.CharField(max_length=20)
'''


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, object, object]]:
    """A module outside the project where the model module reports what it saw."""
    module = ModuleType("memo_probe")
    module.seen = []  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "memo_probe", module)
    return module.seen  # type: ignore[attr-defined,no-any-return]


def test_on_only_while_the_models_import(
    make_project: Callable[..., Project], probe: list[tuple[bool, object, object]]
) -> None:
    project = make_project(models=MODELS)
    spec = describe_project(load_config(root=project.root))
    [(active, findsource, getsourcelines)] = probe
    assert active is True
    assert (findsource is not ORIGINAL) == (sys.version_info < (3, 13))
    assert (getsourcelines is not ORIGINAL_LINES) == (sys.version_info < (3, 13))
    assert inspect_untouched() and not sourcememo.active()
    [model] = spec.models
    [name] = [f for f in model.fields if f.name == "name"]
    assert name.description == "The item's name"  # read through inspect.getsource


def test_removed_when_the_import_fails(
    make_project: Callable[..., Project], probe: list[tuple[bool, object, object]]
) -> None:
    project = make_project(models=MODELS + "\nraise RuntimeError('broken models')\n")
    with pytest.raises(UserError):
        describe_project(load_config(root=project.root))
    assert inspect_untouched() and not sourcememo.active()


def test_start_up_helper_leaves_the_app_untouched(make_project: Callable[..., Project]) -> None:
    from schema_sync_hook import startup

    project = make_project()
    project.write(".env", "SCHEMA_SYNC_WATCH_ENABLED=false\n")
    assert startup.start(root=project.root) is None
    assert project.output.is_file()
    assert inspect_untouched() and not sourcememo.active()


def _projects(tmp_path: Path) -> Iterator[Path]:
    for case in CASES:
        root = tmp_path / case
        root.mkdir()
        shutil.copy(GOLDEN / case / "models.py", root / "goldmodels.py")
        config = GOLDEN / case / "pyproject.toml"
        (root / "pyproject.toml").write_text(
            config.read_text() if config.is_file() else DEFAULT_CONFIG, encoding="utf-8"
        )
        yield root
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns("*.sqlite3*", ".schema_sync"))
    yield root


def test_identical_descriptions_with_and_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every golden project and the example: the memo changes nothing described."""
    for root in _projects(tmp_path):
        config = load_config(root=root)
        with_memo = describe_project(config)
        with monkeypatch.context() as off:
            off.setattr(sourcememo, "NEEDED", False)
            off.setattr(sourcelines, "_indexes", {})  # lines from its own parse, not the memo's
            without = describe_project(config)
        assert with_memo == without, root.name
        assert with_memo.models, root.name
        assert _locations(with_memo) == _locations(without), root.name  # not compared above
        assert all(m.location is not None for m in with_memo.models), root.name


def _locations(spec: ProjectSpec) -> list[object]:
    """Where each model, field, relation and computed field is defined."""
    return [
        (m.name, m.location, [(f.name, f.location) for f in (*m.fields, *m.relations, *m.computed)])
        for m in spec.models
    ]


# Class endings the tree-read rule must place exactly where the tokenizer does:
# comments after the body at, above and below its depth, blank lines, decorators
# in the body, a docstring-only body, and shapes left to the tokenizer (a body on
# the class line, tabs, a form feed, backslashes, a nested class).
ENDINGS = (
    "class Plain:\n    x = 1\n\n\nclass Trailing:\n    x = 1\n    # same depth\n"
    "        # deeper\n  # shallower\n# column 0\n\n    # same depth after a blank\n\n"
    "y = 1\n\n\nclass Doc:\n    '''Only a docstring.'''\n    # note\n\n\n"
    "class Decorated:\n    @property\n    def p(self):\n        return 1\n\n"
    "    # after a method\n\n\n"
    "class OneLine: x = 1\n# comment\nz = 2\n\n\n"
    "class Tabbed:\n\tx = 1\n\t# tab comment\n\n\n"
    "class Feed:\n    x = 1\n\x0c\n    # after a form feed\n\n\n"
    "class Slash:\n    x = (1 +\n         2)  # c \\\n    # next\n\n\n"
    "class Outer:\n    class Inner:\n        x = 1\n        # inner note\n    # outer note\n\n\n"
    "class Bracketed(\n    object,\n    ): x = 1\n    # after a body on the header's line\n\n\n"
    "class Continued: \\\n    x = 1\n    # after a continued header\n\n\n"
    "class Last:\n    x = 1\n    # at the end of the file\n"
)


def test_class_source_as_the_tokenizer_ends_it(
    module_from: Callable[[str, str], ModuleType],
) -> None:
    """inspect.getsource of every class above is the same text with the memo as without."""
    module = module_from("endings", ENDINGS)
    classes = _classes(module)
    plain = [inspect.getsourcelines(c) for c in classes]
    with sourcememo.class_source_memo():
        memo = [inspect.getsourcelines(c) for c in classes]
    assert memo == plain
    if sys.version_info < (3, 13):  # the rule is used for the usual shape only
        lines = io.StringIO(ENDINGS).readlines()  # as linecache splits (not at a form feed)
        table = sourcememo.class_table(ast.parse(ENDINGS), lines)
        ruled = sorted(name for name, (_first, end) in table.items() if end is not None)
        assert ruled == ["Decorated", "Doc", "Last", "Outer", "Plain", "Trailing"]


def test_block_ends_agree_with_the_tokenizer_on_real_code() -> None:
    """Every class the rule places, in the standard library, pydantic and Tortoise
    (thousands), ends where inspect.getblock's tokenizer ends it."""
    import pydantic
    import tortoise

    folders = [Path(ast.__file__).parent, Path(pydantic.__file__).parent]
    folders.append(Path(tortoise.__file__).parent)
    files = [f for d in folders for f in sorted(d.glob("*.py"))]
    files += sorted(Path(ast.__file__).parent.glob("[!t]*/*.py"))  # not test/ nor turtledemo/
    files += sorted(Path(pydantic.__file__).parent.glob("*/*.py"))
    files += sorted(Path(tortoise.__file__).parent.glob("*/*.py"))
    checked = 0
    for path in files:
        lines = linecache.getlines(str(path))
        try:
            tree = ast.parse("".join(lines))
        except SyntaxError:  # test data in the standard library
            continue
        for name, (first, end) in sourcememo.class_table(tree, lines).items():
            if end is not None:
                assert lines[first:end] == inspect.getblock(lines[first:]), (path, name)
                checked += 1
    assert checked > 2000
