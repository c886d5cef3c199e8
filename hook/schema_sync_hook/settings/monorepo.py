"""A repository whose top holds no configuration: the subfolders that do, for the
error that names ``--root`` as the way out."""

from __future__ import annotations

import os
from pathlib import Path

_NOT_PROJECTS = frozenset({"node_modules", "__pycache__", "site-packages", "build", "dist"})


def configured_below(root: Path, depth: int = 3, limit: int = 2000) -> list[Path]:
    """Folders up to ``depth`` levels below ``root`` whose pyproject.toml or setup.cfg
    configures schema-sync (a monorepo run from its top): what ``--root`` should name.
    Hidden folders and virtualenvs are left out; at most ``limit`` folders are looked at."""
    found: list[Path] = []
    level, seen = [root], 0
    for _ in range(depth):
        deeper: list[Path] = []
        for folder in level:
            try:
                children = sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())
            except OSError:
                continue
            for child in children:
                if child.name.startswith(".") or child.name in _NOT_PROJECTS:
                    continue
                seen += 1
                if seen > limit:
                    return found
                if (child / "pyvenv.cfg").exists():
                    continue
                if configures(child):
                    found.append(child)
                else:
                    deeper.append(child)
        level = deeper
    return found


def configures(folder: Path) -> bool:
    """Whether ``folder`` holds a schema-sync configuration (its settings may be wrong)."""
    for name, marker in (("pyproject.toml", "[tool.schema-sync"), ("setup.cfg", "[schema-sync]")):
        try:
            if marker in (folder / name).read_text(encoding="utf-8", errors="replace"):
                return True
        except OSError:
            continue
    return False


def relative_root(path: Path, cwd: Path, root: Path) -> str:
    """``path`` as ``--root`` takes it from ``cwd``: relative when ``cwd`` is in ``root``."""
    cwd = cwd.resolve()
    if cwd == root or root in cwd.parents:
        return Path(os.path.relpath(path, cwd)).as_posix()
    return str(path)
