"""Source of the base every generated Response inherits: it reads Tortoise objects.

Written into the generated file (which imports neither tortoise nor this
package): ``from_tortoise_orm``/``from_queryset``/``from_queryset_single``, the ``prefetch`` class
variable, and the check that turns an unfetched relation or an async computed
field met by ``model_validate`` into a ValidationError that names the way out.
"""

from __future__ import annotations

from collections.abc import Callable

from schema_sync_hook.describe.spec import TypeRef

READER = "_FromTortoise"
# Module-level names the helpers define (no import may take them).
NAMES = frozenset(
    [READER, "_R", "_AWAITED", "_plain", "_fetched", "_objects", "_fetch", "_awaited", "_nested"]
)

_TEMPLATE = '''\
_R = {TypeVar}("_R", bound="_FromTortoise")
_AWAITED = "awaited computed fields"


def _plain(value: {Any}) -> {Any}:
    """A relation attribute as plain data: None, a list, or the object itself."""
    if type(value).__name__ == "_NoneAwaitable":  # a null foreign key, not fetched
        return None
    return list(value) if getattr(value, "_fetched", None) is True else value


def _fetched(value: {Any}) -> bool:
    """Whether a relation attribute holds its objects: not a query, not an unfetched
    relation (a model instance is awaitable too, and is fetched)."""
    value = _plain(value)
    if hasattr(value, "_meta"):
        return True
    return not {isawaitable}(value) and getattr(value, "_fetched", True) is not False


def _objects(value: {Any}) -> list[{Any}]:
    value = _plain(value)
    return [] if value is None else value if isinstance(value, list) else [value]


async def _fetch(objects: list[{Any}], paths: {Iterable}[str]) -> None:
    """Fetch the relations ``paths`` (``a__b`` goes deeper) that are not fetched yet."""
    heads: dict[str, list[str]] = {{}}
    for path in paths:
        head, _, rest = path.partition("__")
        heads.setdefault(head, []).extend([rest] if rest else [])
    for head, rests in heads.items():
        missing = [o for o in objects if not _fetched(getattr(o, head))]
        if missing:
            await type(missing[0]).fetch_for_list(missing, head)
        if rests:
            related = [r for o in objects for r in _objects(getattr(o, head))]
            await _fetch(related, rests)


def _nested(annotation: {Any}) -> type[{BaseModel}] | None:
    """The schema class a field nests (``X``, ``X | None``, ``list[X]``), if any."""
    args = {get_args}(annotation)
    if not args:
        if isinstance(annotation, type) and issubclass(annotation, {BaseModel}):
            return annotation
        return None
    found = [n for n in map(_nested, args) if n is not None]
    return found[0] if found else None


async def _awaited(cls: type[{BaseModel}], objects: list[{Any}]) -> dict[str, {Any}]:
    """The results of async computed fields, at every nesting level."""
    results: dict[tuple[int, str], {Any}] = {{}}
    todo = [(cls, obj) for obj in objects]
    while todo:
        model, obj = todo.pop()
        for name, field in model.model_fields.items():
            attr = field.alias or name
            key = (id(obj), attr)
            method = getattr(type(obj), attr, None)
            if {iscoroutinefunction}(method) and key not in results:
                results[key] = await getattr(obj, attr)()
            nested = _nested(field.annotation)
            if nested is not None and _fetched(getattr(obj, attr, None)):
                todo += [(nested, o) for o in _objects(getattr(obj, attr))]
    return {{_AWAITED: results}}


class {READER}({base}):
    """Reads Tortoise objects; the relations named in ``prefetch`` are nested."""

    prefetch: {ClassVar}[tuple[str, ...]] = ()

    @{field_validator}("*", mode="before")
    @classmethod
    def _read(cls, value: {Any}, info: {ValidationInfo}) -> {Any}:
        """Call a computed field's method; refuse an unfetched relation."""
        way_out = f"use `await {{cls.__name__}}.from_tortoise_orm(obj)`"
        if {ismethod}(value):
            if not {iscoroutinefunction}(value):
                return value()
            awaited = (info.context or {{}}).get(_AWAITED, {{}})
            key = (id(value.__self__), value.__name__)
            if key not in awaited:
                message = f"{{info.field_name}} is an async computed field: {{way_out}}"
                raise ValueError(f"{{message}} or `{{cls.__name__}}.from_queryset(qs)`")
            return awaited[key]
        if _fetched(value):
            return _plain(value)
        if {iscoroutine}(value):
            value.close()
        message = f"relation {{info.field_name}} was not fetched: {{way_out}}"
        raise ValueError(f"{{message}} or `prefetch_related(*{{cls.__name__}}.prefetch)`")

    @classmethod
    async def from_tortoise_orm(cls: type[_R], obj: {Any}) -> _R:  # noqa: PYI019
        """Validate ``obj``, first fetching the relations of ``prefetch`` it lacks."""
        await _fetch([obj], cls.prefetch)
        return cls.model_validate(obj, context=await _awaited(cls, [obj]))

    @classmethod
    async def from_queryset(cls: type[_R], queryset: {Any}) -> list[_R]:  # noqa: PYI019
        """Validate every row, with one ``prefetch_related`` call for ``prefetch``."""
        objects = await queryset.prefetch_related(*cls.prefetch)
        context = await _awaited(cls, objects)
        return [cls.model_validate(obj, context=context) for obj in objects]

    @classmethod
    async def from_queryset_single(cls: type[_R], queryset: {Any}) -> _R:  # noqa: PYI019
        """Validate the row of ``queryset`` (``Model.get(...)``), with ``prefetch``."""
        obj = await queryset.prefetch_related(*cls.prefetch)
        return cls.model_validate(obj, context=await _awaited(cls, [obj]))'''

_REFS = {
    "Any": TypeRef("typing", "Any"),
    "ClassVar": TypeRef("typing", "ClassVar"),
    "TypeVar": TypeRef("typing", "TypeVar"),
    "get_args": TypeRef("typing", "get_args"),
    "Iterable": TypeRef("collections.abc", "Iterable"),
    "isawaitable": TypeRef("inspect", "isawaitable"),
    "iscoroutine": TypeRef("inspect", "iscoroutine"),
    "iscoroutinefunction": TypeRef("inspect", "iscoroutinefunction"),
    "ismethod": TypeRef("inspect", "ismethod"),
    "BaseModel": TypeRef("pydantic", "BaseModel"),
    "ValidationInfo": TypeRef("pydantic", "ValidationInfo"),
    "field_validator": TypeRef("pydantic", "field_validator"),
}


def reader_lines(use: Callable[[TypeRef], str], base: str) -> list[str]:
    """The helpers' source lines, with every imported name as ``use`` chose it."""
    names = {key: use(ref) for key, ref in _REFS.items()}
    return _TEMPLATE.format(READER=READER, base=base, **names).split("\n")
