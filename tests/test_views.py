"""Views (SPEC §12), generated, imported and run against real rows on SQLite: the
classes a view writes and reuses, ``prefetch``, what ``from_tortoise_orm`` fetches,
the queries of ``from_queryset`` whatever the rows, ``from_queryset_single``, the list
class, the §9.1 error on unfetched relations, sensitive fields and computed fields at
every level, ``nest = "*"`` against Tortoise's own creator, and every error of §12."""

from __future__ import annotations

import importlib
import json
import shutil
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import tortoise
from pydantic import ValidationError
from test_families import Queries, on_database

from schema_sync_hook.cli import main

from conftest import GOLDEN, Project, git

VIEWS = GOLDEN / "views"
M2M_QUERIES = 2 if int(tortoise.__version__.split(".")[0]) >= 1 else 1


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("views")
    shutil.copy(VIEWS / "models.py", root / "viewmodels.py")
    config = (VIEWS / "pyproject.toml").read_text(encoding="utf-8")  # the golden case's
    config = config.replace('"goldmodels"', '"viewmodels"').replace(
        '"schemas.py"', '"viewschemas.py"'
    )
    (root / "pyproject.toml").write_text(config, encoding="utf-8")
    assert main(["sync", "-q", "--root", str(root)]) == 0
    sys.path.insert(0, str(root))
    for name in ("viewmodels", "viewschemas"):
        sys.modules.pop(name, None)
    module = importlib.import_module("viewschemas")
    yield module
    sys.path.remove(str(root))
    for name in ("viewmodels", "viewschemas"):
        sys.modules.pop(name, None)


def run(scenario: Callable[[Any, Queries], Awaitable[None]]) -> None:
    """``scenario`` on a fresh database holding the view models' rows."""
    on_database(scenario, module="viewmodels", rows=seed)


async def seed(models: Any) -> None:
    ann = await models.Customer.create(name="ann lee", email="a@x", password_hash="h1")
    bob = await models.Customer.create(name="bob", email="b@x", referrer=ann)
    tags = [await models.Tag.create(name=n) for n in ("new", "sale")]
    products = [
        await models.Product.create(name=n, price=p) for n, p in (("pen", "1.50"), ("ink", "3"))
    ]
    await products[0].tags.add(*tags)
    for number, customer in (("1", ann), ("2", ann), ("3", bob)):
        order = await models.Order.create(number=number, customer=customer)
        for product in products:
            await models.OrderItem.create(order=order, product=product, quantity=2)


def test_classes_reuse_and_prefetch(gen: ModuleType) -> None:
    assert gen.OrderOut.prefetch == ("customer", "items", "items__product")
    assert gen.OrderOutItems.prefetch == ("product",)
    # nothing restricts or nests below items.product: the Response is reused
    assert gen.OrderOutItems.model_fields["product"].annotation is gen.ProductResponse
    assert gen.OrderOut.model_fields["items"].annotation == list[gen.OrderOutItems]
    assert "order_id" not in gen.OrderOutItems.model_fields  # exclude items.order_id
    assert "email" not in gen.OrderOutCustomer.model_fields  # exclude customer.email
    assert set(gen.OrderRow.model_fields) == {"id", "number"}  # include
    # include restricts only the level it addresses; raw_ids = false where nested
    assert set(gen.ProductTagsOrderItems.model_fields) == {"quantity"}
    assert gen.ProductTags.model_fields["tags"].annotation == list[gen.TagResponse]
    for cls in (gen.OrderOutCustomer, gen.OrderTreeCustomer, gen.OrderTreeCustomerReferrer):
        assert "password_hash" not in cls.model_fields  # sensitive, at every level
    assert gen.OrderOutList.prefetch == gen.OrderOut.prefetch


def test_nest_star_follows_the_creator_rules(gen: ModuleType) -> None:
    # a relation from a model to itself nests once; a model above the parent never again
    assert gen.OrderTree.prefetch == (
        "customer",
        "customer__referrer",
        "customer__referrals",
        "items",
        "items__product",
        "items__product__tags",
    )
    assert "orders" not in gen.OrderTreeCustomer.model_fields  # Order is above
    assert "referrer_id" not in gen.OrderTreeCustomerReferrer.model_fields  # cut by a cycle
    assert "customer_id" not in gen.OrderTree.model_fields  # raw_ids = false everywhere


