"""Placeholders on their way into a description (``missing_imports = "stub"``).

A field is described under :func:`described`: a placeholder found in the Tortoise
field, or used while the field is translated (hashed as a type, compared as a
default), refuses naming ``Model.field``. :func:`refuse_texts` then reads every
string of the finished description for the text of a placeholder (``<missing X>``,
which ``typing`` writes when it prints a form holding one).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from schema_sync_hook.describe.spec import ComputedSpec, FieldSpec, ModelSpec, RelationSpec
from schema_sync_hook.missing import placeholders as stubs
from schema_sync_hook.missing import session as missing

T = TypeVar("T")


def described(where: str, value: Any, make: Callable[..., T], *args: Any) -> T:
    """``make(*args)``, refused naming ``where`` when ``value`` holds a placeholder or
    one is used on the way."""
    missing.refuse_placeholder(where, value)
    try:
        return make(*args)
    except stubs.PlaceholderUsed as exc:
        raise missing.refusal(where, exc.what, exc.module, exc.use) from exc


def refuse_texts(spec: ModelSpec) -> None:
    """Exit 2 when any text of ``spec`` holds a placeholder's text."""
    if not stubs.TEXTS:
        return
    parts: tuple[FieldSpec | RelationSpec | ComputedSpec, ...] = (
        *spec.fields,
        *spec.relations,
        *spec.computed,
    )
    for where, text in [
        *((spec.name, t) for t in _texts((spec.doc, spec.config))),
        *((f"{spec.name}.{part.name}", t) for part in parts for t in _texts(part)),
    ]:
        found = stubs.find_text(text)
        if found is not None:
            raise missing.refusal(where, *stubs.describe(found), "its text")


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, bytes):
        yield value.decode("utf-8", "replace")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _texts(getattr(value, item.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _texts(item)
