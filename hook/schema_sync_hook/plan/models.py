"""Which models and fields differ between two texts of a generated file.

Each text is parsed once; a field's source in every class of its model is compared, so
a change names the model and the field a reviewer knows, whatever the class names.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from schema_sync_hook.collector import collector_paused
from schema_sync_hook.render.options import VARIANTS
from schema_sync_hook.render.words import model_words


@dataclass(frozen=True)
class FieldChange:
    model: str
    field: str  # "" for the class itself (docstring, model_config)
    change: str  # "added", "removed", "changed"


@dataclass(frozen=True)
class ModelChange:
    name: str
    change: str  # "added", "removed", "changed"
    field_changes: tuple[FieldChange, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f.field for f in self.field_changes if f.field)

    def __str__(self) -> str:
        if self.change != "changed":
            return f"{self.name} ({self.change})"
        return f"{self.name} ({', '.join(self.fields)})" if self.fields else self.name


# The first docstring line of each generated class names its model (render.files).
_SUMMARY = re.compile(
    r"Schema for (?:creating a new (?P<create>.+)\."
    r"|updating a (?P<update>.+); send only the fields to change\."
    r"|(?P<response>.+) response(?: with its relations)?\.)$"
)


def _model_of(node: ast.ClassDef, classes: Mapping[str, str]) -> str | None:
    """The model a class belongs to: the class table; else (a class of a model that is
    gone, whatever ``class_names`` made of its name) the model its docstring names; else
    its variant suffix removed. None for a class of no model (a helper the renderer adds).
    """
    name = node.name
    if name in classes:
        return classes[name]
    described = _described_model(node)
    if described is not None:
        return described
    for variant in VARIANTS:
        if name.endswith(variant) and len(name) > len(variant):
            return name[: -len(variant)]
    return None


def _described_model(node: ast.ClassDef) -> str | None:
    """The model named by the class's docstring: the longest run of the class name
    whose words are the docstring's (``OrderItemIn``, "order item" -> ``OrderItem``)."""
    doc = ast.get_docstring(node, clean=False)
    match = _SUMMARY.match(doc.partition("\n")[0]) if doc else None
    if match is None:
        return None
    words = next(group for group in match.groups() if group is not None)
    name = node.name
    for length in range(len(name), 0, -1):
        for start in range(len(name) - length + 1):
            if model_words(name[start : start + length]) == words:
                return name[start : start + length]
    return None


# A line with its end, split as ast.get_source_segment splits (\r\n, \r or \n only).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _segment(lines: Sequence[str], node: ast.stmt) -> str:
    """``ast.get_source_segment`` on lines split once: that function splits the whole
    text on every call, which made comparing a file of N classes quadratic."""
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
    start, end = node.col_offset, node.end_col_offset
    if first == last:
        return lines[first].encode()[start:end].decode()
    head = lines[first].encode()[start:].decode()
    tail = lines[last].encode()[:end].decode()
    return "".join([head, *lines[first + 1 : last], tail])


def _model_fields(text: str | None, classes: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """model name -> {field name: its source in every class of the model; "": the rest}."""
    models: dict[str, dict[str, str]] = {}
    if not text:
        return models
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return models
    lines = _LINE.findall(text)
    for node in tree.body:
        owner = _model_of(node, classes) if isinstance(node, ast.ClassDef) else None
        if not isinstance(node, ast.ClassDef) or owner is None:
            continue
        model = models.setdefault(owner, {"": ""})
        header = f"{node.name}({', '.join(ast.unparse(b) for b in node.bases)})"
        model[""] += header
        for stmt in node.body:
            segment = _segment(lines, stmt)
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and not is_classvar(stmt.annotation)  # prefetch
            ):
                name = stmt.target.id
                model[name] = model.get(name, "") + f"{node.name}:{segment}\n"
            else:
                model[""] += segment + "\n"
    return models


def is_classvar(annotation: ast.expr) -> bool:
    """Whether the annotation reads ``ClassVar...`` or ``typing.ClassVar...``: a class
    attribute such as ``prefetch``, not a field (no unparsing for the usual shapes: it
    took a quarter of the comparison)."""
    node = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    if isinstance(node, ast.Name):
        return node.id.startswith("ClassVar")
    if isinstance(node, ast.Attribute):
        return node.attr == "ClassVar"
    return ast.unparse(annotation).startswith("ClassVar")


def model_changes(
    old: str | None, new: str | None, classes: Sequence[tuple[str, str]] = ()
) -> tuple[ModelChange, ...]:
    """The models whose classes differ between ``old`` and ``new``, with their fields."""
    table = dict(classes)
    with collector_paused():  # two files of 1000 models parse in half the time
        before, after = _model_fields(old, table), _model_fields(new, table)
    changes = []
    for name, fields in after.items():
        if name not in before:
            changes.append(ModelChange(name, "added"))
            continue
        if before[name] == fields:
            continue
        field_changes = []
        for field in sorted(set(before[name]) | set(fields)):
            was, now = before[name].get(field), fields.get(field)
            if was == now:
                continue
            kind = "added" if was is None else "removed" if now is None else "changed"
            field_changes.append(FieldChange(name, field, kind))
        changes.append(ModelChange(name, "changed", tuple(field_changes)))
    changes += [ModelChange(name, "removed") for name in before if name not in after]
    return tuple(changes)