def test_from_tortoise_orm_fetches_what_is_missing_at_every_level(gen: ModuleType) -> None:
    async def scenario(models: Any, queries: Queries) -> None:
        order = await models.Order.get(number="1").prefetch_related("customer")
        queries.sql.clear()
        out = await gen.OrderOut.from_tortoise_orm(order)
        # items, products; customer was fetched; order_count is one count query
        assert len(queries.sql) == 3, queries.sql
        assert out.customer.name == "ann lee" and out.customer.initials == "AL"
        assert out.customer.order_count == 2  # async computed field, nested level
        assert out.label == "#1"  # the model's own PydanticMeta.computed
        assert sorted(i.product.name for i in out.items) == ["ink", "pen"]
        assert "h1" not in out.model_dump_json()

    run(scenario)


def test_from_queryset_one_query_per_path_whatever_the_rows(gen: ModuleType) -> None:
    async def scenario(models: Any, queries: Queries) -> None:
        counts = []
        for wanted in (["3"], ["1", "2", "3"]):
            queries.sql.clear()
            rows = await gen.OrderTree.from_queryset(models.Order.filter(number__in=wanted))
            assert len(rows) == len(wanted)
            counts.append(len(queries.sql))
        # rows + customer, referrer, referrals, items, product + the M2M tags: the through
        # table, then the tags (tortoise-orm 0.25 joins the two in one query)
        assert counts == [6 + M2M_QUERIES] * 2, counts
        queries.sql.clear()
        listed = await gen.OrderOutList.from_queryset(models.Order.all().order_by("id"))
        assert [o.number for o in listed.root] == ["1", "2", "3"]
        single = await gen.OrderOut.from_queryset_single(models.Order.get(number="3"))
        assert single.customer.name == "bob" and len(single.items) == 2
        bob = await gen.CustomerResponse.from_queryset_single(models.Customer.get(name="bob"))
        assert bob.name == "bob"  # every Response has it too
        again = await gen.OrderOutList.from_tortoise_orm(await models.Order.all())
        assert again.model_dump() == listed.model_dump()

    run(scenario)


def test_model_validate_names_the_unfetched_relation(gen: ModuleType) -> None:
    async def scenario(models: Any, queries: Queries) -> None:
        order = await models.Order.get(number="1").prefetch_related("customer", "items")
        with pytest.raises(ValidationError) as caught:
            gen.OrderTree.model_validate(order)
        text = str(caught.value)
        assert "was not fetched" in text and "from_tortoise_orm" in text
        fetched = await models.Order.get(number="1").prefetch_related(*gen.OrderRow.prefetch)
        assert gen.OrderRow.model_validate(fetched).number == "1"

    run(scenario)


def test_star_dumps_what_pydantic_model_creator_dumps(gen: ModuleType) -> None:
    from tortoise.contrib.pydantic import pydantic_model_creator

    async def scenario(models: Any, queries: Queries) -> None:
        saved = {}
        for model in (models.Customer, models.Tag, models.Product, models.Order, models.OrderItem):
            meta = getattr(model, "PydanticMeta", None) or type("PydanticMeta", (), {})
            saved[model] = meta
            model.PydanticMeta = type("PydanticMeta", (meta,), {"max_recursion": 3})
        try:
            creator = pydantic_model_creator(models.Order, name="OrderCreator")
            for order in await models.Order.all():
                theirs = await creator.from_tortoise_orm(order)
                ours = await gen.OrderTree.from_tortoise_orm(order)
                expected = theirs.model_dump(mode="json")
                _drop(expected, "password_hash")  # sensitive: never in a view
                assert ours.model_dump(mode="json") == expected
        finally:
            for model, meta in saved.items():
                model.PydanticMeta = meta

    run(scenario)


def _drop(value: Any, key: str) -> None:
    if isinstance(value, dict):
        value.pop(key, None)
        for item in value.values():
            _drop(item, key)
    elif isinstance(value, list):
        for item in value:
            _drop(item, key)


