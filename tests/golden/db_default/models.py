"""db_default (tortoise-orm 1.x): the database fills the value in, so Create does not require it."""

from tortoise import fields, models


class Counter(models.Model):
    id = fields.IntField(primary_key=True)
    hits = fields.IntField(db_default=0)
    label = fields.CharField(max_length=20, db_default="new", null=True)
