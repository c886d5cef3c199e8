"""Source of the ``_NotNull`` helper, written into a generated file that needs it.

``_NotNull[T]`` marks a field that may be omitted (it stays unset) but whose
explicit null is refused; the JSON schema does not offer null.
"""

from __future__ import annotations

from collections.abc import Callable

from schema_sync_hook.describe.spec import TypeRef

NOT_NULL = "_NotNull"
# Module-level names the helper defines (no import may take them).
NAMES = frozenset(["_T", "_reject_null", "_NullNotOffered", NOT_NULL])
_ANY = TypeRef("typing", "Any")
_ANNOTATED = TypeRef("typing", "Annotated")
_TYPEVAR = TypeRef("typing", "TypeVar")
_BEFORE_VALIDATOR = TypeRef("pydantic", "BeforeValidator")
_SCHEMA_HANDLER = TypeRef("pydantic", "GetJsonSchemaHandler")
_INDENT = "    "


def lines(use: Callable[[TypeRef], str]) -> list[str]:
    """``_NotNull[T]``: may be omitted (stays unset) but an explicit null is refused.

    The type is ``T | None`` (what the attribute holds when the field was not sent),
    null is rejected before validation, and the JSON schema does not offer null.
    """
    annotated, typevar = use(_ANNOTATED), use(_TYPEVAR)
    before, handler, any_ = (
        use(_BEFORE_VALIDATOR),
        use(_SCHEMA_HANDLER),
        use(_ANY),
    )
    i1, i2, i3 = _INDENT, _INDENT * 2, _INDENT * 3
    return [
        f'_T = {typevar}("_T")',
        "",
        "",
        "def _reject_null(value: _T) -> _T:",
        f"{i1}if value is None:",
        f'{i2}raise ValueError("may be omitted, but not null")',
        f"{i1}return value",
        "",
        "",
        "class _NullNotOffered:",
        f'{i1}"""Leaves null out of the JSON schema of a field that may only be omitted."""',
        "",
        f"{i1}def __get_pydantic_json_schema__(",
        f"{i2}self, schema: {any_}, handler: {handler}",
        f"{i1}) -> dict[str, {any_}]:",
        f"{i2}result = handler(schema)",
        f'{i2}options = [o for o in result.pop("anyOf", [result]) if o.get("type") != "null"]',
        f"{i2}if len(options) == 1:",
        f"{i3}return {{**options[0], **result}}",
        f'{i2}return {{"anyOf": options, **result}}',
        "",
        "",
        "# A field that may be left out but, when sent, must not be null.",
        f"{NOT_NULL} = {annotated}[_T | None, {before}(_reject_null), _NullNotOffered()]",
    ]
