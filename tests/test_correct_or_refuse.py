"""Correct or refuse (SPEC §8): whatever the models hold, the tool writes a file that
parses, imports and validates, or exits 2 with one line naming the cause.

Every generated file here is imported in a fresh interpreter that also checks
that no code smuggled in through a name or a value ran on import.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Project, can_unshare, run_confined

OUT = "api/schemas_generated.py"
CANARY = "INJECTED"
# A payload that, if it ever ran, leaves a file named INJECTED in the project root.
PAYLOAD = f"__import__('pathlib').Path('{CANARY}').touch()"


def run_generated(project: Project, script: str = "") -> dict[str, object]:
    """Import the generated module in a fresh interpreter; run ``script`` (which may set
    ``result``) and return it; fail if the import ran injected code."""
    code = (
        textwrap.dedent(
            """
        import json, sys
        sys.path.insert(0, ".")
        import api.schemas_generated as gen
        result = {}
        """
        )
        + textwrap.dedent(script)
        + "\nprint(json.dumps(result, default=str))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert not (project.root / CANARY).exists(), "importing the generated file ran injected code"
    data: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return data


def refused(project: Project, *names: str) -> str:
    """The run exits 2 with one line naming every one of ``names``, having written nothing."""
    before = project.snapshot()
    result = project.run("sync")
    assert result.code == 2, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    for name in names:
        assert name in lines[0], (name, lines[0])
    assert project.snapshot() == before
    assert not (project.root / CANARY).exists()
    return lines[0]


MODELS_HEAD = """
from decimal import Decimal
from enum import Enum

