"""One set of golden files for every supported Python.

tox runs the whole suite on each supported interpreter (py310 ... py313). Here the
real console script, in a fresh process of the interpreter under test, regenerates
every golden project and the bundled example, and the bytes must equal the
committed files: a developer's hook on 3.10 and CI on 3.13 write the same file.
"""

from __future__ import annotations

import configparser
import difflib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_golden import CASES, DEFAULT_CONFIG

from conftest import GOLDEN, REPO, SHOP

PYTHON = "Python {}.{}".format(*sys.version_info[:2])


def _sync(root: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "schema_sync_hook", "sync", "-q", "--root", str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _assert_same_bytes(written: Path, committed: Path) -> None:
    ours, theirs = written.read_bytes(), committed.read_bytes()
    if ours == theirs:
        return
    diff = difflib.unified_diff(
        theirs.decode("utf-8", "replace").splitlines(keepends=True),
        ours.decode("utf-8", "replace").splitlines(keepends=True),
        fromfile=f"{committed.relative_to(REPO)} (committed)",
        tofile=f"generated on {PYTHON}",
    )
    pytest.fail(f"{PYTHON} writes other bytes than the committed file:\n" + "".join(diff))


@pytest.mark.parametrize("case", CASES)
def test_golden_bytes_on_this_interpreter(case: str, tmp_path: Path) -> None:
    root = tmp_path / case
    root.mkdir()
    shutil.copy(GOLDEN / case / "models.py", root / "goldmodels.py")
    config = GOLDEN / case / "pyproject.toml"
    (root / "pyproject.toml").write_bytes(
        config.read_bytes() if config.is_file() else DEFAULT_CONFIG.encode()
    )
    _sync(root)
    _assert_same_bytes(root / "schemas.py", GOLDEN / case / "expected.py")


def test_example_bytes_on_this_interpreter(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns("*.sqlite3*", ".schema_sync"))
    output = root / "src/api/schemas_generated.py"
    output.unlink()  # written from scratch, not left alone as "in sync"
    _sync(root)
    _assert_same_bytes(output, SHOP / "src/api/schemas_generated.py")


def _supported_by_metadata() -> list[str]:
    cfg = configparser.ConfigParser()
    cfg.read(REPO / "setup.cfg", encoding="utf-8")
    prefix = "Programming Language :: Python :: "
    return [
        line[len(prefix) :]
        for line in cfg["metadata"]["classifiers"].splitlines()
        if re.fullmatch(r"3\.\d+", line.removeprefix(prefix))
    ]


def test_supported_versions_agree() -> None:
    """setup.cfg's classifiers, tox's envlist and the README name the same versions."""
    versions = _supported_by_metadata()
    assert versions == ["3.10", "3.11", "3.12", "3.13"]
    cfg = configparser.ConfigParser()
    cfg.read(REPO / "tox.ini", encoding="utf-8")
    envs = re.findall(r"\bpy3(\d+)\b", cfg["tox"]["envlist"])
    assert [f"3.{minor}" for minor in envs] == versions
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"Python {versions[0]} to {versions[-1]}" in readme
