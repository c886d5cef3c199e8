"""REF's wire contract, made by REF's own configuration in a temporary ``git worktree``.

The running process never imports REF's code: a separate process (this tool's
``pipeline.ref_contract``) reads REF's configuration in a checkout of REF and answers
with REF's contract file, or "absent", or REF's generated texts and then the contract
of the classes it is asked for (see :mod:`schema_sync_hook.gate.slices`). It starts
before the working tree is generated and imports REF's models meanwhile. The checkout
is made without files (the worker checks out what it reads) in a temporary folder
named ``schema-sync-ref-<pid>-...`` and is removed afterwards, also on Ctrl-C or an
error; one left by a killed run is removed by the next run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from schema_sync_hook import git
from schema_sync_hook.errors import UserError
from schema_sync_hook.processes import alive
from schema_sync_hook.settings.schema import Config

PREFIX = "schema-sync-ref-"
WORKER = "schema_sync_hook.pipeline.ref_contract"

Answer = dict[str, Any]


class RefWorker:
    """The process making REF's contract: its answers, and the question it waits for
    (see :mod:`schema_sync_hook.pipeline.ref_contract`)."""

    def __init__(self, proc: subprocess.Popen[str], log: Path, ref: str) -> None:
        self.proc, self.log, self.ref = proc, log, ref

    def answer(self) -> Answer:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        try:
            answer = json.loads(line) if line else None
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or "error" in answer:
            self._show_output()
            why = f"making its contract failed (exit {self.proc.wait()}); the output above says why"
            raise UserError(
                f"{self.ref}: {answer['error'] if isinstance(answer, dict) else why}",
                "fix it at that revision, or commit a contract_output file there",
            )
        if "contract" in answer or "absent" in answer:
            self._show_output()
        return answer

    def ask(self, classes: list[str] | None) -> None:
        """Ask for the contract of ``classes`` (None: of every class)."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps({"classes": classes}) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:  # the worker is gone: its answer says why
            pass

    def _show_output(self) -> None:
        """What REF's models printed: to stderr, once the answer is in."""
        self.proc.wait()
        printed = self.log.read_bytes().decode("utf-8", "replace")
        if printed:
            sys.stderr.write(printed)
            sys.stderr.flush()


@contextmanager
def ref_worker(config: Config, top: Path, commit: str, ref: str) -> Iterator[RefWorker]:
    """Check REF out and start its worker, which answers as it goes."""
    prune_left_over(top)
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    tree = folder / "tree"
    proc: subprocess.Popen[str] | None = None
    try:
        git.worktree_add(top, tree, commit, checkout=False)  # the worker brings what it reads
        root = tree / config.root.resolve().relative_to(top.resolve())
        root.mkdir(parents=True, exist_ok=True)  # REF's models run from the project root
        log = folder / "output.txt"
        argv = [str(tree), str(root), _config_arg(config, top, tree), commit]
        with log.open("wb") as output:  # what REF's models print: to stderr, afterwards
            proc = subprocess.Popen(
                [sys.executable, "-m", WORKER, *argv],
                cwd=root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=output,
                text=True,
                encoding="utf-8",
            )
        yield RefWorker(proc, log, ref)
    finally:
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()
        git.worktree_remove(top, tree)
        shutil.rmtree(folder, ignore_errors=True)
        git.worktree_prune(top)


def _config_arg(config: Config, top: Path, tree: Path) -> str:
    """The ``--config`` file at REF: the same file in REF's checkout when it is versioned."""
    if config.config_file is None:
        return ""
    path = config.config_file.resolve()
    if path.is_relative_to(top.resolve()):
        return str(tree / path.relative_to(top.resolve()))
    return str(path)


def prune_left_over(top: Path) -> None:
    """Remove the checkouts of runs that were killed (their process is gone)."""
    for path in git.worktrees(top):
        folder = path.parent
        if not folder.name.startswith(PREFIX):
            continue
        pid = folder.name[len(PREFIX) :].partition("-")[0]
        if pid.isdigit() and alive(int(pid)):
            continue
        git.worktree_remove(top, path)
        shutil.rmtree(folder, ignore_errors=True)
    git.worktree_prune(top)
