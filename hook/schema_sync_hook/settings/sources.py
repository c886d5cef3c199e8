"""Reading the settings from every source, with the origin of each value.

Highest first: environment ``SCHEMA_SYNC_<KEY>``, ``.env`` at the root,
``[tool.schema-sync]`` in pyproject.toml (or the ``--config`` file), ``[schema-sync]``
in setup.cfg, defaults. Unknown keys and bad values raise :class:`ConfigError`
naming the source. Also finds the project root and the formatter's settings.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schema_sync_hook.errors import ConfigError, UserError
from schema_sync_hook.settings.formatter import Style, read_style
from schema_sync_hook.settings.monorepo import configured_below, relative_root
from schema_sync_hook.settings.schema import (
    ENV_PREFIX,
    KEYS,
    PARSERS,
    STATE_DIR,
    Config,
    Settings,
)
from schema_sync_hook.settings.views import (
    ViewDecl,
    is_toml_source,
    parse_views,
    refuse_outside_toml,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ROOT_MARKERS = ("pyproject.toml", "setup.cfg", ".git")


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
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, exc) from exc
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}", "check the path") from exc


def _not_utf8(path: Path, exc: UnicodeDecodeError) -> UserError:
    return UserError(
        f"{path.name}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})",
        f"save {path.name} as UTF-8",
    )


def _table(data: Mapping[str, Any], source: str, *keys: str) -> Mapping[str, Any]:
    """``data[keys[0]][keys[1]]...``, or {} when absent; exit 2 when one is not a table."""
    table = data
    for depth, key in enumerate(keys, 1):
        value = table.get(key, {})
        if not isinstance(value, dict):
            name = ".".join(keys[:depth])
            raise UserError(
                f"{source}: [{name}] is not a table (it is {type(value).__name__})",
                f"write it as a [{name}] section",
            )
        table = value
    return table


def _read_setup_cfg(path: Path) -> dict[str, str] | None:
    import configparser  # deferred: most projects configure in pyproject.toml

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, exc) from exc
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
        values[key.strip()] = _dotenv_value(value.strip())
    return values


def _dotenv_value(value: str) -> str:
    """A value unquoted, without a trailing `` # comment`` (also after a quoted value)."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    if value[:1] in ("'", '"'):
        end = value.find(value[0], 1)
        if (
            end > 0
            and value[end + 1 :].lstrip().startswith("#")
            and value[end + 1 : end + 2] in " \t"
        ):
            return value[1:end]
    if " #" in value:
        return value.split(" #", 1)[0].rstrip()
    return value


def _from_prefixed(values: Mapping[str, str]) -> dict[str, str]:
    found = {}
    for name, value in values.items():
        if name.startswith(ENV_PREFIX):
            found[name[len(ENV_PREFIX) :].lower()] = value
    return found


def _style(root: Path, pyproject: dict[str, Any] | None) -> Style:
    """The formatter settings: ruff's first configuration file, else ``[tool.ruff]``;
    and ``[tool.black]`` (see :mod:`~schema_sync_hook.settings.formatter`)."""
    data = pyproject or {}
    black = (_table(data, "pyproject.toml", "tool", "black"), "pyproject.toml [tool.black]")
    for name in (".ruff.toml", "ruff.toml"):  # ruff reads the first it finds
        if (root / name).is_file():
            ruff_file = _read_toml(root / name)
            ruff_format = (_table(ruff_file, name, "format"), f"{name} [format]")
            return read_style((ruff_file, name), ruff_format, black)
    return read_style(
        (_table(data, "pyproject.toml", "tool", "ruff"), "pyproject.toml [tool.ruff]"),
        (
            _table(data, "pyproject.toml", "tool", "ruff", "format"),
            "pyproject.toml [tool.ruff.format]",
        ),
        black,
    )


