"""The rest of Tortoise: extra field kinds, contrib fields, inheritance, PydanticMeta."""

import ipaddress
from typing import Any

from pydantic import BaseModel
from tortoise import fields, models
from tortoise.contrib.mysql.fields import GeometryField
from tortoise.contrib.postgres.fields import ArrayField, TSVectorField
from tortoise.validators import validate_ipv4_address


class Dimensions(BaseModel):
    width: int
    height: int


class IPv4Field(fields.CharField):
    """A custom field whose Python type is ipaddress.IPv4Address."""

    field_type = ipaddress.IPv4Address  # type: ignore[assignment]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=15, **kwargs)


class TimestampMixin:
    created_at = fields.DatetimeField(auto_now_add=True)
    modified_at = fields.DatetimeField(auto_now=True)


class NamedBase(models.Model):
    """An abstract base: its fields come first, as in Tortoise."""

    name = fields.CharField(max_length=40, unique=True, source_field="display_name")

    class Meta:
        abstract = True


class Gadget(NamedBase, TimestampMixin):
    """A gadget.

    It has every extra field kind.
    """

    id = fields.IntField(primary_key=True)
    opens_at = fields.TimeField(null=True)
    touched_at = fields.TimeField(auto_now=True)
    warranty = fields.TimeDeltaField(null=True)
    blob = fields.BinaryField(null=True)
    size = fields.JSONField(field_type=Dimensions, null=True)
    extra: fields.JSONField[Dimensions] = fields.JSONField(null=True)
    scores = ArrayField(element_type="int", null=True)
    labels = ArrayField(element_type="text", default=list)
    search = TSVectorField(null=True)
    shape = GeometryField(null=True)
    address = IPv4Field(null=True)
    ip_text = fields.CharField(max_length=15, validators=[validate_ipv4_address], null=True)

    class PydanticMeta:
        exclude = ("search",)


class Slim(models.Model):
    id = fields.IntField(primary_key=True)
    keep = fields.CharField(max_length=10)
    drop = fields.CharField(max_length=10, null=True)

    class PydanticMeta:
        include = ("id", "keep")
