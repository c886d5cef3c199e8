"""Hook mode, ``--check``, ``sync`` and ``sync --dry-run``."""

from __future__ import annotations

import sys
from pathlib import Path

from schema_sync_hook.config import Config
from schema_sync_hook.console import Console
from schema_sync_hook.lock import waiting_message
from schema_sync_hook.plan import Mode
from schema_sync_hook.sync import run


def run_command(
    config: Config,
    console: Console,
    mode: Mode,
    force: bool = False,
    use_cache: bool = False,
    output_format: str = "text",
) -> int:
    # An in-sync hook run, and a sync (not in production, where it writes nothing),
    # record the state for the next run.
    stores = use_cache and (
        mode is Mode.HOOK or (mode is Mode.SYNC and not config.settings.production)
    )
    if stores:
        from schema_sync_hook import cache

        since = cache.clock(config)  # before the models import
    project, report = run(
        config, mode, force=force, blocked=lambda path: console.info(waiting_message(path))
    )
    console.detail(
        f"generated {len(project.models)} models from {', '.join(project.modules)}"
        f" (root {config.root})"
    )
    if project.stubbed:
        console.detail(f"stubbed missing modules: {', '.join(project.stubbed)}")
    if output_format == "text":
        report.print(console)
    else:
        from schema_sync_hook.ciformats import render
        from schema_sync_hook.cireport import from_sync

        sys.stdout.write(render(from_sync(report, project, config), output_format, Path.cwd()))
        sys.stdout.flush()
    if stores:
        cache.store_run(config, project, report, since)
    return report.exit_code
