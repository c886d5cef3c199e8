"""Field names that collide with the names the generated file uses."""

from tortoise import fields, models


class Clash(models.Model):
    id = fields.IntField(primary_key=True)
    date = fields.DateField()
    datetime = fields.DatetimeField(null=True)
    time = fields.TimeField(null=True)
    decimal = fields.DecimalField(max_digits=5, decimal_places=1)
    uuid = fields.UUIDField(null=True)
    json = fields.JSONField(null=True)
    Field = fields.CharField(max_length=5)
    BaseModel = fields.CharField(max_length=5, null=True)
    Optional = fields.IntField(default=1)
    str = fields.TextField(null=True)
    int = fields.IntField(null=True)
    copy = fields.BooleanField(default=False)
    schema = fields.CharField(max_length=10, null=True)
    _hidden = fields.IntField(default=0, source_field="hidden")
