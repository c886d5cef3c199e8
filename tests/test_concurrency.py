"""Runs that overlap converge (SPEC §5): real processes on one project.

The ordering is forced, not hoped for: a model module that holds its import
until the test says so (it prints a line, then blocks reading stdin), and a run
that is known to wait for the lock because it said so.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Project

pytestmark = pytest.mark.slow

# Imported by every run; one started with HOLD_IMPORT=1 stops in its import until
# the test writes a line to its stdin (the run holds the project lock meanwhile).
GATE = """import os
import sys

if os.environ.get("HOLD_IMPORT") == "1":
    print("importing the models", flush=True)
    sys.stdin.readline()
"""


def spawn(project: Project, *args: str, hold: bool = False) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHEMA_SYNC_")}
    env["HOLD_IMPORT"] = "1" if hold else "0"
    return subprocess.Popen(
        [sys.executable, "-m", "schema_sync_hook", *args, "--root", str(project.root)],
        cwd=project.root,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_line(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    return proc.stdout.readline()


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def new_field(name: str) -> str:
    return f"    {name} = fields.IntField(null=True)\n    pages ="


@pytest.fixture
def gated(project: Project) -> Project:
    project.write("shopmodels.py", GATE + project.read("shopmodels.py"))
    assert project.run("sync").code == 0
    return project


def test_many_runs_started_together_converge(gated: Project) -> None:
    for round_ in range(6):
        gated.edit_model("    pages =", new_field(f"f{round_}"))
        procs = [spawn(gated, "sync"), spawn(gated), spawn(gated, "sync"), spawn(gated)]
        results = [finish(p) for p in procs]
        for (code, out, err), kind in zip(results, ["sync", "hook", "sync", "hook"], strict=True):
            assert code == (0 if kind == "sync" else code), err
            assert code in (0, 1), f"{kind} exit {code}: {out}{err}"
            assert "changed while" not in err
        text = gated.output.read_text()
        assert f"f{round_}:" in text
        assert gated.run("--check").code == 0
        # A hook run that exited 0 found the file already in sync when it started.
        for code, out, _ in results[1::2]:
            assert code == 1 or "updated" not in out


def test_an_edit_during_a_slow_run_wins(gated: Project) -> None:
    first = spawn(gated, "sync", hold=True)
    assert read_line(first) == "importing the models\n"  # holds the lock, old source read
    gated.edit_model("    pages =", new_field("later"))
    second = spawn(gated, "sync")
    assert "waiting for another schema-sync-hook run" in read_line(second)
    assert first.stdin is not None
    first.stdin.write("go\n")
    first.stdin.flush()
    code, _, err = finish(first)
    assert code == 0, err
    assert "later:" not in gated.output.read_text()  # the first run's (older) generation
    code, _, err = finish(second)
    assert code == 0, err
    assert "later:" in gated.output.read_text()  # the newest source wins
    assert gated.run("--check").code == 0


def test_hook_mode_reports_drift_written_by_another_run(gated: Project) -> None:
    gated.edit_model("    pages =", new_field("isbn"))
    first = spawn(gated, "sync", hold=True)
    assert read_line(first) == "importing the models\n"
    hook = spawn(gated)  # the committed file is stale at its start
    assert "waiting for another schema-sync-hook run" in read_line(hook)
    assert first.stdin is not None
    first.stdin.write("go\n")
    first.stdin.flush()
    assert finish(first)[0] == 0
    code, out, err = finish(hook)
    assert code == 1, err
    assert "has been updated by another schema-sync-hook run" in out
    assert "Book (isbn)" in out
    assert "'git add' it and commit again" in out


def test_hand_edit_during_a_slow_run_is_refused(gated: Project) -> None:
    gated.edit_model("    pages =", new_field("isbn"))
    first = spawn(gated, "sync", hold=True)
    assert read_line(first) == "importing the models\n"
    edited = gated.output.read_text() + "# mine\n"
    gated.output.write_text(edited)
    assert first.stdin is not None
    first.stdin.write("go\n")
    first.stdin.flush()
    code, _, err = finish(first)
    assert code == 2
    assert "was edited by hand" in err and "sync --force" in err
    assert gated.output.read_text() == edited


def test_sync_beside_a_running_watch(gated: Project) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHEMA_SYNC_")}
    env["SCHEMA_SYNC_WATCH_DEBOUNCE_SECONDS"] = "0.1"
    env["HOLD_IMPORT"] = "0"
    watch = subprocess.Popen(
        [sys.executable, "-m", "schema_sync_hook", "--watch", "--root", str(gated.root)],
        cwd=gated.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert watch.stdout is not None
        for line in watch.stdout:
            if "for model changes" in line:
                break
        for round_ in range(4):
            gated.edit_model("    pages =", new_field(f"w{round_}"))
            code, _, err = finish(spawn(gated, "sync"))
            assert code == 0, err
            assert f"w{round_}:" in gated.output.read_text()
            # the watcher's own regeneration for this edit ends in sync, never in an error
            for line in watch.stdout:
                assert "failed" not in line, line
                if "Schemas written to" in line or "Schemas are up to date" in line:
                    break
            assert gated.run("--check").code == 0
    finally:
        watch.terminate()
        watch.wait(timeout=60)


def test_sync_waits_for_backup_restore_and_the_other_way(gated: Project) -> None:
    gated.edit_model("    pages =", new_field("isbn"))
    assert gated.run("sync").code == 0
    [name] = sorted(p.name for p in (gated.root / ".schema_sync" / "backups").iterdir())
    first = spawn(gated, "sync", hold=True)
    assert read_line(first) == "importing the models\n"
    restore = spawn(gated, "backup", "restore", "--name", name)
    assert "waiting for another schema-sync-hook run" in read_line(restore)
    assert first.stdin is not None
    first.stdin.write("go\n")
    first.stdin.flush()
    assert finish(first)[0] == 0
    code, _, err = finish(restore)
    assert code == 0, err
    assert "isbn:" not in gated.output.read_text()  # restored after the sync, not before
    assert Path(gated.output).is_file()


def test_model_edit_during_an_in_sync_hook_run_is_not_cached_as_in_sync(gated: Project) -> None:
    (gated.root / ".schema_sync" / "cache.json").unlink(missing_ok=True)
    hook = spawn(gated, hold=True)
    assert read_line(hook) == "importing the models\n"  # the old model source is read
    gated.edit_model("    pages =", new_field("later"))
    assert hook.stdin is not None
    hook.stdin.write("go\n")
    hook.stdin.flush()
    code, _, err = finish(hook)
    assert code == 0, err  # in sync with the source it imported
    # The cache must not pair the edited source with the old output.
    code, _, err = finish(spawn(gated))
    assert code == 1, err
    assert "later:" in gated.output.read_text()
