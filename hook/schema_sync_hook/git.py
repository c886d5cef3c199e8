"""Every call of the real ``git`` program: the work tree, revisions, files at a revision."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from schema_sync_hook.errors import UserError


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as exc:
        raise UserError(
            f"cannot run git: {exc.strerror}", "install git and put it on PATH"
        ) from exc


def _first_line(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "no message"


def work_tree(cwd: Path) -> Path:
    """The root of the git work tree holding ``cwd``."""
    proc = _git(cwd, "rev-parse", "--show-toplevel")
    if proc.returncode != 0:
        raise UserError(
            f"{cwd} is not inside a git work tree ({_first_line(proc.stderr)})",
            "run diff --against in a git checkout",
        )
    return Path(proc.stdout.decode("utf-8").strip())


def toplevel(cwd: Path) -> Path | None:
    """The root of the git work tree holding ``cwd``; None outside one, or without git."""
    try:
        proc = _git(cwd, "rev-parse", "--show-toplevel")
    except UserError:
        return None
    return Path(proc.stdout.decode("utf-8").strip()) if proc.returncode == 0 else None


def changed_files(cwd: Path, paths: Sequence[Path]) -> list[Path]:
    """Those of ``paths`` that differ from HEAD (staged, not staged, or untracked), in
    their order; none outside a git work tree."""
    top = toplevel(cwd)
    if top is None or not paths:
        return []
    proc = _git(top, "status", "--porcelain=v1", "-z", "--", *(str(p) for p in paths))
    if proc.returncode != 0:
        return []
    entries = proc.stdout.decode("utf-8", "replace").split("\0")
    found = {(top / entry[3:]).resolve() for entry in entries if len(entry) > 3}
    return [path for path in paths if path.resolve() in found]


def commit_of(cwd: Path, ref: str) -> str:
    """The commit ``ref`` names; exit 2 for an unknown revision."""
    proc = _git(cwd, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if proc.returncode != 0:
        raise UserError(
            f"unknown revision {ref!r}",
            "name a branch, tag or commit (in CI fetch it first, e.g. actions/checkout"
            " with fetch-depth: 0)",
        )
    return proc.stdout.decode("ascii").strip()


def merge_base(cwd: Path, ref: str, commit: str) -> str:
    """The commit the current branch started from: the merge base of ``ref`` and HEAD."""
    proc = _git(cwd, "merge-base", commit, "HEAD")
    if proc.returncode != 0:
        raise UserError(
            f"no merge base of {ref!r} and HEAD ({_first_line(proc.stderr)})",
            "fetch the full history (fetch-depth: 0 in CI), or pass --exact to compare"
            f" with {ref} itself",
        )
    return proc.stdout.decode("ascii").strip()


def show(top: Path, commit: str, path: Path) -> str | None:
    """The text of ``path`` (in the work tree ``top``) at ``commit``; None if absent."""
    relative = path.resolve().relative_to(top.resolve()).as_posix()
    proc = _git(top, "cat-file", "blob", f"{commit}:{relative}")
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", "replace").replace("\r\n", "\n")


def worktree_add(top: Path, path: Path, commit: str, *, checkout: bool = True) -> None:
    """A new work tree at ``path``, detached at ``commit``; its files checked out unless
    ``checkout`` is False (then :func:`checkout_paths` brings the ones needed)."""
    files = () if checkout else ("--no-checkout",)
    proc = _git(top, "worktree", "add", "--detach", "--quiet", *files, str(path), commit)
    if proc.returncode != 0:
        raise UserError(
            f"cannot check out {commit[:12]} in a temporary work tree ({_first_line(proc.stderr)})",
            "commit a contract_output file, or check that the repository is writable",
        )


def checkout_paths(tree: Path, commit: str, pathspecs: Sequence[str]) -> None:
    """Check out, in the work tree ``tree``, the files of ``commit`` each pathspec
    matches (git's pathspec magic allowed); a pathspec matching nothing is skipped."""
    for spec in pathspecs:
        _git(tree, "checkout", "--quiet", commit, "--", spec)


def worktree_remove(top: Path, path: Path) -> None:
    """Remove the work tree at ``path`` (its files and git's record of it)."""
    _git(top, "worktree", "remove", "--force", "--force", str(path))


def worktrees(top: Path) -> list[Path]:
    """The paths of every work tree of the repository (the main one first)."""
    proc = _git(top, "worktree", "list", "--porcelain")
    lines = proc.stdout.decode("utf-8", "replace").splitlines()
    return [Path(line[len("worktree ") :]) for line in lines if line.startswith("worktree ")]


def worktree_prune(top: Path) -> None:
    """Forget the work trees whose folder is gone."""
    _git(top, "worktree", "prune")
