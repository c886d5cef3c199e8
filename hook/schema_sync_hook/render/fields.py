"""One field of a generated class: its annotation, the arguments of ``Field``,
its Python attribute name (an alias when the API name cannot be one), and every
default or constraint value spelled as a literal."""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from schema_sync_hook.describe.spec import EnumMember, FieldSpec, TypeExpr, TypeRef
from schema_sync_hook.render import not_null_source, pysource
from schema_sync_hook.render.imports import Imports, code_name

if TYPE_CHECKING:
    from schema_sync_hook.render.options import RenderOptions

_NONE_REF, _ELLIPSIS_REF = TypeRef("builtins", "None"), TypeRef("builtins", "...")
_FIELD = TypeRef("pydantic", "Field")
_ANY = TypeRef("typing", "Any")
_DECIMAL = TypeRef("decimal", "Decimal")
# Public attributes of pydantic 2's BaseModel (fixed here so the output does not
# depend on the installed pydantic); a field of one of these names gets an alias.
BASEMODEL_ATTRIBUTES = frozenset(
    [
        "construct",
        "copy",
        "dict",
        "from_orm",
        "json",
        "model_computed_fields",
        "model_config",
        "model_construct",
        "model_copy",
        "model_dump",
        "model_dump_json",
        "model_extra",
        "model_fields",
        "model_fields_set",
        "model_json_schema",
        "model_parametrized_name",
        "model_post_init",
        "model_rebuild",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
    ]
)


# Names the generated Response base defines: a field of one of these names gets an alias.
READER_ATTRIBUTES = frozenset(
    ["prefetch", "from_tortoise_orm", "from_queryset", "from_queryset_single"]
)


def attribute_names(names: Sequence[str]) -> dict[str, str]:
    """API name -> Python attribute; renamed (the API name becomes the alias) when it
    is no plain name (a keyword such as ``from``, a space) or pydantic would refuse
    or shadow it (also the names the generated Response base defines)."""
    taken = set(names)
    reserved = BASEMODEL_ATTRIBUTES | READER_ATTRIBUTES
    result = {}
    for api_name in names:
        name = api_name
        if not pysource.is_name(name) or name.startswith("_") or name in reserved:
            # ASCII letters, digits and "_" of the name as Python would read it
            plain = unicodedata.normalize("NFKC", str.__str__(name))
            base = re.sub(r"[^0-9A-Za-z_]", "_", plain).strip("_")
            if not base or base[0].isdigit():  # "_", "_0": no name left, or a digit first
                base = f"field_{base}".rstrip("_")
            candidate = base + "_"
            while candidate in taken or candidate in reserved:
                candidate += "_"
            taken.add(candidate)
            name = candidate
        result[api_name] = name
    return result


def writable(spec: FieldSpec) -> bool:
    """Whether a client sends this field on create (and may on update)."""
    return not (spec.read_only or spec.generated)


def is_sensitive(name: str, patterns: Iterable[str]) -> bool:
    lowered = name.lower()
    return any(fnmatch.fnmatchcase(lowered, pattern.lower()) for pattern in patterns)


@cache
def needs_python_re(pattern: object) -> bool:
    """Whether pydantic's default (Rust) regex engine cannot compile ``pattern``
    (look-around, back-references, ...): the class then uses Python's ``re``, the
    engine Tortoise's validator uses."""
    if not isinstance(pattern, str):
        return False
    from pydantic_core import SchemaError, SchemaValidator, core_schema

    try:
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except SchemaError:
        return True
    return False


