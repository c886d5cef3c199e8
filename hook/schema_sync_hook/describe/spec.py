"""A neutral description of models and fields: plain frozen dataclasses.

Introspection produces it, rendering consumes it; nothing from Tortoise crosses
this line. Values are plain Python: str, int, float, bool, Decimal, and the
small reference types below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeAlias


@dataclass(frozen=True)
class Location:
    """Where something is defined: an absolute file path and a 1-based line."""

    file: str
    line: int


@dataclass(frozen=True)
class TypeRef:
    """An importable name: ``module`` and ``qualname`` (``builtins`` for builtins)."""

    module: str
    qualname: str


@dataclass(frozen=True)
class EnumMember:
    """A member of an enum class, used as a default value; ``value`` is the member's
    value when it is a plain literal (None otherwise), to write ``Color("lb")`` when
    the member's name is not an identifier."""

    enum: TypeRef
    member: str
    value: bool | int | float | str | bytes | Decimal | None = None


@dataclass(frozen=True)
class Factory:
    """A callable default: ``ref`` when it can be imported, else None (opaque)."""

    ref: TypeRef | None
    shown: str


LiteralValue: TypeAlias = "bool | int | float | str | bytes | Decimal | EnumMember | None"


@dataclass(frozen=True)
class Default:
    """A Python-side default of a model field."""

    value: LiteralValue = None
    factory: Factory | None = None


@dataclass(frozen=True)
class FieldSpec:
    """One field of a schema, as the API sees it.

    ``kind`` is one of: ``scalar`` (``type`` holds the class), ``enum`` (``type``
    is the enum class), ``json`` (``type`` is None, or a class for a typed JSONField),
    ``array`` (``type`` is the element class).
    """

    name: str
    kind: str
    type: TypeRef | None
    nullable: bool = False
    default: Default | None = None
    has_db_default: bool = False
    generated: bool = False
    read_only: bool = False
    constraints: tuple[tuple[str, int | str | Decimal], ...] = ()
    description: str | None = None
    notes: tuple[str, ...] = ()
    # the line defining the model attribute (for a relation, the relation's line)
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class TypeExpr:
    """A type annotation: ``ref`` with ``args`` (``list[int]``), or, when ``ref`` is
    None, the union of ``args``. ``builtins.None`` stands for None."""

    ref: TypeRef | None
    args: tuple[TypeExpr, ...] = ()


@dataclass(frozen=True)
class RelationSpec:
    """A relation a Detail nests as the related model's Response, one level deep.

    ``kind`` is ``fk`` or ``o2o`` (declared here), ``reverse_fk``, ``reverse_o2o``
    or ``m2m`` (either side). ``many``: a list; ``nullable``: may be None.
    """

    name: str
    kind: str
    target_app: str
    target: str
    many: bool = False
    nullable: bool = False
    description: str | None = None
    # the relation's line (a reverse relation: the annotation's, if any)
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ComputedSpec:
    """A ``PydanticMeta.computed`` method or property; ``type`` None means Any."""

    name: str
    type: TypeExpr | None
    is_async: bool = False
    description: str | None = None
    location: Location | None = field(default=None, compare=False)  # the method's line


@dataclass(frozen=True)
class ModelSpec:
    name: str
    app: str
    module: str
    doc: str | None
    fields: tuple[FieldSpec, ...]
    # PydanticMeta.model_config entries carried over: literals or importable callables
    config: tuple[tuple[str, bool | int | float | str | TypeRef], ...] = ()
    location: Location | None = field(default=None, compare=False)  # the class line
    relations: tuple[RelationSpec, ...] = ()
    computed: tuple[ComputedSpec, ...] = ()


@dataclass(frozen=True)
class ViewLevel:
    """One level of a view (SPEC §12): a model, its fields, the relations nested below.

    ``path`` holds the relation names from the view's root; ``reuse``: nothing restricts
    or nests below, so the model's own Response serves this level.
    """

    model: ModelSpec
    path: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    computed: tuple[ComputedSpec, ...]
    nested: tuple[tuple[RelationSpec, ViewLevel], ...] = ()
    reuse: bool = False


@dataclass(frozen=True)
class ViewSpec:
    """A declared view resolved against the models; ``origin`` is where it was declared."""

    name: str
    root: ViewLevel
    list_class: bool = False
    origin: str = ""


@dataclass(frozen=True)
class AppSpec:
    label: str
    modules: tuple[str, ...]
    models: tuple[ModelSpec, ...]


@dataclass(frozen=True)
class ProjectSpec:
    apps: tuple[AppSpec, ...]
    imported_files: tuple[str, ...] = ()
    # Missing third-party modules that were stubbed, and the import statements
    # (file, line, module) answered with a placeholder (see schema_sync_hook.missing.session).
    stubbed: tuple[str, ...] = ()
    stub_sites: tuple[tuple[str, int, str], ...] = ()
    views: tuple[ViewSpec, ...] = ()

    @property
    def models(self) -> tuple[ModelSpec, ...]:
        return tuple(m for app in self.apps for m in app.models)

    @property
    def modules(self) -> tuple[str, ...]:
        return tuple(m for app in self.apps for m in app.modules)
