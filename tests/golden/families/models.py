"""Schema families: a Detail for every relation kind, PydanticMeta (exclude,
backward_relations, computed), and the settings class_names, base_class and
exclude (pyproject.toml)."""

from pydantic import BaseModel, ConfigDict
from tortoise import fields, models


class ApiModel(BaseModel):
    """The project's own base class: every generated class inherits it."""

    model_config = ConfigDict(ser_json_timedelta="float")


class Team(models.Model):
    """A team of members."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)

    def label(self) -> str:
        """The team's name in capitals."""
        return self.name.upper()

    async def headcount(self) -> int:
        return len(await Member.filter(team_id=self.id))

    def anything(self):  # no return annotation: typed Any
        return {"id": self.id}

    class PydanticMeta:
        computed = ("label", "headcount", "anything")


class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=20)


class Member(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    secret_token = fields.CharField(max_length=64, default="")
    internal_note = fields.TextField(null=True)
    team = fields.ForeignKeyField("models.Team", related_name="members")
    mentor = fields.ForeignKeyField("models.Member", related_name="mentees", null=True)
    tags = fields.ManyToManyField("models.Tag", related_name="members")


class Badge(models.Model):
    member = fields.OneToOneField("models.Member", primary_key=True, related_name="badge")
    code = fields.CharField(max_length=10)


class Archive(models.Model):
    """Reverse relations left out (backward_relations = False)."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=20)

    class PydanticMeta:
        backward_relations = False


class Note(models.Model):
    id = fields.IntField(primary_key=True)
    archive = fields.ForeignKeyField("models.Archive", related_name="notes")
    team = fields.ForeignKeyField("models.Team", related_name="notes", null=True)

    class PydanticMeta:
        exclude = ("team",)  # the nested team goes; team_id stays, as in Tortoise
