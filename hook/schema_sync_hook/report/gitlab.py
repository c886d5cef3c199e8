"""``--format gitlab``: a GitLab Code Quality report (a JSON array of issues).

Fields as GitLab documents them: ``description``, ``check_name``, ``fingerprint``
(from the class, field and kind of change only, so an issue keeps it across
commits), ``severity`` (breaking ``major``, accepted ``minor``, compatible ``info``,
drift ``major``; an exit 2 is one ``blocker``), ``location.path`` and
``location.lines.begin``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from schema_sync_hook.report.ci_issues import issues
from schema_sync_hook.report.ci_view import CiView

SEVERITIES = {"breaking": "major", "accepted": "minor", "compatible": "info", "drift": "major"}


def render_gitlab(view: CiView, base: Path) -> str:
    report = [
        _issue(i.message, i.kind, i.fingerprint, SEVERITIES[i.severity], i.path, i.line)
        for i in issues(view, base)
    ]
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def render_gitlab_error(message: str, path: str) -> str:
    """Exit 2: one ``blocker`` issue at the configuration file."""
    fingerprint = hashlib.sha256(f"{path}\0error".encode()).hexdigest()
    issue = _issue(message, "error", fingerprint, "blocker", path, 1)
    return json.dumps([issue], indent=2, ensure_ascii=False) + "\n"


def _issue(
    description: str, check: str, fingerprint: str, severity: str, path: str, line: int
) -> dict[str, Any]:
    return {
        "type": "issue",
        "description": description,
        "check_name": check,
        "categories": ["Compatibility"],
        "fingerprint": fingerprint,
        "severity": severity,
        "location": {"path": path, "lines": {"begin": line}},
    }
