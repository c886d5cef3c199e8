"""Which generated classes ``diff --against`` must build, read from the texts alone.

Building a class's JSON Schema means importing it (pydantic builds every class of a
module as it imports), and at hundreds of models that costs more than the generation
itself. A class whose schema cannot differ between REF and the working tree need not
be built on either side: its text is the same, and every project name it mentions
(an enum, a nested pydantic type, a custom field type) has the same fingerprint
(``load.fingerprint``) on both sides. :func:`needed` takes the classes that fail one
of these, adds every generated class they mention (so that each side's slice
imports), and :func:`slice_text` cuts the other public classes out of a file. A
reference to another generated class is compared on that class alone (see
``schema_diff``), so the classes that mention a changed one need not be built.

The texts are read in this tool's own layout, which only an intact file (its sha256
header matches) is sure to have: every top-level statement starts at column 0 and
nothing else does (docstrings and wrapped lines are indented; a closing bracket of a
wrapped statement is the one exception). Only the small part that is not a public
class, and the classes a slice needs, are parsed. Anything this cannot read with
confidence answers None (build everything): a file edited by hand or that does not
parse, one class name in two files, helper code that differs.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from schema_sync_hook.plan.changes import is_intact

Fingerprints = Mapping[str, "str | None"]  # imported name -> fingerprint (None: unknown)
_CLASS = re.compile(r"class ([A-Za-z_]\w*)\b")
_CLOSING = (")", "]", "}")
_HEADER = re.compile(r"class\s+\w+\s*(?:\(([^)]*)\))?\s*:")


@dataclass
class Outline:
    """One side's generated files as text: the public classes and the rest."""

    blocks: dict[str, str] = field(default_factory=dict)  # class -> its source text
    # name -> (module, attribute), attribute None for ``import module``
    imported: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    helpers: list[str] = field(default_factory=list)  # other statements (not imports)
    kept: set[str] = field(default_factory=set)  # names another generated file imports


def top_classes(text: str) -> list[str] | None:
    """The public top-level classes of an intact generated file, in file order."""
    if not is_intact(text):
        return None
    return [name for name, _start, _end in _segments(text.splitlines(keepends=True))[0]]


def outline(texts: Mapping[str, str], generated_modules: Iterable[str]) -> Outline | None:
    """The classes of ``texts`` (path -> text, one side's generated files); None when
    one is not intact or does not parse, or two files define one class name."""
    modules = set(generated_modules)
    result = Outline()
    for text in texts.values():
        if not is_intact(text):
            return None
        lines = text.splitlines(keepends=True)
        spans, rest = _segments(lines)
        for name, start, end in spans:
            if name in result.blocks:
                return None
            result.blocks[name] = "".join(lines[start:end]).rstrip()
        try:
            tree = ast.parse("".join(rest))
        except SyntaxError:
            return None
        for node in tree.body:
            for inner in ast.walk(node):  # an ``if not TYPE_CHECKING:`` import block too
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    _imports(inner, modules, result)
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                result.helpers.append(ast.unparse(node))
    return result


def _segments(lines: list[str]) -> tuple[list[tuple[str, int, int]], list[str]]:
    """The public classes as (name, first line, end) and every other line."""
    starts = [
        i for i, line in enumerate(lines) if line[:1] not in ("", " ", "\t", "\n", "\r", *_CLOSING)
    ]
    spans, rest = [], []
    previous = 0
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(lines)
        match = _CLASS.match(lines[start])
        if match and not match.group(1).startswith("_"):
            rest += lines[previous:start]
            spans.append((match.group(1), start, end))
            previous = end
    rest += lines[previous:]
    return spans, rest


def _imports(node: ast.Import | ast.ImportFrom, modules: set[str], result: Outline) -> None:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                result.imported[alias.asname] = (alias.name, None)
            else:
                top = alias.name.partition(".")[0]
                result.imported[top] = (top, None)
        return
    for alias in node.names:
        if node.level == 0 and node.module in modules:  # another generated file's class
            result.kept.add(alias.name)
        else:
            module = "." * node.level + (node.module or "")
            result.imported[alias.asname or alias.name] = (module, alias.name)


def needed(
    old: Outline, new: Outline, prints: tuple[Fingerprints, Fingerprints]
) -> set[str] | None:
    """The classes to build on both sides (with every generated class they mention),
    or None: build all."""
    if sorted(old.helpers) != sorted(new.helpers):  # the files' order may differ
        return None
    every = old.blocks.keys() | new.blocks.keys()
    roots = {name for name in every if old.blocks.get(name) != new.blocks.get(name)}
    roots |= (old.kept | new.kept) & every
    changed = [
        name
        for name in old.imported.keys() | new.imported.keys()
        if old.imported.get(name) != new.imported.get(name) or _differs(name, prints)
    ]
    if changed:
        word = re.compile(r"\b(?:" + "|".join(map(re.escape, changed)) + r")\b")
        for side in (old, new):
            roots |= {name for name, block in side.blocks.items() if word.search(block)}
    roots |= _heirs(roots, (old, new))
    found: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        for side in (old, new):
            block = side.blocks.get(name)
            if block is not None:
                mentioned = _mentions(block)
                if mentioned is None:
                    return None
                todo += [n for n in mentioned if n in every and n not in found]
    return found


def _heirs(roots: set[str], sides: tuple[Outline, Outline]) -> set[str]:
    """Every class that inherits, at any depth, from one of ``roots`` (its fields come
    with it: a Detail holds its Response's)."""
    children: dict[str, set[str]] = {}
    found: set[str] = set()
    for side in sides:
        for name, block in side.blocks.items():
            header = _HEADER.match(block)
            if header is None:  # a shape this cannot read: built whatever it inherits
                found.add(name)
                continue
            for base in re.findall(r"[A-Za-z_]\w*", header.group(1) or ""):
                children.setdefault(base, set()).add(name)
    todo = list(roots)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _mentions(block: str) -> set[str] | None:
    """Every name a class mentions, and its strings (a forward reference is one)."""
    try:
        tree = ast.parse(block)
    except SyntaxError:
        return None
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.update(re.findall(r"[A-Za-z_]\w*", node.value))
    return found


def _differs(name: str, prints: tuple[Fingerprints, Fingerprints]) -> bool:
    """Whether an imported name may mean something else on the other side ("": not the
    project's code, the same library in the same environment; None: unknown)."""
    before, after = prints[0].get(name, ""), prints[1].get(name, "")
    return before is None or after is None or before != after


def slice_text(text: str, keep: set[str]) -> str:
    """``text`` (intact) without the public classes that ``keep`` does not name."""
    lines = text.splitlines(keepends=True)
    spans, _rest = _segments(lines)
    for name, start, end in reversed(spans):
        if name not in keep:
            del lines[start:end]
    return "".join(lines)
