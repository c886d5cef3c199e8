"""``diff --against`` builds only the classes whose schema may differ (gate/slices.py).

The proof is differential: after each edit, the report built from slices equals the
report built from every class on both sides. Then what the slices rest on: a class
whose text is unchanged is still built when a project name it mentions (an enum, a
nested type) changed, or when a class it inherits from changed; and anything the
text reader cannot vouch for builds everything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from schema_sync_hook.gate import slices
from schema_sync_hook.render.files import with_header

from conftest import Project, git

MODELS = """
import enum

from pydantic import BaseModel
from tortoise import fields, models


class Color(str, enum.Enum):
    RED = "red"
    BLUE = "blue"


class Spec(BaseModel):
    depth: int = 0


class Category(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=40, description="Shown in menus")


class Product(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=80)
    color = fields.CharEnumField(Color, description="The paint")
    spec = fields.JSONField(field_type=Spec)
    category = fields.ForeignKeyField("models.Category", related_name="products")


class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    label = fields.CharField(max_length=20)
"""

EDITS = {
    "enum member removed, text unchanged": ('    BLUE = "blue"\n', ""),
    "enum value changed": ('BLUE = "blue"', 'BLUE = "navy"'),
    "nested type gains a required field": ("depth: int = 0\n", "depth: int = 0\n    width: int\n"),
    "description of an inherited field": ('"Shown in menus"', '"Shown in lists"'),
    "constraint tightened": ("max_length=80", "max_length=60"),
    "model removed": ("class Tag(models.Model):", "class Tag:"),
    "model added": (
        "class Tag(",
        "class Label(models.Model):\n    id = fields.IntField(primary_key=True)\n\n\nclass Tag(",
    ),
    "relation removed": (
        '    category = fields.ForeignKeyField("models.Category", related_name="products")\n',
        "",
    ),
}


def _report(project: Project, *args: str) -> tuple[int, str]:
    result = project.run("diff", "--against", "main", *args)
    assert result.err == "" or "schema changes" in result.err
    return result.code, result.out


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_slices_report_what_every_class_reports(
    repo: Callable[[str], Project], monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    project = repo(MODELS)
    old, new = EDITS[edit]
    project.edit_model(old, new)
    built: list[set[str] | None] = []

    def needed(*args: Any) -> set[str] | None:
        built.append(slices.needed(*args))
        return built[-1]

    monkeypatch.setattr("schema_sync_hook.pipeline.against_ref.needed", needed)
    sliced = _report(project), _report(project, "--format", "json")
    assert built[0] is not None and len(built[0]) < 12  # a slice: 12 classes at main
    monkeypatch.setattr("schema_sync_hook.pipeline.against_ref.needed", lambda *a: None)
    whole = _report(project), _report(project, "--format", "json")
    assert sliced == whole
    assert sliced[0][1]  # every edit changes the contract


def test_a_class_mentioning_a_changed_enum_is_built(repo: Callable[[str], Project]) -> None:
    """The field has its own description, so the generated text does not change."""
    project = repo(MODELS)
    before = project.read("api/schemas_generated.py")
    project.edit_model('    BLUE = "blue"\n', "")
    assert project.run("sync", "-q").code == 0
    assert project.read("api/schemas_generated.py") == before
    code, out = _report(project)
    assert code == 1
    assert "breaking ProductCreate.color: enum value 'blue' removed" in out.splitlines()


def test_a_class_inheriting_a_changed_one_is_built(repo: Callable[[str], Project]) -> None:
    """CategoryDetail's text does not change: its fields come from CategoryResponse."""
    project = repo(MODELS)
    project.edit_model('"Shown in menus"', '"Shown in lists"')
    _code, out = _report(project)
    assert "compatible CategoryDetail.name: description changed" in out.splitlines()


def test_apps_in_files_of_their_own_import_each_other(
    make_project: Callable[..., Project], git_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two apps, one file each, a relation across them: the slices still import."""
    project = make_project(
        config='tortoise_config = "settings.TORTOISE_ORM"\noutput = "api/{app}_schemas.py"\n'
    )
    project.write(
        "shop2.py",
        "from tortoise import fields, models\n\n\n"
        "class Shelf(models.Model):\n    id = fields.IntField(primary_key=True)\n"
        '    book = fields.ForeignKeyField("models.Book", related_name="shelves")\n'
        "    size = fields.IntField()\n",
    )
    project.write(
        "shopmodels.py",
        "from tortoise import fields, models\n\n\n"
        "class Book(models.Model):\n    id = fields.IntField(primary_key=True)\n"
        "    title = fields.CharField(max_length=50)\n",
    )
    project.write(
        "settings.py",
        'TORTOISE_ORM = {"connections": {"default": "sqlite://:memory:"},'
        ' "apps": {"models": {"models": ["shopmodels"]}, "b": {"models": ["shop2"]}}}\n',
    )
    assert project.run("sync", "-q").code == 0
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "base")
    monkeypatch.chdir(project.root)
    project.edit_model("max_length=50", "max_length=30")
    code, out = _report(project)
    assert code == 1
    assert "breaking BookCreate.title: max_length 50 -> 30" in out.splitlines()
    monkeypatch.setattr("schema_sync_hook.pipeline.against_ref.needed", lambda *a: None)
    assert _report(project) == (code, out)


# --- reading the texts ------------------------------------------------------------

BODY = """from enum_home import Color
from pydantic import BaseModel


class ACreate(BaseModel):
    color: Color


class AResponse(BaseModel):
    name: str = "x"


class ADetail(AResponse):
    b: BResponse


class BResponse(
    BaseModel
):
    size: int
"""


def _outline(body: str) -> slices.Outline:
    shape = slices.outline({"a.py": with_header(body, ["m"])}, ["api.a"])
    assert shape is not None
    return shape


def test_a_changed_class_brings_its_heirs_and_what_it_mentions() -> None:
    old = _outline(BODY)
    new = _outline(BODY.replace('name: str = "x"', 'name: str = "y"'))
    assert slices.needed(old, new, ({}, {})) == {"AResponse", "ADetail", "BResponse"}
    assert slices.needed(old, old, ({}, {})) == set()


def test_a_changed_project_name_brings_the_classes_that_mention_it() -> None:
    shape = _outline(BODY)
    assert slices.needed(shape, shape, ({"Color": "a"}, {"Color": "b"})) == {"ACreate"}
    assert slices.needed(shape, shape, ({"Color": None}, {"Color": None})) == {"ACreate"}
    assert slices.needed(shape, shape, ({"Color": "a"}, {"Color": "a"})) == set()


def test_a_slice_keeps_everything_but_the_classes_left_out() -> None:
    text = with_header(BODY, ["m"])
    cut = slices.slice_text(text, {"ADetail", "AResponse", "BResponse"})
    assert "class ACreate" not in cut
    assert "from enum_home import Color" in cut and "class BResponse(\n    BaseModel\n):" in cut
    compile(cut, "cut.py", "exec")


def test_what_the_reader_cannot_vouch_for_builds_everything() -> None:
    text = with_header(BODY, ["m"])
    assert slices.outline({"a.py": text + "# a hand edit\n"}, []) is None
    other = with_header(
        "from pydantic import BaseModel\n\n\nclass ACreate(BaseModel):\n    x: int\n", ["m"]
    )
    assert slices.outline({"a.py": text, "b.py": other}, []) is None  # one name, two files
    helper = _outline(BODY + "\n\n_X = 1\n")
    assert slices.needed(_outline(BODY), helper, ({}, {})) is None
