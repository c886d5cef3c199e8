"""REF's wire contract, made by REF's own configuration in a temporary ``git worktree``.

The running process never imports REF's code: a separate process (this tool's
``pipeline.ref_contract``) reads REF's configuration in a checkout of REF and answers
with REF's contract file, or the contract of REF's generated file(s), or "absent".
It runs while the working tree is generated. The checkout lives in a temporary folder
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from schema_sync_hook import git
from schema_sync_hook.errors import UserError
from schema_sync_hook.settings.schema import Config

PREFIX = "schema-sync-ref-"
WORKER = "schema_sync_hook.pipeline.ref_contract"

Contract = dict[str, Any]


@contextmanager
def ref_contract(
    config: Config, top: Path, commit: str, ref: str
) -> Iterator[Callable[[], Contract | None]]:
    """Start making REF's contract; the yielded function waits for it (None: REF holds
    neither a contract file nor a generated file of its configuration)."""
    prune_left_over(top)
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    tree = folder / "tree"
    proc: subprocess.Popen[bytes] | None = None
    try:
        git.worktree_add(top, tree, commit)
        root = tree / config.root.resolve().relative_to(top.resolve())
        out, log = folder / "contract.json", folder / "output.txt"
        with log.open("wb") as output:  # what REF's models print: to stderr, afterwards
            proc = subprocess.Popen(
                [sys.executable, "-m", WORKER, str(root), _config_arg(config, top, tree), str(out)],
                cwd=root if root.is_dir() else tree,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        yield lambda: _answer(proc, out, log, ref)
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
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


def _answer(proc: subprocess.Popen[bytes], out: Path, log: Path, ref: str) -> Contract | None:
    code = proc.wait()
    printed = log.read_bytes().decode("utf-8", "replace")
    if printed:
        sys.stderr.write(printed)
        sys.stderr.flush()
    try:
        answer = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        answer = {"error": f"making its contract failed (exit {code}); the output above says why"}
    if "error" in answer:
        raise UserError(
            f"{ref}: {answer['error']}",
            "fix it at that revision, or commit a contract_output file there",
        )
    contract = answer.get("contract")
    return contract if isinstance(contract, dict) else None


def prune_left_over(top: Path) -> None:
    """Remove the checkouts of runs that were killed (their process is gone)."""
    for path in git.worktrees(top):
        folder = path.parent
        if not folder.name.startswith(PREFIX):
            continue
        pid = folder.name[len(PREFIX) :].partition("-")[0]
        if pid.isdigit() and _alive(int(pid)):
            continue
        git.worktree_remove(top, path)
        shutil.rmtree(folder, ignore_errors=True)
    git.worktree_prune(top)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
