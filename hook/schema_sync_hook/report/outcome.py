"""The outcome of a run: built from the plan, owns the exit code, renders itself.

:attr:`Report.exit_code` answers from the one table, ``errors.Exit``. It prints itself
for the command line (:meth:`Report.print`) and as the watcher's and start-up
helper's log lines (:meth:`Report.log`); :meth:`Report.to_json` and
:meth:`Report.from_json` carry it from the worker process to them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from schema_sync_hook.console import PROG, Console
from schema_sync_hook.errors import Exit
from schema_sync_hook.plan.changes import Action, Mode, Plan, State, file_state, unified_diff
from schema_sync_hook.plan.models import FieldChange, ModelChange, model_changes
from schema_sync_hook.render.merge import dropped_lines


@dataclass(frozen=True)
class FileResult:
    path: str
    state: State  # at the start of the run (what the commit would have held)
    diff: str = ""
    changes: tuple[ModelChange, ...] = ()
    written: bool = False
    manual: bool = False  # the manual schema module's auto_merge block
    contract: bool = False  # the wire contract (``contract_output``)
    by_other: bool = False  # another run wrote what this one would have
    # the texts compared, for the CI formats' classification (not sent by the worker)
    old: str | None = None
    new: str | None = None


@dataclass(frozen=True)
class Report:
    mode: Mode
    results: tuple[FileResult, ...] = ()
    backup: str | None = None
    models: int = 0
    write_blocked: str | None = None  # why hook mode did not write
    deferred: str | None = None  # why a watcher run left the writing for later
    error: str | None = None  # a UserError: exit 2
    internal: bool = False  # an internal error: exit 3

    @classmethod
    def from_plan(
        cls,
        plan: Plan,
        *,
        written: bool = False,
        backup: str | None = None,
        start: Mapping[str, str | None] | None = None,
        deferred: str | None = None,
    ) -> Report:
        """``start``: the files' text before the run waited for the lock (hook mode)."""
        results = []
        for change in plan.changes:
            result = FileResult(
                path=change.path,
                state=change.state,
                diff=change.diff,
                changes=change.models,
                written=written and change.action is Action.WRITE,
                manual=change.manual,
                contract=change.contract,
                old=change.old,
                new=change.new,
            )
            old = (start or {}).get(change.path, change.old)
            if old != change.old and change.state is State.IN_SYNC:
                plain = change.manual or change.contract
                state = file_state(old, change.new, manual=plain)  # another run wrote
                result = replace(
                    result,
                    state=state,
                    diff=unified_diff(change.path, old, change.new),
                    changes=model_changes(old, change.new) if not plain else (),
                    by_other=state is not State.IN_SYNC,
                    old=old,
                )
            results.append(result)
        return cls(
            mode=plan.mode,
            results=tuple(results),
            backup=backup,
            models=plan.models,
            write_blocked=plan.write_blocked,
            deferred=deferred,
        )

    @property
    def drift(self) -> bool:
        return any(r.state is not State.IN_SYNC for r in self.results)

    @property
    def written(self) -> list[FileResult]:
        return [r for r in self.results if r.written]

    @property
    def exit_code(self) -> Exit:
        if self.internal:
            return Exit.INTERNAL
        if self.error is not None:
            return Exit.USER
        if self.mode in (Mode.SYNC, Mode.DRY_RUN, Mode.RESTORE):
            return Exit.OK
        return Exit.DRIFT if self.drift or self.written else Exit.OK

    # --- text ---------------------------------------------------------------------------

    def print(self, console: Console) -> None:
        """The command line's messages."""
        show_diff = self.mode in (Mode.CHECK, Mode.DRY_RUN) or (
            self.mode is Mode.HOOK and self.write_blocked
        )
        for result in self.results:
            _print_result(self, result, console, bool(show_diff))
        if self.backup:
            console.info(f"previous version kept in backup {self.backup}")
        updated = self.written or any(r.by_other for r in self.results)
        if updated and self.mode is Mode.HOOK:
            console.info("review the generated file, 'git add' it and commit again")
        elif self.drift and self.mode is Mode.CHECK:
            edited = any(r.state is State.HAND_EDITED for r in self.results)
            command = f"{PROG} sync --force" if edited else f"{PROG} sync"
            extra = " (move hand edits to the manual schema module first)" if edited else ""
            console.info(f"run '{command}' and commit the result to fix this{extra}")
        elif self.drift and self.write_blocked:
            console.info(
                f"not written because {self.write_blocked}; run '{PROG} sync' where writing is"
                " allowed"
            )

    def log(self, log: logging.Logger, failed: str) -> bool:
        """The watcher's and start-up helper's lines; ``failed`` starts an error line."""
        if self.error is not None:
            log.error("%s: %s", failed, self.error)
            return False
        log.info("Generating schemas for %s models...", self.models)
        if self.deferred:
            log.info("Not written while %s; regenerating when it has finished", self.deferred)
            return True
        for result in self.written:
            log.info("Schemas written to: %s", result.path)
        if not self.written:
            log.info("Schemas are up to date: %s", ", ".join(r.path for r in self.results))
        return True

    # --- JSON (worker -> watcher) ---------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode.value,
            "results": [_result_json(r) for r in self.results],
            "backup": self.backup,
            "models": self.models,
            "write_blocked": self.write_blocked,
            "deferred": self.deferred,
            "error": self.error,
            "internal": self.internal,
            "exit_code": int(self.exit_code),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Report:
        return cls(
            mode=Mode(data["mode"]),
            results=tuple(_result_from_json(r) for r in data["results"]),
            backup=data["backup"],
            models=int(data["models"]),
            write_blocked=data["write_blocked"],
            deferred=data["deferred"],
            error=data["error"],
            internal=bool(data["internal"]),
        )

    @classmethod
    def failed(cls, mode: Mode, error: str, internal: bool = False) -> Report:
        return cls(mode=mode, error=error, internal=internal)


