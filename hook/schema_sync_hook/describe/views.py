"""Declared views resolved against the described models: a tree of levels (SPEC §12).

Every level starts from its model's Response field set; ``nest`` (a list of paths, or
``"*"`` to ``depth`` levels as ``pydantic_model_creator`` nests), ``include``,
``exclude``, ``computed`` and ``raw_ids`` shape it. What is wrong in a view against the
models is a one-line error naming ``views.<Name>.<key>``, the value and the source.
"""

from __future__ import annotations

import fnmatch
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from schema_sync_hook.describe.relations import describe_computed
from schema_sync_hook.describe.spec import (
    ComputedSpec,
    FieldSpec,
    ModelSpec,
    ProjectSpec,
    RelationSpec,
    ViewLevel,
    ViewSpec,
)
from schema_sync_hook.errors import ConfigError
from schema_sync_hook.settings.views import ViewDecl

# (model, method name) -> its description, or None when the model has no such method
ComputedOf = Callable[[ModelSpec, str], ComputedSpec | None]


@dataclass(frozen=True)
class Rules:
    """What decides a level's Response field set, and what the models can tell."""

    sensitive: tuple[str, ...]
    exclude_response: tuple[str, ...]
    computed_of: ComputedOf
    pk_keys: Callable[[ModelSpec], frozenset[str]]

    def response_fields(self, model: ModelSpec) -> tuple[list[FieldSpec], list[ComputedSpec]]:
        fields = [f for f in model.fields if self.shown(model, f.name)]
        return fields, [c for c in model.computed if self.shown(model, c.name)]

    def shown(self, model: ModelSpec, name: str) -> bool:
        lowered = name.lower()
        if any(fnmatch.fnmatchcase(lowered, p.lower()) for p in self.sensitive):
            return False
        return not any(
            fnmatch.fnmatchcase(f"{model.name}.{name}" if "." in p else name, p)
            for p in self.exclude_response
        )


@dataclass
class _Node:
    """A level while the view is resolved (mutable; frozen into a ViewLevel)."""

    model: ModelSpec
    path: tuple[str, ...]
    children: list[tuple[RelationSpec, _Node]] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    computed: list[ComputedSpec] = field(default_factory=list)


def resolve_views(
    project: ProjectSpec, views: Sequence[ViewDecl], rules: Rules
) -> tuple[ViewSpec, ...]:
    models = {(m.app, m.name): m for m in project.models}
    return tuple(_Resolver(view, models, rules).resolve() for view in views)


