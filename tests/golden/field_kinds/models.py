"""Every field kind of the core, with nulls, defaults and validators."""

import uuid
from decimal import Decimal
from enum import Enum, IntEnum

from tortoise import fields, models
from tortoise.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    RegexValidator,
)


class Mood(str, Enum):
    HAPPY = "happy"
    SAD = "sad"


class Level(IntEnum):
    ONE = 1
    TWO = 2


def default_label() -> str:
    return "generated"


class Everything(models.Model):
    """A model with one of each field kind."""

    id = fields.IntField(primary_key=True)
    small = fields.SmallIntField()
    big = fields.BigIntField(null=True)
    ranged = fields.IntField(validators=[MinValueValidator(1), MaxValueValidator(10)])
    name = fields.CharField(max_length=50, validators=[MinLengthValidator(2)])
    code = fields.CharField(max_length=10, validators=[RegexValidator(r"[A-Z]+", 0)])
    short = fields.CharField(max_length=40, validators=[MaxLengthValidator(20)])
    body = fields.TextField(null=True)
    flag = fields.BooleanField(default=False)
    price = fields.DecimalField(max_digits=8, decimal_places=2, default=Decimal("9.99"))
    ratio = fields.FloatField(default=0.5)
    happened_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    day = fields.DateField()
    token = fields.UUIDField(default=uuid.uuid4)
    payload = fields.JSONField(null=True)
    settings = fields.JSONField(default=dict)
    mood = fields.CharEnumField(Mood, default=Mood.HAPPY, description="How it feels")
    level = fields.IntEnumField(Level, null=True)
    label = fields.CharField(max_length=30, default=default_label)
    nonce = fields.CharField(max_length=10, default=lambda: "fresh")
    secret_key = fields.CharField(max_length=64, null=True)


class Owner(models.Model):
    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=20)


class Thing(models.Model):
    id = fields.BigIntField(primary_key=True)
    owner = fields.ForeignKeyField("models.Owner", related_name="things")
    twin = fields.OneToOneField("models.Everything", related_name="thing", null=True)
