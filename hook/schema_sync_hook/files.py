"""The only module that writes: atomic writes, backups, the lock, tool state.

A file is written to a temporary file in its own folder, flushed to disk, then
moved over the old one with ``os.replace``, so a reader (or a crash) sees the
old file or the new one, never a part. Backups are folders named
``schema_backup_YYYYMMDD_HHMMSS`` (``_N`` on collision) holding the previous
file(s) under their project paths and a ``metadata.json``.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schema_sync_hook.errors import UserError

BACKUP_PREFIX = "schema_backup_"
BACKUP_NAME = re.compile(r"^schema_backup_(\d{8}_\d{6})(?:_(\d+))?$")
METADATA = "metadata.json"
STATE_FILE = "state.json"
LOCK_FILE = "lock"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_text(path: Path) -> str | None:
    """The file's text with LF line endings, or None when it does not exist."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder", "point 'output' at a file") from None
    except NotADirectoryError:
        raise UserError(
            f"cannot write {path}: a part of its folder path is a file",
            "move that file away or change the 'output' setting",
        ) from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}", "check its permissions") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n")


def _write_error(path: Path, exc: OSError) -> UserError:
    if exc.errno == errno.ENOSPC:
        fix = "free some disk space and run again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = f"make {path.parent} writable, or change the 'output' setting"
    else:
        fix = "check the path and its permissions"
    return UserError(f"cannot write {path}: {exc.strerror or exc}", fix)


def atomic_write(path: Path, content: str) -> None:
    """Replace ``path`` with ``content`` (UTF-8, as given) in one step."""
    import tempfile  # deferred: only a write pays for it

    data = content.encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        mode = None
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp_name, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        raise _write_error(path, exc) from exc
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def remove_stale_temp_files(path: Path) -> None:
    """Temp files a killed writer left beside ``path``; call with the lock held."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def ensure_state_dir(state_dir: Path) -> None:
    """Create ``.schema_sync/`` holding a .gitignore that ignores the folder itself."""
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        ignore = state_dir / ".gitignore"
        if not ignore.exists():
            atomic_write(ignore, "# Created by schema-sync-hook: tool state, not for git.\n*\n")
    except OSError as exc:
        raise _write_error(state_dir, exc) from exc


# --- tool state ----------------------------------------------------------------------


def read_state(state_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((state_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_state(state_dir: Path, **values: Any) -> None:
    ensure_state_dir(state_dir)
    state = read_state(state_dir)
    state.update(values)
    atomic_write(state_dir / STATE_FILE, json.dumps(state, indent=2, sort_keys=True) + "\n")


def now_iso() -> str:
    return datetime.datetime.now().replace(microsecond=0).isoformat()


# --- lock ----------------------------------------------------------------------------


@contextlib.contextmanager
def project_lock(
    state_dir: Path, timeout: float = 60.0, say: Callable[[str], None] | None = None
) -> Iterator[None]:
    """One writer at a time per project. The OS drops the lock when a process dies."""
    ensure_state_dir(state_dir)
    path = state_dir / LOCK_FILE
    fh = path.open("a+")
    try:
        deadline = time.monotonic() + timeout
        told = False
        while not _try_lock(fh):
            if time.monotonic() >= deadline:
                raise UserError(
                    f"another schema-sync-hook run holds {path} for more than {timeout:.0f}s",
                    "wait for it to finish (or stop it), then run again",
                )
            if not told and say is not None:
                say(f"waiting for another schema-sync-hook run to finish ({path})")
                told = True
            time.sleep(0.1)
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        yield
    finally:
        _unlock(fh)
        fh.close()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fh: Any) -> bool:
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fh: Any) -> None:
        with contextlib.suppress(OSError):
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fh: Any) -> bool:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fh: Any) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# --- backups -------------------------------------------------------------------------


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
        raise _write_error(backup_dir, exc) from exc
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
        raise _write_error(backup_dir, exc) from exc
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
        shutil.rmtree(backup.path)
    except OSError as exc:
        raise UserError(
            f"cannot delete {backup.path}: {exc.strerror}", "check permissions"
        ) from exc
