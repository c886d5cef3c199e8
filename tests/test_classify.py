"""The parser of generated files and the classifier, on file texts of this tool's format."""

from __future__ import annotations

import textwrap

from schema_sync_hook.gate.classify import accept, class_namer, compare
from schema_sync_hook.gate.genparse import parse_generated

PRELUDE = """
from typing import Any, ClassVar
from datetime import date as _date

from pydantic import BaseModel, ConfigDict, Field

from app.base import ApiBase
"""


def lines(old: str, new: str, templates: dict[str, str] | None = None) -> list[str]:
    before = parse_generated(PRELUDE + textwrap.dedent(old), "old.py")
    after = parse_generated(PRELUDE + textwrap.dedent(new), "new.py")
    return [str(c) for c in compare(before, after, class_namer(templates))]


def test_gt_and_lt_tightened_and_loosened() -> None:
    old = """
    class ItemCreate(BaseModel):
        a: int = Field(gt=0, lt=10)
        b: int = Field(gt=0, lt=10)
    """
    new = """
    class ItemCreate(BaseModel):
        a: int = Field(gt=1, lt=9)
        b: int = Field(lt=11)
    """
    assert lines(old, new) == [
        "breaking ItemCreate.a: gt 0 -> 1, lt 10 -> 9",
        "compatible ItemCreate.b: gt 0 removed, lt 10 -> 11",
    ]


def test_detail_helpers_methods_and_classvars_are_not_fields() -> None:
    old = """
    class _NullNotOffered:
        x: int

    class ItemResponse(BaseModel):
        model_config = ConfigDict(from_attributes=True)

        id: int

    class ItemDetail(ItemResponse):
        prefetch: ClassVar[tuple[str, ...]] = ("tags", "owner")

        tags: list[TagResponse]
        owner: UserResponse | None = None

        @classmethod
        async def from_tortoise_orm(cls, obj: Any) -> "ItemDetail":
            return cls.model_validate(obj)
    """
    new = """
    class ItemResponse(BaseModel):
        model_config = ConfigDict(from_attributes=True)

        id: int

    class ItemDetail(ItemResponse):
        prefetch: ClassVar[tuple[str, ...]] = ("owner",)

        owner: UserResponse

        @classmethod
        async def from_queryset(cls, qs: Any) -> "list[ItemDetail]":
            return []
    """
    assert lines(old, new) == [
        "compatible ItemDetail.owner: UserResponse | None -> UserResponse, now required",
        "breaking ItemDetail.tags: removed",
    ]


def test_types_compare_through_import_aliases() -> None:
    old = """
    class ItemResponse(ApiBase):
        day: _date
        when: Optional[int] = None
    """
    new = """
    class ItemResponse(ApiBase):
        day: datetime.date
        when: int | None = None
    """
    before = parse_generated(PRELUDE + textwrap.dedent(old), "old.py")
    after = parse_generated(
        PRELUDE.replace("from datetime import date as _date", "import datetime")
        + textwrap.dedent(new),
        "new.py",
    )
    assert compare(before, after, class_namer()) == []


def test_update_not_null_and_nullable() -> None:
    old = """
    class ItemUpdate(BaseModel):
        a: _NotNull[str] = Field(default=None, max_length=5)
        b: str | None = None
    """
    new = """
    class ItemUpdate(BaseModel):
        a: str | None = Field(default=None, max_length=5)
        b: _NotNull[str] = None
    """
    assert lines(old, new) == [
        "compatible ItemUpdate.a: str -> str | None",
        "breaking ItemUpdate.b: str | None -> str",
    ]


def test_model_config_extra_forbid_breaks_input_only() -> None:
    old = """
    class ItemCreate(BaseModel):
        a: int
    class ItemResponse(BaseModel):
        a: int
    """
    new = """
    class ItemCreate(BaseModel):
        model_config = ConfigDict(extra="forbid")

        a: int
    class ItemResponse(BaseModel):
        model_config = ConfigDict(extra="forbid")

        a: int
    """
    assert lines(old, new) == [
        "breaking ItemCreate: model_config extra unset -> 'forbid'",
        "compatible ItemResponse: model_config extra unset -> 'forbid'",
    ]


def test_class_names_templates_decide_input_or_output() -> None:
    old = """
    class NewItem(BaseModel):
        a: int = Field(le=10)
    class ItemOut(BaseModel):
        a: int = Field(le=10)
    """
    new = old.replace("le=10", "le=5")
    templates = {"create": "New{model}", "response": "{model}Out"}
    assert lines(old, new, templates) == [
        "breaking NewItem.a: le 10 -> 5",
        "compatible ItemOut.a: le 10 -> 5",
    ]
    assert class_namer(templates)("NewItem") == ("Item", "create")


def test_accept_marks_only_breaking_changes_and_reports_unused() -> None:
    old = (
        PRELUDE
        + "class ItemCreate(BaseModel):\n    a: int = Field(le=10)\n    b: int = Field(le=10)\n"
    )
    new = (
        PRELUDE
        + "class ItemCreate(BaseModel):\n    a: int = Field(le=5)\n    b: int = Field(le=20)\n"
    )
    changes = compare(parse_generated(old, "o"), parse_generated(new, "n"), class_namer())
    marked, unused = accept(changes, ["ItemCreate.a", "ItemCreate.b"])
    assert [str(c) for c in marked] == [
        "accepted ItemCreate.a: le 10 -> 5",
        "compatible ItemCreate.b: le 10 -> 20",
    ]
    assert unused == ["ItemCreate.b"]
