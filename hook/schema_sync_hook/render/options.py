"""RenderOptions and the variant tables every renderer reads."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

from schema_sync_hook.describe.spec import TypeRef
from schema_sync_hook.settings.formatter import Style
from schema_sync_hook.settings.variants import DEFAULT_CLASS_NAMES, KEYS, TITLES

VARIANTS = TITLES
VARIANT_KEYS = KEYS
_PYDANTIC = TypeRef("pydantic", "BaseModel"), TypeRef("pydantic", "ConfigDict")


@dataclass(frozen=True)
class RenderOptions:
    # the project's formatter settings: line length, indentation, quotes
    style: Style = field(default_factory=Style)
    sensitive_fields: tuple[str, ...] = ("*password*", "*secret*")
    variants: tuple[str, ...] = VARIANT_KEYS
    class_names: tuple[tuple[str, str], ...] = DEFAULT_CLASS_NAMES
    class_names_origin: str = "default"  # where class_names was set, for its errors
    base_class: TypeRef = _PYDANTIC[0]
    # per variant key, glob patterns over "Model.field" (or a bare field name)
    exclude: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # generated file path -> the module it imports as (None: not importable)
    modules: tuple[tuple[str, str | None], ...] = ()

    @property
    def line_length(self) -> int:
        return self.style.line_length

    @property
    def indent(self) -> str:
        """One level of indentation."""
        return self.style.indent

    def emitted(self, variant: str) -> bool:
        """Whether ``variant`` classes are written (a Detail needs its Response)."""
        wanted = set(self.variants)
        return variant.lower() in wanted or (variant == "Response" and "detail" in wanted)

    def class_name(self, model: str, variant: str) -> str:
        return dict(self.class_names)[variant.lower()].replace("{model}", model)

    def excluded(self, model: str, name: str, variant: str) -> bool:
        patterns = dict(self.exclude).get(variant.lower(), ())
        return any(
            fnmatch.fnmatchcase(f"{model}.{name}" if "." in p else name, p) for p in patterns
        )
