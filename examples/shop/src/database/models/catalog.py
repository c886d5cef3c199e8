"""Catalogue: categories, suppliers, products and tags."""

from typing import Any

from tortoise import fields, models
from tortoise.validators import MinLengthValidator, MinValueValidator, RegexValidator

from .enums import ProductStatus


class Category(models.Model):
    """A node in the product category tree."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True, description="Display name")
    slug = fields.CharField(
        max_length=100, unique=True, validators=[RegexValidator(r"^[a-z0-9-]+$", 0)]
    )
    parent: fields.ForeignKeyNullableRelation["Category"] = fields.ForeignKeyField(
        "models.Category", related_name="children", null=True, on_delete=fields.SET_NULL
    )
    #: Shown in navigation menus when true.
    is_visible = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)


class Supplier(models.Model):
    """A company that supplies products."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    contact_email = fields.CharField(max_length=254, null=True)
    phone = fields.CharField(max_length=32, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)


class Product(models.Model):
    """Something the shop sells."""

    id = fields.IntField(primary_key=True)
    sku = fields.CharField(
        max_length=64, unique=True, validators=[MinLengthValidator(3)]
    )
    name = fields.CharField(max_length=255, validators=[MinLengthValidator(1)])
    description = fields.TextField(null=True)
    base_price = fields.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    weight_grams = fields.IntField(null=True, validators=[MinValueValidator(0)])
    status = fields.CharEnumField(ProductStatus, default=ProductStatus.DRAFT)
    attributes: Any = fields.JSONField(default=dict, description="Free-form attributes")
    category: fields.ForeignKeyRelation["Category"] = fields.ForeignKeyField(
        "models.Category", related_name="products"
    )
    supplier: fields.ForeignKeyNullableRelation["Supplier"] = fields.ForeignKeyField(
        "models.Supplier", related_name="products", null=True, on_delete=fields.SET_NULL
    )
    tags: fields.ManyToManyRelation["Tag"] = fields.ManyToManyField(
        "models.Tag", related_name="products"
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    def price_label(self) -> str:
        """The price as shown in the shop."""
        return f"{self.base_price:.2f} EUR"

    class PydanticMeta:
        computed = ("price_label",)


class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50, unique=True)
