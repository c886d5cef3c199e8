"""Plan: the fresh generation against the text on disk -> typed change records.

Pure: no file is read or written here. Each :class:`Change` names the file, its
old and new text, its :class:`State`, the :class:`Action` the mode calls for,
and which models and fields changed. The models come from the generated file's
class table (class name -> model, from the description), the fields from the
parsed class bodies, so a changed model yields one :class:`FieldChange` per
changed field.
"""

from __future__ import annotations

import ast
import enum
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from schema_sync_hook.collector import collector_paused
from schema_sync_hook.render import HASH_PREFIX, VARIANTS, GeneratedFile


class Mode(enum.Enum):
    HOOK = "hook"  # write when allowed, exit 1 on drift
    CHECK = "check"  # never write, exit 1 on drift
    SYNC = "sync"  # write, exit 0
    DRY_RUN = "dry-run"  # never write, exit 0
    RESTORE = "restore"  # write a backup's files back


class State(enum.Enum):
    IN_SYNC = "in sync"
    STALE = "stale"
    HAND_EDITED = "hand-edited"
    MISSING = "missing"


class Action(enum.Enum):
    KEEP = "keep"  # nothing to do: in sync
    WRITE = "write"
    REPORT = "report"  # drift that this mode (or its settings) does not write
    REFUSE = "refuse"  # edited by hand; writing it needs --force


@dataclass(frozen=True)
class FieldChange:
    model: str
    field: str  # "" for the class itself (docstring, model_config)
    change: str  # "added", "removed", "changed"


@dataclass(frozen=True)
class ModelChange:
    name: str
    change: str  # "added", "removed", "changed"
    field_changes: tuple[FieldChange, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f.field for f in self.field_changes if f.field)

    def __str__(self) -> str:
        if self.change != "changed":
            return f"{self.name} ({self.change})"
        return f"{self.name} ({', '.join(self.fields)})" if self.fields else self.name


@dataclass(frozen=True)
class Change:
    """What one file needs: the record the report and every output format read."""

    path: str
    old: str | None
    new: str
    state: State
    action: Action
    models: tuple[ModelChange, ...] = ()
    manual: bool = False  # the manual schema module's auto_merge block

    @property
    def diff(self) -> str:
        return "" if self.state is State.IN_SYNC else unified_diff(self.path, self.old, self.new)


@dataclass(frozen=True)
class Plan:
    mode: Mode
    changes: tuple[Change, ...]
    models: int = 0
    force: bool = False
    write_blocked: str | None = None  # why hook mode does not write

    @property
    def to_write(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.action is Action.WRITE)

    @property
    def refused(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.action is Action.REFUSE)

    @property
    def backup_reason(self) -> str:
        return "force" if self.force else self.mode.value


def plan(
    generated: Sequence[GeneratedFile],
    disk: Mapping[str, str | None],
    mode: Mode,
    *,
    may_write: bool,
    force: bool = False,
    write_blocked: str | None = None,
    manual_path: str | None = None,
) -> Plan:
    """Compare each generated file with its text in ``disk`` and choose the action."""
    changes = []
    for gen in generated:
        old = disk.get(gen.path)
        manual = not gen.models and gen.path == manual_path
        state = file_state(old, gen.content, manual=manual)
        # a hand edit of the file the models still give names no model
        named = bool(gen.models) and state is not State.IN_SYNC
        named = named and not only_hand_edit(old, gen.content)
        changes.append(
            Change(
                path=gen.path,
                old=old,
                new=gen.content,
                state=state,
                action=_action(state, may_write, force),
                models=model_changes(old, gen.content, gen.classes) if named else (),
                manual=manual,
            )
        )
    return Plan(
        mode=mode,
        changes=tuple(changes),
        models=sum(len(g.models) for g in generated),
        force=force,
        write_blocked=write_blocked,
    )


def _action(state: State, may_write: bool, force: bool) -> Action:
    if not may_write:
        return Action.KEEP if state is State.IN_SYNC else Action.REPORT
    if force:
        return Action.WRITE
    if state is State.HAND_EDITED:
        return Action.REFUSE
    return Action.KEEP if state is State.IN_SYNC else Action.WRITE


def file_state(old: str | None, new: str, *, manual: bool = False) -> State:
    """The state of a file holding ``old`` (None: missing) against ``new``.

    The manual schema module (``manual``) has no sha256 header: never hand-edited.
    """
    if old is None:
        return State.MISSING
    if old == new:
        return State.IN_SYNC
    if manual:
        return State.STALE
    return State.STALE if is_intact(old) else State.HAND_EDITED


