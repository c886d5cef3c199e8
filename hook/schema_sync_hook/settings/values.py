"""Plain values as every settings source writes them: booleans, numbers, strings, lists.

TOML gives typed values; the environment, ``.env`` and ``setup.cfg`` give text
(a list comma-separated, a boolean as true/false, 1/0, yes/no, on/off).
"""

from __future__ import annotations

from typing import Any

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError("expected true or false")


def parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("expected a whole number")
    if isinstance(value, int):
        result = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        result = int(value.strip())
    else:
        raise ValueError("expected a whole number")
    if result < 0:
        raise ValueError("expected a number of 0 or more")
    return result


def parse_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("expected a number of seconds")
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise ValueError("expected a number of seconds") from None
    if not 0 <= result < 3600:
        raise ValueError("expected a number of seconds between 0 and 3600")
    return result


def parse_str(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty string")
    return value.strip()


def parse_optional_str(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_str(value)


def parse_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [part.strip() for part in value.replace("\n", ",").split(",")]
        return tuple(item for item in items if item)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    raise ValueError("expected a list of strings")
