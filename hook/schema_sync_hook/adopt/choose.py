"""Choosing what replaces a call: a generated class of the same wire shape, else a view.

Pure: works on shapes (:mod:`.shape`) and the models' facts (:class:`ModelFacts`),
never on tortoise. A view is written as §12 declares it (``model``, ``nest`` as a list
or ``"*"`` with ``depth``, ``include``/``exclude``, ``computed``, ``raw_ids``, ``list``).
"""

from __future__ import annotations

import fnmatch
import keyword
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from schema_sync_hook.adopt.shape import Shape

# A nest list longer than this reads better as "*" with a depth, when that is exact.
SHORT_NEST = 3


@dataclass(frozen=True)
class ModelFacts:
    key: str  # the model as a view's ``model`` names it
    relations: Mapping[str, str]  # relation name -> related model key
    raw_ids: Mapping[str, str]  # forward relation -> its <name>_id key
    response: tuple[str, ...]  # the field names of the model's generated Response


@dataclass
class Choice:
    class_name: str | None = None  # what the call site imports
    kind: str | None = None  # "existing" or "view"
    view: str | None = None  # the view's name
    declaration: dict[str, Any] | None = None  # the view's table
    problem: str | None = None  # why nothing replaces it
    unexpressed: list[tuple[str, str]] = field(default_factory=list)  # (field, what)


def is_sensitive(name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def sensitive_paths(shape: Shape, patterns: Sequence[str]) -> list[str]:
    return [p for p in shape.paths() if is_sensitive(p.rpartition(".")[2], patterns)]


def same_shape(a: Shape, b: Shape, sensitive: Sequence[str]) -> bool:
    """The same field names at every level, sensitive fields aside."""
    return a.without(sensitive).name_tree() == b.without(sensitive).name_tree()


def levels(shape: Shape, prefix: str = "") -> list[tuple[str, Shape]]:
    """Every level of the shape with its path (``""`` for the root), parents first."""
    found = [(prefix, shape)]
    for node in shape.fields:
        if node.child is not None:
            found += levels(node.child, f"{prefix}{node.name}.")
    return found


def view_declaration(
    shape: Shape,
    facts: Mapping[str, ModelFacts],
    sensitive: Sequence[str],
    star: Callable[[int], Shape] | None,
    as_list: bool,
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The most readable view that builds ``shape``, and what no view can express."""
    assert shape.model is not None
    shape = shape.without(sensitive)
    paths = list(shape.relation_paths())
    every_raw_dropped, nested_raw_dropped, any_nested_raw = _raw_ids(shape, facts)
    declaration: dict[str, Any] = {"model": shape.model}
    depth = _star_depth(paths, star) if len(paths) > SHORT_NEST and every_raw_dropped else None
    if depth is not None:
        declaration["nest"] = "*"
        declaration["depth"] = depth
        raw_mode = "all"
    else:
        if paths:
            declaration["nest"] = paths
        raw_mode = "nested" if any_nested_raw and nested_raw_dropped else "none"
    keys, unexpressed = _field_keys(shape, facts, sensitive, raw_mode)
    declaration.update((key, values) for key, values in keys.items() if values)
    if raw_mode != "none":
        declaration["raw_ids"] = False
    if as_list:
        declaration["list"] = True
    return declaration, unexpressed


def _raw_ids(shape: Shape, facts: Mapping[str, ModelFacts]) -> tuple[bool, bool, bool]:
    """Whether every ``<name>_id`` key is absent, whether every nested relation's is, and
    whether a nested relation has one to drop."""
    every_raw_dropped = True
    nested_raw_dropped = True
    any_nested_raw = False
    for _, level in levels(shape):
        info = facts[level.model or ""]
        names = set(level.names())
        nested = {n.name for n in level.fields if n.child is not None}
        for relation, raw in info.raw_ids.items():
            if raw in names:
                every_raw_dropped = False
                if relation in nested:
                    nested_raw_dropped = False
            if relation in nested and raw in info.response:
                any_nested_raw = True
    return every_raw_dropped, nested_raw_dropped, any_nested_raw


def _field_keys(
    shape: Shape, facts: Mapping[str, ModelFacts], sensitive: Sequence[str], raw_mode: str
) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """The view's ``include``/``exclude``/``computed`` paths, level by level."""
    keys: dict[str, list[str]] = {"include": [], "exclude": [], "computed": []}
    unexpressed: list[tuple[str, str]] = []
    for prefix, level in levels(shape):
        info = facts[level.model or ""]
        nested = {n.name for n in level.fields if n.child is not None}
        served = [n for n in level.fields if n.child is None]
        dropped: set[str] = set()
        if raw_mode == "all":
            dropped = set(info.raw_ids.values())
        elif raw_mode == "nested":
            dropped = {raw for rel, raw in info.raw_ids.items() if rel in nested}
        base = [n for n in info.response if n not in dropped and not is_sensitive(n, sensitive)]
        creator_names = {n.name for n in served}
        missing = [n for n in base if n not in creator_names]
        kept = [n for n in base if n in creator_names]
        if missing and len(kept) < len(missing):
            keys["include"] += [f"{prefix}{n}" for n in kept]
        else:
            keys["exclude"] += [f"{prefix}{n}" for n in missing]
        for node in served:
            if node.name in base:
                continue
            if node.computed:
                keys["computed"].append(f"{prefix}{node.name}")
            else:
                why = "served by the creator; not in the view's fields"
                unexpressed.append((f"{prefix}{node.name}", why))
    return keys, unexpressed


def _star_depth(paths: Sequence[str], star: Callable[[int], Shape] | None) -> int | None:
    if star is None:
        return None
    for depth in range(1, 6):
        if set(star(depth).relation_paths()) == set(paths):
            return depth
    return None


def view_names(base: str, queryset: bool) -> tuple[str, str]:
    """(view name, class imported) for a call named ``base``: a queryset call imports
    the view's ``{View}List``; ``OrderList``/``order_list`` name the view ``Order``."""
    if not queryset:
        return base, base
    for suffix in ("_List", "_list", "List"):
        if base.endswith(suffix) and len(base) > len(suffix):
            view = base[: -len(suffix)].rstrip("_") or base
            return view, f"{view}List"
    return base, f"{base}List"


def valid_class_name(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_")
