"""One model's classes: Create, Update, Response, and the Detail with its relations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from schema_sync_hook.describe.spec import (
    ComputedSpec,
    FieldSpec,
    ModelSpec,
    RelationSpec,
    TypeRef,
)
from schema_sync_hook.errors import UserError
from schema_sync_hook.render import pysource
from schema_sync_hook.render.fields import (
    attribute_names,
    field_lines,
    is_sensitive,
    literal,
    needs_python_re,
    simple_field,
    type_expr,
    writable,
)
from schema_sync_hook.render.imports import Imports
from schema_sync_hook.render.options import RenderOptions
from schema_sync_hook.render.words import article, model_words

_CLASSVAR = TypeRef("typing", "ClassVar")
_ANY = TypeRef("typing", "Any")


@dataclass(frozen=True)
class ClassLines:
    lines: tuple[str, ...]


def render_class(
    model: ModelSpec,
    variant: str,
    base: str,
    config_dict: str,
    imports: Imports,
    options: RenderOptions,
) -> ClassLines:
    words = model_words(model.name)
    a_words = f"{article(model.name)} {words}"
    summary = {
        "Create": f"Schema for creating a new {words}.",
        "Update": f"Schema for updating {a_words}; send only the fields to change.",
        "Response": f"Schema for {words} response.",
    }[variant]
    lines = pysource.class_header(options.class_name(model.name, variant), base, options.style)
    lines += pysource.docstring(summary, model.doc, options.indent)
    fields = _fields_for(model, variant, options)
    computed = _computed_for(model, options) if variant == "Response" else []
    attributes = attribute_names([f.name for f in model.fields] + [c.name for c in computed])
    config = ["from_attributes=True"] if variant == "Response" else []
    if any(
        needs_python_re(value) for f in fields for key, value in f.constraints if key == "pattern"
    ):
        config.append('regex_engine="python-re"')
    carried = dict(model.config)
    shown_names = [f.name for f in fields] + [c.name for c in computed]
    if any(attributes[name] != name for name in shown_names):
        carried.setdefault("populate_by_name", True)
    for key, value in carried.items():
        shown = imports.use(value) if isinstance(value, TypeRef) else literal(value, imports)
        config.append(f"{key}={shown}")
    if config:
        lines += [""]
        lines += pysource.call_statement(
            options.indent, "model_config", config_dict, config, options.style
        )
    if fields or computed:
        lines.append("")
    for spec in fields:
        imports.owner = f"{model.name}.{spec.name}"
        lines += field_lines(spec, attributes[spec.name], variant, imports, options)
    imports.owner = model.name
    for extra in computed:
        imports.owner = f"{model.name}.{extra.name}"
        annotation = type_expr(extra.type, imports) if extra.type else imports.use(_ANY)
        target = f"{attributes[extra.name]}: {annotation}"
        lines += simple_field(target, extra.name, extra.description, imports, options)
    imports.owner = model.name
    return ClassLines(tuple(lines))


def _fields_for(model: ModelSpec, variant: str, options: RenderOptions) -> list[FieldSpec]:
    if variant == "Response":
        kept = [f for f in model.fields if not is_sensitive(f.name, options.sensitive_fields)]
    else:
        kept = [f for f in model.fields if writable(f)]
    return [f for f in kept if not options.excluded(model.name, f.name, variant)]


def _computed_for(model: ModelSpec, options: RenderOptions) -> list[ComputedSpec]:
    return [
        c
        for c in model.computed
        if not is_sensitive(c.name, options.sensitive_fields)
        and not options.excluded(model.name, c.name, "Response")
    ]


# --- Detail: the Response with its relations ------------------------------------------


@dataclass(frozen=True)
class Where:
    """Where related models' Responses live: this file, or another app's module."""

    path: str
    homes: Mapping[tuple[str, str], str]
    late: Imports


def render_detail(
    model: ModelSpec,
    config_dict: str,
    imports: Imports,
    where: Where,
    options: RenderOptions,
) -> ClassLines:
    detail = options.class_name(model.name, "Detail")
    response = options.class_name(model.name, "Response")
    lines = pysource.class_header(detail, response, options.style)
    summary = f"Schema for {model_words(model.name)} response with its relations."
    lines += pysource.docstring(summary, model.doc, options.indent)
    relations = _relations_for(model, options)
    attributes = attribute_names([r.name for r in relations])
    classvar = imports.use(_CLASSVAR)
    target = f"prefetch: {classvar}[tuple[str, ...]]"
    prefetch = [pysource.string(r.name) for r in relations]
    lines += ["", *pysource.tuple_statement(options.indent, target, prefetch, options.style)]
    if any(attributes[r.name] != r.name for r in relations):
        config = ["populate_by_name=True"]
        lines += [
            "",
            *pysource.call_statement(
                options.indent, "model_config", config_dict, config, options.style
            ),
        ]
    if relations:
        lines.append("")
    for relation in relations:
        nested = nested_class(model, relation, where, options)
        if relation.many:
            annotation = f"list[{nested}]"
        else:
            annotation = f"{nested} | None" if relation.nullable else nested
        target = f"{attributes[relation.name]}: {annotation}"
        lines += simple_field(
            target,
            relation.name,
            relation.description,
            imports,
            options,
            optional=relation.nullable and not relation.many,
        )
    return ClassLines(tuple(lines))


def _relations_for(model: ModelSpec, options: RenderOptions) -> list[RelationSpec]:
    kept = []
    for relation in model.relations:
        if is_sensitive(relation.name, options.sensitive_fields):
            continue
        if not options.excluded(model.name, relation.name, "Detail"):
            kept.append(relation)
    inherited = [f.name for f in _fields_for(model, "Response", options)]
    for name in inherited + [c.name for c in _computed_for(model, options)]:
        if options.excluded(model.name, name, "Detail"):
            raise UserError(
                f"exclude.detail matches {model.name}.{name}, which"
                f" {options.class_name(model.name, 'Detail')} inherits from"
                f" {options.class_name(model.name, 'Response')}",
                "list the pattern under exclude.response (a Detail extends the Response)",
            )
    return kept


def nested_class(
    model: ModelSpec, relation: RelationSpec, where: Where, options: RenderOptions
) -> str:
    name = options.class_name(relation.target, "Response")
    home = where.homes.get((relation.target_app, relation.target))
    if home is None:
        raise UserError(
            f"{model.name}.{relation.name}: relates to {relation.target_app}.{relation.target},"
            " which is not among the configured models",
            "add its module to the configured models (or tortoise_config apps)",
        )
    if home == where.path:
        return name
    module = dict(options.modules).get(home)
    if module is None:
        raise UserError(
            f"{model.name}.{relation.name}: relates to {relation.target} of app"
            f" {relation.target_app!r}, whose generated file {home} cannot be imported as a"
            " module",
            "put the generated files under the root or a python_path folder, in a package",
        )
    return where.late.use(TypeRef(module, name))
