"""``adopt`` (§13): calls found statically, built by the real creator on real models,
replaced by generated classes, compared on the wire and in behaviour, rewritten."""

from __future__ import annotations

import ast
import asyncio
import difflib
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from adopt_project import write_project

from schema_sync_hook.adopt import find
from schema_sync_hook.adopt.calls import Call, MetaOverride, Span
from schema_sync_hook.adopt.compare import accepts, differences, dumps
from schema_sync_hook.adopt.rewrite import Edit, add_views, rewrite_source
from schema_sync_hook.adopt.run import EARLY, _early
from schema_sync_hook.adopt.shape import read_shape
from schema_sync_hook.settings.sources import load_config

from conftest import Result


@pytest.fixture
def shop(tmp_path: Path, run_cli: Callable[..., Result]) -> Path:
    root = write_project(tmp_path / "proj")
    assert run_cli("sync", "--root", str(root)).code == 0
    return root


def adopt(run_cli: Callable[..., Result], root: Path, *args: str) -> Result:
    return run_cli("adopt", "--root", str(root), *args)


def rows(result: Result) -> dict[str, dict[str, Any]]:
    found = json.loads(result.out)
    return {f"{r['target'] or r['call']}@{r['line']}": r for r in found}


def by_target(result: Result) -> dict[str | None, dict[str, Any]]:
    return {r["target"]: r for r in json.loads(result.out)}


