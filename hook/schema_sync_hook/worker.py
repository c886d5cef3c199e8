"""One regeneration in a fresh process, for the watcher and the start-up helper.

``python -m schema_sync_hook.worker --root DIR [--config FILE]`` runs a sync and
prints one JSON line: ``{"ok", "models", "written", "files", "backup", "error"}``.
A fresh process imports the edited model code for real (no stale modules).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from schema_sync_hook.config_sources import load_config
from schema_sync_hook.errors import UserError

log = logging.getLogger("schema_sync_hook")


def regenerate(root: Path, config_file: Path | None = None) -> dict[str, Any]:
    from schema_sync_hook.generate import generate
    from schema_sync_hook.sync import Mode, run

    result: dict[str, Any] = {"ok": False, "models": 0, "written": [], "files": []}
    try:
        config = load_config(root=root, config_file=config_file)
        project, generated = generate(config)
        result["models"] = len(project.models)
        report = run(config, generated, Mode.SYNC)
    except UserError as exc:
        result["error"] = str(exc)
        return result
    result.update(
        ok=True,
        files=[r.path for r in report.results],
        written=[r.path for r in report.written],
        backup=report.backup,
        error=None,
    )
    return result


def log_result(result: dict[str, Any], failed: str) -> bool:
    """Log a regeneration result in the seed's lines; ``failed`` starts the error line."""
    if not result.get("ok"):
        log.error("%s: %s", failed, result.get("error"))
        return False
    log.info("Generating schemas for %s models...", result.get("models"))
    for path in result.get("written", []):
        log.info("Schemas written to: %s", path)
    if not result.get("written"):
        log.info("Schemas are up to date: %s", ", ".join(result.get("files", [])))
    return True


def run_in_subprocess(root: Path, config_file: Path | None, timeout: float = 300) -> dict[str, Any]:
    """Run :func:`regenerate` in a fresh interpreter and return its result."""
    command = [sys.executable, "-m", "schema_sync_hook.worker", "--root", str(root)]
    if config_file is not None:
        command += ["--config", str(config_file)]
    env = dict(os.environ)
    package_parent = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, env.get("PYTHONPATH")]))
    try:
        proc = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"regeneration took longer than {timeout:.0f}s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            try:
                data: dict[str, Any] = json.loads(line)
            except ValueError:
                break
            return data
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {"ok": False, "error": f"regeneration failed (exit {proc.returncode}): {tail}"}


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m schema_sync_hook.worker")
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--config", type=Path)
    args = parser.parse_args()
    try:
        result = regenerate(args.root, args.config)
    except Exception as exc:  # reported to the parent, which keeps running
        result = {"ok": False, "error": f"internal error: {type(exc).__name__}: {exc}"}
    print(json.dumps(result), flush=True)
    return 0 if result.get("ok") else 2


if __name__ == "__main__":
    raise SystemExit(main())
