"""Schema families, imported and run against real rows on SQLite: every relation kind
nested by the Detail, from_tortoise_orm/from_queryset (what they fetch, how many
queries), model_validate on unfetched relations and async computed fields, the
settings class_names/base_class/exclude/variants, and the errors of bad settings."""

from __future__ import annotations

import asyncio
import importlib
import logging
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from tortoise import Tortoise

from schema_sync_hook.cli import main

from conftest import GOLDEN, SHOP, Project


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("families")
    shutil.copy(GOLDEN / "families" / "models.py", root / "goldmodels.py")
    shutil.copy(GOLDEN / "families" / "pyproject.toml", root / "pyproject.toml")
    assert main(["sync", "-q", "--root", str(root)]) == 0
    sys.path.insert(0, str(root))
    for name in ("goldmodels", "schemas"):
        sys.modules.pop(name, None)
    module = importlib.import_module("schemas")
    yield module
    sys.path.remove(str(root))
    for name in ("goldmodels", "schemas"):
        sys.modules.pop(name, None)


class Queries(logging.Handler):
    """Counts the SQL statements Tortoise sends (its db_client logger, at DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sql: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.lstrip().upper().startswith("SELECT"):
            self.sql.append(message)


def on_database(
    scenario: Callable[[Any, Queries], Awaitable[None]],
    module: str = "goldmodels",
    rows: Callable[[Any], Awaitable[None]] | None = None,
) -> None:
    """Run ``scenario(models, queries)`` against a fresh SQLite database with rows
    (``rows(models)`` writes them; ``seed`` by default)."""

    async def run() -> None:
        await Tortoise.init(db_url="sqlite://:memory:", modules={"models": [module]})
        await Tortoise.generate_schemas()
        queries = Queries()
        logger = logging.getLogger("tortoise.db_client")
        level = logger.level
        try:
            models = sys.modules[module]
            await (rows or seed)(models)
            logger.addHandler(queries)
            logger.setLevel(logging.DEBUG)
            await scenario(models, queries)
        finally:
            logger.removeHandler(queries)
            logger.setLevel(level)
            await Tortoise.close_connections()

    asyncio.run(run())


async def seed(models: Any) -> None:
    red = await models.Team.create(name="red")
    blue = await models.Team.create(name="blue")
    tags = [await models.Tag.create(name=n) for n in ("a", "b")]
    ann = await models.Member.create(name="ann", team=red, secret_token="s1")
    await ann.tags.add(*tags)
    bob = await models.Member.create(name="bob", team=red, mentor=ann, secret_token="s2")
    await bob.tags.add(tags[0])
    await models.Member.create(name="cy", team=blue, mentor=ann)
    await models.Badge.create(member=ann, code="gold")
    archive = await models.Archive.create(title="old")
    await models.Note.create(archive=archive, team=red)


def test_detail_nests_every_relation_kind(gen: ModuleType) -> None:
    async def scenario(models: Any, queries: Queries) -> None:
        ann = await models.Member.get(name="ann")
        full = await gen.MemberFull.from_tortoise_orm(ann)
        assert full.team.name == "red" and full.team.label == "RED"  # forward FK
        assert full.team.headcount == 2  # an async computed field, awaited when nested
        assert full.mentor is None  # nullable forward FK
        assert sorted(t.name for t in full.tags) == ["a", "b"]  # M2M, declared side
        assert full.badge is not None and full.badge.code == "gold"  # reverse O2O
        assert sorted(m.name for m in full.mentees) == ["bob", "cy"]  # reverse FK
        bob = await gen.MemberFull.from_tortoise_orm(await models.Member.get(name="bob"))
        assert bob.mentor is not None and bob.mentor.name == "ann" and bob.badge is None
        tag = await gen.TagFull.from_tortoise_orm(await models.Tag.get(name="a"))
        assert sorted(m.name for m in tag.members) == ["ann", "bob"]  # M2M, other side
        badge = await gen.BadgeFull.from_tortoise_orm(await models.Badge.get(code="gold"))
        assert badge.member.name == "ann"  # forward O2O (as primary key)
        dumped = full.model_dump_json()
        assert "secret_token" not in dumped and "s1" not in dumped  # sensitive, every level

    on_database(scenario)


def test_prefetch_and_pydantic_meta(gen: ModuleType) -> None:
    assert gen.MemberFull.prefetch == ("team", "mentor", "tags", "badge", "mentees")
    assert gen.MemberResponse.prefetch == ()
    assert gen.ArchiveFull.prefetch == ()  # backward_relations = False
    assert gen.NoteFull.prefetch == ("archive",)  # PydanticMeta.exclude drops the relation
    assert "team_id" in gen.NoteFull.model_fields  # ... and keeps its <name>_id
    assert gen.TeamFull.prefetch == ("members",)  # exclude.detail "Team.notes"
    assert issubclass(gen.MemberFull, gen.MemberResponse)
    assert set(gen.TeamResponse.model_fields) == {"id", "name", "label", "headcount", "anything"}
    assert "label" not in gen.TeamCreate.model_fields and "label" not in gen.TeamUpdate.model_fields


def test_settings_class_names_base_class_exclude(gen: ModuleType) -> None:
    base = sys.modules["goldmodels"].ApiModel
    classes = [v for k, v in vars(gen).items() if isinstance(v, type) and k[:1].isupper()]
    generated = [c for c in classes if c.__module__ == "schemas"]
    assert generated and all(issubclass(c, base) for c in generated)
    assert not hasattr(gen, "MemberDetail") and hasattr(gen, "MemberFull")
    assert "mentor_id" not in gen.MemberCreate.model_fields  # exclude.create
    assert "mentor_id" in gen.MemberUpdate.model_fields
    assert "internal_note" not in gen.MemberResponse.model_fields  # exclude.response
    assert "internal_note" in gen.MemberCreate.model_fields


def test_from_queryset_one_query_per_relation_whatever_the_rows(gen: ModuleType) -> None:
    async def scenario(models: Any, queries: Queries) -> None:
        rows = await gen.MemberFull.from_queryset(models.Member.all().order_by("id"))
        assert [r.name for r in rows] == ["ann", "bob", "cy"]
        assert [len(r.mentees) for r in rows] == [2, 0, 0]
        three = len(queries.sql)
        for n in range(5):
            await models.Member.create(name=f"m{n}", team_id=1, mentor_id=1)
        queries.sql.clear()
        rows = await gen.MemberFull.from_queryset(models.Member.all())
        assert len(rows) == 8 and len(queries.sql) == three  # not one more per row
        queries.sql.clear()
        fetched = await models.Member.get(name="ann").prefetch_related("team", "tags")
        queries.sql.clear()
        await gen.MemberFull.from_tortoise_orm(fetched)
        assert not any('FROM "team"' in q or 'FROM "tag"' in q for q in queries.sql)
        # badge, mentees, then headcount (ann has no mentor): not team or tags again
        assert len(queries.sql) == 3

    on_database(scenario)


def test_model_validate_names_the_unfetched_relation(gen: ModuleType) -> None:
    async def scenario(models: Any, queries: Queries) -> None:
        ann = await models.Member.get(name="ann")
        with pytest.raises(ValidationError) as info:
            gen.MemberFull.model_validate(ann)
        text = str(info.value)
        assert "relation team was not fetched" in text and "from_tortoise_orm(obj)" in text
        assert "prefetch_related(*MemberFull.prefetch)" in text
        assert "NoValuesFetched" not in text and "QuerySet" not in text.split("input_type")[0]
        # fetched beforehand: model_validate works (as FastAPI's response_model does)
        team = await models.Team.get(name="red")
        await ann.fetch_related(*gen.MemberFull.prefetch)
        with pytest.raises(ValidationError) as info:  # team.headcount is async
            gen.MemberFull.model_validate(ann)
        assert "headcount is an async computed field" in str(info.value)
        note = await models.Note.get(id=1).prefetch_related(*gen.NoteFull.prefetch)
        assert gen.NoteFull.model_validate(note).archive.id == 1
        with pytest.raises(ValidationError, match="headcount is an async computed field"):
            gen.TeamResponse.model_validate(team)
        out = await gen.TeamResponse.from_tortoise_orm(team)
        assert (out.label, out.headcount, out.anything) == ("RED", 2, {"id": team.id})

    on_database(scenario)


# --- settings and their errors -----------------------------------------------------------

CONFIG = 'models = ["shopmodels"]\noutput = "api/schemas_generated.py"\n'


def test_variants_setting(make_project: Callable[..., Project]) -> None:
    project = make_project(config=CONFIG + 'variants = ["create", "detail"]\n')
    result = project.run("sync")
    assert result.code == 0, result.err
    text = project.output.read_text()
    assert "class BookCreate(" in text and "class BookDetail(BookResponse):" in text
    assert "class BookUpdate(" not in text
    assert "class BookResponse(" in text  # a Detail's base and nested class stays


@pytest.mark.parametrize(
    ("where", "setting", "expected"),
    [
        ("toml", 'variants = ["create", "nested"]', "variants: bad value"),
        ("toml", 'class_names = { detail = "{model}Response" }', "'AuthorResponse' to Author"),
        ("toml", 'class_names = { detail = "{model}-Full" }', "not a valid class name"),
        ("toml", 'class_names = { details = "{model}X" }', "unknown variant 'details'"),
        ("toml", 'base_class = "nowhere.Base"', "base_class: 'nowhere.Base' cannot be imported"),
        ("toml", 'base_class = "pathlib.Path"', "not a subclass of pydantic.BaseModel"),
        ("toml", 'exclude = { detail = ["Book.title"] }', "exclude.detail matches Book.title"),
        ("env", "SCHEMA_SYNC_EXCLUDE=create", "environment: SCHEMA_SYNC_EXCLUDE: bad value"),
        ("env", "SCHEMA_SYNC_VARIANTS=", "SCHEMA_SYNC_VARIANTS: bad value"),
    ],
)
def test_bad_family_settings_exit_2(
    make_project: Callable[..., Project],
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    setting: str,
    expected: str,
) -> None:
    if where == "env":
        key, _, value = setting.partition("=")
        monkeypatch.setenv(key, value)
        project = make_project()
    else:
        project = make_project(config=CONFIG + setting + "\n")
    result = project.run("sync")
    assert result.code == 2, result.out + result.err
    assert expected in result.err and len(result.err.strip().splitlines()) <= 2, result.err


def test_text_forms_in_environment_and_setup_cfg(
    make_project: Callable[..., Project], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHEMA_SYNC_CLASS_NAMES", "detail={model}Full,create=New{model}")
    monkeypatch.setenv("SCHEMA_SYNC_EXCLUDE", "create:Book.pages,response:*.color")
    project = make_project()
    assert project.run("sync").code == 0
    text = project.output.read_text()
    assert "class NewBook(" in text and "class BookFull(BookResponse):" in text
    create = text.split("class NewBook(")[1].split("class ")[0]
    response = text.split("class BookResponse(")[1].split("class ")[0]
    assert "pages" not in create and "color" in create and "color" not in response


def test_computed_annotation_that_cannot_be_imported(make_project: Callable[..., Project]) -> None:
    project = make_project()
    models = project.root / "shopmodels.py"
    models.write_text(
        models.read_text() + "\n\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from decimal import Decimal\n\n\n"
        "class Priced(models.Model):\n    id = fields.IntField(primary_key=True)\n\n"
        '    def price(self) -> "Decimal":\n        return 1\n\n'
        '    class PydanticMeta:\n        computed = ("price",)\n'
    )
    result = project.run("sync")
    assert result.code == 2
    assert "Priced.price: its return annotation cannot be imported" in result.err


CROSS_A = """
from tortoise import fields, models


