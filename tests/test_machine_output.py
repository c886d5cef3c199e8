"""Machine-readable output is never mixed (SPEC §14), checked with the real console script.

Whatever the model modules print, by any route (``print``, ``sys.stdout.write``,
``sys.__stdout__``, ``os.write(1, ...)``, at import or in an ``atexit`` handler),
goes to stderr under every ``--format`` but text: stdout is byte for byte what the
same run prints when the models are silent. Under ``--format github`` none of it
reaches the runner as a workflow command on either stream; an exit 2 still writes
the format's own error document.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from conftest import REPO, Project

SCHEMA = json.loads((REPO / "docs" / "report.schema.json").read_text(encoding="utf-8"))
FORMATS = ("json", "github", "markdown")

LOUD = """
import atexit
import os
import sys

from tortoise import fields, models

if os.environ.get("LOUD"):
    print("hello from print")
    print("::error::from print")
    sys.stdout.write("::warning file=a.py,line=1::from sys.stdout\\n")
    sys.__stdout__.write("from sys.__stdout__\\n")
    sys.stdout.flush()
    sys.__stdout__.flush()
    print("::error::from print to stderr", file=sys.stderr)

if os.environ.get("LOUD") == "all":  # the file descriptors, and at exit
    os.write(1, b"::error::from fd 1\\n")
    os.write(2, b"  ::notice::from fd 2\\n##[error]old style\\n")

    def goodbye():
        print("::error::from atexit")
        sys.stdout.flush()
        os.write(1, b"from atexit on fd 1\\n")

    atexit.register(goodbye)


class Book(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
"""
PRINTED = (
    "hello from print",
    "from print",
    "from sys.stdout",
    "from sys.__stdout__",
    "from fd 1",
    "from fd 2",
    "old style",
    "from print to stderr",
    "from atexit",
    "from atexit on fd 1",
)


def console_script(project: Project, *args: str, loud: bool) -> subprocess.CompletedProcess[str]:
    env = {"LOUD": "all"} if loud else {}
    return subprocess.run(
        [sys.executable, "-m", "schema_sync_hook", *args],
        cwd=project.root,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )


@pytest.fixture
def loud(make_project: Callable[..., Project]) -> Project:
    return make_project(models=LOUD)


def is_workflow_command(line: str) -> bool:
    return line.lstrip().startswith("::") or "##[" in line


@pytest.mark.parametrize(
    ("fmt", "args"),
    [*((fmt, ("--check",)) for fmt in FORMATS), ("json", ()), ("github", ())],
    ids=["check-json", "check-github", "check-markdown", "hook-json", "hook-github"],
)
def test_what_the_models_print_goes_to_stderr(
    loud: Project, fmt: str, args: tuple[str, ...]
) -> None:
    quiet = console_script(loud, *args, "--format", fmt, loud=False)
    assert quiet.returncode == 1, quiet.stderr
    (loud.root / "api" / "schemas_generated.py").unlink(missing_ok=True)
    noisy = console_script(loud, *args, "--format", fmt, loud=True)
    assert noisy.returncode == 1, noisy.stderr
    assert noisy.stdout == quiet.stdout
    for text in PRINTED:
        assert text in noisy.stderr, text
    if fmt == "json":
        jsonschema.validate(json.loads(noisy.stdout), SCHEMA)


def test_under_github_no_model_output_is_a_workflow_command(loud: Project) -> None:
    result = console_script(loud, "--check", "--format", "github", loud=True)
    assert result.returncode == 1
    ours = [line for line in result.stdout.splitlines() if is_workflow_command(line)]
    assert ours and all(
        line.startswith(("::error file=", "::group::", "::endgroup::")) for line in ours
    )
    assert not [line for line in result.stderr.splitlines() if is_workflow_command(line)]
    assert "| ::error::from atexit" in result.stderr  # shown, defused


def test_an_in_process_caller_gets_the_document_alone(
    loud: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOUD", "python")  # no fd writes, no atexit in the test process
    result = loud.run("--check", "--format", "json")
    assert result.code == 1
    assert json.loads(result.out)["status"] == "drift"
    assert "hello from print" in result.err


BROKEN = LOUD + "\nraise RuntimeError('the models are broken')\n"


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_exit_2_writes_the_format_s_error_document(
    make_project: Callable[..., Project], fmt: str
) -> None:
    project = make_project(models=BROKEN)
    result = console_script(project, "--check", "--format", fmt, loud=True)
    assert result.returncode == 2
    assert "the models are broken" in result.stderr
    out = result.stdout
    if fmt == "json":
        data: dict[str, Any] = json.loads(out)
        jsonschema.validate(data, SCHEMA)
        assert data["status"] == "error" and data["exit_code"] == 2 and data["files"] == []
        assert "RuntimeError: the models are broken" in data["error"]
    elif fmt == "github":
        assert out.count("\n") == 1 and out.startswith("::error title=schema-sync::")
        assert "RuntimeError: the models are broken" in out
    else:
        assert out.startswith("### schema-sync-hook: error (exit 2)\n\n")
        assert "the models are broken" in out
    for text in PRINTED:
        assert text not in out


def test_a_usage_error_under_json_is_still_one_object(loud: Project) -> None:
    result = console_script(loud, "--check", "--format", "json", "--no-such-flag", loud=False)
    assert result.returncode == 2
    assert "unrecognized arguments: --no-such-flag" in result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    assert data["status"] == "error"


def test_text_format_is_untouched(loud: Project) -> None:
    """The redirection is for machine formats only: a text run's prints stay on stdout."""
    result = console_script(loud, "--check", loud=True)
    assert result.returncode == 1
    assert "hello from print" in result.stdout
    assert not (loud.root / "api" / "schemas_generated.py").exists()


def test_status_json_is_the_only_stdout(loud: Project) -> None:
    result = console_script(loud, "status", "--json", loud=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["stubbed_modules"] == []
    assert "from atexit on fd 1" in result.stderr and "hello from print" in result.stderr
