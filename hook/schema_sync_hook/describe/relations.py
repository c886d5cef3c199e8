"""Relations and computed fields of a model -> description (the Detail family).

Part of the introspection layer (it reads Tortoise's model metadata); nothing
from Tortoise leaves it.
"""

from __future__ import annotations

import collections.abc
import inspect
import types
import typing
from collections.abc import Callable
from typing import Any

from tortoise.models import Model

from schema_sync_hook.describe.refs import importable
from schema_sync_hook.describe.spec import ComputedSpec, RelationSpec, TypeExpr, TypeRef
from schema_sync_hook.errors import UserError
from schema_sync_hook.missing import placeholders as stubs
from schema_sync_hook.missing import session as missing

_NONE = TypeExpr(TypeRef("builtins", "None"))
_ELLIPSIS = TypeExpr(TypeRef("builtins", "..."))
_GENERICS = {list, dict, set, frozenset, tuple, type}


def describe_relations(
    model: type[Model], visible: Callable[[str], bool], pydantic_meta: Any
) -> tuple[RelationSpec, ...]:
    """Every relation of ``model`` in field order, as Tortoise's creator keeps them:
    ``include``/``exclude`` by relation name; ``backward_relations = False`` drops
    reverse relations that the model does not annotate."""
    meta = model._meta
    backward = bool(getattr(pydantic_meta, "backward_relations", True))
    annotated = {name for klass in model.__mro__ for name in inspect.get_annotations(klass)}
    kinds = {
        **{name: "fk" for name in meta.fk_fields},
        **{name: "o2o" for name in meta.o2o_fields},
        **{name: "reverse_fk" for name in meta.backward_fk_fields},
        **{name: "reverse_o2o" for name in meta.backward_o2o_fields},
        **{name: "m2m" for name in meta.m2m_fields},
    }
    specs = []
    for name, field in meta.fields_map.items():
        kind = kinds.get(name)
        if kind is None or not visible(name):
            continue
        if kind.startswith("reverse") and not backward and name not in annotated:
            continue
        target: type[Model] = field.related_model  # type: ignore[attr-defined]
        specs.append(
            RelationSpec(
                name=name,
                kind=kind,
                target_app=target._meta.app or "models",
                target=target.__name__,
                many=kind in ("reverse_fk", "m2m"),
                nullable=kind == "reverse_o2o" or (kind in ("fk", "o2o") and bool(field.null)),
                description=field.description or None if kind in ("fk", "o2o") else None,
            )
        )
    return tuple(specs)


def describe_computed(model: type[Model], pydantic_meta: Any) -> tuple[ComputedSpec, ...]:
    """``PydanticMeta.computed``: methods or properties, typed from their return annotation."""
    names = getattr(pydantic_meta, "computed", ()) or ()
    if isinstance(names, str):
        names = (names,)
    specs = []
    for name in names:
        where = f"{model.__name__}.{name}"
        attr = inspect.getattr_static(model, str(name), None)
        func = attr.fget if isinstance(attr, property) else attr
        if isinstance(func, (staticmethod, classmethod)) or not callable(func):
            raise UserError(
                f"{where}: PydanticMeta.computed names no method or property of the model",
                "name a method or property of the model, or remove it from computed",
            )
        is_async = inspect.iscoroutinefunction(func)
        if is_async and isinstance(attr, property):
            raise UserError(
                f"{where}: an async property cannot be a computed field",
                "make it an async method (async def) instead of a property",
            )
        specs.append(
            ComputedSpec(
                name=str(name),
                type=_return_type(where, func),
                is_async=is_async,
                description=inspect.cleandoc(func.__doc__) if func.__doc__ else None,
            )
        )
    return tuple(specs)


def _return_type(where: str, func: Any) -> TypeExpr | None:
    try:
        annotation = inspect.get_annotations(func, eval_str=True).get("return", inspect.Signature)
    except stubs.PlaceholderUsed as exc:  # from a module stubbed by missing_imports
        raise missing.refusal(where, exc.what, exc.module, exc.use) from exc
    except Exception as exc:  # NameError, SyntaxError, ...: whatever the annotation raises
        raise UserError(
            f"{where}: its return annotation cannot be imported ({type(exc).__name__}: {exc})",
            "import the type at module level (not under TYPE_CHECKING) or remove the annotation",
        ) from None
    if annotation is inspect.Signature:
        return None
    missing.refuse_placeholder(where, annotation)
    expr = _type_expr(annotation)
    if expr is None:
        raise UserError(
            f"{where}: its return annotation {annotation!r} cannot be imported by the schema",
            "return a type defined at module level (not a Tortoise model), or remove the"
            " annotation",
        )
    return expr


def _type_expr(annotation: Any) -> TypeExpr | None:
    """A type the generated file can import, or None."""
    if annotation is None or annotation is type(None):
        return _NONE
    if annotation is typing.Any:
        return TypeExpr(TypeRef("typing", "Any"))
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_expr(args[0])
    if origin is typing.Union or origin is types.UnionType:
        options = [_type_expr(arg) for arg in args]
        return None if None in options else TypeExpr(None, tuple(o for o in options if o))
    if origin is not None:
        name = getattr(origin, "__name__", "")
        if origin in _GENERICS:
            ref = TypeRef("builtins", name)
        elif getattr(collections.abc, name, None) is origin:
            ref = TypeRef("collections.abc", name)
        else:
            return None
        parts = [_type_expr(arg) if arg is not Ellipsis else _ELLIPSIS for arg in args]
        return None if None in parts else TypeExpr(ref, tuple(p for p in parts if p))
    if not isinstance(annotation, type) or issubclass(annotation, Model):
        return None
    if annotation.__module__ == "builtins":
        return TypeExpr(TypeRef("builtins", annotation.__qualname__))
    found = importable(annotation)
    return TypeExpr(found) if found is not None else None
