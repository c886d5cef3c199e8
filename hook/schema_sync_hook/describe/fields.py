"""Field translation: a Tortoise model class -> :class:`ModelSpec` of :class:`FieldSpec`.

Decides the type, nullability, default, constraints and notes of every API
field. Together with :mod:`~schema_sync_hook.load.models`, the only code that
imports tortoise.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import inspect
import re
import typing
import uuid
from collections.abc import Mapping
from typing import Any

from tortoise import fields
from tortoise.models import Model
from tortoise.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    RegexValidator,
)

from schema_sync_hook.describe.defaults import callable_name, describe_default
from schema_sync_hook.describe.overrides import TypeOverride
from schema_sync_hook.describe.reach import described, refuse_texts
from schema_sync_hook.describe.refs import importable, type_ref
from schema_sync_hook.describe.relations import describe_computed, describe_relations
from schema_sync_hook.describe.sourcelines import locate
from schema_sync_hook.describe.spec import (
    FieldSpec,
    ModelSpec,
    TypeRef,
)
from schema_sync_hook.errors import UserError
from schema_sync_hook.missing import session as missing

_SCALARS: dict[Any, TypeRef] = {
    int: TypeRef("builtins", "int"),
    str: TypeRef("builtins", "str"),
    bool: TypeRef("builtins", "bool"),
    float: TypeRef("builtins", "float"),
    bytes: TypeRef("builtins", "bytes"),
    decimal.Decimal: TypeRef("decimal", "Decimal"),
    datetime.datetime: TypeRef("datetime", "datetime"),
    datetime.date: TypeRef("datetime", "date"),
    datetime.time: TypeRef("datetime", "time"),
    datetime.timedelta: TypeRef("datetime", "timedelta"),
    uuid.UUID: TypeRef("uuid", "UUID"),
}


def describe_model(model: type[Model], overrides: Mapping[str, TypeOverride]) -> ModelSpec:
    spec = described(model.__name__, None, _describe_model, model, overrides)
    refuse_texts(spec)
    return spec


def _describe_model(model: type[Model], overrides: Mapping[str, TypeOverride]) -> ModelSpec:
    meta = model._meta
    pydantic_meta = getattr(model, "PydanticMeta", None)
    where = f"{model.__name__}.PydanticMeta"
    missing.refuse_placeholder(where, dict(vars(pydantic_meta or object)))
    include = tuple(getattr(pydantic_meta, "include", ()) or ())
    exclude = tuple(getattr(pydantic_meta, "exclude", ()) or ())
    relations = {*meta.fk_fields, *meta.o2o_fields}
    key_fields = {meta.fields_map[name].source_field for name in relations}

    def visible(name: str) -> bool:
        return not ((include and name not in include) or name in exclude)

    location, lines = locate(model, skip=(Model,))
    specs = []
    for name, field in meta.fields_map.items():
        if name in key_fields or name in meta.backward_fk_fields:
            continue
        if name in meta.backward_o2o_fields or name in meta.m2m_fields:
            continue
        # As Tortoise: excluding a relation keeps its raw <name>_id field, and the
        # other way round; the API field <name>_id goes only when both are excluded.
        raw = getattr(field, "source_field", None) if name in relations else None
        if not (visible(name) or (raw is not None and visible(raw))):
            continue
        where = f"{model.__name__}.{name}"
        spec = described(where, field, _describe_field, model, name, field, overrides)
        specs.append(dataclasses.replace(spec, location=lines.get(name)))
    return ModelSpec(
        name=model.__name__,
        app=meta.app or "models",
        module=model.__module__,
        doc=_model_doc(model),
        fields=tuple(specs),
        config=_model_config(model, getattr(pydantic_meta, "model_config", None)),
        location=location,
        relations=tuple(
            dataclasses.replace(r, location=lines.get(r.name))
            for r in describe_relations(model, visible, pydantic_meta)
        ),
        computed=tuple(
            dataclasses.replace(c, location=lines.get(c.name))
            for c in describe_computed(model, pydantic_meta)
        ),
    )


# PydanticMeta.model_config keys carried to the generated classes (``title`` is not:
# one title for Create, Update and Response would make their schemas collide).
_CONFIG_KEYS = (
    "alias_generator",
    "populate_by_name",
    "extra",
    "str_strip_whitespace",
    "str_to_lower",
    "str_to_upper",
    "use_enum_values",
    "ser_json_timedelta",
    "ser_json_bytes",
)


def _model_config(model: type[Model], config: Any) -> tuple[tuple[str, Any], ...]:
    if not isinstance(config, Mapping):
        return ()
    carried: list[tuple[str, bool | int | float | str | TypeRef]] = []
    for key in _CONFIG_KEYS:
        if key not in config:
            continue
        value = config[key]
        if callable(value):
            ref = importable(value)
            if ref is None:
                raise UserError(
                    f"{model.__name__}.PydanticMeta.model_config[{key!r}] is not importable",
                    "define it at module level so the generated file can import it",
                )
            carried.append((key, ref))
        elif isinstance(value, (bool, int, float, str)):
            carried.append((key, value))
    return tuple(carried)


def _model_doc(model: type[Model]) -> str | None:
    doc = model.__doc__
    if not doc or doc == Model.__doc__:
        return None
    for base in model.__mro__[1:]:  # an inherited docstring is not this model's own
        if base.__doc__ == doc:
            return None
    return inspect.cleandoc(doc) or None


def _describe_field(
    model: type[Model], name: str, field: fields.Field[Any], overrides: Mapping[str, TypeOverride]
) -> FieldSpec:
    relation = None
    api_name = name
    typed_field = field
    if isinstance(field, fields.relational.ForeignKeyFieldInstance):
        relation = "fk"
    elif isinstance(field, fields.relational.OneToOneFieldInstance):
        relation = "o2o"
    if relation is not None:
        api_name = field.source_field or f"{name}_id"
        typed_field = model._meta.fields_map[api_name]

    kind, found_type = _field_type(model, name, typed_field, overrides)
    constraints, notes = _constraints(typed_field if relation else field, kind)
    override = _override(model, name, typed_field, overrides)
    if override is not None:  # only what applies to the target's type is carried
        constraints = tuple((k, v) for k, v in constraints if override.carries(k))
    read_only = bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
    has_db_default = bool(getattr(field, "has_db_default", lambda: False)())
    description = field.description or getattr(field, "docstring", None) or None
    return FieldSpec(
        name=api_name,
        kind=kind,
        type=found_type,
        nullable=bool(field.null),
        default=describe_default(model, name, field, kind),
        has_db_default=has_db_default,
        generated=bool(field.generated),
        read_only=read_only,
        constraints=constraints,
        description=description,
        notes=notes,
    )


_ARRAY_ELEMENTS: dict[str, Any] = {
    "INT": int,
    "INTEGER": int,
    "SMALLINT": int,
    "BIGINT": int,
    "SERIAL": int,
    "TEXT": str,
    "VARCHAR": str,
    "CHAR": str,
    "CHARACTER VARYING": str,
    "CITEXT": str,
    "BOOL": bool,
    "BOOLEAN": bool,
    "REAL": float,
    "FLOAT": float,
    "FLOAT4": float,
    "FLOAT8": float,
    "DOUBLE PRECISION": float,
    "NUMERIC": decimal.Decimal,
    "DECIMAL": decimal.Decimal,
    "UUID": uuid.UUID,
    "DATE": datetime.date,
    "TIME": datetime.time,
    "TIMESTAMP": datetime.datetime,
    "TIMESTAMPTZ": datetime.datetime,
}
# Field classes without a Python type of their own, and what they carry in the API.
_BUILTIN_OVERRIDES = {"GeometryField": TypeRef("builtins", "str")}  # WKT text


def _override(
    model: type[Model], name: str, field: fields.Field[Any], overrides: Mapping[str, TypeOverride]
) -> TypeOverride | None:
    return overrides.get(f"{model.__name__}.{name}") or overrides.get(type(field).__name__)


def _field_type(
    model: type[Model], name: str, field: fields.Field[Any], overrides: Mapping[str, TypeOverride]
) -> tuple[str, TypeRef | None]:
    override = _override(model, name, field, overrides)
    if override is not None:
        module, _, qualname = override.target.rpartition(".")
        return "scalar", TypeRef(module or "builtins", qualname)
    enum_type = getattr(field, "enum_type", None)
    if isinstance(enum_type, type) and issubclass(enum_type, enum.Enum):
        if importable(enum_type) is None:
            raise UserError(
                f"{model.__name__}.{name}: the enum {enum_type.__module__}."
                f"{enum_type.__qualname__} cannot be imported under that name",
                "define it at module level under its own name so the generated file can import it",
            )
        return "enum", type_ref(enum_type)
    if isinstance(field, fields.JSONField):
        return "json", _json_type(model, name, field)
    element_type = getattr(field, "element_type", None)
    if isinstance(element_type, str) and field.field_type is list:  # postgres ArrayField
        base = element_type.split("(")[0].strip().upper()
        if base in _ARRAY_ELEMENTS:
            return "array", _SCALARS[_ARRAY_ELEMENTS[base]]
        raise _unknown_type(model, name, f"ArrayField of {element_type}")
    if type(field).__name__ in _BUILTIN_OVERRIDES:
        return "scalar", _BUILTIN_OVERRIDES[type(field).__name__]
    python_type = field.field_type
    if python_type in _SCALARS:
        return "scalar", _SCALARS[python_type]
    if isinstance(python_type, type) and importable(python_type) is not None:
        return "scalar", type_ref(python_type)  # a custom field's own Python type
    raise _unknown_type(model, name, f"{type(field).__name__} (python type {python_type!r})")


def _unknown_type(model: type[Model], name: str, what: str) -> UserError:
    return UserError(
        f"{model.__name__}.{name}: no schema type for {what}",
        f'map it under [tool.schema-sync] type_overrides, e.g. "{model.__name__}.{name}"'
        ' = "builtins.str"',
    )


def _json_type(model: type[Model], name: str, field: fields.Field[Any]) -> TypeRef | None:
    """The class a JSONField holds: its ``field_type=``, or ``JSONField[X]`` annotation."""
    candidates = [getattr(field, "field_type", None)]
    for klass in model.__mro__:
        annotation = getattr(klass, "__annotations__", {}).get(name)
        args = typing.get_args(annotation) if annotation is not None else ()
        if args:
            candidates.append(args[0])
    for candidate in candidates:
        if (
            isinstance(candidate, type)
            and candidate not in (dict, list)
            and importable(candidate) is not None
        ):
            return type_ref(candidate)
    return None


def _constraints(
    field: fields.Field[Any], kind: str
) -> tuple[tuple[tuple[str, int | str | decimal.Decimal], ...], tuple[str, ...]]:
    found: dict[str, Any] = {}
    notes: list[str] = []
    python_type = field.field_type
    sized = kind == "scalar" and python_type in (str, bytes)
    numeric = kind == "scalar" and python_type in (int, float, decimal.Decimal)
    for key in ("ge", "le", "max_length", "min_length"):
        value = field.constraints.get(key)
        allowed = numeric if key in ("ge", "le") else sized
        if allowed and isinstance(value, int) and not isinstance(value, bool):
            found[key] = value
    if isinstance(field, fields.DecimalField):
        found["max_digits"] = field.max_digits
        found["decimal_places"] = field.decimal_places

    def tighten(key: str, value: Any, pick: Any) -> None:
        found[key] = pick(found[key], value) if key in found else value

    for validator in getattr(field, "validators", ()):
        if isinstance(validator, MinValueValidator) and numeric:
            tighten("ge", validator.min_value, max)
        elif isinstance(validator, MaxValueValidator) and numeric:
            tighten("le", validator.max_value, min)
        elif isinstance(validator, MinLengthValidator) and sized:
            tighten("min_length", validator.min_length, max)
        elif isinstance(validator, MaxLengthValidator):
            if sized:
                tighten("max_length", validator.max_length, min)
        elif (
            isinstance(validator, RegexValidator)
            and python_type is str
            and kind == "scalar"
            and isinstance(validator.regex.pattern, str)
        ):
            found["pattern"] = _anchored(validator.regex)
        else:
            notes.append(f"validator {callable_name(validator)} is not carried over")
    ordered = tuple(
        (key, _plain_number(found[key]))
        for key in (
            "ge",
            "le",
            "min_length",
            "max_length",
            "max_digits",
            "decimal_places",
            "pattern",
        )
        if key in found
    )
    return ordered, tuple(notes)


def _plain_number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_FLAG_LETTERS = (
    (re.ASCII, "a"),
    (re.IGNORECASE, "i"),
    (re.MULTILINE, "m"),
    (re.DOTALL, "s"),
    (re.VERBOSE, "x"),
)
_LEADING_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


def _anchored(regex: re.Pattern[str]) -> str:
    """Tortoise uses ``re.match`` (anchored at the start); pydantic searches.

    The pattern's flags (also inline ones such as a leading ``(?i)``, which must
    not end up inside the group) are written once, at the start.
    """
    pattern = regex.pattern
    while match := _LEADING_FLAGS.match(pattern):
        pattern = pattern[match.end() :]
    flags = "".join(letter for flag, letter in _FLAG_LETTERS if regex.flags & flag)
    prefix = f"(?{flags})" if flags else ""
    if pattern.startswith("^") and "|" not in pattern:
        return prefix + pattern
    if regex.flags & re.VERBOSE:  # a trailing comment must not swallow the ")"
        pattern += "\n"
    return f"{prefix}^(?:{pattern})"
