"""``validate``: the generated file parses, imports, holds pydantic models, is in
sync, the manual schema module's imports from it resolve, and no Response
exposes a sensitive field. One line per check; exit 1 when any fails."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from schema_sync_hook.apply.files import read_text
from schema_sync_hook.console import Console
from schema_sync_hook.errors import Exit, UserError
from schema_sync_hook.load.importing import project_imports
from schema_sync_hook.missing.session import placeholders
from schema_sync_hook.plan.changes import State, file_state
from schema_sync_hook.render.fields import is_sensitive
from schema_sync_hook.render.files import GeneratedFile
from schema_sync_hook.render.reader_source import READER
from schema_sync_hook.settings.schema import Config


def _import(config: Config, path: Path) -> ModuleType:
    """Import ``path`` by its dotted name (or from its file); the caller isolates."""
    name = config.module_name(path)
    if name:
        sys.modules.pop(name, None)
        return importlib.import_module(name)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def checks(config: Config) -> Iterator[tuple[bool, str]]:
    # imported here for start-up speed: tortoise and the models load only when a generation runs
    from schema_sync_hook.pipeline.generate import generate

    try:
        project, generated = generate(config)
    except UserError as exc:
        yield False, f"models import and generate: {exc}"
        return
    yield True, "models import and generate"
    # The generated file imports what the models import: under the same placeholders.
    with placeholders(project.stub_sites):
        yield from _file_checks(config, generated)


def _file_checks(config: Config, generated: list[GeneratedFile]) -> Iterator[tuple[bool, str]]:
    from pydantic import BaseModel

    modules: dict[str, ModuleType] = {}
    for gen in generated:
        path = config.path(gen.path)
        text = read_text(path)
        state = file_state(text, gen.content)
        if text is None:
            yield False, f"{gen.path} exists (run 'schema-sync-hook sync' to create it)"
            continue
        try:
            ast.parse(text, filename=gen.path)
        except SyntaxError as exc:
            yield False, f"{gen.path} parses: line {exc.lineno}: {exc.msg}"
            continue
        yield True, f"{gen.path} parses"
        yield state is State.IN_SYNC, f"{gen.path} is in sync with the models ({state.value})"
        try:
            module = _import(config, path)
        except Exception as exc:  # any import failure is the finding
            yield False, f"{gen.path} imports: {type(exc).__name__}: {exc}".splitlines()[0]
            continue
        yield True, f"{gen.path} imports"
        modules[gen.path] = module
        classes = {n: o for n, o in vars(module).items() if isinstance(o, type)}
        generated_classes = [
            n
            for n, o in classes.items()
            if getattr(o, "__module__", "") == module.__name__ and not n.startswith("_")
        ]
        not_models = [n for n in generated_classes if not issubclass(classes[n], BaseModel)]
        yield (
            not not_models,
            f"{gen.path}: every class is a pydantic model"
            + (f" (not: {', '.join(not_models)})" if not_models else ""),
        )
        reader = getattr(module, READER, None)  # the base of every Response and Detail
        responses: list[tuple[str, type[BaseModel]]] = [
            (n, classes[n])
            for n in generated_classes
            if isinstance(reader, type) and issubclass(classes[n], reader)
        ]
        exposed = [
            f"{n}.{f}"
            for n, cls in responses
            for f in cls.model_fields
            if is_sensitive(f, config.settings.sensitive_fields)
        ]
        yield (
            not exposed,
            "no Response exposes a sensitive field"
            + (f" (exposed: {', '.join(exposed)})" if exposed else ""),
        )
    yield from _manual_checks(config, modules)


def _manual_checks(config: Config, modules: dict[str, ModuleType]) -> Iterator[tuple[bool, str]]:
    manual = config.manual_schema
    shown = config.settings.manual_schema
    if not manual.is_file():
        yield True, f"{shown} does not exist (nothing to check)"
        return
    try:
        tree = ast.parse(manual.read_text(encoding="utf-8"), filename=shown)
    except SyntaxError as exc:
        yield False, f"{shown} parses: line {exc.lineno}: {exc.msg}"
        return
    manual_name = config.module_name(manual) or ""
    package = manual_name.rpartition(".")[0]
    by_name: dict[str, ModuleType] = {}
    for path, module in modules.items():
        by_name[module.__name__] = module
        by_name[config.module_name(config.path(path)) or module.__name__] = module
    missing = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        target = node.module or ""
        if node.level:
            base = package.split(".") if package else []
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            target = ".".join([*base, target] if target else base)
        source = by_name.get(target)
        if source is None:
            continue
        missing += [
            f"{target}.{alias.name}"
            for alias in node.names
            if alias.name != "*" and not hasattr(source, alias.name)
        ]
    yield (
        not missing,
        f"{shown}: names imported from the generated module exist"
        + (f" (missing: {', '.join(missing)})" if missing else ""),
    )
    try:
        _import(config, manual)
    except Exception as exc:  # any import failure is the finding
        yield False, f"{shown} imports: {type(exc).__name__}: {exc}".splitlines()[0]
    else:
        yield True, f"{shown} imports"


def validate_command(config: Config, console: Console) -> Exit:
    failed = 0
    with project_imports(config.root, config.settings.python_path):
        results = list(checks(config))
    for ok, text in results:
        failed += not ok
        mark = console.paint("ok  ", "green") if ok else console.paint("FAIL", "red")
        console.print(f"{mark} {text}")
    console.print(f"{'all checks passed' if not failed else f'{failed} check(s) failed'}")
    return Exit.DRIFT if failed else Exit.OK
