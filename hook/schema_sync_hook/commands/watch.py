"""``--watch``: regenerate on every model save until Ctrl-C."""

from __future__ import annotations

import logging
import signal
from types import FrameType

from schema_sync_hook.apply.transaction import refuse_in_production
from schema_sync_hook.console import Console
from schema_sync_hook.errors import Exit
from schema_sync_hook.live.watcher import Watcher, _import_watchdog, log
from schema_sync_hook.settings.schema import Config


def watch_command(config: Config, console: Console) -> Exit:
    refuse_in_production(config)  # the watcher only writes: off in production
    _import_watchdog()  # a clear error before anything else when the extra is missing
    logging.basicConfig(
        level=logging.DEBUG if console.verbosity > 0 else logging.INFO,
        format="%(levelname)s - %(message)s",
    )
    if console.verbosity < 0:
        log.setLevel(logging.WARNING)
    watcher = Watcher(config)
    watcher.regenerate_now()
    # SIGTERM (``kill``) stops it as Ctrl-C does. A SIGINT that its starter ignored
    # (``schema-sync-hook --watch &`` in a script, nohup) stays ignored, as for any
    # background job: a Ctrl-C meant for the foreground command does not end it.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        watcher.run_forever()
    except KeyboardInterrupt:
        log.info("Stopped watching")
    finally:
        signal.signal(signal.SIGTERM, previous)
    return Exit.OK


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
