"""The fast path: answer "in sync" without importing tortoise, pydantic or jinja2.

After a run that ended in sync (a hook run that found it so; ``sync`` and the
watcher's and start-up's regenerations, which made it so), the inputs that decided the
output are recorded in ``.schema_sync/cache.json``: every file of the user's
code imported while generating (not the standard library nor an installed
distribution; also outside the root, through ``python_path``), the config files
and ``SCHEMA_SYNC_*`` variables, the tool and Tortoise versions, and the
generated files themselves. The next hook or
``--check`` run is answered from the cache only when all of them are unchanged.
A file's size and mtime decide quickly; when they differ its content hash does.

A run that may store takes the filesystem's time (:func:`clock`) before the
models import; an input or output not written by the run whose mtime is not
older than that changed while the run generated (the output came from the older
source), so nothing is stored and the next run generates.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from schema_sync_hook import __version__
from schema_sync_hook.apply.files import atomic_write, ensure_state_dir, sha256
from schema_sync_hook.errors import UserError
from schema_sync_hook.fastpath import quick
from schema_sync_hook.fastpath.quick import own_files
from schema_sync_hook.settings.schema import ENV_PREFIX, Config, input_patterns

if TYPE_CHECKING:  # not imported at run time: the fast path stays light
    from schema_sync_hook.describe.spec import ProjectSpec
    from schema_sync_hook.report.outcome import Report

CACHE_FILE = "cache.json"
FORMAT = 1


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _hash(path: Path) -> str | None:

    try:
        return sha256(path.read_bytes().replace(b"\r\n", b"\n"))
    except OSError:
        return None


def _record(root: Path, relative: Iterable[str]) -> dict[str, list[Any]]:
    records: dict[str, list[Any]] = {}
    for rel in sorted(set(relative)):
        path = root / rel
        stat = _stat(path)
        if stat is None:
            records[rel] = [None, None, None]
            continue
        # A file changed within the filesystem's timestamp granularity of this
        # moment could keep its mtime: record no mtime so its hash decides.
        racy = time.time_ns() - stat[1] < 2_000_000_000
        records[rel] = [stat[0], -1 if racy else stat[1], _hash(path)]
    return records


def _unchanged(root: Path, records: Mapping[str, Any]) -> bool:
    for rel, (size, mtime, digest) in records.items():
        path = root / rel
        stat = _stat(path)
        if stat is None:
            if digest is not None:
                return False
            continue
        if digest is None:
            return False
        if [stat[0], stat[1]] != [size, mtime] and _hash(path) != digest:
            return False
    return True


def _own_files() -> list[Any]:
    """The tool's own source: an edited install must not answer from an old cache."""
    return [[relative, _stat(Path(path))] for relative, path in own_files()]


def installed_code() -> dict[str, Any]:
    """The installed code that shapes the output: the tool's and Tortoise's."""
    spec = importlib.util.find_spec("tortoise")
    origin = spec.origin if spec is not None and spec.origin else ""
    return {
        "tool": [__version__, _own_files()],
        "tortoise": [origin, _stat(Path(origin)) if origin else None],
    }


def _context(config: Config) -> dict[str, Any]:
    """What is not a file in the project but still shapes the output."""
    env = {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX)}
    return {
        "format": FORMAT,
        **installed_code(),
        "python": sys.version_info[:2],
        "root": str(config.root),
        "settings": repr(config.settings),
        "style": repr(config.style),  # the formatter settings the file is laid out for
        "env": sorted(env.items()),
        "config_files": [str(p) for p in config.files_read],
        "pattern_inputs": _pattern_inputs(config),  # a new requirements-x.txt counts
    }


def _pattern_inputs(config: Config) -> list[str]:
    found = []
    for pattern in input_patterns(config.config_file, config.root):
        if "*" in pattern:
            found += sorted(p.name for p in config.root.glob(pattern))
    return found


