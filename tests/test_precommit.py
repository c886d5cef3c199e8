"""The hook as users meet it: the real pre-commit program and real git commits.

The hook repository is a throwaway git repo holding this checkout's code,
referenced by local path and commit; PRE_COMMIT_HOME is a session temp folder,
so pre-commit builds the hook's virtualenv (from the package registry) once.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import schema_sync_hook

from conftest import REPO, SIMPLE_MODELS, commit, run

pytestmark = pytest.mark.slow

OUT = "api/schemas_generated.py"


def make_consumer(
    root: Path,
    hook: tuple[Path, str],
    env: dict[str, str],
    hook_ids: list[str],
    committed: bool = False,
) -> Path:
    """A consumer repo using the hooks; ``committed``: with its schemas, in one commit."""
    root.mkdir()
    (root / "shopmodels.py").write_text(textwrap.dedent(SIMPLE_MODELS).lstrip())
    (root / "pyproject.toml").write_text(
        '[tool.schema-sync]\nmodels = ["shopmodels"]\noutput = "api/schemas_generated.py"\n'
    )
    hooks = "\n".join(f"      - id: {h}" for h in hook_ids)
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook[0]}\n    rev: {hook[1]}\n    hooks:\n{hooks}\n"
    )
    (root / "README.md").write_text("consumer\n")
    run(["git", "init", "-q", "-b", "main"], root, env)
    run([sys.executable, "-m", "pre_commit", "install"], root, env)
    if committed:
        run([sys.executable, "-m", "schema_sync_hook", "sync", "-q"], root, env)
        run(["git", "add", "-A"], root, env)
        assert commit(root, env, "start").returncode == 0
        shutil.rmtree(root / ".schema_sync")
    return root


def add_isbn(root: Path) -> None:
    models = root / "shopmodels.py"
    models.write_text(
        models.read_text().replace(
            "    pages =", "    isbn = fields.CharField(max_length=13, null=True)\n    pages =", 1
        )
    )


def test_manifest_is_valid(env: dict[str, str]) -> None:
    result = run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "validate-manifest",
            str(REPO / ".pre-commit-hooks.yaml"),
        ],
        REPO,
        env,
    )
    assert result.returncode == 0


def test_commit_flow(tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]) -> None:
    root = make_consumer(tmp_path / "consumer", hook_repo, env, ["schema-sync"])
    generated = root / OUT

    # 1. First commit: the generated file does not exist yet -> created, commit fails.
    run(["git", "add", "-A"], root, env)
    first = commit(root, env, "models")
    assert first.returncode != 0, first.stdout
    assert f"created {OUT}" in first.stdout
    assert generated.is_file()
    run(["git", "add", OUT], root, env)
    second = commit(root, env, "models and schemas")
    assert second.returncode == 0, second.stdout + second.stderr

    # 2. A clean commit passes, and says nothing about schemas.
    (root / "README.md").write_text("consumer, edited\n")
    run(["git", "add", "README.md"], root, env)
    clean = commit(root, env, "docs")
    assert clean.returncode == 0, clean.stdout

    # 3. A model change: the commit fails, the file is rewritten, a backup kept.
    add_isbn(root)
    run(["git", "add", "shopmodels.py"], root, env)
    drift = commit(root, env, "isbn")
    assert drift.returncode != 0
    assert f"updated {OUT}; models changed: Book (isbn)" in drift.stdout
    assert "isbn: str | None" in generated.read_text()
    backups = list((root / ".schema_sync" / "backups").iterdir())
    assert len(backups) == 1
    status = run(["git", "status", "--porcelain"], root, env).stdout.splitlines()
    assert sorted(status) == [f" M {OUT}", "M  shopmodels.py"]  # only the schemas, unstaged
    run(["git", "add", OUT], root, env)
    again = commit(root, env, "isbn with schemas")
    assert again.returncode == 0, again.stdout
    assert (
        run(["git", "status", "--porcelain"], root, env).stdout == ""
    )  # .schema_sync ignores itself


def test_unstaged_edits_are_not_used(
    tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    root = make_consumer(tmp_path / "consumer", hook_repo, env, ["schema-sync"], committed=True)
    add_isbn(root)
    run(["git", "add", "shopmodels.py"], root, env)  # staged: isbn
    models = root / "shopmodels.py"
    models.write_text(
        models.read_text().replace(
            "    pages =", "    unstaged_only = fields.IntField(null=True)\n    pages =", 1
        )
    )
    result = commit(root, env, "isbn")
    assert result.returncode != 0
    generated = (root / OUT).read_text()
    assert "isbn:" in generated  # from the staged content
    assert "unstaged_only" not in generated  # pre-commit stashed the unstaged edit
    assert "unstaged_only" in models.read_text()  # and gave it back


def test_check_hook_never_writes(
    tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    root = make_consumer(
        tmp_path / "consumer", hook_repo, env, ["schema-sync-check"], committed=True
    )
    add_isbn(root)
    run(["git", "add", "shopmodels.py"], root, env)
    before = (root / OUT).read_bytes()
    result = commit(root, env, "isbn")
    assert result.returncode != 0
    assert f"--- a/{OUT}" in result.stdout and "+    isbn: str | None" in result.stdout
    assert "run 'schema-sync-hook sync'" in result.stdout
    assert (root / OUT).read_bytes() == before
    assert not (root / ".schema_sync").exists()


def test_run_all_files_as_a_ci_step(
    tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    root = make_consumer(
        tmp_path / "consumer", hook_repo, env, ["schema-sync-check"], committed=True
    )
    ok = run([sys.executable, "-m", "pre_commit", "run", "--all-files"], root, env, check=False)
    assert ok.returncode == 0, ok.stdout
    add_isbn(root)
    run(["git", "commit", "-qam", "isbn without schemas", "--no-verify"], root, env)
    ci = run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--show-diff-on-failure"],
        root,
        env,
        check=False,
    )
    assert ci.returncode == 1
    assert "schema-sync-check" in ci.stdout and "Failed" in ci.stdout
    assert f"+++ b/{OUT}" in ci.stdout and "Book (isbn)" in ci.stdout


# A model module whose import, in a watcher's worker started with GATE_DIR, stops
# while GATE_DIR/hold exists (saying so with GATE_DIR/reached): the worker then holds
# the project lock with a generation of the unstaged source in hand.
GATE = """import os
import time
from pathlib import Path

