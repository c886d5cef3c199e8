"""Classify the differences between two versions of the generated schemas (SPEC §10).

Classes are matched by name, fields by wire name (the alias where there is one).
A change is ``breaking`` when a client written against the old version can fail
against the new one: input classes (Create/Update) must not accept less, output
classes (Response/Detail) must not return more or lose anything. Everything else
is ``compatible``; a breaking change listed in ``accept_breaking`` is ``accepted``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from schema_sync_hook.gate.genparse import ParsedClass, ParsedField
from schema_sync_hook.settings.variants import DEFAULT_CLASS_NAMES as DEFAULT_NAMES
from schema_sync_hook.settings.variants import REQUEST_KEYS

BREAKING, COMPATIBLE, ACCEPTED = "breaking", "compatible", "accepted"
RANK = {COMPATIBLE: 0, ACCEPTED: 1, BREAKING: 2}
INPUT_VARIANTS = REQUEST_KEYS
DEFAULT_CLASS_NAMES = dict(DEFAULT_NAMES)
_UPPER_BOUNDS = ("lt", "le", "max_length", "max_digits", "decimal_places")
_LOWER_BOUNDS = ("gt", "ge", "min_length")


@dataclass(frozen=True)
class Aspect:
    severity: str
    text: str
    kind: str = "field-changed"  # the rule of the CI formats (SARIF ruleId)


@dataclass(frozen=True)
class SchemaChange:
    """One changed class (``field`` None) or one changed field of a class."""

    cls: str
    field: str | None  # the wire name
    change: str  # "added", "removed", "changed"
    aspects: tuple[Aspect, ...]
    severity: str
    model: str | None  # the model the class was generated from
    variant: str | None

    @property
    def name(self) -> str:
        return f"{self.cls}.{self.field}" if self.field else self.cls

    @property
    def kind(self) -> str:
        """The kind of change: that of its most severe aspect."""
        return min(self.aspects, key=lambda a: -RANK[a.severity]).kind if self.aspects else ""

    @property
    def what(self) -> str:
        ordered = sorted(self.aspects, key=lambda a: -RANK[a.severity])
        return ", ".join(a.text for a in ordered)

    def __str__(self) -> str:
        return f"{self.severity} {self.name}: {self.what}"


Namer = Callable[[str], tuple[str | None, str | None]]


def class_namer(
    templates: Mapping[str, str] | None = None, views: Mapping[str, str] | None = None
) -> Namer:
    """A function: class name -> (model name, variant), per the ``class_names`` templates.

    A view's classes (``views``: view name -> model) are Responses (SPEC §12): the view
    itself, its ``List`` and its own nested classes (the view's name, then CamelCase).
    """
    patterns = []
    for variant, template in (templates or DEFAULT_CLASS_NAMES).items():
        head, _, tail = template.partition("{model}")
        patterns.append((re.compile(f"{re.escape(head)}(\\w+?){re.escape(tail)}"), variant))
    by_length = sorted((views or {}).items(), key=lambda item: -len(item[0]))

    def name(cls: str) -> tuple[str | None, str | None]:
        for view, model in by_length:
            if cls == view or (cls.startswith(view) and cls[len(view)].isupper()):
                return model, "response"
        for pattern, variant in patterns:
            match = pattern.fullmatch(cls)
            if match:
                return match.group(1), variant
        return None, None

    return name


def compare(
    old: Mapping[str, ParsedClass], new: Mapping[str, ParsedClass], namer: Namer
) -> list[SchemaChange]:
    """Every change from ``old`` to ``new``: new file order, then what was removed."""
    changes: list[SchemaChange] = []
    for cls in new.values():
        _model, variant = namer(cls.name)
        before = old.get(cls.name)
        if before is None:
            changes.append(
                make_change(cls.name, None, "added", [Aspect(COMPATIBLE, "added")], namer)
            )
            continue
        changes += _compare_class(before, cls, _is_input(variant, cls), namer)
    for cls in old.values():
        if cls.name not in new:
            changes.append(
                make_change(cls.name, None, "removed", [Aspect(BREAKING, "removed")], namer)
            )
    return changes


def _is_input(variant: str | None, cls: ParsedClass) -> bool:
    if variant is not None:
        return variant in INPUT_VARIANTS
    doc = (cls.doc or "").lower()  # a class named by other templates: its docstring
    return doc.startswith(("schema for creating", "schema for updating"))


def make_change(
    cls: str, wire: str | None, change: str, aspects: Sequence[Aspect], namer: Namer
) -> SchemaChange:
    severity = max((a.severity for a in aspects), key=RANK.__getitem__)
    model, variant = namer(cls)
    return SchemaChange(cls, wire, change, tuple(aspects), severity, model, variant)


def _compare_class(
    old: ParsedClass, new: ParsedClass, is_input: bool, namer: Namer
) -> list[SchemaChange]:
    changes = []
    config = _config_aspects(old.config, new.config, is_input)
    if config:
        changes.append(make_change(new.name, None, "changed", config, namer))
    for field in new.fields:
        before = old.field(field.wire)
        if before is None:
            added = BREAKING if is_input and field.required else COMPATIBLE
            text = "added as required" if added == BREAKING else "added"
            changes.append(make_change(new.name, field.wire, "added", [Aspect(added, text)], namer))
            continue
        aspects = field_aspects(before, field, is_input)
        if aspects:
            changes.append(make_change(new.name, field.wire, "changed", aspects, namer))
    for field in old.fields:
        if new.field(field.wire) is None:
            removed = [Aspect(BREAKING, "removed")]
            changes.append(make_change(new.name, field.wire, "removed", removed, namer))
    return changes


def field_aspects(old: ParsedField, new: ParsedField, is_input: bool) -> list[Aspect]:
    """What changed in one field, each with its severity for an input or output class."""
    tight = BREAKING if is_input else COMPATIBLE
    aspects = []
    if old.type_key != new.type_key:
        aspects.append(Aspect(BREAKING, f"type {old.type_shown} -> {new.type_shown}"))
    if old.nullable != new.nullable:
        shown = new.type_shown
        text = f"{shown} -> {shown} | None" if new.nullable else f"{shown} | None -> {shown}"
        widened = new.nullable if is_input else not new.nullable
        aspects.append(Aspect(COMPATIBLE if widened else BREAKING, text))
    if old.required != new.required:
        text = "now required" if new.required else "now optional"
        aspects.append(Aspect(tight if new.required else COMPATIBLE, text))
    for key in sorted(set(old.constraints) | set(new.constraints)):
        text, tightened = constraint_change(key, old.constraints.get(key), new.constraints.get(key))
        if text:
            aspects.append(Aspect(tight if tightened else COMPATIBLE, text))
    if old.default != new.default and not old.required and not new.required:
        aspects.append(Aspect(COMPATIBLE, f"default {old.default} -> {new.default}"))
    if old.description != new.description:
        aspects.append(Aspect(COMPATIBLE, "description changed"))
    if old.attribute != new.attribute:
        aspects.append(Aspect(COMPATIBLE, f"attribute {old.attribute} -> {new.attribute}"))
    return aspects


Value = int | float | Decimal | str | None


def constraint_change(key: str, old: Value, new: Value) -> tuple[str, bool]:
    """The text of a constraint change and whether it accepts less than before."""
    if old == new:
        return "", False
    if new is None:
        return f"{key} {_shown(old)} removed", False
    if old is None:
        return f"{key} {_shown(new)} added", True
    text = f"{key} {_shown(old)} -> {_shown(new)}"
    if key == "pattern" or isinstance(old, str) or isinstance(new, str):
        return text, True
    if key in _UPPER_BOUNDS:
        return text, Decimal(str(new)) < Decimal(str(old))
    if key in _LOWER_BOUNDS:
        return text, Decimal(str(new)) > Decimal(str(old))
    return text, True  # pragma: no cover - every constraint is a bound or a pattern


def _shown(value: Value) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _config_aspects(old: Mapping[str, str], new: Mapping[str, str], is_input: bool) -> list[Aspect]:
    aspects = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        text = f"model_config {key} {before or 'unset'} -> {after or 'unset'}"
        breaking = key == "alias_generator" or (
            is_input
            and (
                (key == "extra" and after is not None and "forbid" in after)
                or (key == "populate_by_name" and before == "True")
            )
        )
        aspects.append(Aspect(BREAKING if breaking else COMPATIBLE, text))
    return aspects


def accept(
    changes: Iterable[SchemaChange], accepted: Sequence[str]
) -> tuple[list[SchemaChange], list[str]]:
    """Mark the breaking changes named in ``accept_breaking`` (an entry accepts every change
    at or below its path: ``ProductCreate.spec`` accepts ``ProductCreate.spec.depth``);
    also the entries that accept nothing."""
    used: set[str] = set()
    result = []
    for change in changes:
        hit = [e for e in accepted if change.name == e or change.name.startswith(e + ".")]
        if hit and change.severity == BREAKING:
            used.update(hit)
            change = replace(change, severity=ACCEPTED)
        result.append(change)
    return result, [entry for entry in accepted if entry not in used]
