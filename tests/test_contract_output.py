"""Key ``contract_output`` (SPEC §14): the wire contract written, backed up and gated
with the generated Python file, in hook mode, ``--check``, ``sync`` and ``status``."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from conftest import Project

CONFIG = 'models = ["shopmodels"]\noutput = "api/schemas_generated.py"\n'
CONTRACT = "api/contract.json"


def with_contract(make_project: Callable[..., Project]) -> Project:
    return make_project(config=CONFIG + f'contract_output = "{CONTRACT}"\n')


def test_sync_writes_a_deterministic_contract(make_project: Callable[..., Project]) -> None:
    project = with_contract(make_project)
    assert project.run("sync", "-q").code == 0
    text = project.read(CONTRACT)
    data = json.loads(text)
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    names = [c["name"] for c in data["x-schema-sync-classes"]]
    assert names and all(name in data["$defs"] for name in names)
    assert not [key for key in data["$defs"] if key.endswith(("-Input", "-Output"))]
    modes = {c["name"]: c["mode"] for c in data["x-schema-sync-classes"]}
    assert {modes[n] for n in names if n.endswith(("Create", "Update"))} == {"validation"}
    assert {modes[n] for n in names if n.endswith(("Response", "Detail"))} == {"serialization"}
    assert str(project.root) not in text
    assert project.run("--check", "--no-cache").code == 0
    assert project.run("sync", "--force", "-q").code == 0
    assert project.read(CONTRACT) == text  # byte for byte, run after run


def test_a_stale_contract_fails_check_and_sync_rewrites_it(
    make_project: Callable[..., Project],
) -> None:
    project = with_contract(make_project)
    assert project.run("sync", "-q").code == 0
    good = project.read(CONTRACT)
    project.write(CONTRACT, good.replace('"title"', '"Title"', 1))
    result = project.run("--check", "--no-cache")
    assert result.code == 1
    assert f"{CONTRACT} is out of date" in result.out + result.err
    assert project.run("status", "--json").code == 0
    status = json.loads(project.run("status", "--json").out)
    assert {f["path"]: f["state"] for f in status["files"]}[CONTRACT] == "stale"
    result = project.run("sync")
    assert result.code == 0
    assert project.read(CONTRACT) == good
    listing = json.loads(project.run("backup", "list", "--json").out)
    assert any(CONTRACT in json.dumps(entry) for entry in listing)


def test_hook_mode_writes_a_missing_contract(make_project: Callable[..., Project]) -> None:
    project = with_contract(make_project)
    assert project.run("sync", "-q").code == 0
    (project.root / CONTRACT).unlink()
    result = project.run("--no-cache")
    assert result.code == 1
    assert (project.root / CONTRACT).is_file()
    assert project.run("--no-cache").code == 0


def test_a_contract_path_through_a_symlink_out_of_the_root_is_refused(
    make_project: Callable[..., Project], tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    project = make_project(config=CONFIG + 'contract_output = "link/contract.json"\n')
    (project.root / "link").symlink_to(outside, target_is_directory=True)
    for args in (("sync",), ("--check", "--no-cache"), ("--no-cache",)):
        result = project.run(*args)
        assert result.code == 2, result
        assert "contract_output" in result.err and "symlink link" in result.err
    assert list(outside.iterdir()) == []


def test_a_json_file_the_tool_did_not_write_is_never_replaced_by_the_contract(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(config=CONFIG + 'contract_output = "package.json"\n')
    frontend = '{"name": "frontend", "version": "1.0.0"}\n'
    project.write("package.json", frontend)
    for args in (("sync", "--force"), ("--check", "--no-cache"), ("--no-cache",)):
        result = project.run(*args)
        assert result.code == 2, result
        assert "package.json" in result.err and "was not generated" in result.err
        assert len(result.err.strip().splitlines()) == 1
    assert project.read("package.json") == frontend


def test_one_class_name_in_two_files_is_refused(make_project: Callable[..., Project]) -> None:
    """Two apps' models named alike give two files the same class names: the contract
    matches classes by name, so it refuses, naming both files, and writes nothing."""
    project = make_project(
        config='tortoise_config = "settings.TORTOISE_ORM"\noutput = "api/{app}_schemas.py"\n'
        f'contract_output = "{CONTRACT}"\n'
    )
    book = "from tortoise import fields, models\n\n\nclass Book(models.Model):\n"
    project.write("shopmodels.py", book + "    id = fields.IntField(primary_key=True)\n")
    project.write("shop2.py", book + "    id = fields.IntField(primary_key=True)\n")
    project.write(
        "settings.py",
        'TORTOISE_ORM = {"connections": {"default": "sqlite://:memory:"},'
        ' "apps": {"models": {"models": ["shopmodels"]}, "b": {"models": ["shop2"]}}}\n',
    )
    result = project.run("sync")
    assert result.code == 2
    (line,) = result.err.strip().splitlines()
    assert "api/b_schemas.py and api/models_schemas.py both define BookCreate" in line
    assert not (project.root / "api").exists()
