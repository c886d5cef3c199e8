"""Correct or refuse, round 2: settings that become code, and zero models (SPEC §5, §8, §9).

``type_overrides`` and ``base_class`` are checked before anything is written; whatever
passes yields a file that imports and validates what the model accepts (proved by
importing it in a fresh interpreter). A ``models`` entry that holds no model, or a
change that deletes every model, exits 2; a deleted model is named as removed in
every summary, whatever ``class_names`` says.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable

import pytest

from conftest import Project, refused

OUT = "api/schemas_generated.py"
CONFIG = 'models = ["shopmodels"]\noutput = "api/schemas_generated.py"\n'


def models_source(body: str) -> str:
    head = "import enum\nfrom decimal import Decimal\n\nfrom tortoise import fields, models\n"
    return head + textwrap.dedent(body)


def run_generated(project: Project, script: str) -> object:
    """Import the generated module in a fresh interpreter; ``script`` sets ``result``."""
    code = (
        "import json, sys\nsys.path.insert(0, '.')\nimport api.schemas_generated as gen\n"
        + textwrap.dedent(script)
        + "\nprint(json.dumps(result, default=str))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=project.root, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


# --- type_overrides: what applies is carried, what cannot be a field is refused ---------

OVERRIDDEN = models_source(
    """
    from tortoise.validators import MinLengthValidator, MinValueValidator, RegexValidator


    class Host(models.Model):
        id = fields.IntField(primary_key=True)
        ip4 = fields.CharField(max_length=15, validators=[MinLengthValidator(7)])
        ip6 = fields.CharField(max_length=45)
        uid = fields.CharField(max_length=36, validators=[RegexValidator("[0-9a-f-]+", 0)])
        day = fields.CharField(max_length=10)
        at = fields.CharField(max_length=40)
        port = fields.CharField(max_length=5)
        ratio = fields.CharField(max_length=8)
        amount = fields.DecimalField(max_digits=4, decimal_places=2)
        count = fields.IntField(validators=[MinValueValidator(1)])
        big = fields.IntField(validators=[MinValueValidator(1)])
        label = fields.IntField()
        flag = fields.CharField(max_length=5)
        anything = fields.CharField(max_length=3)
        code = fields.CharField(max_length=4, validators=[MinLengthValidator(2)])
    """
)
TARGETS = {
    "Host.ip4": "ipaddress.IPv4Address",
    "Host.ip6": "ipaddress.IPv6Address",
    "Host.uid": "uuid.UUID",
    "Host.day": "datetime.date",
    "Host.at": "datetime.datetime",
    "Host.port": "builtins.int",
    "Host.ratio": "builtins.float",
    "Host.amount": "builtins.float",
    "Host.count": "decimal.Decimal",
    "Host.big": "builtins.float",
    "Host.label": "builtins.str",
    "Host.flag": "builtins.bool",
    "Host.anything": "typing.Any",
    "Host.code": "builtins.str",
}


def _overrides(targets: dict[str, str]) -> str:
    lines = "".join(f'"{key}" = "{value}"\n' for key, value in targets.items())
    return CONFIG + "[tool.schema-sync.type_overrides]\n" + lines


def test_overridden_fields_carry_only_the_constraints_of_their_new_type(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(OVERRIDDEN, config=_overrides(TARGETS))
    assert project.run("sync").code == 0
    create = project.read(OUT).split("class HostCreate", 1)[1].split("\nclass ", 1)[0]
    assert "ip4: IPv4Address\n" in create and "uid: UUID\n" in create
    assert "day: date\n" in create and "port: int\n" in create
    assert "amount: float\n" in create  # no max_digits on a float
    assert "count: Decimal = Field(ge=1" in create  # a range applies to a Decimal
    assert "code: str = Field(min_length=2, max_length=4)" in create
    # every value the model accepts is accepted; what it refuses is still refused
    data = run_generated(
        project,
        """
        from pydantic import ValidationError
        valid = dict(
            ip4="10.0.0.1", ip6="::1", uid="12345678-1234-5678-1234-567812345678",
            day="2024-02-29", at="2024-02-29T10:00:00", port=8080, ratio=0.5,
            amount=12.5, count="3.5", big=2.5, label="x", flag=True, anything=[1],
            code="ab",
        )
        result = {"accepted": sorted(gen.HostCreate(**valid).model_dump())}
        for name in ("HostUpdate", "HostResponse"):
            getattr(gen, name).model_validate({"id": 1, **valid})
        refused = []
        for field, bad in (("ip4", "nope"), ("count", 0), ("code", "a"), ("uid", "x")):
            try:
                gen.HostCreate(**{**valid, field: bad})
            except ValidationError:
                refused.append(field)
        result["refused"] = refused
        """,
    )
    assert isinstance(data, dict)
    assert data["accepted"] == sorted(key.split(".")[1] for key in TARGETS)
    assert data["refused"] == ["ip4", "count", "code", "uid"]


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ("nonexistent.Type", "cannot be imported"),
        ("builtins.NoSuchType", "cannot be imported"),
        ("os.system", "not a type"),
        ("builtins.eval", "not a type"),
        ("os.path", "module"),
        ("math.pi", "not a type"),
        ("shopmodels.Author", "Tortoise model"),
        ("tortoise.models.Model", "Tortoise model"),
        ("builtins.ValueError", "exception"),
        ("builtins.KeyboardInterrupt", "exception"),
        ("threading.Thread", "pydantic cannot build a schema"),
        ("builtins.type", "pydantic cannot build a schema"),  # no JSON schema (OpenAPI)
        ("typing.Callable", "pydantic cannot build a schema"),
    ],
)
@pytest.mark.parametrize("args", [("sync",), ("--check",), ()])
def test_an_override_target_that_cannot_be_a_field_is_refused(
    make_project: Callable[..., Project], target: str, problem: str, args: tuple[str, ...]
) -> None:
    project = make_project(config=_overrides({"Book.title": target}))
    line = refused(project, *args)
    for part in ("pyproject.toml", "type_overrides", "Book.title", repr(target), problem):
        assert part in line, (part, line)


def test_an_override_set_in_the_environment_is_refused_naming_it(
    make_project: Callable[..., Project], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project()
    monkeypatch.setenv("SCHEMA_SYNC_TYPE_OVERRIDES", "CharField=os.getcwd")
    line = refused(project, "sync")
    assert "environment" in line and "CharField" in line and "'os.getcwd'" in line


@pytest.mark.parametrize(
    "base",
    [
        "pydantic.RootModel",
        "base.IntList",  # RootModel[list[int]]
        "base.MyRoot",  # a subclass of one
        "base.Tenant",  # declares a required field no model has
    ],
)
def test_base_class_that_is_not_a_plain_field_container_is_refused(
    make_project: Callable[..., Project], base: str
) -> None:
    project = make_project(config=CONFIG + f'base_class = "{base}"\n')
    project.write(
        "base.py",
        """
        from pydantic import BaseModel, RootModel

        IntList = RootModel[list[int]]


        class MyRoot(RootModel[dict[str, int]]):
            pass


        class Tenant(BaseModel):
            tenant_id: int
        """,
    )
    line = refused(project, "sync")
    assert "base_class" in line and base in line and "pyproject.toml" in line


def test_a_base_class_with_optional_fields_and_config_is_used(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(config=CONFIG + 'base_class = "base.Api"\n')
    project.write(
        "base.py",
        """
        from pydantic import BaseModel, ConfigDict


        class Api(BaseModel):
            model_config = ConfigDict(str_strip_whitespace=True)
            trace: str | None = None
        """,
    )
    assert project.run("sync").code == 0
    data = run_generated(project, "result = gen.BookCreate(title=' T ', author_id=1).title")
    assert data == "T"


def test_a_base_class_allowing_arbitrary_types_takes_a_class_of_the_project(
    make_project: Callable[..., Project],
) -> None:
    config = (
        CONFIG + 'base_class = "geo.Api"\n'
        '[tool.schema-sync.type_overrides]\n"Book.title" = "geo.Point"\n'
    )
    project = make_project(config=config)
    project.write(
        "geo.py",
        """
        from pydantic import BaseModel, ConfigDict


        class Point:
            def __init__(self, x: int) -> None:
                self.x = x


        class Api(BaseModel):
            model_config = ConfigDict(arbitrary_types_allowed=True)
        """,
    )
    assert project.run("sync").code == 0
    data = run_generated(
        project,
        """
        from geo import Point
        result = gen.BookCreate(title=Point(3), author_id=1).title.x
        """,
    )
    assert data == 3


# --- defaults as the model holds them -----------------------------------------------------


def test_plain_defaults_of_enum_and_bool_fields_become_members_and_bools(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(
        models_source(
            """
            class Kind(str, enum.Enum):
                A = "a"
                B = "b"


            class Level(enum.IntEnum):
                LOW = 1
                HIGH = 2


            class Job(models.Model):
                id = fields.IntField(primary_key=True)
                kind = fields.CharEnumField(Kind, default="b")
                level = fields.IntEnumField(Level, default=2)
                active = fields.BooleanField(default=1)
                off = fields.BooleanField(default=0)
                size = fields.IntField(default="5")
                price = fields.DecimalField(max_digits=5, decimal_places=2, default="1.50")
            """
        )
    )
    assert project.run("sync").code == 0
    text = project.read(OUT)
    assert "default=Kind.B" in text and "default=Level.HIGH" in text
    assert "default=True" in text and "default=False" in text
    data = run_generated(
        project,
        """
        job = gen.JobCreate()
        result = [type(job.kind).__name__, job.kind.name, job.level.name, job.active, job.off]
        result += [job.size, type(job.price).__name__, str(job.price)]
        """,
    )
    assert data == ["Kind", "B", "HIGH", True, False, 5, "Decimal", "1.50"]


def test_an_enum_default_that_is_no_member_is_refused(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(
        models_source(
            """
            class Kind(str, enum.Enum):
                A = "a"


            class Job(models.Model):
                id = fields.IntField(primary_key=True)
                kind = fields.CharEnumField(Kind, default="z")
            """
        )
    )
    line = refused(project, "sync")
    assert "Job.kind" in line and "'z'" in line


# --- zero models is a mistake ---------------------------------------------------------------

MODEL_A = "from tortoise import fields, models\n\n\nclass A(models.Model):\n    id = fields.IntField(primary_key=True)\n"  # noqa: E501


@pytest.mark.parametrize("args", [("sync",), ("--check",), (), ("sync", "--force")])
def test_a_package_named_instead_of_its_models_module_is_refused(
    make_project: Callable[..., Project], args: tuple[str, ...]
) -> None:
    project = make_project(config='models = ["app"]\noutput = "api/schemas_generated.py"\n')
    project.write("app/__init__.py", "")
    project.write("app/models.py", MODEL_A)
    project.write("app/more/__init__.py", "")
    project.write("app/more/models.py", MODEL_A.replace("class A", "class B"))
    project.write("app/views.py", "X = 1\n")
    line = refused(project, *args)
    assert "models" in line and "'app'" in line and "pyproject.toml" in line
    assert "app.models" in line and "app.more.models" in line and "app.views" not in line


def test_a_module_without_models_is_refused(make_project: Callable[..., Project]) -> None:
    project = make_project(config='models = ["shopmodels", "helpers"]\noutput = "api/x.py"\n')
    project.write("helpers.py", "from tortoise import fields, models\n\nX = 1\n")
    line = refused(project, "sync")
    assert "'helpers'" in line and "no Tortoise model" in line


def test_a_tortoise_config_app_without_models_is_refused(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(config='tortoise_config = "cfg.TORTOISE_ORM"\noutput = "api/{app}.py"\n')
    project.write("app/__init__.py", "")
    project.write("app/models.py", MODEL_A)
    project.write(
        "cfg.py",
        'TORTOISE_ORM = {"apps": {"models": {"models": ["shopmodels"]}, "extra": {"models": ["app"]}}}\n',  # noqa: E501
    )
    line = refused(project, "sync")
    assert "tortoise_config" in line and "'extra'" in line and "app.models" in line


@pytest.mark.parametrize("args", [("sync",), ("--check",), (), ("sync", "--force")])
def test_deleting_every_model_is_refused(
    make_project: Callable[..., Project], args: tuple[str, ...]
) -> None:
    project = make_project()
    assert project.run("sync").code == 0
    project.write("shopmodels.py", "from tortoise import fields, models\n")
    line = refused(project, *args)
    assert "'shopmodels'" in line and "no Tortoise model" in line


CUSTOM_NAMES = (
    CONFIG + '[tool.schema-sync.class_names]\ncreate = "New{model}"\nupdate = "{model}Patch"\n'
    'response = "{model}Out"\ndetail = "{model}Full"\n'
)
TWO_MODELS = models_source(
    """
    class OrderItem(models.Model):
        id = fields.IntField(primary_key=True)
        qty = fields.IntField()


    class GiftCard(models.Model):
        id = fields.IntField(primary_key=True)
        code = fields.CharField(max_length=20)
    """
)


@pytest.mark.parametrize("config", [CONFIG, CUSTOM_NAMES], ids=["default", "custom"])
def test_a_deleted_model_is_named_as_removed_in_every_summary(
    make_project: Callable[..., Project], config: str
) -> None:
    project = make_project(TWO_MODELS, config=config)
    assert project.run("sync").code == 0
    project.write("shopmodels.py", TWO_MODELS.split("\n\nclass GiftCard")[0] + "\n")
    check = project.run("--check")
    assert check.code == 1 and "GiftCard (removed)" in check.out, check.out
    as_json = json.loads(project.run("--check", "--format", "json").out)
    changes = as_json["files"][0]["changes"]
    assert [(c["model"], c["change"]) for c in changes] == [("GiftCard", "removed")]
    github = project.run("--check", "--format", "github").out
    assert "GiftCard removed" in github
    hook = project.run()
    assert hook.code == 1 and "GiftCard (removed)" in hook.out
    for out in (check.out, hook.out, github):
        assert "order or header only" not in out and "models changed: none" not in out
    # sync, deleting a model with a two-word name while adding another
    project.write(
        "shopmodels.py",
        models_source(
            """
        class Keep(models.Model):
            id = fields.IntField(primary_key=True)
        """
        ),
    )
    result = project.run("sync")
    assert result.code == 0, result
    assert "OrderItem (removed)" in result.out and "Keep (added)" in result.out


# --- class_names: whatever the templates, the file imports or the run refuses --------------

HELPERS_MODELS = models_source(
    """
    import uuid


    class Kind(str, enum.Enum):
        A = "a"


    class Item(models.Model):
        id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
        name = fields.CharField(max_length=20, null=True, description="x")
        kind = fields.CharEnumField(Kind, default=Kind.A)
        price = fields.DecimalField(max_digits=5, decimal_places=2, default=Decimal("1"))
        count = fields.IntField(default=1)
    """
)


@pytest.mark.parametrize(
    "template",
    [
        'create = "Field"',
        'update = "BaseModel"',
        'create = "Kind"',
        'update = "ConfigDict"',
        'response = "Any"',
        'detail = "ClassVar"',
        'create = "_NotNull"',
        'update = "_T"',
        'response = "_FromTortoise"',
        'create = "Decimal"',
        'update = "UUID"',
        'create = "Annotated"',
        'detail = "isawaitable"',
        'update = "_reject_null"',
    ],
)
def test_any_class_name_template_gives_a_file_that_imports_or_a_refusal(
    make_project: Callable[..., Project], template: str
) -> None:
    project = make_project(
        HELPERS_MODELS, config=CONFIG + f"[tool.schema-sync.class_names]\n{template}\n"
    )
    result = project.run("sync")
    if result.code == 2:
        assert "pyproject.toml" in result.err and "class_names" in result.err
        assert not project.output.exists()
        return
    assert result.code == 0, result
    names = dict([("create", "ItemCreate"), ("update", "ItemUpdate"), ("response", "ItemResponse")])
    variant, _, name = template.partition(" = ")
    names[variant] = name.strip('"')
    data = run_generated(
        project,
        f"""
        created = gen.{names["create"]}(name="n")
        patch = gen.{names["update"]}(count=2)
        out = gen.{names["response"]}.model_validate(
            dict(id="12345678-1234-5678-1234-567812345678", name=None, kind="a", price="1.5",
                 count=3)
        )
        result = [created.kind.value, str(created.price), patch.count, str(out.price)]
        """,
    )
    assert data == ["a", "1", 2, "1.5"]