def ruff(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--isolated",
            "--select",
            "E4,E7,E9,F,I",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


# --- finding -----------------------------------------------------------------------


def found_in(tmp_path: Path, source: str, module: str = "app.routes") -> list[Call]:
    path = tmp_path / "routes.py"
    path.write_text(textwrap.dedent(source).lstrip())
    result = find.find_calls(tmp_path, [path], lambda _: module)
    assert not result.broken
    return result.calls


def test_every_import_spelling_is_found(tmp_path: Path) -> None:
    calls = found_in(
        tmp_path,
        """
        import tortoise.contrib.pydantic as tp
        from tortoise.contrib import pydantic
        from tortoise.contrib.pydantic import pydantic_model_creator as pmc
        from tortoise.contrib.pydantic.creator import pydantic_queryset_creator as pqc
        from app import models
        from app.models import Order

        A = pmc(Order)
        B = tp.pydantic_model_creator(models.Order, name="OrderOut")
        C = pydantic.pydantic_queryset_creator(Order)
        D = pqc(Order, exclude=["items.product"])
        E = some_other_function(Order)
        """,
    )
    assert [(c.target, c.kind, c.model) for c in calls] == [
        ("A", "model", "app.models.Order"),
        ("B", "model", "app.models.Order"),
        ("C", "queryset", "app.models.Order"),
        ("D", "queryset", "app.models.Order"),
    ]
    assert calls[1].view_name == "OrderOut"
    assert calls[3].kwargs == {"exclude": ("items.product",)}
    assert calls[0].source == "pmc(Order)"


def test_sites_names_and_what_cannot_be_read(tmp_path: Path) -> None:
    calls = found_in(
        tmp_path,
        """
        from pydantic import BaseModel, ConfigDict
        from tortoise.contrib.pydantic import pydantic_model_creator as pmc
        from app.models import Job

        class Meta:
            max_recursion = 1

        class JobResultOut(pmc(Job, exclude=("owner",))):
            pass

        class JobListOut(BaseModel):
            rows: list[pmc(Job)]

        def make(model):
            return pmc(model)

        def local():
            Out = pmc(Job, meta_override=Meta, model_config=ConfigDict(title="J"))
            return Out

        X = pmc(Job, include=FIELDS)
        Y = pmc(Job)  # schema-sync: keep
        # schema-sync: keep
        Z = pmc(Job)
        W = pmc(Job)
        """,
    )
    by_line = {c.line: c for c in calls}
    base, annotation, runtime, local, not_literal, kept, kept_above, plain = calls
    assert (base.site, base.view_name, base.target) == ("base", "JobResultOutBase", None)
    assert (annotation.site, annotation.view_name) == ("annotation", "JobListOutRows")
    assert runtime.problem is not None and "chosen at run time" in runtime.problem
    assert local.site == "local" and local.problem is None
    meta = local.kwargs["meta_override"]
    assert isinstance(meta, MetaOverride) and meta.attributes == (("max_recursion", 1),)
    assert local.kwargs["model_config"] == (("title", "J"),)
    assert not_literal.problem == "include= is not a literal"
    assert kept.kept and kept_above.kept and not plain.kept
    assert len(by_line) == 8


def test_a_file_that_does_not_parse_is_reported_and_the_rest_still_read(
    shop: Path, run_cli: Callable[..., Result]
) -> None:
    (shop / "shop" / "broken.py").write_text("def (:\n")
    result = adopt(run_cli, shop, "--format", "json")
    assert result.code == 2
    assert "shop/broken.py" in result.err and "does not parse" in result.err
    assert "NoteOut" in by_target(result)


def test_a_path_outside_the_root_exits_2_naming_it(
    shop: Path, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    outside = tmp_path / "elsewhere.py"
    outside.write_text("")
    result = adopt(run_cli, shop, str(outside))
    assert result.code == 2
    assert "elsewhere.py is outside the project root" in result.err


# --- building, choosing, comparing -------------------------------------------------


def test_verdicts_on_every_call_shape(shop: Path, run_cli: Callable[..., Result]) -> None:
    before = {p: p.read_bytes() for p in shop.rglob("*") if p.is_file()}
    result = adopt(run_cli, shop, "--format", "json")
    assert result.code == 1  # some calls are not adopted
    assert {p: p.read_bytes() for p in shop.rglob("*") if p.is_file()} == before
    found = by_target(result)
    assert set(json.loads(result.out)[0]) == {
        "path", "line", "call", "target", "replacement", "kind", "verdict", "reason",
        "differences",
    }  # fmt: skip
    replaced = {
        target: (row["replacement"], row["kind"], row["verdict"])
        for target, row in found.items()
        if row["replacement"]
    }
    assert replaced == {
        "NoteOut": ("NoteResponse", "existing", "differs"),  # plain
        "NoteIn": ("NoteCreate", "existing", "differs"),  # exclude_readonly=True
        "TagOut": ("TagResponse", "existing", "differs"),  # an aliased import
        "Order_Pydantic": ("OrderOut", "view", "differs"),  # name=, a module alias
        "ItemShort": ("ItemShort", "view", "differs"),  # nested include/exclude
        "OrderBrief": ("OrderBrief", "view", "differs"),
        "OrderDunder": ("OrderDunder", "view", "differs"),
        "Orders": ("OrderRowsList", "view", "differs"),  # pydantic_queryset_creator
        "ProductOut": ("ProductResponse", "existing", "differs"),  # meta_override
        "CategoryTree": ("CategoryTree", "view", "identical"),  # allow_cycles
        "NoteDraft": ("NoteUpdate", "existing", "differs"),  # optional=
        "CustomerOut": ("CustomerOut", "view", "differs"),  # computed=, max_recursion
        "Local": ("NoteResponse", "existing", "differs"),  # inside a function
        "Tag_Pydantic": ("TagResponse", "existing", "differs"),  # if TYPE_CHECKING
        None: ("NotePageRows", "view", "differs"),  # an annotation (the last of None)
    }
    base = next(r for r in json.loads(result.out) if r["replacement"] == "NoteBoxBase")
    assert (base["kind"], base["verdict"]) == ("view", "differs")  # a base class
    for target, row in found.items():
        if row["verdict"] == "differs" and target != "NoteDraft":
            assert all(d["intended"] for d in row["differences"]), row["differences"]
    assert any("422" in d["what"] for d in found["NoteIn"]["differences"])
    null = {"field": "title", "what": "may be null only in the creator's class", "intended": False}
    assert null in found["NoteDraft"]["differences"]  # optional=: Update refuses null
    user = found["UserOut"]
    assert user["verdict"] == "not_adopted" and "password" in user["reason"]
    assert found["UserLogin"]["verdict"] == "kept"
    runtime = [r for r in json.loads(result.out) if r["call"] == "pydantic_model_creator(model)"]
    assert runtime[0]["verdict"] == "not_adopted"
    assert "chosen at run time" in runtime[0]["reason"]


def view_rows(result: Result) -> dict[str, dict[str, Any]]:
    return {r["replacement"]: r for r in json.loads(result.out) if r["kind"] == "view"}


def test_views_are_declared_as_section_12_writes_them(shop: Path) -> None:
    from schema_sync_hook.adopt.run import plan

    made = plan(load_config(root=shop))
    views = {r.view: r.declaration for r in made.rows if r.kind == "view"}
    # name= names the view; PydanticMeta.exclude_raw_fields = False on Order keeps
    # customer_id; OrderItem drops the _id keys of relations it nests (raw_ids) and of
    # the order the cycle cuts (exclude).
    assert views["OrderOut"] == {
        "model": "Order",
        "nest": ["customer", "items", "items.product", "items.product.tags"],
        "exclude": ["items.order_id", "items.product_id"],
    }
    assert views["OrderRows"] == {**views["OrderOut"], "list": True}
    rows_by_view = {r.view: r for r in made.rows if r.kind == "view"}
    assert rows_by_view["OrderRows"].replacement == "OrderRowsList"
    # include/exclude with nested paths, spelled as the creator reads them: dotted
    assert views["ItemShort"] == {
        "model": "OrderItem",
        "nest": ["product"],
        "exclude": ["order_id"],
        "raw_ids": False,
    }
    assert views["OrderBrief"] == {
        "model": "Order",
        "nest": ["items", "items.product"],
        "exclude": ["items.order_id"],
        "raw_ids": False,
    }
    # the installed creator reads "items__product__name" as no path at all: nothing goes
    assert views["OrderDunder"] == views["OrderOut"]
    # Customer's max_recursion = 1 is not what limits its own class: the creator reads
    # each level's limit from the parent models below the root.
    assert views["CustomerOut"]["nest"] == [
        "orders",
        "orders.items",
        "orders.items.product",
        "profile",
    ]
    # allow_cycles = True with max_recursion = 2: the category nests itself twice
    assert views["CategoryTree"]["nest"] == [
        "parent", "parent.parent", "parent.children", "children", "children.parent",
        "children.children",
    ]  # fmt: skip
    assert views["NoteBoxBase"] == {"model": "Note", "exclude": ["body"]}  # a base class
    assert views["NotePageRows"] == {"model": "Note", "exclude": ["body"]}  # an annotation
    for row in made.rows:  # every view generates and is compared
        if row.kind == "view":
            assert row.verdict in {"identical", "differs"} and row.reason is None, row


def test_a_view_that_cannot_be_generated_is_not_adopted_with_the_reason(shop: Path) -> None:
    from schema_sync_hook.adopt.run import generate_with_views

    config = load_config(root=shop)
    good = {"model": "Note", "exclude": ["body"]}
    sources, refused = generate_with_views(
        config, {"Good": good, "Bad": {"model": "Nope"}, "Worse": {"model": "Note", "x": 1}}
    )
    assert set(refused) == {"Bad", "Worse"}
    assert "Nope" in refused["Bad"] and "x" in refused["Worse"]
    assert any("class Good(" in s.text for s in sources)


def test_views_already_declared_stay_and_new_ones_join_them(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    declared = (
        'adopt_assume = "initialised"\n\n'
        '[tool.schema-sync.views.NoteBrief]\nmodel = "Note"\nexclude = ["body"]\n'
    )
    root = write_project(tmp_path / "p", full=False, extra_config=declared)
    assert run_cli("sync", "--root", str(root)).code == 0
    found = by_target(adopt(run_cli, root, "--format", "json"))
    assert found["CategoryTree"]["verdict"] == "identical"
    assert found["Order_Pydantic"]["replacement"] == "OrderOut"


def test_creator_builds_before_and_after_initialisation(shop: Path) -> None:
    from schema_sync_hook.adopt import creator

    config = load_config(root=shop)
    found = [
        Call(
            path="x.py", line=1, source="", kind="model", target="O", view_name="O",
            model="shop.models.Order", model_text="Order", arguments=(), problem=None,
            kept=False, site="assign", call_span=Span(1, 0, 1, 0),
            statement_span=Span(1, 0, 1, 0), module="x",
        )
    ]  # fmt: skip
    with creator.loaded(config, found) as session:
        built = session.built[0]
        assert built.shape is not None and built.early_shape is not None
        assert "customer" in built.shape.names() and "items" in built.shape.names()
        assert "customer" not in built.early_shape.names()
        early = _early(built.shape, built.early_shape)
        assert {d.field for d in early} >= {"customer", "items"}
        assert all(d.what == EARLY and not d.intended for d in early)
        assert built.meta["Order"]["exclude_raw_fields"] is False
        assert built.meta["Customer"]["max_recursion"] == 1
        one = creator.star_shape(session, "Order", 1)
        assert set(one.relation_paths()) == {"customer", "items"}
        assert "customer_id" not in one.names()  # raw_ids = false everywhere


def test_differences_are_field_by_field_and_marked(shop: Path) -> None:
    from schema_sync_hook.adopt import creator
    from schema_sync_hook.adopt.generated import classes, generate_source

    config = load_config(root=shop)
    call = found_in_project(shop, "ItemIn")
    sources = generate_source(config)
    with creator.loaded(config, [call]) as session, classes(sources) as generated:
        built = session.built[0]
        assert built.cls is not None
        create = generated.classes["OrderItemCreate"][1]
        found = differences(built.cls, create, for_input=True)
    assert any(
        d.field == "quantity" and "minimum" in d.what and d.intended for d in found
    )  # MinValueValidator: a constraint the creator drops
    assert not [d for d in found if not d.intended]


def found_in_project(root: Path, target: str) -> Call:
    routers = root / "shop" / "routers.py"
    routers.write_text(
        routers.read_text()
        + "\nItemIn = pydantic_model_creator(OrderItem, name='ItemIn', exclude_readonly=True)\n"
    )
    found = find.find_calls(root, [routers], lambda _: "shop.routers")
    return next(c for c in found.calls if c.target == target)


# --- behaviour on a real SQLite database ------------------------------------------


@pytest.fixture
def database(shop: Path) -> Iterator[tuple[Any, Any, str]]:
    """The models and the generated module imported; an SQLite file for Tortoise."""
    sys.path.insert(0, str(shop))
    try:
        import shop.models as models  # type: ignore[import-not-found]
        import shop.schemas_generated as generated  # type: ignore[import-not-found]

        yield models, generated, f"sqlite://{shop / 'db.sqlite3'}"
    finally:
        sys.path.remove(str(shop))
        for name in [n for n in sys.modules if n == "shop" or n.startswith("shop.")]:
            del sys.modules[name]


def test_identical_replacements_dump_the_same_json_and_accept_the_same_payloads(
    database: tuple[Any, Any, str],
) -> None:
    from tortoise import Tortoise
    from tortoise.contrib.pydantic import pydantic_model_creator

    models, generated, url = database

    async def scenario() -> None:
        await Tortoise.init(db_url=url, modules={"models": ["shop.models"]})
        await Tortoise.generate_schemas()
        try:
            await check()
        finally:
            await Tortoise.close_connections()

    async def check() -> None:
        for title, body in (("a", None), ("b" * 100, "text"), ("\u00fc", "")):
            await models.Note.create(title=title, body=body)
        await models.Tag.create(label="x")
        notes = await models.Note.all()
        creator_out = pydantic_model_creator(models.Note)
        assert await dumps(creator_out, notes) == await dumps(generated.NoteResponse, notes)
        tags = await models.Tag.all()
        tag_out = pydantic_model_creator(models.Tag, exclude=("products",))
        assert await dumps(tag_out, tags) == await dumps(generated.TagResponse, tags)
        note_in = pydantic_model_creator(models.Note, name="NoteIn", exclude_readonly=True)
        payloads: list[dict[str, Any]] = [
            {"title": "t"},
            {"title": "t", "body": None},
            {"title": None},
            {},
            {"title": "x" * 101},
            {"title": 3},
            {"body": "b"},
        ]
        for payload in payloads:
            assert accepts(note_in, payload) == accepts(generated.NoteCreate, payload), payload
        # the intended difference: the creator refuses unknown keys, ours ignores them
        assert not accepts(note_in, {"title": "t", "color": "red"})
        assert accepts(generated.NoteCreate, {"title": "t", "color": "red"})

    asyncio.run(scenario())


# --- writing -----------------------------------------------------------------------


def project_check(root: Path, database: str) -> dict[str, Any]:
    """The project's own endpoint test (``shop/check.py``) on a fresh SQLite file."""
    done = subprocess.run(
        [sys.executable, "-m", "shop.check", f"sqlite://{root / database}"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def project_ruff(root: Path) -> subprocess.CompletedProcess[str]:
    """``ruff check`` as the project runs it: its own configuration."""
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def files_of(root: Path) -> dict[Path, bytes]:
    return {
        p: p.read_bytes()
        for p in root.rglob("*")
        if p.is_file()
        and ".schema_sync" not in p.parts
        and "__pycache__" not in p.parts
        and p.suffix != ".sqlite3"
        and ".sqlite3" not in p.name
    }


def test_write_switches_every_adopted_call_and_the_app_answers_the_same(
    shop: Path, run_cli: Callable[..., Result]
) -> None:
    """The proof of §13 on the project: for every row of an SQLite database, each
    rewritten name dumps what the creator's class dumped, accepts and refuses the
    same payloads (but unknown keys), and every endpoint answers the same."""
    assert project_ruff(shop).returncode == 0, project_ruff(shop).stdout
    before = project_check(shop, "before.sqlite3")
    toml = shop / "pyproject.toml"
    original_toml = toml.read_text()
    planned = json.loads(adopt(run_cli, shop, "--format", "json").out)
    first = adopt(run_cli, shop, "--write")
    assert first.code == 1, first.err  # UserOut, the run-time model and NoteDraft remain
    after = project_check(shop, "after.sqlite3")
    assert after["endpoints"] == before["endpoints"]
    for name, dumped in before["classes"].items():
        if name.endswith(".unknown_key"):
            continue
        if name == "NoteIn":  # a read-only key is an unknown key to the creator's class
            assert dumped[:-1] == after["classes"][name][:-1]
            assert (dumped[-1], after["classes"][name][-1]) == (False, True)
            continue
        assert after["classes"][name] == dumped, name
    assert before["classes"]["NoteIn.unknown_key"] is False  # the intended difference
    assert after["classes"]["NoteIn.unknown_key"] is True
    # every call adopted is one the project's check exercises
    exercised = set(before["classes"]) | {"NotePage.rows"}
    for row in planned:
        if row["verdict"] in {"identical", "differs"} and row["target"] != "NoteDraft":
            assert row["target"] in exercised or row["target"] is None, row
    # the TOML file: the views joined the schema-sync table, every other byte kept
    text = toml.read_text()
    head, tail = original_toml.split("[tool.ruff]")
    assert text.startswith(head) and text.endswith("[tool.ruff]" + tail)
    assert "[tool.schema-sync.views.CategoryTree]" in text
    routers = (shop / "shop" / "routers.py").read_text()
    assert "from shop.schemas_generated import NoteResponse as NoteOut  # noqa: F401" in routers
    assert "from shop.schemas_generated import NoteResponse as Local\n" in routers
    assert "UserLogin = pydantic_model_creator(User)  # schema-sync: keep" in routers
    assert "UserOut = pydantic_model_creator(User)\n" in routers  # not adopted
    assert "NoteDraft = pydantic_model_creator(" in routers  # an unexpected difference
    assert "pmc" not in routers and "tp." not in routers  # imports gone with their uses
    assert "class NoteBox(NoteBoxBase):" in routers
    assert "rows: list[NotePageRows]" in routers
    users = (shop / "shop" / "users.py").read_text()
    assert users == "from shop.schemas_generated import TagResponse as Tag_Pydantic  # noqa: F401\n"
    assert project_ruff(shop).returncode == 0, project_ruff(shop).stdout
    snapshot = files_of(shop)
    second = adopt(run_cli, shop, "--write")
    assert "nothing to write" in second.out
    assert files_of(shop) == snapshot


def test_lines_not_rewritten_are_kept_byte_for_byte(
    shop: Path, run_cli: Callable[..., Result]
) -> None:
    """Only imports and the adopted calls' lines change; the rest is as it was."""
    routers = shop / "shop" / "routers.py"
    original = routers.read_text().splitlines(keepends=True)
    calls = {
        number
        for node in ast.walk(ast.parse("".join(original)))
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(("creator", "pmc"))
        for number in range(node.lineno, (node.end_lineno or node.lineno) + 1)
    }
    adopt(run_cli, shop, "--write")
    new = routers.read_text().splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, original, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for number in range(i1 + 1, i2 + 1):  # removed: an import or a call's line
            line = original[number - 1]
            assert number in calls or line.startswith(("import ", "from ")), line
        for line in new[j1:j2]:  # added: the generated imports, or a name for a call
            assert (
                line.startswith("from shop.schemas_generated import ")
                or line.startswith(("    ", ")"))
                or "NoteBoxBase" in line
                or "NotePageRows" in line
                or line.startswith("from tortoise.contrib.pydantic import ")
                or line.startswith("from shop.models import ")
            ), line


def test_tortoise_type_checking_pattern_goes_when_emptied() -> None:
    source = textwrap.dedent(
        """
        from typing import TYPE_CHECKING

        from tortoise.contrib.pydantic import PydanticModel, pydantic_model_creator

        from app.models import Users

        if TYPE_CHECKING:  # pragma: nocoverage

            class User_Pydantic(Users, PydanticModel):  # type: ignore[misc]
                pass

        else:
            User_Pydantic = pydantic_model_creator(Users, name="User")


        def use() -> object:
            return User_Pydantic
        """
    ).lstrip()
    tree = ast.parse(source)
    path = Path("routes.py")
    calls = find._FileReader(str(path), source, tree, "app.routes").calls()
    new = rewrite_source(source, [Edit(calls[0], "app.schemas_generated", "User")])
    assert "TYPE_CHECKING" not in new and "PydanticModel" not in new and "else" not in new
    assert "from app.schemas_generated import User as User_Pydantic\n" in new
    assert "from app.models import Users" not in new  # only the removed code used it
    assert new.endswith("def use() -> object:\n    return User_Pydantic\n")


def test_an_else_is_removed_but_a_type_checking_block_with_more_stays() -> None:
    source = textwrap.dedent(
        """
        from typing import TYPE_CHECKING

        from tortoise.contrib.pydantic import pydantic_model_creator

        from app.models import Users

        if TYPE_CHECKING:
            from app.other import Thing
        else:
            User_Pydantic = pydantic_model_creator(Users)

        __all__ = ["User_Pydantic", "Thing"]
        """
    ).lstrip()
    calls = find._FileReader("r.py", source, ast.parse(source), "app.r").calls()
    new = rewrite_source(source, [Edit(calls[0], "app.gen", "UsersResponse")])
    assert "if TYPE_CHECKING:\n    from app.other import Thing\n\n__all__" in new
    assert "from app.gen import UsersResponse as User_Pydantic\n" in new
    assert "noqa" not in new  # __all__ lists it


def test_views_join_the_toml_file_leaving_every_other_byte(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    original = (
        "[project]\nname = 'x'  # a comment\n\n[tool.schema-sync]\n"
        'models = [ "app.models" ]   # spaced\n\n[tool.ruff]\nline-length = 100\n'
    )
    path.write_text(original)
    view = {"model": "Order", "nest": ["customer", "items.product"], "raw_ids": False}
    assert add_views(path, {"OrderOut": view})
    text = path.read_text()
    assert text.startswith(original.split("[tool.ruff]")[0].rstrip("\n"))
    assert "[tool.ruff]\nline-length = 100\n" in text
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    assert tomllib.loads(text)["tool"]["schema-sync"]["views"]["OrderOut"] == view
    assert not add_views(path, {"OrderOut": view})  # a second time changes nothing
    assert path.read_text() == text


def test_without_tomlkit_one_line_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from schema_sync_hook.errors import UserError

    monkeypatch.setitem(sys.modules, "tomlkit", None)
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.schema-sync]\n")
    with pytest.raises(UserError, match=r"schema-sync-hook\[adopt\]"):
        add_views(path, {"V": {"model": "M"}})
    assert path.read_text() == "[tool.schema-sync]\n"


def test_adopt_assume_is_a_setting(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", full=False, extra_config='adopt_assume = "initialised"\n')
    assert load_config(root=root).settings.adopt_assume == "initialised"
    bad = write_project(tmp_path / "q", full=False, extra_config='adopt_assume = "sometimes"\n')
    with pytest.raises(Exception, match="adopt_assume"):
        load_config(root=bad)


def test_the_shape_reader_sees_list_classes(shop: Path) -> None:
    from tortoise import Tortoise
    from tortoise.contrib.pydantic import pydantic_queryset_creator

    sys.path.insert(0, str(shop))
    try:
        import shop.models as models  # type: ignore[import-not-found]

        Tortoise.init_models(["shop.models"], "models")
        shape = read_shape(pydantic_queryset_creator(models.Tag))
        assert shape.many and "label" in shape.names()
    finally:
        sys.path.remove(str(shop))
        for name in [n for n in sys.modules if n == "shop" or n.startswith("shop.")]:
            del sys.modules[name]


EARLY_ROUTER = """
from tortoise.contrib.pydantic import pydantic_model_creator

from shop.models import Order

OrderFlat = pydantic_model_creator(Order, exclude=("customer", "items"))


def flat():
    Late = pydantic_model_creator(Order, exclude=("customer", "items"))
    return Late
"""


@pytest.mark.parametrize("assume", ["", 'adopt_assume = "initialised"\n'])
def test_a_module_level_call_builds_flatter_before_initialisation(
    tmp_path: Path, run_cli: Callable[..., Result], assume: str
) -> None:
    root = write_project(tmp_path / "p", routers=EARLY_ROUTER, extra_config=assume, full=False)
    assert run_cli("sync", "--root", str(root)).code == 0
    result = adopt(run_cli, root, "--format", "json")
    found = by_target(result)
    assert found["OrderFlat"]["replacement"] == "OrderResponse"
    early = {"field": "customer_id", "what": EARLY, "intended": False}
    # a call inside a function runs when it is called: after start-up
    assert early not in found["Late"]["differences"]
    if assume:
        assert early not in found["OrderFlat"]["differences"]
        assert result.code == 0
    else:
        assert early in found["OrderFlat"]["differences"]
        assert result.code == 1


TORTOISE_EXAMPLE_SCHEMAS = """\
from typing import TYPE_CHECKING

from models import Users
from pydantic import BaseModel

from tortoise.contrib.pydantic import PydanticModel, pydantic_model_creator

if TYPE_CHECKING:  # pragma: nocoverage

    class UserIn_Pydantic(Users, PydanticModel):  # type:ignore[misc]
        pass

    class User_Pydantic(Users, PydanticModel):  # type:ignore[misc]
        pass

else:
    User_Pydantic = pydantic_model_creator(Users, name="User")
    UserIn_Pydantic = pydantic_model_creator(Users, name="UserIn", exclude_readonly=True)


class Status(BaseModel):
    message: str
"""


def test_tortoise_fastapi_example_becomes_two_imports_in_their_own_section() -> None:
    """Tortoise's own examples/fastapi/schemas.py, as adopt --write leaves it."""
    source = TORTOISE_EXAMPLE_SCHEMAS
    calls = find._FileReader("schemas.py", source, ast.parse(source), "schemas").calls()
    edits = [
        Edit(calls[0], "schemas_generated", "UsersResponse"),
        Edit(calls[1], "schemas_generated", "UsersCreate"),
    ]
    new = rewrite_source(
        source, edits, 100, {"models", "schemas", "schemas_generated"}.__contains__
    )
    assert new == (
        "from pydantic import BaseModel\n"
        "\n"
        "from schemas_generated import UsersCreate as UserIn_Pydantic  # noqa: F401\n"
        "from schemas_generated import UsersResponse as User_Pydantic  # noqa: F401\n"
        "\n"
        "\n"
        "class Status(BaseModel):\n"
        "    message: str\n"
    )


def test_the_readme_table_has_every_intended_difference() -> None:
    from schema_sync_hook.adopt.compare import INTENDED

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme.split("## Switching from pydantic_model_creator")[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][1:]
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == list(INTENDED.values())
