"""``--format sarif``: SARIF 2.1.0, as GitHub code scanning and other viewers read it.

One run; the tool as driver with one rule per kind of change; results with
``ruleId``, ``level`` (breaking ``error``, accepted ``warning``, compatible ``note``,
drift ``error``), ``message.text`` and a location relative to the repository root.
An exit 2: ``invocations[0].executionSuccessful`` false, with a notification.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from schema_sync_hook import __version__
from schema_sync_hook.console import PROG
from schema_sync_hook.report.ci_issues import RULE_IDS, RULES, Issue, issues
from schema_sync_hook.report.ci_view import CiView

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
ROOT = "SRCROOT"


def render_sarif(view: CiView, base: Path) -> str:
    results = [_result(issue) for issue in issues(view, base)]
    return _log(results, {"executionSuccessful": True})


def render_sarif_error(message: str) -> str:
    invocation = {
        "executionSuccessful": False,
        "toolExecutionNotifications": [{"level": "error", "message": {"text": message}}],
    }
    return _log([], invocation)


def _result(issue: Issue) -> dict[str, Any]:
    return {
        "ruleId": issue.kind,
        "ruleIndex": RULE_IDS.index(issue.kind),
        "level": issue.level,
        "message": {"text": issue.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": issue.path, "uriBaseId": ROOT},
                    "region": {"startLine": issue.line},
                }
            }
        ],
        "partialFingerprints": {"schemaSyncChange/v1": issue.fingerprint},
    }


def _log(results: list[dict[str, Any]], invocation: dict[str, Any]) -> str:
    rules = [
        {"id": rule_id, "name": name, "shortDescription": {"text": text}}
        for rule_id, name, text in RULES
    ]
    driver = {
        "name": PROG,
        "version": __version__,
        "informationUri": "https://pypi.org/project/schema-sync-hook/",
        "rules": rules,
    }
    run = {"tool": {"driver": driver}, "invocations": [invocation], "results": results}
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
