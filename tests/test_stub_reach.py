# ruff: noqa: UP006, UP007, UP045  (the typing forms projects write are the subject)
"""Stub mode judges a placeholder's use by where it happens (SPEC §11).

On the way into a field (a hash, a repr, a containment test or a string conversion
in the project's code, or a placeholder's text inside a description) the run refuses
naming ``Model.field``; inside ``typing`` (annotations, ``Optional``, ``Union``,
``NamedTuple``, ``TypedDict``: typing hashes and compares what it is given) the run
goes on and writes exactly the bytes of a full environment.
"""

from __future__ import annotations

import sys
import textwrap
import typing
from collections.abc import Callable
from pathlib import Path

import pytest
from test_missing_imports import CONFIG, PACKAGE, STANDINS, shop

from schema_sync_hook.missing import placeholders as stubs

from conftest import Project

MORE_STANDINS = {
    "fileuploads/__init__.py": """
        class UploadFile:
            pass


        def File(default=None):
            return default
        """,
}
SETTINGS = textwrap.dedent(PACKAGE["app/settings.py"]).replace(
    "    title_length: int = 200\n",
    '    title_length: int = 200\n    size: str = "big"\n    currencies: list = ["EUR", "USD"]\n',
)
LENGTHS = 'LENGTHS = {"big": 200}\n'
STUB = 'missing_imports = "stub"\n' + CONFIG
TITLE = 'title = fields.CharField(max_length=200, description="The title")'


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    for relative, text in {**STANDINS, **MORE_STANDINS}.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def models_with(title: str = TITLE, head: str = "", body: str = "") -> str:
    """The shop's models module with ``title`` for Book.title, ``head`` after the
    imports and ``body`` at the start of Book's class body."""
    text = PACKAGE["app/models.py"].replace(TITLE, title)
    text = text.replace("\nclass Color(", f"\n{head}\n\nclass Color(", 1)
    return text.replace(
        "class Book(models.Model):\n", f"class Book(models.Model):\n{textwrap.indent(body, '    ')}"
    )


