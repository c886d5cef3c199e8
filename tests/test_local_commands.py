"""backup list/restore/delete, status, validate, auto_merge and the lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from schema_sync_hook.render.merge import BEGIN, END

from conftest import Project

OUT = "api/schemas_generated.py"


def backup_names(project: Project) -> list[str]:
    result = project.run("backup", "list", "--json")
    assert result.code == 0
    return [b["name"] for b in json.loads(result.out)]


def new_field(name: str) -> str:
    return f"    {name} = fields.IntField(null=True)\n    pages ="


@pytest.fixture
def with_backups(project: Project) -> Project:
    project.run("sync")
    project.edit_model("    pages =", new_field("isbn"))
    project.run("sync")
    project.edit_model("    pages =", new_field("subtitle"))
    project.run("sync")
    return project


# --- backups ---------------------------------------------------------------------------


def test_backup_list_and_metadata(with_backups: Project) -> None:
    result = with_backups.run("backup", "list", "--json")
    entries = json.loads(result.out)
    assert len(entries) == 2
    for entry in entries:
        assert entry["reason"] == "sync" and entry["problem"] is None
        [record] = entry["files"]
        assert record["path"] == OUT and len(record["sha256"]) == 64
    text = with_backups.run("backup", "list").out
    assert entries[0]["name"] in text and OUT in text


def test_backup_names_get_a_suffix_within_one_second(project: Project) -> None:
    project.run("sync")
    for i in range(3):  # each force replaces a different hand edit, so each is backed up
        project.output.write_text(project.output.read_text() + f"# edit {i}\n")
        project.run("sync", "--force")
    names = backup_names(project)
    assert len(names) == 3 == len(set(names))
    stamps = {n[:29] for n in names}
    if len(stamps) == 1:  # all three in the same second
        assert names[1].endswith("_2") and names[2].endswith("_3")


def test_restore_backs_up_current_first_and_can_be_undone(with_backups: Project) -> None:
    project = with_backups
    current = project.output.read_text()
    oldest = backup_names(project)[0]
    result = project.run("backup", "restore", "--name", oldest)
    assert result.code == 0
    assert f"restored {OUT} from {oldest}" in result.out
    restored = project.output.read_text()
    assert "isbn:" not in restored and "subtitle:" not in restored
    undo = backup_names(project)[-1]
    meta = json.loads(project.run("backup", "list", "--json").out)[-1]
    assert meta["reason"] == "restore"
    assert project.run("backup", "restore", "--name", undo).code == 0
    assert project.output.read_text() == current


def test_delete(with_backups: Project) -> None:
    names = backup_names(with_backups)
    assert with_backups.run("backup", "delete", "--name", names[0]).code == 0
    assert backup_names(with_backups) == names[1:]


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "/etc/passwd",
        "*",
        "",
        "schema_backup_*",
        "schema_backup_20990101_000000",
        "schema_backup_20200101_000000/../../x",
    ],
)
@pytest.mark.parametrize("action", ["restore", "delete"])
def test_bad_backup_names_are_refused(with_backups: Project, action: str, name: str) -> None:
    before = with_backups.snapshot()
    result = with_backups.run("backup", action, "--name", name)
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1
    assert "backup list" in result.err
    assert with_backups.snapshot() == before


def test_corrupted_metadata_is_reported_not_fatal(with_backups: Project) -> None:
    names = backup_names(with_backups)
    folder = with_backups.root / ".schema_sync" / "backups" / names[0]
    (folder / "metadata.json").write_text("{not json")
    result = with_backups.run("backup", "list", "--json")
    assert result.code == 0
    entries = json.loads(result.out)
    assert entries[0]["problem"].startswith("unreadable metadata.json")
    assert entries[1]["problem"] is None
    assert "damaged" in with_backups.run("backup", "list").out
    before = with_backups.snapshot()
    restore = with_backups.run("backup", "restore", "--name", names[0])
    assert restore.code == 2 and "cannot be restored" in restore.err
    assert with_backups.snapshot() == before


def test_tampered_backup_file_is_not_restored(with_backups: Project) -> None:
    name = backup_names(with_backups)[0]
    kept = with_backups.root / ".schema_sync" / "backups" / name / "files" / OUT
    kept.write_text(kept.read_text() + "# tampered\n")
    before = with_backups.snapshot()
    result = with_backups.run("backup", "restore", "--name", name)
    assert result.code == 2 and "does not match its recorded sha256" in result.err
    assert with_backups.snapshot() == before


def test_rotation_never_deletes_the_new_backup(project: Project) -> None:
    project.write("pyproject.toml", project.read("pyproject.toml") + "max_backups = 0\n")
    project.run("sync")
    project.edit_model("    pages =", new_field("one"))
    project.run("sync")
    project.edit_model("    pages =", new_field("two"))
    project.run("sync")
    names = backup_names(project)
    assert len(names) == 1
    kept = project.root / ".schema_sync" / "backups" / names[0] / "files" / OUT
    assert "one:" in kept.read_text() and "two:" not in kept.read_text()


def test_backup_disabled(project: Project) -> None:
    project.write("pyproject.toml", project.read("pyproject.toml") + "backup_enabled = false\n")
    project.run("sync")
    project.edit_model("    pages =", new_field("one"))
    project.run()
    project.run("sync", "--force")
    assert backup_names(project) == []


# --- status --------------------------------------------------------------------------


def test_status_block(project: Project) -> None:
    result = project.run("status")
    assert result.code == 0
    for line in [
        "SCHEMA SYNC STATUS",
        "Last Sync: never",
        "Manual Schema Exists: False",
        "Generated Schema Exists: False",
        "Manual Schema Path: src/api/schemas.py",
        f"Generated Schema Path: {OUT}",
        "Backup Enabled: True",
        "Auto Merge: False",
        "Models Found: 2",
        "Generated Schema State: missing",
        "Backups: 0",
    ]:
        assert line in result.out.splitlines()
    assert 'models = ["shopmodels"]  (pyproject.toml [tool.schema-sync])' in result.out
    assert "max_backups = 10  (default)" in result.out


def test_status_states_and_json(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project.run("sync")
    data = json.loads(project.run("status", "--json").out)
    assert data["state"] == "in sync" and data["models_found"] == 2
    assert data["generated_schema_exists"] is True and data["last_sync"]
    project.edit_model("    pages =", new_field("extra"))
    assert json.loads(project.run("status", "--json").out)["state"] == "stale"
    project.output.write_text(project.output.read_text() + "# edit\n")
    assert json.loads(project.run("status", "--json").out)["state"] == "hand-edited"
    monkeypatch.setenv("SCHEMA_SYNC_MAX_BACKUPS", "3")
    data = json.loads(project.run("status", "--json").out)
    assert data["settings"]["max_backups"] == {"value": 3, "source": "environment"}


def test_status_shows_tables_as_objects(make_project: Callable[..., Project]) -> None:
    config = (
        'models = ["shopmodels"]\noutput = "api/schemas_generated.py"\n'
        'class_names = { create = "{model}In" }\nexclude = { create = ["title"] }\n'
        'type_overrides = { "Book.title" = "str" }\n'
    )
    project = make_project(config=config)
    settings = json.loads(project.run("status", "--json").out)["settings"]
    assert settings["exclude"]["value"] == {"create": ["title"]}
    assert settings["type_overrides"]["value"] == {"Book.title": "str"}
    assert settings["class_names"]["value"]["create"] == "{model}In"
    out = project.run("status").out
    assert 'exclude = {"create": ["title"]}' in out
    assert 'type_overrides = {"Book.title": "str"}' in out


def test_status_when_models_do_not_import(project: Project) -> None:
    project.run("sync")
    project.write("shopmodels.py", "raise RuntimeError('broken models')\n")
    result = project.run("status")
    assert result.code == 2
    assert "Models Import Error: cannot import models module 'shopmodels'" in result.out
    assert "Generated Schema State: unknown" in result.out
    assert json.loads(project.run("status", "--json").out)["error"]


# --- validate -----------------------------------------------------------------------


MANUAL = """
from pydantic import field_validator

