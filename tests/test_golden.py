"""Golden files: generated source compared byte for byte, then proven to run.

Each folder under tests/golden holds ``models.py`` (imported as ``goldmodels``),
optionally a ``pyproject.toml``, and ``expected.py``. Set UPDATE_GOLDEN=1 to
rewrite the expected files after an intended change, and review the diff.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import tortoise

from conftest import GOLDEN, SHOP, Result

TORTOISE_1 = int(tortoise.__version__.split(".")[0]) >= 1
# Cases that need a feature of tortoise-orm 1.x (0.25 ignores db_default silently).
NEEDS_TORTOISE_1 = {"db_default"}
CASES = sorted(
    p.name
    for p in GOLDEN.iterdir()
    if (p / "models.py").is_file() and (TORTOISE_1 or p.name not in NEEDS_TORTOISE_1)
)
DEFAULT_CONFIG = '[tool.schema-sync]\nmodels = ["goldmodels"]\noutput = "schemas.py"\n'


def generate_case(case: str, root: Path, run_cli: Callable[..., Result]) -> str:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(GOLDEN / case / "models.py", root / "goldmodels.py")
    config = GOLDEN / case / "pyproject.toml"
    (root / "pyproject.toml").write_text(
        config.read_text() if config.is_file() else DEFAULT_CONFIG, encoding="utf-8"
    )
    result = run_cli("sync", "--root", str(root))
    assert result.code == 0, result.err
    return (root / "schemas.py").read_text(encoding="utf-8")


@pytest.fixture
def imported(tmp_path: Path) -> Iterator[Callable[[Path, str], object]]:
    """Import a module from a folder, and forget it afterwards."""
    added: list[str] = []

    def load(folder: Path, name: str) -> object:
        sys.path.insert(0, str(folder))
        added.append(str(folder))
        for mod in ("goldmodels", name):
            sys.modules.pop(mod, None)
        return importlib.import_module(name)

    yield load
    for entry in added:
        sys.path.remove(entry)
    for mod in ("goldmodels", "schemas"):
        sys.modules.pop(mod, None)


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, tmp_path: Path, run_cli: Callable[..., Result], imported) -> None:
    text = generate_case(case, tmp_path / case, run_cli)
    expected = GOLDEN / case / "expected.py"
    if os.environ.get("UPDATE_GOLDEN"):
        expected.write_text(text, encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8")
    assert text.endswith("\n") and not text.endswith("\n\n") and "\r" not in text
    module = imported(tmp_path / case, "schemas")
    from pydantic import BaseModel

    suffixes = ("Create", "Update", "Response", "Detail")
    classes = [v for k, v in vars(module).items() if k.endswith(suffixes)]
    assert classes and all(issubclass(c, BaseModel) for c in classes)
    for cls in classes:
        cls.model_json_schema()  # every schema is complete and usable


def _tool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_goldens_are_formatted_and_lint_clean(tmp_path: Path, run_cli) -> None:
    """ruff format, black, ruff check and mypy --strict leave every golden as it is."""
    roots = []
    for case in CASES:
        root = tmp_path / case
        generate_case(case, root, run_cli)
        roots.append(root)
    for root in roots:
        line_length = "100" if (GOLDEN / root.name / "pyproject.toml").is_file() else "88"
        black = _tool("black", "--check", "--quiet", "-l", line_length, "schemas.py", cwd=root)
        assert black.returncode == 0, (root.name, black.stderr)
        fmt = _tool(
            "ruff", "format", "--check", "--line-length", line_length, "schemas.py", cwd=root
        )
        assert fmt.returncode == 0, (root.name, fmt.stdout + fmt.stderr)
        check = _tool(
            "ruff", "check", "--isolated", "--line-length", line_length, "schemas.py", cwd=root
        )
        assert check.returncode == 0, (root.name, check.stdout)
        mypy = _tool("mypy", "--strict", "--follow-imports=silent", "schemas.py", cwd=root)
        assert mypy.returncode == 0, (root.name, mypy.stdout)


def test_shop_example_is_in_sync(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    """The committed example file is exactly what the tool generates."""
    shutil.copytree(
        SHOP, tmp_path / "shop", ignore=shutil.ignore_patterns("*.sqlite3*", ".schema_sync")
    )
    root = tmp_path / "shop"
    result = run_cli("--check", "--root", str(root))
    assert result.code == 0, result.out
    text = (root / "src/api/schemas_generated.py").read_text()
    schemas = re.findall(r"^class \w+(?:Create|Update|Response|Detail)\(\w+\):", text, re.M)
    assert len(schemas) == 60  # 15 models x Create, Update, Response, Detail


def test_shop_example_formatted(tmp_path: Path) -> None:
    for args in (("black", "--check", "--quiet"), ("ruff", "format", "--check")):
        proc = _tool(*args, "src/api/schemas_generated.py", cwd=SHOP)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = _tool("ruff", "check", "--isolated", "src/api/schemas_generated.py", cwd=SHOP)
    assert proc.returncode == 0, proc.stdout


def test_seed_entry_points_in_the_example(tmp_path: Path) -> None:
    """The seed's commands: python -m src.cli.schema_sync_cli ..., python test_schema_sync.py."""
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns("*.sqlite3*", ".schema_sync"))
    status = _tool("src.cli.schema_sync_cli", "status", cwd=root)
    assert status.returncode == 0, status.stderr
    assert "SCHEMA SYNC STATUS" in status.stdout and "Models Found: 15" in status.stdout
    dry = _tool("src.cli.schema_sync_cli", "sync", "--dry-run", cwd=root)
    assert dry.returncode == 0 and "is in sync (15 models)" in dry.stdout
    smoke = subprocess.run(
        [sys.executable, "test_schema_sync.py"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert smoke.returncode == 0, smoke.stdout
    assert "Overall: ✓ ALL TESTS PASSED" in smoke.stdout
