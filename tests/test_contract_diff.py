"""``diff --against`` on wire contracts (SPEC §14): enums, nested pydantic types, a
renamed output. Real git repositories, real models; REF's contract is made in a
temporary work tree by a separate process, which is removed afterwards."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Project, changed_lines, git

MODELS = """
import enum

from pydantic import BaseModel
from tortoise import fields, models


class Color(str, enum.Enum):
{colors}


class Spec(BaseModel):
{spec}


class Product(models.Model):
    id = fields.IntField(primary_key=True)
    color = fields.CharEnumField(Color)
    spec = fields.JSONField(field_type=Spec)
"""
COLORS = '    RED = "red"\n    BLUE = "blue"\n'
SPEC = "    depth: int = 0\n"


def product(colors: str = COLORS, spec: str = SPEC) -> str:
    return MODELS.format(colors=colors, spec=spec)


def changes(lines: list[str], *names: str) -> list[str]:
    return [line for line in lines if line.split(" ")[1].rstrip(":") in names]


def test_enum_member_removed_breaks_requests_only(repo: Callable[[str], Project]) -> None:
    project = repo(product())
    code, lines = changed_lines(project, product(colors='    RED = "red"\n'))
    assert code == 1
    assert changes(lines, "ProductCreate.color", "ProductResponse.color") == [
        "breaking ProductCreate.color: enum value 'blue' removed, description changed",
        "compatible ProductResponse.color: enum value 'blue' removed, description changed",
    ]


def test_enum_member_added_is_compatible_and_named(repo: Callable[[str], Project]) -> None:
    project = repo(product())
    code, lines = changed_lines(project, product(colors=COLORS + '    GREEN = "green"\n'))
    assert code == 0
    assert changes(lines, "ProductResponse.color") == [
        "compatible ProductResponse.color: enum value 'green' added (clients that match every"
        " value may need an update), description changed"
    ]


def test_enum_value_changed_is_breaking_for_requests(repo: Callable[[str], Project]) -> None:
    project = repo(product())
    code, lines = changed_lines(project, product(colors='    RED = "red"\n    BLUE = "navy"\n'))
    assert code == 1
    assert changes(lines, "ProductCreate.color")[0].startswith(
        "breaking ProductCreate.color: enum value 'blue' removed, enum value 'navy' added"
    )


def test_nested_type_compared_at_every_level(repo: Callable[[str], Project]) -> None:
    project = repo(product())
    code, lines = changed_lines(project, product(spec=SPEC + "    width: int\n"))
    assert code == 1
    assert lines == [
        "breaking ProductCreate.spec.width: added as required",
        "breaking ProductUpdate.spec.width: added as required",  # a spec sent must have it
        "compatible ProductResponse.spec.width: added",
        "compatible ProductDetail.spec.width: added",
    ]
    code, lines = changed_lines(project, product(spec="    depth: str = ''\n"))
    assert code == 1
    assert lines[0] == "breaking ProductCreate.spec.depth: type int -> str, default 0 -> ''"


def test_accepting_a_path_accepts_what_is_below_it(repo: Callable[[str], Project]) -> None:
    project = repo(product())
    config = project.read("pyproject.toml")
    project.write(
        "pyproject.toml", config + 'accept_breaking = ["ProductCreate.spec", "ProductUpdate"]\n'
    )
    code, lines = changed_lines(project, product(spec=SPEC + "    width: int\n"))
    assert code == 0
    assert lines[:2] == [
        "accepted ProductCreate.spec.width: added as required",
        "accepted ProductUpdate.spec.width: added as required",
    ]


def test_renamed_output_hides_nothing(repo: Callable[[str], Project]) -> None:
    project = repo(product())
    git(project.root, "mv", "api/schemas_generated.py", "api/renamed.py")
    project.write(
        "pyproject.toml",
        project.read("pyproject.toml").replace("api/schemas_generated.py", "api/renamed.py"),
    )
    code, lines = changed_lines(
        project, product().replace("    color = fields.CharEnumField(Color)\n", "")
    )
    assert code == 1
    assert lines[0] == "breaking ProductCreate.color: removed"
    assert not [line for line in lines if line.endswith(": added")]


def test_the_work_tree_is_removed_and_left_overs_are_pruned(
    repo: Callable[[str], Project],
) -> None:
    project = repo(product())
    assert project.run("diff", "--against", "main").code == 0
    trees = git(project.root, "worktree", "list", "--porcelain").count("worktree ")
    assert trees == 1
    # a run killed before it removed its checkout: the next run removes it
    left = project.root.parent / "schema-sync-ref-999999999-x" / "tree"
    git(project.root, "worktree", "add", "--detach", "-q", str(left), "main")
    assert project.run("diff", "--against", "main").code == 0
    assert git(project.root, "worktree", "list", "--porcelain").count("worktree ") == 1
    assert not left.exists()


def test_models_print_at_ref_never_reaches_stdout(repo: Callable[[str], Project]) -> None:
    """What REF's models print (in REF's checkout) goes to stderr."""
    printing = 'if "schema-sync-ref-" in __file__:\n    print("hello from REF")\n'
    project = repo(product() + printing)
    result = project.run("diff", "--against", "main", "--format", "json")
    assert result.code == 0
    assert result.out.startswith("{")
    assert "hello from REF" not in result.out and "hello from REF" in result.err