def _print_result(report: Report, result: FileResult, console: Console, show_diff: bool) -> None:
    if result.state is State.IN_SYNC and not result.written:
        message = f"{result.path} is in sync ({report.models} models)"
        if report.mode in (Mode.SYNC, Mode.DRY_RUN):
            console.info(message)
        else:
            console.detail(message)
        return
    changed = ", ".join(str(c) for c in result.changes) or "none (order or header only)"
    if result.state is State.HAND_EDITED and not result.changes:
        changed = "none (the differences are the hand edit)"
    if result.manual:
        changed = "auto_merge re-export block"
        _print_dropped(report, result, console)
    if result.contract:
        changed = "wire contract (JSON Schema)"
    if result.written:
        verb = "created" if result.state is State.MISSING else "updated"
        if result.state is State.IN_SYNC:
            verb = "rewrote (unchanged)"
        console.info(f"{verb} {result.path}; models changed: {changed}")
        return
    if result.by_other:
        console.info(
            f"{result.path} was out of date and has been updated by another"
            f" {PROG} run; models changed: {changed}"
        )
        return
    if show_diff and result.diff:
        console.diff(result.diff)
    what = {
        State.MISSING: "is missing",
        State.STALE: "is out of date",
        State.HAND_EDITED: "was edited by hand",
    }[result.state]
    console.info(f"{result.path} {what}; models changed: {changed}")


def _print_dropped(report: Report, result: FileResult, console: Console) -> None:
    """Lines someone added inside the auto_merge block go when it is rewritten: say so."""
    lines = dropped_lines(result.old)
    if not lines:
        return
    shown = "; ".join(line.strip() for line in lines[:3]) + ("; ..." if len(lines) > 3 else "")
    count = f"{len(lines)} line{'s' if len(lines) > 1 else ''}"
    if result.written:
        kept = f" (backup {report.backup} holds them)" if report.backup else ""
        console.info(
            f"{result.path}: the auto_merge block was rewritten, dropping {count} added"
            f" inside it{kept}: {shown}; move them above the block"
        )
    else:
        console.info(
            f"{result.path}: rewriting the auto_merge block will drop {count} added inside"
            f" it: {shown}; move them above the block"
        )


def _result_json(result: FileResult) -> dict[str, Any]:
    return {
        "path": result.path,
        "state": result.state.value,
        "diff": result.diff,
        "changes": [
            {
                "name": c.name,
                "change": c.change,
                "fields": [[f.field, f.change] for f in c.field_changes],
            }
            for c in result.changes
        ],
        "written": result.written,
        "manual": result.manual,
        "contract": result.contract,
        "by_other": result.by_other,
    }


def _result_from_json(data: Mapping[str, Any]) -> FileResult:
    changes = tuple(
        ModelChange(
            c["name"],
            c["change"],
            tuple(FieldChange(c["name"], field, kind) for field, kind in c["fields"]),
        )
        for c in data["changes"]
    )
    return FileResult(
        path=data["path"],
        state=State(data["state"]),
        diff=data["diff"],
        changes=changes,
        written=bool(data["written"]),
        manual=bool(data["manual"]),
        contract=bool(data.get("contract", False)),
        by_other=bool(data["by_other"]),
    )
