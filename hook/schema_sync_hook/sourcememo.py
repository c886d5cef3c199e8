"""One parse per model file for Tortoise's class-source look-ups while the models import.

Tortoise's model metaclass calls ``inspect.getsource(cls)`` for every model class
(to read ``#:`` comments). Up to Python 3.12, ``inspect.findsource`` finds a class by
parsing its whole module and walking the tree for the class's qualified name: a
module of 25 models is parsed 25 times. Inside :func:`class_source_memo`, a class's
line is found in a table built by one parse and one walk per source text, with the
same result. Python 3.13 finds classes by ``__firstlineno__`` without parsing, so
there the memo installs nothing.

The memo replaces ``inspect.findsource`` only inside the ``with`` block and puts the
original back when the block ends, also on errors: the start-up helper runs inside
the user's application, which must not keep a patched ``inspect``.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import linecache
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

from schema_sync_hook import sourcelines

# Python 3.13 reads a class's line from __firstlineno__: nothing to save there.
NEEDED = sys.version_info < (3, 13)

_lock = threading.Lock()
_depth = 0
_original: Callable[[Any], tuple[list[str], int]] | None = None
_tables: dict[str, dict[str, int]] = {}


def active() -> bool:
    """Whether a :func:`class_source_memo` block is running (on any Python)."""
    return _depth > 0


@contextlib.contextmanager
def class_source_memo() -> Iterator[None]:
    """Serve ``inspect.findsource`` for classes from one parse per source text."""
    global _depth, _original
    with _lock:
        _depth += 1
        if _depth == 1 and NEEDED:
            _original = inspect.findsource
            setattr(inspect, "findsource", _findsource)  # noqa: B010 - restored below
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _original is not None:
                    setattr(inspect, "findsource", _original)  # noqa: B010
                    _original = None
                _tables.clear()


def _findsource(obj: Any) -> tuple[list[str], int]:
    """``inspect.findsource`` of Python 3.10-3.12, with the class branch memoised."""
    original = _original
    if original is None or not inspect.isclass(obj):
        return (original or inspect.findsource)(obj)
    # The lines exactly as inspect.findsource reads them.
    file = inspect.getsourcefile(obj)
    stat = None
    if file:
        with contextlib.suppress(OSError):
            stat = os.stat(file)  # before the read: an edit after it changes the key
        linecache.checkcache(file)
    else:
        file = inspect.getfile(obj)
        if not (file.startswith("<") and file.endswith(">")):
            raise OSError("source code not available")
    module = inspect.getmodule(obj, file)
    lines = linecache.getlines(file, module.__dict__) if module else linecache.getlines(file)
    if not lines:
        raise OSError("could not get source code")
    source = "".join(lines)
    table = _tables.get(source)
    if table is None:
        tree = ast.parse(source)
        table = _tables[source] = class_lines(tree)
        if stat is not None and file:
            sourcelines.prime(file, stat, tree)  # the field lines, from the same parse
    try:
        return lines, table[obj.__qualname__]
    except KeyError:
        raise OSError("could not find class definition") from None


def class_lines(tree: ast.AST) -> dict[str, int]:
    """Qualified name -> 0-based first line (its first decorator, else ``class``) of
    every class in ``tree``; the first in document order wins, as inspect's
    ``_ClassFinder`` finds it."""
    found: dict[str, int] = {}

    def walk(node: ast.AST, stack: list[str]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                walk(child, [*stack, child.name, "<locals>"])
            elif isinstance(child, ast.ClassDef):
                inner = [*stack, child.name]
                first = child.decorator_list[0] if child.decorator_list else child
                found.setdefault(".".join(inner), first.lineno - 1)
                walk(child, inner)
            elif not isinstance(child, ast.expr):  # no statement lives in an expression
                walk(child, stack)

    walk(tree, [])
    return found
