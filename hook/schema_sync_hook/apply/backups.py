"""Backups: ``schema_backup_YYYYMMDD_HHMMSS`` folders (``_N`` on collision).

Each holds the previous file(s) under their project paths and a
``metadata.json`` (created, reason, path and sha256 of each file). Creating,
rotating, listing, finding and deleting them; call the writers with the lock held.
"""

from __future__ import annotations

import datetime
import errno
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schema_sync_hook.apply.files import now_iso, sha256, write_error
from schema_sync_hook.errors import UserError

BACKUP_PREFIX = "schema_backup_"
BACKUP_NAME = re.compile(r"^schema_backup_(\d{8}_\d{6})(?:_(\d+))?$")
METADATA = "metadata.json"


@dataclass(frozen=True)
class Backup:
    name: str
    path: Path
    created: str
    reason: str
    files: tuple[dict[str, str], ...]
    problem: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "created": self.created,
            "reason": self.reason,
            "files": list(self.files),
            "problem": self.problem,
        }


def _sort_key(name: str) -> tuple[str, int]:
    match = BACKUP_NAME.match(name)
    assert match is not None
    return match.group(1), int(match.group(2) or 0)


def create_backup(
    backup_dir: Path,
    root: Path,
    files: Sequence[Path],
    reason: str,
    max_backups: int,
) -> str | None:
    """Copy the existing ``files`` into a new backup; rotate; return its name."""
    import shutil
    import tempfile

    existing = [f for f in files if f.is_file()]
    if not existing:
        return None
    try:
        backup_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=backup_dir, prefix=".incomplete-"))
    except OSError as exc:
        raise write_error(backup_dir, exc, backup_dir, "backup_dir") from exc
    try:
        records = []
        for file in existing:
            relative = file.relative_to(root).as_posix()
            target = staging / "files" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            data = file.read_bytes()
            target.write_bytes(data)
            records.append({"path": relative, "sha256": sha256(data)})
        created = now_iso()
        metadata = {"created": created, "reason": reason, "files": records}
        (staging / METADATA).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
        name = _claim_name(backup_dir, staging)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise write_error(backup_dir, exc, backup_dir, "backup_dir") from exc
    rotate(backup_dir, max_backups, keep=name)
    return name


def _claim_name(backup_dir: Path, staging: Path) -> str:
    stamp = datetime.datetime.now().strftime("%Y%m%d_%H%M%S")
    base = f"{BACKUP_PREFIX}{stamp}"
    for n in range(1, 10_000):
        name = base if n == 1 else f"{base}_{n}"
        try:
            os.rename(staging, backup_dir / name)  # fails if the name exists and is non-empty
        except OSError as exc:
            if exc.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR):
                continue
            raise
        if not (backup_dir / name / METADATA).is_file():  # pragma: no cover - defensive
            continue
        return name
    raise OSError(errno.EEXIST, "too many backups in one second")


def rotate(backup_dir: Path, max_backups: int, keep: str | None = None) -> list[str]:
    import shutil

    for stale in backup_dir.glob(".incomplete-*"):  # left by a killed run
        shutil.rmtree(stale, ignore_errors=True)
    names = [b.name for b in list_backups(backup_dir)]
    removable = [n for n in names if n != keep]
    excess = len(names) - max(max_backups, 1 if keep else 0)
    removed = []
    for name in sorted(removable, key=_sort_key)[: max(excess, 0)]:
        shutil.rmtree(backup_dir / name, ignore_errors=True)
        removed.append(name)
    return removed


def list_backups(backup_dir: Path) -> list[Backup]:
    """Every backup, oldest first; a backup with broken metadata is listed with a problem."""
    if not backup_dir.is_dir():
        return []
    backups = []
    for entry in backup_dir.iterdir():
        if not entry.is_dir() or not BACKUP_NAME.match(entry.name):
            continue
        backups.append(_read_backup(entry))
    return sorted(backups, key=lambda b: _sort_key(b.name))


def _read_backup(path: Path) -> Backup:
    try:
        data = json.loads((path / METADATA).read_text(encoding="utf-8"))
        files = tuple({"path": str(f["path"]), "sha256": str(f["sha256"])} for f in data["files"])
        return Backup(path.name, path, str(data["created"]), str(data["reason"]), files)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        problem = f"unreadable {METADATA}: {exc.__class__.__name__}"
        return Backup(path.name, path, "", "", (), problem=problem)


def find_backup(backup_dir: Path, name: str) -> Backup:
    """The backup called ``name``; anything else (paths, globs, empty) is refused."""
    if not BACKUP_NAME.match(name or ""):
        raise UserError(
            f"{name!r} is not a backup name",
            "use a name from 'schema-sync-hook backup list' (schema_backup_YYYYMMDD_HHMMSS)",
        )
    for backup in list_backups(backup_dir):
        if backup.name == name:
            return backup
    raise UserError(
        f"no backup named {name!r} in {backup_dir}",
        "use a name from 'schema-sync-hook backup list'",
    )


def backup_file(backup: Backup, relative: str) -> Path:
    return backup.path / "files" / relative


def delete_backup(backup: Backup) -> None:
    import shutil

    try:
        if backup.path.is_symlink():  # a link to elsewhere: remove the link, not its target
            backup.path.unlink()
        else:
            shutil.rmtree(backup.path)
    except OSError as exc:
        raise UserError(
            f"cannot delete {backup.path}: {exc.strerror or exc}", "check permissions"
        ) from exc
