"""The document a CI format prints when the run fails (exit 2, or an internal error).

A reader of ``--format json`` always gets one JSON object (``status: "error"`` and
the message under ``error``), GitHub one ``::error`` annotation, Markdown a short
error section: a failed run is never an empty or half-written document.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from schema_sync_hook.console import PROG
from schema_sync_hook.report import ci_formats
from schema_sync_hook.report.ci_formats import TITLE, escape_data


def _json(message: str, exit_code: int) -> str:
    data = {"status": "error", "error": message, "exit_code": exit_code, "files": []}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _github(message: str, exit_code: int) -> str:
    return f"::error title={TITLE}::{escape_data(f'{PROG}: {message}')}\n"


def _markdown(message: str, exit_code: int) -> str:
    text = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"### {PROG}: error (exit {exit_code})\n\n{text}\n"


ERROR_FORMS: dict[str, Callable[[str, int], str]] = {
    "json": _json,
    "github": _github,
    "markdown": _markdown,
}


def render_error(
    output_format: str, message: str, exit_code: int, config_file: Path | None = None
) -> str:
    """The error document of ``output_format`` ("" for a format without one)."""
    form = ERROR_FORMS.get(output_format)
    if form is not None:
        return form(message, exit_code)
    return ci_formats.render_error(output_format, message, config_file) or ""
