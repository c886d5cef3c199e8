"""``diff --against REF``: the generated schemas at a revision against a fresh generation.

Compares the wire contract at the merge base of REF and HEAD (or at REF itself:
see :mod:`~schema_sync_hook.gate.worktree`) with the working tree's, and classifies
every change. The result is a :class:`BreakingReport` that owns the exit code; the
generated files' text at REF gives each file's unified diff.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schema_sync_hook import git
from schema_sync_hook.errors import Exit, UserError
from schema_sync_hook.gate.classify import (
    ACCEPTED,
    BREAKING,
    COMPATIBLE,
    SchemaChange,
    accept,
    class_namer,
)
from schema_sync_hook.gate.genparse import parse_generated
from schema_sync_hook.gate.schema_diff import classes, compare_contracts
from schema_sync_hook.gate.slices import top_classes
from schema_sync_hook.plan.changes import unified_diff
from schema_sync_hook.render.files import GeneratedFile
from schema_sync_hook.settings.schema import Config


@dataclass(frozen=True)
class FileDiff:
    path: str  # relative to the project root
    state: str  # "in_sync", "stale", or "missing" (absent at the revision)
    diff: str
    changes: tuple[SchemaChange, ...]
    classes: tuple[str, ...] = ()  # the classes the fresh file holds, in file order


@dataclass(frozen=True)
class Revision:
    ref: str
    commit: str  # the commit compared with: REF's merge base with HEAD, or REF
    exact: bool
    top: Path  # the git work tree


@dataclass(frozen=True)
class BreakingReport:
    revision: Revision
    files: tuple[FileDiff, ...]
    unused_accepts: tuple[str, ...]
    fail_on: str = "breaking"

    @property
    def changes(self) -> list[SchemaChange]:
        return [c for f in self.files for c in f.changes]

    def count(self, severity: str) -> int:
        return sum(1 for c in self.changes if c.severity == severity)

    @property
    def exit_code(self) -> Exit:
        if self.fail_on == "none":
            return Exit.OK
        if self.fail_on == "any":
            return Exit.DRIFT if self.changes else Exit.OK
        return Exit.DRIFT if any(c.severity == BREAKING for c in self.changes) else Exit.OK

    @property
    def against(self) -> str:
        rev = self.revision
        if rev.exact:
            return f"{rev.ref} ({rev.commit[:12]})"
        return f"{rev.ref} (merge base of {rev.ref} and HEAD: {rev.commit[:12]})"

    def text_lines(self) -> list[str]:
        """The text form: one line per change, then the accept_breaking entries unused."""
        lines = [str(change) for change in self.changes]
        lines += [
            f"unused accept_breaking entry {entry!r}: it matches no breaking change; remove it"
            for entry in self.unused_accepts
        ]
        return lines

    def summary(self) -> str:
        counts = ", ".join(f"{self.count(s)} {s}" for s in (BREAKING, ACCEPTED, COMPATIBLE))
        if not self.changes:
            return f"no schema changes against {self.against}"
        return f"{counts} schema changes against {self.against}"


def class_names(config: Config) -> Mapping[str, str] | None:
    """The ``class_names`` templates of the configuration, when it has that key."""
    value = getattr(config.settings, "class_names", None)
    return dict(value) if value else None


def view_models(config: Config) -> Mapping[str, str]:
    """Each declared view's name -> its model's class name (the gate counts views as
    Responses)."""
    views = getattr(config.settings, "views", ())
    return {view.name: view.model.rpartition(".")[2] for view in views}


def revision(config: Config, ref: str, exact: bool = False) -> Revision:
    """Resolve what ``ref`` compares with; exit 2 outside git or for an unknown revision."""
    top = git.work_tree(config.root)
    commit = git.commit_of(config.root, ref)
    base = commit if exact else git.merge_base(config.root, ref, commit)
    return Revision(ref, base, exact, top)


def against(
    config: Config,
    generated: Sequence[GeneratedFile],
    rev: Revision,
    contracts: tuple[Mapping[str, Any] | None, Mapping[str, Any]],
    fail_on: str = "breaking",
    held: Collection[str] | None = None,
) -> BreakingReport:
    """Compare REF's contract with the fresh one (``contracts``: REF's, None when REF has
    none, then the working tree's); ``generated`` gives the files and their diffs.
    ``held``: the classes REF holds, when the contracts are slices of the two sides."""
    old, new = contracts
    found = compare_contracts(old or {}, new, class_namer(class_names(config), view_models(config)))
    changes, unused = accept(found, config.settings.accept_breaking)
    python = [g for g in generated if not g.contract]
    old_texts = {g.path: git.show(rev.top, rev.commit, config.path(g.path)) for g in python}
    names = {g.path: _names(g) for g in python}
    holder = {name: path for path, found in names.items() for name in found}
    for path, text in old_texts.items():
        for name in _old_names(text, path):
            holder.setdefault(name, path)
    before = set(held) if held is not None else {name for name, _mode in classes(old or {})}
    files = []
    for gen in python:
        text = old_texts[gen.path]
        in_file = tuple(c for c in changes if holder.get(c.cls, python[0].path) == gen.path)
        absent = text is None and not before.intersection(names[gen.path])
        state = "missing" if absent else "stale" if in_file else "in_sync"
        diff = "" if text == gen.content else unified_diff(gen.path, text, gen.content)
        files.append(FileDiff(gen.path, state, diff, in_file, tuple(names[gen.path])))
    return BreakingReport(rev, tuple(files), tuple(unused), fail_on)


def _names(gen: GeneratedFile) -> list[str]:
    """The classes of a generated file (its models' variants and its other classes)."""
    found = [name for name, _model in gen.classes]
    return found + [n for n in _old_names(gen.content, gen.path) if n not in found]


def _old_names(text: str | None, path: str) -> list[str]:
    if text is None:
        return []
    quick = top_classes(text)  # an intact file is read without parsing it
    if quick is not None:
        return quick
    try:
        return list(parse_generated(text, path))
    except UserError:  # REF's file does not parse: the contract says what it held
        return []
