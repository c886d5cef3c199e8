"""Plan: the fresh generation against the text on disk -> typed change records.

Pure: no file is read or written here. Each :class:`Change` names the file, its
old and new text, its :class:`State`, the :class:`Action` the mode calls for,
and which models and fields changed. The models come from the generated file's
class table (class name -> model, from the description), the fields from the
parsed class bodies, so a changed model yields one :class:`FieldChange` per
changed field.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from schema_sync_hook.plan.models import ModelChange, model_changes
from schema_sync_hook.render.files import HASH_PREFIX, GeneratedFile


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
class Change:
    """What one file needs: the record the report and every output format read."""

    path: str
    old: str | None
    new: str
    state: State
    action: Action
    models: tuple[ModelChange, ...] = ()
    manual: bool = False  # the manual schema module's auto_merge block
    contract: bool = False  # the wire contract (``contract_output``), JSON

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
        # the manual module and the contract carry no sha256 header: stale, never hand-edited
        state = file_state(old, gen.content, manual=manual or gen.contract)
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
                contract=gen.contract,
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

    before = (old or "").splitlines(keepends=True)
    after = (new or "").splitlines(keepends=True)
    # difflib's matcher is slow on long texts of many alike lines (a 1 MB contract
    # file took seconds): the lines both ends share, past three lines of context, are
    # left out of the comparison and the hunks' line numbers shifted back
    start, end = _shared_ends(before, after)
    lines = difflib.unified_diff(
        before[start : len(before) - end],
        after[start : len(after) - end],
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    out = []
    for line in lines:
        if start and line.startswith("@@ "):
            line = _HUNK.sub(lambda m: f"{m[1]}{int(m[2]) + start}", line)
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


_HUNK = re.compile(r"([-+])(\d+)")
_CONTEXT = 3  # difflib's lines of context


def _shared_ends(before: list[str], after: list[str]) -> tuple[int, int]:
    """How many lines the two texts share at the start and at the end, less context."""
    limit = min(len(before), len(after))
    start = 0
    while start < limit and before[start] == after[start]:
        start += 1
    end = 0
    while end < limit - start and before[-1 - end] == after[-1 - end]:
        end += 1
    return max(0, start - _CONTEXT), max(0, end - _CONTEXT)