def load_config(
    root: Path | None = None,
    *,
    config_file: Path | None = None,
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

    sources = _Sources()  # lowest first
    if config_file is not None:
        _read_config_file(config_file, sources)
    else:
        _read_project_files(root, sources)
    dotenv = root / ".env"
    if dotenv.is_file():
        sources.files_read.append(dotenv)
        sources.layers.append((".env", _from_prefixed(_read_dotenv(dotenv))))
    sources.layers.append(("environment", _from_prefixed(environ)))

    values, origins = _merge(sources.layers)
    settings = Settings(**values)
    _check_settings(root, settings, origins, cwd=None if config_file else cwd)
    return Config(
        root=root,
        settings=settings,
        origins=origins,
        files_read=tuple(sources.files_read),
        config_file=None if config_file is None else config_file.resolve(),
        style=_style(root, sources.pyproject),
    )


@dataclass
class _Sources:
    layers: list[tuple[str, Mapping[str, Any]]] = field(default_factory=list)
    files_read: list[Path] = field(default_factory=list)
    pyproject: dict[str, Any] | None = None  # for the formatter's settings


def _read_config_file(config_file: Path, sources: _Sources) -> None:
    """``--config FILE``: a TOML file (its [tool.schema-sync] or top level) or a .cfg."""
    if not config_file.is_file():
        raise UserError(f"config file {config_file} does not exist", "check --config")
    sources.files_read.append(config_file.resolve())
    if config_file.suffix == ".toml":
        data = _read_toml(config_file)
        sources.pyproject = data
        name = config_file.name
        in_tool = "schema-sync" in _table(data, name, "tool")
        table = _table(data, name, "tool", "schema-sync") if in_tool else data
        sources.layers.append((f"{config_file.name} [tool.schema-sync]", table))
    else:
        section = _read_setup_cfg(config_file)
        sources.layers.append((f"{config_file.name} [schema-sync]", section or {}))


def _read_project_files(root: Path, sources: _Sources) -> None:
    """``[schema-sync]`` in setup.cfg, then ``[tool.schema-sync]`` in pyproject.toml."""
    setup_cfg = root / "setup.cfg"
    if setup_cfg.is_file():
        section = _read_setup_cfg(setup_cfg)
        if section is not None:
            sources.files_read.append(setup_cfg)
            sources.layers.append(("setup.cfg [schema-sync]", section))
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        sources.files_read.append(pyproject)
        sources.pyproject = _read_toml(pyproject)
        if "schema-sync" in _table(sources.pyproject, "pyproject.toml", "tool"):
            table = _table(sources.pyproject, "pyproject.toml", "tool", "schema-sync")
            sources.layers.append(("pyproject.toml [tool.schema-sync]", table))


def _merge(
    layers: list[tuple[str, Mapping[str, Any]]],
) -> tuple[dict[str, Any], dict[str, str]]:
    """Parse every layer's values, later layers winning; each key's origin."""
    values: dict[str, Any] = {}
    origins: dict[str, str] = {key: "default" for key in KEYS}
    for source, layer in layers:
        for raw_key, raw_value in layer.items():
            key = raw_key.replace("-", "_").lower()
            shown = f"{ENV_PREFIX}{key.upper()}" if source in {"environment", ".env"} else raw_key
            if key not in PARSERS:
                raise ConfigError(
                    source,
                    shown,
                    "unknown setting",
                    f"remove it or use one of: {', '.join(KEYS)}",
                )
            if _has_nul(raw_value):
                raise ConfigError(
                    source, shown, "holds a NUL character", "remove it from the value"
                )
            if key == "views":
                values[key] = _views(source, shown, raw_value)
                origins[key] = source
                continue
            try:
                values[key] = PARSERS[key](raw_value)
            except ValueError as exc:
                raise ConfigError(
                    source, shown, f"bad value {raw_value!r}: {exc}", "correct the value"
                ) from None
            origins[key] = source
    return values, origins


def _views(source: str, shown: str, value: Any) -> tuple[ViewDecl, ...]:
    if not is_toml_source(source):
        raise refuse_outside_toml(source, shown, value)
    return parse_views(value, source)


def _check_settings(
    root: Path, settings: Settings, origins: Mapping[str, str], cwd: Path | None = None
) -> None:
    if not settings.models and not settings.tortoise_config:
        fix = (
            'add models = ["your.models"] under [tool.schema-sync] in pyproject.toml'
            " (or set tortoise_config)"
        )
        below = configured_below(root) if cwd is not None else []
        if below and cwd is not None:
            shown = [relative_root(folder, cwd, root) for folder in below]
            first = relative_root(below[0], root, root)  # pre-commit runs from the repository root
            verb = "configures" if len(shown) == 1 else "configure"
            fix = (
                f"{' and '.join(f'{name}/' for name in shown)} {verb} schema-sync: run with "
                f"{' or '.join(f'--root {name}' for name in shown)} (in .pre-commit-config.yaml:"
                f" args: [--root, {first}], files: ^{first}/)"
            )
        raise ConfigError("configuration", "models", "no models configured", fix)
    if settings.models and settings.tortoise_config:
        raise ConfigError(
            origins["tortoise_config"],
            "tortoise_config",
            "set together with models",
            "use either models or tortoise_config, not both",
        )
    _check_paths(root, settings, origins)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False


def _check_not_in_tool_folders(
    root: Path, key: str, value: str, resolved: Path, origin: str
) -> None:
    """git's own folder is not the project's; the state folder is ignored by git."""
    first = resolved.relative_to(root).parts[:1]
    folders = {".git"} if key == "backup_dir" else {".git", STATE_DIR}
    if first and first[0] in folders:
        raise ConfigError(
            origin, key, f"{value!r} is inside {first[0]}/", "choose a path in the project itself"
        )


def link_leaving(root: Path, value: str) -> str | None:
    """The first part of ``value`` (relative to ``root``) that is a symlink resolving
    outside ``root``, or None."""
    path = root
    for part in Path(value).parts:
        path = path / part
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            return path.relative_to(root).as_posix()
    return None


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return str(path.resolve())


def _check_paths(root: Path, settings: Settings, origins: Mapping[str, str]) -> None:
    keys = ["output", "manual_schema", "backup_dir"]
    keys += ["contract_output"] if settings.contract_output is not None else []
    for key in keys:
        value: str = getattr(settings, key)
        resolved = (root / value).resolve()
        if Path(value).is_absolute() or not resolved.is_relative_to(root):
            link = None if Path(value).is_absolute() else link_leaving(root, value)
            if link is not None:
                raise ConfigError(
                    origins[key],
                    key,
                    f"{value!r} goes through the symlink {link} to {_link_target(root / link)},"
                    " outside the project root",
                    "use a path inside the project that no symlink leads out of",
                )
            raise ConfigError(
                origins[key], key, f"{value!r} is outside the project root", "use a relative path"
            )
        _check_not_in_tool_folders(root, key, value, resolved, origins[key])
    if not settings.output.endswith(".py"):
        raise ConfigError(
            origins["output"], "output", f"{settings.output!r} is not a .py file", "end it in .py"
        )
    if "{" in settings.output.replace("{app}", ""):
        raise ConfigError(
            origins["output"], "output", "only the {app} placeholder is allowed", "remove others"
        )
