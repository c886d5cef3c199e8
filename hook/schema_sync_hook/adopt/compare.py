"""Comparing the creator's class with its replacement, field by field, on the wire.

:func:`differences` compares names, nesting, nullability, computed fields and every
field's JSON Schema (serialization mode for output classes, validation mode for
input classes), marking each difference as one of :data:`INTENDED` or as unexpected.
:func:`dumps` and :func:`accepts` are the behavioural side: what each class dumps
for real rows, and which payloads each accepts. Nothing here imports tortoise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from schema_sync_hook.adopt.choose import is_sensitive
from schema_sync_hook.adopt.shape import item_class, nested_class

# The README's table of intended differences: key -> what the row says.
INTENDED = {
    "component": "the OpenAPI component takes the replacement's class name",
    "constraint": "a constraint the creator drops, carried by the generated class",
    "computed": "a computed field that is an ordinary field of the generated class"
    " (it also validates)",
    "extra": "the creator's input class refuses unknown keys (422); the generated"
    " class ignores them and never passes them on",
    "nullable_keyword": "the creator adds OpenAPI 3.0's nullable keyword beside the null type",
    "description": "a description or docstring reads differently (documentation only)",
    "output_null": "the creator's response lets a field be null that the model never holds",
}
CONSTRAINTS = (
    "maxLength",
    "minLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "pattern",
    "multipleOf",
    "maxItems",
    "minItems",
    "maxDigits",
    "decimalPlaces",
)
IGNORED_KEYS = frozenset({"title", "description", "readOnly", "nullable", "$ref", "examples"})


@dataclass(frozen=True)
class Difference:
    field: str
    what: str
    intended: bool

    def as_json(self) -> dict[str, Any]:
        return {"field": self.field, "what": self.what, "intended": self.intended}


def differences(
    creator: type[BaseModel],
    replacement: type[BaseModel],
    *,
    for_input: bool,
    sensitive: Sequence[str] = (),
) -> list[Difference]:
    """Every difference between the two classes, field by field."""
    found: list[Difference] = []
    a, b = item_class(creator), item_class(replacement)
    name_a = str(creator.model_config.get("title") or creator.__name__)
    if name_a != replacement.__name__:
        found.append(
            Difference(
                "",
                f"OpenAPI component {name_a!r} becomes {replacement.__name__!r}",
                True,
            )
        )
    if for_input and a.model_config.get("extra") == "forbid" != b.model_config.get("extra"):
        found.append(Difference("", INTENDED["extra"], True))
    mode = "validation" if for_input else "serialization"
    _compare(a, b, "", mode, for_input, sensitive, found, set())
    return found


def _compare(
    a: type[BaseModel],
    b: type[BaseModel],
    prefix: str,
    mode: str,
    for_input: bool,
    sensitive: Sequence[str],
    found: list[Difference],
    seen: set[tuple[type[BaseModel], type[BaseModel]]],
) -> None:
    if (a, b) in seen:
        return
    seen.add((a, b))
    schema_a = a.model_json_schema(mode=mode)  # type: ignore[arg-type]
    schema_b = b.model_json_schema(mode=mode)  # type: ignore[arg-type]
    props_a = schema_a.get("properties", {})
    props_b = schema_b.get("properties", {})
    computed_a = {_wire(n, c.alias) for n, c in a.model_computed_fields.items()}
    computed_b = {_wire(n, c.alias) for n, c in b.model_computed_fields.items()}
    for name in props_a:
        if name not in props_b and not (is_sensitive(name, sensitive) and not for_input):
            found.append(Difference(prefix + name, "only in the creator's class", False))
    for name in props_b:
        if name not in props_a:
            found.append(Difference(prefix + name, "only in the replacement", False))
    if for_input:
        required_a = set(schema_a.get("required", []))
        required_b = set(schema_b.get("required", []))
        for name in sorted((required_a ^ required_b) & set(props_a) & set(props_b)):
            where = "the creator's class" if name in required_a else "the replacement"
            found.append(Difference(prefix + name, f"required only in {where}", False))
    nested_a = _nested_fields(a)
    nested_b = _nested_fields(b)
    for name in props_a:
        if name not in props_b:
            continue
        path = prefix + name
        if name in computed_a and name not in computed_b:
            found.append(Difference(path, INTENDED["computed"], True))
        pa = _resolve(props_a[name], schema_a)
        pb = _resolve(props_b[name], schema_b)
        if name in nested_a and name in nested_b:
            if _is_list(pa) != _is_list(pb):
                found.append(Difference(path, "a list in one class only", False))
            if _nullable(pa) != _nullable(pb):
                which = "the creator's class" if _nullable(pa) else "the replacement"
                found.append(Difference(path, f"may be null only in {which}", False))
            _compare(
                nested_a[name], nested_b[name], path + ".", mode, for_input, sensitive, found, seen
            )
            continue
        found += _field_differences(path, pa, pb, schema_a, schema_b, for_input)


def _wire(name: str, alias: str | None) -> str:
    return alias or name


def _nested_fields(cls: type[BaseModel]) -> dict[str, type[BaseModel]]:
    found = {}
    for name, info in cls.model_fields.items():
        nested = nested_class(info.annotation)
        if nested is not None:
            found[info.serialization_alias or info.alias or name] = nested
    return found


def _resolve(schema: Any, root: dict[str, Any]) -> Any:
    """The schema with every ``$ref`` into ``$defs`` inlined (enums, nested types)."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            target = root.get("$defs", {}).get(ref.rpartition("/")[2], {})
            merged = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            return {k: _resolve(v, root) for k, v in merged.items() if k != "properties"}
        return {k: _resolve(v, root) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_resolve(v, root) for v in schema]
    return schema


