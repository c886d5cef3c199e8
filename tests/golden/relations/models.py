"""Relations: to_field, self references, O2O as pk, M2M and reverse relations."""

from tortoise import fields, models


class Country(models.Model):
    id = fields.IntField(primary_key=True)
    iso = fields.CharField(max_length=2, unique=True)


class Node(models.Model):
    id = fields.IntField(primary_key=True)
    parent = fields.ForeignKeyField("models.Node", related_name="children", null=True)
    country = fields.ForeignKeyField(
        "models.Country", to_field="iso", related_name="nodes", null=True
    )
    peers = fields.ManyToManyField("models.Node", related_name="peered_by")


class Profile(models.Model):
    node = fields.OneToOneField("models.Node", primary_key=True, related_name="profile")
    bio = fields.TextField()


class Silent(models.Model):
    id = fields.IntField(primary_key=True)
    node = fields.ForeignKeyField("models.Node", related_name=False)
