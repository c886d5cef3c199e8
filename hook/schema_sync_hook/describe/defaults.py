"""A field's default as the description carries it.

A literal default becomes the value the model holds (an enum field's ``"b"`` is
``Kind.B``, a bool field's ``1`` is ``True``), so the generated class's default has
its field's type; a callable becomes a factory when the generated file can import it.
"""

from __future__ import annotations

import decimal
import enum
import inspect
from typing import Any

from tortoise import fields
from tortoise.models import Model

from schema_sync_hook.describe.refs import importable, type_ref
from schema_sync_hook.describe.spec import Default, EnumMember, Factory
from schema_sync_hook.errors import UserError

_LITERAL_TYPES = (bool, int, float, str, bytes, decimal.Decimal)
_CONVERTED = (bool, int, float, decimal.Decimal)  # literal defaults of another type converted


def describe_default(
    model: type[Model], name: str, field: fields.Field[Any], kind: str
) -> Default | None:
    """The default of ``Model.name`` (``kind`` as the field's description has it)."""
    return _default(_typed(model, name, field, kind))


def callable_name(obj: Any) -> str:
    target = obj if inspect.isfunction(obj) or inspect.isclass(obj) else type(obj)
    return getattr(target, "__qualname__", repr(target))


def _typed(model: type[Model], name: str, field: fields.Field[Any], kind: str) -> Any:
    """A literal default as the value the model holds: the enum member for a plain value
    on an enum field (``default="b"`` -> ``Kind.B``), a bool for a number on a bool field,
    a number for a string on a number field."""
    value = field.default
    if value is None or callable(value) or isinstance(value, enum.Enum):
        return value
    enum_type = getattr(field, "enum_type", None)
    if kind == "enum" and isinstance(enum_type, type) and issubclass(enum_type, enum.Enum):
        try:
            return enum_type(value)
        except (ValueError, TypeError):
            raise UserError(
                f"{model.__name__}.{name}: the default {value!r} is not a value of"
                f" {enum_type.__name__}",
                f"set the default to a member such as {enum_type.__name__}."
                f"{next(iter(enum_type.__members__), 'X')}",
            ) from None
    python_type = field.field_type
    if kind != "scalar" or python_type not in _CONVERTED or isinstance(value, python_type):
        return value
    # As Tortoise stores it (``field_type(value)``): "5" on an IntField is 5, 1 on a
    # BooleanField is True; an int on a float or Decimal field is already right.
    if isinstance(value, str) or (python_type is bool and isinstance(value, (int, float))):
        try:
            return python_type(value)
        except (ValueError, ArithmeticError):
            raise UserError(
                f"{model.__name__}.{name}: the default {value!r} is not a {python_type.__name__}",
                f"write the default as a {python_type.__name__}",
            ) from None
    return value


def _default(value: Any) -> Default | None:
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        literal = value.value if isinstance(value.value, _LITERAL_TYPES) else None
        return Default(value=EnumMember(type_ref(type(value)), value.name, literal))
    if callable(value):
        # An async default is awaited by Tortoise; a schema cannot call it: left to the model.
        ref = None if inspect.iscoroutinefunction(value) else importable(value)
        return Default(factory=Factory(ref=ref, shown=callable_name(value)))
    if isinstance(value, _LITERAL_TYPES):
        return Default(value=value)
    # Any other value (a date, a UUID, a list): not rendered; the model fills it in.
    return Default(factory=Factory(ref=None, shown=type(value).__name__))