def field_lines(
    spec: FieldSpec, attribute: str, variant: str, imports: Imports, options: RenderOptions
) -> list[str]:
    annotation = _annotation(spec, imports)
    args: list[str] = []
    if variant == "Create":
        args += _create_default(spec, imports)
    elif variant == "Update" or spec.nullable:
        args.append("default=None")
    if spec.nullable:
        annotation += " | None"
    elif args and args[0] == "default=None":
        imports.not_null_used = True
        annotation = f"{not_null_source.NOT_NULL}[{annotation}]"
    args += _constraint_args(spec, imports)
    if attribute != spec.name:
        args.append(f"alias={pysource.string(spec.name)}")
    if spec.description:
        args.append(f"description={pysource.string(spec.description)}")
    comments = [
        f"{options.indent}# {pysource.comment(note)}"
        for note in spec.notes
        if variant != "Response"
    ]
    if args == ["default=None"] or not args:
        value = "None" if args else None
        lines = pysource.annotated(options.indent, attribute, annotation, value, options.style)
        return [*comments, *lines]
    target = f"{attribute}: {annotation}"
    field_name = imports.use(_FIELD)
    return [
        *comments,
        *pysource.call_statement(options.indent, target, field_name, args, options.style),
    ]


def _annotation(spec: FieldSpec, imports: Imports) -> str:
    if spec.kind == "json":
        if spec.type is not None:
            return imports.use(spec.type)
        any_name = imports.use(_ANY)
        return f"dict[str, {any_name}] | list[{any_name}]"
    assert spec.type is not None
    if spec.kind == "array":
        return f"list[{imports.use(spec.type)}]"
    return imports.use(spec.type)


def _create_default(spec: FieldSpec, imports: Imports) -> list[str]:
    default = spec.default
    if default is None:
        return ["default=None"] if (spec.nullable or spec.has_db_default) else []
    if default.factory is not None:
        if default.factory.ref is not None:
            return [f"default_factory={imports.use(default.factory.ref)}"]
        return ["default=None"]  # left to the model: omit the field to get it
    value = default.value
    if spec.type == _DECIMAL and isinstance(value, (int, float)) and not isinstance(value, bool):
        # Decimal("0"), not 0, so the default has the field's type
        value = Decimal(pysource.number(value))
    return [f"default={literal(value, imports)}"]


def literal(value: object, imports: Imports) -> str:
    if value is None:
        return "None"
    if isinstance(value, EnumMember):
        enum_class = imports.use(value.enum)
        if pysource.is_name(value.member):
            return f"{enum_class}.{value.member}"
        if value.value is None:
            code_name(value.member, imports.owner, "the enum member name")
        return f"{enum_class}({literal(value.value, imports)})"  # Color("lb")
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, float)):
        return pysource.number(value)
    if isinstance(value, Decimal):
        return pysource.decimal_call(value, imports.use(_DECIMAL))
    if isinstance(value, str):
        return pysource.string(value)
    if isinstance(value, bytes):
        return pysource.byte_string(value)
    raise TypeError(f"no literal for {value!r}")  # pragma: no cover - introspect filters


def _constraint_args(spec: FieldSpec, imports: Imports) -> list[str]:
    args = []
    for key, value in spec.constraints:
        if key == "pattern":
            assert isinstance(value, str)
            args.append(f"pattern={pysource.string(value)}")
        else:
            args.append(f"{key}={literal(value, imports)}")
    return args


def simple_field(
    target: str,
    api_name: str,
    description: str | None,
    imports: Imports,
    options: RenderOptions,
    *,
    optional: bool = False,
) -> list[str]:
    """A field of a nested object or computed value: no constraints, maybe an alias."""
    args = ["default=None"] if optional else []
    if not target.startswith(f"{api_name}:"):
        args.append(f"alias={pysource.string(api_name)}")
    if description:
        args.append(f"description={pysource.string(description)}")
    if args == ["default=None"] or not args:
        name, _, annotation = target.partition(": ")
        value = "None" if args else None
        return pysource.annotated(options.indent, name, annotation, value, options.style)
    field_name = imports.use(_FIELD)
    return pysource.call_statement(options.indent, target, field_name, args, options.style)


def type_expr(expr: TypeExpr, imports: Imports) -> str:
    if expr.ref is None:
        return " | ".join(type_expr(arg, imports) for arg in expr.args)
    if expr.ref in (_NONE_REF, _ELLIPSIS_REF):
        return expr.ref.qualname
    name = imports.use(expr.ref)
    if not expr.args:
        return name
    return f"{name}[{', '.join(type_expr(arg, imports) for arg in expr.args)}]"
