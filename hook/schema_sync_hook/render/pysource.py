"""Python source for values, written the way black and ruff format them.

Every literal comes out as a formatter's fixed point: strings in double quotes
unless single quotes need fewer escapes, lowercase hex escapes, every character
that is not printable escaped, so no text from a model can break the file.
"""

from __future__ import annotations

import keyword
import math
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from schema_sync_hook.settings.formatter import Style

_SIMPLE_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _plain(char: str) -> bool:
    """Whether ``char`` may stand as itself in a string literal.

    Not: control and format characters, odd spaces, and combining marks (black
    counts a combining mark as one column and ruff as none, so a line near the
    limit could not satisfy both).
    """
    if char == " ":
        return True
    return char.isprintable() and not char.isspace() and not unicodedata.combining(char)


# What _body and _doc_line make of each ASCII character: the same as their loops, in
# one str.translate (the common case; a loop per character is slow at 1000 models).
_ASCII_BODY = str.maketrans(
    {chr(c): _SIMPLE_ESCAPES.get(chr(c), f"\\x{c:02x}") for c in [*range(0x20), 0x7F, 0x5C]}
)
_ASCII_DOC = str.maketrans(
    {
        chr(c): {"\\": "\\\\", "\t": "\\t"}.get(chr(c), f"\\x{c:02x}")
        for c in [*range(0x20), 0x7F, 0x5C]
    }
)


def _body(text: str, quote: str) -> str:
    if text.isascii():
        body = text.translate(_ASCII_BODY)
        return body.replace(quote, "\\" + quote) if quote else body
    out = []
    for char in text:
        if char in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[char])
        elif char == quote:
            out.append("\\" + quote)
        elif _plain(char):
            out.append(char)
        else:
            out.append(_escape_char(char))
    return "".join(out)


def is_name(text: str) -> bool:
    """Whether ``text`` may stand as itself as a name in generated code.

    An identifier that is not a keyword (nor ``__debug__``), that Python does not
    change when it reads it (identifiers are NFKC-normalized: "from" in
    mathematical bold letters would bind ``from``), and without combining marks
    (black and ruff count their width differently).
    """
    if type(text) is not str:
        return False
    known = _names.get(text)
    if known is None:
        known = _names[text] = (
            text.isidentifier()
            and not keyword.iskeyword(text)
            and text != "__debug__"
            and unicodedata.normalize("NFKC", text) == text
            and not any(unicodedata.category(c).startswith("M") for c in text)
        )
    return known


# is_name's answers: the same few hundred names are asked about for every field.
_names: dict[str, bool] = {}


def comment(text: str) -> str:
    """Text for a ``#`` comment: one line, every character that is not printable escaped."""
    return _body(str.__str__(text), "")


def string(text: str, prefer: str = '"') -> str:
    """A str literal: double quotes (or ``prefer``) unless the other quote needs fewer
    escapes."""
    text = str.__str__(text)  # the characters themselves, never a subclass's own methods
    double = _body(text, '"')
    single = _body(text, "'")
    if prefer == "'":
        return f'"{double}"' if double.count("\\") < single.count("\\") else f"'{single}'"
    if single.count("\\") < double.count("\\"):
        return f"'{single}'"
    return f'"{double}"'


def byte_string(data: bytes, prefer: str = '"') -> str:
    data = bytes(memoryview(data))  # the bytes themselves, never a subclass's own methods

    def body(quote: int) -> str:
        out = []
        for byte in data:
            char = chr(byte)
            if char in _SIMPLE_ESCAPES:
                out.append(_SIMPLE_ESCAPES[char])
            elif byte == quote:
                out.append("\\" + char)
            elif 0x20 <= byte < 0x7F:
                out.append(char)
            else:
                out.append(f"\\x{byte:02x}")
        return "".join(out)

    double, single = body(ord('"')), body(ord("'"))
    if prefer == "'":
        return f'b"{double}"' if double.count("\\") < single.count("\\") else f"b'{single}'"
    if single.count("\\") < double.count("\\"):
        return f"b'{single}'"
    return f'b"{double}"'


