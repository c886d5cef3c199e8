"""Where a model class and its fields are defined: file and line, read with ``ast``.

Tortoise's field objects do not record where they were written, so the model's
module is parsed (once per file and version of it) and the class and the
assignments in its body are looked up. Anything not found gives None.
"""

from __future__ import annotations

import ast
import inspect
import os
from collections.abc import Mapping
from typing import Any

from schema_sync_hook.describe.spec import Location

# qualified class name -> (its line, {attribute: line of its assignment})
_Index = Mapping[str, tuple[int, Mapping[str, int]]]


def locate(cls: type, skip: tuple[type, ...] = ()) -> tuple[Location | None, dict[str, Location]]:
    """The ``class`` line of ``cls``, and the line assigning each attribute.

    An attribute comes from ``cls`` or the nearest base that assigns it; the
    classes in ``skip`` (the ORM's own base classes) and their bases are not searched.
    """
    skipped = {base for klass in skip for base in klass.__mro__}
    own: Location | None = None
    attributes: dict[str, Location] = {}
    for klass in cls.__mro__:
        if klass in skipped:
            continue
        file, entry = _class_entry(klass)
        if entry is None:
            continue
        if klass is cls:
            own = Location(file, entry[0])
        for name, line in entry[1].items():
            attributes.setdefault(name, Location(file, line))
    return own, attributes


def _class_entry(cls: type) -> tuple[str, tuple[int, Mapping[str, int]] | None]:
    try:
        file = inspect.getsourcefile(cls)
        stat = os.stat(file) if file else None
    except (TypeError, OSError):
        return "", None
    if not file or stat is None:
        return "", None
    path = os.path.abspath(file)
    index = _index(path, stat.st_mtime_ns, stat.st_size)
    return path, index.get(getattr(cls, "__qualname__", ""))


# (file, mtime_ns, size) -> its index; a file edited since gets a new key.
_indexes: dict[tuple[str, int, int], _Index] = {}


def _index(file: str, mtime_ns: int, size: int) -> _Index:
    """Classes of a module by qualified name, with the lines of their assignments.

    The file's modification time and size are part of the key, so an edited file
    is parsed again.
    """
    key = (file, mtime_ns, size)
    found = _indexes.get(key)
    if found is None:
        try:
            with open(file, "rb") as fh:
                tree = ast.parse(fh.read(), filename=file)
        except (OSError, SyntaxError, ValueError):
            tree = None
        found = _remember(key, tree)
    return found


def prime(file: str, stat: os.stat_result, tree: ast.Module) -> None:
    """Index ``tree``, parsed from ``file`` after ``stat`` was taken, so that
    :func:`locate` does not parse it again (``sourcememo`` parses every model file)."""
    _remember((os.path.abspath(file), stat.st_mtime_ns, stat.st_size), tree)


def _remember(key: tuple[str, int, int], tree: ast.Module | None) -> _Index:
    found: dict[str, tuple[int, Mapping[str, int]]] = {}

    def visit(body: list[Any], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                qualname = prefix + node.name
                found[qualname] = (node.lineno, _assignments(node))
                visit(node.body, qualname + ".")

    if tree is not None:
        visit(tree.body, "")
    if len(_indexes) >= 256:  # a long-running watcher sees many versions of a file
        _indexes.clear()
    _indexes[key] = found
    return found


def _assignments(node: ast.ClassDef) -> dict[str, int]:
    lines: dict[str, int] = {}
    for statement in node.body:
        targets: list[ast.expr] = []
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lines[statement.name] = statement.lineno  # a computed field's method
        elif isinstance(statement, ast.Assign):
            targets = list(statement.targets)
        elif isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        for target in targets:
            if isinstance(target, ast.Name):
                lines[target.id] = statement.lineno  # the last assignment wins, as in Python
    return lines
