"""Compare freshly generated schemas with the files on disk, act, report.

The core sees a :class:`Mode`, never command-line flags. It returns a
:class:`Report` that knows the exit code; the CLI only prints it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from schema_sync_hook import files
from schema_sync_hook.config import Config
from schema_sync_hook.errors import HandEditedError, UserError
from schema_sync_hook.render import HASH_PREFIX, VARIANTS, GeneratedFile


class Mode(enum.Enum):
    HOOK = "hook"  # write when allowed, exit 1 on drift
    CHECK = "check"  # never write, exit 1 on drift
    SYNC = "sync"  # write, exit 0
    DRY_RUN = "dry-run"  # never write, exit 0


class State(enum.Enum):
    IN_SYNC = "in sync"
    STALE = "stale"
    HAND_EDITED = "hand-edited"
    MISSING = "missing"


@dataclass(frozen=True)
class ModelChange:
    name: str
    change: str  # "added", "removed", "changed"
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.change != "changed":
            return f"{self.name} ({self.change})"
        return f"{self.name} ({', '.join(self.fields)})" if self.fields else self.name


@dataclass(frozen=True)
class FileResult:
    path: str
    state: State
    diff: str = ""
    changes: tuple[ModelChange, ...] = ()
    written: bool = False
    manual: bool = False  # the manual schema module's auto_merge block


@dataclass
class Report:
    mode: Mode
    results: list[FileResult] = field(default_factory=list)
    backup: str | None = None
    models: int = 0
    write_blocked: str | None = None  # why hook mode did not write

    @property
    def drift(self) -> bool:
        return any(r.state is not State.IN_SYNC for r in self.results)

    @property
    def written(self) -> list[FileResult]:
        return [r for r in self.results if r.written]

    @property
    def exit_code(self) -> int:
        if self.mode in (Mode.SYNC, Mode.DRY_RUN):
            return 0
        return 1 if self.drift or self.written else 0


def file_state(path: Path, new_content: str) -> tuple[State, str | None]:
    """The state of the file at ``path`` against ``new_content``, and its text."""
    old = files.read_text(path)
    if old is None:
        return State.MISSING, None
    if old == new_content:
        return State.IN_SYNC, old
    return (State.STALE if is_intact(old) else State.HAND_EDITED), old


def is_intact(text: str) -> bool:
    """Whether a generated file's sha256 header matches what follows it."""
    _first, sep, rest = text.partition("\n")
    second, sep2, body = rest.partition("\n")
    if not sep or not sep2 or not second.startswith(HASH_PREFIX):
        return False
    return second[len(HASH_PREFIX) :].strip() == files.sha256(body.encode("utf-8"))


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


_CLASS = re.compile(r"^class (\w+?)(Create|Update|Response)\(", re.MULTILINE)
_FIELD = re.compile(r"^    (\w+):", re.MULTILINE)


