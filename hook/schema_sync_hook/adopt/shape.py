"""The wire shape of a pydantic class: its field names at every level, read from the class.

Works on any pydantic class, the creator's or a generated one, so both sides of a
comparison are read the same way. Nothing here imports tortoise.
"""

from __future__ import annotations

import fnmatch
import types
import typing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, RootModel


@dataclass(frozen=True)
class Node:
    """One field: its wire name, whether it is a list, may be null, is required
    (validation), is a computed field, and the nested shape of a relation."""

    name: str
    many: bool
    nullable: bool
    required: bool
    computed: bool
    child: Shape | None


@dataclass(frozen=True)
class Shape:
    title: str
    fields: tuple[Node, ...]
    many: bool = False  # a RootModel list (what the queryset creator builds)
    model: str | None = None  # the Tortoise model's key, when the class tells

    def names(self) -> tuple[str, ...]:
        return tuple(n.name for n in self.fields)

    def get(self, name: str) -> Node | None:
        return next((n for n in self.fields if n.name == name), None)

    def paths(self, prefix: str = "") -> Iterator[str]:
        """Every field path, ``items.product.name`` style."""
        for node in self.fields:
            yield prefix + node.name
            if node.child is not None:
                yield from node.child.paths(f"{prefix}{node.name}.")

    def relation_paths(self, prefix: str = "") -> Iterator[str]:
        for node in self.fields:
            if node.child is not None:
                yield prefix + node.name
                yield from node.child.relation_paths(f"{prefix}{node.name}.")

    def without(self, patterns: Sequence[str]) -> Shape:
        """The same shape without fields whose name matches one of ``patterns``."""
        kept = []
        for node in self.fields:
            if any(fnmatch.fnmatchcase(node.name, p) for p in patterns):
                continue
            child = node.child.without(patterns) if node.child is not None else None
            kept.append(
                Node(node.name, node.many, node.nullable, node.required, node.computed, child)
            )
        return Shape(self.title, tuple(kept), self.many, self.model)

    def name_tree(self) -> tuple[Any, ...]:
        """Field names at every level (sorted: JSON objects have no order), for "same
        wire shape" comparisons."""
        return tuple(
            sorted(
                (n.name, n.child.name_tree() if n.child is not None else None) for n in self.fields
            )
        )


def item_class(cls: type[BaseModel]) -> type[BaseModel]:
    """The row class of a list class (``RootModel[list[X]]``), else the class itself."""
    if issubclass(cls, RootModel):
        nested = nested_class(cls.model_fields["root"].annotation)
        if nested is not None:
            return nested
    return cls


def nested_class(annotation: Any) -> type[BaseModel] | None:
    """The pydantic class a field nests (``X``, ``X | None``, ``list[X]``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = nested_class(arg)
        if found is not None:
            return found
    return None


def _is_many(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, set, frozenset, Sequence):
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_is_many(a) for a in typing.get_args(annotation) if a is not type(None))
    if origin is typing.Annotated:
        return _is_many(typing.get_args(annotation)[0])
    return False


def _is_nullable(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(a is type(None) or _is_nullable(a) for a in typing.get_args(annotation))
    if origin is typing.Annotated:
        return _is_nullable(typing.get_args(annotation)[0])
    return annotation is type(None) or annotation is Any


def read_shape(
    cls: type[BaseModel],
    model_key: Callable[[type[BaseModel]], str | None] | None = None,
    _seen: tuple[type[BaseModel], ...] = (),
) -> Shape:
    """The shape of ``cls`` (a list class reads as its rows, ``many`` set);
    ``model_key`` names the Tortoise model a class was built for, when it can tell."""
    many = issubclass(cls, RootModel) and item_class(cls) is not cls
    cls = item_class(cls)
    nodes = []
    for name, info in cls.model_fields.items():
        wire = info.serialization_alias or info.alias or name
        nested = nested_class(info.annotation)
        child = None
        if nested is not None and nested not in _seen:
            child = read_shape(nested, model_key, (*_seen, cls))
        nodes.append(
            Node(
                wire,
                many=_is_many(info.annotation),
                nullable=_is_nullable(info.annotation),
                required=info.is_required(),
                computed=False,
                child=child,
            )
        )
    for name, computed in cls.model_computed_fields.items():
        nested = nested_class(computed.return_type)
        child = read_shape(nested, model_key, (*_seen, cls)) if nested is not None else None
        nodes.append(
            Node(
                computed.alias or name,
                many=_is_many(computed.return_type),
                nullable=_is_nullable(computed.return_type),
                required=False,
                computed=True,
                child=child,
            )
        )
    title = str(cls.model_config.get("title") or cls.__name__)
    return Shape(title, tuple(nodes), many, model_key(cls) if model_key else None)
