"""Hand-written schemas: extend the generated ones here, never edit the generated file."""

from pydantic import field_validator

from .schemas_generated import OrderDeep, ProductResponse, ProductUpdate
from .schemas_generated import ProductCreate as BaseProductCreate

__all__ = ["OrderDeep", "ProductCreate", "ProductResponse", "ProductUpdate"]

FORBIDDEN_WORDS = ("forbidden",)


class ProductCreate(BaseProductCreate):
    """Extended product schema with custom validation."""

    @field_validator("name")
    @classmethod
    def validate_name(cls, v: str) -> str:
        if any(word in v.lower() for word in FORBIDDEN_WORDS):
            raise ValueError("Name contains forbidden word")
        return v
