"""``diff --against REF``: real git repositories with a scripted history, real models.

Every classification rule of SPEC §10 has a case: the model changes on a branch,
and the lines printed must be exactly the expected ones.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Project, changed_lines, git

HEADER = """
from tortoise import fields, models
from tortoise.validators import (
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    RegexValidator,
)


class Item(models.Model):
    id = fields.IntField(primary_key=True)
"""


def item(*fields: str, extra: str = "") -> str:
    return HEADER + "".join(f"    {f}\n" for f in fields) + extra


CASES = {
    "max_length lowered": (
        ["name = fields.CharField(max_length=64)"],
        ["name = fields.CharField(max_length=32)"],
        [
            "breaking ItemCreate.name: max_length 64 -> 32",
            "breaking ItemUpdate.name: max_length 64 -> 32",
            "compatible ItemResponse.name: max_length 64 -> 32",
        ],
    ),
    "max_length raised": (
        ["name = fields.CharField(max_length=64)"],
        ["name = fields.CharField(max_length=128)"],
        [
            "compatible ItemCreate.name: max_length 64 -> 128",
            "compatible ItemUpdate.name: max_length 64 -> 128",
            "compatible ItemResponse.name: max_length 64 -> 128",
        ],
    ),
    "le lowered": (
        ["n = fields.IntField(validators=[MaxValueValidator(100)])"],
        ["n = fields.IntField(validators=[MaxValueValidator(50)])"],
        [
            "breaking ItemCreate.n: le 100 -> 50",
            "breaking ItemUpdate.n: le 100 -> 50",
            "compatible ItemResponse.n: le 100 -> 50",
        ],
    ),
    "ge raised, then a lower bound loosened elsewhere": (
        [
            "n = fields.IntField(validators=[MinValueValidator(0)])",
            "m = fields.IntField(validators=[MinValueValidator(5)])",
        ],
        [
            "n = fields.IntField(validators=[MinValueValidator(1)])",
            "m = fields.IntField(validators=[MinValueValidator(0)])",
        ],
        [
            "breaking ItemCreate.n: ge 0 -> 1",
            "compatible ItemCreate.m: ge 5 -> 0",
            "breaking ItemUpdate.n: ge 0 -> 1",
            "compatible ItemUpdate.m: ge 5 -> 0",
            "compatible ItemResponse.n: ge 0 -> 1",
            "compatible ItemResponse.m: ge 5 -> 0",
        ],
    ),
    "min_length raised and added": (
        [
            "a = fields.CharField(max_length=9, validators=[MinLengthValidator(2)])",
            "b = fields.CharField(max_length=9)",
        ],
        [
            "a = fields.CharField(max_length=9, validators=[MinLengthValidator(3)])",
            "b = fields.CharField(max_length=9, validators=[MinLengthValidator(1)])",
        ],
        [
            "breaking ItemCreate.a: min_length 2 -> 3",
            "breaking ItemCreate.b: min_length 1 added",
            "breaking ItemUpdate.a: min_length 2 -> 3",
            "breaking ItemUpdate.b: min_length 1 added",
            "compatible ItemResponse.a: min_length 2 -> 3",
            "compatible ItemResponse.b: min_length 1 added",
        ],
    ),
    "max_digits and decimal_places lowered": (
        ["p = fields.DecimalField(max_digits=10, decimal_places=2)"],
        ["p = fields.DecimalField(max_digits=8, decimal_places=1)"],
        [
            "breaking ItemCreate.p: decimal_places 2 -> 1, max_digits 10 -> 8",
            "breaking ItemUpdate.p: decimal_places 2 -> 1, max_digits 10 -> 8",
            "compatible ItemResponse.p: decimal_places 2 -> 1, max_digits 10 -> 8",
        ],
    ),
    "pattern added, changed and removed": (
        [
            "a = fields.CharField(max_length=9)",
            'b = fields.CharField(max_length=9, validators=[RegexValidator("[a-z]+", 0)])',
            'c = fields.CharField(max_length=9, validators=[RegexValidator("[a-z]+", 0)])',
        ],
        [
            'a = fields.CharField(max_length=9, validators=[RegexValidator("[a-z]+", 0)])',
            'b = fields.CharField(max_length=9, validators=[RegexValidator("[a-c]+", 0)])',
            "c = fields.CharField(max_length=9)",
        ],
        [
            "breaking ItemCreate.a: pattern '^(?:[a-z]+)' added",
            "breaking ItemCreate.b: pattern '^(?:[a-z]+)' -> '^(?:[a-c]+)'",
            "compatible ItemCreate.c: pattern '^(?:[a-z]+)' removed",
            "breaking ItemUpdate.a: pattern '^(?:[a-z]+)' added",
            "breaking ItemUpdate.b: pattern '^(?:[a-z]+)' -> '^(?:[a-c]+)'",
            "compatible ItemUpdate.c: pattern '^(?:[a-z]+)' removed",
            "compatible ItemResponse.a: pattern '^(?:[a-z]+)' added",
            "compatible ItemResponse.b: pattern '^(?:[a-z]+)' -> '^(?:[a-c]+)'",
            "compatible ItemResponse.c: pattern '^(?:[a-z]+)' removed",
        ],
    ),
    "made nullable": (
        ["name = fields.TextField()"],
        ["name = fields.TextField(null=True)"],
        [
            "compatible ItemCreate.name: str -> str | None, now optional",
            "compatible ItemUpdate.name: str -> str | None",
            "breaking ItemResponse.name: str -> str | None, now optional",
        ],
    ),
    "made not nullable": (
        ["name = fields.TextField(null=True)"],
        ["name = fields.TextField()"],
        [
            "breaking ItemCreate.name: str | None -> str, now required",
            "breaking ItemUpdate.name: str | None -> str",
            "compatible ItemResponse.name: str | None -> str, now required",
        ],
    ),
    "default removed: now required": (
        ['name = fields.TextField(default="x")'],
        ["name = fields.TextField()"],
        ["breaking ItemCreate.name: now required"],
    ),
    "default changed, description changed": (
        ['name = fields.TextField(default="x")'],
        ['name = fields.TextField(default="y", description="The name")'],
        [
            "compatible ItemCreate.name: default 'x' -> 'y', description changed",
            "compatible ItemUpdate.name: description changed",
            "compatible ItemResponse.name: description changed",
        ],
    ),
    "type changed": (
        ["n = fields.IntField(default=0)"],
        ['n = fields.CharField(max_length=9, default="0")'],
        [  # breaking aspects first
            "breaking ItemCreate.n: type int -> str, max_length 9 added, ge -2147483648 removed,"
            " le 2147483647 removed, default 0 -> '0'",
            "breaking ItemUpdate.n: type int -> str, max_length 9 added, ge -2147483648 removed,"
            " le 2147483647 removed",
            "breaking ItemResponse.n: type int -> str, ge -2147483648 removed,"
            " le 2147483647 removed, max_length 9 added",
        ],
    ),
    "field removed": (
        ["a = fields.TextField()", "b = fields.TextField()"],
        ["a = fields.TextField()"],
        [
            "breaking ItemCreate.b: removed",
            "breaking ItemUpdate.b: removed",
            "breaking ItemResponse.b: removed",
        ],
    ),
    "field added as required": (
        ["a = fields.TextField()"],
        ["a = fields.TextField()", "b = fields.TextField()"],
        [
            "breaking ItemCreate.b: added as required",
            "compatible ItemUpdate.b: added",
            "compatible ItemResponse.b: added",
        ],
    ),
    "optional field added": (
        ["a = fields.TextField()"],
        ["a = fields.TextField()", "b = fields.TextField(null=True)"],
        [
            "compatible ItemCreate.b: added",
            "compatible ItemUpdate.b: added",
            "compatible ItemResponse.b: added",
        ],
    ),
    "read-only field added: Response only": (
        ["a = fields.TextField()"],
        ["a = fields.TextField()", "at = fields.DatetimeField(auto_now_add=True)"],
        ["compatible ItemResponse.at: added"],
    ),
    "matched by wire name: the attribute moves, the alias stays (clients see no change)": (
        ['schema = fields.TextField(default="")'],
        ['schema = fields.TextField(default="")', 'schema_ = fields.TextField(default="")'],
        [
            "compatible ItemCreate.schema_: added",
            "compatible ItemUpdate.schema_: added",
            "compatible ItemResponse.schema_: added",
        ],
    ),
}


def with_detail(lines: list[str]) -> list[str]:
    """``ItemDetail`` holds every field of ``ItemResponse``: the contract shows it changing
    too (the generated text declares them once, on the Response it inherits from)."""
    return lines + [
        line.replace("ItemResponse", "ItemDetail") for line in lines if "ItemResponse." in line
    ]


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_classification_rule(repo: Callable[[str], Project], case: str) -> None:
    before, after, expected = CASES[case]
    expected = with_detail(expected)
    project = repo(item(*before))
    code, lines = changed_lines(project, item(*after))
    assert lines == expected
    assert code == (1 if any(line.startswith("breaking") for line in expected) else 0)


OTHER = """

