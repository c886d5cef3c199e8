"""One regeneration in a fresh process, for the watcher and the start-up helper.

The parent sends a :class:`Request` as one JSON line on stdin
(``python -m schema_sync_hook.worker``); the worker runs a sync through the
same transaction as ``schema-sync-hook sync`` and prints the
:class:`~schema_sync_hook.report.Report` as one JSON line. A fresh process
imports the edited model code for real (no stale modules).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schema_sync_hook.plan import Mode
from schema_sync_hook.report import Report


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


def regenerate(request: Request) -> Report:
    """Run a sync for ``request`` in this process."""
    from schema_sync_hook.config_sources import load_config
    from schema_sync_hook.errors import UserError
    from schema_sync_hook.gitstate import commit_in_progress
    from schema_sync_hook.sync import run

    try:
        config = load_config(root=request.root, config_file=request.config_file)
        hold = (lambda: commit_in_progress(config.root)) if request.defer_during_commit else None
        _project, report = run(config, Mode.SYNC, hold=hold)
    except UserError as exc:
        return Report.failed(Mode.SYNC, str(exc))
    return report


def run_in_subprocess(request: Request, timeout: float = 300) -> Report:
    """Run :func:`regenerate` in a fresh interpreter and return its report."""
    env = dict(os.environ)
    package_parent = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, env.get("PYTHONPATH")]))
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "schema_sync_hook.worker"],
            input=json.dumps(request.to_json()) + "\n",
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Report.failed(Mode.SYNC, f"regeneration took longer than {timeout:.0f}s")
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            try:
                return Report.from_json(json.loads(line))
            except (ValueError, KeyError, TypeError):
                break
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return Report.failed(Mode.SYNC, f"regeneration failed (exit {proc.returncode}): {tail}")


def main() -> int:
    try:
        report = regenerate(Request.from_json(json.loads(sys.stdin.readline())))
    except Exception as exc:  # reported to the parent, which keeps running
        report = Report.failed(
            Mode.SYNC, f"internal error: {type(exc).__name__}: {exc}", internal=True
        )
    print(json.dumps(report.to_json()), flush=True)
    return int(report.exit_code)


if __name__ == "__main__":
    raise SystemExit(main())
