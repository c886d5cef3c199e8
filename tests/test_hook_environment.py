"""The hook in a bare pre-commit environment (SPEC §11), with the real pre-commit.

The consumer's package ``__init__`` creates a FastAPI app; its models import a
settings module built on ``pydantic_settings`` and a cache module importing
``redis``. pre-commit's virtualenv for the hook has none of the three and the
consumer adds no ``additional_dependencies``.

The expected bytes come from a "full environment": this test's own interpreter,
where fastapi is installed, plus a folder of tiny real stand-in packages for
``pydantic_settings`` and ``redis`` (neither is installed here) on PYTHONPATH.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from schema_sync_hook.settings.schema import hook_files_pattern

from conftest import REPO, SIMPLE_MODELS, commit, run

pytestmark = pytest.mark.slow

OUT = "api/schemas_generated.py"

STANDINS = {
    "pydantic_settings/__init__.py": """
        class BaseSettings:
            def __init__(self):
                for name in type(self).__annotations__:
                    setattr(self, name, getattr(type(self), name))


        def SettingsConfigDict(**kwargs):
            return kwargs
        """,
    "redis/__init__.py": """
        class Redis:
            @classmethod
            def from_url(cls, url):
                return cls()
        """,
}

CONSUMER = {
    "shop/__init__.py": """
        from fastapi import FastAPI

        app = FastAPI(title="shop")
        """,
    "shop/settings.py": """
        from pydantic_settings import BaseSettings, SettingsConfigDict


        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="SHOP_")
            redis_url: str = "redis://localhost:6379"
            title_length: int = 200


        settings = Settings()
        """,
    "shop/cache.py": """
        import redis

        from shop.settings import settings

        client = redis.Redis.from_url(settings.redis_url + "/0")
        """,
    "shop/models.py": "from shop import cache  # noqa: F401\nfrom shop.settings import settings\n"
    + textwrap.dedent(SIMPLE_MODELS),
    "README.md": "consumer\n",
}
CONFIG = '[tool.schema-sync]\nmodels = ["shop.models"]\noutput = "api/schemas_generated.py"\n'
STUB = 'missing_imports = "stub"\n'


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def full_environment_bytes(tmp_path: Path, env: dict[str, str]) -> bytes:
    """What the tool writes where fastapi, pydantic_settings and redis import."""
    site = tmp_path / "site"
    write(site, STANDINS)
    project = tmp_path / "full"
    write(project, {**CONSUMER, "pyproject.toml": CONFIG})
    full_env = {**env, "PYTHONPATH": str(site)}
    probe = "import fastapi, pydantic_settings, redis"
    run([sys.executable, "-c", probe], project, full_env)
    run([sys.executable, "-m", "schema_sync_hook", "sync", "-q"], project, full_env)
    return (project / OUT).read_bytes()


def test_bare_hook_environment(
    tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    expected = full_environment_bytes(tmp_path, env)
    root = tmp_path / "consumer"
    write(root, {**CONSUMER, "pyproject.toml": CONFIG})
    repo, rev = hook_repo
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: schema-sync\n"
    )
    run(["git", "init", "-q", "-b", "main"], root, env)
    run([sys.executable, "-m", "pre_commit", "install"], root, env)
    run(["git", "add", "-A"], root, env)

    # Without missing_imports: the advice names the additional_dependencies entry.
    advice = commit(root, env, "models")
    assert advice.returncode != 0
    assert "additional_dependencies: [fastapi, pydantic-settings, redis]" in advice.stdout
    assert "repo: local" not in advice.stdout  # pre-commit made this hook's environment
    assert (
        "'fastapi' (shop/__init__.py:1), 'pydantic_settings' (shop/settings.py:1)" in advice.stdout
    )
    assert not (root / OUT).exists()

    # With stub: the hook writes exactly what the full environment writes.
    (root / "pyproject.toml").write_text(CONFIG + STUB)
    run(["git", "add", "-A"], root, env)
    created = commit(root, env, "models")
    assert created.returncode != 0, created.stdout
    assert f"created {OUT}" in created.stdout
    assert (root / OUT).read_bytes() == expected
    run(["git", "add", OUT], root, env)
    passed = commit(root, env, "models and schemas")
    assert passed.returncode == 0, passed.stdout
    status = run([sys.executable, "-m", "pre_commit", "run", "--all-files", "-v"], root, env)
    assert "Passed" in status.stdout

    # A value of the stubbed settings reaching the schema: refused, naming the field.
    models = root / "shop" / "models.py"
    models.write_text(
        models.read_text().replace(
            'title = fields.CharField(max_length=200, description="The title")',
            "title = fields.CharField(max_length=settings.title_length)",
        )
    )
    run(["git", "add", "-A"], root, env)
    refused = commit(root, env, "title length from the settings")
    assert refused.returncode != 0
    line = next(x for x in refused.stdout.splitlines() if "error:" in x)
    assert "Book.title:" in line and "'pydantic_settings'" in line, refused.stdout
    assert "additional_dependencies: [pydantic-settings]" in line
    assert (root / OUT).read_bytes() == expected  # nothing was written


def test_the_stub_run_is_the_full_run_outside_pre_commit(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """The same project with this interpreter (fastapi installed), PRE_COMMIT unset."""
    expected = full_environment_bytes(tmp_path, env)
    root = tmp_path / "bare"
    write(root, {**CONSUMER, "pyproject.toml": CONFIG})
    bare_env = {k: v for k, v in env.items() if k not in ("PYTHONPATH", "PRE_COMMIT")}
    advice = run([sys.executable, "-m", "schema_sync_hook"], root, bare_env, check=False)
    assert advice.returncode == 2
    assert "pip install pydantic-settings redis" in advice.stderr  # fastapi is installed here
    (root / "pyproject.toml").write_text(CONFIG + STUB)
    stubbed = run([sys.executable, "-m", "schema_sync_hook", "-v"], root, bare_env, check=False)
    assert stubbed.returncode == 1, stubbed.stderr
    assert "stubbed missing modules: pydantic_settings, redis" in stubbed.stderr
    assert (root / OUT).read_bytes() == expected
    shutil.rmtree(root / ".schema_sync")
    assert os.listdir(root / "api") == ["schemas_generated.py"]


def readme_local_recipe() -> str:
    """The README's ``repo: local`` recipe (way 2), as printed there."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("**2. `repo: local`", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    assert "language: unsupported" in block
    return block


