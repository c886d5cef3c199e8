"""Whether a git commit is in progress in the project's repository.

While git holds ``index.lock``, or a pre-commit run has stashed the unstaged
changes (its ``patch<time>-<pid>`` file in pre-commit's cache folder, with that
process still running in this repository), a write to the working tree would
make the commit or pre-commit's restore of the stash conflict. The watcher
waits for both to be over.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from schema_sync_hook.processes import alive


def git_dirs(root: Path) -> tuple[Path, Path] | None:
    """The work tree holding ``root`` and its git folder (linked worktrees included)."""
    for folder in (root, *root.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return folder, dot_git
        if dot_git.is_file():
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                return folder, (folder / text[len("gitdir:") :].strip()).resolve()
    return None


def commit_in_progress(root: Path) -> str | None:
    """Why writing now would disturb a commit, or None."""
    found = git_dirs(root)
    if found is None:
        return None
    work_tree, git_dir = found
    if (git_dir / "index.lock").exists():
        return "a git commit is in progress (index.lock)"
    if _precommit_stash(work_tree):
        return "pre-commit has stashed the unstaged changes"
    return None


def _precommit_home() -> Path:
    home = os.environ.get("PRE_COMMIT_HOME")
    if home:
        return Path(home)
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(cache) / "pre-commit"


def _precommit_stash(work_tree: Path) -> bool:
    """A running pre-commit (in this work tree, where that can be told) holds a stash."""
    try:
        patches = list(_precommit_home().glob("patch*-*"))
    except OSError:
        return False
    for patch in patches:
        pid_text = patch.name.rpartition("-")[2]
        if not pid_text.isdigit() or not alive(int(pid_text)):
            continue
        proc_cwd = Path(f"/proc/{pid_text}/cwd")
        if sys.platform.startswith("linux") and proc_cwd.exists():
            try:
                if proc_cwd.resolve() == work_tree.resolve():
                    return True
            except OSError:
                continue
        elif time.time() - patch.stat().st_mtime < 3600:  # no /proc: a recent stash
            return True
    return False
