"""The classes a sync would generate, imported from memory: nothing is written.

:func:`generate_source` renders the project as a sync does (``generate``); then
:func:`classes` executes those sources as their real module names for the length of
a ``with`` block, so the replacement classes can be compared with the creator's
before a single file changes (and, once views are added to the configuration, the
view classes the same way).
"""

from __future__ import annotations

import contextlib
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel

from schema_sync_hook.settings.schema import Config


@dataclass(frozen=True)
class Source:
    path: str  # relative to the root
    module: str | None  # the dotted name it imports as; None when it cannot be imported
    text: str


@dataclass
class Generated:
    sources: list[Source]
    classes: dict[str, tuple[str, type[BaseModel]]]  # name -> (module, class)

    def module_of(self, name: str) -> str | None:
        return self.classes[name][0] if name in self.classes else None


def generate_source(config: Config) -> list[Source]:
    # imported here for start-up speed: generation loads tortoise and the models
    from schema_sync_hook.pipeline.generate import generate

    _, files = generate(config)
    return [Source(f.path, config.module_name(config.path(f.path)), f.content) for f in files]


@contextlib.contextmanager
def classes(sources: list[Source]) -> Iterator[Generated]:
    """Execute the generated sources as their modules (call inside the models' import
    scope: they import the models' enums); the modules are forgotten afterwards."""
    saved = {s.module: sys.modules.get(s.module) for s in sources if s.module}
    found: dict[str, tuple[str, type[BaseModel]]] = {}
    try:
        modules: list[tuple[str, Source, types.ModuleType]] = []
        for source in sources:
            name = source.module or f"_schema_sync_adopt_{len(modules)}"
            module = types.ModuleType(name)
            module.__file__ = source.path
            sys.modules[name] = module
            modules.append((name, source, module))
        for name, source, module in modules:
            exec(compile(source.text, source.path, "exec"), module.__dict__)
            for attr, value in vars(module).items():
                if (
                    isinstance(value, type)
                    and issubclass(value, BaseModel)
                    and value.__module__ == name
                    and not attr.startswith("_")
                ):
                    found[attr] = (name, value)
        yield Generated(sources, found)
    finally:
        for name, previous in saved.items():
            assert name is not None
            if previous is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = previous
