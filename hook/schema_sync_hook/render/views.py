"""The classes of the declared views (SPEC §12), after every model's classes.

A level that nothing restricts or nests below reuses the related model's Response;
every other level is a class of the view's own, named by the view and its path in
CamelCase (``OrderOutItemsProduct``), written before the classes that use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from schema_sync_hook.describe.spec import ModelSpec, RelationSpec, TypeRef, ViewLevel, ViewSpec
from schema_sync_hook.render import layout, pysource, reader_source
from schema_sync_hook.render.fields import (
    attribute_names,
    field_lines,
    literal,
    needs_python_re,
    simple_field,
    type_expr,
)
from schema_sync_hook.render.imports import Imports
from schema_sync_hook.render.options import RenderOptions
from schema_sync_hook.render.words import model_words
from schema_sync_hook.settings.views import view_error

_CLASSVAR = TypeRef("typing", "ClassVar")
_ANY = TypeRef("typing", "Any")
_ROOT_MODEL = TypeRef("pydantic", "RootModel")


def level_name(view: ViewSpec, level: ViewLevel) -> str:
    """``OrderOut`` for the root, ``OrderOutItemsProduct`` for ``items.product``."""
    return view.name + "".join(_camel(segment) for segment in level.path)


def _camel(segment: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in segment.split("_"))


def view_class_names(view: ViewSpec) -> list[str]:
    """Every class the view writes, in file order (its own levels, then the list)."""
    names = [level_name(view, level) for level in _own_levels(view.root)]
    return [*names, f"{view.name}List"] if view.list_class else names


def _own_levels(level: ViewLevel) -> Iterable[ViewLevel]:
    """The levels needing a class of the view's own, children before their parents."""
    for _, child in level.nested:
        yield from _own_levels(child)
    if not level.reuse:
        yield level


def check_names(
    views: Iterable[ViewSpec], names: Mapping[tuple[str, str], str], options: RenderOptions
) -> None:
    """A view's class names must be valid and collide with no other generated class
    (``names``: (model, variant) -> class name)."""
    owners = dict.fromkeys(reader_source.NAMES, "a generated helper")
    for (model, variant), name in names.items():
        if options.emitted(variant):
            owners[name] = f"{model}'s {variant} class"
    for view in views:
        for name in view_class_names(view):
            if not pysource.is_name(name):
                problem = f"class name {name!r} is not a valid Python name"
                raise view_error(view.origin, view.name, None, problem, "rename the view")
            owner = owners.setdefault(name, f"view {view.name}")
            if owner != f"view {view.name}":
                problem = f"class name {name!r} is also the name of {owner}"
                raise view_error(view.origin, view.name, None, problem, "rename the view")
            owners[name] = f"view {view.name}"


@dataclass(frozen=True)
class ViewContext:
    """What the view classes need from the file: its imports, the ``ConfigDict`` name,
    and where a reused Response comes from (``nested(model, relation)``)."""

    imports: Imports
    config_dict: str
    options: RenderOptions
    nested: Callable[[ModelSpec, RelationSpec], str]


def render_views(views: Iterable[ViewSpec], ctx: ViewContext) -> list[tuple[str, ...]]:
    """The lines of every view class, view after view in declared order."""
    classes = []
    for view in views:
        for level in _own_levels(view.root):
            ctx.imports.owner = level.model.name
            classes.append(_level_class(view, level, ctx))
        if view.list_class:
            classes.append(_list_class(view, ctx))
    return classes


def prefetch_paths(level: ViewLevel) -> list[str]:
    """Every nested path below ``level`` as Tortoise writes it, parents first."""
    paths = []
    for relation, child in level.nested:
        paths.append(relation.name)
        paths += [f"{relation.name}__{sub}" for sub in prefetch_paths(child)]
    return paths


