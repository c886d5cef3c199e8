"""Building what each call builds: the installed creator, on the project's own models.

The only module of ``adopt`` that imports tortoise. The models are imported as a
sync imports them (root and ``python_path`` on ``sys.path``, Tortoise's registry
scoped), then every call is built twice with the real ``pydantic_model_creator``:
before ``Tortoise.init_models`` (what a module-level call in a router imported
before start-up builds: no relation fields) and after it. Which ``PydanticMeta``
value counts at which level is whatever the installed creator does: nothing of
its rules is re-implemented here; the shapes are read off the classes it built.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import sys
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict
from tortoise.contrib.pydantic import creator as creator_module
from tortoise.contrib.pydantic import pydantic_model_creator, pydantic_queryset_creator
from tortoise.models import Model

from schema_sync_hook.adopt.calls import Call, MetaOverride
from schema_sync_hook.adopt.shape import Shape, item_class, nested_class, read_shape
from schema_sync_hook.load import models as loading
from schema_sync_hook.settings.schema import Config

META_KEYS = (
    "max_recursion",
    "exclude_raw_fields",
    "backward_relations",
    "allow_cycles",
    "computed",
)
DEPTHS = range(1, 6)


@dataclass(frozen=True)
class ModelInfo:
    """What a view needs to know of a model: its key in a view's ``model``, its
    relations (name -> related model key) and their ``<name>_id`` keys."""

    key: str
    relations: tuple[tuple[str, str], ...]
    raw_ids: tuple[tuple[str, str], ...]  # relation -> its <name>_id key
    meta: tuple[tuple[str, Any], ...]  # the PydanticMeta values the creator reads


@dataclass
class Built:
    call: Call
    cls: type[BaseModel] | None = None  # the initialised build
    shape: Shape | None = None
    early_shape: Shape | None = None  # built before init_models
    model: str | None = None  # the model's key
    problem: str | None = None
    meta: dict[str, dict[str, Any]] = field(default_factory=dict)  # per model reached


@dataclass
class Session:
    """The imported, initialised models; valid inside :func:`loaded`."""

    models: dict[str, type[Model]]  # key -> class
    model_modules: frozenset[str]
    infos: dict[str, ModelInfo]
    built: list[Built]
    star: dict[tuple[str, int], Shape]  # (model key, depth) -> what nest="*" gives

    def key_of(self, model: type[Model]) -> str:
        return next(k for k, m in self.models.items() if m is model)


def arguments(call: Call) -> dict[str, Any]:
    """The call's keyword arguments as the creator takes them."""
    kwargs: dict[str, Any] = {}
    for key, value in call.arguments:
        if isinstance(value, MetaOverride):
            value = type(value.name, (), dict(value.attributes))
        elif key == "model_config":
            value = ConfigDict(**dict(value))  # type: ignore[typeddict-item]
        kwargs[key] = value
    return kwargs


def build_class(model: type[Model], call: Call) -> type[BaseModel]:
    """What the call builds for ``model`` with the installed creator, now."""
    kwargs = arguments(call)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if call.kind == "queryset":
            return pydantic_queryset_creator(model, **kwargs)
        return pydantic_model_creator(model, **kwargs)


def model_of(cls: type[BaseModel]) -> type[Model] | None:
    found = item_class(cls).model_config.get("orig_model")
    return found if isinstance(found, type) and issubclass(found, Model) else None


@contextlib.contextmanager
def fresh_index() -> Iterator[None]:
    """The creator's class cache, empty for the block and as it was afterwards: a
    class cached from another import of the same models must not answer."""
    index: dict[str, Any] | None = getattr(creator_module, "_MODEL_INDEX", None)
    saved = dict(index) if index is not None else {}
    if index is not None:
        index.clear()
    try:
        yield
    finally:
        if index is not None:
            index.clear()
            index.update(saved)


@contextlib.contextmanager
def loaded(config: Config, calls: Sequence[Call]) -> Iterator[Session]:
    """Import the models, build every call before and after ``init_models``."""
    early: dict[int, Any] = {}

    def build_early() -> None:
        early.update({id(c): _try_build(c) for c in calls if c.problem is None})

    with fresh_index(), loading.initialised_models(config, build_early) as apps:
        models = _registered(apps)
        session = Session(
            models=models,
            model_modules=frozenset(
                {m.__module__ for m in models.values()}
                | {m for _, modules in apps.modules for m in modules}
            ),
            infos={k: _info(k, m, models) for k, m in models.items()},
            built=[],
            star={},
        )
        for call in calls:
            session.built.append(_build(session, call, early.get(id(call))))
        yield session


