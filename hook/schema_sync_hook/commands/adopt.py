"""``adopt``: switch pydantic_model_creator calls to generated classes (§13)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from schema_sync_hook.adopt import output
from schema_sync_hook.adopt.run import plan
from schema_sync_hook.adopt.write import write as write_rows
from schema_sync_hook.console import Console
from schema_sync_hook.errors import Exit
from schema_sync_hook.settings.schema import Config


def adopt_command(
    config: Config,
    console: Console,
    paths: Sequence[Path],
    write: bool = False,
    output_format: str = "text",
) -> Exit:

    made = plan(config, paths)
    for path, message in made.broken:
        console.error(f"{path} does not parse ({message}): skipped, nothing in it rewritten")
    written = write_rows(config, made) if write else None
    if output_format == "json":
        console.emit(output.as_json(made.rows))
    else:
        output.print_table(console, made.rows, written)
    return Exit(made.exit_code)
