"""The file layer's base: reading, atomic writes, the state folder and tool state.

A file is written to a temporary file in its own folder, flushed to disk, then
moved over the old one with ``os.replace``, so a reader (or a crash) sees the
old file or the new one, never a part. With :mod:`~schema_sync_hook.apply.backups`,
:mod:`~schema_sync_hook.apply.lock` and :mod:`~schema_sync_hook.apply.transaction`, the only
code that writes into the project.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from schema_sync_hook.errors import UserError

STATE_FILE = "state.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_text(path: Path, *, keep_line_endings: bool = False) -> str | None:
    """The file's text with LF line endings (unless ``keep_line_endings``: a file the
    tool edits rather than owns), or None when it does not exist."""
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
    return text if keep_line_endings else text.replace("\r\n", "\n")


def write_error(
    path: Path, exc: OSError, folder: Path | None = None, setting: str | None = "output"
) -> UserError:
    """One line for a failed write: ``folder`` (default: the file's own) must be
    writable, or ``setting`` (the key that chose the path, if any) changed."""
    folder = path.parent if folder is None else folder
    if exc.errno == errno.ENOSPC:
        fix = "free some disk space and run again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = f"make {folder} writable"
        fix += f", or change the '{setting}' setting" if setting else ""
    else:
        fix = "check the path and its permissions"
    return UserError(f"cannot write {path}: {exc.strerror or exc}", fix)


def atomic_write(path: Path, content: str) -> None:
    """Replace ``path`` with ``content`` (UTF-8, as given) in one step."""
    import tempfile  # deferred: only a write pays for it

    # surrogateescape: a restored backup's bytes that are not UTF-8 are written back as
    # they were; valid text (all generated text) encodes exactly as strict UTF-8
    data = content.encode("utf-8", errors="surrogateescape")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(path, exc) from exc
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
        raise write_error(path, exc) from exc
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
        raise state_error(state_dir, exc) from exc


def state_error(state_dir: Path, exc: OSError, path: Path | None = None) -> UserError:
    """A failed write of the tool's own state (``.schema_sync``, ``path`` in it)."""
    folder = state_dir if state_dir.is_dir() else state_dir.parent
    return write_error(path or state_dir, exc, folder=folder, setting=None)


def check_writable(folder: Path, error: Callable[[OSError], UserError]) -> None:
    """Refuse before anything is written when ``folder`` takes no new file."""
    import tempfile

    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=".probe-")
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise error(exc) from exc


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
