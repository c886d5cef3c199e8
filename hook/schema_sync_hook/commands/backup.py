"""``backup list [--json] | restore --name NAME | delete --name NAME``."""

from __future__ import annotations

import json

from schema_sync_hook import files
from schema_sync_hook.config import Config
from schema_sync_hook.console import Console
from schema_sync_hook.errors import UserError


def backup_command(
    config: Config, console: Console, action: str, name: str | None, as_json: bool = False
) -> int:
    if action == "list":
        return _list(config, console, as_json)
    assert name is not None
    backup = files.find_backup(config.backup_dir, name)
    if action == "delete":
        with files.project_lock(config.state_dir, say=console.info):
            files.delete_backup(backup)
        console.info(f"deleted backup {backup.name}")
        return 0
    return _restore(config, console, backup)


def _list(config: Config, console: Console, as_json: bool) -> int:
    backups = files.list_backups(config.backup_dir)
    if as_json:
        console.print(json.dumps([b.as_json() for b in backups], indent=2))
        return 0
    if not backups:
        console.print(f"no backups in {config.settings.backup_dir}")
        return 0
    for b in backups:
        if b.problem:
            console.print(f"{b.name}  (damaged: {b.problem})")
            continue
        paths = ", ".join(f["path"] for f in b.files)
        console.print(f"{b.name}  {b.created}  {b.reason:<8} {paths}")
    return 0


def _restore(config: Config, console: Console, backup: files.Backup) -> int:
    if backup.problem:
        raise UserError(
            f"backup {backup.name} cannot be restored: {backup.problem}",
            "pick another backup from 'schema-sync-hook backup list'",
        )
    contents = {}
    for record in backup.files:
        relative = record["path"]
        target = config.path(relative).resolve()
        if not target.is_relative_to(config.root):
            raise UserError(f"backup {backup.name} names a path outside the project", "delete it")
        try:
            data = files.backup_file(backup, relative).read_bytes()
        except OSError as exc:
            raise UserError(
                f"backup {backup.name} is missing {relative}", "pick another backup"
            ) from exc
        if files.sha256(data) != record["sha256"]:
            raise UserError(
                f"backup {backup.name}: {relative} does not match its recorded sha256",
                "the backup is damaged; pick another backup",
            )
        contents[target] = data.decode("utf-8")
    with files.project_lock(config.state_dir, say=console.info):
        undo = files.create_backup(
            config.backup_dir, config.root, list(contents), "restore", config.settings.max_backups
        )
        for target, text in contents.items():
            files.atomic_write(target, text)
    for target in contents:
        console.info(f"restored {target.relative_to(config.root).as_posix()} from {backup.name}")
    if undo:
        console.info(f"the replaced version is kept in backup {undo} (restore it to undo)")
    return 0
