"""``diff --against REF``: the generated schemas at a revision against a fresh generation.

Reads the generated file(s) as committed at the merge base of REF and HEAD (or at
REF itself), parses both versions (never imports the old one), and classifies
every change. The result is a :class:`BreakingReport` that owns the exit code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from schema_sync_hook import git
from schema_sync_hook.errors import Exit
from schema_sync_hook.gate.classify import (
    ACCEPTED,
    BREAKING,
    COMPATIBLE,
    SchemaChange,
    accept,
    class_namer,
    compare,
)
from schema_sync_hook.gate.genparse import ParsedClass, parse_generated
from schema_sync_hook.plan.changes import unified_diff
from schema_sync_hook.render.files import GeneratedFile
from schema_sync_hook.settings.schema import Config


@dataclass(frozen=True)
class FileDiff:
    path: str  # relative to the project root
    state: str  # "in_sync", "stale", or "missing" (absent at the revision)
    diff: str
    changes: tuple[SchemaChange, ...]


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
    fail_on: str = "breaking",
) -> BreakingReport:
    """Compare the files committed at ``rev`` with the freshly ``generated`` ones."""
    top, base = rev.top, rev.commit
    old_texts = {g.path: git.show(top, base, config.path(g.path)) for g in generated}
    old = _classes({p: t for p, t in old_texts.items() if t is not None})
    new = _classes({g.path: g.content for g in generated})
    found = compare(
        {n: c for n, (_, c) in old.items()},
        {n: c for n, (_, c) in new.items()},
        class_namer(class_names(config), view_models(config)),
    )
    changes, unused = accept(found, config.settings.accept_breaking)
    files = []
    for gen in generated:
        text = old_texts[gen.path]
        in_file = tuple(c for c in changes if (new.get(c.cls) or old[c.cls])[0] == gen.path)
        state = "missing" if text is None else "stale" if in_file else "in_sync"
        diff = "" if text == gen.content else unified_diff(gen.path, text, gen.content)
        files.append(FileDiff(gen.path, state, diff, in_file))
    return BreakingReport(rev, tuple(files), tuple(unused), fail_on)


def _classes(texts: Mapping[str, str]) -> dict[str, tuple[str, ParsedClass]]:
    """Class name -> (the file holding it, the class)."""
    found: dict[str, tuple[str, ParsedClass]] = {}
    for path, text in texts.items():
        for name, cls in parse_generated(text, path).items():
            found.setdefault(name, (path, cls))
    return found
