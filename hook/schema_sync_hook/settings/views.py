"""``[tool.schema-sync.views.<Name>]``: declared response shapes (SPEC §12).

:class:`ViewDecl` is one view as the TOML declares it, checked for everything that
needs no model (key names, value types, ``nest``/``depth``, paths' syntax, ``include``
and ``exclude`` naming one path). What needs the models (the model, each path segment,
what a pattern matches, class-name collisions) is checked when the view is described.
Every error is one line naming ``views.<Name>.<key>``, the value and the source.
"""

from __future__ import annotations

import keyword
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from schema_sync_hook.errors import ConfigError

KEYS = ("model", "nest", "depth", "include", "exclude", "computed", "raw_ids", "list")
MAX_DEPTH = 5
STAR = "*"


@dataclass(frozen=True)
class ViewDecl:
    """One declared view. ``star``: ``nest = "*"`` (then ``depth`` is set)."""

    name: str
    model: str
    nest: tuple[str, ...] = ()
    star: bool = False
    depth: int | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    computed: tuple[str, ...] = ()
    raw_ids: bool = True
    list_class: bool = False
    origin: str = ""  # where it was declared

    def as_table(self) -> dict[str, Any]:
        """The view as its TOML table (keys at their defaults left out)."""
        table: dict[str, Any] = {"model": self.model}
        if self.star or self.nest:
            table["nest"] = STAR if self.star else list(self.nest)
        if self.depth is not None:
            table["depth"] = self.depth
        for key in ("include", "exclude", "computed"):
            if getattr(self, key):
                table[key] = list(getattr(self, key))
        if not self.raw_ids:
            table["raw_ids"] = False
        if self.list_class:
            table["list"] = True
        return table

    def error(self, key: str | None, problem: str, fix: str) -> ConfigError:
        """A one-line error naming ``views.<Name>[.<key>]`` and where the view was set."""
        return view_error(self.origin, self.name, key, problem, fix)


def view_error(source: str, name: str, key: str | None, problem: str, fix: str) -> ConfigError:
    return ConfigError(source, f"views.{name}" + (f".{key}" if key else ""), problem, fix)


def is_toml_source(source: str) -> bool:
    """Whether ``source`` (an origin of the settings) is a TOML file's table."""
    return "[tool.schema-sync]" in source


def refuse_outside_toml(source: str, shown: str, value: Any) -> ConfigError:
    return ConfigError(
        source,
        shown,
        f"views are read from pyproject.toml or the --config TOML file only (got {value!r})",
        "declare each view as a [tool.schema-sync.views.<Name>] table in pyproject.toml",
    )


def parse_views(value: Any, source: str) -> tuple[ViewDecl, ...]:
    """Every view of the ``views`` table, in declared order."""
    if not isinstance(value, Mapping):
        raise ConfigError(
            source,
            "views",
            f"bad value {value!r}: expected a table of views",
            "write each view as a [tool.schema-sync.views.<Name>] table",
        )
    return tuple(_parse_view(str(name), body, source) for name, body in value.items())


def _parse_view(name: str, body: Any, source: str) -> ViewDecl:
    def fail(key: str | None, problem: str, fix: str) -> ConfigError:
        return view_error(source, name, key, problem, fix)

    if not name.isidentifier() or keyword.iskeyword(name):
        raise fail(None, f"{name!r} is not a valid class name", "name the view like a class")
    if not isinstance(body, Mapping):
        raise fail(None, f"bad value {body!r}: expected a table", f"write [...views.{name}]")
    for key in body:
        if key not in KEYS:
            raise fail(str(key), "unknown view key", f"use one of: {', '.join(KEYS)}")
    model = body.get("model")
    if not isinstance(model, str) or not _dotted(model, max_parts=2):
        shown = "missing" if model is None else f"bad value {model!r}"
        raise fail("model", f"{shown}: expected a model class name", 'set model = "Order"')
    nest, star = _nest(body.get("nest"), fail)
    depth = _depth(body.get("depth"), star, fail)
    lists = {
        key: _paths(body.get(key, []), key, fail) for key in ("include", "exclude", "computed")
    }
    both = sorted(set(lists["include"]) & set(lists["exclude"]))
    if both:
        raise fail("exclude", f"{both[0]!r} is also in include", "keep the path in one of them")
    return ViewDecl(
        name=name,
        model=model.strip(),
        nest=nest,
        star=star,
        depth=depth,
        include=lists["include"],
        exclude=lists["exclude"],
        computed=lists["computed"],
        raw_ids=_bool(body.get("raw_ids", True), "raw_ids", fail),
        list_class=_bool(body.get("list", False), "list", fail),
        origin=source,
    )


def _dotted(text: str, max_parts: int = 99) -> bool:
    parts = text.strip().split(".")
    return 0 < len(parts) <= max_parts and all(parts)


def _nest(value: Any, fail: Any) -> tuple[tuple[str, ...], bool]:
    if value is None:
        return (), False
    if value == STAR:
        return (), True
    paths = _paths(value, "nest", fail)
    for path in paths:
        if any(not part.isidentifier() for part in path.split(".")):
            raise fail(
                "nest", f"bad value {path!r}: expected relation names", 'e.g. "items.product"'
            )
    return paths, False


def _depth(value: Any, star: bool, fail: Any) -> int | None:
    if value is None:
        if star:
            raise fail("nest", 'nest = "*" needs a depth', "add depth = 1 to 5")
        return None
    if not star:
        raise fail("depth", f'bad value {value!r}: depth goes only with nest = "*"', "remove it")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DEPTH:
        raise fail("depth", f"bad value {value!r}: expected 1 to {MAX_DEPTH}", "set depth = 1 to 5")
    return value


def _paths(value: Any, key: str, fail: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(key, f"bad value {value!r}: expected a list of dotted paths", 'e.g. ["a.b"]')
    for path in value:
        if not _dotted(path) or "\x00" in path:
            raise fail(key, f"bad value {path!r}: expected a dotted path", 'e.g. "items.quantity"')
    return tuple(dict.fromkeys(v.strip() for v in value))


def _bool(value: Any, key: str, fail: Any) -> bool:
    if not isinstance(value, bool):
        raise fail(key, f"bad value {value!r}: expected true or false", f"set {key} = true")
    return value
