"""Read a generated schema file with ``ast``, never importing it.

The file is this tool's own format: module-level classes with annotated fields,
``Field(...)`` arguments and ``model_config = ConfigDict(...)``. Helpers (names
starting with ``_``), methods and ``ClassVar`` attributes are not fields. Type
names are resolved through the file's imports, so an import alias that changes
between versions is not a type change.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from schema_sync_hook.errors import UserError
from schema_sync_hook.plan.models import is_classvar

CONSTRAINTS: tuple[str, ...] = ("gt", "ge", "lt", "le", "min_length", "max_length")
CONSTRAINTS += ("max_digits", "decimal_places", "pattern")
NOT_NULL = "_NotNull"  # the generated helper: may be omitted, but not null


@dataclass(frozen=True)
class ParsedField:
    attribute: str
    wire: str  # the alias when there is one: the name on the wire
    line: int
    type_key: str  # the type without None, names resolved through the imports
    type_shown: str  # as written, without None
    nullable: bool
    required: bool
    constraints: dict[str, int | float | Decimal | str] = field(default_factory=dict)
    default: str | None = None  # the default's source text (or default_factory=...)
    description: str | None = None


@dataclass(frozen=True)
class ParsedClass:
    name: str
    line: int
    bases: tuple[str, ...]
    doc: str | None
    config: dict[str, str]  # model_config entries, as source text
    fields: tuple[ParsedField, ...]

    def field(self, wire: str) -> ParsedField | None:
        return next((f for f in self.fields if f.wire == wire), None)


def parse_generated(text: str, path: str) -> dict[str, ParsedClass]:
    """The schema classes of a generated file, by class name, in file order."""
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        raise UserError(
            f"{path} does not parse as Python (line {exc.lineno}): {exc.msg}",
            "compare against a revision whose generated file is intact",
        ) from None
    names = _imported_names(tree)
    classes: dict[str, ParsedClass] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            classes[node.name] = _parse_class(node, names)
    return classes


def _imported_names(tree: ast.Module) -> dict[str, str]:
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.partition(".")[0]] = alias.name
    return names


def _parse_class(node: ast.ClassDef, names: dict[str, str]) -> ParsedClass:
    config: dict[str, str] = {}
    fields: list[ParsedField] = []
    for statement in node.body:
        if not isinstance(statement, (ast.AnnAssign, ast.Assign)):
            continue  # docstring, methods, classmethods
        target: ast.expr | None = None
        if isinstance(statement, ast.AnnAssign):
            target = statement.target
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
        if not isinstance(target, ast.Name):
            continue
        if target.id == "model_config" and isinstance(statement.value, ast.Call):
            config = {k.arg: ast.unparse(k.value) for k in statement.value.keywords if k.arg}
        elif isinstance(statement, ast.AnnAssign) and not is_classvar(statement.annotation):
            fields.append(_parse_field(target.id, statement, names))
    return ParsedClass(
        name=node.name,
        line=node.lineno,
        bases=tuple(ast.unparse(b) for b in node.bases),
        doc=ast.get_docstring(node),
        config=config,
        fields=tuple(fields),
    )


def _parse_field(attribute: str, node: ast.AnnAssign, names: dict[str, str]) -> ParsedField:
    members = _union_members(node.annotation)
    nullable = any(_is_none(m) for m in members)
    members = [m for m in members if not _is_none(m)]
    if len(members) == 1 and _is_not_null(members[0]):
        assert isinstance(members[0], ast.Subscript)
        members = _union_members(members[0].slice)  # _NotNull[X]: omitted, never null
        nullable = False
    shown = " | ".join(ast.unparse(m) for m in members)
    key = " | ".join(sorted(ast.unparse(_Qualify(names).visit(_copy(m))) for m in members))
    keywords: dict[str, ast.expr] = {}
    default: str | None = None
    if isinstance(node.value, ast.Call) and _call_name(node.value, names) == "pydantic.Field":
        keywords = {k.arg: k.value for k in node.value.keywords if k.arg}
        if node.value.args:
            keywords.setdefault("default", node.value.args[0])
    elif node.value is not None:
        keywords = {"default": node.value}
    if "default" in keywords:
        default = ast.unparse(keywords["default"])
    elif "default_factory" in keywords:
        default = f"default_factory={ast.unparse(keywords['default_factory'])}"
    alias = _string(keywords.get("alias"))
    return ParsedField(
        attribute=attribute,
        wire=alias if alias is not None else attribute,
        line=node.lineno,
        type_key=key,
        type_shown=shown,
        nullable=nullable,
        required=default is None,
        constraints={
            k: value
            for k in CONSTRAINTS
            if k in keywords and (value := _constant(keywords[k])) is not None
        },
        default=default,
        description=_string(keywords.get("description")),
    )


def _union_members(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_members(node.left) + _union_members(node.right)
    if isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("Optional"):
        return [node.slice, ast.Constant(None)]
    return [node]


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_not_null(node: ast.expr) -> bool:
    return isinstance(node, ast.Subscript) and ast.unparse(node.value) == NOT_NULL


def _call_name(node: ast.Call, names: dict[str, str]) -> str:
    text = ast.unparse(node.func)
    head, dot, rest = text.partition(".")
    return names.get(head, head) + dot + rest


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _constant(node: ast.expr) -> int | float | Decimal | str | None:
    """A constraint's value: a number, ``Decimal("...")`` or a string."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        inner = _constant(node.args[0])
        try:
            return Decimal(str(inner)) if inner is not None else None
        except InvalidOperation:
            return None
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    return value


def _copy(node: ast.expr) -> ast.expr:
    copied = ast.parse(ast.unparse(node), mode="eval").body
    return copied


class _Qualify(ast.NodeTransformer):
    """Replace imported names by their module path: ``_date`` -> ``datetime.date``."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return ast.Name(id=self.names.get(node.id, node.id), ctx=node.ctx)
