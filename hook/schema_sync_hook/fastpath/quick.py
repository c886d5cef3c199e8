"""The console script's first stop: answer an unchanged project before importing anything.

A pre-commit hook run on a commit that touched no model is the common case, so the
entry point starts here, with only ``os`` and ``sys`` loaded. For a plain hook or
``--check`` run (``--root``, ``--config``, ``-q``, ``--no-color``, ``--format text``
allowed) it reads ``.schema_sync/quick``, written by :mod:`schema_sync_hook.fastpath.cache`
after an in-sync run: a key of everything that is not a project file (tool, Python,
Tortoise, root, ``--config``, ``SCHEMA_SYNC_*`` variables, the root folder's
listing) and the size and mtime of every input and output file. When all are equal
it exits 0 silently; anything else (other arguments, a different stat, no record)
hands over to :mod:`schema_sync_hook.cli`, which reads settings, compares content
hashes and regenerates as needed. So settings are parsed and hashes computed only
when a stat says something may have changed.
"""

from __future__ import annotations

import os
import sys

from schema_sync_hook import __version__

TYPE_CHECKING = False  # typing and collections.abc cost more than this module's work
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

QUICK_FILE = "quick"
HEADER = "schema-sync-hook quick 1"
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", ".git")
ENV_PREFIX = "SCHEMA_SYNC_"
STATE_DIR = ".schema_sync"
_FLAGS = {"--check", "-q", "--quiet", "--no-color"}
_VALUED = {"--root", "--config", "--format"}


def answer(argv: Sequence[str]) -> bool:
    """Whether this run is proven in sync by the quick record alone."""
    options = _parse(argv)
    if options is None or options.get("--format", "text") != "text":
        return False
    config = options.get("--config")
    if "--root" in options:
        root = os.path.realpath(options["--root"])
    else:
        start = os.path.dirname(os.path.abspath(config)) if config else os.getcwd()
        root = find_root(start)
    config_file = os.path.realpath(config) if config else None
    try:
        with open(os.path.join(root, STATE_DIR, QUICK_FILE), encoding="utf-8") as fh:
            lines = fh.read().split("\n")
    except (OSError, UnicodeDecodeError):
        return False
    if len(lines) < 3 or lines[0] != HEADER or lines[1] != key(root, config_file):
        return False
    return all(_same(root, line) for line in lines[2:] if line)


def _parse(argv: Sequence[str]) -> dict[str, str] | None:
    """The few options a hook or --check run takes; None for anything else."""
    options: dict[str, str] = {}
    items = iter(argv)
    for item in items:
        name, equals, value = item.partition("=")
        if item in _FLAGS:
            options[item] = ""
        elif name in _VALUED and equals:
            options[name] = value
        elif item in _VALUED:
            following = next(items, None)
            if following is None:
                return None
            options[item] = following
        else:
            return None
    return options


def find_root(start: str) -> str:
    """The nearest folder upward from ``start`` holding a root marker (as the settings
    loader finds it)."""
    start = os.path.realpath(start)
    folder = start
    while True:
        if any(os.path.exists(os.path.join(folder, m)) for m in ROOT_MARKERS):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return start
        folder = parent


def _stat(path: str) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return "-"
    return f"{st.st_size}:{st.st_mtime_ns}"


def _same(root: str, line: str) -> bool:
    recorded, _, relative = line.partition(" ")
    return recorded == _stat(os.path.join(root, relative))


def own_files() -> list[tuple[str, str]]:
    """The tool's own source and templates, at any depth of the package: (relative, path)."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    found = []
    for folder, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in names:
            if name.endswith((".py", ".j2")):
                path = os.path.join(folder, name)
                found.append((os.path.relpath(path, package).replace(os.sep, "/"), path))
    return sorted(found)


def key(root: str, config_file: str | None) -> str:
    """Everything besides the recorded files that decides the output, on one line."""
    from importlib.util import find_spec

    spec = find_spec("tortoise")
    origin = spec.origin if spec is not None and spec.origin else ""
    env = sorted((k, v) for k, v in os.environ.items() if k.startswith(ENV_PREFIX))
    parts = [
        __version__,
        "{}.{}".format(*sys.version_info[:2]),
        root,
        _stat(root),  # a new requirements*.txt (an input by pattern) changes the listing
        config_file or "",
        f"{origin}={_stat(origin)}" if origin else "",
        *(f"{relative}={_stat(path)}" for relative, path in own_files()),
        *(f"{k}={v}" for k, v in env),
    ]
    return repr(parts)


def write(root: str, config_file: str | None, files: Iterable[str]) -> None:
    """Record the key and the stat of each file (relative to root, or absolute)."""
    import time

    # A file changed within the timestamp granularity of this moment could change
    # again keeping its size and mtime: record it as never matching, so the full
    # check (content hashes) decides and then records it again.
    recent = time.time_ns() - 2_000_000_000
    lines = [HEADER, key(root, config_file)]
    for relative in sorted(set(files)):
        if "\n" in relative:
            return  # not representable on a line: no quick record, the full check decides
        stat = _stat(os.path.join(root, relative))
        if stat != "-" and int(stat.split(":")[1]) > recent:
            stat = "?"
        lines.append(f"{stat} {relative}")
    if int(_stat(root).split(":")[1]) > recent:
        lines[1] = "?"  # the root's listing itself is recent
    state = os.path.join(root, STATE_DIR)
    temporary = os.path.join(state, f".{QUICK_FILE}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        os.replace(temporary, os.path.join(state, QUICK_FILE))
    except OSError:
        if os.path.exists(temporary):
            os.unlink(temporary)
