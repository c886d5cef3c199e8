"""The generated file in the project's formatter style: exact, mechanical steps.

The classes are rendered for the style directly (line length, indentation): every
split there is decided by :mod:`~schema_sync_hook.render.pysource`. Two things are
left to this module, each exact for the limited shapes the file holds:

- the helpers (``_NotNull``, the Response base) are fixed text written for 4-space
  indentation at line length 88. They are re-indented; where they would not be a
  formatter's fixed point at the project's line length (a line too long, or a split
  signature that would fit joined), they are kept between ``# fmt: off`` and
  ``# fmt: on``, which black and ruff both leave exactly as written.
- quotes: with ruff's ``quote-style = "single"`` every one-line string literal the
  file holds is written again preferring single quotes (docstrings keep double
  quotes, as ruff writes them). Swapping the preference never changes a line's
  width (a literal keeps its number of escapes), so no split decided before moves.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

from schema_sync_hook.render import pysource
from schema_sync_hook.settings.formatter import Style

_HELPER_INDENT = 4  # the helpers' source is written with 4 spaces per level
FMT_OFF, FMT_ON = "# fmt: off", "# fmt: on"

# The lexical pieces of a generated file that can hold a quote: comments, docstrings
# (always triple double quotes), one-line literals (``b``/``f`` prefixed or not).
# Between two matches there is only code, which holds no quote and no ``#``.
_PIECES = re.compile(
    r'#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|(?P<prefix>[bf]?)(?P<literal>\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*')",
    re.S,
)


def helpers(lines: Sequence[str], style: Style) -> list[str]:
    """The helpers' lines in ``style``'s indentation, kept from the formatters when
    they are not already formatted for its line length."""
    shown = [_reindent(line, style) for line in lines]
    if any(pysource.fits(joined, style) for joined in _joined(shown)):
        return [FMT_OFF, *shown, FMT_ON]
    return fenced(shown, style)


def fenced(lines: Sequence[str], style: Style) -> list[str]:
    """Fixed lines of code (written unsplit), kept between ``# fmt: off`` and
    ``# fmt: on`` when one of them does not fit the line length: a formatter would
    split it. A one-line docstring too long is no reason: neither formatter splits it."""
    if all(pysource.fits(line, style) or _docstring(line) for line in lines):
        return list(lines)
    return [FMT_OFF, *lines, FMT_ON]


def _docstring(line: str) -> bool:
    text = line.strip()
    return len(text) >= 6 and text.startswith('"""') and text.endswith('"""')


def _reindent(line: str, style: Style) -> str:
    text = line.lstrip(" ")
    levels, extra = divmod(len(line) - len(text), _HELPER_INDENT)
    return style.indent * levels + " " * extra + text if text else ""


def _joined(lines: Sequence[str]) -> list[str]:
    """Each bracket the helpers split over lines (``f(`` ... ``)``), as one line."""
    found = []
    for start, line in enumerate(lines):
        if not line.endswith("("):
            continue
        end = start + 1
        while not lines[end].lstrip().startswith(")"):
            end += 1
        middle = ", ".join(part.strip().rstrip(",") for part in lines[start + 1 : end])
        found.append(line + middle + lines[end].lstrip())
    return found


def requote(text: str, style: Style) -> str:
    """``text`` with its one-line literals preferring single quotes, when the style asks."""
    if not style.single_quotes:
        return text
    return _PIECES.sub(_single, text)


def _single(match: re.Match[str]) -> str:
    literal = match.group("literal")
    if literal is None:
        return match.group(0)  # a comment or a docstring
    prefix = match.group("prefix")
    if prefix == "f":  # the helpers' f-strings: no quote and no backslash inside
        body = literal[1:-1]
        return f"f'{body}'" if "'" not in body and '"' not in body else match.group(0)
    value = ast.literal_eval(prefix + literal)
    if isinstance(value, bytes):
        return pysource.byte_string(value, prefer="'")
    return pysource.string(value, prefer="'")