BASE = 'models = ["shopmodels"]\noutput = "api/schemas_generated.py"\n'


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ('model = "Book"\ncolour = 1', "views.V.colour: unknown view key"),
        ('model = "Nope"', "views.V.model: 'Nope': is not a configured model"),
        ('model = "Book"\nnest = ["title"]', "views.V.nest: 'title': title is a field of Book"),
        ('model = "Book"\nnest = ["nope"]', "nope is not a field or relation of Book"),
        ('model = "Book"\ninclude = ["author.name"]', "views.V.include: 'author.name': goes"),
        ('model = "Book"\nexclude = ["zz*"]', "views.V.exclude: 'zz*': matches no field"),
        ('model = "Book"\ninclude = ["title"]\nexclude = ["title"]', "views.V.exclude"),
        ('model = "Book"\nnest = "*"', "views.V.nest: 'nest = \"*\"' needs a depth"),
        ('model = "Book"\nnest = ["author"]\ndepth = 2', "views.V.depth: bad value 2"),
        ('model = "Book"\nnest = "*"\ndepth = 6', "views.V.depth: bad value 6: expected 1 to 5"),
        ('model = "Book"\ncomputed = ["nope"]', "views.V.computed: 'nope': nope is no method"),
        ('model = "Book"\nraw_ids = "no"', "views.V.raw_ids: bad value 'no'"),
    ],
)
def test_view_errors_exit_2_in_one_line(
    make_project: Callable[..., Project], view: str, expected: str
) -> None:
    project = make_project(config=BASE + "[tool.schema-sync.views.V]\n" + view + "\n")
    result = project.run("sync")
    assert result.code == 2, result
    message = result.err.strip()
    assert "\n" not in message and "pyproject.toml" in message
    assert expected.replace("'nest = \"*\"' ", 'nest = "*" ') in message, message
    assert not project.output.exists()


def test_view_name_collision_and_sources_outside_toml(
    make_project: Callable[..., Project], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(config=BASE + '[tool.schema-sync.views.BookResponse]\nmodel = "Book"\n')
    result = project.run("sync")
    assert result.code == 2 and "views.BookResponse" in result.err
    assert "Book's Response class" in result.err
    project = make_project(config=BASE)
    monkeypatch.setenv("SCHEMA_SYNC_VIEWS", "V=Book")
    result = project.run("sync")
    assert result.code == 2 and "SCHEMA_SYNC_VIEWS" in result.err
    assert "pyproject.toml or the --config TOML file only" in result.err


def test_views_come_after_every_model_class(make_project: Callable[..., Project]) -> None:
    config = BASE + '[tool.schema-sync.views.BookOut]\nmodel = "Book"\nnest = ["author"]\n'
    project = make_project(config=config)
    assert project.run("sync").code == 0
    text = project.read("api/schemas_generated.py")
    assert text.index("class BookOut(") > text.index("class BookDetail(")
    assert project.run("validate").code == 0
    status = project.run("status", "--json")
    assert '"BookOut"' in status.out


def test_views_table_change_is_drift(make_project: Callable[..., Project]) -> None:
    project = make_project(config=BASE)
    assert project.run("sync", "-q").code == 0
    path = Path(project.root / "pyproject.toml")
    path.write_text(
        path.read_text() + '[tool.schema-sync.views.BookOut]\nmodel = "Book"\n', encoding="utf-8"
    )
    result = project.run("--check")
    assert result.code == 1 and "+class BookOut(" in result.out


def test_gate_counts_views_as_responses(
    make_project: Callable[..., Project], git_env: None
) -> None:
    view = '[tool.schema-sync.views.BookOut]\nmodel = "Book"\nnest = ["author"]\n'
    project = make_project(config=BASE + view)
    assert project.run("sync", "-q").code == 0
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "start")
    path = project.root / "pyproject.toml"
    path.write_text(path.read_text() + 'exclude = ["author.name"]\n', encoding="utf-8")
    result = project.run("diff", "--against", "main", "--format", "json")
    assert result.code == 1, result
    files = json.loads(result.out)["files"]
    changes = {(c["class"], tuple(c["fields"])): c for f in files for c in f["changes"]}
    typed = changes["BookOut", ("author",)]  # AuthorResponse -> BookOutAuthor
    assert typed["severity"] == "breaking" and typed["model"] == "Book", changes
    assert changes["BookOutAuthor", ()]["severity"] == "compatible"  # a view class added


def test_hook_and_cache_see_a_change_of_the_views_table(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(config=BASE)
    assert project.run("sync", "-q").code == 0
    assert project.run("-q").code == 0  # in sync: the cache holds this answer
    path = project.root / "pyproject.toml"
    path.write_text(path.read_text() + '[tool.schema-sync.views.BookOut]\nmodel = "Book"\n')
    assert project.run("-q").code == 1  # hook mode: regenerated and written
    assert "class BookOut(" in project.read("api/schemas_generated.py")
    assert project.run("-q").code == 0
