"""Loading the models: import the configured modules and scope Tortoise's registry.

Imports the configured model modules with the project root and ``python_path``
on ``sys.path``, runs ``Tortoise.init_models`` (no database) inside a scope that
leaves Tortoise's global registry as it was, and hands every registered model,
in declaration order, to :mod:`~schema_sync_hook.describe.fields` for translation.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tortoise import Tortoise
from tortoise.exceptions import ConfigurationError
from tortoise.models import Model

from schema_sync_hook.describe.fields import describe_model
from schema_sync_hook.describe.overrides import resolve_overrides
from schema_sync_hook.describe.spec import AppSpec, ProjectSpec, TypeRef, ViewSpec
from schema_sync_hook.describe.views import resolve_views, rules_for
from schema_sync_hook.errors import ConfigError, ModelImportError, UserError
from schema_sync_hook.load.importing import project_imports
from schema_sync_hook.load.nomodels import check_models_entries, refuse_empty_app
from schema_sync_hook.load.sourcememo import class_source_memo
from schema_sync_hook.missing import session as missing
from schema_sync_hook.settings.schema import Config

if TYPE_CHECKING:
    from pydantic import BaseModel

# Modules of other tools that a TORTOISE_ORM config lists but that hold no API models.
IGNORED_MODEL_MODULES = ("aerich.models",)


def describe_project(config: Config) -> ProjectSpec:
    """Import the configured models and describe them. Raises UserError on bad input.

    A third-party module missing from this environment gets the advice or the
    placeholders of :mod:`schema_sync_hook.missing.session` (key ``missing_imports``).
    """
    settings = config.settings
    roots = [config.root, *(config.root / p for p in settings.python_path)]
    configured = [*settings.models, settings.tortoise_config or ""]
    session = missing.Session(settings.missing_imports, missing.own_modules(roots, configured))
    project = session.run(lambda: _describe_once(config))
    if not session.sites:
        return project
    stubbed = tuple(sorted(session.stubbed))
    _refuse_stubbed_types(project, stubbed)
    return dataclasses.replace(project, stubbed=stubbed, stub_sites=session.site_list)


def _refuse_stubbed_types(project: ProjectSpec, stubbed: Sequence[str]) -> None:
    """No name the generated file would import may come from a stubbed module."""
    for model in project.models:
        for item in dataclasses.fields(model):
            value = getattr(model, item.name)
            for part in value if isinstance(value, tuple) else (value,):
                name = getattr(part, "name", item.name)
                for ref in _type_refs(part):
                    hit = next((m for m in stubbed if _within(ref.module, m)), None)
                    if hit is not None:
                        raise UserError(
                            f"{model.name}.{name}: {ref.module}.{ref.qualname}, from the module"
                            f" {hit!r} that is not installed here, would reach the schema",
                            missing.install_advice([hit]) + ", so that the real name is used",
                        )


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _type_refs(value: Any) -> Iterator[TypeRef]:
    if isinstance(value, TypeRef):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _type_refs(getattr(value, item.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _type_refs(item)


def _describe_once(config: Config) -> ProjectSpec:
    with project_imports(config.root, config.settings.python_path) as imported:
        with class_source_memo():  # one parse per model file while the models import
            apps = _configured_apps(config)
        with _tortoise_scope():
            with class_source_memo():
                _import_apps(apps, config.root)
            if config.settings.models:
                check_models_entries(config.settings.models, config.origins.get("models", ""))
            base = _check_base_class(config)
            overrides = resolve_overrides(
                config.settings.type_overrides,
                config.origins.get("type_overrides", "configuration"),
                arbitrary_types=bool(base.model_config.get("arbitrary_types_allowed")),
            )
            classes = {label: _app_models(label, modules) for label, modules in apps}
            specs = tuple(
                AppSpec(
                    label=label,
                    modules=tuple(modules),
                    models=tuple(describe_model(model, overrides) for model in classes[label]),
                )
                for label, modules in apps
            )
            key = "models" if config.settings.models else "tortoise_config"
            for app in specs:
                if not app.models:
                    refuse_empty_app(app, key, config.origins.get(key, "configuration"))
            project = ProjectSpec(apps=specs)
            views = _views(config, project, classes)
        files = sorted(imported())
    return dataclasses.replace(project, imported_files=tuple(files), views=views)


def _views(
    config: Config, project: ProjectSpec, classes: Mapping[str, Sequence[type[Model]]]
) -> tuple[ViewSpec, ...]:
    """The declared views, resolved against the described models (SPEC §12)."""
    settings = config.settings
    if not settings.views:
        return ()
    by_name = {(label, c.__name__): c for label, found in classes.items() for c in found}
    response = dict(settings.exclude).get("response", ())
    rules = rules_for(by_name, settings.sensitive_fields, response)
    return resolve_views(project, settings.views, rules)


def _check_base_class(config: Config) -> type[BaseModel]:
    """``base_class`` imports (from the project) and is a plain pydantic BaseModel subclass."""
    from pydantic import BaseModel

    path = config.settings.base_class
    if path == "pydantic.BaseModel":
        return BaseModel

    origin = config.origins.get("base_class", "configuration")
    module_name, _, name = path.rpartition(".")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = getattr(importlib.import_module(module_name), name)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # any failure of user code is reported
        raise ConfigError(
            origin,
            "base_class",
            f"{path!r} cannot be imported ({type(exc).__name__}: {exc})".splitlines()[0],
            "point it at a class importable from the project root or python_path",
        ) from None
    if not (isinstance(found, type) and issubclass(found, BaseModel)):
        raise ConfigError(
            origin,
            "base_class",
            f"{path!r} is not a subclass of pydantic.BaseModel",
            "point it at a BaseModel subclass (or remove the key)",
        )
    problem = _not_a_plain_container(found)
    if problem is not None:
        raise ConfigError(
            origin,
            "base_class",
            f"{path!r} {problem}",
            "point it at a plain BaseModel subclass that holds named fields (or remove the key)",
        )
    return found


def _not_a_plain_container(base: type[Any]) -> str | None:
    """Every generated class holds the model's named fields, and only needs those."""
    from pydantic import RootModel

    if issubclass(base, RootModel):
        return "is a RootModel (it holds one root value, not named fields)"
    fields: Mapping[str, Any] = getattr(base, "model_fields", {})
    required = [name for name, info in fields.items() if info.is_required()]
    if required:
        return (
            f"declares required fields ({', '.join(required)}) that no model has, so no"
            " generated class could validate the models' data"
        )
    return None


