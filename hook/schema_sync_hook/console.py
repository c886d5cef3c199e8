"""Terminal output: quiet by default, -v explains, colour only on a terminal."""

from __future__ import annotations

import os
import sys
from typing import TextIO

PROG = "schema-sync-hook"

_COLORS = {"red": "31", "green": "32", "yellow": "33", "cyan": "36", "bold": "1"}


def use_color(stream: TextIO, no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


class Console:
    def __init__(
        self,
        verbosity: int = 0,
        no_color: bool = False,
        out: TextIO | None = None,
        err: TextIO | None = None,
        document: TextIO | None = None,
    ) -> None:
        self.verbosity = verbosity
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.document = document or sys.stdout  # where a machine-readable document goes
        self.emitted = False
        self.color_out = use_color(self.out, no_color)
        self.color_err = use_color(self.err, no_color)

    def paint(self, text: str, color: str, stream: TextIO | None = None) -> str:
        enabled = self.color_err if stream is self.err else self.color_out
        if not enabled:
            return text
        return f"\033[{_COLORS[color]}m{text}\033[0m"

    def print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def emit(self, text: str) -> None:
        """The machine-readable document of ``--format`` (written whole, once)."""
        self.emitted = True
        self.document.write(text)
        self.document.flush()

    def info(self, text: str) -> None:
        """A message shown unless -q."""
        if self.verbosity >= 0:
            # flushed: a pipe (pre-commit, CI, a waiting run) must see it now
            print(f"{PROG}: {text}", file=self.out, flush=True)

    def detail(self, text: str) -> None:
        """A message shown only with -v."""
        if self.verbosity > 0:
            print(f"{PROG}: {text}", file=self.err, flush=True)

    def error(self, text: str) -> None:
        print(f"{PROG}: {self.paint('error:', 'red', self.err)} {text}", file=self.err, flush=True)

    def diff(self, text: str) -> None:
        for line in text.splitlines():
            if line.startswith(("+++", "---")):
                line = self.paint(line, "bold")
            elif line.startswith("+"):
                line = self.paint(line, "green")
            elif line.startswith("-"):
                line = self.paint(line, "red")
            elif line.startswith("@@"):
                line = self.paint(line, "cyan")
            print(line, file=self.out)
