"""The CI formats of hook mode, ``--check`` and ``diff``: json, github, markdown.

One function per format, each laying out a :class:`~cireport.CiView`. The text
format is the reports' own (``commands/run.py``, ``BreakingReport.text_lines``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schema_sync_hook import git
from schema_sync_hook.console import PROG
from schema_sync_hook.describe.spec import Location
from schema_sync_hook.report.ci_view import CiView, FileView, Row
from schema_sync_hook.report.gitlab import render_gitlab, render_gitlab_error
from schema_sync_hook.report.junit import render_junit, render_junit_error
from schema_sync_hook.report.sarif import render_sarif, render_sarif_error

TITLE = "schema-sync"
MAX_ANNOTATIONS = 10  # GitHub shows at most 10 annotations of a level per step


def _relative(path: str | Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix()


def render(view: CiView, output_format: str, cwd: Path) -> str:
    """The whole output of ``output_format`` for ``view``."""
    if output_format == "json":
        return render_json(view, cwd) + "\n"
    if output_format == "github":
        lines = render_github(view, github_base(cwd))
        return "".join(line + "\n" for line in lines)
    if output_format == "markdown":
        return render_markdown(view, cwd)
    if output_format in ("junit", "gitlab", "sarif"):
        return render_machine(view, output_format, github_base(cwd))
    raise ValueError(output_format)  # pragma: no cover - the CLI offers these only


def render_machine(view: CiView, output_format: str, base: Path) -> str:
    """JUnit, GitLab Code Quality or SARIF."""
    if output_format == "junit":
        return render_junit(view, base)
    if output_format == "gitlab":
        return render_gitlab(view, base)
    return render_sarif(view, base)


def render_error(output_format: str, message: str, config_file: Path | None) -> str | None:
    """The error form of a format for an exit 2 (None: the format has none here)."""
    if output_format == "junit":
        return render_junit_error(message)
    if output_format == "gitlab":
        cwd = Path.cwd()
        where = config_file or next(
            (cwd / n for n in ("pyproject.toml", "setup.cfg") if (cwd / n).is_file()),
            cwd / "pyproject.toml",
        )
        return render_gitlab_error(message, _relative(where, github_base(cwd)))
    if output_format == "sarif":
        return render_sarif_error(message)
    return None


# --- json ---------------------------------------------------------------------------


def render_json(view: CiView, cwd: Path) -> str:
    """One JSON object (SPEC §10); paths relative to ``cwd``."""
    data: dict[str, Any] = {"status": "drift" if view.drift else "in_sync"}
    report = view.breaking
    if report is not None:
        rev = report.revision
        data["status"] = "drift" if report.changes else "in_sync"
        data["against"] = {"ref": rev.ref, "commit": rev.commit, "exact": rev.exact}
        data["fail_on"] = report.fail_on
        data["counts"] = {s: report.count(s) for s in ("breaking", "accepted", "compatible")}
        data["unused_accepts"] = list(report.unused_accepts)
    data["files"] = [_json_file(f, cwd, view.kind) for f in view.files]
    return json.dumps(data, indent=2, ensure_ascii=False)


def _json_file(file: FileView, cwd: Path, kind: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "path": _relative(file.path, cwd),
        "state": file.state,
        "changes": [_json_change(row, cwd) for row in file.rows],
        "diff": file.diff,
    }
    if kind == "hook":
        entry["written"] = file.written
    if kind != "diff" and file.state != "in_sync" and not file.written:
        entry["fix"] = fix_command(file)
    return entry


def fix_command(file: FileView) -> str:
    """What brings ``file`` back in sync: a hand-edited file needs ``--force``, as the
    text format says."""
    if file.state == "hand_edited":
        return f"{PROG} sync --force"
    return f"{PROG} sync"


def _advice(files: Sequence[FileView]) -> str:
    if any(f.state == "hand_edited" for f in files):
        return f"run '{PROG} sync --force' (move hand edits to the manual schema module first)"
    return f"run '{PROG} sync'"


def _json_change(row: Row, cwd: Path) -> dict[str, Any]:
    change: dict[str, Any] = {
        "model": row.model,
        "change": row.change,
        "fields": [row.field] if row.field else [],
        "source": _relative(row.location.file, cwd) if row.location else None,
        "line": row.location.line if row.location else None,
    }
    if row.severity is not None:
        change.update({"class": row.cls, "severity": row.severity, "detail": row.what})
    return change


# --- github -------------------------------------------------------------------------


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_base(cwd: Path) -> Path:
    """``$GITHUB_WORKSPACE`` when set, else the git work tree root, else ``cwd``."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace:
        return Path(workspace)
    return git.toplevel(cwd) or cwd


@dataclass(frozen=True)
class _Note:
    level: str  # "error", "warning", "notice"
    file: FileView
    row: Row
    message: str


def render_github(view: CiView, base: Path) -> list[str]:
    """Workflow commands: capped annotations, then each diff in a group."""
    notes = [
        _Note(_level(view, row), file, row, _message(view, file, row, base))
        for file in view.files
        for row in file.rows
    ]
    lines: list[str] = []
    for level in ("error", "warning", "notice"):
        lines += _capped([n for n in notes if n.level == level], level, base)
    for file in view.files:
        if file.diff:
            lines.append(f"::group::{escape_data(f'{PROG}: diff of {_relative(file.path, base)}')}")
            lines += file.diff.rstrip("\n").split("\n")
            lines.append("::endgroup::")
    return lines


