"""The exit codes and the user-facing exceptions.

:class:`Exit` is the one table of exit codes: a ``Report`` answers with it, the
command line maps these exceptions to it.
"""

from __future__ import annotations

import enum


class Exit(enum.IntEnum):
    OK = 0  # in sync, or written by sync
    DRIFT = 1  # drift found (and written in hook mode)
    USER = 2  # the user's problem: config, model import, backup name, hand edit
    INTERNAL = 3  # a bug in schema-sync-hook
    INTERRUPTED = 130  # Ctrl-C
    BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a closed pipe


# What str.splitlines() breaks a line at: none may reach a one-line message unescaped.
_LINE_BREAKS = str.maketrans(
    {
        c: f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
        for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    }
)


def one_line(text: str) -> str:
    """``text`` with every line break escaped, so a message stays one line."""
    return str.__str__(text).translate(_LINE_BREAKS)


class UserError(Exception):
    """A problem the user can fix: bad config, a model that does not import, ...

    ``str(error)`` is one line that names the cause and the fix; the CLI prints it
    and exits with code 2.
    """

    def __init__(self, cause: str, fix: str = "") -> None:
        cause, fix = one_line(cause), one_line(fix)
        self.cause = cause
        self.fix = fix
        super().__init__(f"{cause}; {fix}" if fix else cause)


class ConfigError(UserError):
    """A configuration key or value is wrong; names the key and where it came from."""

    def __init__(self, source: str, key: str, problem: str, fix: str = "") -> None:
        self.source = source
        self.key = key
        super().__init__(f"{source}: {key}: {problem}", fix)


class ModelImportError(UserError):
    """A configured models module could not be imported."""

    def __init__(self, module: str, location: str, original: BaseException) -> None:
        self.module = module
        self.location = location
        self.original = original
        where = f" ({location})" if location else ""
        reason = f"{type(original).__name__}: {original}".splitlines()[0]
        super().__init__(
            f"cannot import models module {module!r}{where}: {reason}",
            "fix the model code or the 'models' setting, then run again (-v shows the traceback)",
        )


class HandEditedError(UserError):
    """The generated file was edited by hand; refusing to overwrite it."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(
            f"{path} was edited by hand (its sha256 header does not match)",
            "move your changes to the manual schema module, then run"
            " 'schema-sync-hook sync --force' to regenerate it (a backup is kept)",
        )
