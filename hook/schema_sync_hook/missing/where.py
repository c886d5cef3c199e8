"""Where a placeholder was used: the ``Model.field`` it was on its way into.

A use in a model's class body names that class and the attribute assigned on
that line. A use in a module-level statement (``TITLE = LENGTHS.get(settings.size,
100)``) names the model fields whose definitions use the name assigned there, so
the refusal still says which field would have been wrong; with none, the
statement's ``file:line``.
"""

from __future__ import annotations

import ast
import os
from inspect import CO_OPTIMIZED
from pathlib import Path
from types import FrameType


def where(exc: BaseException, location: str = "") -> str:
    """``Model.field``, else ``location`` or the ``file:line`` of the use, else ``""``."""
    tb = exc.__traceback__
    in_class = ""
    statement: tuple[str, int] | None = None
    while tb is not None:
        frame = tb.tb_frame
        filename = frame.f_code.co_filename
        if _is_class_body(frame):
            field = _assigned_name(filename, tb.tb_lineno)
            in_class = f"{frame.f_code.co_name}.{field}" if field else frame.f_code.co_name
        elif frame.f_code.co_name == "<module>" and not filename.startswith("<"):
            statement = (filename, tb.tb_lineno)
        tb = tb.tb_next
    if in_class:
        return in_class
    if statement is None:
        return location
    name = _assigned_name(*statement)
    users = _fields_using(statement[0], name) if name else ()
    if users:
        return ", ".join(users)
    return location or f"{_shown(statement[0])}:{statement[1]}"


def _is_class_body(frame: FrameType) -> bool:
    if frame.f_code.co_flags & CO_OPTIMIZED:
        return False
    names = frame.f_locals
    return "__qualname__" in names and "__module__" in names and names is not frame.f_globals


def _shown(filename: str) -> str:
    try:
        relative = os.path.relpath(filename)
    except ValueError:
        return filename
    return filename if relative.startswith("..") else Path(relative).as_posix()


def _tree(filename: str) -> ast.Module | None:
    try:
        return ast.parse(Path(filename).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None


def _assigned_name(filename: str, line: int) -> str | None:
    tree = _tree(filename)
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.lineno <= line <= (
            node.end_lineno or node.lineno
        ):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if isinstance(target, ast.Name):
                return target.id
    return None


def _fields_using(filename: str, name: str) -> tuple[str, ...]:
    """``Class.attribute`` for each class-level assignment in the file that reads ``name``."""
    tree = _tree(filename)
    found = []
    for klass in ast.walk(tree) if tree is not None else ():
        if not isinstance(klass, ast.ClassDef):
            continue
        for node in klass.body:
            if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
                continue
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            reads = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
            if isinstance(target, ast.Name) and name in reads:
                found.append(f"{klass.name}.{target.id}")
    return tuple(found)
