"""One parse per model file for Tortoise's class-source look-ups while the models import.

Tortoise's model metaclass calls ``inspect.getsource(cls)`` for every model class
(to read ``#:`` comments). Up to Python 3.12, ``inspect.findsource`` finds a class by
parsing its whole module and walking the tree for the class's qualified name: a
module of 25 models is parsed 25 times. Then ``inspect.getblock`` runs the
tokenizer (pure Python before 3.12) over the class to find where it ends. Inside
:func:`class_source_memo`, a class's first line, and for the usual shape its last,
come from a table built by one parse and one walk per source text, with the same
result. Python 3.13 finds classes by ``__firstlineno__`` without parsing, so there
the memo installs nothing.

The memo replaces ``inspect.findsource`` and ``inspect.getsourcelines`` only inside
the ``with`` block and puts the originals back when the block ends, also on errors:
the start-up helper runs inside the user's application, which must not keep a
patched ``inspect``.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import linecache
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from schema_sync_hook.describe import sourcelines

# Python 3.13 reads a class's line from __firstlineno__: nothing to save there.
NEEDED = sys.version_info < (3, 13)

_lock = threading.Lock()
_depth = 0
_original: Callable[[Any], tuple[list[str], int]] | None = None
_original_lines: Callable[[Any], tuple[list[str], int]] | None = None
# source text -> {qualified name: (first line, end of getblock's block or None)}
_tables: dict[str, dict[str, tuple[int, int | None]]] = {}


def active() -> bool:
    """Whether a :func:`class_source_memo` block is running (on any Python)."""
    return _depth > 0


@contextlib.contextmanager
def class_source_memo() -> Iterator[None]:
    """Serve ``inspect.findsource`` and ``inspect.getsourcelines`` for classes from
    one parse per source text."""
    global _depth, _original, _original_lines
    with _lock:
        _depth += 1
        if _depth == 1 and NEEDED:
            _original, _original_lines = inspect.findsource, inspect.getsourcelines
            setattr(inspect, "findsource", _findsource)  # noqa: B010 - restored below
            setattr(inspect, "getsourcelines", _getsourcelines)  # noqa: B010
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _original is not None:
                    setattr(inspect, "findsource", _original)  # noqa: B010
                    setattr(inspect, "getsourcelines", _original_lines)  # noqa: B010
                    _original = _original_lines = None
                _tables.clear()


def _findsource(obj: Any) -> tuple[list[str], int]:
    """``inspect.findsource`` of Python 3.10-3.12, with the class branch memoised."""
    original = _original
    if original is None or not inspect.isclass(obj):
        return (original or inspect.findsource)(obj)
    lines, first, _end = _find(obj)
    return lines, first


def _getsourcelines(obj: Any) -> tuple[list[str], int]:
    """``inspect.getsourcelines``; for a class whose block end the parse gives, the
    tokenizer is not run (Tortoise asks for every model class)."""
    original = _original_lines
    obj = inspect.unwrap(obj)  # as inspect.getsourcelines does
    if original is None or _original is None or not inspect.isclass(obj):
        return (original or inspect.getsourcelines)(obj)
    lines, first, end = _find(obj)
    if end is None:
        return inspect.getblock(lines[first:]), first + 1
    return lines[first:end], first + 1


def _find(obj: type) -> tuple[list[str], int, int | None]:
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
        table = _tables[source] = class_table(tree, lines)
        if stat is not None and file:
            sourcelines.prime(file, stat, tree)  # the field lines, from the same parse
    try:
        first, end = table[obj.__qualname__]
    except KeyError:
        raise OSError("could not find class definition") from None
    return lines, first, end


def class_table(
    tree: ast.AST, lines: Sequence[str] | None = None
) -> dict[str, tuple[int, int | None]]:
    """Qualified name -> (0-based first line (its first decorator, else ``class``),
    :func:`block_end` in ``lines``, or None) of every class in ``tree``; the first
    in document order wins, as inspect's ``_ClassFinder`` finds it."""
    found: dict[str, tuple[int, int | None]] = {}

    def walk(node: ast.AST, stack: list[str]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                walk(child, [*stack, child.name, "<locals>"])
            elif isinstance(child, ast.ClassDef):
                inner = [*stack, child.name]
                name = ".".join(inner)
                if name not in found:
                    first = child.decorator_list[0] if child.decorator_list else child
                    end = None if lines is None else block_end(child, lines)
                    found[name] = (first.lineno - 1, end)
                walk(child, inner)
            elif not isinstance(child, ast.expr):  # no statement lives in an expression
                walk(child, stack)

    walk(tree, [])
    return found


def block_end(node: ast.ClassDef, lines: Sequence[str]) -> int | None:
    """Where ``inspect.getblock`` ends the source of class ``node`` (an index into
    ``lines``, exclusive), read from the tree instead of the tokenizer.

    getblock's block runs to the last line of the last statement, then over the
    comment lines after it that are indented at least as deep as the body, up to
    the next line of code. That is computed here for a class at column 0 whose
    body starts on a line of its own indented by spaces; for any other shape (a
    nested class, a body on the ``class`` line or on the header's last line, tabs,
    form feeds, a backslash at a line's end) None is returned and the tokenizer
    decides, as before.
    """
    if node.col_offset != 0 or node.end_lineno is None or not node.body:
        return None
    head = node.body[0]
    decorators = getattr(head, "decorator_list", None)
    start = (decorators[0] if decorators else head).lineno
    text = lines[start - 1].rstrip("\r\n")
    code = text.lstrip(" ")
    depth = len(text) - len(code)
    if depth == 0 or not code or not _plain_start(code[0]):
        return None
    # The body's first line must begin its own logical line (the tokenizer's INDENT):
    # not "    ): x = 1" after a bracketed header, nor after a header ending in "\\".
    if code[0] != "@" if decorators else head.col_offset != depth:
        return None
    header = lines[(node.decorator_list[0] if node.decorator_list else node).lineno - 1 : start - 1]
    if any(line.rstrip("\r\n").endswith("\\") for line in header):
        return None
    last = node.end_lineno
    if lines[last - 1].rstrip("\r\n").endswith("\\"):
        return None
    for index in range(node.end_lineno, len(lines)):
        text = lines[index].rstrip("\r\n")
        code = text.lstrip(" ")
        if not code:
            continue  # a blank line
        if not _plain_start(code[0]) or code[0] == "\\" or code.endswith("\\"):
            return None
        if code[0] != "#":
            break  # the next statement: the tokenizer's DEDENT ends the block here
        if len(text) - len(code) >= depth:
            last = index + 1
    return last


def _plain_start(char: str) -> bool:
    """A first character the rule in :func:`block_end` is proven for."""
    return char.isascii() and not char.isspace()
