"""An object -> the TypeRef the generated file can import it by."""

from __future__ import annotations

import importlib
from typing import Any

from schema_sync_hook.describe.spec import TypeRef


def type_ref(obj: Any) -> TypeRef:
    return TypeRef(obj.__module__, obj.__qualname__)


def importable(func: Any) -> TypeRef | None:
    module = getattr(func, "__module__", None)
    qualname = getattr(func, "__qualname__", None)
    if not module or not qualname or "<" in qualname:
        return None
    try:
        obj: Any = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        return None
    return TypeRef(module, qualname) if obj is func else None