def number(value: int | float) -> str:
    """An int or float literal, from the value (a subclass's ``repr`` is never used)."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return int.__repr__(value)
    text = float.__repr__(value)
    if math.isnan(value) or math.isinf(value):
        return f'float("{text}")'
    return text.replace("e+", "e")


def decimal_call(value: Decimal, name: str) -> str:
    """``Decimal(12)`` for whole numbers (as ruff's FURB157 wants), else ``Decimal("1.50")``."""
    text = Decimal.__str__(value)
    if text.lstrip("-").isdigit() and text != "-0":
        return f"{name}({text})"
    return f'{name}("{text}")'


def width(text: str, tab: int = 4) -> int:
    """Columns a line takes, as black and ruff count them (wide characters are 2, a tab
    ``tab``: only indentation holds one, every other is escaped)."""
    tabs = text.count("\t") * (tab - 1)
    if text.isascii():
        return len(text) + tabs
    return tabs + sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def fits(line: str, style: Style) -> bool:
    """Whether ``line`` fits the line length, its tabs counted as ruff counts them."""
    return width(line, style.indent_width) <= style.line_length


# Marks a statement black and ruff leave as it is: written where the two would lay it
# out differently (see :func:`annotated`), or where this module does not follow them.
SKIP = "  # fmt: skip"


_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9.]*\Z")
_SUBSCRIPT = re.compile(r"([A-Za-z_][A-Za-z_0-9.]*)\[([A-Za-z_][A-Za-z_0-9.]*)\]\Z")


def annotated(
    indent: str, name: str, annotation: str, value: str | None, style: Style
) -> list[str]:
    """``name: annotation`` (``= value``, an atom such as ``None``) as black and ruff
    both lay it out when it does not fit (each layout below was checked against both):

    - the value in parentheses when ``name: annotation = (`` fits;
    - a union of plain names in parentheses (``name: (`` / ``X | None`` / ``) = None``),
      one operand a line when it does not fit there;
    - a subscript of a plain name split at its bracket (``name: list[`` / ``X`` / ``]``);
    - a lone name with no value left as it is when it would not fit in parentheses
      either (neither formatter can shorten it).

    Kept on one line marked ``# fmt: skip`` where the two disagree: a lone name that
    would fit in parentheses (black adds them, ruff does not), a lone name with a value
    (black writes ``= (None)``), nested subscripts and unions of subscripts, and every
    shape whose first line (``name: (``, ``name: list[``) does not fit."""
    tail = "" if value is None else f" = {value}"
    line = f"{indent}{name}: {annotation}{tail}"
    if fits(line, style):
        return [line]
    inner = indent + style.indent
    if value is not None and fits(f"{indent}{name}: {annotation} = (", style):
        return [f"{indent}{name}: {annotation} = (", inner + value, f"{indent})"]
    operands = annotation.split(" | ")
    subscript = _SUBSCRIPT.match(annotation)
    if all(_NAME.match(operand) for operand in operands):
        if len(operands) == 1:
            plain = value is None and not fits(inner + annotation, style)
            return [line] if plain else [line + SKIP]
        head = f"{indent}{name}: ("
        if not fits(head, style):
            return [line + SKIP]
        if fits(inner + annotation, style):
            return [head, inner + annotation, f"{indent}){tail}"]
        rest = [f"{inner}| {operand}" for operand in operands[1:]]
        return [head, inner + operands[0], *rest, f"{indent}){tail}"]
    if subscript is not None and fits(f"{indent}{name}: {subscript[1]}[", style):
        return [f"{indent}{name}: {subscript[1]}[", inner + subscript[2], f"{indent}]{tail}"]
    return [line + SKIP]


def call_statement(
    indent: str, target: str, func: str, args: Sequence[str], style: Style
) -> list[str]:
    """``target = func(args)`` split across lines exactly as black and ruff would.

    When ``target = func(`` does not fit but ``name: annotation = (`` and the call
    alone do, both put the call in parentheses on a line of its own; otherwise they
    split the annotation each its own way, so the statement stays on one line, kept
    from them."""
    one_line = f"{indent}{target} = {func}({', '.join(args)})"
    if fits(one_line, style) or not args:
        return [one_line]
    lines = _call(indent, f"{target} = ", func, args, style)
    call = f"{indent}{style.indent}{func}({', '.join(args)})"
    start_fits = fits(f"{indent}{target} = {func}(", style)
    if not start_fits and ": " in target and fits(f"{indent}{target} = (", style):
        # parenthesized only when the call then fits one line (else both split the call)
        lines = [f"{indent}{target} = (", call, f"{indent})"] if fits(call, style) else None
    return [one_line + SKIP] if lines is None else lines


