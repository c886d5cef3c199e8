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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schema_sync_hook.adopt.calls import Call
from schema_sync_hook.adopt.imports import add_imports, drop_unused_imports
from schema_sync_hook.apply.files import atomic_write
from schema_sync_hook.errors import UserError

EXTRA = "pip install 'schema-sync-hook[adopt]'"


@dataclass(frozen=True)
class Edit:
    call: Call
    module: str  # the generated module
    class_name: str  # the generated class


def rewrite_source(
    text: str,
    edits: Sequence[Edit],
    line_length: int = 88,
    local: Callable[[str], bool] = lambda _: True,
) -> str:
    """``text`` with each edit's call replaced by an import of its class; ``local``
    tells whether a top-level package is the project's own (an import sorter's
    first-party section)."""
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
    body = drop_unused_imports(text, "".join(kept))
    body = _tidy_blank_lines(text, body)
    newline = "\r\n" if "\r\n" in text else "\n"
    return add_imports(body, imports, line_length, newline, local)


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
    blank = re.compile(r"\r?\n(?:[ \t]*\r?\n){3,}")
    if not blank.search(original):
        text = blank.sub(lambda m: ("\r\n" if "\r" in m.group() else "\n") * 3, text)
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
