"""Regenerate on every model save: watchdog events, debounced, in a fresh process.

watchdog is imported lazily (the ``watch`` extra). The watcher looks at the
folders of the model modules and at the config files, ignores its own output,
backups, caches and editor temp files, waits ``watch_debounce_seconds`` after
the last event, then runs one regeneration in a subprocess (started ahead, see
``worker.Workers``). While a git commit
is in progress (see ``gitstate``) it waits, and the worker does not write; the
regeneration runs once the commit has finished.
"""

from __future__ import annotations

import contextlib
import fnmatch
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from schema_sync_hook.errors import UserError
from schema_sync_hook.live.gitstate import commit_in_progress
from schema_sync_hook.live.worker import Request, Workers
from schema_sync_hook.report.outcome import Report
from schema_sync_hook.settings.schema import STATE_DIR, Config

log = logging.getLogger("schema_sync_hook")

EDITOR_TEMP = ("*.swp", "*.swx", "*.swo", "*~", ".#*", "#*#", "4913", "*.tmp", "*.bak")
IGNORED_PARTS = {"__pycache__", ".git", ".mypy_cache", ".ruff_cache", ".pytest_cache", STATE_DIR}


def _import_watchdog() -> Any:
    try:
        from watchdog import events, observers
    except ImportError:
        raise UserError(
            "--watch needs the watchdog package, which is not installed",
            "pip install 'schema-sync-hook[watch]'",
        ) from None
    return events, observers


def module_folders(config: Config) -> list[Path]:
    """Folders holding the configured model modules, found without importing them."""
    modules = list(config.settings.models)
    if config.settings.tortoise_config:
        modules.append(config.settings.tortoise_config.rpartition(".")[0])
    bases = [config.root, *(config.root / p for p in config.settings.python_path)]
    folders: set[Path] = set()
    for module in modules:
        parts = module.split(".")
        for base in bases:
            package = base.joinpath(*parts)
            if (package / "__init__.py").is_file():
                folders.add(package.resolve())
                break
            if package.with_suffix(".py").is_file():
                folders.add(package.parent.resolve())
                break
    # A folder inside another watched folder is covered by the recursive watch.
    return sorted(f for f in folders if not any(f != o and f.is_relative_to(o) for o in folders))


