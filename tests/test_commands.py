"""Hook mode, --check, sync, --dry-run, --force: exit codes, messages, files."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable

import pytest

from conftest import SIMPLE_MODELS, Project

OUT = "api/schemas_generated.py"


def backups(project: Project) -> list[str]:
    folder = project.root / ".schema_sync" / "backups"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


ISBN = "    isbn = fields.CharField(max_length=13, null=True)\n"


def test_hook_creates_missing_file_and_exits_1(project: Project) -> None:
    result = project.run()
    assert result.code == 1
    assert f"created {OUT}" in result.out
    assert "Author (added), Book (added)" in result.out
    assert project.output.is_file()
    assert backups(project) == []  # nothing existed to back up


def test_hook_in_sync_is_silent(project: Project) -> None:
    project.run()
    result = project.run("--no-cache")
    assert (result.code, result.out, result.err) == (0, "", "")
    verbose = project.run("--no-cache", "-v")
    assert verbose.code == 0 and "is in sync (2 models)" in verbose.err


def test_hook_rewrites_on_drift_with_backup(project: Project) -> None:
    project.run()
    before = project.output.read_text()
    project.edit_model("    pages =", ISBN + "    pages =")
    result = project.run()
    assert result.code == 1
    assert f"updated {OUT}; models changed: Book (isbn)" in result.out
    assert "isbn: str | None" in project.output.read_text()
    [name] = backups(project)
    assert re.fullmatch(r"schema_backup_\d{8}_\d{6}", name)
    kept = project.root / ".schema_sync" / "backups" / name / "files" / OUT
    assert kept.read_text() == before
    assert project.run().code == 0


def test_hook_without_write_permission_prints_diff(project: Project) -> None:
    project.run()
    before = project.output.read_bytes()
    project.edit_model("    pages =", ISBN + "    pages =")
    for config in ("auto_write = false", 'environment = "production"'):
        pyproject = project.read("pyproject.toml")
        project.write("pyproject.toml", pyproject + config + "\n")
        result = project.run()
        assert result.code == 1
        assert f"--- a/{OUT}\n+++ b/{OUT}\n" in result.out
        assert "+    isbn: str | None" in result.out
        assert "not written because" in result.out
        assert project.output.read_bytes() == before
        project.write("pyproject.toml", pyproject)


def test_check_never_writes(project: Project) -> None:
    before = project.snapshot()
    result = project.run("--check")
    assert result.code == 1
    assert f"{OUT} is missing" in result.out
    assert project.snapshot() == before  # no file, no backup, no cache, no state
    assert not (project.root / ".schema_sync").exists()

    project.run("sync")
    project.edit_model("    pages =", ISBN + "    pages =")
    before = project.snapshot()
    result = project.run("--check")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == f"--- a/{OUT}" and lines[1] == f"+++ b/{OUT}"  # no mtimes
    assert "models changed: Book (isbn)" in result.out
    assert "run 'schema-sync-hook sync'" in result.out
    assert project.snapshot() == before


def test_check_in_sync(project: Project) -> None:
    project.run("sync")
    assert project.run("--check").code == 0


def test_sync_writes_and_exits_0(project: Project) -> None:
    result = project.run("sync")
    assert result.code == 0 and project.output.is_file()
    project.edit_model("    pages =", ISBN + "    pages =")
    result = project.run("sync")
    assert result.code == 0 and "Book (isbn)" in result.out
    assert len(backups(project)) == 1


def test_dry_run_prints_diff_writes_nothing(project: Project) -> None:
    project.run("sync")
    project.edit_model("    pages =", ISBN + "    pages =")
    before = project.snapshot()
    result = project.run("sync", "--dry-run")
    assert result.code == 0
    assert "+    isbn: str | None" in result.out
    assert project.snapshot() == before


def test_force_rewrites_unchanged_file_without_a_needless_backup(project: Project) -> None:
    """Nothing is replaced, so nothing is backed up (a backup would rotate older ones away)."""
    project.run("sync")
    result = project.run("sync", "--force")
    assert result.code == 0 and "rewrote (unchanged)" in result.out
    assert len(backups(project)) == 0


def test_hand_edited_file_is_not_overwritten(project: Project) -> None:
    project.run("sync")
    edited = project.output.read_text().replace("class AuthorCreate", "# mine\nclass AuthorCreate")
    project.output.write_text(edited)
    project.edit_model("    pages =", ISBN + "    pages =")
    for args in ((), ("sync",)):
        result = project.run(*args)
        assert result.code == 2
        assert f"{OUT} was edited by hand" in result.err
        assert "sync --force" in result.err
        assert len(result.err.strip().splitlines()) == 1
        assert project.output.read_text() == edited
    result = project.run("sync", "--force")
    assert result.code == 0
    [name] = backups(project)
    kept = project.root / ".schema_sync" / "backups" / name / "files" / OUT
    assert kept.read_text() == edited  # the hand edit is kept


def test_hand_edit_backed_up_even_with_backups_disabled(project: Project) -> None:
    project.write("pyproject.toml", project.read("pyproject.toml") + "backup_enabled = false\n")
    project.run("sync")
    project.edit_model("    pages =", ISBN + "    pages =")
    project.run("sync")
    assert backups(project) == []
    project.output.write_text(project.output.read_text() + "# mine\n")
    assert project.run("sync", "--force").code == 0
    assert len(backups(project)) == 1


def test_crlf_checkout_is_not_drift(project: Project) -> None:
    project.run("sync")
    crlf = project.output.read_bytes().replace(b"\n", b"\r\n")
    project.output.write_bytes(crlf)
    assert project.run("--no-cache").code == 0
    assert project.run("--check").code == 0
    assert project.output.read_bytes() == crlf


def test_max_backups_rotation_keeps_newest(project: Project) -> None:
    project.write("pyproject.toml", project.read("pyproject.toml") + "max_backups = 2\n")
    project.run("sync")
    for i in range(4):
        project.edit_model("    pages =", f"    extra{i} = fields.IntField(null=True)\n    pages =")
        project.run("sync")
    names = backups(project)
    assert len(names) == 2
    assert any(n.endswith("_4") for n in names) or len(set(names)) == 2


# --- bad input: one line, exit 2, nothing touched -------------------------------------


def assert_user_error(project: Project, result_err: str, code: int, *needles: str) -> None:
    assert code == 2, result_err
    lines = result_err.strip().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in result_err
    for needle in needles:
        assert needle in lines[0]


BAD_CASES: dict[str, tuple[Callable[[Project], None], tuple[str, ...]]] = {
    "missing module": (
        lambda p: p.write(
            "pyproject.toml",
            '[tool.schema-sync]\nmodels = ["nope.models"]\noutput = "api/schemas_generated.py"\n',
        ),
        ("cannot import models module 'nope.models'", "ModuleNotFoundError"),
    ),
    "syntax error": (
        lambda p: p.write("shopmodels.py", SIMPLE_MODELS + "\nclass Broken(:\n    pass\n"),
        ("cannot import models module 'shopmodels'", "shopmodels.py:", "SyntaxError"),
    ),
    "toml error": (
        lambda p: p.write("pyproject.toml", "[tool.schema-sync\nmodels = 1\n"),
        ("pyproject.toml: invalid TOML",),
    ),
    "max_backups ten": (
        lambda p: p.write("pyproject.toml", p.read("pyproject.toml") + 'max_backups = "ten"\n'),
        ("max_backups: bad value 'ten'", "pyproject.toml"),
    ),
    "error at import": (
        lambda p: p.write("shopmodels.py", "import os\n\nVALUE = 1 / 0\n"),
        ("shopmodels.py:3", "ZeroDivisionError"),
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
@pytest.mark.parametrize("args", [(), ("--check",), ("sync",), ("sync", "--force")])
def test_bad_input(project: Project, case: str, args: tuple[str, ...]) -> None:
    project.run("sync")
    breaker, needles = BAD_CASES[case]
    breaker(project)
    before = project.snapshot()
    result = project.run(*args)
    assert_user_error(project, result.err, result.code, *needles)
    assert project.snapshot() == before


def test_traceback_only_with_verbose(project: Project) -> None:
    BAD_CASES["error at import"][0](project)
    result = project.run("-v")
    assert result.code == 2 and "Traceback" in result.err and "ZeroDivisionError" in result.err


def test_output_under_a_file_is_an_error(project: Project) -> None:
    project.write("api", "not a folder\n")
    result = project.run("sync")
    assert_user_error(project, result.err, result.code, "cannot write")
    assert project.read("api") == "not a folder\n"


def test_same_model_name_in_two_apps_sharing_one_file(make_project: Callable[..., Project]) -> None:
    project = make_project(
        config='tortoise_config = "settings.TORTOISE_ORM"\noutput = "api/schemas_generated.py"\n'
    )
    project.write(
        "shop2.py",
        "from tortoise import fields, models\n\n\n"
        "class Book(models.Model):\n    id = fields.IntField(primary_key=True)\n",
    )
    project.write(
        "settings.py",
        'TORTOISE_ORM = {"connections": {"default": "sqlite://:memory:"},'
        ' "apps": {"models": {"models": ["shopmodels"]}, "b": {"models": ["shop2"]}}}\n',
    )
    before = project.snapshot()
    result = project.run("sync")
    assert_user_error(project, result.err, result.code, "two models named 'Book'", "{app}")
    assert project.snapshot() == before
    pyproject = project.read("pyproject.toml").replace(
        "api/schemas_generated.py", "api/{app}_schemas.py"
    )
    project.write("pyproject.toml", pyproject)
    assert project.run("sync").code == 0
    assert "class BookCreate" in project.read("api/models_schemas.py")
    assert "class BookCreate" in project.read("api/b_schemas.py")
    assert "from shop2" not in project.read("api/models_schemas.py")
    assert project.read("api/b_schemas.py").startswith(
        "# Code generated by schema-sync-hook from shop2. DO NOT EDIT.\n"
    )


def test_internal_error_exit_3(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    from schema_sync_hook.render import files as render

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(render, "render_file", boom)  # a bug cannot be caused for real
    result = project.run("sync")
    assert result.code == 3 and "internal error: RuntimeError: simulated bug" in result.err


def test_ctrl_c_exit_130(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    from schema_sync_hook.render import files as render

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(render, "render_file", interrupt)
    result = project.run("sync")
    assert result.code == 130
    assert not project.output.exists()


def test_console_script_and_module(project: Project) -> None:
    result = project.run_process("sync")
    assert result.code == 0, result.err
    assert project.run_process("--check").code == 0
    assert "usage: schema-sync-hook" in project.run_process("--help").out


def test_colour_only_when_asked_or_on_a_terminal(project: Project) -> None:
    project.run("sync")
    text = project.read("shopmodels.py")
    project.write(
        "shopmodels.py",
        text.replace("    pages =", "    isbn = fields.IntField(null=True)\n    pages =", 1),
    )
    plain = project.run_process("--check")
    assert plain.code == 1 and "\033[" not in plain.out  # a pipe is not a terminal
    forced = project.run_process("--check", env={"FORCE_COLOR": "1"})
    assert "\033[32m+    isbn" in forced.out
    for env, args in (
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, ()),
        ({"FORCE_COLOR": "1"}, ("--no-color",)),
    ):
        result = project.run_process("--check", *args, env=env)
        assert result.code == 1 and "\033[" not in result.out + result.err


def test_closed_pipe_is_quiet(make_project: Callable[..., Project]) -> None:
    """``schema-sync-hook --check | head -1``: no traceback when the reader goes away."""
    many = "".join(
        f"\n\nclass M{i}(models.Model):\n    id = fields.IntField(primary_key=True)\n"
        f"    name = fields.CharField(max_length=50, description='{'x' * 60}')\n"
        for i in range(150)
    )
    project = make_project(models=SIMPLE_MODELS + many)
    proc = subprocess.Popen(  # the diff of a missing file is far larger than a pipe buffer
        [sys.executable, "-m", "schema_sync_hook", "--check", "--root", str(project.root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in err and "internal error" not in err


UNKNOWN_TYPE_MODELS = """
from tortoise import fields, models


