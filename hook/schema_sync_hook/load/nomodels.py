"""Zero models is a mistake: a configured entry that holds no Tortoise model exits 2.

A ``models`` entry naming a package instead of its models module (``app`` for
``app.models``), or a change that deletes every model of an entry, would otherwise
write a file without classes and call that a sync. The message names the entry and,
for a package, its submodules that do hold models.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import warnings
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from tortoise.models import Model

from schema_sync_hook.describe.spec import AppSpec
from schema_sync_hook.errors import ConfigError

_MAX_SUBMODULES = 200  # a bound on what a refusal imports to find the right entry


def check_models_entries(modules: Sequence[str], origin: str) -> None:
    """Each ``models`` entry (imported already) holds a model: concrete, or an abstract
    base declared in it (a module of bases is a models module too)."""
    for name in modules:
        module = sys.modules[name]
        if _holds_models(module):
            continue
        found = _submodules_with_models(module)
        raise ConfigError(
            origin, "models", f"{name!r} holds no Tortoise model{_elsewhere(found)}", _fix(found)
        )


def refuse_empty_app(app: AppSpec, key: str, origin: str) -> None:
    """An app (the ``models`` list, or a ``tortoise_config`` app) without a concrete model."""
    first = sys.modules.get(app.modules[0]) if app.modules else None
    where = _elsewhere(_submodules_with_models(first)) if first is not None else ""
    what = ", ".join(app.modules)
    if key == "tortoise_config":
        what = f"app {app.label!r} ({what})"
    raise ConfigError(
        origin,
        key,
        f"{what} holds no concrete Tortoise model{where}",
        "point it at the modules that declare the models",
    )


def _is_model(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, Model) and obj is not Model


def _holds_models(module: ModuleType) -> bool:
    found = getattr(module, "__models__", None) or list(vars(module).values())
    for obj in found:
        if not _is_model(obj):
            continue
        if not obj._meta.abstract or obj.__module__ == module.__name__:
            return True
    return False


def _declares_models(module: ModuleType) -> bool:
    return any(
        _is_model(obj) and obj.__module__ == module.__name__ and not obj._meta.abstract
        for obj in vars(module).values()
    )


def _submodules_with_models(package: ModuleType) -> list[str]:
    path = getattr(package, "__path__", None)
    if path is None:
        return []
    found = []
    walked = pkgutil.walk_packages(path, prefix=package.__name__ + ".", onerror=lambda _n: None)
    for index, info in enumerate(walked):
        if index >= _MAX_SUBMODULES:
            break
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                module = importlib.import_module(info.name)
        except KeyboardInterrupt:
            raise
        except BaseException:  # a submodule that fails to import is no answer
            continue
        if _declares_models(module):
            found.append(info.name)
    return sorted(found)


def _elsewhere(found: Sequence[str]) -> str:
    if not found:
        return ""
    if len(found) == 1:
        return f" (its submodule {found[0]} does)"
    return f" (its submodules {', '.join(found)} do)"


def _fix(found: Sequence[str]) -> str:
    if found:
        listed = ", ".join(f'"{name}"' for name in found)
        return f"list the modules that declare the models instead: models = [{listed}]"
    return "list the modules that declare your Tortoise models (a model deleted by mistake?)"
