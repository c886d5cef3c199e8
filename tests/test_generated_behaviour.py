"""The generated schemas, imported and exercised: each Create/Update/Response rule,
and Response.model_validate on rows read back from a real SQLite database."""

from __future__ import annotations

import asyncio
import importlib
import shutil
import sys
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from tortoise import Tortoise

from schema_sync_hook.cli import main

from conftest import GOLDEN


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("behaviour")
    shutil.copy(GOLDEN / "field_kinds" / "models.py", root / "goldmodels.py")
    (root / "pyproject.toml").write_text(
        '[tool.schema-sync]\nmodels = ["goldmodels"]\noutput = "schemas.py"\n'
    )
    assert main(["sync", "-q", "--root", str(root)]) == 0
    sys.path.insert(0, str(root))
    for name in ("goldmodels", "schemas"):
        sys.modules.pop(name, None)
    module = importlib.import_module("schemas")
    module.ROOT = root  # type: ignore[attr-defined]
    yield module
    sys.path.remove(str(root))
    for name in ("goldmodels", "schemas"):
        sys.modules.pop(name, None)


def errors(schema: type[BaseModel], data: dict[str, Any]) -> dict[str, str]:
    try:
        schema.model_validate(data)
    except ValidationError as exc:
        return {".".join(map(str, e["loc"])): e["type"] for e in exc.errors()}
    return {}


GOOD = {"small": 1, "ranged": 5, "name": "ab", "code": "ABC", "short": "s", "day": "2024-01-31"}


def test_create_required_exactly_when_the_orm_requires(gen: ModuleType) -> None:
    create = gen.EverythingCreate
    required = {n for n, f in create.model_fields.items() if f.is_required()}
    # not null, no default, no db_default; not the generated pk, not auto_now fields
    assert required == {"small", "ranged", "name", "code", "short", "day"}
    assert "id" not in create.model_fields
    assert not {"created_at", "updated_at"} & set(create.model_fields)
    assert errors(create, {}) == {k: "missing" for k in required}
    assert errors(create, GOOD) == {}


def test_create_defaults(gen: ModuleType) -> None:
    one = gen.EverythingCreate.model_validate(GOOD)
    two = gen.EverythingCreate.model_validate(GOOD)
    assert one.flag is False and one.ratio == 0.5 and one.price == Decimal("9.99")
    assert one.mood is gen.Mood.HAPPY and one.label == "generated"
    assert isinstance(one.token, uuid.UUID) and one.token != two.token  # a factory, not shared
    assert one.settings == {} and one.settings is not two.settings
    # a callable the schema cannot name is left to the model: omitted, not required
    assert one.nonce is None and "nonce" not in one.model_dump(exclude_unset=True)


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("small", 40000, "less_than_equal"),
        ("ranged", 0, "greater_than_equal"),
        ("ranged", 11, "less_than_equal"),
        ("name", "a", "string_too_short"),
        ("name", "x" * 51, "string_too_long"),
        ("short", "x" * 21, "string_too_long"),  # MaxLengthValidator tighter than max_length
        ("code", "abc", "string_pattern_mismatch"),
        ("price", "1.789", "decimal_max_places"),
        ("price", "1234567.8", "decimal_whole_digits"),
        ("mood", "angry", "enum"),
        ("level", 3, "enum"),
        ("day", "not a date", "date_from_datetime_parsing"),
        ("token", "nope", "uuid_parsing"),
        ("big", 2**63, "less_than_equal"),
        ("small", None, "int_type"),
    ],
)
def test_create_rejects(gen: ModuleType, field: str, value: Any, error: str) -> None:
    assert errors(gen.EverythingCreate, {**GOOD, field: value}) == {field: error}


def test_create_accepts_nullable_as_null(gen: ModuleType) -> None:
    data = {**GOOD, "big": None, "body": None, "level": None, "payload": None}
    assert errors(gen.EverythingCreate, data) == {}


def test_update_all_optional_and_null_rules(gen: ModuleType) -> None:
    update = gen.EverythingUpdate
    assert set(update.model_fields) == set(gen.EverythingCreate.model_fields)
    assert not any(f.is_required() for f in update.model_fields.values())
    assert update.model_validate({}).model_dump(exclude_unset=True) == {}
    patch = update.model_validate({"name": "new", "body": None})
    assert patch.model_dump(exclude_unset=True) == {"name": "new", "body": None}
    for not_nullable in ("name", "small", "mood", "price", "nonce"):
        assert errors(update, {not_nullable: None}) == {not_nullable: "value_error"}
    for nullable in ("body", "big", "level", "happened_at"):
        assert errors(update, {nullable: None}) == {}
    assert errors(update, {"name": "x" * 51}) == {"name": "string_too_long"}


def test_response_shape(gen: ModuleType) -> None:
    response = gen.EverythingResponse
    assert response.model_config.get("from_attributes") is True
    assert {"id", "created_at", "updated_at"} <= set(response.model_fields)
    assert "secret_key" not in response.model_fields  # matches *secret*
    assert "secret_key" in gen.EverythingCreate.model_fields
    assert set(gen.ThingResponse.model_fields) == {"id", "owner_id", "twin_id"}


def test_response_from_real_orm_rows(gen: ModuleType, tmp_path: Path) -> None:
    async def scenario() -> None:
        await Tortoise.init(
            db_url=f"sqlite://{tmp_path / 'db.sqlite3'}", modules={"models": ["goldmodels"]}
        )
        await Tortoise.generate_schemas()
        try:
            models = sys.modules["goldmodels"]
            payload = gen.EverythingCreate.model_validate(GOOD)
            row = await models.Everything.create(**payload.model_dump(exclude_unset=True))
            fetched = await models.Everything.get(pk=row.pk)
            out = gen.EverythingResponse.model_validate(fetched)
            assert out.id == row.pk and out.name == "ab" and out.nonce == "fresh"
            assert out.mood is gen.Mood.HAPPY and out.label == "generated"
            assert out.created_at is not None and out.price == Decimal("9.99")
            owner = await models.Owner.create(name="o")
            thing = await models.Thing.create(owner_id=owner.pk, twin_id=row.pk)
            thing_out = gen.ThingResponse.model_validate(await models.Thing.get(pk=thing.pk))
            assert thing_out.owner_id == owner.pk and thing_out.twin_id == row.pk
            patch = gen.EverythingUpdate.model_validate({"name": "changed", "body": None})
            await fetched.update_from_dict(patch.model_dump(exclude_unset=True)).save()
            again = gen.EverythingResponse.model_validate(await models.Everything.get(pk=row.pk))
            assert again.name == "changed" and again.small == 1
        finally:
            await Tortoise.close_connections()

    asyncio.run(scenario())
