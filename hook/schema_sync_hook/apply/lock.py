"""One writer at a time per project: an exclusive lock on ``.schema_sync/lock``.

As pre-commit's ``file_lock``: try without blocking; when another run holds the
lock, call ``blocked`` once (to say so), then wait in a blocking lock call. The
operating system drops the lock when its holder exits or is killed.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from schema_sync_hook.apply.files import ensure_state_dir, state_error

LOCK_FILE = "lock"


@contextlib.contextmanager
def project_lock(state_dir: Path, blocked: Callable[[Path], None] | None = None) -> Iterator[None]:
    """Hold the project lock; ``blocked(lock_path)`` is called first if another run has it."""
    ensure_state_dir(state_dir)
    path = state_dir / LOCK_FILE
    try:
        fh = path.open("a+")
    except OSError as exc:
        raise state_error(state_dir, exc, path) from exc
    with fh:
        if not _try_lock(fh):
            if blocked is not None:
                blocked(path)
            _lock(fh)
        try:
            try:  # unbuffered: a failed write leaves nothing for close() to retry
                os.ftruncate(fh.fileno(), 0)
                os.write(fh.fileno(), f"{os.getpid()}\n".encode())
            except OSError as exc:
                raise state_error(state_dir, exc, path) from exc
            yield
        finally:
            _unlock(fh)


def waiting_message(path: Path) -> str:
    return f"waiting for another schema-sync-hook run to finish ({path})"


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fh: Any) -> bool:
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _lock(fh: Any) -> None:
        while True:  # LK_LOCK retries for 10 s, then raises
            with contextlib.suppress(OSError):
                msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)
                return

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

    def _lock(fh: Any) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)

    def _unlock(fh: Any) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
