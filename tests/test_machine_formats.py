"""``--format junit|gitlab|sarif`` (SPEC §14), each validated against its consumer's
schema (``tests/schemas/``): SARIF 2.1.0's JSON schema, GitLab's Code Quality fields,
JUnit XML as the Jenkins xUnit plugin reads it (its junit-10.xsd). The files and where they
come from: tests/schemas/README.md."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from lxml import etree

from conftest import Project, changed_lines, git

SCHEMAS = Path(__file__).parent / "schemas"
MODELS = """
from tortoise import fields, models


class Item(models.Model):
    id = fields.IntField(primary_key=True)
    sku = fields.CharField(max_length=64)
    note = fields.TextField(null=True)
"""


def valid_sarif(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text)
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(data)
    return data


def valid_gitlab(text: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(text)
    schema = json.loads((SCHEMAS / "gitlab-codequality.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    return data


def valid_junit(text: str) -> Any:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-10.xsd")))
    document = etree.fromstring(text.encode("utf-8"))
    schema.assertValid(document)
    return document


@pytest.fixture
def changed(repo: Callable[[str], Project]) -> Project:
    project = repo(MODELS)
    changed_lines(project, MODELS.replace("max_length=64", "max_length=32"))
    return project


def test_diff_junit(changed: Project) -> None:
    result = changed.run("diff", "--against", "main", "--format", "junit")
    assert result.code == 1
    document = valid_junit(result.out)
    cases = {c.get("name"): c for c in document.iter("testcase")}
    assert list(cases) == ["ItemCreate", "ItemUpdate", "ItemResponse", "ItemDetail"]
    failures = cases["ItemCreate"].findall("failure")
    assert [f.get("message") for f in failures] == [
        "ItemCreate.sku: max_length 64 -> 32 (breaking)"
    ]
    assert cases["ItemResponse"].findall("failure") == []  # compatible: not a failure


def test_diff_gitlab_fingerprints_are_stable(changed: Project) -> None:
    first = valid_gitlab(changed.run("diff", "--against", "main", "--format", "gitlab").out)
    assert {i["severity"] for i in first} == {"major", "info"}
    create = next(i for i in first if i["description"].startswith("ItemCreate.sku"))
    assert create["location"] == {"path": "shopmodels.py", "lines": {"begin": 6}}
    assert create["check_name"] == "constraint-tightened"
    # the message changes: the fingerprint stays
    changed.write("shopmodels.py", MODELS.replace("max_length=64", "max_length=16"))
    again = valid_gitlab(changed.run("diff", "--against", "main", "--format", "gitlab").out)
    moved = next(i for i in again if i["description"].startswith("ItemCreate.sku"))
    assert moved["fingerprint"] == create["fingerprint"]
    assert len({i["fingerprint"] for i in again}) == len(again)


def test_diff_sarif(changed: Project) -> None:
    data = valid_sarif(changed.run("diff", "--against", "main", "--format", "sarif").out)
    (run,) = data["runs"]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rules) == len(set(rules))
    levels = {r["message"]["text"].split(":")[0]: r["level"] for r in run["results"]}
    assert levels["ItemCreate.sku"] == "error" and levels["ItemResponse.sku"] == "note"
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "shopmodels.py"
    assert run["invocations"][0]["executionSuccessful"] is True


def test_check_formats_on_drift(
    make_project: Callable[..., Project], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(models=MODELS)
    monkeypatch.chdir(project.root)  # paths: relative to the folder the job runs in
    assert project.run("sync", "-q").code == 0
    project.write("shopmodels.py", MODELS.replace("max_length=64", "max_length=32"))
    result = project.run("--check", "--format", "junit")
    assert result.code == 1
    cases = {c.get("name"): c for c in valid_junit(result.out).iter("testcase")}
    assert cases["ItemCreate"].findall("failure") and not cases["ItemDetail"].findall("failure")
    sarif = valid_sarif(project.run("--check", "--format", "sarif").out)
    assert {r["level"] for r in sarif["runs"][0]["results"]} == {"error"}
    gitlab = valid_gitlab(project.run("--check", "--format", "gitlab").out)
    assert {i["severity"] for i in gitlab} == {"major"}


def test_formatting_alone_points_at_the_configuration(
    make_project: Callable[..., Project], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No model line is blamed; the formats that need a location name the file whose
    settings changed the text."""
    project = make_project(models=MODELS)
    monkeypatch.chdir(project.root)  # paths: relative to the folder the job runs in
    assert project.run("sync", "-q").code == 0
    config = project.read("pyproject.toml")
    project.write("pyproject.toml", config + "\n[tool.ruff]\nline-length = 40\n")
    data = json.loads(project.run("--check", "--format", "json").out)
    changes = [c for f in data["files"] for c in f["changes"]]
    assert changes and all(c["source"] is None and c["line"] is None for c in changes)
    gitlab = valid_gitlab(project.run("--check", "--format", "gitlab").out)
    assert [i["location"] for i in gitlab] == [{"path": "pyproject.toml", "lines": {"begin": 1}}]
    sarif = valid_sarif(project.run("--check", "--format", "sarif").out)
    (result,) = sarif["runs"][0]["results"]
    where = result["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == "pyproject.toml"
    junit = valid_junit(project.run("--check", "--format", "junit").out)
    failing = [c.get("name") for c in junit.iter("testcase") if c.findall("failure")]
    assert failing == ["api/schemas_generated.py"]
    github = project.run("--check", "--format", "github").out.splitlines()[0]
    assert github.startswith("::error file=pyproject.toml,line=1,")


def test_the_configuration_file_that_changed_is_the_one_named(
    make_project: Callable[..., Project], git_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settings in pyproject.toml, the formatter's in ruff.toml: the one changed since
    the last commit is the cause."""
    project = make_project(models=MODELS)
    project.write("ruff.toml", "line-length = 88\n")
    monkeypatch.chdir(project.root)
    assert project.run("sync", "-q").code == 0
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "base")
    project.write("ruff.toml", "line-length = 40\n")
    gitlab = valid_gitlab(project.run("--check", "--format", "gitlab").out)
    assert [i["location"]["path"] for i in gitlab] == ["ruff.toml"]


@pytest.mark.parametrize("output_format", ["junit", "gitlab", "sarif"])
def test_exit_2_writes_the_error_form(
    make_project: Callable[..., Project], output_format: str
) -> None:
    project = make_project(models=MODELS, config='models = ["nope_no_such_module"]\n')
    result = project.run("--check", "--format", output_format)
    assert result.code == 2
    if output_format == "junit":
        errors = list(valid_junit(result.out).iter("error"))
        assert len(errors) == 1 and "nope_no_such_module" in errors[0].get("message")
    elif output_format == "gitlab":
        (issue,) = valid_gitlab(result.out)
        assert issue["severity"] == "blocker"
        assert issue["location"]["path"] == "pyproject.toml"
    else:
        invocation = valid_sarif(result.out)["runs"][0]["invocations"][0]
        assert invocation["executionSuccessful"] is False
        assert invocation["toolExecutionNotifications"][0]["level"] == "error"


def test_an_in_sync_project_passes(
    make_project: Callable[..., Project], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(models=MODELS)
    monkeypatch.chdir(project.root)  # paths: relative to the folder the job runs in
    assert project.run("sync", "-q").code == 0
    result = project.run("--check", "--no-cache", "--format", "junit")
    assert result.code == 0
    document = valid_junit(result.out)
    assert not list(document.iter("failure"))


def test_the_schemas_are_strict(changed: Project) -> None:
    """The published schemas refuse what a consumer would refuse, so passing them means
    something: a SARIF level SARIF does not define, a JUnit attribute the xsd lacks."""
    sarif = json.loads(changed.run("diff", "--against", "main", "--format", "sarif").out)
    sarif["runs"][0]["results"][0]["level"] = "breaking"
    with pytest.raises(jsonschema.ValidationError):
        valid_sarif(json.dumps(sarif))
    junit = changed.run("diff", "--against", "main", "--format", "junit").out
    with pytest.raises(etree.DocumentInvalid):
        valid_junit(junit.replace("<testcase ", '<testcase line="1" ', 1))
