"""``--format junit``: JUnit XML as Jenkins (xUnit ``junit-10.xsd``), GitLab and Azure read it.

One ``<testcase>`` per generated class, named by the class. ``diff``: a ``<failure>``
per breaking change in its class's case (accepted and compatible changes are not
failures; they are listed in ``<system-out>``). Hook mode and ``--check``: a
``<failure>`` in each drifted class's case, or a case for the file when no class
changed. An exit 2: one case with an ``<error>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree as ET

from schema_sync_hook.console import PROG
from schema_sync_hook.report.ci_issues import Issue, issues, relative
from schema_sync_hook.report.ci_view import CiView


def render_junit(view: CiView, base: Path) -> str:
    found = issues(view, base)
    suite = ET.Element("testsuite", name=PROG)
    cases = 0
    failures = 0
    for file in view.files:
        path = relative(file.path, base)
        mine = [i for i in found if i.file is file]
        names = list(dict.fromkeys([*file.classes, *(i.cls for i in mine if i.cls)]))
        for name in names:
            failures += _case(suite, name, path, [i for i in mine if i.cls == name], view.kind)
            cases += 1
        whole = [i for i in mine if i.cls is None]
        if whole or not names:
            failures += _case(suite, path, path, whole, view.kind)
            cases += 1
    suite.set("tests", str(cases))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    return _document(suite)


def _case(suite: ET.Element, name: str, path: str, found: Sequence[Issue], kind: str) -> int:
    case = ET.SubElement(suite, "testcase", name=name, classname=f"{PROG}.{path}", time="0")
    failing = [i for i in found if kind != "diff" or i.severity == "breaking"]
    for issue in failing:
        failure = ET.SubElement(case, "failure", message=issue.message, type=issue.kind)
        failure.text = f"{issue.message}\n  at {issue.path}:{issue.line}"
    others = [i for i in found if i not in failing]
    if others:
        ET.SubElement(case, "system-out").text = "\n".join(
            f"{i.severity} {i.message}" for i in others
        )
    return len(failing)


def render_junit_error(message: str) -> str:
    """Exit 2: one test case with an ``<error>``."""
    suite = ET.Element("testsuite", name=PROG, tests="1", failures="0", errors="1")
    case = ET.SubElement(suite, "testcase", name="configuration", classname=PROG, time="0")
    ET.SubElement(case, "error", message=message, type="error").text = message
    return _document(suite)


def _document(suite: ET.Element) -> str:
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
