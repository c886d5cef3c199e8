"""``diff --against REF``: the breaking-change gate."""

from __future__ import annotations

import sys
from pathlib import Path

from schema_sync_hook.breaking import against, revision
from schema_sync_hook.config import Config
from schema_sync_hook.console import Console
from schema_sync_hook.generate import generate


def diff_command(
    config: Config,
    console: Console,
    ref: str,
    *,
    exact: bool = False,
    fail_on: str = "breaking",
    output_format: str = "text",
) -> int:
    rev = revision(config, ref, exact)  # git problems exit 2 before the models import
    project, generated = generate(config)
    report = against(config, generated, rev, fail_on)
    if output_format == "text":
        for line in report.text_lines():
            console.print(line)
        console.info(report.summary())
    else:
        from schema_sync_hook.ciformats import render
        from schema_sync_hook.cireport import from_breaking

        view = from_breaking(report, project, config)
        sys.stdout.write(render(view, output_format, Path.cwd()))
        sys.stdout.flush()
    return report.exit_code