# --- importing -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class LoadedModels:
    """The configured apps, imported and initialised: valid inside :func:`initialised_models`."""

    modules: tuple[tuple[str, tuple[str, ...]], ...]  # (app label, configured modules)
    models: tuple[tuple[str, tuple[type[Model], ...]], ...]  # (app label, models in order)


@contextlib.contextmanager
def initialised_models(
    config: Config, before_init: Callable[[], None] | None = None
) -> Iterator[LoadedModels]:
    """The project's models imported (root and ``python_path`` on ``sys.path``) and
    initialised with ``Tortoise.init_models`` inside a scope that leaves Tortoise's
    registry, ``sys.path`` and ``sys.modules`` as they were afterwards.

    ``before_init`` runs once the model modules are imported and before Tortoise
    initialises them (what code imported before an app's start-up sees)."""
    with project_imports(config.root, config.settings.python_path):
        apps = _configured_apps(config)
        with _tortoise_scope():
            for _, modules in apps:
                for module in modules:
                    _import_model_module(module, config.root)
            if before_init is not None:
                before_init()
            _import_apps(apps, config.root)
            models = tuple((label, tuple(_app_models(label, mods))) for label, mods in apps)
            yield LoadedModels(tuple(apps), models)


def _import_apps(apps: Sequence[tuple[str, tuple[str, ...]]], root: Path) -> None:
    """Import each app's model modules and register them with ``Tortoise.init_models``."""
    for index, (label, modules) in enumerate(apps):
        for module in modules:
            _import_model_module(module, root)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                Tortoise.init_models(list(modules), label, _init_relations=index == len(apps) - 1)
        except ConfigurationError as exc:
            raise UserError(
                f"Tortoise rejected the models of app {label!r}: {exc}",
                "fix the model definitions",
            ) from exc