def _level(view: CiView, row: Row) -> str:
    if view.kind != "diff":
        return "error"
    return {"breaking": "error", "accepted": "warning"}.get(row.severity or "", "notice")


def _message(view: CiView, file: FileView, row: Row, base: Path) -> str:
    path = _relative(file.path, base)
    if view.kind == "diff":  # named as accept_breaking spells it: Class or Class.field
        return f"{row.key}: {row.what} ({row.severity})"
    if row.model is None:
        what = "edited by hand" if file.state == "hand_edited" else "out of date"
        return f"{path} is {what} (not caused by a model change); {_advice([file])}"
    if file.written:
        return f"{row.name} {row.change}: {path} was regenerated; review it and commit it"
    what = "edited by hand" if file.state == "hand_edited" else "out of date"
    return f"{row.name} {row.change}: {path} is {what}; {_advice([file])} and commit it"


def _annotation(level: str, file: str | None, line: int | None, message: str) -> str:
    props = []
    if file is not None:
        props.append(f"file={escape_property(file)}")
        if line is not None:
            props.append(f"line={line}")
    props.append(f"title={TITLE}")
    return f"::{level} {','.join(props)}::{escape_data(message)}"


def _where(note: _Note, base: Path, location: Location | None) -> tuple[str, int | None]:
    """The annotated file and line: the model source, else the configuration file that
    caused the change (line 1), else the generated file."""
    if location is None and note.file.cause is not None:
        return _relative(note.file.cause, base), 1
    if location is None:
        return _relative(note.file.path, base), None
    return _relative(location.file, base), location.line


def _capped(notes: Sequence[_Note], level: str, base: Path) -> list[str]:
    if len(notes) <= MAX_ANNOTATIONS:
        return [_annotation(level, *_where(n, base, n.row.location), n.message) for n in notes]
    groups: dict[tuple[str | None, Path], list[_Note]] = {}
    for note in notes:
        groups.setdefault((note.row.model, note.file.path), []).append(note)
    if len(groups) > MAX_ANNOTATIONS:
        message = (
            f"{len(notes)} changes in {len(groups)} models; the full list is in the diff"
            f" below (run '{PROG} sync' locally)"
        )
        return [_annotation(level, None, None, message)]
    lines = []
    for (model, _), members in groups.items():
        file, line = _where(members[0], base, members[0].row.class_location)
        names = ", ".join(dict.fromkeys(m.row.field or m.row.change for m in members))
        message = f"{model or 'generated file'}: {len(members)} changes ({names})"
        lines.append(_annotation(level, file, line, message))
    return lines


# --- markdown -----------------------------------------------------------------------


def _cell(text: str | None) -> str:
    if not text:
        return ""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _fence(text: str) -> str:
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    return "`" * max(3, longest + 1)


def render_markdown(view: CiView, cwd: Path) -> str:
    """A short report for a pull-request comment: one table row per change."""
    lines = [f"### {_heading(view)}", ""]
    classified = [r for f in view.files for r in (f.rows if view.kind == "diff" else f.table)]
    unclassified = [
        (f, r) for f in view.files if view.kind != "diff" and not f.table for r in f.rows
    ]
    if classified:
        lines += ["| change | class | field | what changed |", "|---|---|---|---|"]
        lines += [
            f"| {r.severity} | `{_cell(r.cls)}` | {_cell(r.field)} | {_cell(r.what)} |"
            for r in classified
        ]
    if unclassified:
        lines += ["", "| file | model | field | change |", "|---|---|---|---|"][not classified :]
        lines += [
            f"| `{_cell(_relative(f.path, cwd))}` | {_cell(r.model) or '(none)'} |"
            f" {_cell(r.field)} | {r.change} |"
            for f, r in unclassified
        ]
    if view.breaking is not None and view.breaking.unused_accepts:
        lines += ["", "Unused `accept_breaking` entries (remove them):"]
        lines += [f"- `{_cell(entry)}`" for entry in view.breaking.unused_accepts]
    for file in view.files:
        if file.diff:
            fence = _fence(file.diff)
            lines += ["", f"<details><summary>diff of {_relative(file.path, cwd)}</summary>", ""]
            lines += [f"{fence}diff", file.diff.rstrip("\n"), fence, "", "</details>"]
    return "\n".join(lines) + "\n"


def _edited(view: CiView) -> bool:
    return any(f.state == "hand_edited" for f in view.files)


def _heading(view: CiView) -> str:
    report = view.breaking
    if report is not None:
        counts = ", ".join(f"{report.count(s)} {s}" for s in ("breaking", "accepted", "compatible"))
        return f"{PROG}: {counts} against `{_cell(report.revision.ref)}`"
    if view.drift:
        command = f"{PROG} sync --force" if _edited(view) else f"{PROG} sync"
        extra = ", after moving hand edits to the manual schema module" if _edited(view) else ""
        return f"{PROG}: generated schemas are out of date (run `{command}` and commit{extra})"
    return f"{PROG}: generated schemas are in sync"
