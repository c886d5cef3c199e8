"""``backup list [--json] | restore --name NAME | delete --name NAME``."""

from __future__ import annotations

import json
from pathlib import Path

from schema_sync_hook.apply import backups, files
from schema_sync_hook.apply.lock import project_lock, waiting_message
from schema_sync_hook.apply.transaction import transact
from schema_sync_hook.console import PROG, Console
from schema_sync_hook.errors import Exit, UserError
from schema_sync_hook.plan.changes import Action, Change, Mode, Plan, file_state
from schema_sync_hook.settings.schema import APP_PLACEHOLDER, Config, resolve_output


def backup_command(
    config: Config, console: Console, action: str, name: str | None, as_json: bool = False
) -> Exit:
    if action == "list":
        return _list(config, console, as_json)
    assert name is not None
    backup = backups.find_backup(config.backup_dir, name)
    if action == "delete":
        with project_lock(config.state_dir, lambda p: console.info(waiting_message(p))):
            backups.delete_backup(backup)
        console.info(f"deleted backup {backup.name}")
        return Exit.OK
    return _restore(config, console, backup)


def _list(config: Config, console: Console, as_json: bool) -> Exit:
    found = backups.list_backups(config.backup_dir)
    if as_json:
        console.print(json.dumps([b.as_json() for b in found], indent=2))
        return Exit.OK
    if not found:
        console.print(f"no backups in {config.settings.backup_dir}")
        return Exit.OK
    for b in found:
        if b.problem:
            console.print(f"{b.name}  (damaged: {b.problem})")
            continue
        paths = ", ".join(f["path"] for f in b.files)
        console.print(f"{b.name}  {b.created}  {b.reason:<8} {paths}")
    return Exit.OK


def _restorable(config: Config, relative: str) -> bool:
    """Whether ``relative`` is a file this configuration generates: ``output`` (for
    some app, with ``{app}``), the manual schema module when auto_merge writes it, or the
    ``contract_output`` file."""
    settings = config.settings
    if settings.auto_merge and relative == settings.manual_schema:
        return True
    if settings.contract_output is not None and relative == settings.contract_output:
        return True
    if config.fixed_output is not None:
        return relative == config.fixed_output
    head, _, tail = settings.output.partition(APP_PLACEHOLDER)
    if not (relative.startswith(head) and relative.endswith(tail)):
        return False
    app = relative[len(head) : len(relative) - len(tail)]
    try:
        return resolve_output(settings.output, app) == relative
    except UserError:
        return False


def _compile_problem(relative: str, text: str) -> str | None:
    """Why the restored bytes do not compile, or None. As bytes, the way Python reads
    the file (a UTF-8 BOM, CRLF line endings and a coding line are fine)."""
    try:
        compile(text.encode("utf-8", "surrogateescape"), relative, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        message = getattr(exc, "msg", None) or str(exc)
        return f"{message}, line {line}" if line else message
    return None


def _restore(config: Config, console: Console, backup: backups.Backup) -> Exit:
    if backup.problem:
        raise UserError(
            f"backup {backup.name} cannot be restored: {backup.problem}",
            "pick another backup from 'schema-sync-hook backup list'",
        )
    contents: dict[Path, str] = {}
    for record in backup.files:
        relative = record["path"]
        target = config.path(relative)
        if not _restorable(config, relative) or not target.resolve().is_relative_to(config.root):
            raise UserError(
                f"backup {backup.name} names {relative!r}, which is not a generated file of"
                f" this configuration (output = {config.settings.output!r}); nothing was restored",
                "restore only backups of the generated file(s); delete this one",
            )
        try:
            data = backups.backup_file(backup, relative).read_bytes()
        except OSError as exc:
            raise UserError(
                f"backup {backup.name} is missing {relative}", "pick another backup"
            ) from exc
        if files.sha256(data) != record["sha256"]:
            raise UserError(
                f"backup {backup.name}: {relative} does not match its recorded sha256",
                "the backup is damaged; pick another backup",
            )
        # byte-exact: bytes that are not UTF-8 come back as they were
        contents[target] = data.decode("utf-8", errors="surrogateescape")

    def make_plan() -> Plan:
        changes = []
        for target, text in contents.items():
            old = files.read_text(target)
            relative = target.relative_to(config.root).as_posix()
            contract = relative == config.settings.contract_output
            state = file_state(old, text, manual=contract)
            changes.append(Change(relative, old, text, state, Action.WRITE, contract=contract))
        return Plan(mode=Mode.RESTORE, changes=tuple(changes))

    applied = transact(config, make_plan, blocked=lambda p: console.info(waiting_message(p)))
    for target, text in contents.items():
        relative = target.relative_to(config.root).as_posix()
        console.info(f"restored {relative} from {backup.name}")
        problem = _compile_problem(relative, text)
        if problem is not None:
            console.info(
                f"note: {relative} does not compile ({problem}): it holds exactly what the"
                f" backup saved (a hand edit?); fix it, or run '{PROG} sync --force' to"
                " regenerate it"
            )
    if applied.backup:
        console.info(
            f"the replaced version is kept in backup {applied.backup} (restore it to undo)"
        )
    return Exit.OK
