"""``diff --against`` on wire contracts (SPEC §14): enums, nested pydantic types, a
renamed output. Real git repositories, real models; REF's contract is made in a
temporary work tree by a separate process, which is removed afterwards."""

from __future__ import annotations

from collections.abc import Callable

import pytest

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


def test_ref_checks_out_only_what_it_reads(repo: Callable[[str], Project]) -> None:
    """REF's checkout holds the configuration, the generated file and the Python files,
    not the rest of the repository."""
    spy = (
        "import pathlib\n"
        'if "schema-sync-ref-" in __file__:\n'
        "    here = pathlib.Path(__file__).parent\n"
        '    print("notes there:", (here / "notes.txt").exists())\n'
        '    print("config there:", (here / "pyproject.toml").exists())\n'
    )
    project = repo(product() + spy)
    project.write("notes.txt", "not needed to build a contract\n")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "notes")
    result = project.run("diff", "--against", "HEAD", "--exact")
    assert result.code == 0
    assert "notes there: False" in result.err and "config there: True" in result.err


def test_a_data_file_the_models_read_at_ref_is_checked_out(
    make_project: Callable[..., Project], git_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A model module that reads a data file as it imports: REF is checked out whole."""
    reading = product(colors="").replace(
        "class Color(str, enum.Enum):\n\n",
        "import pathlib\n\n"
        'NAMES = (pathlib.Path(__file__).parent / "colors.txt").read_text().split()\n'
        'Color = enum.Enum("Color", {n.upper(): n for n in NAMES}, type=str)\n',
    )
    project = make_project(models=reading)
    project.write("colors.txt", "red\nblue\n")
    assert project.run("sync", "-q").code == 0
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "base")
    monkeypatch.chdir(project.root)
    project.write("colors.txt", "red\n")
    result = project.run("diff", "--against", "main", "-q")
    assert result.code == 1, result.err
    assert changes(result.out.splitlines(), "ProductCreate.color")[0].startswith(
        "breaking ProductCreate.color: enum value 'blue' removed"
    )


def test_a_contract_file_at_ref_is_read_not_made(
    make_project: Callable[..., Project], git_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REF's contract file is REF's side: REF's models are never imported there."""
    refusing = 'if "schema-sync-ref-" in __file__:\n    raise RuntimeError("imported at REF")\n'
    config = 'models = ["shopmodels"]\noutput = "api/schemas_generated.py"\n'
    project = make_project(
        models=product() + refusing, config=config + 'contract_output = "api/contract.json"\n'
    )
    assert project.run("sync", "-q").code == 0
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "base")
    monkeypatch.chdir(project.root)
    project.write("shopmodels.py", product(colors='    RED = "red"\n') + refusing)
    result = project.run("diff", "--against", "main", "-q")
    assert result.code == 1, result.err
    assert "breaking ProductCreate.color: enum value 'blue' removed" in result.out
