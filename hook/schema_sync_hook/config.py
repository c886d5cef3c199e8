"""Settings: every key of the contract, read from every source, with its origin.

Highest first: command line, environment ``SCHEMA_SYNC_<KEY>``, ``.env`` at the
root, ``[tool.schema-sync]`` in pyproject.toml, ``[schema-sync]`` in setup.cfg,
defaults. Unknown keys and bad values raise :class:`ConfigError` naming the source.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schema_sync_hook.errors import ConfigError, UserError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ENV_PREFIX = "SCHEMA_SYNC_"
STATE_DIR = ".schema_sync"
DEFAULT_LINE_LENGTH = 88
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", ".git")


@dataclass(frozen=True)
class Settings:
    models: tuple[str, ...] = ()
    tortoise_config: str | None = None
    output: str = "src/api/schemas_generated.py"
    manual_schema: str = "src/api/schemas.py"
    python_path: tuple[str, ...] = (".",)
    backup_enabled: bool = True
    backup_dir: str = ".schema_sync/backups"
    max_backups: int = 10
    auto_write: bool = True
    auto_sync_enabled: bool = True
    watch_enabled: bool = True
    watch_debounce_seconds: float = 2.0
    environment: str = "development"
    auto_merge: bool = False
    sensitive_fields: tuple[str, ...] = ("*password*", "*secret*")
    type_overrides: tuple[tuple[str, str], ...] = ()

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def may_write(self) -> bool:
        """Whether hook mode may write the generated file."""
        return self.auto_write and not self.production


KEYS = tuple(f.name for f in dataclasses.fields(Settings))


@dataclass(frozen=True)
class Config:
    """Resolved settings plus where they came from and what was read."""

    root: Path
    settings: Settings
    origins: Mapping[str, str]
    files_read: tuple[Path, ...] = ()
    line_length: int = DEFAULT_LINE_LENGTH

    def path(self, relative: str) -> Path:
        return self.root / relative

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    @property
    def backup_dir(self) -> Path:
        return self.root / self.settings.backup_dir

    @property
    def manual_schema(self) -> Path:
        return self.root / self.settings.manual_schema

    def module_name(self, path: Path) -> str | None:
        """The dotted name ``path`` imports as, from the root or a python_path folder."""
        resolved = path.resolve()
        for entry in (".", *self.settings.python_path):
            base = (self.root / entry).resolve()
            if resolved.is_relative_to(base):
                parts = resolved.relative_to(base).with_suffix("").parts
                if parts and all(p.isidentifier() for p in parts):
                    return ".".join(parts)
        return None


# --- value parsing -----------------------------------------------------------

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError("expected true or false")


def _parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("expected a whole number")
    if isinstance(value, int):
        result = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        result = int(value.strip())
    else:
        raise ValueError("expected a whole number")
    if result < 0:
        raise ValueError("expected a number of 0 or more")
    return result


def _parse_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("expected a number of seconds")
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise ValueError("expected a number of seconds") from None
    if not 0 <= result < 3600:
        raise ValueError("expected a number of seconds between 0 and 3600")
    return result


def _parse_str(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty string")
    return value.strip()


def _parse_optional_str(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _parse_str(value)


def _parse_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [part.strip() for part in value.replace("\n", ",").split(",")]
        return tuple(item for item in items if item)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    raise ValueError("expected a list of strings")


def _parse_environment(value: Any) -> str:
    text = _parse_str(value).lower()
    if text not in {"development", "production", "test", "staging"}:
        raise ValueError("expected development, production, test or staging")
    return text


def _parse_mapping(value: Any) -> tuple[tuple[str, str], ...]:
    """``{"Model.field" or "FieldClass": "module.Type"}``; ``a=b,c=d`` as text."""
    if isinstance(value, str):
        pairs = []
        for item in _parse_list(value):
            key, sep, target = item.partition("=")
            if not sep:
                raise ValueError("expected KEY=module.Type pairs")
            pairs.append((key.strip(), target.strip()))
        value = dict(pairs)
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError('expected a table of "Model.field" = "module.Type"')
    for target in value.values():
        if "." not in target and target not in {"int", "str", "float", "bool", "bytes"}:
            raise ValueError(f"{target!r} is not a dotted path such as 'decimal.Decimal'")
    return tuple(sorted(value.items()))


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "models": _parse_list,
    "tortoise_config": _parse_optional_str,
    "output": _parse_str,
    "manual_schema": _parse_str,
    "python_path": _parse_list,
    "backup_enabled": _parse_bool,
    "backup_dir": _parse_str,
    "max_backups": _parse_int,
    "auto_write": _parse_bool,
    "auto_sync_enabled": _parse_bool,
    "watch_enabled": _parse_bool,
    "watch_debounce_seconds": _parse_float,
    "environment": _parse_environment,
    "auto_merge": _parse_bool,
    "sensitive_fields": _parse_list,
    "type_overrides": _parse_mapping,
}
assert set(_PARSERS) == set(KEYS)


# --- sources -------------------------------------------------------------------


def find_root(start: Path) -> Path:
    """The nearest folder upward from ``start`` holding a root marker."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return start


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
            return data
    except tomllib.TOMLDecodeError as exc:
        raise UserError(
            f"{path.name}: invalid TOML: {exc}", f"fix the syntax in {path.name}"
        ) from exc
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}", "check the path") from exc


def _read_setup_cfg(path: Path) -> dict[str, str] | None:
    import configparser  # deferred: most projects configure in pyproject.toml

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as exc:
        first = str(exc).splitlines()[0]
        raise UserError(
            f"{path.name}: invalid syntax: {first}", f"fix the syntax in {path.name}"
        ) from exc
    if not parser.has_section("schema-sync"):
        return None
    return dict(parser.items("schema-sync"))