from tortoise import fields, models
"""


def models_source(body: str) -> str:
    return textwrap.dedent(MODELS_HEAD) + textwrap.dedent(body)


# --- item 1: names that become code ---------------------------------------------------


def test_enum_default_whose_member_name_is_not_an_identifier(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(
        models_source(
            f"""
            Color = Enum("Color", {{"light blue": "lb", "red": "r", "{PAYLOAD}": "x"}}, type=str)


            class Thing(models.Model):
                id = fields.IntField(primary_key=True)
                color = fields.CharEnumField(Color, default=Color("lb"))
                other = fields.CharEnumField(Color, default=Color("x"))
            """
        )
    )
    assert project.run("sync").code == 0
    text = project.read(OUT)
    assert 'default=Color("lb")' in text
    assert 'default=Color("x")' in text
    data = run_generated(
        project,
        """
        result["color"] = gen.ThingCreate().color.value
        result["other"] = gen.ThingCreate().other.value
        """,
    )
    assert data == {"color": "lb", "other": "x"}


def test_field_named_by_a_keyword_gets_an_alias(make_project: Callable[..., Project]) -> None:
    project = make_project(
        models_source(
            f"""
            class Trip(models.Model):
                id = fields.IntField(primary_key=True)
                locals()["from"] = fields.CharField(max_length=10)
                locals()["None"] = fields.IntField(default=1)
                locals()["a b"] = fields.IntField(default=2)
                locals()["{PAYLOAD}"] = fields.IntField(default=3)
                locals()["\\U0001d41f\\U0001d42b\\U0001d428\\U0001d426"] = fields.IntField(
                    default=4
                )
            """
        )
    )
    assert project.run("sync").code == 0
    text = project.read(OUT)
    assert 'from_: str = Field(max_length=10, alias="from")' in text
    data = run_generated(
        project,
        f"""
        trip = gen.TripCreate.model_validate(
            {{"from": "x", "None": 5, "a b": 6, "{PAYLOAD}": 7,
              "\\U0001d41f\\U0001d42b\\U0001d428\\U0001d426": 8}}
        )
        result["dump"] = trip.model_dump(by_alias=True)
        result["fields"] = sorted(gen.TripCreate.model_fields)
        """,
    )
    assert data["dump"] == {
        "from": "x",
        "None": 5,
        "a b": 6,
        PAYLOAD: 7,
        "\U0001d41f\U0001d42b\U0001d428\U0001d426": 8,
    }
    assert all(str(name).isascii() for name in data["fields"])  # type: ignore[attr-defined]


def test_model_name_that_is_not_an_identifier_is_refused(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(
        models_source(
            """
            OrderLine = type(
                "Order Line",
                (models.Model,),
                {"__module__": __name__, "id": fields.IntField(primary_key=True)},
            )
            """
        )
    )
    refused(project, "Order Line", "model name")


def test_model_name_with_code_is_refused(make_project: Callable[..., Project]) -> None:
    name = f"A(BaseModel): pass\\n{PAYLOAD}\\nclass B"
    project = make_project(
        models_source(
            f"""
            Evil = type(
                "{name}",
                (models.Model,),
                {{"__module__": __name__, "id": fields.IntField(primary_key=True)}},
            )
            """
        )
    )
    refused(project, "model name")


def test_enum_defined_inside_a_function_is_refused(make_project: Callable[..., Project]) -> None:
    project = make_project(
        models_source(
            """
            def make():
                class Status(str, Enum):
                    A = "a"
                return Status


            Status = make()


            class Job(models.Model):
                id = fields.IntField(primary_key=True)
                status = fields.CharEnumField(Status, default=Status.A)
            """
        )
    )
    line = refused(project, "Job.status", "make.<locals>.Status")
    assert "module level" in line


def test_enum_class_with_a_crafted_qualname_is_refused(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(
        models_source(
            f"""
            class Status(str, Enum):
                A = "a"


            Status.__qualname__ = "Status\\n{PAYLOAD}"


            class Job(models.Model):
                id = fields.IntField(primary_key=True)
                status = fields.CharEnumField(Status)
            """
        )
    )
    refused(project, "Job.status")


def test_validator_name_in_a_comment_is_escaped(make_project: Callable[..., Project]) -> None:
    project = make_project(
        models_source(
            f"""
            def check(value):
                pass


            check.__qualname__ = "check\\n{PAYLOAD}\\r\\u2028x"


            class Job(models.Model):
                id = fields.IntField(primary_key=True)
                name = fields.CharField(max_length=10, validators=[check])
            """
        )
    )
    assert project.run("sync").code == 0
    text = project.read(OUT)
    comments = [line for line in text.splitlines() if "is not carried over" in line]
    assert comments and all(line.lstrip().startswith("# validator ") for line in comments)
    assert "\u2028" not in text and "\r" not in text
    run_generated(project)


def test_number_like_defaults_are_written_from_their_value(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(
        models_source(
            f"""
            class EvilInt(int):
                def __repr__(self):
                    return "{PAYLOAD}"

                __str__ = __repr__


            class EvilFloat(float):
                __repr__ = EvilInt.__repr__
                __str__ = EvilInt.__repr__


            class EvilDecimal(Decimal):
                __repr__ = EvilInt.__repr__
                __str__ = EvilInt.__repr__


            class EvilStr(str):
                def __iter__(self):
                    return iter(["\\"", "#", "x"])

                __repr__ = EvilInt.__repr__
                __str__ = EvilInt.__repr__


            class Job(models.Model):
                id = fields.IntField(primary_key=True)
                n = fields.IntField(default=EvilInt(5))
                f = fields.FloatField(default=EvilFloat(1.5))
                d = fields.DecimalField(max_digits=5, decimal_places=2, default=EvilDecimal("1.25"))
                s = fields.CharField(max_length=20, default=EvilStr("plain"))
            """
        )
    )
    assert project.run("sync").code == 0
    data = run_generated(
        project,
        """
        job = gen.JobCreate()
        result = {"n": job.n, "f": job.f, "d": str(job.d), "s": job.s}
        """,
    )
    assert data == {"n": 5, "f": 1.5, "d": "1.25", "s": "plain"}


def test_type_override_that_is_not_a_dotted_name_is_refused(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(
        config=(
            'models = ["shopmodels"]\noutput = "api/schemas_generated.py"\n'
            "[tool.schema-sync.type_overrides]\n"
            f'"Book.title" = "os.system(1); {PAYLOAD}"\n'
        )
    )
    refused(project, "Book.title")


# --- item 2: a pattern pydantic's default engine cannot compile -------------------------


def test_look_around_pattern_is_enforced_with_pythons_engine(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(
        models_source(
            """
            import re

            from tortoise.validators import RegexValidator


            class Account(models.Model):
                id = fields.IntField(primary_key=True)
                login = fields.CharField(
                    max_length=20, validators=[RegexValidator(r"(?!admin)[a-z]+", 0)]
                )
                code = fields.CharField(
                    max_length=20, validators=[RegexValidator(r"(?i)[a-z]+\\Z", 0)]
                )


            class Plain(models.Model):
                id = fields.IntField(primary_key=True)
                code = fields.CharField(max_length=20, validators=[RegexValidator("[a-z]+", 0)])
                tag = fields.CharField(
                    max_length=20, validators=[RegexValidator("[a-z]+  # letters", re.X)]
                )
            """
        )
    )
    assert project.run("sync").code == 0
    text = project.read(OUT)
    plain = text[text.index("class PlainCreate") :]
    assert text.count('regex_engine="python-re"') == 3  # Account's three classes only
    assert "regex_engine" not in plain
    data = run_generated(
        project,
        """
        from pydantic import ValidationError

        def accepts(schema, **values):
            try:
                schema.model_validate(values)
            except ValidationError:
                return False
            return True

        result = {
            "admin": accepts(gen.AccountCreate, login="admin", code="x"),
            "bob": accepts(gen.AccountCreate, login="bob", code="x"),
            "update admin": accepts(gen.AccountUpdate, login="admin"),
            "upper code": accepts(gen.AccountCreate, login="bob", code="ABC"),
            "code with newline": accepts(gen.AccountCreate, login="bob", code="abc\\\\n"),
            "plain": accepts(gen.PlainCreate, code="1", tag="a"),
            "verbose": accepts(gen.PlainCreate, code="a", tag="abc"),
            "verbose upper": accepts(gen.PlainCreate, code="a", tag="ABC"),
        }
        """,
    )
    assert data == {
        "admin": False,
        "bob": True,
        "update admin": False,
        "upper code": True,
        "code with newline": False,
        "plain": False,
        "verbose": True,
        "verbose upper": False,
    }


# --- item 4: cache inputs outside the root ----------------------------------------------


def test_an_edit_outside_the_root_is_not_answered_from_the_cache(tmp_path: Path) -> None:
    """python_path = ["../shared"]: the shared models are inputs of the cache."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "sharedmodels.py").write_text(
        "from tortoise import fields, models\n\n\n"
        "class Note(models.Model):\n"
        "    id = fields.IntField(primary_key=True)\n"
        "    text = fields.CharField(max_length=10)\n",
        encoding="utf-8",
    )
    root = tmp_path / "app"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.schema-sync]\nmodels = ["sharedmodels"]\noutput = "api/schemas_generated.py"\n'
        'python_path = ["../shared"]\n',
        encoding="utf-8",
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "schema_sync_hook", *args, "--root", str(root)],
            capture_output=True,
            text=True,
            check=False,
        )

    assert run("sync").returncode == 0
    assert run().returncode == 0  # in sync: the cache is written
    cache = json.loads((root / ".schema_sync" / "cache.json").read_text(encoding="utf-8"))
    assert (shared / "sharedmodels.py").as_posix() in cache["inputs"]
    model = shared / "sharedmodels.py"
    model.write_text(model.read_text(encoding="utf-8").replace("10", "20"), encoding="utf-8")
    check = run("--check")
    assert check.returncode == 1, check
    assert "max_length=20" in check.stdout
    assert run().returncode == 1  # hook mode sees it too (and writes)


