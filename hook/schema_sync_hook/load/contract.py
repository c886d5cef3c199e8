"""The wire contract: the generated classes imported, as one JSON Schema 2020-12 document.

The generated text is imported as it was generated (not as it is on disk): a finder
serves each file's text under its module name, so one app's file importing another's
gets the fresh text too. Each class is rendered in the mode a client meets it in:
validation for what a client sends (Create/Update), serialization for what it reads
(Response/Detail/views). The classes, the enums and the nested pydantic types they use
each get a ``$defs`` entry; ``x-schema-sync-classes`` lists the generated classes in
file order with their mode, so a comparison knows which entries are classes.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from schema_sync_hook.errors import UserError
from schema_sync_hook.load.importing import project_imports
from schema_sync_hook.load.sourcememo import class_source_memo
from schema_sync_hook.missing.session import Site, placeholders
from schema_sync_hook.settings.schema import Config

DIALECT = "https://json-schema.org/draft/2020-12/schema"
CLASSES = "x-schema-sync-classes"
VALIDATION, SERIALIZATION = "validation", "serialization"
# Decimal precision has no JSON Schema keyword: kept as annotations of their own
MAX_DIGITS, DECIMAL_PLACES = "x-max-digits", "x-decimal-places"
REQUEST_DOCS = ("schema for creating", "schema for updating")

IsRequest = Callable[[str, "str | None"], bool]


@dataclass(frozen=True)
class Source:
    """One generated file to import: its path (relative to the root) and its text."""

    path: str
    text: str


def default_is_request(name: str, doc: str | None) -> bool:
    """A class a client sends: the generated Create/Update docstrings say so."""
    return (doc or "").strip().lower().startswith(REQUEST_DOCS)


def contract_text(document: dict[str, Any]) -> str:
    """The file form: keys sorted, 2-space indent, one final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def build_contract(
    config: Config,
    sources: Sequence[Source],
    is_request: IsRequest = default_is_request,
    stub_sites: Sequence[Site] = (),
    comment: str | None = None,
    reuse: Mapping[str, ModuleType] | None = None,
) -> dict[str, Any]:
    """Import ``sources`` and describe every generated class they define."""
    with contract_session(config, stub_sites, reuse):
        return served_contract(config, sources, is_request, comment)


@contextmanager
def contract_session(
    config: Config, stub_sites: Sequence[Site] = (), reuse: Mapping[str, ModuleType] | None = None
) -> Iterator[None]:
    """The project on ``sys.path`` (its modules forgotten afterwards), under the
    placeholders of the model import, Tortoise's class look-ups memoised; ``reuse``:
    the modules the generation imported (see ``importing.keeping_imports``)."""
    with (
        project_imports(config.root, config.settings.python_path, reuse),
        placeholders(stub_sites),
        class_source_memo(),  # the models import again: one parse per model file
    ):
        yield


def served_contract(
    config: Config,
    sources: Sequence[Source],
    is_request: IsRequest = default_is_request,
    comment: str | None = None,
) -> dict[str, Any]:
    """The contract of ``sources``, imported inside a :func:`contract_session`."""
    with _served(config, sources) as names:
        classes: list[tuple[str, type]] = []
        homes: dict[str, str] = {}
        for source in sources:
            module = _import(names[source.path], source.path)
            for name, cls in _generated_classes(module):
                if homes.setdefault(name, source.path) != source.path:
                    raise UserError(
                        f"{homes[name]} and {source.path} both define {name}; the wire"
                        " contract (diff --against, contract_output) matches classes by name",
                        "rename one of the two models, so that every generated class has a"
                        " name of its own",
                    )
                classes.append((name, cls))
        return _document(classes, is_request, comment)


def _document(
    classes: Sequence[tuple[str, type]], is_request: IsRequest, comment: str | None
) -> dict[str, Any]:
    from pydantic.json_schema import JsonSchemaMode, models_json_schema

    seen: dict[str, type] = {}
    listed: list[dict[str, str]] = []
    inputs: list[tuple[Any, JsonSchemaMode]] = []
    for name, cls in classes:
        seen[name] = cls
        mode: JsonSchemaMode = "validation" if is_request(name, cls.__doc__) else "serialization"
        listed.append({"name": name, "mode": mode})
        inputs.append((cls, mode))
    _refs, top = models_json_schema(inputs, schema_generator=schema_generator())
    document: dict[str, Any] = {"$schema": DIALECT, "$defs": top.get("$defs", {}), CLASSES: listed}
    if comment:
        document["$comment"] = comment
    return document


@cache
def schema_generator() -> Any:
    from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
    from pydantic_core import core_schema

    class ContractSchema(GenerateJsonSchema):
        """pydantic's schema, plus the Decimal precision a client must respect."""

        def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
            result = super().decimal_schema(schema)
            if schema.get("max_digits") is not None:
                result[MAX_DIGITS] = schema["max_digits"]
            if schema.get("decimal_places") is not None:
                result[DECIMAL_PLACES] = schema["decimal_places"]
            return result

    return ContractSchema


def _generated_classes(module: ModuleType) -> Iterator[tuple[str, type]]:
    from pydantic import BaseModel

    for name, value in vars(module).items():
        if (
            isinstance(value, type)
            and not name.startswith("_")
            and value.__module__ == module.__name__
            and issubclass(value, BaseModel)
        ):
            yield name, value


def _import(name: str, path: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except Exception as exc:  # any failure is the user's generated file or models
        first = f"{type(exc).__name__}: {exc}".splitlines()[0]
        raise UserError(
            f"{path} does not import ({first}); its wire contract cannot be built",
            "fix the cause, then run the command again (run with -v for the traceback)",
        ) from exc


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves the generated texts under their module names (the fresh text, not the disk)."""

    def __init__(self, texts: dict[str, tuple[Path, str]]) -> None:
        self.texts = texts

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.texts:
            return None
        file = self.texts[fullname][0]
        return importlib.util.spec_from_loader(fullname, self, origin=str(file))

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        file, text = self.texts[module.__name__]
        module.__file__ = str(file)
        exec(compile(text, str(file), "exec", dont_inherit=True), module.__dict__)


def module_names(config: Config, paths: Sequence[str]) -> dict[str, str]:
    """The module name each generated file imports as (a private name for a file
    outside the python path)."""
    names: dict[str, str] = {}
    for index, path in enumerate(paths):
        file = config.path(path)
        name = config.module_name(file) if file.parent.is_dir() else None
        names[path] = name or f"_schema_sync_contract_{index}"
    return names


@contextmanager
def _served(config: Config, sources: Sequence[Source]) -> Iterator[dict[str, str]]:
    """Module names of ``sources`` (a private name for a file outside the python path)."""
    names = module_names(config, [source.path for source in sources])
    texts = {names[s.path]: (config.path(s.path), s.text) for s in sources}
    finder = _Finder(texts)
    saved = {name: sys.modules.pop(name) for name in texts if name in sys.modules}
    sys.meta_path.insert(0, finder)
    try:
        yield names
    finally:
        sys.meta_path.remove(finder)
        for name in texts:
            sys.modules.pop(name, None)
        sys.modules.update(saved)