def full_and_stub(project: Project, site: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The bytes a full environment writes (the project then in stub mode, no output)."""
    with monkeypatch.context() as patch:
        patch.syspath_prepend(str(site))
        result = project.run("sync")
        assert result.code == 0, result.err
    for name in {*STANDINS, *MORE_STANDINS}:
        sys.modules.pop(name.partition("/")[0], None)
    data = project.output.read_bytes()
    project.output.unlink()
    project.write("pyproject.toml", "[tool.schema-sync]\n" + STUB)
    return data


# --- item 3: a placeholder on the way into a field refuses ---------------------------


@pytest.mark.parametrize(
    ("title", "head"),
    [
        ("title = fields.CharField(max_length=LENGTHS.get(settings.size, 100))", LENGTHS),
        (
            "title = fields.CharField(max_length=TITLE_LENGTH)",
            LENGTHS + "TITLE_LENGTH = LENGTHS.get(settings.size, 100)",
        ),
        ("title = fields.CharField(max_length=200 if settings.size in {'big'} else 100)", ""),
        ("title = fields.CharField(max_length=200 if settings.size in ('big',) else 100)", ""),
        ("title = fields.CharField(max_length=200 if 'EUR' in settings.currencies else 9)", ""),
        ("title = fields.CharField(max_length=len(settings.currencies) * 100)", ""),
        ("title = fields.CharField(max_length=settings.limits.title)", ""),
        ("title = fields.CharField(max_length=200, description=f'{settings.currencies!r}')", ""),
        ("title = fields.CharField(max_length=200, description=f'In {settings.currencies}')", ""),
        ("title = fields.CharField(max_length=200, description=str(settings.currencies))", ""),
        ("title = fields.CharField(max_length=200, description=repr(settings))", ""),
        ("title = fields.CharField(max_length=200, description='%s' % settings.size)", ""),
        ("title = fields.CharField(max_length=200, description='{}'.format(settings.size))", ""),
        (
            "title = fields.CharField(max_length=200, description=DESCRIPTION)",
            "DESCRIPTION = 'Prices in ' + ', '.join(map(str, settings.currencies))",
        ),
        (
            "title = fields.CharField(max_length=200, description=pprint.pformat(settings.size))",
            "import pprint",
        ),
        (
            "title = fields.CharField(max_length=200, default=str(Optional[settings.size]))",
            "from typing import Optional",
        ),
    ],
)
def test_a_placeholder_on_its_way_into_a_field_is_refused(
    make_project: Callable[..., Project], title: str, head: str
) -> None:
    models = models_with(title, head)
    project = shop(
        make_project, config=STUB, **{"app/settings.py": SETTINGS, "app/models.py": models}
    )
    result = project.run()
    assert result.code == 2, result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert "Book.title: " in result.err, result.err
    assert "'pydantic_settings'" in result.err and "pip install pydantic-settings" in result.err
    assert not project.output.exists()


def test_the_full_environment_writes_what_stub_mode_refuses(
    make_project: Callable[..., Project], site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's example: without the refusal, stub mode wrote max_length=100 and a
    description holding ``<missing ...>``."""
    title = (
        "title = fields.CharField(max_length=LENGTHS.get(settings.size, 100),"
        " description=f'{settings.currencies!r}')"
    )
    models = models_with(title, LENGTHS)
    project = shop(make_project, **{"app/settings.py": SETTINGS, "app/models.py": models})
    expected = full_and_stub(project, site, monkeypatch)
    assert b"max_length=200" in expected and b"['EUR', 'USD']" in expected
    result = project.run()
    assert result.code == 2 and "Book.title: Settings().size" in result.err, result.err


def test_a_placeholder_used_in_a_field_s_type_is_refused_naming_the_field(
    make_project: Callable[..., Project],
) -> None:
    """A custom field whose Python type comes from a missing module: the describe stage
    meets the placeholder (it looks the type up) and names the field."""
    head = "import redis\n\n\nclass CacheKeyField(fields.CharField):\n    field_type = redis.Key\n"
    title = "title = CacheKeyField(max_length=200)"
    project = shop(make_project, config=STUB, **{"app/models.py": models_with(title, head)})
    result = project.run()
    assert result.code == 2, result.err
    assert "Book.title: redis.Key, from the module 'redis'" in result.err, result.err


# --- item 8: a placeholder that cannot reach a field does not refuse ------------------

TYPING_HEAD = """
import collections.abc
from typing import (
    Annotated,
    Callable,
    ClassVar,
    Dict,
    List,
    NamedTuple,
    Optional,
    Type,
    TypedDict,
    Union,
)

import redis
from fileuploads import File, UploadFile

Handler = Callable[[UploadFile], Optional[redis.Redis]]
Hook = collections.abc.Callable[[UploadFile], Union[redis.Redis, None]]
Files = Annotated[List[UploadFile], File()]
logging_level = logging.getLogger(__name__).debug("cache %s", redis.Redis)


class Upload(NamedTuple):
    file: UploadFile
    cache: Optional[redis.Redis] = None


Pair = NamedTuple("Pair", [("file", Optional[UploadFile]), ("client", redis.Redis)])


class Payload(TypedDict, total=False):
    files: List[UploadFile]
    client: Union[redis.Redis, UploadFile, None]


Options = TypedDict("Options", {"client": Optional[redis.Redis], "kind": Type[UploadFile]})


def handle(
    file: Optional[UploadFile] = File(None), *, client: Union[redis.Redis, None] = None
) -> Dict[str, List[UploadFile]]:
    return {}
"""
TYPING_BODY = """cache: ClassVar[Optional[redis.Redis]] = None
handlers: ClassVar[Dict[str, Handler]] = {}
upload: Optional[UploadFile]
clients: "List[redis.Redis]"


def attach(self, file: Optional[UploadFile] = None) -> Union[UploadFile, redis.Redis, None]:
    return file

"""


def test_placeholders_inside_typing_forms_write_the_full_environment_s_bytes(
    make_project: Callable[..., Project], site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = models_with(head="import logging\n" + TYPING_HEAD, body=TYPING_BODY)
    project = shop(make_project, **{"app/models.py": models})
    expected = full_and_stub(project, site, monkeypatch)
    result = project.run("-v")
    assert result.code == 1, result.err
    assert project.output.read_bytes() == expected
    assert "stubbed missing modules: fileuploads, jose, pydantic_settings, redis" in (
        result.err + result.out
    )
    validate = project.run("validate")
    assert validate.code == 0, validate.out + validate.err


def test_typing_forms_of_placeholders_record_no_use() -> None:
    """In-process: typing hashes and compares the placeholders; nothing is recorded,
    and what it builds still holds them (a form reaching a field is found)."""

    class Recorder:
        used: list[stubs.PlaceholderUsed] = []

    upload = stubs.Missing("fastapi.UploadFile", "fastapi")
    client = stubs.Missing("redis.Redis", "redis")
    stubs.ACTIVE.append(Recorder)
    try:
        forms = [
            typing.Optional[upload],
            typing.List[upload],
            typing.Union[upload, client, None],
            typing.ClassVar[typing.Optional[client]],
            typing.Dict[str, typing.Callable[[upload], client]],
            typing.Annotated[upload, client],
            typing.Type[upload],
            typing.NamedTuple("P", [("a", upload), ("b", typing.Optional[client])]),
            typing.TypedDict("T", {"a": upload, "b": typing.Optional[client]}),
        ]
        assert typing.Optional[upload] is forms[0]  # typing's cache still works
        shown = str(forms[2])  # typing prints them: a recorded text
    finally:
        stubs.ACTIVE.remove(Recorder)
    assert not Recorder.used
    for form in forms[:7]:
        assert stubs.find_placeholder(form) is not None, form
    assert stubs.find_placeholder({"description": shown}) is not None
    assert stubs.find_placeholder({"description": "<missing nothing.stubbed>"}) is None
