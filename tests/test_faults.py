"""Nothing is lost under faults: killed writes, read-only folders, a full disk, Ctrl-C.

The read-only folder and the full disk are real: for root (who can write
anywhere) the test runs the tool inside a private mount namespace with a
read-only bind mount, or a 64 KiB tmpfs; other users get a chmod-ed folder.
Only when neither is possible is the full disk simulated, and that test says so.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys

import pytest

from schema_sync_hook.plan.changes import is_intact

from conftest import Project, can_unshare, interruptible, run_confined

OUT = "api/schemas_generated.py"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def toggle(project: Project, i: int) -> None:
    text = project.read("shopmodels.py")
    marker = "    pages = fields.IntField(default=100)"
    extra = f"    toggled{i % 2} = fields.IntField(null=True)\n"
    head, _, tail = text.partition(marker)
    head = "\n".join(line for line in head.split("\n") if "toggled" not in line)
    project.write("shopmodels.py", head + extra + marker + tail)


def spawn(project: Project, *args: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "schema_sync_hook", *args, "--root", str(project.root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,  # stopped with SIGINT; see conftest
        **kwargs,  # type: ignore[arg-type]
    )


# Runs the command line with the steps of writing the generated file made visible:
# before each step it names the step on stderr and waits for a line on stdin, so the
# test can kill it at that exact point.
PAUSING = """
import os, sys

def pause(step):
    print(step, file=sys.stderr, flush=True)
    sys.stdin.readline()

def target(fd):
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""

real_fsync, real_replace = os.fsync, os.replace

def fsync(fd):
    if ".schemas_generated.py." in target(fd):
        pause("flush")  # the new text is in the temp file, not yet on disk
    real_fsync(fd)

def replace(src, dst, *args, **kwargs):
    if str(dst).endswith("schemas_generated.py"):
        pause("replace")  # the temp file is complete; the old file is in place
        real_replace(src, dst, *args, **kwargs)
        pause("replaced")  # the new file is in place
        return
    real_replace(src, dst, *args, **kwargs)

os.fsync, os.replace = fsync, replace
from schema_sync_hook.cli import main
sys.exit(main(sys.argv[1:]))
"""


def spawn_pausing(project: Project, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", PAUSING, *args, "--root", str(project.root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,  # stopped with SIGINT; see conftest
    )


def run_to(proc: subprocess.Popen[str], step: str) -> None:
    """Let ``proc`` go on until it is about to do ``step``."""
    assert proc.stdin is not None and proc.stderr is not None
    while True:
        line = proc.stderr.readline()
        assert line, f"ended before {step}"
        if line.strip() == step:
            return
        if line.strip() in {"flush", "replace", "replaced"}:
            proc.stdin.write("\n")
            proc.stdin.flush()


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to see the temp file")
@pytest.mark.parametrize(
    ("step", "lands"), [("flush", "old"), ("replace", "old"), ("replaced", "new")]
)
def test_sigkill_at_each_step_of_a_write_leaves_a_whole_file(
    project: Project, step: str, lands: str
) -> None:
    """SIGKILL before the temp file is flushed, just before and just after os.replace."""
    assert project.run("sync").code == 0
    old = project.output.read_text()
    toggle(project, 1)
    proc = spawn_pausing(project, "sync")
    run_to(proc, step)
    temp = [p for p in project.output.parent.iterdir() if p.name.endswith(".tmp")]
    assert len(temp) == (0 if step == "replaced" else 1)  # the write is at that step
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    after = project.output.read_text()
    assert is_intact(after)
    compile(after, OUT, "exec")
    assert (after == old) == (lands == "old")
    assert "toggled1:" in after or lands == "old"
    assert project.run("sync").code == 0  # the next run recovers and cleans up
    assert "toggled1:" in project.output.read_text()
    assert [p for p in project.output.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_ctrl_c_during_a_write_exits_130_and_keeps_the_old_file(project: Project) -> None:
    """SIGINT just before os.replace: the old file stays, the temp file goes, exit 130."""
    assert project.run("sync").code == 0
    old = project.output.read_text()
    toggle(project, 1)
    proc = spawn_pausing(project, "sync")
    run_to(proc, "replace")
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert project.output.read_text() == old
    assert [p for p in project.output.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_ctrl_c_exits_130_and_writes_nothing(project: Project) -> None:
    """A real SIGINT while the models are being imported (the module waits for it)."""
    project.run("sync")
    toggle(project, 1)
    text = project.read("shopmodels.py")
    project.write(
        "shopmodels.py",
        "import sys, time\n"
        "print('importing models', file=sys.stderr, flush=True)\n"
        # short sleeps: a SIGINT that lands just before one long sleep starts is
        # handled only when that sleep ends
        "for _ in range(600):\n    time.sleep(0.1)\n" + text,
    )
    before = project.snapshot()
    proc = spawn(project, "sync")
    assert proc.stderr is not None
    assert "importing models" in proc.stderr.readline()
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert project.snapshot() == before


def assert_clean_failure(
    project: Project, result: subprocess.CompletedProcess[str], before: bytes, needle: str
) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], lines
    assert project.output.read_bytes() == before


def test_read_only_output_folder(project: Project) -> None:
    project.run("sync")
    toggle(project, 1)
    before = project.output.read_bytes()
    folder = project.output.parent
    if can_unshare():
        result = run_confined(
            project, f"mount --bind {folder} {folder}; mount -o remount,ro,bind {folder}", "sync"
        )
    elif not IS_ROOT:
        folder.chmod(0o555)
        try:
            result = subprocess.run(
                [sys.executable, "-m", "schema_sync_hook", "sync", "--root", str(project.root)],
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            folder.chmod(0o755)
    else:
        pytest.skip("running as root without mount namespaces: no real read-only folder")
    assert_clean_failure(project, result, before, f"cannot write {project.output}")
    assert "writable" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["schemas_generated.py"]


def test_full_disk_real(project: Project) -> None:
    if not can_unshare():
        pytest.skip("a real full disk needs root and mount namespaces; see the simulated test")
    project.run("sync")
    toggle(project, 1)
    before = project.output.read_bytes()
    folder = project.output.parent
    # A 64 KiB tmpfs over the output folder holding the current file, then filled up.
    setup = (
        f"cp {project.output} /tmp/keep_$$; mount -t tmpfs -o size=64k none {folder}; "
        f"cp /tmp/keep_$$ {project.output}; rm /tmp/keep_$$; "
        f"dd if=/dev/zero of={folder}/filler bs=4k 2>/dev/null || true"
    )
    result = run_confined(project, setup, "sync")
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip().splitlines()[0]
    assert "No space left on device" in line and "free some disk space" in line
    # The tmpfs vanished with the namespace: the real file was never touched.
    assert project.output.read_bytes() == before


def test_full_disk_simulated(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """SIMULATED: os.fsync raises ENOSPC (the real test above needs root)."""
    project.run("sync")
    toggle(project, 1)
    before = project.output.read_bytes()

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    result = project.run("sync")
    assert result.code == 2 and "No space left on device" in result.err
    assert "free some disk space" in result.err
    assert project.output.read_bytes() == before
    assert sorted(p.name for p in project.output.parent.iterdir()) == ["schemas_generated.py"]
