"""One list of input files feeds the cache, the watcher and the hooks' ``files``
pattern; ``{app}`` is resolved in one place that keeps every path inside the root."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from schema_sync_hook.fastpath import cache
from schema_sync_hook.live.watcher import Watcher
from schema_sync_hook.settings.schema import CONFIG_FILES, LOCK_FILES, hook_files_pattern
from schema_sync_hook.settings.sources import load_config

from conftest import REPO, Project

PLAIN_MODEL = """
from tortoise import fields, models


class Tag(models.Model):
    id = fields.IntField(primary_key=True)
"""

# Every input, with a concrete name for each pattern of the list.
INPUTS = [*CONFIG_FILES, *(p.replace("*", "-dev") for p in LOCK_FILES), "requirements.txt"]


def test_the_list_is_the_contract() -> None:
    assert set(CONFIG_FILES) == {"pyproject.toml", "setup.cfg", ".env", "ruff.toml", ".ruff.toml"}
    assert set(LOCK_FILES) == {"uv.lock", "poetry.lock", "Pipfile.lock", "requirements*.txt"}


@pytest.mark.parametrize("hook", ["schema-sync", "schema-sync-check"])
def test_hook_files_pattern_matches_every_input(hook: str) -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    pattern = hooks[hook]["files"]
    assert pattern == hook_files_pattern()
    matches = re.compile(pattern).search  # pre-commit uses re.search on the path
    for name in [*INPUTS, "src/app/models.py", "sub/pyproject.toml", "schema-sync.toml"]:
        assert matches(name), name
    for name in ["README.md", "docs/requirements/x.txt", "app.pyc", "x.env.example"]:
        assert not matches(name), name


@pytest.mark.parametrize("name", INPUTS)
def test_cache_and_watcher_see_every_input(project: Project, name: str) -> None:
    assert project.run("sync").code == 0
    assert project.run().code == 0  # an in-sync hook run writes the cache
    config = load_config(root=project.root)
    assert cache.fresh(config)
    text = "# a comment\n" if name != ".env" else "OTHER=1\n"
    project.write(name, (project.read(name) if (project.root / name).exists() else "") + text)
    assert not cache.fresh(load_config(root=project.root)), name
    assert Watcher(config).relevant(str(project.root / name)), name


def test_config_file_given_with_config_is_an_input(project: Project) -> None:
    project.write("tools/schema.toml", project.read("pyproject.toml"))
    config = load_config(root=project.root, config_file=project.root / "tools/schema.toml")
    assert config.config_file == project.root / "tools/schema.toml"
    assert Watcher(config).relevant(str(project.root / "tools/schema.toml"))
    assert not Watcher(config).relevant(str(project.root / "tools/other.toml"))


@pytest.mark.parametrize("label", ["../../x", "/tmp/x", "a/b", ".."])
def test_app_label_cannot_put_output_outside_the_root(
    make_project, tmp_path: Path, label: str
) -> None:  # type: ignore[no-untyped-def]
    project: Project = make_project(
        models=PLAIN_MODEL,
        config='tortoise_config = "settings.TORTOISE_ORM"\noutput = "{app}_schemas.py"\n',
    )
    project.write(
        "settings.py",
        'TORTOISE_ORM = {"connections": {"default": "sqlite://:memory:"},'
        f' "apps": {{{label!r}: {{"models": ["shopmodels"]}}}}}}\n',
    )
    outside = sorted(p for p in tmp_path.rglob("*_schemas.py"))
    before = project.snapshot()
    result = project.run("sync")
    assert result.code == 2
    [line] = result.err.splitlines()
    assert f"app label {label!r} is not a plain name" in line
    assert project.snapshot() == before
    assert sorted(p for p in tmp_path.rglob("*_schemas.py")) == outside
    assert not Path("/tmp/x_schemas.py").exists()
