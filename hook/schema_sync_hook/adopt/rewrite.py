"""Rewriting: call sites become imports of the generated classes; views go into the TOML.

Python files are edited by splicing text at ``ast`` positions, so every byte the
rewrite has no reason to touch stays as it was: an assigned call's statement goes
and ``from <generated module> import <Class> as <target>`` joins the file's top
import block; a call used as a base class or an annotation becomes the imported
name. Imports that only the removed code used go, and so does Tortoise's
``if TYPE_CHECKING:`` stand-in / ``else:`` creator-call pattern once emptied.
The TOML file is edited with ``tomlkit`` (the ``adopt`` extra), which keeps its
formatting.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schema_sync_hook.adopt.calls import Call
from schema_sync_hook.apply.files import atomic_write
from schema_sync_hook.errors import UserError

EXTRA = "pip install 'schema-sync-hook[adopt]'"


@dataclass(frozen=True)
class Edit:
    call: Call
    module: str  # the generated module
    class_name: str  # the generated class


def rewrite_source(text: str, edits: Sequence[Edit], line_length: int = 88) -> str:
    """``text`` with each edit's call replaced by an import of its class."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    drop: set[int] = set()  # 1-based line numbers
    imports: list[tuple[str, str, str]] = []  # (module, class, as)
    removed: set[tuple[int, int]] = set()  # (line, col) of each statement removed
    for edit in edits:
        call = edit.call
        if call.site in {"assign", "local"}:
            assert call.target is not None
            span = call.statement_span
            drop.update(range(span.line, span.end_line + 1))
            removed.add((span.line, span.col))
            imports.append((edit.module, edit.class_name, call.target))
        else:
            imports.append((edit.module, edit.class_name, edit.class_name))
    _replace_expressions(lines, [e for e in edits if e.call.site not in {"assign", "local"}], drop)
    _type_checking_blocks(
        tree, lines, drop, removed, {e.call.target for e in edits if e.call.target}
    )
    drop -= _emptied_functions(tree, lines, removed)
    kept = [line for number, line in enumerate(lines, 1) if number not in drop]
    body = _drop_unused_imports(text, "".join(kept))
    body = _tidy_blank_lines(text, body)
    return _add_imports(body, imports, line_length, "\r\n" if "\r\n" in text else "\n")


def _replace_expressions(lines: list[str], edits: Sequence[Edit], drop: set[int]) -> None:
    """A call used as a base class or an annotation becomes the class's name."""
    singles: list[tuple[int, int, int, str]] = []  # (line, col, end_col, new text)
    for edit in edits:
        span = edit.call.call_span
        if span.line == span.end_line:
            singles.append((span.line, span.col, span.end_col, edit.class_name))
            continue
        # a call over several lines: keep the first line's head and the last one's tail
        first = lines[span.line - 1].encode("utf-8")
        last = lines[span.end_line - 1].encode("utf-8")
        joined = first[: span.col] + edit.class_name.encode() + last[span.end_col :]
        lines[span.line - 1] = joined.decode("utf-8")
        drop.update(range(span.line + 1, span.end_line + 1))
    for line, col, end_col, new in sorted(singles, reverse=True):
        raw = lines[line - 1].encode("utf-8")
        lines[line - 1] = (raw[:col] + new.encode() + raw[end_col:]).decode("utf-8")


def _tidy_blank_lines(original: str, text: str) -> str:
    """Blank lines that removed statements leave at the file's start or end, or more
    than two in a row, go (unless the original file had them too)."""
    blank = re.compile(r"(?:[ \t]*\r?\n){3,}")
    if not blank.search(original):
        text = blank.sub(lambda m: "\r\n\r\n" if "\r\n" in m.group() else "\n\n", text)
    if original[:1] not in {"\n", "\r"}:
        text = text.lstrip("\r\n")
    if not original.endswith(("\n\n", "\n\r\n")):
        stripped = text.rstrip("\r\n")
        text = stripped + ("\r\n" if text.endswith("\r\n") else "\n") if stripped else ""
    return text


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements_gone(body: Iterable[ast.stmt], removed: set[tuple[int, int]]) -> bool:
    return all((s.lineno, s.col_offset) in removed for s in body)


def _stand_ins_only(body: Iterable[ast.stmt], names: set[str]) -> bool:
    for statement in body:
        if isinstance(statement, ast.ClassDef) and statement.name in names:
            continue
        if isinstance(statement, ast.AnnAssign) and getattr(statement.target, "id", None) in names:
            continue
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and getattr(statement.targets[0], "id", None) in names
        ):
            continue
        if isinstance(statement, ast.Pass):
            continue
        return False
    return True


def _type_checking_blocks(
    tree: ast.Module,
    lines: list[str],
    drop: set[int],
    removed: set[tuple[int, int]],
    names: set[str],
) -> None:
    for node in ast.walk(tree):
        if not isinstance(node, ast.If) or not _is_type_checking(node.test) or not node.orelse:
            continue
        if not _statements_gone(node.orelse, removed):
            continue
        end = node.end_lineno or node.lineno
        if _stand_ins_only(node.body, names):
            drop.update(range(node.lineno, end + 1))
            # the blank lines the block leaves behind at its end stay as they were
            continue
        else_line = node.orelse[0].lineno - 1
        while else_line > node.body[-1].lineno and not lines[else_line - 1].lstrip().startswith(
            "else"
        ):
            else_line -= 1
        drop.update(range(else_line, end + 1))