_gate = Path(os.environ.get("GATE_DIR", "/nonexistent"))
if (_gate / "hold").exists():
    (_gate / "reached").touch()
    while (_gate / "hold").exists():
        time.sleep(0.05)
"""


def wait_until(predicate: Callable[[], bool], what: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while not predicate():
        assert proc.poll() is None, f"watcher ended before {what}"
        assert time.monotonic() < deadline, f"no {what} within 120 s"
        time.sleep(0.05)


def test_watcher_does_not_write_during_a_commit(
    tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    root = make_consumer(tmp_path / "consumer", hook_repo, env, ["schema-sync"])
    models = root / "shopmodels.py"
    models.write_text(GATE + models.read_text())
    run([sys.executable, "-m", "schema_sync_hook", "sync", "-q"], root, env)
    run(["git", "add", "-A"], root, env)
    assert commit(root, env, "start").returncode == 0
    gate = tmp_path / "gate"
    gate.mkdir()
    log = tmp_path / "watch.log"
    watch_env = {**env, "GATE_DIR": str(gate), "SCHEMA_SYNC_WATCH_DEBOUNCE_SECONDS": "0.2"}
    with log.open("w") as out:
        watcher = subprocess.Popen(
            [sys.executable, "-m", "schema_sync_hook", "--watch"],
            cwd=root,
            env=watch_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        logged = log.read_text
        wait_until(lambda: "for model changes" in logged(), "watching", watcher)
        # Staged: isbn in the models and in the schemas (written by the watcher).
        add_isbn(root)
        wait_until(lambda: "isbn:" in (root / OUT).read_text(), "isbn written", watcher)
        run(["git", "add", "shopmodels.py", OUT], root, env)
        # Unstaged: another field; the watcher's worker stops in the import, lock held.
        (gate / "hold").touch()
        models.write_text(
            models.read_text().replace("    pages =", "    later = fields.IntField()\n    pages =")
        )
        wait_until((gate / "reached").exists, "the worker in the model import", watcher)
        patches = Path(env["PRE_COMMIT_HOME"])
        before = set(patches.glob("patch*"))
        committing = subprocess.Popen(
            ["git", "commit", "-m", "isbn"],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # pre-commit has stashed the unstaged edit; now let the worker finish.
        wait_until(lambda: set(patches.glob("patch*")) > before, "pre-commit's stash", watcher)
        (gate / "hold").unlink()
        output, _ = committing.communicate(timeout=300)
        assert committing.returncode == 0, output
        assert "conflicted" not in output and "Rolling back" not in output, output
        assert "later" in models.read_text()  # pre-commit gave the unstaged edit back
        committed = run(["git", "show", f"HEAD:{OUT}"], root, env).stdout
        assert "isbn:" in committed and "later:" not in committed
        # After the commit, the watcher writes the unstaged edit's schemas.
        wait_until(lambda: "later:" in (root / OUT).read_text(), "later written", watcher)
        text = logged()
        assert "Not written while pre-commit has stashed the unstaged changes" in text, text
        status = run(["git", "status", "--porcelain"], root, env).stdout.splitlines()
        assert sorted(status) == [f" M {OUT}", " M shopmodels.py"]
    finally:
        watcher.terminate()
        watcher.wait(timeout=60)


# --- the README's recipes, as a consumer pastes them ------------------------------

README_URL = "https://github.com/<owner>/schema-sync-hook"


def readme_yaml(heading: str) -> str:
    """The first YAML block of the README after ``heading``."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(r"```yaml\n(.*?)```", text[text.index(heading) :], re.DOTALL)
    assert found, heading
    return found.group(1)


