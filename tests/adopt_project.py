"""A small real project whose routers hold every creator call shape adopt must handle.

``shop/routers.py`` builds its classes the way Tortoise's documentation shows (the
models initialised first, then the creator calls), ``shop/users.py`` uses Tortoise's
own ``if TYPE_CHECKING:`` example pattern, ``shop/app.py`` serves them with FastAPI,
and ``shop/check.py`` is the project's own endpoint test: it fills an SQLite
database, calls every endpoint and every class directly, and prints the responses
as JSON, so a run before and after ``adopt --write`` can be compared.
"""

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


class Category(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=50)
    parent = fields.ForeignKeyField("models.Category", null=True, related_name="children")

    class PydanticMeta:
        allow_cycles = True
        max_recursion = 2
        exclude_raw_fields = True


class User(models.Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=50)
    password = fields.CharField(max_length=128)
"""

ROUTERS = """
import tortoise.contrib.pydantic as tp
from pydantic import BaseModel
from tortoise import Tortoise
from tortoise.contrib.pydantic import pydantic_model_creator, pydantic_queryset_creator
from tortoise.contrib.pydantic import pydantic_model_creator as pmc

from shop.models import Category, Customer, Note, Order, OrderItem, Product, Tag, User

# the relations exist before any class is built (adopt_assume = "initialised")
Tortoise.init_models(["shop.models"], "models")


class ProductMeta:
    exclude = ("tags",)


NoteOut = pydantic_model_creator(Note)
NoteIn = pydantic_model_creator(Note, name="NoteIn", exclude_readonly=True)
TagOut = pmc(Tag, exclude=("products",))
Order_Pydantic = tp.pydantic_model_creator(Order, name="OrderOut")
ItemShort = pydantic_model_creator(
    OrderItem, include=("id", "quantity", "product"), exclude=("product.tags",)
)
OrderBrief = pydantic_model_creator(
    Order, name="OrderBrief", exclude=("customer", "items.product.tags", "items.order_id")
)
OrderDunder = pydantic_model_creator(Order, name="OrderDunder", exclude=("items__product__name",))
Orders = pydantic_queryset_creator(Order, name="OrderRows")
ProductOut = pydantic_model_creator(Product, name="ProductOut", meta_override=ProductMeta)
CategoryTree = pydantic_model_creator(Category, name="CategoryTree")
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


class NotePage(BaseModel):
    rows: list[pydantic_model_creator(Note, exclude=("body",))]
"""

USERS = """
from typing import TYPE_CHECKING

from tortoise.contrib.pydantic import PydanticModel, pydantic_model_creator

from shop.models import Tag

if TYPE_CHECKING:  # pragma: nocoverage

    class Tag_Pydantic(Tag, PydanticModel):  # type: ignore[misc]
        pass

else:
    Tag_Pydantic = pydantic_model_creator(Tag, name="Tag", exclude=("products",))
"""

APP = """
from fastapi import FastAPI

from shop import routers, users
from shop.models import Category, Customer, Note, Order, OrderItem, Product, Tag

app = FastAPI()


@app.get("/notes", response_model=list[routers.NoteOut])
async def notes():
    return await routers.NoteOut.from_queryset(Note.all().order_by("id"))


@app.post("/notes", response_model=routers.NoteOut)
async def create_note(note: routers.NoteIn):
    made = await Note.create(**note.model_dump(exclude_unset=True))
    return await routers.NoteOut.from_tortoise_orm(made)


@app.get("/notes/local/{pk}")
async def local_note(pk: int):
    return await routers.note_schema().from_queryset_single(Note.get(id=pk))


@app.get("/notes/box/{pk}", response_model=routers.NoteBox)
async def boxed_note(pk: int):
    return await routers.NoteBox.from_queryset_single(Note.get(id=pk))


@app.get("/tags", response_model=list[routers.TagOut])
async def tags():
    return await routers.TagOut.from_queryset(Tag.all().order_by("id"))


