"""One regeneration in a fresh process, for the watcher and the start-up helper.

The parent sends a :class:`Request` as one JSON line on stdin
(``python -m schema_sync_hook.live.worker``); the worker runs a sync through the
same transaction as ``schema-sync-hook sync`` and prints the
:class:`~schema_sync_hook.report.outcome.Report` as one JSON line. A fresh process
imports the edited model code for real (no stale modules).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schema_sync_hook.plan.changes import Mode
from schema_sync_hook.report.outcome import Report


@dataclass(frozen=True)
class Request:
    root: Path
    config_file: Path | None = None
    defer_during_commit: bool = False  # the watcher: do not write while a commit runs

    def to_json(self) -> dict[str, Any]:
        return {
            "root": str(self.root),
            "config_file": None if self.config_file is None else str(self.config_file),
            "defer_during_commit": self.defer_during_commit,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Request:
        config_file = data.get("config_file")
        return cls(
            root=Path(data["root"]),
            config_file=None if config_file is None else Path(config_file),
            defer_during_commit=bool(data.get("defer_during_commit")),
        )


def regenerate(request: Request, code: Mapping[str, Any] | None = None) -> Report:
    """Run a sync for ``request`` in this process; ``code``: the installed code as
    :func:`~schema_sync_hook.fastpath.cache.installed_code` found it before the request came."""
    # imported here for start-up speed: a spare worker imports these while it waits (warm start)
    from schema_sync_hook.errors import UserError
    from schema_sync_hook.fastpath import cache
    from schema_sync_hook.live.gitstate import commit_in_progress
    from schema_sync_hook.pipeline.run import run
    from schema_sync_hook.settings.sources import load_config

    try:
        config = load_config(root=request.root, config_file=request.config_file)
        hold = (lambda: commit_in_progress(config.root)) if request.defer_during_commit else None
        since = cache.clock(config)  # before the models import
        project, report = run(config, Mode.SYNC, hold=hold)
        cache.store_run(config, project, report, since, code)
    except UserError as exc:
        return Report.failed(Mode.SYNC, str(exc))
    return report


def run_in_subprocess(request: Request, timeout: float = 300) -> Report:
    """Run :func:`regenerate` in a fresh interpreter and return its report."""
    return _exchange(_start(warm=False), request, timeout)


# What every regeneration imports besides the project's own code: a spare worker
# imports these ahead (about 0.2 s), never a module of the project.
WARM_MODULES = (
    "schema_sync_hook.settings.sources",
    "schema_sync_hook.live.gitstate",
    "schema_sync_hook.pipeline.run",
    "schema_sync_hook.pipeline.generate",
    "schema_sync_hook.load.models",
    "schema_sync_hook.apply.transaction",
    "tortoise.fields",
    "tortoise.models",
    "pydantic",
)


class Workers:
    """Worker processes for the watcher, one spare kept ready.

    After each regeneration the next worker starts at once and imports
    :data:`WARM_MODULES` while the watcher waits for a save; the regeneration that
    follows pays only for the project's own modules. Each worker still serves one
    request, so every regeneration imports the edited model code afresh.
    """

    def __init__(self) -> None:
        self._spare: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()
        self._closed = False

    def run(self, request: Request, timeout: float = 300, keep_spare: bool = True) -> Report:
        with self._lock:
            proc, self._spare = self._spare, None
        if proc is None or proc.poll() is not None:
            proc = _start(warm=False)
        report = _exchange(proc, request, timeout)
        with self._lock:
            if keep_spare and not self._closed:
                with contextlib.suppress(OSError):  # no spare: the next run starts one
                    self._spare = _start(warm=True)
        return report

    def close(self) -> None:
        """Stop the spare worker (it has read nothing and written nothing)."""
        with self._lock:
            proc, self._spare = self._spare, None
            self._closed = True
        if proc is not None:
            proc.kill()
            proc.communicate()


def _start(warm: bool) -> subprocess.Popen[str]:
    env = dict(os.environ)
    package_parent = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, env.get("PYTHONPATH")]))
    return subprocess.Popen(
        [sys.executable, "-m", "schema_sync_hook.live.worker", *(["--warm"] if warm else [])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _exchange(proc: subprocess.Popen[str], request: Request, timeout: float) -> Report:
    """Send ``request`` to a started worker and read its report."""
    try:
        stdout, stderr = proc.communicate(json.dumps(request.to_json()) + "\n", timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return Report.failed(Mode.SYNC, f"regeneration took longer than {timeout:.0f}s")
    except BaseException:  # Ctrl-C in the parent: the worker does not outlive it
        proc.kill()
        proc.wait()
        raise
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            try:
                return Report.from_json(json.loads(line))
            except (ValueError, KeyError, TypeError):
                break
    tail = (stderr.strip().splitlines() or ["no output"])[-1]
    return Report.failed(Mode.SYNC, f"regeneration failed (exit {proc.returncode}): {tail}")


def main() -> int:
    code = None
    if "--warm" in sys.argv[1:]:
        # A spare waits in the watcher's process group: a Ctrl-C meant for the
        # application must not end it before its last regeneration (``flush``).
        # It ends when the watcher closes it, or at end of input.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for name in WARM_MODULES:
            importlib.import_module(name)
        from schema_sync_hook.render.files import template

        template()  # jinja2 and the tool's own template, compiled
        from schema_sync_hook.fastpath.cache import installed_code

        code = installed_code()
    line = sys.stdin.readline()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if not line:
        return 0  # the watcher stopped before it needed this worker
    try:
        report = regenerate(Request.from_json(json.loads(line)), code)
    except Exception as exc:  # reported to the parent, which keeps running
        report = Report.failed(
            Mode.SYNC, f"internal error: {type(exc).__name__}: {exc}", internal=True
        )
    print(json.dumps(report.to_json()), flush=True)
    return int(report.exit_code)


if __name__ == "__main__":
    raise SystemExit(main())
