"""Machine-readable output that nothing else can mix into (``--format`` other than text).

While a run with a machine-readable format imports and runs the project's models,
file descriptor 1 leads to stderr, and so do ``sys.stdout`` and
``sys.__stdout__``: whatever the models print (``print``, ``sys.stdout.write``,
``os.write(1, ...)``, a C extension, a child process) lands on stderr. The tool's
own document goes to a duplicate of the real stdout that only it holds.

Under ``--format github`` the runner reads workflow commands on both streams, so
stdout and stderr both pass through a small filter process that writes every line
to the real stderr with any workflow command defused (a line starting ``::`` after
blanks gets a prefix; ``##[`` becomes ``## [``). A console-script run keeps the
redirection until the process ends (``keep``): ``atexit`` handlers that the models
registered run after the document was written, and their output must not follow
it on stdout.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import TextIO

# Runs in the filter process: copies stdin to stdout line by line, defusing workflow
# commands; ignores Ctrl-C (the tool reports it, the filter only passes it on).
_FILTER = r"""
import signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
out = sys.stdout.buffer
for line in iter(sys.stdin.buffer.readline, b""):
    if line.lstrip().startswith(b"::"):
        line = b"| " + line
    out.write(line.replace(b"##[", b"## ["))
    out.flush()
"""
PREFIX = "| "  # what a defused workflow-command line starts with on stderr


@contextlib.contextmanager
def machine_output(escape_commands: bool = False, keep: bool = False) -> Iterator[TextIO]:
    """Yield the stream for the document; meanwhile everything else goes to stderr."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    try:
        saved = (os.dup(1), os.dup(2))
    except OSError:  # no stdout or stderr to move: nothing can mix
        yield sys.stdout
        return
    real_stdout = sys.stdout
    document = _document(real_stdout, saved[0])
    filter_process = _start_filter(saved[1]) if escape_commands else None
    sink = filter_process.stdin.fileno() if filter_process and filter_process.stdin else 2
    os.dup2(sink, 1)
    if filter_process is not None and filter_process.stdin is not None:
        os.dup2(sink, 2)
        filter_process.stdin.close()  # fds 1 and 2 hold the pipe now
    sys.stdout = sys.stderr  # also when sys.stdout is not fd 1 (an embedding caller)
    try:
        yield document
    finally:
        with contextlib.suppress(OSError):  # a reader that went away: reported already
            document.flush()
        sys.stdout = real_stdout
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        if not keep:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            if filter_process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    filter_process.wait(timeout=10)
        if document is not real_stdout:
            with contextlib.suppress(OSError):
                document.close()
        for fd in saved:
            os.close(fd)


def _document(real_stdout: TextIO, saved_stdout: int) -> TextIO:
    """A stream on the real stdout: ``real_stdout`` itself unless it writes to fd 1."""
    try:
        on_fd_1 = real_stdout.fileno() == 1
    except (AttributeError, OSError, ValueError):
        on_fd_1 = False
    if not on_fd_1:
        return real_stdout
    return os.fdopen(
        os.dup(saved_stdout),
        "w",
        encoding=getattr(real_stdout, "encoding", None) or "utf-8",
        errors=getattr(real_stdout, "errors", None) or "strict",
    )


def _start_filter(stderr_fd: int) -> subprocess.Popen[bytes] | None:
    try:
        return subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _FILTER],
            stdin=subprocess.PIPE,
            stdout=stderr_fd,
            stderr=stderr_fd,
        )
    except OSError:
        return None
