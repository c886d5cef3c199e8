"""A small real project whose routers hold every creator call shape adopt must handle."""

from __future__ import annotations

import textwrap
from pathlib import Path

MODELS = """
from tortoise import fields, models
from tortoise.validators import MinValueValidator


class Note(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=100)
    body = fields.TextField(null=True)


class Customer(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    email = fields.CharField(max_length=200, null=True)
    password_hash = fields.CharField(max_length=128)

    def initials(self) -> str:
        return self.name[:1]

    class PydanticMeta:
        exclude = ("password_hash",)
        computed = ("initials",)
        max_recursion = 1


class Profile(models.Model):
    id = fields.IntField(primary_key=True)
    bio = fields.CharField(max_length=200)
    customer = fields.OneToOneField("models.Customer", related_name="profile")


class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    label = fields.CharField(max_length=30)


class Product(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    tags = fields.ManyToManyField("models.Tag", related_name="products")

    class PydanticMeta:
        backward_relations = False


class Order(models.Model):
    id = fields.IntField(primary_key=True)
    status = fields.CharField(max_length=20, default="new")
    customer = fields.ForeignKeyField("models.Customer", related_name="orders")

    class PydanticMeta:
        exclude_raw_fields = False


class OrderItem(models.Model):
    id = fields.IntField(primary_key=True)
    quantity = fields.IntField(validators=[MinValueValidator(1)])
    order = fields.ForeignKeyField("models.Order", related_name="items")
    product = fields.ForeignKeyField("models.Product", related_name="order_items")


class User(models.Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=50)
    password = fields.CharField(max_length=128)
"""

ROUTERS = """
import tortoise.contrib.pydantic as tp
from tortoise.contrib.pydantic import pydantic_model_creator, pydantic_queryset_creator
from tortoise.contrib.pydantic import pydantic_model_creator as pmc

from shop.models import Customer, Note, Order, OrderItem, Tag, User

NoteOut = pydantic_model_creator(Note)
NoteIn = pydantic_model_creator(Note, name="NoteIn", exclude_readonly=True)
TagOut = pmc(Tag, exclude=("products",))
Order_Pydantic = tp.pydantic_model_creator(Order, name="OrderOut")
ItemShort = pydantic_model_creator(
    OrderItem, include=("id", "quantity", "product"), exclude=("product.tags",)
)
Orders = pydantic_queryset_creator(Order, name="OrderRows")
UserOut = pydantic_model_creator(User)
UserLogin = pydantic_model_creator(User)  # schema-sync: keep
NoteDraft = pydantic_model_creator(Note, optional=("title",), exclude_readonly=True)
CustomerOut = pydantic_model_creator(Customer, computed=("initials",))


def schema_for(model):
    return pydantic_model_creator(model)


def note_schema():
    Local = pydantic_model_creator(Note, name="NoteLocal")
    return Local


class NoteBox(pydantic_model_creator(Note, name=None, exclude=("body",))):
    pass
"""


def write_project(root: Path, routers: str = ROUTERS, extra_config: str = "") -> Path:
    (root / "shop").mkdir(parents=True, exist_ok=True)
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "models.py").write_text(textwrap.dedent(MODELS).lstrip())
    (root / "shop" / "routers.py").write_text(textwrap.dedent(routers).lstrip())
    (root / "pyproject.toml").write_text(
        "[tool.schema-sync]\n"
        'models = ["shop.models"]\n'
        'output = "shop/schemas_generated.py"\n' + extra_config
    )
    return root