def _options(schema: dict[str, Any]) -> list[dict[str, Any]]:
    options = schema.get("anyOf") or schema.get("oneOf")
    return list(options) if isinstance(options, list) else [schema]


def _nullable(schema: dict[str, Any]) -> bool:
    return any(o.get("type") == "null" for o in _options(schema))


def _is_list(schema: dict[str, Any]) -> bool:
    return any(o.get("type") == "array" for o in _options(schema))


def _constraints(schema: dict[str, Any]) -> dict[str, Any]:
    found = {k: schema[k] for k in CONSTRAINTS if k in schema}
    for option in _options(schema):
        if option is not schema:
            found.update({k: option[k] for k in CONSTRAINTS if k in option})
    return found


def _field_differences(
    path: str,
    a: dict[str, Any],
    b: dict[str, Any],
    root_a: dict[str, Any],
    root_b: dict[str, Any],
    for_input: bool,
) -> list[Difference]:
    found = []
    if _nullable(a) != _nullable(b) and _nullable(a) and not for_input:
        # tortoise-orm 0.25 types a not-null field with a default as Optional in output
        found.append(Difference(path, INTENDED["output_null"], True))
    elif _nullable(a) != _nullable(b):
        which = "the creator's class" if _nullable(a) else "the replacement"
        found.append(Difference(path, f"may be null only in {which}", False))
    if _types(a) != _types(b):
        found.append(Difference(path, f"type {_types(a)} becomes {_types(b)}", False))
    elif _enum(a) != _enum(b):
        found.append(Difference(path, f"values {_enum(a)} become {_enum(b)}", False))
    ca, cb = _constraints(a), _constraints(b)
    for key in sorted(set(ca) | set(cb)):
        if key not in ca:
            found.append(Difference(path, f"{key} {cb[key]!r}: {INTENDED['constraint']}", True))
        elif ca.get(key) != cb.get(key):
            if key not in cb:
                found.append(Difference(path, f"{key} {ca[key]!r} dropped", False))
                continue
            # tighter in the replacement: the model's own constraint (a validator) that
            # the creator leaves to the database
            tighter = _tighter(key, ca[key], cb[key])
            what = f"{key} {ca[key]!r} becomes {cb[key]!r}"
            found.append(
                Difference(path, f"{what}: {INTENDED['constraint']}" if tighter else what, tighter)
            )
    if for_input and a.get("default", ...) != b.get("default", ...):
        found.append(
            Difference(path, f"default {a.get('default')!r} becomes {b.get('default')!r}", False)
        )
    return found


LOWER_BOUNDS = frozenset({"minimum", "exclusiveMinimum", "minLength", "minItems"})
UPPER_BOUNDS = frozenset({"maximum", "exclusiveMaximum", "maxLength", "maxItems"})


def _tighter(key: str, creator: Any, replacement: Any) -> bool:
    try:
        if key in LOWER_BOUNDS:
            return bool(replacement > creator)
        if key in UPPER_BOUNDS:
            return bool(replacement < creator)
    except TypeError:
        return False
    return False


def _types(schema: dict[str, Any]) -> list[str]:
    found = set()
    for option in _options(schema):
        if option.get("type") == "null":
            continue
        kind = option.get("type", "any")
        fmt = option.get("format")
        found.add(f"{kind}:{fmt}" if fmt else str(kind))
    return sorted(found)


def _enum(schema: dict[str, Any]) -> list[Any]:
    values: list[Any] = []
    for option in _options(schema):
        values += option.get("enum", [])
    return sorted(values, key=repr)


# --- behaviour -------------------------------------------------------------------


async def dumps(cls: type[BaseModel], objects: Iterable[Any]) -> list[Any]:
    """What ``cls.from_tortoise_orm(obj)`` dumps for each row (JSON mode, by alias)."""
    result = []
    for obj in objects:
        built = await cls.from_tortoise_orm(obj)  # type: ignore[attr-defined]
        result.append(built.model_dump(mode="json", by_alias=True))
    return result


def accepts(cls: type[BaseModel], payload: Any) -> bool:
    """Whether ``cls`` validates ``payload`` (a JSON-like dict), as a request body would."""
    try:
        cls.model_validate(payload)
    except ValidationError:
        return False
    return True