class Watcher:
    """Watches the project and regenerates; ``start()``/``stop()`` or ``run_forever()``."""

    def __init__(self, config: Config, regenerate: Callable[[], Report] | None = None) -> None:
        self.config = config
        request = Request(config.root, config.config_file, defer_during_commit=True)
        self._workers = Workers()
        self._keep_spare = True  # off once the application is stopping (flush)
        self._regenerate = regenerate or (
            lambda: self._workers.run(request, keep_spare=self._keep_spare)
        )
        self._pending: str | None = None
        self._deadline = 0.0
        self._lock = threading.Condition()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._observer: Any = None
        self.outputs = {config.path(config.output_glob).as_posix()}
        self._regenerating = threading.Lock()
        self._baseline = self._snapshot()

    # -- events --

    def relevant(self, path: str) -> bool:
        p = Path(path)
        if any(part in IGNORED_PARTS for part in p.parts):
            return False
        if p.resolve().is_relative_to(self.config.backup_dir.resolve()):
            return False
        if any(fnmatch.fnmatch(p.name, pattern) for pattern in EDITOR_TEMP):
            return False
        if any(fnmatch.fnmatch(p.as_posix(), out) for out in self.outputs):
            return False
        resolved = p.resolve()
        if self.config.config_file is not None and resolved == self.config.config_file:
            return True
        if resolved.is_relative_to(self.config.root):
            return self.config.is_input(resolved.relative_to(self.config.root).as_posix())
        return p.suffix == ".py"

    def notify(self, path: str) -> None:
        if not self.relevant(path):
            return
        shown = Path(path)
        if shown.resolve().is_relative_to(self.config.root):
            shown = shown.resolve().relative_to(self.config.root)
        with self._lock:
            if self._pending is None:
                log.info("Model file modified: %s", shown.as_posix())
        self.schedule(shown.as_posix())

    def schedule(self, why: str) -> None:
        """Regenerate after the debounce period (restarted by every call)."""
        with self._lock:
            self._pending = why
            self._deadline = time.monotonic() + self.config.settings.watch_debounce_seconds
            self._lock.notify_all()

    def _snapshot(self) -> dict[str, tuple[int, int]]:
        """Size and mtime of every watched file, to see changes without events."""
        found: dict[str, tuple[int, int]] = {}
        paths = [p for f in module_folders(self.config) for p in f.rglob("*.py")]
        with contextlib.suppress(OSError):
            paths += [p for p in self.config.root.iterdir() if p.suffix != ".py"]
        paths += [self.config.config_file] if self.config.config_file is not None else []
        for path in paths:
            with contextlib.suppress(OSError):
                if path.is_file() and self.relevant(str(path)):
                    stat = path.stat()
                    found[path.as_posix()] = (stat.st_size, stat.st_mtime_ns)
        return found

    # -- regeneration --

    def regenerate_now(self) -> Report:
        with self._regenerating:
            self._baseline = self._snapshot()  # a save from now on is seen next time
            report = self._regenerate()
        report.log(log, failed="Schema regeneration failed")
        if report.deferred:
            self.schedule("after the commit")
        return report

    def flush(self) -> bool:
        """Regenerate now if a watched file changed since the last regeneration.

        For an application that stops before the debounce ends: under
        ``uvicorn --reload`` the model save itself restarts the app, and the
        schemas are written before the next process imports them.
        """
        self._keep_spare = False
        with self._regenerating:
            changed = sorted(set(self._snapshot().items()) ^ set(self._baseline.items()))
        with self._lock:
            pending, self._pending = self._pending, None
        if pending is None and not changed:
            return False
        if pending is None:
            shown = Path(changed[0][0])
            if shown.is_relative_to(self.config.root):
                shown = shown.relative_to(self.config.root)
            log.info("Model file modified: %s", shown.as_posix())
        log.info("Triggering schema regeneration before the application stops")
        self.regenerate_now()
        return True

    def _wait_for_commit(self) -> None:
        """Return once no git commit is in progress (or the watcher stops)."""
        told = False
        while not self._stopped.is_set():
            why = commit_in_progress(self.config.root)
            if why is None:
                return
            if not told:
                log.info("Waiting: %s", why)
                told = True
            self._stopped.wait(0.25)

    def _loop(self) -> None:
        while not self._stopped.is_set():
            with self._lock:
                while self._pending is None and not self._stopped.is_set():
                    self._lock.wait(0.5)
                if self._stopped.is_set():
                    return
                wait = self._deadline - time.monotonic()
                if wait > 0:
                    self._lock.wait(wait)
                    continue
                self._pending = None
            self._wait_for_commit()
            if self._stopped.is_set():
                return
            log.info("Triggering schema regeneration after debounce period")
            self.regenerate_now()

    # -- lifecycle --

    def start(self) -> None:
        events, observers = _import_watchdog()
        watcher = self

        class Handler(events.FileSystemEventHandler):  # type: ignore[misc,name-defined]
            def on_any_event(self, event: Any) -> None:
                if event.is_directory or event.event_type in ("opened", "closed_no_write"):
                    return
                for attr in ("src_path", "dest_path"):
                    path = getattr(event, attr, "")
                    if path:
                        watcher.notify(str(path))

        observer = observers.Observer()
        handler = Handler()
        folders = module_folders(self.config)
        for folder in folders:
            observer.schedule(handler, str(folder), recursive=True)
        if not any(self.config.root == f for f in folders):
            observer.schedule(handler, str(self.config.root), recursive=False)
        observer.daemon = True
        observer.start()
        self._observer = observer
        self._thread = threading.Thread(target=self._loop, name="schema-sync-watch", daemon=True)
        self._thread.start()
        shown = ", ".join(f.relative_to(self.config.root).as_posix() or "." for f in folders)
        log.info("Watching %s for model changes", shown or ".")

    def stop(self) -> None:
        self._stopped.set()
        with self._lock:
            self._lock.notify_all()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._workers.close()

    def run_forever(self) -> None:
        self.start()
        try:
            while not self._stopped.wait(0.5):
                pass
        finally:
            self.stop()