def _level_class(view: ViewSpec, level: ViewLevel, ctx: ViewContext) -> tuple[str, ...]:
    imports, options, model = ctx.imports, ctx.options, level.model
    lines = pysource.class_header(level_name(view, level), reader_source.READER, options.style)
    where = "".join(f".{segment}" for segment in level.path)
    summary = f"View {view.name}{where}: {model_words(model.name)}."
    lines += pysource.docstring(summary, model.doc, options.indent)
    names = [f.name for f in level.fields] + [c.name for c in level.computed]
    attributes = attribute_names(names + [r.name for r, _ in level.nested])
    lines += ["", *_config_lines(level, attributes, ctx)]
    target = f"prefetch: {imports.use(_CLASSVAR)}[tuple[str, ...]]"
    prefetch = [pysource.string(p) for p in prefetch_paths(level)]
    lines += pysource.tuple_statement(options.indent, target, prefetch, options.style)
    lines.append("")
    for spec in level.fields:
        imports.owner = f"{model.name}.{spec.name}"
        lines += field_lines(spec, attributes[spec.name], "Response", imports, options)
    for extra in level.computed:
        imports.owner = f"{model.name}.{extra.name}"
        annotation = type_expr(extra.type, imports) if extra.type else imports.use(_ANY)
        target = f"{attributes[extra.name]}: {annotation}"
        lines += simple_field(target, extra.name, extra.description, imports, options)
    imports.owner = model.name
    for relation, child in level.nested:
        lines += _relation_lines(view, level, relation, child, attributes[relation.name], ctx)
    return tuple(lines)


def _config_lines(level: ViewLevel, attributes: Mapping[str, str], ctx: ViewContext) -> list[str]:
    config = ["from_attributes=True"]
    patterns = [v for f in level.fields for k, v in f.constraints if k == "pattern"]
    if any(needs_python_re(value) for value in patterns):
        config.append('regex_engine="python-re"')
    carried = dict(level.model.config)
    if any(attribute != name for name, attribute in attributes.items()):
        carried.setdefault("populate_by_name", True)
    for key, value in carried.items():
        shown = (
            ctx.imports.use(value) if isinstance(value, TypeRef) else literal(value, ctx.imports)
        )
        config.append(f"{key}={shown}")
    return pysource.call_statement(
        ctx.options.indent, "model_config", ctx.config_dict, config, ctx.options.style
    )


def _relation_lines(
    view: ViewSpec,
    level: ViewLevel,
    relation: RelationSpec,
    child: ViewLevel,
    attribute: str,
    ctx: ViewContext,
) -> list[str]:
    nested = ctx.nested(level.model, relation) if child.reuse else level_name(view, child)
    if relation.many:
        annotation = f"list[{nested}]"
    else:
        annotation = f"{nested} | None" if relation.nullable else nested
    return simple_field(
        f"{attribute}: {annotation}",
        relation.name,
        relation.description,
        ctx.imports,
        ctx.options,
        optional=relation.nullable and not relation.many,
    )


def _list_class(view: ViewSpec, ctx: ViewContext) -> tuple[str, ...]:
    """``{View}List``: the rows of a query, as ``pydantic_queryset_creator`` builds.

    Fixed lines, written unsplit: where the view's name makes one overflow the line
    length, the class is kept from the formatters (as the helpers are)."""
    indent = ctx.options.indent
    root_model = ctx.imports.use(_ROOT_MODEL)
    classvar, any_ = ctx.imports.use(_CLASSVAR), ctx.imports.use(_ANY)
    name, item = f"{view.name}List", view.name
    lines = [
        f"class {name}({root_model}[list[{item}]]):",
        f'{indent}"""A list of {item}, as pydantic_queryset_creator builds."""',
        "",
        f"{indent}prefetch: {classvar}[tuple[str, ...]] = {item}.prefetch",
        "",
        f"{indent}@classmethod",
        f'{indent}async def from_tortoise_orm(cls, objects: {any_}) -> "{name}":',
        f'{indent * 2}"""Validate ``objects``, first fetching the relations they lack."""',
        f"{indent * 2}rows = list(objects)",
        f"{indent * 2}await _fetch(rows, cls.prefetch)",
        f"{indent * 2}context = await _awaited({item}, rows)",
        f"{indent * 2}return cls([{item}.model_validate(row, context=context) for row in rows])",
        "",
        f"{indent}@classmethod",
        f'{indent}async def from_queryset(cls, queryset: {any_}) -> "{name}":',
        f'{indent * 2}"""Validate every row, with one ``prefetch_related`` call."""',
        f"{indent * 2}return cls(await {item}.from_queryset(queryset))",
    ]
    return tuple(layout.fenced(lines, ctx.options.style))
