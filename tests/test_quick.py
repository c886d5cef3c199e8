"""The console script's first stop: an unchanged project answered from
.schema_sync/quick before settings, argparse or the generator are imported; any
change (or any other command line) goes on to the full check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from schema_sync_hook.fastpath import quick
from schema_sync_hook.settings import schema as config
from schema_sync_hook.settings.sources import ROOT_MARKERS, find_root

from conftest import Project

HEAVY = ("argparse", "dataclasses", "inspect", "tomllib", "json", "tortoise", "pydantic", "jinja2")
PROBE = f"""
import sys
from schema_sync_hook.fastpath import quick
answered = quick.answer(sys.argv[1:])
heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)
import json
print(json.dumps({{"answered": answered, "heavy": heavy}}))
"""


def probe(project: Project, *args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=project.root,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=True,
    )
    result: dict[str, object] = json.loads(proc.stdout)
    return result


@pytest.fixture
def warm(project: Project) -> Project:
    assert project.run("sync").code == 0
    assert project.run().code == 0  # an in-sync hook run records the inputs
    # the record marks files written within the last 2 s as undecided: age them
    old = 1_000_000_000
    for path in [project.root, *project.root.rglob("*")]:
        if ".schema_sync" not in path.parts:
            os.utime(path, ns=(old, old))
    assert project.run("--no-color").code == 0  # the full check re-records the stats
    return project


def test_unchanged_project_answered_with_nothing_heavy(warm: Project) -> None:
    for args in ((), ("--check",), ("-q", "--root", str(warm.root)), ("--format=text",)):
        assert probe(warm, *args) == {"answered": True, "heavy": []}, args
    proc = subprocess.run(
        [sys.executable, "-m", "schema_sync_hook"], cwd=warm.root, capture_output=True, check=False
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")


@pytest.mark.parametrize(
    "args", [("-v",), ("sync",), ("--no-cache",), ("--format", "json"), ("--watch",), ("--x",)]
)
def test_other_command_lines_go_to_the_full_cli(warm: Project, args: tuple[str, ...]) -> None:
    assert probe(warm, *args)["answered"] is False


def test_a_touched_model_goes_to_the_full_check_then_is_quick_again(warm: Project) -> None:
    (warm.root / "shopmodels.py").touch()
    assert probe(warm)["answered"] is False
    assert warm.run_process().code == 0  # same content: the hashes say in sync
    old = 2_000_000_000
    os.utime(warm.root / "shopmodels.py", ns=(old, old))
    assert warm.run_process().code == 0
    assert probe(warm)["answered"] is True


@pytest.mark.parametrize("change", ["model", "setting", "output", "new lock file", "config arg"])
def test_every_change_is_seen(warm: Project, change: str) -> None:
    env: dict[str, str] = {}
    args: tuple[str, ...] = ()
    if change == "model":
        source = warm.read("shopmodels.py").replace("max_length=100", "max_length=101")
        warm.write("shopmodels.py", source)
    elif change == "setting":
        env["SCHEMA_SYNC_BACKUP_ENABLED"] = "false"
    elif change == "output":
        warm.output.write_text(warm.output.read_text() + "# edited\n")
    elif change == "new lock file":
        warm.write("requirements-dev.txt", "tortoise-orm\n")
    else:
        args = ("--config", str(warm.root / "pyproject.toml"))
    assert probe(warm, *args, env=env)["answered"] is False


def test_check_writes_no_record(project: Project) -> None:
    assert project.run("sync").code == 0  # sync records the in-sync state
    (project.root / ".schema_sync" / "quick").unlink()
    assert project.run("--check").code == 0
    assert not (project.root / ".schema_sync" / "quick").exists()


def test_same_root_and_names_as_the_settings_loader(tmp_path: Path) -> None:
    assert quick.ROOT_MARKERS == ROOT_MARKERS
    assert (quick.ENV_PREFIX, quick.STATE_DIR) == (config.ENV_PREFIX, config.STATE_DIR)
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert quick.find_root(str(nested)) == str(find_root(nested))
    (tmp_path / "a" / "setup.cfg").write_text("")
    assert quick.find_root(str(nested)) == str(find_root(nested)) == str(tmp_path / "a")
