"""Importing the user's code in-process leaves sys.modules as it was."""

from __future__ import annotations

import sys
from collections.abc import Callable

from conftest import SIMPLE_MODELS, Project


def test_namespace_packages_are_forgotten(make_project: Callable[..., Project]) -> None:
    """Model packages without __init__.py: a later project with another ``src`` works."""
    config = 'models = ["src.data.models"]\noutput = "api/schemas_generated.py"\n'
    project = make_project(config=config, module="src/data/models.py")
    assert project.run("sync").code == 0
    assert not {"src", "src.data", "src.data.models"} & set(sys.modules)

    other = project.root.parent / "other"
    other.mkdir()
    second = Project(other, project.run_in_process)
    second.write("pyproject.toml", "[tool.schema-sync]\n" + config)
    second.write("src/__init__.py", "")
    second.write("src/data/__init__.py", "")
    second.write("src/data/models.py", SIMPLE_MODELS.replace("class Book", "class Novel"))
    result = second.run("sync")
    assert result.code == 0, result.err
    assert "class NovelResponse" in second.read("api/schemas_generated.py")
    assert "src" not in sys.modules