def _emptied_functions(
    tree: ast.Module, lines: list[str], removed: set[tuple[int, int]]
) -> set[int]:
    """A function whose whole body was removed keeps ``pass``: the lines kept for it."""
    kept = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _statements_gone(
            node.body, removed
        ):
            first = node.body[0]
            indent = lines[first.lineno - 1][: first.col_offset]
            lines[first.lineno - 1] = f"{indent}pass\n"
            kept.add(first.lineno)
    return kept


def _import_line(tree: ast.Module, module: str) -> int:
    """Where an import from ``module`` goes: after the import of the top block that an
    import sorter puts just before it (same top package, smaller name), else after
    the block (its docstring and ``__future__`` import count as part of it)."""
    block: list[ast.stmt] = []
    for index, statement in enumerate(tree.body):
        docstring = (
            index == 0
            and isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        )
        if isinstance(statement, (ast.Import, ast.ImportFrom)) or docstring:
            block.append(statement)
        else:
            break
    if not block:
        return 0
    package = module.partition(".")[0]
    before = [
        s
        for s in block
        if isinstance(s, ast.ImportFrom)
        and not s.level
        and (s.module or "").partition(".")[0] == package
        and (s.module or "") <= module
    ]
    chosen = before[-1] if before else block[-1]
    return chosen.end_lineno or chosen.lineno


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


def _drop_unused_imports(original: str, text: str) -> str:
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


def _add_imports(
    text: str, imports: Sequence[tuple[str, str, str]], line_length: int, newline: str
) -> str:
    """``text`` with ``from <module> import <class> as <name>`` for each import, placed
    and written as ruff's import sorter would (its defaults); a name the module does
    not use itself (a re-export) gets ``# noqa: F401`` unless ``__all__`` lists it."""
    tree = ast.parse(text)
    used = _used_names(tree)
    by_module: dict[str, dict[tuple[str, str], None]] = {}
    for module, name, alias in imports:
        by_module.setdefault(module, {})[name, alias] = None
    inserts: dict[int, list[str]] = {}
    for module, pairs in by_module.items():
        statements = _statements(module, list(pairs), used, line_length, newline)
        inserts.setdefault(_import_line(tree, module), []).extend(statements)
    result = list(inserts.get(0, []))
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        result.append(line)
        result += inserts.get(number, [])
    return "".join(result)


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
    noqa = "  # noqa: F401"
    found: list[tuple[tuple[Any, ...], str]] = []
    for name, alias in sorted(p for p in pairs if p[0] != p[1]):
        mark = noqa if not used.get(alias) else ""
        statement = f"from {module} import {name} as {alias}{mark}{newline}"
        found.append(((_member_key(name), _member_key(alias)), statement))
    plain = sorted({name for name, alias in pairs if name == alias}, key=_member_key)
    if plain:
        mark = noqa if any(not used.get(n) for n in plain) else ""
        statement = f"from {module} import {', '.join(plain)}{mark}"
        if len(statement) > line_length:
            members = "".join(f"    {n},{'' if used.get(n) else noqa}{newline}" for n in plain)
            statement = f"from {module} import ({newline}{members})"
        found.append(((_member_key(plain[0]), ()), statement + newline))
    return [statement for _, statement in sorted(found)]


# --- the TOML file ---------------------------------------------------------------


def add_views(path: Path, views: dict[str, dict[str, Any]], in_tool: bool = True) -> bool:
    """Add ``views`` under ``[tool.schema-sync.views]`` (or ``[views]`` in a ``--config``
    file without a tool table), leaving every other byte as it was. Whether it changed."""
    try:
        import tomlkit
    except ImportError:
        raise UserError(
            "adopt --write needs tomlkit to edit the TOML file and keep its formatting",
            EXTRA,
        ) from None
    text = path.read_bytes().decode("utf-8")  # as it is: its line endings kept
    document = tomlkit.parse(text)
    table: Any = document
    if in_tool:
        table = document.setdefault("tool", tomlkit.table(is_super_table=True))
        table = table.setdefault("schema-sync", tomlkit.table())
    existing = table.get("views")
    if existing is None:
        existing = tomlkit.table(is_super_table=True)
        table.add("views", existing)
    added = []
    for name, declaration in views.items():
        if name in existing:
            continue
        view = tomlkit.table()
        for key, value in declaration.items():
            view.add(key, value)
        existing.add(name, view)
        added.append(view)
    if not added:
        return False
    added[-1].add(tomlkit.nl())  # a blank line before the table that follows, if any
    new = tomlkit.dumps(document)
    if not text.endswith("\n\n"):
        new = new.rstrip("\n") + "\n"
    if "\r\n" in text and "\n" not in text.replace("\r\n", ""):
        new = new.replace("\r\n", "\n").replace("\n", "\r\n")  # the file's line endings
    atomic_write(path, new)
    return True