# --- item 6: collisions ------------------------------------------------------------------


@pytest.mark.parametrize("args", [("sync",), ("sync", "--force"), (), ("--check",)])
def test_output_naming_a_model_module_is_refused(
    make_project: Callable[..., Project], args: tuple[str, ...]
) -> None:
    project = make_project(config='models = ["shopmodels"]\noutput = "shopmodels.py"\n')
    before = project.snapshot()
    result = project.run(*args)
    assert result.code == 2, result
    assert "output" in result.err and "shopmodels.py" in result.err
    assert "--force" not in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert project.snapshot() == before


def test_output_naming_a_module_the_models_import_is_refused(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(
        models="from shopenums import Color\n"
        + models_source(
            """
            class Tag(models.Model):
                id = fields.IntField(primary_key=True)
            """
        ),
        config='models = ["shopmodels"]\noutput = "shopenums.py"\n',
    )
    project.write("shopenums.py", "from enum import Enum\n\nColor = Enum('Color', 'A B')\n")
    before = project.snapshot()
    result = project.run("sync", "--force")
    assert result.code == 2, result
    assert "shopenums.py" in result.err
    assert project.snapshot() == before


@pytest.mark.parametrize("args", [("sync",), ("sync", "--force"), ()])
def test_manual_schema_that_is_the_output_with_auto_merge_is_refused(
    make_project: Callable[..., Project], args: tuple[str, ...]
) -> None:
    project = make_project(
        config=(
            'models = ["shopmodels"]\noutput = "api/schemas.py"\n'
            'manual_schema = "api/schemas.py"\nauto_merge = true\n'
        )
    )
    project.write("api/schemas.py", '"""Mine."""\n')
    before = project.snapshot()
    result = project.run(*args)
    assert result.code == 2, result
    assert "manual_schema" in result.err and "output" in result.err
    assert "api/schemas.py" in result.err
    assert project.snapshot() == before


# --- item 7: the user's problems exit 2 with one line, never 3 ---------------------------


def one_line_exit_2(project: Project, *args: str) -> str:
    before = project.snapshot()
    result = project.run(*args)
    assert result.code == 2, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "internal error" not in lines[0]
    assert project.snapshot() == before
    return lines[0]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('tool = 1\n[project]\nname = "x"\n', "[tool]"),
        ('[tool]\nruff = 5\n[tool.schema-sync]\nmodels = ["shopmodels"]\n', "[tool.ruff]"),
        ('[tool]\nblack = "x"\n[tool.schema-sync]\nmodels = ["shopmodels"]\n', "[tool.black]"),
        ('[tool.schema-sync]\nmodels = ["shopmodels"]\n# caf\xff\n', "UTF-8"),
        ('[tool.schema-sync]\nmodels = ["shopmodels"]\noutput = "a\\u0000.py"\n', "output"),
        (
            '[tool.schema-sync]\nmodels = ["shopmodels"]\npython_path = ["a\\u0000"]\n',
            "python_path",
        ),
        ('[tool.schema-sync]\nmodels = ["shopmodels"]\nbackup_dir = "b\\u0000"\n', "backup_dir"),
    ],
)
def test_odd_pyproject_exits_2(
    make_project: Callable[..., Project], text: str, needle: str
) -> None:
    project = make_project()
    (project.root / "pyproject.toml").write_bytes(text.encode("utf-8", "surrogateescape"))
    if "\xff" in text:
        (project.root / "pyproject.toml").write_bytes(text.replace("\xff", "").encode() + b"\xff\n")
    if needle in ("[tool]",):
        project.write("setup.cfg", "[schema-sync]\nmodels = shopmodels\n")
    line = one_line_exit_2(project, "sync")
    assert "pyproject.toml" in line and needle in line, line


