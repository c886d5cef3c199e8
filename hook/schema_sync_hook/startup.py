"""Application start-up: sync the schemas, then watch, as the settings say.

From a FastAPI lifespan::

    from schema_sync_hook.startup import schema_sync

    @asynccontextmanager
    async def lifespan(app):
        async with schema_sync():
            yield

``auto_sync_enabled`` runs a sync at start-up (in a fresh process, so the
application's own Tortoise set-up is untouched; when the cache shows nothing
changed since the last in-sync run, no process is started); ``watch_enabled`` starts the
watcher, stopped on shutdown; ``environment=production`` turns both off. A
failing sync is logged, never fatal to the application.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path

from schema_sync_hook.errors import UserError
from schema_sync_hook.fastpath import cache
from schema_sync_hook.live.worker import Request, run_in_subprocess
from schema_sync_hook.settings.schema import Config
from schema_sync_hook.settings.sources import load_config

log = logging.getLogger("schema_sync_hook")


PathArg = str | os.PathLike[str] | None


def start(root: PathArg = None, config_file: PathArg = None) -> object | None:
    """Run the start-up sync and start the watcher; returns the watcher (or None).

    ``root`` and ``config_file`` are a ``str`` or a path. Nothing here stops the
    application: whatever goes wrong is logged.
    """
    try:
        return _start(_as_path(root), _as_path(config_file))
    except (Exception, SystemExit):  # the application runs on, whatever the sync did
        log.exception("Schema synchronization failed")
        return None


def _as_path(value: PathArg) -> Path | None:
    return None if value is None else Path(os.fspath(value))


def _start(root: Path | None, config_file: Path | None) -> object | None:
    try:
        config = load_config(root=root, config_file=config_file)
    except UserError as exc:
        log.error("Schema synchronization is not configured correctly: %s", exc)
        return None
    settings = config.settings
    if settings.production:
        log.info("Schema synchronization is off in production")
        return None
    watcher = None
    if settings.watch_enabled:  # made first: it sees a save made during the sync
        # imported here for start-up speed: watchdog is the optional 'watch' extra
        from schema_sync_hook.live.watcher import Watcher

        watcher = Watcher(config)
    deferred = _sync(config) if settings.auto_sync_enabled else False
    if watcher is None:
        return None
    log.info("Starting file watcher for automatic schema regeneration...")
    try:
        watcher.start()
    except UserError as exc:
        log.warning("File watcher not started: %s", exc)
        return None
    if deferred:
        watcher.schedule("start-up sync after the commit")
    return watcher


def _sync(config: Config) -> bool:
    """The start-up sync; True when a git commit in progress postponed its writing."""
    log.info("Running automatic schema synchronization...")
    try:
        unchanged = cache.fresh(config, refresh_quick=True)  # the common start
    except (OSError, UserError):
        unchanged = False  # the regeneration below reports what is wrong
    if unchanged:
        log.info("Schema synchronization completed successfully (nothing changed)")
        return False
    report = run_in_subprocess(Request(config.root, config.config_file, defer_during_commit=True))
    if report.log(log, failed="Schema synchronization failed") and not report.deferred:
        log.info("Schema synchronization completed successfully")
    return report.deferred is not None


def stop(watcher: object | None) -> None:
    """Stop the watcher; a model saved since its last regeneration is regenerated
    first (under ``uvicorn --reload`` that save is what stops the app). Never raises."""
    try:
        _stop(watcher)
    except (Exception, SystemExit):
        log.exception("Stopping the schema file watcher failed")


def _stop(watcher: object | None) -> None:
    flush = getattr(watcher, "flush", None)
    if flush is not None:
        flush()
    stopper = getattr(watcher, "stop", None)
    if stopper is not None:
        stopper()
        log.info("Stopped file watcher")


@contextlib.asynccontextmanager
async def schema_sync(
    root: PathArg = None, config_file: PathArg = None
) -> AsyncIterator[object | None]:
    """Async context manager for a FastAPI ``lifespan``: sync and watch while running."""
    watcher = await asyncio.to_thread(start, root, config_file)
    try:
        yield watcher
    finally:
        await asyncio.to_thread(stop, watcher)
