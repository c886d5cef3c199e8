"""Configuration: every source, its precedence, and errors that name the source."""

from __future__ import annotations

from pathlib import Path

import pytest

from schema_sync_hook.errors import ConfigError, UserError
from schema_sync_hook.settings.schema import Settings
from schema_sync_hook.settings.sources import find_root, load_config


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_defaults(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.schema-sync]\nmodels = ["m"]\n')
    config = load_config(tmp_path, environ={})
    assert config.settings == Settings(models=("m",))
    assert config.settings.output == "src/api/schemas_generated.py"
    assert config.settings.max_backups == 10
    assert config.origins["output"] == "default"
    assert config.origins["models"] == "pyproject.toml [tool.schema-sync]"
    assert config.line_length == 88


def test_precedence_env_dotenv_pyproject_setupcfg(tmp_path: Path) -> None:
    write(
        tmp_path / "setup.cfg",
        "[schema-sync]\nmodels = a.models\nmax_backups = 1\nauto_merge = yes\n"
        "backup_dir = cfg\nenvironment = staging\n",
    )
    write(
        tmp_path / "pyproject.toml",
        "[tool.schema-sync]\nmax_backups = 2\nbackup_dir = 'toml'\nenvironment = 'test'\n",
    )
    write(tmp_path / ".env", "SCHEMA_SYNC_MAX_BACKUPS=3\nSCHEMA_SYNC_BACKUP_DIR=dotenv\nOTHER=x\n")
    environ = {"SCHEMA_SYNC_MAX_BACKUPS": "4"}
    config = load_config(tmp_path, environ=environ)
    s = config.settings
    assert s.max_backups == 4 and config.origins["max_backups"] == "environment"
    assert s.backup_dir == "dotenv" and config.origins["backup_dir"] == ".env"
    assert s.environment == "test" and "pyproject.toml" in config.origins["environment"]
    assert s.auto_merge is True and config.origins["auto_merge"] == "setup.cfg [schema-sync]"
    assert s.models == ("a.models",)
    dotenv_only = load_config(tmp_path, environ={})
    assert dotenv_only.settings.max_backups == 3
    assert dotenv_only.origins["max_backups"] == ".env"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("1", True), ("yes", True), ("false", False), ("0", False), ("no", False)],
)
def test_env_booleans(tmp_path: Path, raw: str, expected: bool) -> None:
    write(tmp_path / "pyproject.toml", '[tool.schema-sync]\nmodels = ["m"]\n')
    config = load_config(tmp_path, environ={"SCHEMA_SYNC_BACKUP_ENABLED": raw})
    assert config.settings.backup_enabled is expected


@pytest.mark.parametrize(
    "line",
    [
        "SCHEMA_SYNC_OUTPUT=api/q.py",
        "SCHEMA_SYNC_OUTPUT=api/q.py  # the generated file",
        "SCHEMA_SYNC_OUTPUT='api/q.py'",
        "SCHEMA_SYNC_OUTPUT='api/q.py'  # the generated file",
        'export SCHEMA_SYNC_OUTPUT="api/q.py" # the generated file',
    ],
)
def test_dotenv_values_quoted_and_commented(tmp_path: Path, line: str) -> None:
    write(tmp_path / "pyproject.toml", '[tool.schema-sync]\nmodels = ["m"]\n')
    write(tmp_path / ".env", line + "\n")
    assert load_config(tmp_path, environ={}).settings.output == "api/q.py"


def test_env_lists_are_comma_separated(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "")
    config = load_config(
        tmp_path,
        environ={
            "SCHEMA_SYNC_MODELS": "app.models, app.audit",
            "SCHEMA_SYNC_WATCH_DEBOUNCE_SECONDS": "0.5",
        },
    )
    assert config.settings.models == ("app.models", "app.audit")
    assert config.settings.watch_debounce_seconds == 0.5