def _model_blocks(text: str | None) -> dict[str, dict[str, str]]:
    """model name -> {field name: its lines in all variants}."""
    blocks: dict[str, dict[str, str]] = {}
    if not text:
        return blocks
    matches = list(_CLASS.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[match.start() : end]
        model = blocks.setdefault(match.group(1), {})
        model.setdefault("", "")
        field_matches = list(_FIELD.finditer(body))
        for j, fm in enumerate(field_matches):
            fend = field_matches[j + 1].start() if j + 1 < len(field_matches) else len(body)
            model[fm.group(1)] = (
                model.get(fm.group(1), "") + match.group(2) + body[fm.start() : fend].rstrip()
            )
        model[""] += (body[: field_matches[0].start()] if field_matches else body).rstrip()
    return blocks


def model_changes(old: str | None, new: str | None) -> tuple[ModelChange, ...]:
    before, after = _model_blocks(old), _model_blocks(new)
    changes = []
    for name in after:
        if name not in before:
            changes.append(ModelChange(name, "added"))
        elif before[name] != after[name]:
            names = sorted(set(before[name]) | set(after[name]))
            fields_changed = tuple(
                n for n in names if n and before[name].get(n) != after[name].get(n)
            )
            changes.append(ModelChange(name, "changed", fields_changed))
    changes += [ModelChange(name, "removed") for name in before if name not in after]
    return tuple(changes)


def run(
    config: Config,
    generated: Sequence[GeneratedFile],
    mode: Mode,
    *,
    force: bool = False,
    say: Callable[[str], None] | None = None,
) -> Report:
    """Compare ``generated`` with the disk and act according to ``mode``."""
    report = Report(mode=mode, models=sum(len(g.models) for g in generated))
    compared = []
    for gen in generated:
        path = config.path(gen.path)
        state, old = file_state(path, gen.content)
        compared.append((gen, path, state, old))
    if config.settings.auto_merge:
        compared.append(_manual_schema(config, generated))

    may_write = mode is Mode.SYNC or (mode is Mode.HOOK and config.settings.may_write)
    if mode is Mode.HOOK and not config.settings.may_write:
        report.write_blocked = (
            "environment=production" if config.settings.production else "auto_write=false"
        )
    if may_write and not force:
        edited = [gen.path for gen, _, state, _ in compared if state is State.HAND_EDITED]
        if edited:
            raise HandEditedError(edited[0])

    to_write = [
        (gen, path, state, old)
        for gen, path, state, old in compared
        if may_write and (state is not State.IN_SYNC or force)
    ]
    if to_write:
        with files.project_lock(config.state_dir, say=say):
            for gen, path, _, old in to_write:
                if files.read_text(path) != old:  # written by someone else meanwhile
                    raise UserError(
                        f"{gen.path} changed while schema-sync-hook was generating",
                        "run the command again",
                    )
            report.backup = _backup(config, to_write, mode, force)
            for gen, path, _, _ in to_write:
                files.remove_stale_temp_files(path)
                files.atomic_write(path, gen.content)
    written = {gen.path for gen, _, _, _ in to_write}
    for gen, _, state, old in compared:
        new = gen.content
        report.results.append(
            FileResult(
                path=gen.path,
                state=state,
                diff="" if state is State.IN_SYNC else unified_diff(gen.path, old, new),
                changes=model_changes(old, new)
                if gen.models and state is not State.IN_SYNC
                else (),
                written=gen.path in written,
                manual=not gen.models and gen.path == config.settings.manual_schema,
            )
        )
    if mode in (Mode.HOOK, Mode.SYNC) and not report.write_blocked:
        files.write_state(config.state_dir, last_sync=files.now_iso())
    return report


def _manual_schema(
    config: Config, generated: Sequence[GeneratedFile]
) -> tuple[GeneratedFile, Path, State, str | None]:
    """The manual schema module with its auto_merge block brought up to date."""
    from schema_sync_hook.merge import merged

    path = config.manual_schema
    old = files.read_text(path)
    imports, names = [], []
    for index, gen in enumerate(generated):
        alias = "_generated" if index == 0 else f"_generated_{index + 1}"
        imports.append((_import_statement(config, path, config.path(gen.path)), alias))
        names += [(f"{m}{v}", alias) for m in gen.models for v in VARIANTS]
    new = merged(old, config.settings.manual_schema, imports, names)
    state = State.IN_SYNC if new == old else State.MISSING if old is None else State.STALE
    manual = GeneratedFile(path=config.settings.manual_schema, content=new, models=(), modules=())
    return manual, path, state, old


def _import_statement(config: Config, manual: Path, target: Path) -> str:
    if manual.parent == target.parent and (manual.parent / "__init__.py").is_file():
        return f"from . import {target.stem}"
    name = config.module_name(target)
    if name is None:
        raise UserError(
            f"{target} cannot be imported from {manual} (not under the root or python_path)",
            "turn auto_merge off or move the files under an importable folder",
        )
    package, _, module = name.rpartition(".")
    return f"from {package} import {module}" if package else f"import {module}"


def _backup(
    config: Config,
    to_write: Sequence[tuple[GeneratedFile, Path, State, str | None]],
    mode: Mode,
    force: bool,
) -> str | None:
    hand_edited = any(state is State.HAND_EDITED for _, _, state, _ in to_write)
    if not (config.settings.backup_enabled or hand_edited):
        return None
    reason = "force" if force else mode.value
    return files.create_backup(
        config.backup_dir,
        config.root,
        [path for _, path, _, _ in to_write],
        reason,
        config.settings.max_backups,
    )