class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    label = fields.CharField(max_length=20)
"""


def test_model_removed_is_breaking_and_added_is_compatible(
    repo: Callable[[str], Project],
) -> None:
    project = repo(item("a = fields.TextField()", extra=OTHER))
    code, lines = changed_lines(project, item(extra=OTHER.replace("Tag", "Label")))
    assert code == 1
    assert lines == [
        "breaking ItemCreate.a: removed",
        "breaking ItemUpdate.a: removed",
        "breaking ItemResponse.a: removed",
        "compatible LabelCreate: added",
        "compatible LabelUpdate: added",
        "compatible LabelResponse: added",
        "breaking ItemDetail.a: removed",  # the Details come after every Response
        "compatible LabelDetail: added",
        "breaking TagCreate: removed",
        "breaking TagUpdate: removed",
        "breaking TagResponse: removed",
        "breaking TagDetail: removed",
    ]


def test_in_sync_prints_nothing_and_exits_0(repo: Callable[[str], Project]) -> None:
    project = repo(item("a = fields.TextField()"))
    result = project.run("diff", "--against", "main")
    assert result.code == 0
    assert result.out.splitlines() == [
        f"schema-sync-hook: no schema changes against main (merge base of main and HEAD:"
        f" {git(project.root, 'rev-parse', 'main')[:12]})"
    ]


def test_fail_on_levels(repo: Callable[[str], Project]) -> None:
    project = repo(item("a = fields.TextField()"))
    project.write(
        "shopmodels.py", item("a = fields.TextField()", "b = fields.TextField(null=True)")
    )
    assert project.run("diff", "--against", "main").code == 0  # compatible only
    assert project.run("diff", "--against", "main", "--fail-on", "any").code == 1
    project.write("shopmodels.py", item())
    assert project.run("diff", "--against", "main").code == 1
    assert project.run("diff", "--against", "main", "--fail-on", "none").code == 0


def test_merge_base_unless_exact(repo: Callable[[str], Project]) -> None:
    """main moves on after the branch started: only the branch's own changes count."""
    project = repo(item("a = fields.CharField(max_length=10)"))
    root = project.root
    git(root, "checkout", "-q", "main")
    project.write(
        "shopmodels.py", item("a = fields.CharField(max_length=10)", "z = fields.TextField()")
    )
    assert project.run("sync", "-q").code == 0
    git(root, "commit", "-qam", "main adds z")
    git(root, "checkout", "-q", "feature")
    assert project.run("sync", "-q").code == 0  # the branch's working tree: no z

    code, lines = changed_lines(project, item("a = fields.CharField(max_length=5)"))
    assert code == 1
    assert lines == [
        "breaking ItemCreate.a: max_length 10 -> 5",
        "breaking ItemUpdate.a: max_length 10 -> 5",
        "compatible ItemResponse.a: max_length 10 -> 5",
        "compatible ItemDetail.a: max_length 10 -> 5",
    ]
    code, lines = changed_lines(project, item("a = fields.CharField(max_length=5)"), "--exact")
    assert code == 1
    assert "breaking ItemCreate.z: removed" in lines  # main's z, seen only against main itself
    assert "breaking ItemCreate.a: max_length 10 -> 5" in lines


