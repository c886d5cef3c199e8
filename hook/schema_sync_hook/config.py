"""The settings schema: every key of the contract, its default and its value parser.

:class:`Settings` holds the keys, :data:`PARSERS` turns a raw value from any source
into the key's type (``ValueError`` on a bad value), and :class:`Config` is the
resolved result with the origin of each key. Reading the sources is ``config_sources``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_PREFIX = "SCHEMA_SYNC_"
STATE_DIR = ".schema_sync"
DEFAULT_LINE_LENGTH = 88


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
    missing_imports: str | tuple[str, ...] = "error"
    accept_breaking: tuple[str, ...] = ()

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


def _parse_missing_imports(value: Any) -> str | tuple[str, ...]:
    """``"error"``, ``"stub"``, or module names and ``pkg.*`` patterns to stub."""
    if isinstance(value, str) and value.strip().lower() in {"error", "stub"}:
        return value.strip().lower()
    try:
        names = _parse_list(value)
    except ValueError:
        raise ValueError('expected "error", "stub" or a list of module names') from None
    for name in names:
        module = name[:-2] if name.endswith(".*") else name
        if not all(part.isidentifier() for part in module.split(".")):
            raise ValueError(f"{name!r} is not a module name or a 'pkg.*' pattern")
    return names or "error"


def _parse_accepts(value: Any) -> tuple[str, ...]:
    """``accept_breaking``: class names or ``Class.field`` (the field's wire name)."""
    entries = _parse_list(value)
    for entry in entries:
        cls, dot, wire = entry.partition(".")
        if not cls.isidentifier() or (dot and not wire):
            raise ValueError(f"{entry!r} is not a class name or Class.field")
    return entries


PARSERS: dict[str, Callable[[Any], Any]] = {
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
    "missing_imports": _parse_missing_imports,
    "accept_breaking": _parse_accepts,
}
assert set(PARSERS) == set(KEYS)