def _call(indent: str, lead: str, func: str, args: Sequence[str], style: Style) -> list[str] | None:
    """``lead func(args)`` as both formatters split it, None where this module does not
    follow them (the line up to the bracket does not fit, an argument would split)."""
    one_line = f"{indent}{lead}{func}({', '.join(args)})"
    if fits(one_line, style):
        return [one_line]
    head = f"{indent}{lead}{func}("
    if not fits(head, style):
        return None
    inner = indent + style.indent
    hugged = inner + ", ".join(args)
    if fits(hugged, style) or (len(args) == 1 and not _splits(args[0])):
        return [head, hugged, f"{indent})"]
    exploded = [f"{inner}{arg}," for arg in args]
    too_long = [arg for arg, line in zip(args, exploded, strict=True) if not fits(line, style)]
    if len(args) == 1 or any(map(_splits, too_long)):
        return None  # an argument the formatters would split further
    return [head, *exploded, f"{indent})"]


def _splits(arg: str) -> bool:
    """Whether a ``key=value`` argument holds a call a formatter can split
    (``Decimal("1.5")``, ``Color("x")``; never a lone string)."""
    value = arg.partition("=")[2]
    return "(" in value and not value.startswith(('"', "'", 'b"', "b'"))


def class_header(name: str, base: str, style: Style) -> list[str]:
    """``class name(base):``, its base on a line of its own when it does not fit."""
    line = f"class {name}({base}):"
    if fits(line, style):
        return [line]
    return [f"class {name}(", f"{style.indent}{base}", "):"]


def tuple_statement(indent: str, target: str, items: Sequence[str], style: Style) -> list[str]:
    """``target = (items)`` as black and ruff write a tuple: one line, else one item
    per line with a trailing comma."""
    inner = ", ".join(items) + ("," if len(items) == 1 else "")
    one_line = f"{indent}{target} = ({inner})"
    if fits(one_line, style):
        return [one_line]
    if not items or not fits(f"{indent}{target} = (", style):
        return [one_line + SKIP]
    inner = indent + style.indent
    return [f"{indent}{target} = (", *(f"{inner}{item}," for item in items), f"{indent})"]


def _doc_line(line: str) -> str:
    """One docstring line: backslashes, non-printables and triple quotes escaped."""
    line = line.rstrip()
    if line.isascii():
        text = line.translate(_ASCII_DOC)
        return text.replace('"', '\\"') if '""' in text or text.endswith('"') else text
    out = []
    for char in line:
        if char == "\\":
            out.append("\\\\")
        elif char == "\t":
            out.append("\\t")
        elif char == " " or (char.isprintable() and not char.isspace()):
            out.append(char)
        else:
            out.append(_escape_char(char))
    text = "".join(out)
    return text.replace('"', '\\"') if '""' in text or text.endswith('"') else text


def docstring(summary: str, body: str | None, indent: str) -> list[str]:
    """A class docstring: a one-line summary, then ``body`` (any text, kept exactly
    up to trailing spaces) in the multi-line form black and ruff leave as it is."""
    lines = [_doc_line(line) for line in (body or "").splitlines()]
    while lines and not lines[0]:  # blank lines around the text ("\r\n" too) are not kept
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        return [f'{indent}"""{_doc_line(summary)}"""']
    # Black and ruff strip the indentation the body lines share; so must we, or the
    # file is not a fixed point of the formatters (a line break such as U+2028 that
    # str.splitlines honours can leave indented lines behind a doc's first line).
    common = min(len(line) - len(line.lstrip(" ")) for line in lines if line)
    lines = [line[common:] for line in lines]
    shown = [f"{indent}{line}" if line else "" for line in lines]
    return [f'{indent}"""{_doc_line(summary)}', "", *shown, f'{indent}"""']
