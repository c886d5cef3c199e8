"""The settings schema: every key of the contract, its default and its value parser.

:class:`Settings` holds the keys, :data:`PARSERS` turns a raw value from any source
into the key's type (``ValueError`` on a bad value), and :class:`Config` is the
resolved result with the origin of each key. Reading the sources is ``config_sources``.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from schema_sync_hook.errors import UserError
from schema_sync_hook.settings.formatter import Style
from schema_sync_hook.settings.values import (
    parse_bool,
    parse_float,
    parse_int,
    parse_list,
    parse_optional_str,
    parse_str,
)
from schema_sync_hook.settings.variants import DEFAULT_CLASS_NAMES
from schema_sync_hook.settings.variants import KEYS as VARIANTS
from schema_sync_hook.settings.views import ViewDecl, parse_views

ENV_PREFIX = "SCHEMA_SYNC_"
APP_PLACEHOLDER = "{app}"
# Every file besides the Python source that decides the output: the config files the
# settings and the line length are read from, and the lock files that pin Tortoise or
# pydantic. The cache, the watcher and the hooks' ``files`` pattern all come from here.
CONFIG_FILES = ("pyproject.toml", "setup.cfg", ".env", "ruff.toml", ".ruff.toml")
CONFIG_SUFFIXES = (".toml", ".cfg")  # what a ``--config FILE`` can be
LOCK_FILES = ("uv.lock", "poetry.lock", "Pipfile.lock", "requirements*.txt")
STATE_DIR = ".schema_sync"


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
    variants: tuple[str, ...] = VARIANTS
    class_names: tuple[tuple[str, str], ...] = DEFAULT_CLASS_NAMES
    base_class: str = "pydantic.BaseModel"
    exclude: tuple[tuple[str, tuple[str, ...]], ...] = ()
    adopt_assume: str = "unknown"  # "initialised": the app initialises Tortoise first (§13)
    contract_output: str | None = None
    views: tuple[ViewDecl, ...] = ()

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
    style: Style = dataclasses.field(default_factory=Style)  # the formatter settings

    config_file: Path | None = None  # the --config file, when one was given

    @property
    def line_length(self) -> int:
        return self.style.line_length

    def path(self, relative: str) -> Path:
        return self.root / relative

    def output_for(self, app: str) -> str:
        return resolve_output(self.settings.output, app)

    @property
    def output_glob(self) -> str:
        """The generated file(s) as a glob pattern relative to the root."""
        return self.settings.output.replace(APP_PLACEHOLDER, "*")

    @property
    def fixed_output(self) -> str | None:
        """The generated file when ``output`` has no ``{app}``."""
        return None if APP_PLACEHOLDER in self.settings.output else self.settings.output

    def is_input(self, relative: str) -> bool:
        """Whether a file at ``relative`` (POSIX, from the root) decides the output."""
        return relative.endswith(".py") or is_input_file(relative, self.config_file, self.root)

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


def resolve_output(output: str, app: str) -> str:
    """``output`` for app ``app``, proved to stay inside the project root.

    The one place ``{app}`` is replaced. A label that is not a plain name (``..``,
    a path, a drive) would put the file elsewhere: a :class:`UserError` (exit 2).
    """
    path = output.replace(APP_PLACEHOLDER, app)
    if path == output:
        return path
    normal = posixpath.normpath(path.replace("\\", "/"))
    if (
        not app
        or app in {".", ".."}
        or re.search(r"[/\\:\x00]", app)
        or normal.startswith(("/", "../"))
        or normal == ".."
    ):
        raise UserError(
            f"app label {app!r} is not a plain name: its generated file {path!r} could"
            " land outside the project root",
            "give the app a plain name (letters, digits, _) in the Tortoise config",
        )
    return path


def input_patterns(config_file: Path | None = None, root: Path | None = None) -> tuple[str, ...]:
    """File-name patterns (at any depth) of the non-Python inputs."""
    patterns = [*CONFIG_FILES, *LOCK_FILES]
    if config_file is not None and root is not None and config_file.is_relative_to(root):
        patterns.append(config_file.relative_to(root).as_posix())
    return tuple(patterns)


def is_input_file(relative: str, config_file: Path | None = None, root: Path | None = None) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return any(
        fnmatch.fnmatchcase(relative if "/" in p else name, p)
        for p in input_patterns(config_file, root)
    )


def hook_files_pattern() -> str:
    """The ``files:`` regex of the pre-commit hooks: Python source and every input file.

    ``--config FILE`` can name any ``.toml`` or ``.cfg`` file, so those suffixes match too.
    """
    names = "|".join(re.escape(p).replace(r"\*", "[^/]*") for p in (*CONFIG_FILES, *LOCK_FILES))
    suffixes = "|".join(re.escape(s) for s in (".py", *CONFIG_SUFFIXES))
    return f"({suffixes})$|(^|/)({names})$"


# --- value parsing -----------------------------------------------------------


def _parse_environment(value: Any) -> str:
    text = parse_str(value).lower()
    if text not in {"development", "production", "test", "staging"}:
        raise ValueError("expected development, production, test or staging")
    return text


def _parse_mapping(value: Any) -> tuple[tuple[str, str], ...]:
    """``{"Model.field" or "FieldClass": "module.Type"}``; ``a=b,c=d`` as text."""
    if isinstance(value, str):
        pairs = []
        for item in parse_list(value):
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
        names = parse_list(value)
    except ValueError:
        raise ValueError('expected "error", "stub" or a list of module names') from None
    for name in names:
        module = name[:-2] if name.endswith(".*") else name
        if not all(part.isidentifier() for part in module.split(".")):
            raise ValueError(f"{name!r} is not a module name or a 'pkg.*' pattern")
    return names or "error"


def _parse_accepts(value: Any) -> tuple[str, ...]:
    """``accept_breaking``: class names or ``Class.field`` (the field's wire name)."""
    entries = parse_list(value)
    for entry in entries:
        cls, dot, wire = entry.partition(".")
        if not cls.isidentifier() or (dot and not wire):
            raise ValueError(f"{entry!r} is not a class name or Class.field")
    return entries


def _parse_variants(value: Any) -> tuple[str, ...]:
    """Known variants, at least one; kept in the file's fixed order."""
    names = {name.lower() for name in parse_list(value)}
    unknown = sorted(names - set(VARIANTS))
    if unknown:
        raise ValueError(f"unknown variant {unknown[0]!r}; expected some of {', '.join(VARIANTS)}")
    if not names:
        raise ValueError(f"expected at least one of {', '.join(VARIANTS)}")
    return tuple(v for v in VARIANTS if v in names)


def _table(value: Any, what: str) -> list[tuple[str, Any]]:
    """``{variant: value}`` from a TOML table, or ``variant=value,...`` text (``:`` too)."""
    if isinstance(value, str):
        pairs = []
        for item in parse_list(value):
            cut = min((i for i in (item.find("="), item.find(":")) if i >= 0), default=-1)
            if cut < 0:
                raise ValueError(f"expected variant={what} pairs separated by commas")
            pairs.append((item[:cut].strip().lower(), item[cut + 1 :].strip()))
    elif isinstance(value, Mapping):
        pairs = [(str(k).lower(), v) for k, v in value.items()]
    else:
        raise ValueError(f"expected a table of variant = {what}")
    for key, _ in pairs:
        if key not in VARIANTS:
            raise ValueError(f"unknown variant {key!r}; expected one of {', '.join(VARIANTS)}")
    return pairs


def _parse_class_names(value: Any) -> tuple[tuple[str, str], ...]:
    """Templates per variant (``{model}`` is the model's name); others keep their default."""
    templates = dict(Settings.class_names)
    for key, template in _table(value, "template"):
        if not isinstance(template, str) or not template.strip():
            raise ValueError(f"the template for {key} must be a non-empty string")
        if "{" in template.replace("{model}", "") or "}" in template.replace("{model}", ""):
            raise ValueError(f"{template!r}: only the {{model}} placeholder is allowed")
        templates[key] = template.strip()
    return tuple((v, templates[v]) for v in VARIANTS)


def _parse_exclude(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Glob patterns over ``Model.field`` per variant."""
    found: dict[str, list[str]] = {}
    for key, patterns in _table(value, "patterns"):
        try:
            found.setdefault(key, []).extend(parse_list(patterns))
        except ValueError:
            raise ValueError(f"the patterns for {key} must be a list of strings") from None
    return tuple((v, tuple(found[v])) for v in VARIANTS if found.get(v))


def _parse_dotted(value: Any) -> str:
    text = parse_str(value)
    if "." not in text or not all(part.isidentifier() for part in text.split(".")):
        raise ValueError(f"{text!r} is not a dotted path such as 'myapp.schemas.ApiModel'")
    return text


def _parse_adopt_assume(value: Any) -> str:
    text = parse_str(value).lower()
    if text not in {"unknown", "initialised"}:
        raise ValueError('expected "initialised" or "unknown"')
    return text


def _parse_contract_output(value: Any) -> str | None:
    """The wire contract's JSON file: a ``.json`` path inside the project root."""
    text = parse_optional_str(value)
    if text is None:
        return None
    path = PurePosixPath(text.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or ":" in text or not text.endswith(".json"):
        raise ValueError(f"{text!r} is not a .json path inside the project root")
    return path.as_posix()


PARSERS: dict[str, Callable[[Any], Any]] = {
    "models": parse_list,
    "tortoise_config": parse_optional_str,
    "output": parse_str,
    "manual_schema": parse_str,
    "python_path": parse_list,
    "backup_enabled": parse_bool,
    "backup_dir": parse_str,
    "max_backups": parse_int,
    "auto_write": parse_bool,
    "auto_sync_enabled": parse_bool,
    "watch_enabled": parse_bool,
    "watch_debounce_seconds": parse_float,
    "environment": _parse_environment,
    "auto_merge": parse_bool,
    "sensitive_fields": parse_list,
    "type_overrides": _parse_mapping,
    "missing_imports": _parse_missing_imports,
    "accept_breaking": _parse_accepts,
    "variants": _parse_variants,
    "class_names": _parse_class_names,
    "base_class": _parse_dotted,
    "exclude": _parse_exclude,
    "adopt_assume": _parse_adopt_assume,
    "contract_output": _parse_contract_output,
    "views": lambda value: parse_views(value, "configuration"),  # _merge passes the source
}
assert set(PARSERS) == set(KEYS)

# Settings written as TOML tables, held as tuples of (key, value) pairs.
MAPPINGS = frozenset({"type_overrides", "class_names", "exclude"})