def test_setup_cfg_that_is_not_utf8_exits_2(make_project: Callable[..., Project]) -> None:
    project = make_project()
    (project.root / "pyproject.toml").unlink()
    (project.root / "setup.cfg").write_bytes(b"[schema-sync]\nmodels = shopmodels\n# caf\xff\n")
    line = one_line_exit_2(project, "sync")
    assert "setup.cfg" in line and "UTF-8" in line


@pytest.mark.parametrize("lock_writable", [False, True])
def test_read_only_state_folder_exits_2_before_writing(
    make_project: Callable[..., Project], lock_writable: bool
) -> None:
    """A real read-only .schema_sync (a read-only bind mount in a private mount
    namespace); with ``lock_writable`` its lock file stays writable (a file bind-mounted
    over it) and backups live elsewhere, so only the state file cannot be written."""
    if not can_unshare():
        pytest.skip("a real read-only folder for root needs mount namespaces")
    project = make_project(
        config='models = ["shopmodels"]\noutput = "api/schemas_generated.py"\n'
        'backup_dir = "backups"\n'
    )
    assert project.run("sync").code == 0
    model = project.root / "shopmodels.py"
    model.write_text(model.read_text().replace("default=100", "default=101"))
    before = project.snapshot()
    state = project.root / ".schema_sync"
    setup = f"mount --bind {state} {state}; mount -o remount,ro,bind {state}"
    if lock_writable:
        setup = f"cp {state}/lock /tmp/lock_$$; {setup}; mount --bind /tmp/lock_$$ {state}/lock"
    for args in (("sync",), ()):
        proc = run_confined(project, setup, *args)
        assert proc.returncode == 2, proc
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and ".schema_sync" in lines[0], proc.stderr
        assert "writable" in lines[0]
        assert project.snapshot() == before  # nothing written, and it says why