@pytest.mark.parametrize(
    ("where", "text", "message"),
    [
        (
            "pyproject.toml",
            '[tool.schema-sync]\nmodels=["m"]\nmax_backups = "ten"\n',
            "pyproject.toml [tool.schema-sync]: max_backups: bad value 'ten'",
        ),
        (
            "pyproject.toml",
            '[tool.schema-sync]\nmodels=["m"]\ncolour = true\n',
            "pyproject.toml [tool.schema-sync]: colour: unknown setting",
        ),
        (
            "setup.cfg",
            "[schema-sync]\nmodels = m\nauto_write = maybe\n",
            "setup.cfg [schema-sync]: auto_write: bad value 'maybe'",
        ),
        (
            ".env",
            "SCHEMA_SYNC_MODELS=m\nSCHEMA_SYNC_WATCH_DEBOUNCE_SECONDS=soon\n",
            ".env: SCHEMA_SYNC_WATCH_DEBOUNCE_SECONDS: bad value 'soon'",
        ),
        (
            ".env",
            "SCHEMA_SYNC_MODELS=m\nSCHEMA_SYNC_TYPO=1\n",
            ".env: SCHEMA_SYNC_TYPO: unknown setting",
        ),
        (
            "pyproject.toml",
            '[tool.schema-sync]\nmodels=["m"]\nenvironment = "prod"\n',
            "environment: bad value 'prod'",
        ),
        (
            "pyproject.toml",
            '[tool.schema-sync]\nmodels=["m"]\noutput = "../x.py"\n',
            "output: '../x.py' is outside the project root",
        ),
        (
            "pyproject.toml",
            '[tool.schema-sync]\nmodels=["m"]\noutput = ".git/x.py"\n',
            "output: '.git/x.py' is inside .git/",
        ),
        (
            "pyproject.toml",
            '[tool.schema-sync]\nmodels=["m"]\noutput = "api/../.schema_sync/x.py"\n',
            "output: 'api/../.schema_sync/x.py' is inside .schema_sync/",
        ),
        (
            "pyproject.toml",
            '[tool.schema-sync]\nmodels=["m"]\nmanual_schema = ".git/hooks/s.py"\n',
            "manual_schema: '.git/hooks/s.py' is inside .git/",
        ),
        (
            ".env",
            "SCHEMA_SYNC_MODELS=m\nSCHEMA_SYNC_BACKUP_DIR=.git/b\n",
            "backup_dir: '.git/b' is inside .git/",
        ),
    ],
)
def test_bad_values_name_the_source(tmp_path: Path, where: str, text: str, message: str) -> None:
    write(tmp_path / where, text)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, environ={})
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_unknown_environment_variable(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.schema-sync]\nmodels = ["m"]\n')
    with pytest.raises(ConfigError, match="environment: SCHEMA_SYNC_MAX_BACKUP: unknown"):
        load_config(tmp_path, environ={"SCHEMA_SYNC_MAX_BACKUP": "3"})


def test_toml_syntax_error(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.schema-sync\nmodels = \n")
    with pytest.raises(UserError, match=r"pyproject.toml: invalid TOML: .*fix the syntax"):
        load_config(tmp_path, environ={})


def test_models_required(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.black]\n")
    with pytest.raises(ConfigError, match="no models configured"):
        load_config(tmp_path, environ={})


def test_models_missing_at_a_monorepo_top_names_the_root_to_pass(tmp_path: Path) -> None:
    """Run from a repository's top, where nothing is configured but a service is: the
    error names --root (and the pre-commit args) as the way out."""
    (tmp_path / ".git").mkdir()
    write(tmp_path / "services" / "api" / "pyproject.toml", '[tool.schema-sync]\nmodels=["m"]\n')
    write(tmp_path / "node_modules" / "x" / "pyproject.toml", "[tool.schema-sync]\n")
    write(tmp_path / ".cache" / "pyproject.toml", "[tool.schema-sync]\n")
    with pytest.raises(ConfigError) as raised:
        load_config(cwd=tmp_path, environ={})
    message = str(raised.value)
    assert "no models configured; services/api/ configures schema-sync" in message
    assert "run with --root services/api (" in message
    assert "args: [--root, services/api], files: ^services/api/" in message
    assert "node_modules" not in message and ".cache" not in message

    write(tmp_path / "libs" / "setup.cfg", "[schema-sync]\nmodels = m\n")
    with pytest.raises(ConfigError, match="--root libs or --root services/api"):
        load_config(cwd=tmp_path, environ={})
    with pytest.raises(ConfigError, match=r"--root \.\./libs or --root \.\./services/api"):
        load_config(tmp_path, cwd=tmp_path / "node_modules", environ={})  # from a subfolder


def test_models_missing_with_nothing_below_keeps_the_plain_advice(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.black]\n")
    write(tmp_path / "src" / "pyproject.toml", "[tool.black]\n")
    with pytest.raises(ConfigError, match=r'add models = \["your.models"\]') as raised:
        load_config(cwd=tmp_path, environ={})
    assert "--root" not in str(raised.value)


def test_line_length_from_ruff_then_black(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[tool.schema-sync]\nmodels=["m"]\n[tool.black]\nline-length = 100\n',
    )
    assert load_config(tmp_path, environ={}).line_length == 100
    write(tmp_path / "ruff.toml", "line-length = 120\n")
    assert load_config(tmp_path, environ={}).line_length == 120


def test_root_is_nearest_marker(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_root(nested) == tmp_path.resolve()
    (tmp_path / "a" / ".git").mkdir()
    assert find_root(nested) == (tmp_path / "a").resolve()


def test_explicit_config_file(tmp_path: Path) -> None:
    write(tmp_path / "conf" / "schema.toml", '[tool.schema-sync]\nmodels = ["x.y"]\n')
    config = load_config(tmp_path, config_file=tmp_path / "conf" / "schema.toml", environ={})
    assert config.settings.models == ("x.y",)
    assert config.origins["models"] == "schema.toml [tool.schema-sync]"
