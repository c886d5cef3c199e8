"""Views (SPEC §12): an order with its customer, its items and their products, tags
on both sides of a many-to-many, a relation of a model to itself, a sensitive field,
and computed fields (sync and async) at nested levels."""

from tortoise import fields, models


class Customer(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    email = fields.CharField(max_length=100)
    password_hash = fields.CharField(max_length=100, default="x")
    referrer: fields.ForeignKeyNullableRelation["Customer"] = fields.ForeignKeyField(
        "models.Customer", related_name="referrals", null=True
    )

    def initials(self) -> str:
        return "".join(word[0] for word in self.name.split()).upper()

    async def order_count(self) -> int:
        return await Order.filter(customer_id=self.id).count()


class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=20)


class Product(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    price = fields.DecimalField(max_digits=8, decimal_places=2)
    tags: fields.ManyToManyRelation[Tag] = fields.ManyToManyField(
        "models.Tag", related_name="products"
    )


class Order(models.Model):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=20)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="orders"
    )

    class PydanticMeta:
        computed = ("label",)

    def label(self) -> str:
        return f"#{self.number}"


class OrderItem(models.Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="items"
    )
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="order_items"
    )
    quantity = fields.IntField(default=1)