from api.schemas_generated import BookCreate as Base, AuthorResponse


class BookCreate(Base):
    @field_validator("title")
    @classmethod
    def no_empty(cls, v: str) -> str:
        return v.strip()
"""


def test_validate_all_pass(project: Project) -> None:
    project.run("sync")
    project.write("api/__init__.py", "")
    project.write("src/api/schemas.py", MANUAL)
    result = project.run("validate")
    assert result.code == 0, result.out
    assert "all checks passed" in result.out
    assert "ok   src/api/schemas.py: names imported from the generated module exist" in result.out


def test_validate_failures_one_line_each(project: Project) -> None:
    project.run("sync")
    project.write("api/__init__.py", "")
    project.write("src/api/schemas.py", MANUAL.replace("AuthorResponse", "AuthorGone"))
    project.edit_model("    pages =", new_field("late"))
    result = project.run("validate")
    assert result.code == 1
    fails = [line for line in result.out.splitlines() if line.startswith("FAIL")]
    assert any("is in sync with the models (stale)" in f for f in fails)
    assert any("missing: api.schemas_generated.AuthorGone" in f for f in fails)
    assert any("src/api/schemas.py imports" in f for f in fails)


def test_validate_reports_exposed_sensitive_field(project: Project) -> None:
    project.run("sync")
    text = project.output.read_text().replace(
        "class AuthorResponse(_FromTortoise):",
        "class AuthorResponse(_FromTortoise):\n    password: str = ''\n",
    )
    project.output.write_text(text)
    result = project.run("validate")
    assert result.code == 1
    assert (
        "FAIL no Response exposes a sensitive field"
        " (exposed: AuthorResponse.password, AuthorDetail.password)" in result.out
    )


def test_validate_missing_file(project: Project) -> None:
    result = project.run("validate")
    assert result.code == 1 and f"FAIL {OUT} exists" in result.out


# --- auto_merge ----------------------------------------------------------------------


def test_auto_merge_block(project: Project) -> None:
    project.write(
        "pyproject.toml",
        project.read("pyproject.toml") + 'auto_merge = true\nmanual_schema = "api/schemas.py"\n',
    )
    project.write("api/__init__.py", "")
    own = MANUAL.replace("from api.schemas_generated import", "from .schemas_generated import")
    project.write("api/schemas.py", own)
    original = project.read("api/schemas.py")
    result = project.run("sync")
    assert result.code == 0 and "api/schemas.py" in result.out
    text = project.read("api/schemas.py")
    assert text.startswith(original.rstrip("\n"))  # the hand-written part is untouched
    block = text[text.index(BEGIN) : text.index(END)]
    assert "from . import schemas_generated as _generated" in block
    assert "AuthorCreate = _generated.AuthorCreate" in block
    assert "BookCreate =" not in block  # defined by the module itself
    assert "AuthorResponse =" not in block  # already imported by the module
    # the block is kept up to date, the rest still untouched
    project.edit_model("    pages =", new_field("extra"))
    assert project.run("sync").code == 0
    assert project.read("api/schemas.py") == text
    project.write(
        "api/schemas.py",
        project.read("api/schemas.py").replace("class BookCreate(Base)", "class BookCreate2(Base)"),
    )
    project.run("sync")
    assert "BookCreate = _generated.BookCreate" in project.read("api/schemas.py")
    assert project.run("--check").code == 0
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", "from api.schemas import AuthorCreate, BookCreate2, BookResponse"],
        cwd=project.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_auto_merge_creates_missing_manual_module(project: Project) -> None:
    project.write(
        "pyproject.toml",
        project.read("pyproject.toml") + 'auto_merge = true\nmanual_schema = "api/schemas.py"\n',
    )
    assert project.run("sync").code == 0
    text = project.read("api/schemas.py")
    assert BEGIN in text and "from api import schemas_generated as _generated" in text


# --- the lock ------------------------------------------------------------------------


HOLDER = """
import sys
from pathlib import Path
from schema_sync_hook.apply.lock import project_lock
with project_lock(Path(sys.argv[1])):
    print("ready", flush=True)
    sys.stdin.read()  # holds the lock until the test closes stdin (or kills it)
