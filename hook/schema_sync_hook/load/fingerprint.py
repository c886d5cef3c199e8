"""What a name the generated file imports from the project means to a client.

``diff --against`` builds only the classes whose schema may differ between REF and
the working tree (see ``gate.slices``). A class mentions project names its text does
not show: an enum, a nested pydantic type, a custom or overridden field type. Each
side fingerprints those names the way the contract sees them (their JSON Schema in
both modes, with the contract's own keywords, and an enum's member names with their
values); a name whose fingerprints differ, or that cannot be fingerprinted, makes
every class that mentions it be built. Runs inside a ``contract_session``.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any

from schema_sync_hook.load.contract import schema_generator
from schema_sync_hook.settings.schema import Config

# name -> (module, attribute or None for ``import module``)
Imported = Mapping[str, "tuple[str, str | None]"]


def fingerprints(config: Config, imported: Imported) -> dict[str, str | None]:
    """The fingerprint of each imported name that comes from the project's own code
    (None: it cannot be read); names from libraries are left out."""
    folders = [
        config.root.resolve(),
        *(config.path(p).resolve() for p in config.settings.python_path),
    ]
    result: dict[str, str | None] = {}
    for name, (module_name, attribute) in imported.items():
        try:
            module = importlib.import_module(module_name)
            value = getattr(module, attribute) if attribute else module
        except Exception:  # the class that mentions it will not import either
            result[name] = None
            continue
        if _is_project(module_name, folders):
            result[name] = fingerprint(value)
    return result


def fingerprint(value: Any) -> str | None:
    from pydantic import TypeAdapter

    parts: list[Any] = []
    if isinstance(value, type) and issubclass(value, Enum):
        parts.append([(name, repr(member.value)) for name, member in value.__members__.items()])
    try:
        adapter = TypeAdapter(value)
        for mode in ("validation", "serialization"):
            parts.append(adapter.json_schema(mode=mode, schema_generator=schema_generator()))
    except Exception:  # not a type pydantic can describe: never taken as unchanged
        return None
    return json.dumps(parts, sort_keys=True, default=repr)


def _is_project(module_name: str, folders: list[Path]) -> bool:
    file = getattr(sys.modules.get(module_name), "__file__", None)
    if not isinstance(file, str):
        return False
    path = Path(file).resolve()
    if "site-packages" in path.parts or "dist-packages" in path.parts:
        return False
    return any(path.is_relative_to(folder) for folder in folders)
