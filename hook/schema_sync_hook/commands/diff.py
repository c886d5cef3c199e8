"""``diff --against REF``: the breaking-change gate on wire contracts (SPEC §10, §14)."""

from __future__ import annotations

from pathlib import Path

from schema_sync_hook.console import Console
from schema_sync_hook.errors import Exit
from schema_sync_hook.gate.against import against, revision
from schema_sync_hook.settings.schema import Config


def diff_command(
    config: Config,
    console: Console,
    ref: str,
    *,
    exact: bool = False,
    fail_on: str = "breaking",
    output_format: str = "text",
) -> Exit:
    # imported here for start-up speed: generation imports tortoise and the models
    from schema_sync_hook.pipeline.against_ref import both_sides

    rev = revision(config, ref, exact)  # git problems exit 2 before the models import
    sides = both_sides(config, rev)
    project = sides.project
    report = against(config, sides.generated, rev, (sides.old, sides.new), fail_on, sides.held)
    if output_format == "text":
        for line in report.text_lines():
            console.print(line)
        console.info(report.summary())
    else:
        # imported here for start-up speed: the CI formats load only when asked for
        from schema_sync_hook.report.ci_formats import render
        from schema_sync_hook.report.ci_view import from_breaking

        view = from_breaking(report, project, config)
        console.emit(render(view, output_format, Path.cwd()))
    return report.exit_code