class Opaque:
    pass


class OpaqueField(fields.Field):
    SQL_TYPE = "BLOB"
    field_type = None


class Thing(models.Model):
    id = fields.IntField(primary_key=True)
    blob = OpaqueField(null=True)
"""


def test_unknown_field_type_names_the_field_and_the_override(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(models=UNKNOWN_TYPE_MODELS)
    result = project.run("sync")
    assert result.code == 2
    [line] = result.err.strip().splitlines()
    assert "Thing.blob: no schema type for OpaqueField" in line
    assert 'type_overrides, e.g. "Thing.blob" = "builtins.str"' in line
    assert not project.output.exists()
    project.write(
        "pyproject.toml",
        project.read("pyproject.toml")
        + '[tool.schema-sync.type_overrides]\n"Thing.blob" = "builtins.bytes"\n',
    )
    assert project.run("sync").code == 0
    assert "blob: bytes | None = None" in project.output.read_text()


def test_summary_names_only_the_changed_fields() -> None:
    from schema_sync_hook.plan.models import model_changes

    old = "class TagCreate(BaseModel):\n    name: str\n\n\nclass XCreate(BaseModel):\n    a: int\n"
    new = old.replace("    name: str\n", "    name: str\n    color: str | None = None\n")
    [change] = model_changes(old, new)
    assert str(change) == "Tag (color)"
    gone = model_changes(old, new.replace("class XCreate(BaseModel):\n    a: int\n", ""))
    assert [str(c) for c in gone] == ["Tag (color)", "X (removed)"]
