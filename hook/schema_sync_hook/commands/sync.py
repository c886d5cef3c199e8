"""Hook mode, ``--check``, ``sync`` and ``sync --dry-run``."""

from __future__ import annotations

from pathlib import Path

from schema_sync_hook.apply.lock import waiting_message
from schema_sync_hook.console import Console
from schema_sync_hook.errors import Exit
from schema_sync_hook.pipeline.run import run
from schema_sync_hook.plan.changes import Mode
from schema_sync_hook.settings.schema import Config


def run_command(
    config: Config,
    console: Console,
    mode: Mode,
    force: bool = False,
    use_cache: bool = False,
    output_format: str = "text",
) -> Exit:
    # An in-sync hook run, and a sync (not in production, where it writes nothing),
    # record the state for the next run.
    stores = use_cache and (
        mode is Mode.HOOK or (mode is Mode.SYNC and not config.settings.production)
    )
    if stores:
        # imported here for start-up speed: the cache is needed only when results are stored
        from schema_sync_hook.fastpath import cache

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
        # imported here for start-up speed: the CI formats load only when asked for
        from schema_sync_hook.report.ci_formats import render
        from schema_sync_hook.report.ci_view import from_sync

        console.emit(render(from_sync(report, project, config), output_format, Path.cwd()))
    if stores:
        cache.store_run(config, project, report, since)
    return report.exit_code
