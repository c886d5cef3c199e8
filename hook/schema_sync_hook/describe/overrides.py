"""``type_overrides``: each target checked before it becomes code, and what it carries.

A target must import, be a type (not a function or a module), be something a field can
hold (not a Tortoise model, not an exception class), and be a type pydantic can build a
schema for. Each exits 2 naming the key, the value and where it was set. A checked
target also says which of the field's constraints apply to it: ``max_length`` means
nothing to an ``IPv4Address`` (pydantic would raise ``TypeError`` on every input), so
only the constraints pydantic applies to the target's kind of schema are carried.
"""

from __future__ import annotations

import importlib
import inspect
import types
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tortoise.models import Model

from schema_sync_hook.errors import ConfigError
from schema_sync_hook.missing import session as missing

_LENGTH = frozenset({"min_length", "max_length"})
_RANGE = frozenset({"ge", "le"})
# The constraints pydantic applies to each kind of core schema (its own table, narrowed
# to those Tortoise fields carry). Any other kind (uuid, date, enum, is-instance, a
# custom validator function, ...) takes none of them.
_APPLICABLE: dict[str, frozenset[str]] = {
    "str": _LENGTH | {"pattern"},
    "bytes": _LENGTH,
    "int": _RANGE,
    "float": _RANGE,
    "decimal": _RANGE | {"max_digits", "decimal_places"},
}
# Where the forms that are types without being classes come from (Any on Python 3.10,
# Annotated aliases, NewType, list[int], X | Y, a ``type`` statement's alias).
_TYPE_FORM_MODULES = frozenset({"typing", "typing_extensions", "types"})
_WRAPPERS = ("definitions", "nullable", "default")


@dataclass(frozen=True)
class TypeOverride:
    """A checked ``type_overrides`` target: its dotted path and the constraints it takes."""

    target: str
    constraints: frozenset[str]

    def carries(self, key: str) -> bool:
        return key in self.constraints


def resolve_overrides(
    pairs: Iterable[tuple[str, str]], origin: str, *, arbitrary_types: bool = False
) -> dict[str, TypeOverride]:
    """Every ``type_overrides`` entry checked (imports run from the project's path).

    ``arbitrary_types``: the base class allows arbitrary types, so the generated
    classes accept a class pydantic knows nothing about (validated by ``isinstance``).
    """
    return {key: _resolve(key, target, origin, arbitrary_types) for key, target in pairs}


def _resolve(key: str, target: str, origin: str, arbitrary_types: bool) -> TypeOverride:
    def refuse(problem: str, fix: str) -> ConfigError:
        return ConfigError(origin, f"type_overrides[{key!r}]", f"{target!r} {problem}", fix)

    found = _import(target, refuse)
    problem = _not_a_field_type(found)
    if problem is not None:
        raise refuse(problem, "point it at a class such as 'builtins.str' or 'uuid.UUID'")
    try:
        schema = _core_schema(found, arbitrary_types)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # whatever pydantic (or the type's own hook) raises
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
        raise refuse(
            f"is a type pydantic cannot build a schema for ({reason})",
            "point it at a type pydantic validates (a builtin, a pydantic type, an enum)",
        ) from None
    return TypeOverride(target, _APPLICABLE.get(_kind(schema), frozenset()))


def _core_schema(found: Any, arbitrary_types: bool) -> Any:
    """The type's core schema; its JSON schemas must build too (OpenAPI, ``diff``),
    unless the base class allows arbitrary types, which have none."""
    from pydantic import ConfigDict, TypeAdapter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        adapter: TypeAdapter[Any] = TypeAdapter(
            found, config=ConfigDict(arbitrary_types_allowed=arbitrary_types)
        )
        if not arbitrary_types:
            adapter.json_schema(mode="validation")
            adapter.json_schema(mode="serialization")
    return adapter.core_schema


def _import(target: str, refuse: Callable[[str, str], ConfigError]) -> Any:
    module_name, _, name = target.rpartition(".")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = importlib.import_module(module_name or "builtins")
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # any failure of user code is reported
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
        fix = "point it at a type importable from the project root or python_path"
        if isinstance(exc, ModuleNotFoundError) and exc.name and module_name.startswith(exc.name):
            fix += f"; if {exc.name} is a third-party package, {missing.install_advice([exc.name])}"
        raise refuse(f"cannot be imported ({reason})", fix) from None
    if not hasattr(module, name):
        raise refuse(
            f"cannot be imported (module {module.__name__!r} has no attribute {name!r})",
            "check the spelling of the type's name",
        )
    return getattr(module, name)


def _not_a_field_type(found: Any) -> str | None:
    if isinstance(found, types.ModuleType):
        return "is a module, not a type"
    if inspect.isroutine(found):
        return "is a function, not a type"
    if not isinstance(found, type):
        if type(found).__module__ in _TYPE_FORM_MODULES:  # Any, Annotated[...], list[int]
            return None
        return f"is not a type (it is an instance of {type(found).__name__})"
    if issubclass(found, BaseException):
        return "is an exception class, which a field cannot hold"
    if issubclass(found, Model):
        return "is a Tortoise model, which a field cannot hold (use a relation field)"
    return None


def _kind(schema: Any) -> str:
    """The core schema's type, through the wrappers that keep its constraints."""
    while schema.get("type") in _WRAPPERS and "schema" in schema:
        schema = schema["schema"]
    kind: str = schema.get("type", "")
    return kind
