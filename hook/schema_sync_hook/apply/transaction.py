"""The one way generated files reach the disk: a plan applied under the project lock.

``sync``, hook mode, ``backup restore`` and the watcher's worker (also at
application start-up) all write through :func:`transact`: take the project lock
(saying so once when another run holds it), make the plan there, so the files
are read and compared under the lock, then refuse a hand edit, back up, write
each file atomically and record the run in the tool state.

Every generated file's text is compiled before anything is backed up or written: a
file that does not parse is never written, and generated text that does not compile
is a bug in the tool (exit 3). ``backup restore`` is the exception: it puts back
exactly the bytes it saved (a backup may hold a hand edit someone wants back), and
says so when they do not compile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from schema_sync_hook.apply import backups, files
from schema_sync_hook.apply.lock import project_lock
from schema_sync_hook.errors import HandEditedError, UserError
from schema_sync_hook.plan.changes import Mode, Plan, State
from schema_sync_hook.render.merge import dropped_lines
from schema_sync_hook.settings.schema import Config


@dataclass(frozen=True)
class Applied:
    plan: Plan
    backup: str | None = None
    deferred: str | None = None  # why nothing was written (a git commit in progress)

    @property
    def written(self) -> bool:
        return self.deferred is None and bool(self.plan.to_write)


def transact(
    config: Config,
    make_plan: Callable[[], Plan],
    *,
    blocked: Callable[[Path], None] | None = None,
    hold: Callable[[], str | None] | None = None,
) -> Applied:
    """Make the plan under the project lock and apply it; ``hold()`` may postpone writing."""
    refuse_in_production(config)
    with project_lock(config.state_dir, blocked):
        plan = make_plan()
        if plan.refused:
            raise HandEditedError(plan.refused[0].path)
        deferred = hold() if hold is not None and plan.to_write else None
        if deferred is not None:
            return Applied(plan, deferred=deferred)
        return Applied(plan, backup=apply(config, plan))


def refuse_in_production(config: Config) -> None:
    """``environment = production`` turns off writing everywhere: exit 2 for a writer."""
    if config.settings.production:
        raise UserError(
            f"environment=production ({config.origins.get('environment', 'settings')}) turns"
            " off writing: nothing was written",
            "use --check or 'sync --dry-run' to see the changes; write where environment is"
            " not production (SCHEMA_SYNC_ENVIRONMENT=development for one run)",
        )


def apply(config: Config, plan: Plan) -> str | None:
    """Back up and write the plan's files; call with the lock held. Returns the backup."""
    records_state = plan.mode in (Mode.HOOK, Mode.SYNC) and not plan.write_blocked
    if plan.to_write and records_state:  # refuse now rather than after the files are written
        files.check_writable(config.state_dir, lambda exc: files.state_error(config.state_dir, exc))
    for change in plan.to_write:
        # the contract is JSON, made by json.dumps; a restore puts back the saved bytes
        if not change.contract and plan.mode is not Mode.RESTORE:
            _compiles(change.path, change.new)
    backup = _backup(config, plan) if plan.to_write else None
    for change in plan.to_write:
        path = config.path(change.path)
        files.remove_stale_temp_files(path)
        files.atomic_write(path, change.new)
    if records_state:
        files.write_state(config.state_dir, last_sync=files.now_iso())
    return backup


class GeneratedSyntaxError(RuntimeError):
    """Generated text that does not compile: nothing was written."""


def _compiles(path: str, text: str) -> None:
    try:  # as bytes, as Python reads the file (the manual module may start with a BOM)
        compile(text.encode("utf-8", "surrogateescape"), path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        where = f"{path}:{line}" if line else path
        cause = f"{where} would not compile ({getattr(exc, 'msg', exc)})"
        raise GeneratedSyntaxError(f"{cause}; nothing was written") from exc


def _backup(config: Config, plan: Plan) -> str | None:
    # a hand edit, or lines added inside the auto_merge block, are kept whatever the settings
    hand_edited = any(
        c.state is State.HAND_EDITED or (c.manual and dropped_lines(c.old)) for c in plan.to_write
    )
    if not (config.settings.backup_enabled or hand_edited or plan.mode is Mode.RESTORE):
        return None
    return backups.create_backup(
        config.backup_dir,
        config.root,
        # what a write replaces; writing the same bytes again replaces nothing, and a
        # needless backup would rotate an older, useful one away
        [config.path(c.path) for c in plan.to_write if c.old != c.new],
        plan.backup_reason,
        config.settings.max_backups,
    )