def only_hand_edit(old: str | None, new: str) -> bool:
    """Whether ``old`` is ``new`` edited by hand: its sha256 header still names the body
    the models give now, so every difference is the hand edit (no model changed)."""
    if old is None or is_intact(old):
        return False
    return _header_digest(old) == _header_digest(new)


def _header_digest(text: str) -> str | None:
    second = text.partition("\n")[2].partition("\n")[0]
    return second[len(HASH_PREFIX) :].strip() if second.startswith(HASH_PREFIX) else None


def is_intact(text: str) -> bool:
    """Whether a generated file's sha256 header matches what follows it."""
    _first, sep, rest = text.partition("\n")
    second, sep2, body = rest.partition("\n")
    if not sep or not sep2 or not second.startswith(HASH_PREFIX):
        return False
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return second[len(HASH_PREFIX) :].strip() == digest


def unified_diff(path: str, old: str | None, new: str | None) -> str:
    import difflib  # only a run with drift pays for it

    lines = difflib.unified_diff(
        (old or "").splitlines(keepends=True),
        (new or "").splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


# --- which models and fields changed -------------------------------------------------


def _model_of(name: str, classes: Mapping[str, str]) -> str | None:
    """The model a class belongs to: the class table, else its variant suffix removed.

    None for a class of no model (a helper the renderer adds).
    """
    if name in classes:
        return classes[name]
    for variant in VARIANTS:
        if name.endswith(variant) and len(name) > len(variant):
            return name[: -len(variant)]
    return None


# A line with its end, split as ast.get_source_segment splits (\r\n, \r or \n only).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _segment(lines: Sequence[str], node: ast.stmt) -> str:
    """``ast.get_source_segment`` on lines split once: that function splits the whole
    text on every call, which made comparing a file of N classes quadratic."""
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
    start, end = node.col_offset, node.end_col_offset
    if first == last:
        return lines[first].encode()[start:end].decode()
    head = lines[first].encode()[start:].decode()
    tail = lines[last].encode()[:end].decode()
    return "".join([head, *lines[first + 1 : last], tail])


def _model_fields(text: str | None, classes: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """model name -> {field name: its source in every class of the model; "": the rest}."""
    models: dict[str, dict[str, str]] = {}
    if not text:
        return models
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return models
    lines = _LINE.findall(text)
    for node in tree.body:
        owner = _model_of(node.name, classes) if isinstance(node, ast.ClassDef) else None
        if not isinstance(node, ast.ClassDef) or owner is None:
            continue
        model = models.setdefault(owner, {"": ""})
        header = f"{node.name}({', '.join(ast.unparse(b) for b in node.bases)})"
        model[""] += header
        for stmt in node.body:
            segment = _segment(lines, stmt)
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and not _class_var(stmt.annotation)  # prefetch
            ):
                name = stmt.target.id
                model[name] = model.get(name, "") + f"{node.name}:{segment}\n"
            else:
                model[""] += segment + "\n"
    return models


def _class_var(annotation: ast.expr) -> bool:
    """Whether the annotation reads ``ClassVar...`` (unparsed only when it is not a
    plain name or subscript: unparsing every field took a quarter of the comparison)."""
    node = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    if isinstance(node, ast.Name):
        return node.id.startswith("ClassVar")
    return ast.unparse(annotation).startswith("ClassVar")


def model_changes(
    old: str | None, new: str | None, classes: Sequence[tuple[str, str]] = ()
) -> tuple[ModelChange, ...]:
    """The models whose classes differ between ``old`` and ``new``, with their fields."""
    table = dict(classes)
    with collector_paused():  # two files of 1000 models parse in half the time
        before, after = _model_fields(old, table), _model_fields(new, table)
    changes = []
    for name, fields in after.items():
        if name not in before:
            changes.append(ModelChange(name, "added"))
            continue
        if before[name] == fields:
            continue
        field_changes = []
        for field in sorted(set(before[name]) | set(fields)):
            was, now = before[name].get(field), fields.get(field)
            if was == now:
                continue
            kind = "added" if was is None else "removed" if now is None else "changed"
            field_changes.append(FieldChange(name, field, kind))
        changes.append(ModelChange(name, "changed", tuple(field_changes)))
    changes += [ModelChange(name, "removed") for name in before if name not in after]
    return tuple(changes)
