"""The project's formatter settings, read as ruff and black read them.

The generated file must be a fixed point of ``ruff format`` and ``black`` run with
the project's own settings, so everything they let a project choose that changes
the text is read here into one :class:`Style`. Ruff's configuration is the first of
``.ruff.toml``, ``ruff.toml`` (keys at the top level) and ``[tool.ruff]`` in
``pyproject.toml`` (ruff's own order; it reads only the first it finds); black's is
``[tool.black]``. A setting ruff's configuration gives wins over black's (a project
with both runs ruff as its formatter, or at least its linter, with the same values);
where the two formatters cannot agree (quotes, tabs), ruff's setting is followed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from schema_sync_hook.errors import UserError

DEFAULT_LINE_LENGTH = 88
LINE_LENGTHS = range(40, 201)  # what the generated file is proven formatted for
INDENT_WIDTHS = range(1, 17)  # ruff's own bounds


@dataclass(frozen=True)
class Style:
    """How the generated file is laid out: the formatter settings that change its text."""

    line_length: int = DEFAULT_LINE_LENGTH
    indent_width: int = 4
    tabs: bool = False
    single_quotes: bool = False  # ruff's quote-style = "single"
    # ruff's or black's skip-magic-trailing-comma: the generated file never puts a
    # trailing comma where a formatter would not, so the text does not depend on it;
    # kept so the cache key names every setting read.
    magic_trailing_comma: bool = True

    @property
    def indent(self) -> str:
        """One level of indentation."""
        return "\t" if self.tabs else " " * self.indent_width


Table = tuple[Mapping[str, Any], str]  # a TOML table and where it was read, for messages


def read_style(ruff: Table, ruff_format: Table, black: Table) -> Style:
    """The style the project's formatter settings ask for: ``ruff`` its top-level
    settings, ``ruff_format`` its ``format`` table, ``black`` ``[tool.black]``."""
    line_length = _setting(ruff, "line-length", _line_length)
    if line_length is None:
        line_length = _setting(black, "line-length", _line_length)
    skip_comma = _setting(ruff_format, "skip-magic-trailing-comma", _boolean)
    if skip_comma is None:
        skip_comma = _setting(black, "skip-magic-trailing-comma", _boolean)
    # black's skip-string-normalization (like ruff's quote-style = "preserve") keeps
    # whatever quotes the file has: the double quotes the file is written with
    _setting(black, "skip-string-normalization", _boolean)
    quote = _setting(ruff_format, "quote-style", _choice("double", "single", "preserve"))
    indent_style = _setting(ruff_format, "indent-style", _choice("space", "tab"))
    indent_width = _setting(ruff, "indent-width", _indent_width)
    return Style(
        line_length=DEFAULT_LINE_LENGTH if line_length is None else line_length,
        indent_width=4 if indent_width is None else indent_width,
        tabs=indent_style == "tab",
        single_quotes=quote == "single",
        magic_trailing_comma=not skip_comma,
    )


def _setting(where: Table, key: str, parse: Callable[[Any], Any]) -> Any:
    """``table[key]`` parsed, None when absent; exit 2 naming the key and file when bad."""
    table, source = where
    if key not in table:
        return None
    value = table[key]
    try:
        return parse(value)
    except ValueError as exc:
        raise UserError(
            f"{source}: {key} = {value!r} {exc}",
            f"fix {key} (the generated file is formatted with the project's settings)",
        ) from None


def _line_length(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value in LINE_LENGTHS:
        return value
    raise ValueError(
        f"is not a line length schema-sync-hook formats for"
        f" ({LINE_LENGTHS.start} to {LINE_LENGTHS.stop - 1})"
    )


def _indent_width(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value in INDENT_WIDTHS:
        return value
    raise ValueError(f"is not an indent width ({INDENT_WIDTHS.start} to {INDENT_WIDTHS.stop - 1})")


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("is not true or false")


def _choice(*choices: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value in choices:
            return str(value)
        raise ValueError(f"is not one of {', '.join(map(repr, choices))}")

    return parse