@app.get("/tags/{pk}", response_model=users.Tag_Pydantic)
async def tag(pk: int):
    return await users.Tag_Pydantic.from_queryset_single(Tag.get(id=pk))


@app.get("/orders")
async def orders():
    return await routers.Orders.from_queryset(Order.all().order_by("id"))


@app.get("/orders/{pk}", response_model=routers.Order_Pydantic)
async def order(pk: int):
    return await routers.Order_Pydantic.from_queryset_single(Order.get(id=pk))


@app.get("/orders/{pk}/brief", response_model=routers.OrderBrief)
async def order_brief(pk: int):
    return await routers.OrderBrief.from_queryset_single(Order.get(id=pk))


@app.get("/items/{pk}", response_model=routers.ItemShort)
async def item(pk: int):
    return await routers.ItemShort.from_tortoise_orm(await OrderItem.get(id=pk))


@app.get("/products/{pk}", response_model=routers.ProductOut)
async def product(pk: int):
    return await routers.ProductOut.from_queryset_single(Product.get(id=pk))


@app.get("/categories/{pk}", response_model=routers.CategoryTree)
async def category(pk: int):
    return await routers.CategoryTree.from_queryset_single(Category.get(id=pk))


@app.get("/customers/{pk}", response_model=routers.CustomerOut)
async def customer(pk: int):
    return await routers.CustomerOut.from_queryset_single(Customer.get(id=pk))
"""

CHECK = """
\"\"\"The project's endpoint test: every endpoint's responses, and what every class
dumps for every row and accepts of every payload, printed as one JSON object.\"\"\"

import asyncio
import json
import sys

import httpx
from pydantic import ValidationError
from tortoise import Tortoise

from shop import models, routers, users
from shop.app import app

PAYLOADS = [
    {"title": "t"},
    {"title": "t", "body": None},
    {"title": None},
    {},
    {"title": "x" * 101},
    {"title": 3},
    {"body": "b"},
    {"title": "t", "id": 5},
]
UNKNOWN = {"title": "t", "color": "red"}


async def seed():
    for title, body in (("a", None), ("b" * 100, "text"), ("\\u00fc", "")):
        await models.Note.create(title=title, body=body)
    red, blue = await models.Tag.create(label="red"), await models.Tag.create(label="blue")
    ann = await models.Customer.create(name="Ann", email=None, password_hash="x")
    bob = await models.Customer.create(name="Bob", email="b@x.org", password_hash="y")
    await models.Profile.create(bio="hi", customer=ann)
    lamp = await models.Product.create(name="lamp")
    await lamp.tags.add(red, blue)
    desk = await models.Product.create(name="desk")
    for customer, count in ((ann, 2), (bob, 1), (ann, 0)):
        order = await models.Order.create(customer=customer, status="paid" if count else "new")
        for number in range(count):
            await models.OrderItem.create(order=order, product=(lamp, desk)[number], quantity=3)
    root = await models.Category.create(title="root")
    child = await models.Category.create(title="child", parent=root)
    await models.Category.create(title="leaf", parent=child)
    await models.User.create(username="u", password="secret")


CLASSES = {
    "NoteOut": (lambda: routers.NoteOut, models.Note),
    "Local": (routers.note_schema, models.Note),
    "NoteBox": (lambda: routers.NoteBox, models.Note),
    "NotePage.rows": (lambda: routers.NotePage.model_fields["rows"].annotation.__args__[0],
                      models.Note),
    "TagOut": (lambda: routers.TagOut, models.Tag),
    "Tag_Pydantic": (lambda: users.Tag_Pydantic, models.Tag),
    "Order_Pydantic": (lambda: routers.Order_Pydantic, models.Order),
    "OrderBrief": (lambda: routers.OrderBrief, models.Order),
    "OrderDunder": (lambda: routers.OrderDunder, models.Order),
    "ItemShort": (lambda: routers.ItemShort, models.OrderItem),
    "ProductOut": (lambda: routers.ProductOut, models.Product),
    "CategoryTree": (lambda: routers.CategoryTree, models.Category),
    "CustomerOut": (lambda: routers.CustomerOut, models.Customer),
    "UserLogin": (lambda: routers.UserLogin, models.User),
}
INPUTS = {"NoteIn": routers.NoteIn, "NoteDraft": routers.NoteDraft}


