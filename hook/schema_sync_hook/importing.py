"""Importing project code: root and python_path first on sys.path, forgotten after.

Used by introspection and ``validate``. On exit, every module imported from the
project is dropped from ``sys.modules`` and ``sys.path`` is restored, so a later
run in the same process (a test, an application) imports the code afresh.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path


@contextlib.contextmanager
def project_imports(root: Path, python_path: Sequence[str]) -> Iterator[Callable[[], set[str]]]:
    """Yield a function listing the project files imported so far (relative POSIX paths)."""
    saved_path = list(sys.path)
    before = set(sys.modules)
    entries = [str((root / p).resolve()) for p in python_path]
    for entry in reversed([str(root), *entries]):
        if entry in sys.path:
            sys.path.remove(entry)
        sys.path.insert(0, entry)
    importlib.invalidate_caches()

    inside = str(root) + os.sep
    # A virtualenv inside the project holds installed packages, not project code.
    installed = tuple(
        {os.path.realpath(p) + os.sep for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    )

    def in_project(module: object) -> Path | None:
        # sys.path holds the resolved root, so a plain prefix test suffices (and is
        # cheap: it runs for every loaded module).
        file = getattr(module, "__file__", None)
        if not isinstance(file, str) or not file.startswith(inside):
            return None
        if file.startswith(installed) or "site-packages" in file or "dist-packages" in file:
            return None
        return Path(file)

    def project_files() -> set[str]:
        found = set()
        for module in list(sys.modules.values()):
            path = in_project(module)
            if path is not None and ".schema_sync" not in path.parts:
                found.add(path.relative_to(root).as_posix())
        return found

    try:
        yield project_files
    finally:
        sys.path[:] = saved_path
        for name in set(sys.modules) - before:
            if in_project(sys.modules[name]) is not None:
                del sys.modules[name]
