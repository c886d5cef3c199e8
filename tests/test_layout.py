"""The package is laid out as its pipeline: each stage imports only the stages below it
(at module level and inside functions), and no module or function outgrows one job."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "hook" / "schema_sync_hook"

# Bottom to top. A module may import its own stage and any stage on an earlier line.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "console", "collector", "git", "processes", "__init__"),
    ("settings", "missing"),
    ("describe",),
    ("load", "render"),
    ("plan",),
    ("apply", "gate"),
    ("report",),
    ("pipeline", "fastpath"),
    ("live", "adopt"),
    ("commands", "startup"),
    ("cli",),
    ("entry", "__main__"),
)
RANK = {name: level for level, names in enumerate(LAYERS) for name in names}


def _stage(parts: tuple[str, ...]) -> str:
    return parts[0].removesuffix(".py")


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _own_imports(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "schema_sync_hook":
                found += [(node.lineno, alias.name) for alias in node.names]
            elif node.module.startswith("schema_sync_hook."):
                found.append((node.lineno, node.module.split(".")[1]))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("schema_sync_hook."):
                    found.append((node.lineno, alias.name.split(".")[1]))
    return found


def test_every_module_belongs_to_a_known_stage() -> None:
    stages = {_stage(p.relative_to(PACKAGE).parts) for p in _modules()}
    assert stages <= set(RANK), sorted(stages - set(RANK))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_imports_run_only_down(path: Path) -> None:
    stage = _stage(path.relative_to(PACKAGE).parts)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    upward = [
        f"line {line}: {stage} imports {target}"
        for line, target in _own_imports(tree)
        if target in RANK and RANK[target] > RANK[stage]
    ]
    assert not upward


def test_stage_packages_say_their_job_and_what_they_may_import() -> None:
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "May import" in doc, init


def test_no_module_over_400_lines_and_no_function_over_60() -> None:
    too_long = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > 400:
            too_long.append(f"{path.name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 60:
                    too_long.append(f"{path.name}:{node.name}: {length} lines")
    assert not too_long
