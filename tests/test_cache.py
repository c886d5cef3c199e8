"""The fast path: an unchanged project is answered from .schema_sync/cache.json
without importing tortoise, pydantic or jinja2, and any change is seen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from conftest import Project

ENUMS = """
from enum import Enum


class Color(str, Enum):
    RED = "red"
    BLUE = "blue"
"""

MODELS = """
from tortoise import fields, models

from shopenums import Color


class Book(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    color = fields.CharEnumField(Color, default=Color.RED)
"""

PROBE = """
import json, sys
from schema_sync_hook.cli import main
code = main(sys.argv[1:])
heavy = sorted(m for m in ("tortoise", "pydantic", "jinja2") if m in sys.modules)
print(json.dumps({"code": code, "heavy": heavy}))
"""


@pytest.fixture
def cached(make_project) -> Project:  # type: ignore[no-untyped-def]
    project: Project = make_project(models=MODELS)
    project.write("shopenums.py", ENUMS)
    assert project.run("sync").code == 0
    assert project.run().code == 0  # an in-sync hook run writes the cache
    assert (project.root / ".schema_sync" / "cache.json").is_file()
    return project


def ran_generation(result: dict[str, object]) -> bool:
    """The slow path imports tortoise and jinja2 (pydantic too, with tortoise-orm 1.x)."""
    heavy = result["heavy"]
    assert isinstance(heavy, list)
    return {"jinja2", "tortoise"} <= set(heavy)


def probe(project: Project, *args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args, "--root", str(project.root)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_unchanged_project_skips_heavy_imports(cached: Project) -> None:
    assert probe(cached) == {"code": 0, "heavy": []}
    assert probe(cached, "--check") == {"code": 0, "heavy": []}
    assert ran_generation(probe(cached, "--no-cache"))


def test_cache_records_the_imported_project_files(cached: Project) -> None:
    data = json.loads((cached.root / ".schema_sync" / "cache.json").read_text())
    assert set(data["inputs"]) == {"shopmodels.py", "shopenums.py"}
    assert set(data["outputs"]) == {"api/schemas_generated.py"}


@pytest.mark.parametrize(
    ("what", "change"),
    [
        (
            "model file",
            lambda p: p.write(
                "shopmodels.py",
                MODELS
                + "\n\nclass Extra(models.Model):\n    id = fields.IntField(primary_key=True)\n",
            ),
        ),
        (
            "imported enum module",
            lambda p: p.write("shopenums.py", ENUMS + '    GREEN = "green"\n'),
        ),
        (
            "config",
            lambda p: p.write(
                "pyproject.toml", p.read("pyproject.toml") + 'sensitive_fields = ["*title*"]\n'
            ),
        ),
        ("generated file", lambda p: p.output.write_text(p.output.read_text() + "# edited\n")),
        ("generated file removed", lambda p: p.output.unlink()),
    ],
)
def test_every_input_change_is_seen(cached: Project, what: str, change) -> None:  # type: ignore[no-untyped-def]
    change(cached)
    result = probe(cached, "--check")
    assert result["code"] == 1, what
    assert ran_generation(result), what


def test_same_size_same_timestamp_edit_is_seen(cached: Project) -> None:
    """An edit right after caching that keeps size and mtime (a coarse-timestamp
    filesystem) is caught: recent files are always compared by content hash."""
    path = cached.root / "shopenums.py"
    stat = path.stat()
    path.write_text(path.read_text().replace('"blue"', '"bleu"'))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert probe(cached, "--check")["code"] == 1


def test_environment_setting_is_seen(cached: Project) -> None:
    result = probe(cached, "--check", env={"SCHEMA_SYNC_SENSITIVE_FIELDS": "*title*"})
    assert result["code"] == 1


def test_check_never_writes_the_cache(project: Project) -> None:
    project.run("sync")
    (project.root / ".schema_sync" / "cache.json").unlink()
    assert project.run("--check").code == 0
    assert not (project.root / ".schema_sync" / "cache.json").exists()


def test_sync_leaves_the_next_hook_run_answered_from_the_cache(make_project) -> None:  # type: ignore[no-untyped-def]
    project: Project = make_project(models=MODELS)
    project.write("shopenums.py", ENUMS)
    edited_earlier(project)
    assert project.run("sync").code == 0
    assert probe(project) == {"code": 0, "heavy": []}
    project.edit_model("max_length=200", "max_length=201")
    edited_earlier(project)
    assert project.run("sync").code == 0  # writes, and records the new state
    assert "max_length=201" in project.output.read_text()
    assert probe(project) == {"code": 0, "heavy": []}


def test_no_cache_flag_is_never_answered_from_cache(cached: Project) -> None:
    cached.output.write_text(cached.output.read_text().replace("DO NOT EDIT", "DO NOT edit"))
    os.utime(cached.output, ns=(0, 0))
    assert probe(cached, "--no-cache", "--check")["code"] == 1


def test_corrupt_cache_is_ignored(cached: Project) -> None:
    (cached.root / ".schema_sync" / "cache.json").write_text("{broken")
    result = probe(cached, "--check")
    assert result["code"] == 0 and ran_generation(result)


def edited_earlier(project: Project) -> None:
    """Date the model files 10 s back. A run records nothing when an input's mtime
    is not older than its own start (it cannot tell which came first), and an edit
    made a few milliseconds before the run can share its clock tick."""
    then = time.time() - 10
    for path in project.root.rglob("*"):
        if path.is_file() and ".schema_sync" not in path.parts:
            os.utime(path, (then, then))


def test_a_written_output_changed_before_the_record_is_not_recorded(
    make_project,  # type: ignore[no-untyped-def]
) -> None:
    """The lock is released when the state is recorded: an editor saving the file
    in between must not be recorded as what the run wrote."""
    from schema_sync_hook.fastpath import cache
    from schema_sync_hook.settings.sources import load_config

    project: Project = make_project(models=MODELS)
    project.write("shopenums.py", ENUMS)
    assert project.run("--no-cache", "sync").code == 0
    config = load_config(root=project.root)
    wrote = project.output.read_text()
    project.output.write_text(wrote + "# saved by an editor\n")
    edited_earlier(project)  # only the written file's content can refuse the record
    since = cache.clock(config)
    cache.store(
        config,
        [],
        ["api/schemas_generated.py"],
        since=since,
        written={"api/schemas_generated.py": wrote},
    )
    assert not (project.root / ".schema_sync" / "cache.json").exists()
    project.output.write_text(wrote)
    cache.store(
        config,
        [],
        ["api/schemas_generated.py"],
        since=since,
        written={"api/schemas_generated.py": wrote},
    )
    assert (project.root / ".schema_sync" / "cache.json").exists()


def test_code_changed_since_a_worker_imported_it_is_not_recorded(
    make_project,  # type: ignore[no-untyped-def]
) -> None:
    """A worker started ahead imported the tool and Tortoise before the request came;
    if either changed on disk since (an upgrade, an edited install), its run is not
    recorded as in sync."""
    from schema_sync_hook.fastpath import cache
    from schema_sync_hook.live import worker

    project: Project = make_project(models=MODELS)
    project.write("shopenums.py", ENUMS)
    edited_earlier(project)
    stale = {**cache.installed_code(), "tortoise": ["elsewhere", None]}
    report = worker.regenerate(worker.Request(project.root), stale)
    assert report.exit_code == 0 and project.output.is_file()
    assert not (project.root / ".schema_sync" / "cache.json").exists()
    report = worker.regenerate(worker.Request(project.root), cache.installed_code())
    assert (project.root / ".schema_sync" / "cache.json").exists()
