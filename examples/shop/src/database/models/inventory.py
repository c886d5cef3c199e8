"""Warehouses and stock levels."""

from typing import TYPE_CHECKING

from tortoise import fields, models
from tortoise.validators import MinValueValidator

if TYPE_CHECKING:
    from .catalog import Product


class Warehouse(models.Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=10, unique=True)
    name = fields.CharField(max_length=100)
    city = fields.CharField(max_length=100)


class InventoryItem(models.Model):
    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation["Product"] = fields.ForeignKeyField(
        "models.Product", related_name="stock"
    )
    warehouse: fields.ForeignKeyRelation["Warehouse"] = fields.ForeignKeyField(
        "models.Warehouse", related_name="stock"
    )
    quantity = fields.IntField(default=0, validators=[MinValueValidator(0)])
    reorder_level = fields.IntField(default=10)
    updated_at = fields.DatetimeField(auto_now=True)