def test_accept_breaking_and_stale_entries(repo: Callable[[str], Project]) -> None:
    project = repo(item("a = fields.CharField(max_length=10)", "b = fields.TextField()"))
    config = project.read("pyproject.toml")
    project.write(
        "pyproject.toml",
        config + 'accept_breaking = ["ItemCreate.a", "ItemUpdate", "ItemCreate.gone", "Nope"]\n',
    )
    code, lines = changed_lines(project, item("a = fields.CharField(max_length=5)"))
    assert lines == [
        "accepted ItemCreate.a: max_length 10 -> 5",
        "breaking ItemCreate.b: removed",
        "accepted ItemUpdate.a: max_length 10 -> 5",
        "accepted ItemUpdate.b: removed",
        "compatible ItemResponse.a: max_length 10 -> 5",
        "breaking ItemResponse.b: removed",
        "compatible ItemDetail.a: max_length 10 -> 5",
        "breaking ItemDetail.b: removed",
        "unused accept_breaking entry 'ItemCreate.gone': it matches no breaking change; remove it",
        "unused accept_breaking entry 'Nope': it matches no breaking change; remove it",
    ]
    assert code == 1  # ItemCreate.b and ItemResponse.b are not accepted
    project.write(
        "pyproject.toml",
        config
        + 'accept_breaking = ["ItemCreate", "ItemUpdate", "ItemResponse.b", "ItemDetail.b"]\n',
    )
    code, lines = changed_lines(project, item("a = fields.CharField(max_length=5)"))
    assert code == 0
    assert not [line for line in lines if line.startswith("breaking")]