def test_readme_local_recipes_use_the_hooks_files_pattern() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    recipes = [block.split("```", 1)[0] for block in text.split("  - repo: local\n")[1:3]]
    assert len(recipes) == 2 and "uv run" in recipes[1]
    for recipe in recipes:
        assert f"files: '{hook_files_pattern()}'" in recipe


def test_readme_local_recipe_runs_in_the_project_environment(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """Way 2: the project's environment (this interpreter, where fastapi is installed
    and the stand-ins are on PYTHONPATH) runs the hook with nothing listed."""
    site = tmp_path / "site"
    write(site, STANDINS)
    root = tmp_path / "consumer"
    write(root, {**CONSUMER, "pyproject.toml": CONFIG})
    (root / ".pre-commit-config.yaml").write_text("repos:\n" + readme_local_recipe())
    project_env = {**env, "PYTHONPATH": str(site)}
    run(["git", "init", "-q", "-b", "main"], root, project_env)
    run([sys.executable, "-m", "pre_commit", "install"], root, project_env)
    run(["git", "add", "-A"], root, project_env)
    created = commit(root, project_env, "models")
    assert created.returncode != 0 and f"created {OUT}" in created.stdout, created.stdout
    assert (root / OUT).read_bytes() == full_environment_bytes(tmp_path / "full", env)
    run(["git", "add", OUT], root, project_env)
    assert commit(root, project_env, "schemas").returncode == 0