class _Resolver:
    def __init__(
        self, view: ViewDecl, models: Mapping[tuple[str, str], ModelSpec], rules: Rules
    ) -> None:
        self.view = view
        self.models = models
        self.rules = rules

    def fail(self, key: str, value: str, problem: str, fix: str) -> ConfigError:
        return self.view.error(key, f"{value!r}: {problem}", fix)

    def resolve(self) -> ViewSpec:
        view = self.view
        root = _Node(self.root_model(), ())
        if view.star:
            self.nest_all(root, (), view.depth or 1)
        else:
            for path in view.nest:
                self.nest_path(root, path)
        for key in ("include", "exclude"):
            for path in getattr(view, key):
                self.address(root, key, path)
        for path in view.computed:
            self.add_computed(root, path)
        level = self.freeze(root, is_root=True)
        return ViewSpec(view.name, level, view.list_class, view.origin)

    def root_model(self) -> ModelSpec:
        app, _, name = self.view.model.rpartition(".")
        found = [m for (a, n), m in self.models.items() if n == name and (not app or a == app)]
        if len(found) == 1:
            return found[0]
        if found:
            apps = ", ".join(f"{m.app}.{m.name}" for m in found)
            raise self.fail("model", self.view.model, f"names {apps}", 'write "app.Model"')
        known = ", ".join(sorted(n for _, n in self.models)[:8])
        raise self.fail(
            "model", self.view.model, "is not a configured model", f"use one of {known}"
        )

    def target(self, relation: RelationSpec) -> ModelSpec:
        return self.models[relation.target_app, relation.target]

    def relations(self, model: ModelSpec) -> list[RelationSpec]:
        return [r for r in model.relations if self.rules.shown(model, r.name)]

    # --- nest ------------------------------------------------------------------------

    def nest_all(self, node: _Node, above: tuple[ModelSpec, ...], depth: int) -> None:
        """As pydantic_model_creator with every max_recursion = depth, cycles off: a
        relation nests while fewer than ``depth`` levels are above it, and never into a
        model already on the path above ``node``."""
        if len(node.path) >= depth:
            return
        for relation in self.relations(node.model):
            model = self.target(relation)
            if model in above:
                continue
            child = _Node(model, (*node.path, relation.name))
            node.children.append((relation, child))
            self.nest_all(child, (*above, node.model), depth)

    def nest_path(self, root: _Node, path: str) -> None:
        node = root
        for name in path.split("."):
            existing = dict((r.name, n) for r, n in node.children).get(name)
            if existing is not None:
                node = existing
                continue
            relation = self.relation(node.model, name, "nest", path)
            child = _Node(self.target(relation), (*node.path, name))
            order = [r.name for r in self.relations(node.model)]
            node.children.append((relation, child))
            node.children.sort(key=lambda pair: order.index(pair[0].name))
            node = child

    def relation(self, model: ModelSpec, name: str, key: str, path: str) -> RelationSpec:
        for relation in self.relations(model):
            if relation.name == name:
                return relation
        if any(f.name == name for f in model.fields) or any(c.name == name for c in model.computed):
            problem = f"{name} is a field of {model.name}, not a relation"
        else:
            problem = f"{name} is not a field or relation of {model.name}"
        raise self.fail(key, path, problem, f"name a relation of {model.name}")

    # --- include, exclude, computed ------------------------------------------------------

    def levels(self, root: _Node, key: str, path: str) -> list[tuple[_Node, str]]:
        """The levels ``path``'s relation segments reach, with its last segment."""
        *through, last = path.split(".")
        nodes = [root]
        for pattern in through:
            found = [
                n
                for node in nodes
                for r, n in node.children
                if fnmatch.fnmatchcase(r.name, pattern)
            ]
            if not found:
                self.not_nested(nodes, pattern, key, path)
            nodes = found
        return [(node, last) for node in nodes]

    def not_nested(self, nodes: list[_Node], pattern: str, key: str, path: str) -> None:
        for node in nodes:
            for relation in self.relations(node.model):
                if fnmatch.fnmatchcase(relation.name, pattern):
                    problem = f"goes through {relation.name}, which the view does not nest"
                    raise self.fail(key, path, problem, f'add "{relation.name}" to nest')
        model = nodes[0].model
        raise self.fail(key, path, f"{pattern} is no relation of {model.name}", "fix the path")

    def address(self, root: _Node, key: str, path: str) -> None:
        matched = False
        for node, pattern in self.levels(root, key, path):
            names = [f.name for f in node.model.fields] + [c.name for c in node.model.computed]
            if key == "include":
                names += [r.name for r, _ in node.children]
            if any(fnmatch.fnmatchcase(name, pattern) for name in names):
                matched = True
                getattr(node, key).append(pattern)
        if not matched:
            raise self.fail(key, path, "matches no field", "fix the path or remove it")

    def add_computed(self, root: _Node, path: str) -> None:
        for node, name in self.levels(root, "computed", path):
            if any(c.name == name for c in (*node.model.computed, *node.computed)):
                continue
            spec = self.rules.computed_of(node.model, name)
            if spec is None:
                problem = f"{name} is no method or property of {node.model.name}"
                raise self.fail("computed", path, problem, "name a method or property")
            node.computed.append(spec)

    # --- the frozen tree --------------------------------------------------------------

    def freeze(self, node: _Node, is_root: bool = False) -> ViewLevel:
        model = node.model
        fields, computed = self.rules.response_fields(model)
        full = (tuple(fields), tuple(computed))
        if node.include:
            fields = [f for f in fields if _matches(f.name, node.include)]
            computed = [c for c in computed if _matches(c.name, node.include)]
        fields = [f for f in fields if not _matches(f.name, node.exclude)]
        computed = [c for c in computed if not _matches(c.name, node.exclude)]
        computed += [c for c in node.computed if self.rules.shown(model, c.name)]
        dropped = self.raw_keys(node)
        fields = [f for f in fields if f.name not in dropped]
        nested = tuple((r, self.freeze(child)) for r, child in node.children)
        reuse = not is_root and not nested and (tuple(fields), tuple(computed)) == full
        return ViewLevel(model, node.path, tuple(fields), tuple(computed), nested, reuse)

    def raw_keys(self, node: _Node) -> set[str]:
        """The ``<name>_id`` keys ``raw_ids = false`` drops at this level."""
        if self.view.raw_ids:
            return set()
        keep = self.rules.pk_keys(node.model)
        if self.view.star:
            single = [r for r in self.relations(node.model) if r.kind in ("fk", "o2o")]
        else:
            single = [r for r, _ in node.children if r.kind in ("fk", "o2o")]
        return {f"{r.name}_id" for r in single} - keep


def _matches(name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def rules_for(
    classes: Mapping[tuple[str, str], type[Any]],
    sensitive: tuple[str, ...],
    exclude_response: tuple[str, ...],
) -> Rules:
    """The rules, with the model classes answering for methods and primary keys."""

    def computed_of(model: ModelSpec, name: str) -> ComputedSpec | None:
        cls = classes[model.app, model.name]
        attr = inspect.getattr_static(cls, name, None)
        func = attr.fget if isinstance(attr, property) else attr
        if name.startswith("_") or not callable(func) or isinstance(attr, type):
            return None
        return describe_computed(cls, type("PydanticMeta", (), {"computed": (name,)}))[0]

    def pk_keys(model: ModelSpec) -> frozenset[str]:
        meta = classes[model.app, model.name]._meta
        pk = meta.fields_map[meta.pk_attr]
        return frozenset({meta.pk_attr, getattr(pk, "source_field", None) or meta.pk_attr})

    return Rules(sensitive, exclude_response, computed_of, pk_keys)
