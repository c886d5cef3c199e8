"""The shop API: FastAPI + Tortoise on SQLite, using the generated schemas.

Run from examples/shop:  uvicorn src.main:app --reload

In development (unless SCHEMA_SYNC_ENVIRONMENT=production, the setting that also
turns the schema sync off) the SQLite database follows the models at start-up: a
field added to a model is a column after the restart (see database/dev_schema.py).
"""

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from schema_sync_hook.startup import schema_sync
from tortoise.contrib.fastapi import RegisterTortoise
from tortoise.exceptions import DoesNotExist, IntegrityError

from .api.schemas import OrderDeep, ProductCreate
from .api.schemas_generated import (
    CategoryCreate,
    CategoryResponse,
    CategoryUpdate,
    CustomerCreate,
    CustomerDetail,
    CustomerResponse,
    OrderCreate,
    OrderItemCreate,
    OrderItemDetail,
    OrderResponse,
    ProductResponse,
    ProductUpdate,
)
from .database.dev_schema import follow_models
from .database.models import Category, Customer, Order, OrderItem, Product

ROOT = Path(__file__).resolve().parent.parent
DB_URL = os.environ.get("SHOP_DB_URL", f"sqlite://{ROOT / 'db.sqlite3'}")
DEVELOPMENT = os.environ.get("SCHEMA_SYNC_ENVIRONMENT", "development") != "production"
TORTOISE_ORM: dict[str, Any] = {
    "connections": {"default": DB_URL},
    "apps": {
        "models": {"models": ["src.database.models"], "default_connection": "default"}
    },
}

# One format for every line this process logs: the seed's "INFO - message", also for
# uvicorn's own lines (uvicorn set up its handlers before importing this module).
LOG_FORMAT = "%(levelname)s - %(message)s"
logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
if os.environ.get("SHOP_LOG_SQL"):  # every SQL statement the app sends, as a log line
    logging.getLogger("tortoise.db_client").setLevel(logging.DEBUG)
for _name in ("uvicorn", "uvicorn.access"):
    for _handler in logging.getLogger(_name).handlers:
        _handler.setFormatter(logging.Formatter(LOG_FORMAT))


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with schema_sync(root=ROOT):
        if DEVELOPMENT:
            await follow_models(TORTOISE_ORM)  # a column for every field added
        async with RegisterTortoise(app, config=TORTOISE_ORM, generate_schemas=True):
            yield


app = FastAPI(title="Shop", lifespan=lifespan)


async def _get(model: Any, pk: int) -> Any:
    try:
        return await model.get(pk=pk)
    except DoesNotExist:
        raise HTTPException(404, f"{model.__name__} {pk} not found") from None


async def _save(coro: Any) -> Any:
    try:
        return await coro
    except IntegrityError as exc:
        raise HTTPException(409, f"conflict: {exc}") from None


@app.post("/categories", response_model=CategoryResponse, status_code=201)
async def create_category(body: CategoryCreate) -> Any:
    return await _save(Category.create(**body.model_dump(exclude_unset=True)))


@app.get("/categories", response_model=list[CategoryResponse])
async def list_categories() -> Any:
    return await Category.all().order_by("id")


@app.patch("/categories/{pk}", response_model=CategoryResponse)
async def update_category(pk: int, body: CategoryUpdate) -> Any:
    category = await _get(Category, pk)
    await _save(category.update_from_dict(body.model_dump(exclude_unset=True)).save())
    return category


@app.post("/products", response_model=ProductResponse, status_code=201)
async def create_product(body: ProductCreate) -> Any:
    return await _save(Product.create(**body.model_dump(exclude_unset=True)))


@app.get("/products", response_model=list[ProductResponse])
async def list_products() -> Any:
    return await Product.all().order_by("id")


@app.get("/products/{pk}", response_model=ProductResponse)
async def get_product(pk: int) -> Any:
    return await _get(Product, pk)


@app.patch("/products/{pk}", response_model=ProductResponse)
async def update_product(pk: int, body: ProductUpdate) -> Any:
    product = await _get(Product, pk)
    await _save(product.update_from_dict(body.model_dump(exclude_unset=True)).save())
    return product


@app.delete("/products/{pk}", status_code=204)
async def delete_product(pk: int) -> None:
    product = await _get(Product, pk)
    await product.delete()


@app.post("/customers", response_model=CustomerResponse, status_code=201)
async def create_customer(body: CustomerCreate) -> Any:
    return await _save(Customer.create(**body.model_dump(exclude_unset=True)))


@app.get("/customers/{pk}", response_model=CustomerResponse)
async def get_customer(pk: int) -> Any:
    return await _get(Customer, pk)


@app.post("/orders", response_model=OrderResponse, status_code=201)
async def create_order(body: OrderCreate) -> Any:
    return await _save(Order.create(**body.model_dump(exclude_unset=True)))


@app.get("/orders", response_model=list[OrderDeep])
async def list_orders() -> list[OrderDeep]:
    # one query for the orders and one per relation, however many orders there are
    return await OrderDeep.from_queryset(Order.all().order_by("id"))


@app.get("/orders/{pk}", response_model=OrderDeep)
async def get_order(pk: int) -> OrderDeep:
    return await OrderDeep.from_tortoise_orm(await _get(Order, pk))


@app.post("/orders/{pk}/items", response_model=OrderItemDetail, status_code=201)
async def add_order_item(pk: int, body: OrderItemCreate) -> OrderItemDetail:
    if body.order_id != pk:
        raise HTTPException(422, "order_id does not match the order in the path")
    item = await _save(OrderItem.create(**body.model_dump(exclude_unset=True)))
    return await OrderItemDetail.from_tortoise_orm(item)


@app.get("/customers/{pk}/detail", response_model=CustomerDetail)
async def get_customer_detail(pk: int) -> CustomerDetail:
    return await CustomerDetail.from_tortoise_orm(await _get(Customer, pk))
