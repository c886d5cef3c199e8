"""Fixtures: throwaway projects with real Tortoise models, and a CLI runner."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from schema_sync_hook.cli import main

REPO = Path(__file__).resolve().parent.parent
SHOP = REPO / "examples" / "shop"
GOLDEN = Path(__file__).resolve().parent / "golden"


def interruptible() -> None:
    """``preexec_fn`` for a child that a test stops with SIGINT, as Ctrl-C would.

    A runner started in the background (``tox &``, ``nohup``, many CI wrappers) has
    SIGINT ignored, and an ignored signal stays ignored across fork and exec, so the
    child's Python would never install its KeyboardInterrupt handler. The child starts
    with the default disposition instead, as a terminal's foreground job has."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


SIMPLE_MODELS = '''
from enum import Enum

from tortoise import fields, models


class Color(str, Enum):
    RED = "red"
    BLUE = "blue"


class Author(models.Model):
    """Someone who writes."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    email = fields.CharField(max_length=200, null=True)
    password = fields.CharField(max_length=128)
    created_at = fields.DatetimeField(auto_now_add=True)


class Book(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200, description="The title")
    color = fields.CharEnumField(Color, default=Color.RED)
    pages = fields.IntField(default=100)
    author = fields.ForeignKeyField("models.Author", related_name="books")
'''


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("SCHEMA_SYNC_"):
            monkeypatch.delenv(name)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture(autouse=True)
def _fresh_tortoise_executors() -> Iterator[None]:
    """Tortoise caches each table's insert columns by connection and table name, across
    model classes: two tests' models with a table of the same name must not share it."""
    yield
    from tortoise.backends.base import executor

    getattr(executor, "EXECUTOR_CACHE", {}).clear()


@dataclass
class Result:
    code: int
    out: str
    err: str