def _config_relatives(config: Config) -> list[str]:
    names = [
        p.relative_to(config.root).as_posix()
        for p in config.files_read
        if p.is_relative_to(config.root)
    ]
    names += [p for p in input_patterns(config.config_file, config.root) if "*" not in p]
    return names + _pattern_inputs(config)


def fresh(config: Config, refresh_quick: bool = False) -> bool:
    """Whether the last in-sync run's inputs and outputs are all unchanged."""
    try:
        data = json.loads((config.state_dir / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(data, dict) or data.get("context") != json.loads(
        json.dumps(_context(config))
    ):
        return False
    try:
        same = all(_unchanged(config.root, data[key]) for key in ("inputs", "config", "outputs"))
    except (KeyError, TypeError, ValueError):
        return False
    if same and refresh_quick:
        _write_quick(config, data)  # the stats are current again: the next run is quick
    return same


def _write_quick(config: Config, data: Mapping[str, Any]) -> None:
    """The record :mod:`~schema_sync_hook.fastpath.quick` reads before anything is imported."""
    files = [rel for part in ("inputs", "config", "outputs") for rel in data[part]]
    config_file = None if config.config_file is None else str(config.config_file)
    if config_file is not None:
        files.append(config_file)  # also when it lies outside the root
    quick.write(str(config.root), config_file, files)


def clock(config: Config) -> int | None:
    """The filesystem's time now: the mtime of a new file in the state folder.

    Taken before the models import, in the same clock and granularity as the
    mtimes of the files the run then reads. None when it cannot be taken.
    """
    import tempfile

    try:
        ensure_state_dir(config.state_dir)
        fd, name = tempfile.mkstemp(dir=config.state_dir, prefix="clock-")
        try:
            return os.fstat(fd).st_mtime_ns
        finally:
            os.close(fd)
            os.unlink(name)
    except (OSError, UserError):
        return None


def store(
    config: Config,
    imported: Iterable[str],
    outputs: Iterable[str],
    *,
    since: int | None,
    written: Mapping[str, str] | None = None,
) -> None:
    """Record the run's inputs and outputs, unless one changed after ``since``.

    ``written``: the text this run wrote to each output it wrote; the file must
    still hold it (the lock is released by now, so an editor may have saved it).
    """
    if since is None:
        return
    written = written or {}
    data = {
        "context": _context(config),
        "inputs": _record(config.root, imported),
        "config": _record(config.root, _config_relatives(config)),
        "outputs": _record(config.root, outputs),
    }
    untouched = [*data["inputs"], *data["config"], *(set(data["outputs"]) - set(written))]
    if any(since <= ((_stat(config.root / rel) or (0, -1))[1]) for rel in untouched):
        return  # edited while the run generated: its output may be from the older text
    for rel, text in written.items():
        wrote = text.encode("utf-8", "surrogateescape").replace(b"\r\n", b"\n")
        if data["outputs"].get(rel, [None] * 3)[2] != sha256(wrote):
            return  # changed since this run wrote it
    ensure_state_dir(config.state_dir)
    atomic_write(config.state_dir / CACHE_FILE, json.dumps(data, indent=1, sort_keys=True) + "\n")
    _write_quick(config, data)


def store_run(
    config: Config,
    project: ProjectSpec,
    report: Report,
    since: int | None,
    code: Mapping[str, Any] | None = None,
) -> None:
    """Record a run that ended in sync (found so, or written so), for the next run.

    ``code``: :func:`installed_code` when the process imported it, if that was
    before the run (a worker started ahead); nothing is recorded if it has changed
    since. The record only saves time: a failure to write it is not the run's.
    """
    if report.exit_code != 0 or report.deferred:
        return
    if code is not None and code != installed_code():
        return  # generated by the code imported before an upgrade or an edit
    outputs = [r.path for r in report.results]
    written = {r.path: r.new for r in report.results if r.written and r.new is not None}
    if len(written) != sum(r.written for r in report.results):
        return  # a written text is not known: the state cannot be checked
    with contextlib.suppress(OSError, UserError):
        store(config, project.imported_files, outputs, since=since, written=written)
