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
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from types import ModuleType

# Inside ``keeping_imports``: the modules the last project scope forgot, by name.
_kept: ContextVar[dict[str, ModuleType] | None] = ContextVar("kept_imports", default=None)


@contextlib.contextmanager
def keeping_imports() -> Iterator[Mapping[str, ModuleType]]:
    """Keep the modules each project scope inside forgets (the last scope's), so that
    a later scope can be given them again (``reuse``) rather than run them twice."""
    kept: dict[str, ModuleType] = {}
    token = _kept.set(kept)
    try:
        yield kept
    finally:
        _kept.reset(token)


@contextlib.contextmanager
def project_imports(
    root: Path, python_path: Sequence[str], reuse: Mapping[str, ModuleType] | None = None
) -> Iterator[Callable[[], set[str]]]:
    """Yield a function listing the user's files imported so far (POSIX paths).
    ``reuse``: modules (of ``keeping_imports``) served again, not imported afresh."""
    saved_path = list(sys.path)
    before = set(sys.modules)
    entries = _put_on_path(root, python_path)
    sys.modules.update({k: v for k, v in (reuse or {}).items() if k not in sys.modules})
    inside = str(root) + os.sep
    folders = tuple(dict.fromkeys(entry + os.sep for entry in [str(root), *entries]))
    libraries = _library_folders()

    def user_file(module: object) -> str | None:
        """The file of a module that is the user's code (wherever it lives), not the
        standard library nor an installed distribution nor this tool."""
        # a plain prefix test is cheap: it runs for every loaded module
        file = getattr(module, "__file__", None)
        if not isinstance(file, str) or not os.path.isabs(file):
            return None
        if file.startswith(libraries) or "site-packages" in file or "dist-packages" in file:
            return None
        return file

    def project_files() -> set[str]:
        """Every user file imported: relative to the root inside it, absolute outside."""
        found = set()
        for name, module in list(sys.modules.items()):
            file = user_file(module)
            if file is None:
                continue
            path = Path(file)
            if file.startswith(inside):
                if ".schema_sync" not in path.parts:
                    found.add(path.relative_to(root).as_posix())
            elif name not in before or file.startswith(folders):
                # outside the root: what the models imported (the caller's own
                # modules, imported before, are not inputs)
                found.add(path.as_posix())
        return found

    def forget(module: object) -> bool:
        file = user_file(module)
        if file is not None:
            return file.startswith(folders)
        if getattr(module, "__file__", None) is not None:
            return False
        # a namespace package (a folder without __init__.py): its folders tell
        try:
            spots = [str(spot) for spot in getattr(module, "__path__", None) or ()]
        except Exception:  # a broken parent: not ours to judge
            return False
        return bool(spots) and all(spot.startswith(folders) for spot in spots)

    try:
        yield project_files
    finally:
        sys.path[:] = saved_path
        _forget(before, forget)


def _forget(before: set[str], forget: Callable[[object], bool]) -> None:
    """Drop the project's modules imported since ``before`` (kept when asked to)."""
    # decide for every module first: a namespace package's path is computed
    # from its parent's, which must still be loaded
    ours = [name for name in set(sys.modules) - before if forget(sys.modules[name])]
    kept = _kept.get()
    if kept is not None:
        kept.clear()
        kept.update((name, sys.modules[name]) for name in ours)
    for name in ours:
        del sys.modules[name]


def _put_on_path(root: Path, python_path: Sequence[str]) -> list[str]:
    """Put the root and ``python_path`` first on ``sys.path``; the resolved entries."""
    entries = [str((root / p).resolve()) for p in python_path]
    for entry in reversed([str(root), *entries]):
        if entry in sys.path:
            sys.path.remove(entry)
        sys.path.insert(0, entry)
    importlib.invalidate_caches()
    return entries


def _library_folders() -> tuple[str, ...]:
    """Folders of the standard library, installed distributions and this tool."""
    import site
    import sysconfig

    kinds = ("stdlib", "platstdlib", "purelib", "platlib", "scripts")
    folders = {sysconfig.get_path(kind) for kind in kinds}
    folders.update(site.getsitepackages())
    folders.add(site.getusersitepackages())
    folders.add(str(Path(__file__).resolve().parents[1]))  # the whole package
    found = set()
    for folder in filter(None, folders):
        found.update({folder + os.sep, os.path.realpath(folder) + os.sep})
    return tuple(sorted(found))