def accepts(cls, payload):
    try:
        cls.model_validate(payload)
    except ValidationError:
        return False
    return True


async def classes():
    found = {}
    for name, (get, model) in CLASSES.items():
        cls = get()
        rows = await model.all().order_by("id")
        found[name] = [
            (await cls.from_tortoise_orm(row)).model_dump(mode="json", by_alias=True)
            for row in rows
        ]
    listed = await routers.Orders.from_queryset(models.Order.all().order_by("id"))
    found["Orders"] = listed.model_dump(mode="json", by_alias=True)
    for name, cls in INPUTS.items():
        found[name] = [accepts(cls, payload) for payload in PAYLOADS]
        found[name + ".unknown_key"] = accepts(cls, UNKNOWN)
    return found


async def endpoints():
    calls = [
        ("GET", "/notes"), ("POST", "/notes", {"title": "new"}), ("POST", "/notes", {}),
        ("POST", "/notes", {"title": None}), ("GET", "/notes/local/1"), ("GET", "/notes/box/2"),
        ("GET", "/tags"), ("GET", "/tags/1"), ("GET", "/orders"), ("GET", "/orders/1"),
        ("GET", "/orders/2/brief"), ("GET", "/items/1"), ("GET", "/products/1"),
        ("GET", "/categories/1"), ("GET", "/categories/3"), ("GET", "/customers/1"),
    ]
    found = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://shop") as client:
        for method, url, *body in calls:
            response = await client.request(method, url, json=body[0] if body else None)
            found.append([method, url, response.status_code, response.json()])
    return found


async def main():
    await Tortoise.init(db_url=sys.argv[1], modules={"models": ["shop.models"]})
    await Tortoise.generate_schemas()
    try:
        await seed()
        result = {"classes": await classes(), "endpoints": await endpoints()}
    finally:
        await Tortoise.close_connections()
    print(json.dumps(result, indent=1, sort_keys=True))


asyncio.run(main())
"""

CONFIG = """
[project]
name = "shop"  # the shop's own table, kept byte for byte
version = "0.1"

[tool.schema-sync]
models = ["shop.models"]
output = "shop/schemas_generated.py"
adopt_assume = "initialised"   # the routers initialise the models first

[tool.ruff]
line-length = 100
"""


def write_project(
    root: Path, routers: str = ROUTERS, extra_config: str = "", full: bool = True
) -> Path:
    """The project under ``root``; ``full``: also the ``if TYPE_CHECKING`` module, the
    app and its endpoint test, and ``adopt_assume = "initialised"``."""
    (root / "shop").mkdir(parents=True, exist_ok=True)
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "models.py").write_text(textwrap.dedent(MODELS).lstrip())
    (root / "shop" / "routers.py").write_text(textwrap.dedent(routers).lstrip())
    if not full:
        (root / "pyproject.toml").write_text(
            "[tool.schema-sync]\n"
            'models = ["shop.models"]\n'
            'output = "shop/schemas_generated.py"\n' + extra_config
        )
        return root
    (root / "shop" / "users.py").write_text(textwrap.dedent(USERS).lstrip())
    (root / "shop" / "app.py").write_text(textwrap.dedent(APP).lstrip())
    (root / "shop" / "check.py").write_text(textwrap.dedent(CHECK).lstrip())
    (root / "pyproject.toml").write_text(textwrap.dedent(CONFIG).lstrip() + extra_config)
    return root
