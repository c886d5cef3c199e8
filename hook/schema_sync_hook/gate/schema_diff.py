"""Classify the differences between two wire contracts (SPEC §10 and §14).

Each contract is the JSON Schema document of :mod:`schema_sync_hook.load.contract`.
Classes are matched by name, properties by wire name. A property whose type is a
nested pydantic type (a ``JSONField(field_type=Spec)``) is compared inside, at every
level, and its changes are named by their path from the class (``ProductCreate.spec.depth``);
an enum is compared by its values, whatever its class is called. A reference to
another generated class is that class's business: it is compared on its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from schema_sync_hook.gate.classify import (
    BREAKING,
    COMPATIBLE,
    Aspect,
    Namer,
    SchemaChange,
    constraint_change,
    make_change,
)

CLASSES = "x-schema-sync-classes"
VALIDATION = "validation"
CONSTRAINTS = {  # JSON Schema keyword -> the pydantic name the lines use
    "maxLength": "max_length",
    "maxItems": "max_length",
    "minLength": "min_length",
    "minItems": "min_length",
    "maximum": "le",
    "minimum": "ge",
    "exclusiveMaximum": "lt",
    "exclusiveMinimum": "gt",
    "pattern": "pattern",
    "x-max-digits": "max_digits",
    "x-decimal-places": "decimal_places",
}
_NOT_TYPE = {"title", "description", "default", "examples", "deprecated", *CONSTRAINTS}
_SCALARS = {"integer": "int", "string": "str", "number": "float", "boolean": "bool"}
_FORMATS = {"date-time": "datetime", "date": "date", "time": "time", "uuid": "UUID"}
_FORMATS["duration"] = "timedelta"

Schema = Mapping[str, Any]


def classes(document: Schema) -> list[tuple[str, str]]:
    """The generated classes of a contract: (name, mode), in file order."""
    return [(c["name"], c["mode"]) for c in document.get(CLASSES, ())]


def compare_contracts(old: Schema, new: Schema, namer: Namer) -> list[SchemaChange]:
    """Every change from ``old`` to ``new``: new class order, then what was removed."""
    differ = _Differ(old, new, namer)
    changes: list[SchemaChange] = []
    before = dict(classes(old))
    for name, mode in classes(new):
        if name not in before:
            added = Aspect(COMPATIBLE, "added", "class-added")
            changes.append(make_change(name, None, "added", [added], namer))
            continue
        pair = (differ.old_defs.get(name, {}), differ.new_defs.get(name, {}))
        changes += differ.object(name, "", *pair, mode == VALIDATION)
    after = dict(classes(new))
    for name, _mode in classes(old):
        if name not in after:
            removed = Aspect(BREAKING, "removed", "class-removed")
            changes.append(make_change(name, None, "removed", [removed], namer))
    return changes


@dataclass(frozen=True)
class _Prop:
    """One property as the lines show it."""

    members: tuple[Schema, ...]  # the types it accepts, null left out
    nullable: bool
    constraints: dict[str, Any]
    schema: Schema


class _Differ:
    def __init__(self, old: Schema, new: Schema, namer: Namer) -> None:
        self.old_defs: dict[str, Schema] = dict(old.get("$defs", {}))
        self.new_defs: dict[str, Schema] = dict(new.get("$defs", {}))
        self.classes = {n for n, _ in classes(old)} | {n for n, _ in classes(new)}
        self.namer = namer

    def object(
        self, cls: str, path: str, old: Schema, new: Schema, is_input: bool
    ) -> list[SchemaChange]:
        """The changes of one object schema (a class, or a nested type at ``path``)."""
        changes = []
        extra = _extra_aspects(old, new, is_input)
        if extra:
            changes.append(make_change(cls, path or None, "changed", extra, self.namer))
        olds, news = old.get("properties", {}), new.get("properties", {})
        old_req, new_req = set(old.get("required", ())), set(new.get("required", ()))
        for wire, schema in news.items():
            field = f"{path}.{wire}" if path else wire
            if wire not in olds:
                required = is_input and wire in new_req
                text, sev = ("added as required", BREAKING) if required else ("added", COMPATIBLE)
                aspect = Aspect(sev, text, "field-added")
                changes.append(make_change(cls, field, "added", [aspect], self.namer))
                continue
            both = (wire in old_req, wire in new_req)
            changes += self.field(cls, field, olds[wire], schema, both, is_input)
        for wire in olds:
            if wire not in news:
                field = f"{path}.{wire}" if path else wire
                aspect = Aspect(BREAKING, "removed", "field-removed")
                changes.append(make_change(cls, field, "removed", [aspect], self.namer))
        return changes

    def field(
        self,
        cls: str,
        field: str,
        old: Schema,
        new: Schema,
        required: tuple[bool, bool],
        is_input: bool,
    ) -> list[SchemaChange]:
        before, after = self._prop(old, self.old_defs), self._prop(new, self.new_defs)
        aspects = self._aspects(before, after, required, is_input)
        changes = []
        if aspects:
            changes.append(make_change(cls, field, "changed", aspects, self.namer))
        for old_obj, new_obj in self._nested(before, after):
            changes += self.object(cls, field, old_obj, new_obj, is_input)
        return changes

    def _prop(self, schema: Schema, defs: Mapping[str, Schema]) -> _Prop:
        members = _members(schema)
        nullable = any(m.get("type") == "null" for m in members)
        kept = tuple(self._resolved(m, defs) for m in members if m.get("type") != "null")
        constraints = {CONSTRAINTS[k]: v for k, v in schema.items() if k in CONSTRAINTS}
        for member in kept:
            constraints.update({CONSTRAINTS[k]: v for k, v in member.items() if k in CONSTRAINTS})
        if "max_digits" in constraints or "decimal_places" in constraints:
            constraints.pop("pattern", None)  # pydantic's pattern says the same digits
        return _Prop(kept, nullable, constraints, schema)

    def _resolved(self, member: Schema, defs: Mapping[str, Schema]) -> Schema:
        """A reference to an enum or a nested type, replaced by what it names."""
        name = _ref_name(member)
        if name is None or name in self.classes or name not in defs:
            return member
        return {**defs[name], "x-ref": name, **{k: v for k, v in member.items() if k != "$ref"}}

    def _aspects(
        self, old: _Prop, new: _Prop, required: tuple[bool, bool], is_input: bool
    ) -> list[Aspect]:
        tight = BREAKING if is_input else COMPATIBLE
        aspects = []
        old_type, new_type = _type_shown(old.members), _type_shown(new.members)
        if _type_key(old.members) != _type_key(new.members):
            aspects.append(Aspect(BREAKING, f"type {old_type} -> {new_type}", "field-retyped"))
        else:
            aspects += _enum_aspects(old.members, new.members, is_input)
        if old.nullable != new.nullable:
            text = (
                f"{new_type} -> {new_type} | None"
                if new.nullable
                else f"{new_type} | None -> {new_type}"
            )
            widened = new.nullable if is_input else not new.nullable
            kind = "field-loosened" if widened else "field-retyped"
            aspects.append(Aspect(COMPATIBLE if widened else BREAKING, text, kind))
        if required[0] != required[1]:
            text = "now required" if required[1] else "now optional"
            sev = tight if required[1] else COMPATIBLE
            kind = "constraint-tightened" if sev == BREAKING else "constraint-loosened"
            aspects.append(Aspect(sev, text, kind))
        for key in sorted(set(old.constraints) | set(new.constraints)):
            text, tightened = constraint_change(
                key, old.constraints.get(key), new.constraints.get(key)
            )
            if text:
                kind = "constraint-tightened" if tightened else "constraint-loosened"
                aspects.append(Aspect(tight if tightened else COMPATIBLE, text, kind))
        old_default, new_default = old.schema.get("default"), new.schema.get("default")
        if old_default != new_default and not any(required):
            text = f"default {_shown(old_default)} -> {_shown(new_default)}"
            aspects.append(Aspect(COMPATIBLE, text, "default-changed"))
        if old.schema.get("description") != new.schema.get("description"):
            aspects.append(Aspect(COMPATIBLE, "description changed", "description-changed"))
        return aspects

    def _nested(self, old: _Prop, new: _Prop) -> Iterator[tuple[Schema, Schema]]:
        """Pairs of nested object types to compare inside (same shape of type only)."""
        if len(old.members) != len(new.members):
            return
        for before, after in zip(old.members, new.members, strict=True):
            yield from self._inner(before, after, self.old_defs, self.new_defs)

    def _inner(
        self,
        old: Schema,
        new: Schema,
        old_defs: Mapping[str, Schema],
        new_defs: Mapping[str, Schema],
    ) -> Iterator[tuple[Schema, Schema]]:
        old, new = self._resolved(old, old_defs), self._resolved(new, new_defs)
        if "properties" in old and "properties" in new:
            yield old, new
        for key in ("items", "additionalProperties"):
            if isinstance(old.get(key), dict) and isinstance(new.get(key), dict):
                yield from self._inner(old[key], new[key], old_defs, new_defs)


def _members(schema: Schema) -> list[Schema]:
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return [m for option in schema[key] for m in _members(option)]
    return [schema]


def _ref_name(member: Schema) -> str | None:
    ref = member.get("$ref")
    return ref.rpartition("/")[2] if isinstance(ref, str) else None


def _type_key(members: Sequence[Schema]) -> str:
    return " | ".join(sorted(json.dumps(_shape(m), sort_keys=True) for m in members))


def _shape(member: Schema) -> Any:
    """What the type is, without constraints and annotations; nested types by kind only
    (their insides are compared field by field), enums by their values' type."""
    if "enum" in member:
        return {"enum": member.get("type", "any")}
    if "properties" in member:
        return {"object": True}
    shape = {k: v for k, v in member.items() if k not in _NOT_TYPE and k != "x-ref"}
    for key in ("items", "additionalProperties"):
        if isinstance(shape.get(key), dict):
            shape[key] = [_shape(m) for m in _members(shape[key])]
    if "anyOf" in shape:
        shape["anyOf"] = [_shape(m) for m in shape["anyOf"]]
    return shape