@dataclass
class Project:
    root: Path
    run_in_process: Callable[..., Result]

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def edit_model(self, old: str, new: str, module: str = "shopmodels.py") -> None:
        """Replace the first ``old`` in the model module with ``new`` (``old`` must be there)."""
        text = self.read(module)
        assert old in text, f"{old!r} not in {module}"
        self.write(module, text.replace(old, new, 1))

    def read(self, relative: str) -> str:
        return (self.root / relative).read_text(encoding="utf-8")

    def run(self, *args: str) -> Result:
        return self.run_in_process(*args, "--root", str(self.root))

    def run_process(self, *args: str, env: dict[str, str] | None = None) -> Result:
        """The real console script in a fresh interpreter."""
        proc = subprocess.run(
            [sys.executable, "-m", "schema_sync_hook", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            check=False,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    @property
    def output(self) -> Path:
        return self.root / "api" / "schemas_generated.py"

    def snapshot(self) -> dict[str, bytes]:
        """Every file under the root except tool caches, for "nothing changed" checks.

        The lock (and the state folder's .gitignore) are left out: a writing run takes
        the lock before it generates, so a run that then fails has still created them.
        """
        found = {}
        lock_files = {".schema_sync/lock", ".schema_sync/.gitignore"}
        for path in sorted(self.root.rglob("*")):
            relative = path.relative_to(self.root).as_posix()
            if relative in lock_files:
                continue
            if path.is_file() and "__pycache__" not in path.parts:
                found[path.relative_to(self.root).as_posix()] = path.read_bytes()
        return found


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def make_project(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> Iterator[Callable[..., Project]]:
    def make(
        models: str = SIMPLE_MODELS,
        config: str = 'models = ["shopmodels"]\noutput = "api/schemas_generated.py"\n',
        module: str = "shopmodels.py",
    ) -> Project:
        root = tmp_path / "proj"
        root.mkdir(exist_ok=True)
        project = Project(root, run_cli)
        project.write("pyproject.toml", "[tool.schema-sync]\n" + textwrap.dedent(config))
        project.write(module, models)
        return project

    yield make


@pytest.fixture
def project(make_project: Callable[..., Project]) -> Project:
    return make_project()


# --- the real pre-commit program (hook repository, consumer repositories) ---------

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Git in this process's environment: a fixed author, no user or system config."""
    for name, value in {**GIT_ENV, "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


@contextlib.contextmanager
def importable_root(
    tmp_path_factory: pytest.TempPathFactory, module: str, output: str
) -> Iterator[Path]:
    """A project folder on sys.path whose settings read the models from ``module``."""
    root = tmp_path_factory.mktemp(module)
    (root / "pyproject.toml").write_text(
        f'[tool.schema-sync]\nmodels = ["{module}"]\noutput = "{output}"\n'
    )
    sys.path.insert(0, str(root))
    try:
        yield root
    finally:
        sys.path.remove(str(root))


def can_unshare() -> bool:
    """Root with mount namespaces: a test can make a real read-only folder or full disk."""
    if not (hasattr(os, "geteuid") and os.geteuid() == 0) or shutil.which("unshare") is None:
        return False
    proc = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    return proc.returncode == 0


def run_confined(project: Project, setup: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the tool in a private mount namespace after ``setup`` (shell, as root)."""
    command = " ".join(
        [sys.executable, "-m", "schema_sync_hook", *args, "--root", str(project.root)]
    )
    script = f"set -e; cd {project.output.parent}; {setup}; cd /; exec {command}"
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, check=False
    )


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def run(
    cmd: list[str], cwd: Path, env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SCHEMA_SYNC_", "GIT_"))}
    environ.update(GIT_ENV)
    environ["HOME"] = str(home)
    environ["PRE_COMMIT_HOME"] = os.environ.get("PRE_COMMIT_HOME") or str(home / "pre-commit")
    environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), environ.get("PATH", "")])
    environ["NO_COLOR"] = "1"
    return environ


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> tuple[Path, str]:
    """A git repo with this checkout's code, as users would reference the real one."""
    repo = tmp_path_factory.mktemp("hook-repo")
    names = (
        "hook",
        "setup.cfg",
        "pyproject.toml",
        "README.md",
        "LICENSE",
        ".pre-commit-hooks.yaml",
    )
    for name in names:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(
                source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
            )
        else:
            shutil.copy(source, repo / name)
    run(["git", "init", "-q", "-b", "main"], repo, env)
    run(["git", "add", "-A"], repo, env)
    run(["git", "commit", "-qm", "hook"], repo, env)
    sha = run(["git", "rev-parse", "HEAD"], repo, env).stdout.strip()
    return repo, sha


def commit(
    root: Path, env: dict[str, str], message: str = "change"
) -> subprocess.CompletedProcess[str]:
    """git commit; pre-commit's output (on stdout or stderr) is returned as stdout."""
    proc = run(["git", "commit", "-m", message], root, env, check=False)
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout + proc.stderr, "")


# --- diff --against: a project committed on main, worked on in a branch -------------


@pytest.fixture
def repo(
    make_project: Callable[..., Project], git_env: None, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], Project]:
    """A project whose models ``base`` are committed with their schemas on ``main``."""

    def make(base: str) -> Project:
        project = make_project(models=base)
        project.write(".gitignore", ".schema_sync/\n")
        assert project.run("sync", "-q").code == 0
        git(project.root, "init", "-q", "-b", "main")
        git(project.root, "add", "-A")
        git(project.root, "commit", "-qm", "base")
        git(project.root, "checkout", "-qb", "feature")
        monkeypatch.chdir(project.root)
        return project

    return make


def changed_lines(project: Project, new_models: str, *args: str) -> tuple[int, list[str]]:
    project.write("shopmodels.py", new_models)
    result = project.run("diff", "--against", "main", "-q", *args)
    assert result.err == ""
    return result.code, result.out.splitlines()


def refused(project: Project, *args: str) -> str:
    """Exit 2, one line on stderr, nothing written."""
    before = project.snapshot()
    result = project.run(*args)
    assert result.code == 2, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert project.snapshot() == before
    return lines[0]
