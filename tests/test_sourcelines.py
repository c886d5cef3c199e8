"""Source locations of models and fields, checked against the model files' text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from schema_sync_hook.load.models import describe_project
from schema_sync_hook.settings.sources import load_config

from conftest import Project

MODELS = """
from tortoise import fields, models


class Stamped:
    created_at = fields.DatetimeField(auto_now_add=True)


class Base(models.Model):
    note = fields.TextField(null=True)

    class Meta:
        abstract = True


@decorated
class Author(Base, Stamped):
    name = fields.CharField(max_length=100)


class Book(models.Model):
    id = fields.IntField(primary_key=True)
    title: str = fields.CharField(
        max_length=200,
    )
    author: fields.ForeignKeyRelation[Author] = fields.ForeignKeyField(
        "models.Author", related_name="books"
    )
"""


def _line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.strip().startswith(text):
            return number
    raise AssertionError(text)


def test_models_and_fields_carry_their_definition_lines(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(models="def decorated(cls):\n    return cls\n\n" + MODELS)
    source = project.root / "shopmodels.py"
    spec = describe_project(load_config(project.root))
    models = {m.name: m for m in spec.models}
    author, book = models["Author"], models["Book"]

    assert author.location is not None and book.location is not None
    assert Path(author.location.file) == source.resolve()
    assert author.location.line == _line_of(source, "class Author(")
    assert book.location.line == _line_of(source, "class Book(")

    lines = {f.name: f.location.line if f.location else None for f in author.fields}
    assert lines == {
        "id": None,  # Tortoise adds the key; no line defines it
        "note": _line_of(source, "note ="),  # inherited from the abstract base
        "created_at": _line_of(source, "created_at ="),  # from a mixin
        "name": _line_of(source, "name ="),
    }
    lines = {f.name: f.location.line if f.location else None for f in book.fields}
    assert lines == {
        "id": _line_of(source, "id ="),
        "title": _line_of(source, "title: str ="),
        "author_id": _line_of(source, "author: fields"),  # the relation's line
    }


def test_location_does_not_change_equality(make_project: Callable[..., Project]) -> None:
    project = make_project(models="def decorated(cls):\n    return cls\n\n" + MODELS)
    before = describe_project(load_config(project.root))
    (project.root / "shopmodels.py").write_text("# moved\n\n" + project.read("shopmodels.py"))
    after = describe_project(load_config(project.root))
    assert before == after
    assert before.models[0].location != after.models[0].location