def _type_shown(members: Sequence[Schema]) -> str:
    return " | ".join(_shown_type(m) for m in members) or "Any"


def _shown_type(member: Schema) -> str:
    name = member.get("x-ref") or _ref_name(member)
    if name:
        return str(name)
    kind = member.get("type")
    if kind == "string" and member.get("format") in _FORMATS:
        return _FORMATS[member["format"]]
    if kind == "array":
        return f"list[{_type_shown(_members(member.get('items', {})))}]"
    if kind == "object":
        extra = member.get("additionalProperties")
        inner = _type_shown(_members(extra)) if isinstance(extra, dict) else "Any"
        return f"dict[str, {inner}]"
    if "const" in member:
        return f"Literal[{json.dumps(member['const'])}]"
    return _SCALARS.get(str(kind), "Any") if kind else "Any"


def _enum_aspects(old: Sequence[Schema], new: Sequence[Schema], is_input: bool) -> list[Aspect]:
    before = [v for m in old for v in m.get("enum", ())]
    after = [v for m in new for v in m.get("enum", ())]
    removed = [v for v in before if v not in after]
    added = [v for v in after if v not in before]
    aspects = []
    if removed:
        text = f"enum value{'s' if len(removed) > 1 else ''} {_values(removed)} removed"
        aspects.append(Aspect(BREAKING if is_input else COMPATIBLE, text, "enum-value-removed"))
    if added:
        text = (
            f"enum value{'s' if len(added) > 1 else ''} {_values(added)} added (clients that"
            " match every value may need an update)"
        )
        aspects.append(Aspect(COMPATIBLE, text, "enum-value-added"))
    return aspects


def _values(values: Sequence[Any]) -> str:
    return ", ".join(_shown(v) for v in values)


def _shown(value: Any) -> str:
    return repr(value) if not isinstance(value, (dict, list)) else json.dumps(value, sort_keys=True)


def _extra_aspects(old: Schema, new: Schema, is_input: bool) -> list[Aspect]:
    before, after = old.get("additionalProperties"), new.get("additionalProperties")
    if before == after or isinstance(before, dict) or isinstance(after, dict):
        return []
    if after is False:
        sev = BREAKING if is_input else COMPATIBLE
        return [Aspect(sev, "unknown fields now refused", "constraint-tightened")]
    return [Aspect(COMPATIBLE, "unknown fields now accepted", "constraint-loosened")]