"""


class LockHolder:
    """Another process holding the project lock until ``release()`` (or a kill)."""

    def __init__(self, state_dir: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(state_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "ready"

    def release(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        assert self.proc.wait(timeout=30) == 0

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=30)


def spawn_sync(project: Project) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "schema_sync_hook", "sync", "--root", str(project.root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_lock_waits_for_the_other_run(project: Project) -> None:
    project.run("sync")
    project.edit_model("    pages =", new_field("extra"))
    holder = LockHolder(project.root / ".schema_sync")
    proc = spawn_sync(project)
    assert proc.stdout is not None
    assert "waiting for another schema-sync-hook run to finish" in proc.stdout.readline()
    assert "extra:" not in project.output.read_text()  # still waiting: nothing written
    holder.release()
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "extra:" in project.output.read_text()


def test_lock_of_a_killed_process_does_not_block(project: Project) -> None:
    holder = LockHolder(project.root / ".schema_sync")
    holder.kill()  # SIGKILL: no clean-up ran
    assert (project.root / ".schema_sync" / "lock").exists()  # the file stays, the lock does not
    started = time.monotonic()
    assert project.run("sync").code == 0
    assert time.monotonic() - started < 30


def test_lock_tells_once_then_blocks_until_released(tmp_path: Path) -> None:
    from schema_sync_hook.apply.lock import project_lock

    holder = LockHolder(tmp_path)
    told: list[Path] = []

    def blocked(path: Path) -> None:
        told.append(path)
        holder.release()  # the wait that follows ends when the holder has exited

    with project_lock(tmp_path, blocked):
        assert (tmp_path / "lock").read_text() == f"{os.getpid()}\n"
    assert told == [tmp_path / "lock"]
    with project_lock(tmp_path, blocked):  # free now: not told again
        pass
    assert len(told) == 1


def test_edit_made_while_waiting_for_the_lock_is_kept(project: Project) -> None:
    project.run("sync")
    project.edit_model("    pages =", new_field("extra"))
    holder = LockHolder(project.root / ".schema_sync")
    proc = spawn_sync(project)
    assert proc.stdout is not None
    assert "waiting for another schema-sync-hook run" in proc.stdout.readline()
    edited = project.output.read_text() + "# written by another tool meanwhile\n"
    project.output.write_text(edited)
    holder.release()
    _, err = proc.communicate(timeout=60)
    # Seen under the lock, the edit is treated as one made before the run: refused.
    assert proc.returncode == 2 and "was edited by hand" in err
    assert project.output.read_text() == edited