def star_shape(session: Session, key: str, depth: int) -> Shape:
    """What ``nest = "*"`` with ``depth`` and ``raw_ids = false`` gives for a model:
    the creator's build when every model's ``max_recursion`` is ``depth`` and
    ``allow_cycles`` is false (§12), built by the creator itself."""
    if (key, depth) not in session.star:
        patched = {"max_recursion": depth, "allow_cycles": False, "exclude_raw_fields": True}
        saved = {k: m.__dict__.get("PydanticMeta") for k, m in session.models.items()}
        try:
            for model in session.models.values():
                base = getattr(model, "PydanticMeta", None)
                meta = type("PydanticMeta", (base,) if base else (), patched)
                model.PydanticMeta = meta  # type: ignore[attr-defined]
            with fresh_index(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cls = pydantic_model_creator(session.models[key])
            session.star[key, depth] = _shape(session, cls)
        finally:
            for k, model in session.models.items():
                if saved[k] is None:
                    with contextlib.suppress(AttributeError):
                        del model.PydanticMeta  # type: ignore[attr-defined]
                else:
                    model.PydanticMeta = saved[k]  # type: ignore[attr-defined]
    return session.star[key, depth]


def _try_build(call: Call) -> type[BaseModel] | BaseException | None:
    model = _lookup_early(call)
    if model is None:
        return None
    try:
        return build_class(model, call)
    except Exception as exc:  # what the creator raises is the finding
        return exc


def _lookup_early(call: Call) -> type[Model] | None:
    module, _, name = (call.model or "").rpartition(".")
    found = getattr(sys.modules.get(module), name, None) if module else None
    return found if isinstance(found, type) and issubclass(found, Model) else None


def _build(session: Session, call: Call, early: Any) -> Built:
    built = Built(call)
    if call.problem is not None:
        built.problem = call.problem
        return built
    model = _lookup(session, call)
    if model is None:
        built.problem = f"{call.model_text} is not one of the configured Tortoise models"
        return built
    built.model = session.key_of(model)
    if call.module in session.model_modules:
        built.problem = (
            "the call is in a models module: importing the generated file there would"
            " import it into the models"
        )
        return built
    try:
        built.cls = build_class(model, call)
    except Exception as exc:  # the creator refuses the call: it fails in the app too
        built.problem = f"the creator raises {type(exc).__name__}: {exc}".splitlines()[0]
        return built
    built.shape = _shape(session, built.cls)
    if isinstance(early, type) and issubclass(early, BaseModel):
        built.early_shape = _shape(session, early)
    built.meta = _meta_reached(session, built.cls, call)
    return built


def _lookup(session: Session, call: Call) -> type[Model] | None:
    module, _, name = (call.model or "").rpartition(".")
    if module and module not in sys.modules:
        with contextlib.suppress(ImportError):
            importlib.import_module(module)  # a package that re-exports the models
    found = getattr(sys.modules.get(module), name, None) if module else None
    if isinstance(found, type) and issubclass(found, Model):
        return next((m for m in session.models.values() if m is found), None)
    same = [m for m in session.models.values() if m.__name__ == name]
    return same[0] if len(same) == 1 else None


def _registered(apps: loading.LoadedModels) -> dict[str, type[Model]]:
    models = [m for _, found in apps.models for m in found]
    names = [m.__name__ for m in models]
    return {
        (m.__name__ if names.count(m.__name__) == 1 else f"{m._meta.app}.{m.__name__}"): m
        for m in models
    }


def _info(key: str, model: type[Model], models: dict[str, type[Model]]) -> ModelInfo:
    meta = model._meta
    keys = {id(m): k for k, m in models.items()}
    relations = []
    raw = []
    for name in meta.fetch_fields:
        related = getattr(meta.fields_map[name], "related_model", None)
        if related is not None and id(related) in keys:
            relations.append((name, keys[id(related)]))
        source = getattr(meta.fields_map[name], "source_field", None)
        if name in meta.fk_fields | meta.o2o_fields and source:
            raw.append((name, source))
    order = list(meta.fields_map)
    relations.sort(key=lambda r: order.index(r[0]))
    return ModelInfo(key, tuple(relations), tuple(raw), tuple(_meta_values(model).items()))


def _meta_values(model: type[Model], override: type | None = None) -> dict[str, Any]:
    """The PydanticMeta values as the creator reads them (its own reader)."""
    from tortoise.contrib.pydantic.descriptions import PydanticMetaData

    meta = getattr(model, "PydanticMeta", None)
    data = PydanticMetaData.from_pydantic_meta(meta) if meta else PydanticMetaData()
    if override is not None:
        data = data.construct_pydantic_meta(override)
    values = dataclasses.asdict(data)
    return {k: values[k] for k in META_KEYS}


def _meta_reached(session: Session, cls: type[BaseModel], call: Call) -> dict[str, dict[str, Any]]:
    """The PydanticMeta of every model the built class reaches, keyed by model."""
    override = arguments(call).get("meta_override")
    found: dict[str, dict[str, Any]] = {}
    todo = [cls]
    seen: set[type[BaseModel]] = set()
    while todo:
        current = item_class(todo.pop())
        if current in seen:
            continue
        seen.add(current)
        model = model_of(current)
        if model is not None and any(m is model for m in session.models.values()):
            key = session.key_of(model)
            root = current is item_class(cls)
            found.setdefault(key, _meta_values(model, override if root else None))

        for info in current.model_fields.values():
            nested = nested_class(info.annotation)
            if nested is not None:
                todo.append(nested)
    return found


def _shape(session: Session, cls: type[BaseModel]) -> Shape:
    def key(c: type[BaseModel]) -> str | None:
        model = model_of(c)
        if model is None:
            return None
        return next((k for k, m in session.models.items() if m is model), None)

    return read_shape(cls, model_key=key)
