"""Product reviews."""

from typing import TYPE_CHECKING

from tortoise import fields, models
from tortoise.validators import MaxValueValidator, MinValueValidator

if TYPE_CHECKING:
    from .catalog import Product
    from .customers import Customer


class Review(models.Model):
    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation["Product"] = fields.ForeignKeyField(
        "models.Product", related_name="reviews"
    )
    customer: fields.ForeignKeyRelation["Customer"] = fields.ForeignKeyField(
        "models.Customer", related_name="reviews"
    )
    rating = fields.SmallIntField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    title = fields.CharField(max_length=120)
    body = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