def test_full_disk_while_writing_the_lock_exits_2(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIMULATED: os.write raises ENOSPC (the lock's pid is the only os.write of a run)."""
    assert project.run("sync").code == 0
    model = project.root / "shopmodels.py"
    model.write_text(model.read_text().replace("default=100", "default=101"))
    before = project.snapshot()

    def no_space(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", no_space)
    result = project.run("sync")
    monkeypatch.undo()
    assert result.code == 2, result
    assert "No space left on device" in result.err and "lock" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert project.snapshot() == before


# --- item 8: production writes nothing ---------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [("sync",), ("sync", "--force"), ("--watch",), ("backup", "restore", "--name", "NAME")],
)
def test_production_writes_nothing(
    make_project: Callable[..., Project], args: tuple[str, ...]
) -> None:
    project = make_project()
    assert project.run("sync").code == 0
    model = project.root / "shopmodels.py"
    model.write_text(model.read_text().replace("default=100", "default=99"))
    assert project.run("sync").code == 0  # a backup to restore
    model.write_text(model.read_text().replace("default=99", "default=101"))
    [name] = [p.name for p in (project.root / ".schema_sync" / "backups").iterdir()]
    args = tuple(name if a == "NAME" else a for a in args)
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'environment = "production"\n')
    state = project.root / ".schema_sync"
    before = {p: p.read_bytes() for p in state.rglob("*") if p.is_file()}
    line = one_line_exit_2(project, *args)
    assert "environment=production" in line and "nothing was written" in line
    assert {p: p.read_bytes() for p in state.rglob("*") if p.is_file()} == before
    # reading still works: the drift is reported, not written
    assert project.run("sync", "--dry-run").code == 0
    assert project.run("--check").code == 1


# --- item 5: restore writes only the configured output, byte-exact -----------------------


def forge_backup(project: Project, path: str, data: bytes) -> str:
    """A backup (as the tool lays them out) whose metadata names ``path``."""
    import hashlib

    assert project.run("sync").code == 0
    model = project.root / "shopmodels.py"
    model.write_text(model.read_text().replace("default=100", "default=99"))
    assert project.run("sync").code == 0  # a real change: one backup
    backups = project.root / ".schema_sync" / "backups"
    [folder] = list(backups.iterdir())
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    metadata["files"] = [{"path": path, "sha256": hashlib.sha256(data).hexdigest()}]
    (folder / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    target = folder / "files" / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return folder.name


@pytest.mark.parametrize(
    "path", ["shopmodels.py", ".git/hooks/pre-commit", "api/../shopmodels.py", "pyproject.toml"]
)
def test_restore_refuses_a_path_that_is_not_the_output(
    make_project: Callable[..., Project], path: str
) -> None:
    project = make_project()
    (project.root / ".git" / "hooks").mkdir(parents=True)
    (project.root / ".git" / "hooks" / "pre-commit").write_text("#!/bin/sh\nexit 0\n")
    name = forge_backup(project, path, b"raise SystemExit('replaced')\n")
    line = one_line_exit_2(project, "backup", "restore", "--name", name)
    assert repr(path) in line and "nothing was restored" in line


def test_restore_of_an_app_output_with_a_bad_label_is_refused(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(config='models = ["shopmodels"]\noutput = "api/{app}_schemas.py"\n')
    name = forge_backup(project, "api/../../x_schemas.py", b"x = 1\n")
    one_line_exit_2(project, "backup", "restore", "--name", name)


def test_restore_is_byte_exact(make_project: Callable[..., Project]) -> None:
    project = make_project()
    assert project.run("sync").code == 0
    edited = project.output.read_bytes() + b"# caf\xff hand edit\r\n"
    project.output.write_bytes(edited)
    assert project.run("sync", "--force").code == 0  # backs up the hand edit
    backups = sorted(p.name for p in (project.root / ".schema_sync" / "backups").iterdir())
    result = project.run("backup", "restore", "--name", backups[-1])
    assert result.code == 0, result
    assert project.output.read_bytes() == edited


def test_generated_text_that_does_not_compile_is_never_written(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SPEC §8: a bug that renders broken code exits 3 and writes nothing."""
    from schema_sync_hook.pipeline import generate as generating
    from schema_sync_hook.render.files import GeneratedFile

    assert project.run("sync").code == 0
    project.edit_model("    pages =", "    isbn = fields.IntField(null=True)\n    pages =")
    real = generating.generate

    def broken(config):  # type: ignore[no-untyped-def]
        spec, made = real(config)
        return spec, [
            GeneratedFile(g.path, g.content + "\nclass (:\n", g.models, g.modules) for g in made
        ]

    monkeypatch.setattr(generating, "generate", broken)
    before = project.snapshot()
    for args in (("sync",), ()):
        result = project.run(*args)
        assert result.code == 3, result
        assert "api/schemas_generated.py" in result.err and "would not compile" in result.err
        assert "this is a bug in schema-sync-hook" in result.err
        assert project.snapshot() == before


def test_restoring_a_backup_that_does_not_compile_puts_its_bytes_back_and_says_so(
    project: Project,
) -> None:
    """SPEC §5: a backup may hold a hand edit someone wants back, compiling or not."""
    assert project.run("sync").code == 0
    edited = project.output.read_bytes() + b"\nclass (:\n"
    project.output.write_bytes(edited)
    assert project.run("sync", "--force").code == 0  # backs the hand edit up
    name = project.run("backup", "list").out.split()[0]
    result = project.run("backup", "restore", "--name", name)
    assert result.code == 0, result
    assert project.output.read_bytes() == edited
    assert "does not compile" in result.out and "sync --force" in result.out


# --- item 9: messages that mislead -------------------------------------------------------


def test_check_on_a_hand_edited_file_advises_force_and_names_no_model(project: Project) -> None:
    assert project.run("sync").code == 0
    with project.output.open("a", encoding="utf-8") as fh:
        fh.write("    extra: int = 0\n")  # appended by hand, inside the last class
    result = project.run("--check")
    assert result.code == 1
    assert "sync --force" in result.out
    [line] = [line for line in result.out.splitlines() if "edited by hand" in line]
    assert "Book" not in line and "Author" not in line
    assert "the differences are the hand edit" in line


def test_status_shows_table_settings_as_tables(project: Project) -> None:
    result = project.run("status", "--json")
    settings = json.loads(result.out)["settings"]
    assert settings["type_overrides"]["value"] == {}
    assert project.run("status").out.count("type_overrides = {}") == 1


def test_status_json_is_not_corrupted_by_a_print_in_the_models(
    make_project: Callable[..., Project],
) -> None:
    from conftest import SIMPLE_MODELS

    project = make_project(models='print("hello from the models")\n' + SIMPLE_MODELS)
    result = project.run("status", "--json")
    assert json.loads(result.out)["models_found"] == 2
    assert "hello from the models" in result.err


def test_deleting_a_symlinked_backup_removes_the_link_only(project: Project) -> None:
    elsewhere = project.root.parent / "elsewhere"
    (elsewhere / "files").mkdir(parents=True)
    (elsewhere / "metadata.json").write_text('{"created": "", "reason": "", "files": []}')
    backups = project.root / ".schema_sync" / "backups"
    backups.mkdir(parents=True)
    (backups / "schema_backup_20260101_000000").symlink_to(elsewhere)
    result = project.run("backup", "delete", "--name", "schema_backup_20260101_000000")
    assert result.code == 0, result
    assert "None" not in result.out + result.err
    assert not (backups / "schema_backup_20260101_000000").exists()
    assert (elsewhere / "metadata.json").is_file()


def test_force_on_unchanged_content_keeps_the_backup_of_a_hand_edit(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(
        config='models = ["shopmodels"]\noutput = "api/schemas_generated.py"\nmax_backups = 1\n'
    )
    assert project.run("sync").code == 0
    edited = project.output.read_bytes() + b"# mine\n"
    project.output.write_bytes(edited)
    assert project.run("sync", "--force").code == 0  # backs up the hand edit
    for _ in range(3):
        assert project.run("sync", "--force").code == 0  # unchanged: nothing to back up
    [backup] = list((project.root / ".schema_sync" / "backups").iterdir())
    assert (backup / "files" / "api/schemas_generated.py").read_bytes() == edited


def test_read_only_backups_folder_names_that_folder_and_key(
    make_project: Callable[..., Project],
) -> None:
    """A real read-only backups folder (a read-only bind mount in a private mount namespace)."""
    if not can_unshare():
        pytest.skip("a real read-only folder for root needs mount namespaces")
    project = make_project()
    assert project.run("sync").code == 0
    model = project.root / "shopmodels.py"
    model.write_text(model.read_text().replace("default=100", "default=101"))
    assert project.run("sync").code == 0  # the backups folder now exists
    model.write_text(model.read_text().replace("default=101", "default=102"))
    folder = project.root / ".schema_sync" / "backups"
    setup = f"mount --bind {folder} {folder}; mount -o remount,ro,bind {folder}"
    proc = run_confined(project, setup, "sync")
    assert proc.returncode == 2, proc
    assert f"make {folder} writable, or change the 'backup_dir' setting" in proc.stderr