@pytest.fixture(scope="session")
def released(hook_repo: tuple[Path, str], env: dict[str, str]) -> tuple[Path, str]:
    """The hook repository tagged as a release is: ``v<__version__>``, a version that
    CHANGELOG.md records."""
    repo, _sha = hook_repo
    version = schema_sync_hook.__version__
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(version)}$", changelog, re.MULTILINE), version
    run(["git", "tag", "-f", f"v{version}"], repo, env)
    return repo, f"v{version}"


def pasted(snippet: str, released: tuple[Path, str]) -> str:
    """The README's snippet with its URL pointing at the local clone; the rev untouched."""
    repo, tag = released
    assert README_URL in snippet
    assert re.findall(r"rev: (\S+)", snippet) == [tag]  # the README names the release
    return snippet.replace(README_URL, str(repo))


def test_readme_snippet_works_as_pasted(
    tmp_path: Path, released: tuple[Path, str], env: dict[str, str]
) -> None:
    root = tmp_path / "consumer"
    root.mkdir()
    (root / "shopmodels.py").write_text(textwrap.dedent(SIMPLE_MODELS).lstrip())
    (root / "pyproject.toml").write_text(
        '[tool.schema-sync]\nmodels = ["shopmodels"]\noutput = "api/schemas_generated.py"\n'
    )
    snippet = readme_yaml("**1. The published hook")
    (root / ".pre-commit-config.yaml").write_text(pasted(snippet, released))
    run(["git", "init", "-q", "-b", "main"], root, env)
    run([sys.executable, "-m", "pre_commit", "install"], root, env)
    run(["git", "add", "-A"], root, env)
    first = commit(root, env, "models")
    assert first.returncode != 0 and f"created {OUT}" in first.stdout, first.stdout
    run(["git", "add", OUT], root, env)
    second = commit(root, env, "models and schemas")
    assert second.returncode == 0, second.stdout
    assert "schema-sync" in second.stdout and "Passed" in second.stdout


def test_readme_monorepo_recipe(
    tmp_path: Path, released: tuple[Path, str], env: dict[str, str]
) -> None:
    """Two projects under services/: without --root the hook names the way out; with
    the README's recipe each hook runs for its own folder only."""
    repo, tag = released
    root = tmp_path / "monorepo"
    for service in ("api", "billing"):
        folder = root / "services" / service
        folder.mkdir(parents=True)
        (folder / "shopmodels.py").write_text(textwrap.dedent(SIMPLE_MODELS).lstrip())
        (folder / "pyproject.toml").write_text(
            '[tool.schema-sync]\nmodels = ["shopmodels"]\noutput = "api/schemas_generated.py"\n'
        )
    (root / "README.md").write_text("monorepo\n")
    run(["git", "init", "-q", "-b", "main"], root, env)
    run([sys.executable, "-m", "pre_commit", "install"], root, env)
    api, billing = (root / "services" / s / OUT for s in ("api", "billing"))

    # The hook as for a single project: run from the top, it finds nothing to do there.
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {tag}\n    hooks:\n      - id: schema-sync\n"
        '        additional_dependencies: ["tortoise-orm==1.1.9"]\n'
    )
    run(["git", "add", "-A"], root, env)
    plain = commit(root, env, "two services")
    assert plain.returncode != 0
    assert "no models configured" in plain.stdout, plain.stdout
    assert "run with --root services/api or --root services/billing" in plain.stdout
    assert "args: [--root, services/api], files: ^services/api/" in plain.stdout

    # The README's recipe: each service's hook writes its own file.
    recipe = readme_yaml("**A monorepo.**")
    (root / ".pre-commit-config.yaml").write_text(pasted(recipe, released))
    run(["git", "add", "-A"], root, env)
    first = commit(root, env, "two services")
    assert first.returncode != 0
    assert api.is_file() and billing.is_file(), first.stdout
    run(["git", "add", "-A"], root, env)
    assert commit(root, env, "two services and their schemas").returncode == 0

    # A change in one service runs only that service's hook.
    add_isbn(api.parent.parent)
    before = billing.read_bytes()
    run(["git", "add", "-A"], root, env)
    drift = commit(root, env, "isbn in the api")
    assert drift.returncode != 0
    assert "models changed: Book (isbn)" in drift.stdout, drift.stdout
    assert "(no files to check)Skipped" in drift.stdout  # billing's hook
    assert "isbn: str | None" in api.read_text() and billing.read_bytes() == before
    run(["git", "add", "-A"], root, env)
    assert commit(root, env, "isbn with schemas").returncode == 0
