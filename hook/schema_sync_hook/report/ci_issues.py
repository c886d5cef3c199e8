"""The CI view as a flat list of issues: what JUnit, GitLab Code Quality and SARIF show.

One issue per change (``diff``) or per drifted class (hook mode, ``--check``; one for
the file when no class changed). Each has the class it belongs to, its key as
``accept_breaking`` spells it, a kind (one SARIF rule per kind), a level, a message
and a location: the model source line when a model caused it, else (a change of
configuration or formatting alone) the configuration file that caused it, or the
generated file, line 1. Paths follow the
``github`` format's rules (relative to ``$GITHUB_WORKSPACE`` or the git work tree).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from schema_sync_hook.console import PROG
from schema_sync_hook.report.ci_view import CiView, FileView, Row

LEVELS = {"breaking": "error", "accepted": "warning", "compatible": "note"}
# one rule per kind of change: (id, name, description)
RULES: tuple[tuple[str, str, str], ...] = (
    ("class-added", "ClassAdded", "A generated class was added"),
    ("class-removed", "ClassRemoved", "A generated class was removed"),
    ("field-added", "FieldAdded", "A field was added"),
    ("field-removed", "FieldRemoved", "A field was removed"),
    ("field-retyped", "FieldRetyped", "A field's type or nullability changed"),
    ("field-loosened", "FieldLoosened", "A field accepts more than before"),
    ("constraint-tightened", "ConstraintTightened", "A constraint was tightened"),
    ("constraint-loosened", "ConstraintLoosened", "A constraint was loosened"),
    ("enum-value-removed", "EnumValueRemoved", "An enum value was removed or changed"),
    ("enum-value-added", "EnumValueAdded", "An enum value was added"),
    ("default-changed", "DefaultChanged", "A default value changed"),
    ("description-changed", "DescriptionChanged", "A description changed"),
    ("field-changed", "FieldChanged", "A field changed"),
    ("drift", "Drift", "The generated schemas are out of date with the models"),
)
RULE_IDS = tuple(rule[0] for rule in RULES)


@dataclass(frozen=True)
class Issue:
    cls: str | None  # the generated class (None: the file as a whole)
    key: str  # Class.field, Class, or the file's path
    kind: str  # one of RULE_IDS
    severity: str  # breaking / accepted / compatible / drift
    message: str
    path: str  # relative to the base
    line: int
    file: FileView

    @property
    def level(self) -> str:
        """SARIF's level; drift is an error."""
        return LEVELS.get(self.severity, "error")

    @property
    def fingerprint(self) -> str:
        """Stable across runs: the class, field and kind only (never lines or text)."""
        return hashlib.sha256(f"{self.key}\0{self.kind}".encode()).hexdigest()


def relative(path: str | Path, base: Path) -> str:
    return Path(os.path.relpath(path, base)).as_posix()


def issues(view: CiView, base: Path) -> list[Issue]:
    found: list[Issue] = []
    for file in view.files:
        if view.kind == "diff":
            found += [_diff_issue(file, row, base) for row in file.rows]
        elif file.state != "in_sync":
            found += _drift_issues(file, base)
    return found


def _where(file: FileView, row: Row | None, base: Path) -> tuple[str, int]:
    """The model source line, else the configuration file that caused the change, else
    the generated file (line 1 of either)."""
    if row is not None and row.location is not None:
        return relative(row.location.file, base), row.location.line
    return relative(file.cause or file.path, base), 1


def _diff_issue(file: FileView, row: Row, base: Path) -> Issue:
    kind = row.kind if row.kind in RULE_IDS else "field-changed"
    message = f"{row.key}: {row.what} ({row.severity})"
    return Issue(
        row.cls,
        row.key,
        kind,
        row.severity or "compatible",
        message,
        *_where(file, row, base),
        file,
    )


def _drift_issues(file: FileView, base: Path) -> list[Issue]:
    path = relative(file.path, base)
    what = "was edited by hand" if file.state == "hand_edited" else "is out of date"
    advice = f"run '{PROG} sync' and commit the result"
    seen: dict[str, Row] = {}
    for row in file.table:
        if row.cls is not None:
            seen.setdefault(row.key, row)
    if not seen:
        message = f"{path} {what} (no generated class changed); {advice}"
        return [Issue(None, path, "drift", "drift", message, *_where(file, None, base), file)]
    return [
        Issue(
            row.cls,
            key,
            "drift",
            "drift",
            f"{key}: {row.what}; {path} {what}; {advice}",
            *_where(file, row, base),
            file,
        )
        for key, row in seen.items()
    ]
