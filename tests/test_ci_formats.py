"""--format json|github|markdown of hook mode, --check and diff (SPEC §10).

JSON output is validated against the JSON Schema shipped in docs/; line numbers
are checked against the model files; GitHub output is checked line by line.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import REPO, Project, git

SCHEMA = json.loads((REPO / "docs" / "report.schema.json").read_text(encoding="utf-8"))

MODELS = """
from tortoise import fields, models


class Author(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    email = fields.CharField(max_length=200, null=True)


class Book(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    author = fields.ForeignKeyField("models.Author", related_name="books")
"""


def line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip().startswith(text):
            return number
    raise AssertionError(text)


def parsed(out: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(out)  # the whole of stdout: one object
    jsonschema.validate(data, SCHEMA)
    return data


@pytest.fixture
def synced(
    make_project: Callable[..., Project], git_env: None, monkeypatch: pytest.MonkeyPatch
) -> Project:
    """MODELS with their schemas, committed on main; the current directory is the root."""
    project = make_project(models=MODELS)
    project.write(".gitignore", ".schema_sync/\n")
    assert project.run("sync", "-q").code == 0
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "base")
    monkeypatch.chdir(project.root)
    return project


def test_check_json_in_sync(synced: Project) -> None:
    result = synced.run("--check", "--format", "json")
    assert result.code == 0
    data = parsed(result.out)
    assert data == {
        "status": "in_sync",
        "files": [
            {"path": "api/schemas_generated.py", "state": "in_sync", "changes": [], "diff": ""}
        ],
    }


def test_check_json_one_entry_per_field_with_its_line(synced: Project) -> None:
    synced.write(
        "shopmodels.py",
        MODELS.replace("max_length=100", "max_length=50")
        .replace("max_length=200)\n    author", "max_length=300)\n    author")
        .replace('related_name="books")', 'related_name="books", null=True)')
        + "\n\nclass Tag(models.Model):\n    id = fields.IntField(primary_key=True)\n",
    )
    result = synced.run("--check", "--format", "json", "-v")
    assert result.code == 1
    assert "schema-sync-hook:" in result.err  # logs go to stderr, never stdout
    data = parsed(result.out)
    models = synced.root / "shopmodels.py"
    (file,) = data["files"]
    assert file["state"] == "stale"
    assert file["diff"].startswith(
        "--- a/api/schemas_generated.py\n+++ b/api/schemas_generated.py\n"
    )
    changes = sorted(file["changes"], key=lambda c: (c["model"], c["fields"]))
    assert changes == [
        {
            "model": "Author",
            "change": "changed",
            "fields": ["name"],
            "source": "shopmodels.py",
            "line": line_of(models, "name ="),
        },
        {
            "model": "Book",
            "change": "changed",
            "fields": ["author"],  # BookDetail.author: now AuthorResponse | None
            "source": "shopmodels.py",
            "line": line_of(models, "author ="),
        },
        {
            "model": "Book",
            "change": "changed",
            "fields": ["author_id"],
            "source": "shopmodels.py",
            "line": line_of(models, "author ="),
        },
        {
            "model": "Book",
            "change": "changed",
            "fields": ["title"],
            "source": "shopmodels.py",
            "line": line_of(models, "title ="),
        },
        {
            "model": "Tag",
            "change": "added",
            "fields": [],
            "source": "shopmodels.py",
            "line": line_of(models, "class Tag("),
        },
    ]


def test_hand_edit_has_no_source(synced: Project) -> None:
    path = synced.root / "api" / "schemas_generated.py"
    path.write_text(path.read_text().replace("max_length=100", "max_length=99"))
    data = parsed(synced.run("--check", "--format", "json").out)
    (file,) = data["files"]
    assert file["state"] == "hand_edited"
    assert file["changes"]
    assert all(c["source"] is None and c["line"] is None for c in file["changes"])


def test_formatting_only_change_has_no_model(synced: Project) -> None:
    path = synced.root / "api" / "schemas_generated.py"
    text = path.read_text()
    head, _, body = text.partition("\nfrom ")
    path.write_text(head + "\n\nfrom " + body)  # hand edit outside any class
    data = parsed(synced.run("--check", "--format", "json").out)
    assert data["files"][0]["changes"] == [
        {"model": None, "change": "changed", "fields": [], "source": None, "line": None}
    ]


def test_hook_mode_json_reports_what_it_wrote(synced: Project) -> None:
    (synced.root / "api" / "schemas_generated.py").unlink()
    result = synced.run("--format", "json")
    assert result.code == 1
    data = parsed(result.out)
    assert data["status"] == "drift"
    assert data["files"][0]["state"] == "missing"
    assert data["files"][0]["written"] is True
    assert (synced.root / "api" / "schemas_generated.py").is_file()


def test_monorepo_paths_are_relative_to_the_current_directory(
    make_project: Callable[..., Project], git_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(models=MODELS)
    backend = project.root / "apps" / "backend"
    backend.mkdir(parents=True)
    for name in ("pyproject.toml", "shopmodels.py"):
        (project.root / name).rename(backend / name)
    git(project.root, "init", "-q", "-b", "main")
    monkeypatch.chdir(project.root)
    result = project.run_in_process("--check", "--format", "json", "--root", "apps/backend")
    assert result.code == 1
    (file,) = parsed(result.out)["files"]
    assert file["path"] == "apps/backend/api/schemas_generated.py"
    assert file["state"] == "missing"
    assert {c["source"] for c in file["changes"]} == {"apps/backend/shopmodels.py"}

    result = project.run_in_process("--check", "--format", "github", "--root", "apps/backend")
    assert result.out.startswith(
        "::error file=apps/backend/shopmodels.py,line="
        f"{line_of(backend / 'shopmodels.py', 'class Author(')},title=schema-sync::Author added:"
    )
    monkeypatch.setenv("GITHUB_WORKSPACE", str(project.root / "apps"))
    result = project.run_in_process("--check", "--format", "github", "--root", "apps/backend")
    assert result.out.startswith("::error file=backend/shopmodels.py,line=")


def test_check_github_line_by_line(synced: Project) -> None:
    synced.write("shopmodels.py", MODELS.replace("max_length=100", "max_length=50"))
    result = synced.run("--check", "--format", "github")
    assert result.code == 1
    lines = result.out.splitlines()
    line = line_of(synced.root / "shopmodels.py", "name =")
    assert lines[:2] == [
        f"::error file=shopmodels.py,line={line},title=schema-sync::Author.name changed:"
        " api/schemas_generated.py is out of date; run 'schema-sync-hook sync' and commit it",
        "::group::schema-sync-hook: diff of api/schemas_generated.py",
    ]
    assert lines[2:4] == ["--- a/api/schemas_generated.py", "+++ b/api/schemas_generated.py"]
    assert "-    name: str = Field(max_length=100)" in lines
    assert "+    name: str = Field(max_length=50)" in lines
    assert lines[-1] == "::endgroup::"
    assert sum(1 for x in lines if x.startswith("::")) == 3


def test_github_escaping(
    make_project: Callable[..., Project], git_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(
        models=MODELS,
        config='models = ["shopmodels"]\noutput = "api/schemas_generated.py"\n'
        'python_path = ["src,v:2"]\n',
        module="src,v:2/shopmodels.py",
    )
    git(project.root, "init", "-q", "-b", "main")
    monkeypatch.chdir(project.root)
    lines = project.run("--check", "--format", "github").out.splitlines()
    assert lines[0].startswith("::error file=src%2Cv%3A2/shopmodels.py,line=")

    from schema_sync_hook.report.ci_formats import escape_data, escape_property

    assert escape_data("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d"
    assert escape_property("100% a\r\nb: c, d") == "100%25 a%0D%0Ab%3A c%2C d"


def _many(models: int, fields: int) -> str:
    body = "from tortoise import fields, models\n"
    for m in range(models):
        body += f"\n\nclass M{m}(models.Model):\n    id = fields.IntField(primary_key=True)\n"
        body += "".join(f"    f{i} = fields.CharField(max_length=10)\n" for i in range(fields))
    return body


@pytest.mark.parametrize(
    ("models", "fields", "expected"),
    [(1, 10, "fields"), (2, 6, "models"), (10, 2, "models"), (11, 1, "summary")],
)
def test_github_at_most_ten_errors(
    make_project: Callable[..., Project],
    git_env: None,
    monkeypatch: pytest.MonkeyPatch,
    models: int,
    fields: int,
    expected: str,
) -> None:
    project = make_project(models=_many(models, fields))
    git(project.root, "init", "-q", "-b", "main")
    monkeypatch.chdir(project.root)
    assert project.run("sync", "-q").code == 0
    project.write("shopmodels.py", _many(models, fields).replace("max_length=10", "max_length=9"))
    lines = project.run("--check", "--format", "github").out.splitlines()
    errors = [line for line in lines if line.startswith("::error")]
    source = project.root / "shopmodels.py"
    if expected == "fields":
        assert len(errors) == 10
        assert errors[0].startswith(
            f"::error file=shopmodels.py,line={line_of(source, 'f0 =')},title=schema-sync::M0.f0"
        )
    elif expected == "models":
        assert len(errors) == models
        names = ", ".join(f"f{i}" for i in range(fields))
        assert errors[0] == (
            f"::error file=shopmodels.py,line={line_of(source, 'class M0(')},"
            f"title=schema-sync::M0: {fields} changes ({names})"
        )
    else:
        assert errors == [
            "::error title=schema-sync::11 changes in 11 models; the full list is in the diff"
            " below (run 'schema-sync-hook sync' locally)"
        ]
    assert lines[len(errors)].startswith("::group::")
    assert lines[-1] == "::endgroup::"


def test_diff_json_and_github(synced: Project) -> None:
    git(synced.root, "checkout", "-qb", "feature")
    synced.write(
        "shopmodels.py",
        MODELS.replace("max_length=100", "max_length=50").replace(
            "    email = fields.CharField(max_length=200, null=True)\n", ""
        ),
    )
    result = synced.run("diff", "--against", "main", "--format", "json")
    assert result.code == 1
    data = parsed(result.out)
    # AuthorDetail carries the Response's fields: the contract shows them changing too
    assert data["counts"] == {"breaking": 6, "accepted": 0, "compatible": 2}
    assert data["against"]["ref"] == "main" and data["against"]["exact"] is False
    source = synced.root / "shopmodels.py"
    changes = data["files"][0]["changes"]
    assert changes[0] == {
        "model": "Author",
        "change": "changed",
        "fields": ["name"],
        "source": "shopmodels.py",
        "line": line_of(source, "name ="),
        "class": "AuthorCreate",
        "severity": "breaking",
        "detail": "max_length 100 -> 50",
    }
    removed = [c for c in changes if c["detail"] == "removed"]
    assert {c["change"] for c in removed} == {"changed"}  # the model changed; its field went
    assert [c["class"] for c in removed] == [
        "AuthorCreate",
        "AuthorUpdate",
        "AuthorResponse",
        "AuthorDetail",
    ]
    assert {c["line"] for c in removed} == {line_of(source, "class Author(")}

    lines = synced.run("diff", "--against", "main", "--format", "github").out.splitlines()
    assert lines[0] == (
        f"::error file=shopmodels.py,line={line_of(source, 'name =')},title=schema-sync::"
        "AuthorCreate.name: max_length 100 -> 50 (breaking)"  # as accept_breaking spells it
    )
    assert [x.split("::")[1].split(" ")[0] for x in lines if x.startswith("::")] == [
        *["error"] * 6,
        *["notice"] * 2,
        "group",
        "endgroup",
    ]


def test_markdown_for_check_and_diff(synced: Project) -> None:
    git(synced.root, "checkout", "-qb", "feature")
    synced.write("shopmodels.py", MODELS.replace("max_length=100", "max_length=50"))
    out = synced.run("diff", "--against", "main", "--format", "markdown").out
    assert out.startswith(
        "### schema-sync-hook: 2 breaking, 0 accepted, 2 compatible against `main`\n\n"
        "| change | class | field | what changed |\n|---|---|---|---|\n"
        "| breaking | `AuthorCreate` | name | max_length 100 -> 50 |\n"
    )
    assert "```diff\n--- a/api/schemas_generated.py" in out
    out = synced.run("--check", "--format", "markdown").out
    assert out.startswith(  # --check classifies the drift as diff does
        "### schema-sync-hook: generated schemas are out of date (run `schema-sync-hook sync`"
        " and commit)\n\n| change | class | field | what changed |\n|---|---|---|---|\n"
        "| breaking | `AuthorCreate` | name | max_length 100 -> 50 |\n"
        "| breaking | `AuthorUpdate` | name | max_length 100 -> 50 |\n"
        "| compatible | `AuthorResponse` | name | max_length 100 -> 50 |\n"
    )
    assert "```diff\n--- a/api/schemas_generated.py" in out


def test_markdown_escapes_cells_and_fences(synced: Project) -> None:
    synced.write(
        "shopmodels.py",
        MODELS.replace(
            "max_length=100)", 'max_length=100, validators=[RegexValidator("a|```b", 0)])'
        ).replace(
            "from tortoise import",
            "from tortoise.validators import RegexValidator\nfrom tortoise import",
        ),
    )
    out = synced.run("--check", "--format", "markdown").out
    assert "| breaking | `AuthorCreate` | name | pattern '^(?:a\\|```b)' added |" in out
    assert "\n````diff\n" in out and "\n````\n" in out  # a fence longer than the text's


def test_json_names_an_aliased_field_by_its_wire_name(synced: Project) -> None:
    synced.write(
        "shopmodels.py",
        MODELS.replace(
            "    email =", "    schema = fields.CharField(max_length=10, default='')\n    email ="
        ),
    )
    assert synced.run("sync", "-q").code == 0
    synced.write(
        "shopmodels.py",
        MODELS.replace(
            "    email =", "    schema = fields.CharField(max_length=5, default='')\n    email ="
        ),
    )
    data = parsed(synced.run("--check", "--format", "json").out)
    assert data["files"][0]["changes"] == [
        {
            "model": "Author",
            "change": "changed",
            "fields": ["schema"],
            "source": "shopmodels.py",
            "line": line_of(synced.root / "shopmodels.py", "schema ="),
        }
    ]


def test_format_is_refused_where_it_does_not_apply(synced: Project) -> None:
    """Refused (exit 2), and still in the format asked for: a reader of stdout gets
    the format's error document."""
    result = synced.run("--format", "markdown")
    assert result.code == 2
    assert result.out.startswith("### schema-sync-hook: error (exit 2)\n\n--format markdown")
    for args in (("--format", "json", "sync"), ("--format", "json", "--watch")):
        result = synced.run(*args)
        assert result.code == 2, args
        data = parsed(result.out)
        assert data["status"] == "error" and data["exit_code"] == 2
        assert data["error"] in result.err and data["files"] == []


def test_exit_codes_do_not_change_with_the_format(synced: Project) -> None:
    for fmt in ("text", "json", "github", "markdown"):
        assert synced.run("--check", "--format", fmt).code == 0
    synced.write("shopmodels.py", MODELS.replace("max_length=100", "max_length=50"))
    for fmt in ("text", "json", "github", "markdown"):
        assert synced.run("--check", "--format", fmt).code == 1
    git(synced.root, "checkout", "-qb", "feature")
    for fmt in ("text", "json", "github", "markdown"):
        assert synced.run("diff", "--against", "main", "--format", fmt).code == 1
        assert synced.run("diff", "--against", "nope", "--format", fmt).code == 2


def test_console_script_json_is_the_only_stdout(synced: Project) -> None:
    synced.write("shopmodels.py", textwrap.dedent(MODELS).replace("max_length=100", "max_length=5"))
    result = synced.run_process("--check", "--format", "json", "-v")
    assert result.code == 1
    parsed(result.out)
    assert result.err