@contextlib.contextmanager
def _tortoise_scope() -> Iterator[None]:
    """Keep Tortoise's global registry of apps as it was before."""
    try:
        from tortoise.context import TortoiseContext
    except ImportError:  # tortoise-orm 0.25 keeps the apps on the class
        saved = getattr(Tortoise, "apps", {})
        setattr(Tortoise, "apps", {})  # noqa: B010 - a class attribute only in 0.25
        try:
            yield
        finally:
            setattr(Tortoise, "apps", saved)  # noqa: B010
        return
    with TortoiseContext():
        yield


def _configured_apps(config: Config) -> list[tuple[str, tuple[str, ...]]]:
    settings = config.settings
    if settings.models:
        return [("models", settings.models)]
    assert settings.tortoise_config is not None
    module_name, _, attr = settings.tortoise_config.rpartition(".")
    if not module_name:
        raise UserError(
            f"tortoise_config {settings.tortoise_config!r} is not a dotted path",
            "write it as 'package.module.TORTOISE_ORM'",
        )
    module = _import_model_module(module_name, config.root)
    tortoise_orm = getattr(module, attr, None)
    apps = tortoise_orm.get("apps") if isinstance(tortoise_orm, Mapping) else None
    if not isinstance(apps, Mapping) or not apps:
        raise UserError(
            f"{settings.tortoise_config} is not a Tortoise config with an 'apps' table",
            "point tortoise_config at your TORTOISE_ORM dict",
        )
    result = []
    for label, app in apps.items():
        models = app.get("models", []) if isinstance(app, Mapping) else []
        kept = tuple(m for m in models if isinstance(m, str) and m not in IGNORED_MODEL_MODULES)
        if kept:
            result.append((str(label), kept))
    return result


def _import_model_module(name: str, root: Path) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return importlib.import_module(name)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # any failure of user code (even SystemExit) is reported
        raise ModelImportError(name, _location(exc, root), exc) from exc


def _location(exc: BaseException, root: Path) -> str:
    """``file:line`` of the error, preferring the innermost frame in the project."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{_shown_path(exc.filename, root)}:{exc.lineno}"
    frames = traceback.extract_tb(exc.__traceback__)
    in_project = [
        f for f in frames if f.filename and Path(f.filename).resolve().is_relative_to(root)
    ]
    chosen = in_project[-1] if in_project else (frames[-1] if frames else None)
    if chosen is None:
        return ""
    return f"{_shown_path(chosen.filename, root)}:{chosen.lineno}"


def _shown_path(filename: str, root: Path) -> str:
    path = Path(filename).resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else filename


def _app_models(label: str, modules: Sequence[str]) -> list[type[Model]]:
    """The app's models in declaration order.

    Configured modules in config order; a model re-exported by a package comes
    with the other models of the module that declares it, in that module's order.
    """
    registered = {id(model): model for model in _registered_models(label)}
    ordered: dict[int, type[Model]] = {}

    def in_order(module: Any) -> list[Any]:
        return list(getattr(module, "__models__", None) or vars(module).values())

    for name in modules:
        for obj in in_order(sys.modules[name]):
            if id(obj) not in registered or id(obj) in ordered:
                continue
            home = sys.modules.get(obj.__module__)
            for sibling in in_order(home) if home is not None else [obj]:
                if id(sibling) in registered:
                    ordered.setdefault(id(sibling), sibling)
            ordered.setdefault(id(obj), obj)
    return list(ordered.values())


def _registered_models(label: str) -> list[type[Model]]:
    try:
        from tortoise.context import get_current_context
    except ImportError:  # tortoise-orm 0.25
        apps_025: dict[str, dict[str, type[Model]]] = getattr(Tortoise, "apps", {})
        return list(apps_025.get(label, {}).values())
    context = get_current_context()
    apps = context.apps if context is not None else None
    return list(apps[label].values()) if apps is not None and label in apps else []
