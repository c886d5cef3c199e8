"""Customers and their addresses."""

from tortoise import fields, models

from .enums import AddressKind


class Customer(models.Model):
    """A registered shopper."""

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    full_name = fields.CharField(max_length=200)
    password_hash = fields.CharField(
        max_length=128, description="Never sent to clients"
    )
    is_active = fields.BooleanField(default=True)
    marketing_opt_in = fields.BooleanField(default=False)
    date_of_birth = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)


class Address(models.Model):
    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation["Customer"] = fields.ForeignKeyField(
        "models.Customer", related_name="addresses"
    )
    kind = fields.CharEnumField(AddressKind, default=AddressKind.SHIPPING)
    line1 = fields.CharField(max_length=200)
    line2 = fields.CharField(max_length=200, null=True)
    city = fields.CharField(max_length=100)
    postal_code = fields.CharField(max_length=20)
    country = fields.CharField(max_length=2, description="ISO 3166-1 alpha-2 code")