def test_accept_breaking_entries_are_checked(repo: Callable[[str], Project]) -> None:
    project = repo(item())
    project.write("pyproject.toml", project.read("pyproject.toml") + 'accept_breaking = ["a b"]\n')
    result = project.run("diff", "--against", "main")
    assert result.code == 2
    assert "accept_breaking" in result.err and "'a b'" in result.err


def test_file_absent_at_ref_counts_as_all_added(repo: Callable[[str], Project]) -> None:
    project = repo(item("a = fields.TextField()"))
    git(project.root, "checkout", "-q", "main")
    git(project.root, "rm", "-q", "api/schemas_generated.py")
    git(project.root, "commit", "-qm", "no generated file")
    git(project.root, "checkout", "-q", "feature")
    code, lines = changed_lines(project, item("a = fields.TextField()"), "--exact")
    assert code == 0
    assert lines == [
        "compatible ItemCreate: added",
        "compatible ItemUpdate: added",
        "compatible ItemResponse: added",
        "compatible ItemDetail: added",
    ]


def test_a_broken_configuration_at_ref_is_refused_not_read_as_no_schemas(
    repo: Callable[[str], Project],
) -> None:
    """REF's generated file is there but its configuration does not load: counting every
    class as added would hide the class this branch removes."""
    project = repo(item("a = fields.TextField()"))
    git(project.root, "checkout", "-q", "main")
    pyproject = project.read("pyproject.toml")
    project.write("pyproject.toml", pyproject + 'max_backups = "lots"\n')
    git(project.root, "commit", "-qam", "a bad value")
    git(project.root, "checkout", "-q", "feature")
    project.write(
        "shopmodels.py",
        "from tortoise import fields, models\n\n\n"
        + item().split("\n\n\n", 1)[1].replace("Item", "Thing"),
    )
    result = project.run("diff", "--against", "main", "--exact")
    assert result.code == 2, result
    assert len(result.err.strip().splitlines()) == 1
    assert "main" in result.err and "max_backups" in result.err


def test_unknown_revision_and_outside_git(
    repo: Callable[[str], Project], make_project: Callable[..., Project], tmp_path: Path
) -> None:
    project = repo(item())
    result = project.run("diff", "--against", "no-such-branch")
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.splitlines()) == 1
    assert "unknown revision 'no-such-branch'" in result.err

    result = project.run("diff", "--against=--output=x")  # never read as an option
    assert result.code == 2 and "unknown revision" in result.err

    git(project.root, "checkout", "-q", "--orphan", "lonely")
    git(project.root, "commit", "-qm", "unrelated", "--allow-empty")
    result = project.run("diff", "--against", "main")
    assert result.code == 2 and len(result.err.splitlines()) == 1
    assert "no merge base" in result.err and "--exact" in result.err

    git(project.root, "--git-dir", ".git", "--work-tree", ".", "status")  # still a repo
    (project.root / ".git").rename(project.root / "not-git")
    result = project.run("diff", "--against", "main")
    assert result.code == 2 and len(result.err.splitlines()) == 1
    assert "not inside a git work tree" in result.err


def test_a_commit_hash_and_a_tag_work(repo: Callable[[str], Project]) -> None:
    project = repo(item("a = fields.TextField()"))
    git(project.root, "tag", "v1", "main")
    sha = git(project.root, "rev-parse", "main")
    project.write("shopmodels.py", item())
    for ref in ("v1", sha, sha[:10], "HEAD"):
        result = project.run("diff", "--against", ref, "-q")
        assert result.out.splitlines()[0] == "breaking ItemCreate.a: removed", ref
