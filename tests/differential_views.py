"""Views against ``pydantic_model_creator`` on real rows: ``nest = "*"``, ``depth = N``,
``raw_ids = false`` must dump the JSON the creator dumps when every model's
``PydanticMeta.max_recursion`` is N (cycles off), apart from the README's intended
differences.

``seed`` writes rows for any models (every field filled with a plain value of its
type, relations pointing at rows already written, many-to-many linked afterwards);
``compare_dumps`` walks both dumps and names each difference.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import fnmatch
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

ROWS = 2

# The documented, intended differences (README: "Differences from pydantic_model_creator").
VIEW_INTENDED = {
    "sensitive_field": "fields matching sensitive_fields never appear, at any level",
    "computed_without_annotation": "a computed method without a return annotation is kept,"
    " typed Any (the creator leaves it out)",
}


@dataclass
class ViewOutcome:
    pairs: int = 0  # (model, N) pairs compared
    rows: int = 0  # rows dumped through both
    identical: int = 0  # rows whose dumps are equal without any allowance
    nested: int = 0  # nested objects in the creator's dumps
    unseeded: list[str] = field(default_factory=list)
    intended: Counter[str] = field(default_factory=Counter)
    unexplained: list[str] = field(default_factory=list)
    creator_failed: list[str] = field(default_factory=list)


def _value(model: Any, name: str, fdef: Any, k: int) -> tuple[bool, Any]:
    """(found, value) for data field ``name`` of row ``k``."""
    enum_type = getattr(fdef, "enum_type", None)
    if isinstance(enum_type, type) and issubclass(enum_type, enum.Enum):
        return True, list(enum_type)[k % len(enum_type)]
    kind = fdef.field_type
    max_length = getattr(fdef, "max_length", None) or 30
    plain: dict[Any, Any] = {
        bool: k % 2 == 0,
        int: k + 1,
        float: 1.5 + k,
        decimal.Decimal: decimal.Decimal("1.50") + k,
        str: f"{name[:3]}{k}{model.__name__}"[: max(1, max_length)],
        bytes: b"bytes",
        datetime.datetime: datetime.datetime(2024, 1, 2, 3, 4, 5 + k, tzinfo=datetime.timezone.utc),
        datetime.date: datetime.date(2024, 1, 2 + k),
        datetime.time: datetime.time(3, 4, 5 + k),
        datetime.timedelta: datetime.timedelta(seconds=5 + k),
        uuid.UUID: uuid.UUID(int=k + 1 + hash(model.__name__) % 1000 * 10),
    }
    if kind in plain:
        return True, plain[kind]
    if type(fdef).__name__ == "JSONField":
        return True, {"k": k}
    return False, None


def _row_values(model: Any, made: dict[Any, list[Any]], k: int) -> dict[str, Any] | None:
    """Values for the ``k``-th row of ``model``, or None when a relation has no row yet."""
    meta = model._meta
    keys = {meta.fields_map[n].source_field for n in (*meta.fk_fields, *meta.o2o_fields)}
    skip = {*meta.backward_fk_fields, *meta.backward_o2o_fields, *meta.m2m_fields, *keys}
    values: dict[str, Any] = {}
    for name, fdef in meta.fields_map.items():
        if name in skip or fdef.generated or getattr(fdef, "auto_now", False):
            continue
        if getattr(fdef, "auto_now_add", False):
            continue
        if name in meta.fk_fields or name in meta.o2o_fields:
            rows = made.get(fdef.related_model, [])
            index = k if name in meta.o2o_fields else 0
            if len(rows) > index:
                values[name] = rows[index]
            elif not fdef.null:
                return None
            continue
        found, value = _value(model, name, fdef, k)
        if found:
            values[name] = value
        elif not fdef.null and fdef.default is None:
            return None
    return values


async def seed(models: list[Any]) -> tuple[dict[Any, list[Any]], list[str]]:
    """Up to ROWS rows per model (fewer when Tortoise refuses one), then the
    many-to-many links; also the models left without rows and why."""
    made: dict[Any, list[Any]] = {m: [] for m in models}
    why: dict[Any, str] = {}
    for _ in range(len(models)):
        progress = False
        for model in models:
            while len(made[model]) < ROWS and model not in why:
                values = _row_values(model, made, len(made[model]))
                if values is None:
                    break
                try:
                    made[model].append(await model.create(**values))
                except Exception as exc:  # a validator, a unique constraint, ...
                    why[model] = f"{type(exc).__name__}: {exc}"
                    break
                progress = True
        if not progress:
            break
    for model in models:
        for name in model._meta.m2m_fields:
            fdef = model._meta.fields_map[name]
            targets = made.get(fdef.related_model, [])
            if getattr(fdef, "_generated", False) or not targets:
                continue
            for obj in made[model]:
                try:
                    await getattr(obj, name).add(*targets)
                except Exception:
                    continue
    empty = [
        f"{m.__name__}: {why.get(m, 'a required relation has no row')}"
        for m in models
        if not made[m]
    ]
    return made, empty


def compare_dumps(
    ours: Any, theirs: Any, path: str, sensitive: tuple[str, ...], untyped: set[str]
) -> list[tuple[str, str | None]]:
    """Every difference between two dumps: (where, intended reason or None)."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        found = []
        for key in sorted(set(ours) | set(theirs)):
            where = f"{path}.{key}"
            if key not in ours:
                reason = "sensitive_field" if _sensitive(key, sensitive) else None
                found.append((where + " (only the creator)", reason))
            elif key not in theirs:
                reason = "computed_without_annotation" if key in untyped else None
                found.append((where + " (only the view)", reason))
            else:
                found += compare_dumps(ours[key], theirs[key], where, sensitive, untyped)
        return found
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return [(f"{path} (length {len(ours)} != {len(theirs)})", None)]
        found = []
        skip = (sensitive, untyped)
        pairs = zip(_sorted(ours, *skip), _sorted(theirs, *skip), strict=True)
        for i, (a, b) in enumerate(pairs):
            found += compare_dumps(a, b, f"{path}[{i}]", sensitive, untyped)
        return found
    return [] if ours == theirs else [(f"{path} ({ours!r} != {theirs!r})", None)]


def _sorted(items: list[Any], sensitive: tuple[str, ...], untyped: set[str]) -> list[Any]:
    """Nested rows in a stable order (prefetch order is not defined), by the plain
    values both sides carry."""

    def key(item: Any) -> str:
        if not isinstance(item, dict):
            return repr(item)
        return repr(
            sorted(
                (k, repr(v))
                for k, v in item.items()
                if not isinstance(v, (dict, list))
                and not _sensitive(k, sensitive)
                and k not in untyped
            )
        )

    return sorted(items, key=key)


def _sensitive(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name.lower(), p.lower()) for p in patterns)
