"""Carts, orders, payments and shipments."""

import uuid
from typing import TYPE_CHECKING, Any

from tortoise import fields, models
from tortoise.validators import MaxValueValidator, MinValueValidator

from .enums import OrderStatus, PaymentMethod, Priority

if TYPE_CHECKING:
    from .catalog import Product
    from .customers import Address, Customer


class Cart(models.Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    customer: fields.ForeignKeyNullableRelation["Customer"] = fields.ForeignKeyField(
        "models.Customer", related_name="carts", null=True
    )
    items: Any = fields.JSONField(
        default=list, description="Product ids and quantities"
    )
    updated_at = fields.DatetimeField(auto_now=True)


class Order(models.Model):
    """A placed order."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=20, unique=True)
    customer: fields.ForeignKeyRelation["Customer"] = fields.ForeignKeyField(
        "models.Customer", related_name="orders"
    )
    shipping_address: fields.ForeignKeyNullableRelation["Address"] = (
        fields.ForeignKeyField(
            "models.Address",
            related_name="orders",
            null=True,
            on_delete=fields.SET_NULL,
        )
    )
    status = fields.CharEnumField(OrderStatus, default=OrderStatus.PENDING)
    priority = fields.IntEnumField(Priority, default=Priority.NORMAL)
    total = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    notes = fields.TextField(null=True)
    placed_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)


class OrderItem(models.Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation["Order"] = fields.ForeignKeyField(
        "models.Order", related_name="items"
    )
    product: fields.ForeignKeyRelation["Product"] = fields.ForeignKeyField(
        "models.Product", related_name="order_items"
    )
    quantity = fields.IntField(
        validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    unit_price = fields.DecimalField(max_digits=10, decimal_places=2)


class Payment(models.Model):
    id = fields.IntField(primary_key=True)
    order: fields.OneToOneRelation["Order"] = fields.OneToOneField(
        "models.Order", related_name="payment"
    )
    method = fields.CharEnumField(PaymentMethod)
    amount = fields.DecimalField(max_digits=12, decimal_places=2)
    transaction_id = fields.UUIDField(unique=True, default=uuid.uuid4)
    provider_secret = fields.CharField(max_length=128, null=True)
    paid_at = fields.DatetimeField(null=True)


class Shipment(models.Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation["Order"] = fields.ForeignKeyField(
        "models.Order", related_name="shipments"
    )
    carrier = fields.CharField(max_length=50)
    tracking_number = fields.CharField(max_length=100, null=True)
    shipped_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)


class Coupon(models.Model):
    """A discount code."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    percent_off = fields.SmallIntField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    valid_until = fields.DateField(null=True)
    max_uses = fields.IntField(default=1)
    active = fields.BooleanField(default=True)
