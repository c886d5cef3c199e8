"""``auto_merge``: a marked block in the manual schema module re-exporting every
generated schema the module does not define itself, so application code can
import everything from one module. Only the block is ever rewritten.

The block sits at the end of the file and binds names by assignment, so it can
never shadow a class the module defines, and stays clean for ruff and mypy::

    # --- schema-sync-hook: re-exports (auto_merge; regenerated, do not edit) ---
    from src.api import schemas_generated as _generated  # noqa: E402

    CategoryCreate = _generated.CategoryCreate
    # --- schema-sync-hook: end of re-exports ---
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence

from schema_sync_hook.errors import UserError

BEGIN = "# --- schema-sync-hook: re-exports (auto_merge; regenerated, do not edit) ---"
END = "# --- schema-sync-hook: end of re-exports ---"


def split_block(text: str) -> tuple[str, str]:
    """(the file without the block, the block) ; the block is "" when absent."""
    start = text.find(BEGIN)
    if start < 0:
        return text, ""
    end = text.find(END, start)
    if end < 0:
        raise UserError(
            f"the auto_merge block has a start marker but no end marker ({END!r})",
            "restore the end marker or delete the start marker",
        )
    end += len(END)
    for eol in ("\r\n", "\n"):
        if text.startswith(eol, end):
            end += len(eol)
            break
    return text[:start] + text[end:], text[start:end]


# The lines the block is made of; any other line in it was added by someone.
_OWN_LINE = re.compile(
    r"(?:(?:from [\w.]+ import \w+|import [\w.]+) as (_generated(?:_\d+)?)  # noqa: E402"
    r"|(?P<name>\w+) = _generated(?:_\d+)?\.(?P=name))?"
)


def dropped_lines(text: str | None) -> list[str]:
    """The lines someone added inside the block of ``text``: rewriting it drops them."""
    if not text:
        return []
    try:
        _rest, block = split_block(text)
    except UserError:
        return []
    lines = block.splitlines()[1:-1]  # between the markers
    return [line for line in lines if not _OWN_LINE.fullmatch(line.strip())]


def bound_names(source: str, filename: str) -> set[str]:
    """Top-level names a module binds itself (classes, functions, imports, assignments)."""
    try:
        tree = ast.parse(source.removeprefix("\ufeff"), filename=filename)  # as Python reads it
    except SyntaxError as exc:
        raise UserError(
            f"{filename} line {exc.lineno}: {exc.msg}; auto_merge cannot update it",
            f"fix the syntax of {filename}",
        ) from exc
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def merged(
    text: str | None,
    filename: str,
    imports: Sequence[tuple[str, str]],
    schemas: Iterable[tuple[str, str]],
) -> str:
    """The manual module's new text: ``text`` with the block created or replaced.

    ``imports`` are (import statement, alias) pairs; ``schemas`` are (name, alias).
    """
    rest, _ = split_block(text or "")
    if text is None:
        rest = '"""Hand-written schemas: extend the generated ones here."""\n'
    own = bound_names(rest, filename)
    exported = [(name, alias) for name, alias in schemas if name not in own]
    if not exported:
        return rest
    eol = "\r\n" if "\r\n" in rest else "\n"  # the block follows the file's line endings
    body = rest.rstrip("\r\n") + eol * 3 if rest.strip() else ""
    used = {alias for _, alias in exported}
    lines = [BEGIN]
    lines += [f"{stmt} as {alias}  # noqa: E402" for stmt, alias in imports if alias in used]
    lines.append("")
    lines += [f"{name} = {alias}.{name}" for name, alias in exported]
    lines.append(END)
    return body + eol.join(lines) + eol