def _read_dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {path.name}: {exc}", "fix or remove the file") from exc
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].strip()
        key, sep, value = line.partition("=")
        if not sep:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key.strip()] = value
    return values


def _from_prefixed(values: Mapping[str, str]) -> dict[str, str]:
    found = {}
    for name, value in values.items():
        if name.startswith(ENV_PREFIX):
            found[name[len(ENV_PREFIX) :].lower()] = value
    return found


def _line_length(root: Path, pyproject: dict[str, Any] | None) -> int:
    candidates: list[Any] = []
    for name in ("ruff.toml", ".ruff.toml"):
        path = root / name
        if path.is_file():
            candidates.append(_read_toml(path).get("line-length"))
    tool = (pyproject or {}).get("tool", {})
    candidates.append(tool.get("ruff", {}).get("line-length"))
    candidates.append(tool.get("black", {}).get("line-length"))
    for value in candidates:
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return DEFAULT_LINE_LENGTH


def load_config(
    root: Path | None = None,
    *,
    config_file: Path | None = None,
    cli: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Config:
    """Resolve the settings for the project at ``root`` (found from ``cwd`` if None)."""
    environ = os.environ if environ is None else environ
    cwd = Path.cwd() if cwd is None else cwd
    if root is None:
        start = config_file.parent if config_file is not None else cwd
        root = find_root(start)
    root = root.resolve()
    if not root.is_dir():
        raise UserError(f"project root {root} is not a folder", "pass an existing --root")

    layers: list[tuple[str, Mapping[str, Any]]] = []  # lowest first
    files_read: list[Path] = []
    pyproject_data: dict[str, Any] | None = None

    if config_file is not None:
        if not config_file.is_file():
            raise UserError(f"config file {config_file} does not exist", "check --config")
        files_read.append(config_file.resolve())
        if config_file.suffix == ".toml":
            data = _read_toml(config_file)
            pyproject_data = data
            table = data.get("tool", {}).get("schema-sync", data)
            layers.append((f"{config_file.name} [tool.schema-sync]", table))
        else:
            section = _read_setup_cfg(config_file)
            layers.append((f"{config_file.name} [schema-sync]", section or {}))
    else:
        setup_cfg = root / "setup.cfg"
        if setup_cfg.is_file():
            section = _read_setup_cfg(setup_cfg)
            if section is not None:
                files_read.append(setup_cfg)
                layers.append(("setup.cfg [schema-sync]", section))
        pyproject = root / "pyproject.toml"
        if pyproject.is_file():
            files_read.append(pyproject)
            pyproject_data = _read_toml(pyproject)
            table = pyproject_data.get("tool", {}).get("schema-sync")
            if table is not None:
                if not isinstance(table, dict):
                    raise UserError(
                        "pyproject.toml: [tool.schema-sync] is not a table",
                        "write it as a [tool.schema-sync] section",
                    )
                layers.append(("pyproject.toml [tool.schema-sync]", table))

    dotenv = root / ".env"
    if dotenv.is_file():
        files_read.append(dotenv)
        layers.append((".env", _from_prefixed(_read_dotenv(dotenv))))
    layers.append(("environment", _from_prefixed(environ)))
    if cli:
        layers.append(("command line", cli))

    values: dict[str, Any] = {}
    origins: dict[str, str] = {key: "default" for key in KEYS}
    for source, layer in layers:
        for raw_key, raw_value in layer.items():
            key = raw_key.replace("-", "_").lower()
            shown = f"{ENV_PREFIX}{key.upper()}" if source in {"environment", ".env"} else raw_key
            if key not in _PARSERS:
                raise ConfigError(
                    source,
                    shown,
                    "unknown setting",
                    f"remove it or use one of: {', '.join(KEYS)}",
                )
            try:
                values[key] = _PARSERS[key](raw_value)
            except ValueError as exc:
                raise ConfigError(
                    source, shown, f"bad value {raw_value!r}: {exc}", "correct the value"
                ) from None
            origins[key] = source

    settings = Settings(**values)
    if not settings.models and not settings.tortoise_config:
        raise ConfigError(
            "configuration",
            "models",
            "no models configured",
            'add models = ["your.models"] under [tool.schema-sync] in pyproject.toml'
            " (or set tortoise_config)",
        )
    if settings.models and settings.tortoise_config:
        raise ConfigError(
            origins["tortoise_config"],
            "tortoise_config",
            "set together with models",
            "use either models or tortoise_config, not both",
        )
    _check_paths(root, settings, origins)
    return Config(
        root=root,
        settings=settings,
        origins=origins,
        files_read=tuple(files_read),
        line_length=_line_length(root, pyproject_data),
    )


def _check_paths(root: Path, settings: Settings, origins: Mapping[str, str]) -> None:
    for key in ("output", "manual_schema", "backup_dir"):
        value: str = getattr(settings, key)
        resolved = (root / value).resolve()
        if Path(value).is_absolute() or not resolved.is_relative_to(root):
            raise ConfigError(
                origins[key], key, f"{value!r} is outside the project root", "use a relative path"
            )
    if not settings.output.endswith(".py"):
        raise ConfigError(
            origins["output"], "output", f"{settings.output!r} is not a .py file", "end it in .py"
        )
    if "{" in settings.output.replace("{app}", ""):
        raise ConfigError(
            origins["output"], "output", "only the {app} placeholder is allowed", "remove others"
        )
