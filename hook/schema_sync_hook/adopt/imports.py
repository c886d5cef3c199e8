"""The imports a rewrite adds and removes, written as ruff's import sorter writes them.

:func:`add_imports` places ``from <generated module> import <Class> as <name>`` where
the sorter (ruff's defaults, isort's profile) expects it: in the first-party section,
after the project's own imports that sort before it, or as a new section after the
others; plain names share one statement, each ``as`` name has its own. A name the
module does not use itself (a re-export) gets ``# noqa: F401`` unless ``__all__``
lists it. :func:`drop_unused_imports` removes what only the removed code used.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence
from typing import Any

NOQA = "  # noqa: F401"


def add_imports(
    text: str,
    imports: Sequence[tuple[str, str, str]],
    line_length: int,
    newline: str,
    local: Callable[[str], bool],
) -> str:
    """``text`` with ``from <module> import <class> as <name>`` for each
    ``(module, class, name)``; ``local``: whether a top-level package is first-party."""
    tree = ast.parse(text)
    used = _used_names(tree)
    by_module: dict[str, dict[tuple[str, str], None]] = {}
    for module, name, alias in imports:
        by_module.setdefault(module, {})[name, alias] = None
    inserts: dict[int, list[str]] = {}
    for module, pairs in sorted(by_module.items()):
        statements = _statements(module, list(pairs), used, line_length, newline)
        after, blank_before, blank_after = _import_line(tree, module, local)
        inserts.setdefault(after, []).extend(
            ([newline] if blank_before else []) + statements + ([newline] if blank_after else [])
        )
    result = list(inserts.get(0, []))
    for number, text_line in enumerate(text.splitlines(keepends=True), 1):
        result.append(text_line)
        result += inserts.get(number, [])
    return "".join(result)


def _top_block(tree: ast.Module) -> list[ast.stmt]:
    """The module's docstring and the imports that follow it, up to the first other
    statement."""
    block: list[ast.stmt] = []
    for index, statement in enumerate(tree.body):
        docstring = (
            index == 0
            and isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        )
        if not (isinstance(statement, (ast.Import, ast.ImportFrom)) or docstring):
            break
        block.append(statement)
    return block


def _import_line(
    tree: ast.Module, module: str, local: Callable[[str], bool]
) -> tuple[int, bool, bool]:
    """(the line after which an import from ``module`` goes, whether a blank line goes
    before it, whether one goes after it)."""
    block = _top_block(tree)
    if not block:
        return 0, False, bool(tree.body)
    absolute = [
        s
        for s in block
        if isinstance(s, ast.Import) or (isinstance(s, ast.ImportFrom) and not s.level)
    ]
    future = [s for s in absolute if isinstance(s, ast.ImportFrom) and s.module == "__future__"]
    absolute = [s for s in absolute if s not in future]
    ours = [s for s in absolute if local(_module_of(s).partition(".")[0])]
    froms = [s for s in ours if isinstance(s, ast.ImportFrom)]
    before = [s for s in froms if _module_of(s).lower() <= module.lower()]
    if before:
        return _end(before[-1]), False, False
    if froms:
        return froms[0].lineno - 1, False, False
    if ours:
        return _end(ours[-1]), False, False
    if absolute:
        return _end(absolute[-1]), True, False
    relative = [s for s in block if isinstance(s, ast.ImportFrom) and s.level]
    if relative:  # a section of its own, before the relative imports
        return relative[0].lineno - 1, False, True
    return _end(block[-1]), True, False  # after the docstring or __future__ import


def _module_of(statement: ast.Import | ast.ImportFrom) -> str:
    if isinstance(statement, ast.ImportFrom):
        return statement.module or ""
    return statement.names[0].name


def _end(statement: ast.stmt) -> int:
    return statement.end_lineno or statement.lineno


def _used_names(tree: ast.Module) -> dict[str, int]:
    """How often each name is read: as code, in a string annotation or in ``__all__``
    (other strings, such as a ``name=`` argument, are not uses)."""
    counts: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            counts[node.id] = counts.get(node.id, 0) + 1
    for holder in _string_holders(tree):
        for node in ast.walk(holder):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for word in (
                    node.value.replace("[", " ").replace("]", " ").replace(",", " ").split()
                ):
                    head = word.partition(".")[0]
                    if head.isidentifier():
                        counts[head] = counts.get(head, 0) + 1
    return counts


def _string_holders(tree: ast.Module) -> Iterator[ast.AST]:
    """The annotations and ``__all__`` values of the file: where a string names code."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.AnnAssign, ast.arg)) and node.annotation is not None:
            yield node.annotation
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns:
            yield node.returns
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                yield node.value


def _bound(alias: ast.alias, node: ast.Import | ast.ImportFrom) -> str:
    if alias.asname:
        return alias.asname
    return alias.name.partition(".")[0] if isinstance(node, ast.Import) else alias.name


def drop_unused_imports(original: str, text: str) -> str:
    """Remove the imported names that the original used and the new text no longer does."""
    before = _used_names(ast.parse(original))
    tree = ast.parse(text)
    after = _used_names(tree)
    lines = text.splitlines(keepends=True)
    edits: list[tuple[int, int, str | None]] = []  # (line, end_line, replacement or None)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        keep = [
            a
            for a in node.names
            if not (before.get(_bound(a, node)) and not after.get(_bound(a, node)))
        ]
        if len(keep) == len(node.names):
            continue
        end = node.end_lineno or node.lineno
        if not keep:
            edits.append((node.lineno, end, None))
            continue
        indent = lines[node.lineno - 1][: node.col_offset]
        names = ", ".join(a.name if not a.asname else f"{a.name} as {a.asname}" for a in keep)
        if isinstance(node, ast.ImportFrom):
            statement = f"from {'.' * node.level}{node.module or ''} import {names}"
        else:
            statement = f"import {names}"
        edits.append((node.lineno, end, f"{indent}{statement}\n"))
    for line, end, new in sorted(edits, reverse=True):
        lines[line - 1 : end] = [new] if new is not None else []
    return "".join(lines)


def _member_key(name: str) -> tuple[int, str, str]:
    """How the import sorter orders imported names: constants, classes, then the rest."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name.lower(), name


def _statements(
    module: str,
    pairs: Sequence[tuple[str, str]],
    used: dict[str, int],
    line_length: int,
    newline: str,
) -> list[str]:
    """The import statements of one module: the plain names in one statement, each
    ``as`` name in its own, ordered by their first name."""
    found: list[tuple[tuple[Any, ...], str]] = []
    for name, alias in sorted(p for p in pairs if p[0] != p[1]):
        mark = NOQA if not used.get(alias) else ""
        statement = f"from {module} import {name} as {alias}{mark}{newline}"
        found.append(((_member_key(name), _member_key(alias)), statement))
    plain = sorted({name for name, alias in pairs if name == alias}, key=_member_key)
    if plain:
        mark = NOQA if any(not used.get(n) for n in plain) else ""
        statement = f"from {module} import {', '.join(plain)}{mark}"
        if len(statement) > line_length:
            members = "".join(f"    {n},{'' if used.get(n) else NOQA}{newline}" for n in plain)
            statement = f"from {module} import ({newline}{members})"
        found.append(((_member_key(plain[0]), ()), statement + newline))
    return [statement for _, statement in sorted(found)]
