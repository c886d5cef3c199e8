"""Hook mode, ``--check``, ``sync`` and ``sync --dry-run``."""

from __future__ import annotations

import sys
from pathlib import Path

from schema_sync_hook.config import Config
from schema_sync_hook.console import PROG, Console
from schema_sync_hook.generate import generate
from schema_sync_hook.sync import Mode, Report, State, run


def run_command(
    config: Config,
    console: Console,
    mode: Mode,
    force: bool = False,
    use_cache: bool = False,
    output_format: str = "text",
) -> int:
    project, generated = generate(config)
    console.detail(
        f"generated {len(project.models)} models from {', '.join(project.modules)}"
        f" (root {config.root})"
    )
    if project.stubbed:
        console.detail(f"stubbed missing modules: {', '.join(project.stubbed)}")
    report = run(config, generated, mode, force=force, say=console.info)
    if output_format == "text":
        print_report(report, console)
    else:
        from schema_sync_hook.ciformats import render
        from schema_sync_hook.cireport import from_sync

        sys.stdout.write(render(from_sync(report, project, config), output_format, Path.cwd()))
        sys.stdout.flush()
    if use_cache and mode is Mode.HOOK and report.exit_code == 0:
        from schema_sync_hook import cache

        cache.store(config, project.imported_files, [g.path for g in generated])
    return report.exit_code


def print_report(report: Report, console: Console) -> None:
    show_diff = report.mode in (Mode.CHECK, Mode.DRY_RUN) or (
        report.mode is Mode.HOOK and report.write_blocked
    )
    for result in report.results:
        if result.state is State.IN_SYNC and not result.written:
            message = f"{result.path} is in sync ({report.models} models)"
            if report.mode in (Mode.SYNC, Mode.DRY_RUN):
                console.info(message)
            else:
                console.detail(message)
            continue
        changed = ", ".join(str(c) for c in result.changes) or "none (order or header only)"
        if result.manual:
            changed = "auto_merge re-export block"
        if result.written:
            verb = "created" if result.state is State.MISSING else "updated"
            if result.state is State.IN_SYNC:
                verb = "rewrote (unchanged)"
            console.info(f"{verb} {result.path}; models changed: {changed}")
            continue
        if show_diff and result.diff:
            console.diff(result.diff)
        what = {
            State.MISSING: "is missing",
            State.STALE: "is out of date",
            State.HAND_EDITED: "was edited by hand",
        }[result.state]
        console.info(f"{result.path} {what}; models changed: {changed}")
    if report.backup:
        console.info(f"previous version kept in backup {report.backup}")
    if report.written and report.mode is Mode.HOOK:
        console.info("review the generated file, 'git add' it and commit again")
    elif report.drift and report.mode is Mode.CHECK:
        console.info(f"run '{PROG} sync' and commit the result to fix this")
    elif report.drift and report.write_blocked:
        console.info(
            f"not written because {report.write_blocked}; run '{PROG} sync' where writing is"
            " allowed"
        )
