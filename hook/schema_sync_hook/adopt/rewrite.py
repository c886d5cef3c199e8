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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schema_sync_hook.adopt.calls import Call
from schema_sync_hook.errors import UserError

EXTRA = "pip install 'schema-sync-hook[adopt]'"


@dataclass(frozen=True)
class Edit:
    call: Call
    module: str  # the generated module
    class_name: str  # the generated class


def rewrite_source(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with each edit's call replaced by an import of its class."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    drop: set[int] = set()  # 1-based line numbers
    spans: list[tuple[int, int, int, str]] = []  # (line, col, end_col, new text) on one line
    imports: list[tuple[str, str, str]] = []  # (module, class, as)
    removed_statements: set[tuple[int, int]] = set()
    for edit in edits:
        call = edit.call
        if call.site in {"assign", "local"}:
            assert call.target is not None
            span = call.statement_span
            drop.update(range(span.line, span.end_line + 1))
            removed_statements.add((span.line, span.col))
            imports.append((edit.module, edit.class_name, call.target))
        else:
            span = call.call_span
            if span.line != span.end_line:
                # a call over several lines: keep the first line's head, drop the rest
                first = lines[span.line - 1].encode("utf-8")
                last = lines[span.end_line - 1].encode("utf-8")
                joined = first[: span.col] + edit.class_name.encode() + last[span.end_col :]
                lines[span.line - 1] = joined.decode("utf-8")
                drop.update(range(span.line + 1, span.end_line + 1))
            else:
                spans.append((span.line, span.col, span.end_col, edit.class_name))
            imports.append((edit.module, edit.class_name, edit.class_name))
    for line, col, end_col, new in sorted(spans, reverse=True):
        raw = lines[line - 1].encode("utf-8")
        lines[line - 1] = (raw[:col] + new.encode() + raw[end_col:]).decode("utf-8")
    adopted_names = {e.call.target for e in edits if e.call.target}
    _type_checking_blocks(tree, lines, drop, removed_statements, adopted_names)
    passes = _emptied_functions(tree, lines, removed_statements)
    drop -= passes
    newline = "\r\n" if "\r\n" in text else "\n"
    inserts: dict[int, list[str]] = {}
    for module, entries in _grouped(imports).items():
        at = _import_line(tree, module)
        inserts.setdefault(at, []).extend(
            f"from {module} import {entry}{newline}" for entry in entries
        )
    new_lines = list(inserts.get(0, []))
    for number, text_line in enumerate(lines, 1):
        if number not in drop:
            new_lines.append(text_line)
        new_lines += inserts.get(number, [])
    result = "".join(new_lines)
    result = _drop_unused_imports(text, result)
    return _mark_reexports(result, [name for _, _, name in imports])


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


def _grouped(imports: list[tuple[str, str, str]]) -> dict[str, list[str]]:
    """``Class as name`` entries per module, one import each, sorted as isort does
    (``as`` imports are not combined by default)."""
    by_module: dict[str, list[str]] = {}
    for module, name, alias in imports:
        entry = name if name == alias else f"{name} as {alias}"
        if entry not in by_module.setdefault(module, []):
            by_module[module].append(entry)
    return {m: sorted(e, key=lambda x: x.lower()) for m, e in by_module.items()}


def _used_names(tree: ast.Module) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            counts[node.id] = counts.get(node.id, 0) + 1
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # __all__ entries and string annotations
            for word in node.value.replace("[", " ").replace("]", " ").replace(",", " ").split():
                head = word.partition(".")[0]
                if head.isidentifier():
                    counts[head] = counts.get(head, 0) + 1
    return counts


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


def _mark_reexports(text: str, names: list[str]) -> str:
    """An imported class the module does not use itself keeps ``# noqa: F401``
    (unless ``__all__`` lists it), so ``ruff check`` sees a re-export."""
    tree = ast.parse(text)
    used = _used_names(tree)
    lines = text.splitlines(keepends=True)
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom):
            continue
        bound = [_bound(a, node) for a in node.names]
        if not any(b in names for b in bound):
            continue
        if all(used.get(b) for b in bound if b in names):
            continue
        end = node.end_lineno or node.lineno
        line = lines[end - 1]
        if "noqa" not in line:
            stripped = line.rstrip("\r\n")
            lines[end - 1] = stripped + "  # noqa: F401" + line[len(stripped) :]
    return "".join(lines)


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
    text = path.read_text(encoding="utf-8")
    document = tomlkit.parse(text)
    table: Any = document
    if in_tool:
        table = document.setdefault("tool", tomlkit.table(is_super_table=True))
        table = table.setdefault("schema-sync", tomlkit.table())
    existing = table.get("views")
    if existing is None:
        existing = tomlkit.table(is_super_table=True)
        table.add("views", existing)
    changed = False
    for name, declaration in views.items():
        if name in existing:
            continue
        view = tomlkit.table()
        for key, value in declaration.items():
            view.add(key, value)
        existing.add(name, view)
        changed = True
    if changed:
        new = tomlkit.dumps(document)
        if not new.endswith("\n"):
            new += "\n"
        path.write_text(new, encoding="utf-8", newline="")
    return changed