class Owner(models.Model):
    id = fields.IntField(primary_key=True)
    favourite = fields.ForeignKeyField("b.Pet", related_name="fans", null=True)
"""
CROSS_B = """
from tortoise import fields, models


class Pet(models.Model):
    id = fields.IntField(primary_key=True)
    owner = fields.ForeignKeyField("a.Owner", related_name="pets")
"""
CROSS_CONFIG = """
TORTOISE_ORM = {
    "connections": {"default": "sqlite://:memory:"},
    "apps": {"a": {"models": ["models_a"]}, "b": {"models": ["models_b"]}},
}
"""


@pytest.mark.parametrize("first", ["a", "b"])
def test_relations_across_apps_import_in_a_cycle(tmp_path: Path, first: str) -> None:
    (tmp_path / "models_a.py").write_text(CROSS_A)
    (tmp_path / "models_b.py").write_text(CROSS_B)
    (tmp_path / "settings.py").write_text(CROSS_CONFIG)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "__init__.py").write_text("")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.schema-sync]\ntortoise_config = "settings.TORTOISE_ORM"\n'
        'output = "api/{app}_schemas.py"\n'
    )
    assert main(["sync", "-q", "--root", str(tmp_path)]) == 0
    second = "b" if first == "a" else "a"
    code = (
        f"import api.{first}_schemas as one, api.{second}_schemas as two\n"
        "from api.a_schemas import OwnerDetail\nfrom api.b_schemas import PetDetail\n"
        "print(OwnerDetail.model_fields['pets'].annotation,"
        " PetDetail.model_fields['owner'].annotation)\n"
        "OwnerDetail.model_validate({'id': 1, 'favourite_id': None, 'favourite': None,"
        " 'pets': [{'id': 2, 'owner_id': 1}]})\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "api.b_schemas.PetResponse" in proc.stdout and "OwnerResponse" in proc.stdout
    assert "import tortoise" not in (tmp_path / "api" / "a_schemas.py").read_text()
    for tool in (["ruff", "check", "--isolated"], ["mypy", "--strict"]):
        checked = subprocess.run(
            [sys.executable, "-m", *tool, "api/a_schemas.py", "api/b_schemas.py"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_generated_classes_are_pydantic_models(gen: ModuleType) -> None:
    for name in ("TeamFull", "MemberFull", "TagFull", "BadgeFull", "NoteFull"):
        cls = getattr(gen, name)
        assert issubclass(cls, BaseModel)
        cls.model_json_schema()


def test_readme_deeper_nesting_recipe_passes_mypy_strict(tmp_path: Path) -> None:
    """The README's recipe, as a module of the example shop, under mypy --strict."""
    readme = (GOLDEN.parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Deeper nesting", 1)[1].split("**Without a view**", 1)[1]
    recipe = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert "class OrderDeep(OrderResponse):" in recipe and "items__product" in recipe
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns("*.sqlite3*", ".schema_sync"))
    (root / "src" / "api" / "recipe.py").write_text(recipe, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "src/api/recipe.py"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    broken = recipe.replace(
        "items: list[OrderItemDetail]", "items: list[OrderItemDetail]\n    customer_id: str"
    )  # the check can fail
    (root / "src" / "api" / "recipe.py").write_text(broken, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "src/api/recipe.py"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1 and "Incompatible types in assignment" in proc.stdout


RELATIONS_SCENARIO = """
import asyncio

from tortoise import Tortoise

import goldmodels as m
import schemas as s


async def main() -> None:
    await Tortoise.init(db_url="sqlite://:memory:", modules={"models": ["goldmodels"]})
    await Tortoise.generate_schemas()
    try:
        fr = await m.Country.create(iso="FR")
        root = await m.Node.create(country=fr)
        child = await m.Node.create(parent=root, country=fr)
        await child.peers.add(root)
        await m.Profile.create(node=root, bio="hi")
        await m.Silent.create(node=child)
        top = await s.NodeDetail.from_tortoise_orm(root)
        assert top.parent is None and top.country is not None and top.country.iso == "FR"
        assert [n.id for n in top.children] == [child.id] and top.peers == []
        assert [n.id for n in top.peered_by] == [child.id]  # M2M, the other side
        assert top.profile is not None and top.profile.bio == "hi"  # reverse O2O
        low = await s.NodeDetail.from_tortoise_orm(child)
        assert low.parent is not None and low.parent.id == root.id and low.profile is None
        country = await s.CountryDetail.from_tortoise_orm(fr)  # reverse FK by to_field
        assert sorted(n.id for n in country.nodes) == [root.id, child.id]
        profile = await s.ProfileDetail.from_tortoise_orm(await m.Profile.get(bio="hi"))
        assert profile.node.id == root.id  # one-to-one as the primary key
        silent = await s.SilentDetail.from_tortoise_orm(await m.Silent.first())
        assert silent.node.id == child.id  # related_name=False: no reverse side
        listed = await s.NodeDetail.from_queryset(m.Node.all().order_by("id"))
        assert [len(n.children) for n in listed] == [1, 0]
    finally:
        await Tortoise.close_connections()


asyncio.run(main())
print("ok")
"""


def test_relations_golden_runs_on_sqlite(tmp_path: Path) -> None:
    """to_field, self references, many-to-many with itself, one-to-one as primary key."""
    shutil.copy(GOLDEN / "relations" / "models.py", tmp_path / "goldmodels.py")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.schema-sync]\nmodels = ["goldmodels"]\noutput = "schemas.py"\n'
    )
    synced = subprocess.run(  # a process of its own: this module has a goldmodels imported
        [sys.executable, "-m", "schema_sync_hook", "sync", "-q", "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert synced.returncode == 0, synced.stderr
    (tmp_path / "scenario.py").write_text(RELATIONS_SCENARIO)
    proc = subprocess.run(
        [sys.executable, "scenario.py"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_text_forms_in_setup_cfg_and_dotenv(make_project: Callable[..., Project]) -> None:
    project = make_project()
    (project.root / "pyproject.toml").unlink()
    (project.root / "setup.cfg").write_text(
        "[schema-sync]\nmodels = shopmodels\noutput = api/schemas_generated.py\n"
        "variants = response, detail\nclass_names = response={model}Out, detail={model}Full\n"
    )
    (project.root / ".env").write_text("SCHEMA_SYNC_EXCLUDE=detail:Book.author\n")
    assert project.run("sync").code == 0
    text = project.output.read_text()
    assert "class BookOut(_FromTortoise):" in text and "class BookFull(BookOut):" in text
    assert "class BookCreate(" not in text and "class AuthorFull(AuthorOut):" in text
    book_full = text.split("class BookFull(")[1].split("\nclass ")[0]
    assert (
        "author: AuthorOut" not in book_full
        and "prefetch: ClassVar[tuple[str, ...]] = ()" in book_full
    )
    (project.root / ".env").write_text("SCHEMA_SYNC_CLASS_NAMES=detail\n")
    result = project.run("sync")
    assert result.code == 2 and ".env: SCHEMA_SYNC_CLASS_NAMES: bad value" in result.err
