"""Third-party modules missing while the models import (SPEC §11).

The "full environment" of these tests is a folder of tiny real stand-in packages
(``pydantic_settings``, ``redis``, ``jose``: none of them is installed here) put on
``sys.path``; the bare run has the same project without that folder.
"""

from __future__ import annotations

import builtins
import json
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from schema_sync_hook.missing import placeholders as stubs
from schema_sync_hook.missing import session as missing

from conftest import SIMPLE_MODELS, Project

STANDINS = {
    "pydantic_settings/__init__.py": """
        class BaseSettings:
            def __init__(self):
                for name in type(self).__annotations__:
                    setattr(self, name, getattr(type(self), name))
        def SettingsConfigDict(**kwargs):
            return kwargs
        """,
    "redis/__init__.py": """
        class Redis:
            @classmethod
            def from_url(cls, url):
                return cls()
        """,
    "jose/__init__.py": "jwt = None\n",
}

PACKAGE = {
    "app/__init__.py": """
        from jose import jwt  # the web layer; the models do not need it

        SECRET = jwt
        """,
    "app/settings.py": """
        from pydantic_settings import BaseSettings, SettingsConfigDict


        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="SHOP_")
            redis_url: str = "redis://localhost"
            title_length: int = 200


        settings = Settings()
        """,
    "app/cache.py": """
        import redis

        from app.settings import settings

        client = redis.Redis.from_url(settings.redis_url + "/0")
        """,
    "app/models.py": textwrap.dedent(
        """
        try:
            import orjson_never_installed as fast_json
        except ImportError:  # an optional speed-up: never stubbed
            fast_json = None

        from app import cache  # noqa: F401
        from app.settings import settings  # noqa: F401
        """
    )
    + textwrap.dedent(SIMPLE_MODELS).replace(
        "pages = fields.IntField(default=100)",
        "pages = fields.IntField(default=100 if fast_json is None else 5)",
    ),
}
CONFIG = 'models = ["app.models"]\noutput = "api/schemas_generated.py"\n'


@pytest.fixture
def standins(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    for relative, text in STANDINS.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def shop(make_project: Callable[..., Project], config: str = CONFIG, **changes: str) -> Project:
    project = make_project(models="", config=config, module="app/models.py")
    for relative, text in {**PACKAGE, **changes}.items():
        project.write(relative, text)
    return project


def full_environment_output(
    project: Project, standins: Path, monkeypatch: pytest.MonkeyPatch
) -> bytes:
    with monkeypatch.context() as patch:
        patch.syspath_prepend(str(standins))
        result = project.run("sync")
        assert result.code == 0, result.err
        for name in STANDINS:
            sys.modules.pop(name.partition("/")[0], None)
    data = project.output.read_bytes()
    project.output.unlink()
    return data


@pytest.mark.parametrize(
    ("module", "dist"),
    [
        ("pydantic_settings", "pydantic-settings"),
        ("yaml", "PyYAML"),
        ("jwt", "PyJWT"),
        ("PIL.Image", "Pillow"),
        ("dotenv", "python-dotenv"),
        ("dateutil.parser", "python-dateutil"),
        ("jose", "python-jose"),
        ("cv2", "opencv-python"),
        ("sklearn.linear_model", "scikit-learn"),
        ("bs4", "beautifulsoup4"),
        ("attr", "attrs"),
        ("google.protobuf.message", "protobuf"),
        ("magic", "python-magic"),
        ("redis.asyncio", "redis"),
        ("fastapi", "fastapi"),
    ],
)
def test_distribution_names(module: str, dist: str) -> None:
    assert missing.distribution(module) == dist


def test_missing_module_advice_names_every_distribution(
    make_project: Callable[..., Project], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = shop(make_project)
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    result = project.run()
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert (
        "third-party modules that are not installed here: 'jose' (app/__init__.py:1),"
        " 'pydantic_settings' (app/settings.py:1), 'redis' (app/cache.py:1)"
    ) in lines[0]
    assert "pip install python-jose pydantic-settings redis" in lines[0]
    assert "fix the model code" not in lines[0]
    assert not project.output.exists()

    # A hook environment that pre-commit made (under PRE_COMMIT_HOME)
    monkeypatch.setenv("PRE_COMMIT", "1")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(Path(sys.prefix).parent))
    result = project.run()
    assert result.code == 2
    assert "additional_dependencies: [python-jose, pydantic-settings, redis]" in result.err
    assert "pip install" not in result.err

    # A 'repo: local' hook runs in the project's own environment
    monkeypatch.setenv("PRE_COMMIT_HOME", str(project.root / "elsewhere"))
    result = project.run()
    assert "additional_dependencies: [python-jose, pydantic-settings, redis]" in result.err
    assert "(a 'repo: local' hook: pip install python-jose pydantic-settings redis" in result.err


def test_missing_project_module_keeps_its_own_message(
    make_project: Callable[..., Project],
) -> None:
    project = shop(make_project, **{"app/__init__.py": "", "app/cache.py": "import app.cahce\n"})
    result = project.run()
    assert result.code == 2
    assert "cannot import models module 'app.models'" in result.err
    assert "No module named 'app.cahce'" in result.err
    assert "pip install" not in result.err

    modles = CONFIG.replace("app.models", "app.modles")
    config = shop(make_project, config=modles, **{"app/__init__.py": ""})
    result = config.run()
    assert result.code == 2 and "'models' setting" in result.err, result.err


def test_stub_writes_the_bytes_of_a_full_environment(
    make_project: Callable[..., Project], standins: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = shop(make_project)
    expected = full_environment_output(project, standins, monkeypatch)
    assert b"default=100" in expected  # the optional import was not stubbed

    project.write("pyproject.toml", '[tool.schema-sync]\nmissing_imports = "stub"\n' + CONFIG)
    modules_before = set(sys.modules)
    result = project.run("-v")
    assert result.code == 1, result.err
    assert project.output.read_bytes() == expected
    assert "stubbed missing modules: jose, pydantic_settings, redis" in result.err + result.out
    # nothing of the placeholders is left behind in this process
    assert builtins.__import__ is missing._ORIGINAL_IMPORT
    leaked = [
        name
        for name in set(sys.modules) - modules_before
        if any(stubs.is_placeholder(v) for v in vars(sys.modules[name]).values())
    ]
    assert not leaked
    assert "app" not in sys.modules and "redis" not in sys.modules

    assert project.run().code == 0
    status = project.run("status", "--json")
    assert json.loads(status.out)["stubbed_modules"] == ["jose", "pydantic_settings", "redis"]
    assert "Stubbed Modules: jose, pydantic_settings, redis" in project.run("status").out
    validate = project.run("validate")
    assert validate.code == 0, validate.out


def test_a_list_stubs_only_the_modules_it_names(make_project: Callable[..., Project]) -> None:
    config = 'missing_imports = ["jose", "pydantic_settings.*"]\n' + CONFIG
    project = shop(make_project, config=config)
    result = project.run()
    assert result.code == 2
    assert "third-party module 'redis' (app/cache.py:1), which is not" in result.err, result.err
    assert "pip install redis" in result.err
    stub_all = config.replace("]", ', "redis"]', 1)
    project.write("pyproject.toml", "[tool.schema-sync]\n" + stub_all)
    assert project.run().code == 1


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("title = fields.CharField(max_length=settings.title_length)", "Book.title"),
        ("title = fields.CharField(max_length=200, description=settings.redis_url)", "Book.title"),
        ("title = fields.CharField(max_length=200, default=settings.redis_url)", "Book.title"),
        ("title = fields.CharField(max_length=200)\n    if settings.redis_url:\n        pass", ""),
    ],
)
def test_a_placeholder_reaching_the_schema_is_refused(
    make_project: Callable[..., Project], line: str, named: str
) -> None:
    models = PACKAGE["app/models.py"].replace(
        'title = fields.CharField(max_length=200, description="The title")', line
    )
    config = 'missing_imports = "stub"\n' + CONFIG
    project = shop(make_project, config=config, **{"app/models.py": models})
    result = project.run()
    assert result.code == 2, result.err
    assert len(result.err.strip().splitlines()) == 1
    assert f"{named}: " in result.err and "'pydantic_settings'" in result.err, result.err
    assert "pip install pydantic-settings" in result.err
    assert not project.output.exists()


def test_a_placeholder_as_a_model_base_is_refused(make_project: Callable[..., Project]) -> None:
    models = "from redis import Mixin\n" + PACKAGE["app/models.py"].replace(
        "class Book(models.Model):", "class Book(models.Model, Mixin):"
    )
    project = shop(
        make_project, config='missing_imports = "stub"\n' + CONFIG, **{"app/models.py": models}
    )
    result = project.run()
    assert result.code == 2
    assert "Book" in result.err and "'redis'" in result.err, result.err


@pytest.mark.parametrize(
    "use",
    [
        "bool(x)",
        "x == 1",
        "x < 1",
        "list(x)",
        "len(x)",
        "int(x)",
        "float(x)",
        "str(x)",
        "f'{x}'",
        "f'{x!r}'",
        "repr(x)",
        "'{}'.format(x)",
        "'%s' % x",
        "hash(x)",
        "{'big': 200}.get(x, 100)",
        "x in {'big'}",
        "x in ('big',)",
        "'big' in x",
    ],
)
def test_placeholders_fail_loudly(use: str) -> None:
    x = stubs.Missing("settings.value", "pydantic_settings")
    with pytest.raises(stubs.PlaceholderUsed) as info:
        eval(use, {"x": x})
    assert info.value.module == "pydantic_settings"
    derived = (x + "/0").attr()[0]
    assert stubs.is_placeholder(derived)


def test_config_values() -> None:
    from schema_sync_hook.settings.sources import load_config

    root = Path(__file__).parent

    def value(text: str) -> object:
        return load_config(
            root, environ={"SCHEMA_SYNC_MODELS": "m", "SCHEMA_SYNC_MISSING_IMPORTS": text}
        ).settings.missing_imports

    assert value("stub") == "stub"
    assert value("Error") == "error"
    assert value("redis, pydantic_settings.*") == ("redis", "pydantic_settings.*")
    with pytest.raises(Exception, match="MISSING_IMPORTS"):
        value("redis-py")


def test_pydantic_meta_from_a_placeholder_is_refused(make_project: Callable[..., Project]) -> None:
    models = PACKAGE["app/models.py"].replace(
        "class Book(models.Model):\n",
        "class Book(models.Model):\n    class PydanticMeta:\n"
        "        exclude = settings.hidden_fields\n\n",
    )
    config = 'missing_imports = "stub"\n' + CONFIG
    project = shop(make_project, config=config, **{"app/models.py": models})
    result = project.run()
    assert result.code == 2
    assert "Book.PydanticMeta: Settings().hidden_fields" in result.err, result.err


def test_an_error_caused_by_a_placeholder_names_the_stubbed_modules(
    make_project: Callable[..., Project],
) -> None:
    config = 'missing_imports = "stub"\n' + CONFIG
    enum = "from redis import Color\n" + PACKAGE["app/models.py"].replace(
        "color = fields.CharEnumField(Color, default=Color.RED)",
        "color = fields.CharEnumField(Color)",
    ).replace("class Color(str, Enum):", "class OwnColor(str, Enum):")
    project = shop(make_project, config=config, **{"app/models.py": enum})
    result = project.run()
    assert result.code == 2
    assert "Book.color: redis.Color, from the module 'redis'" in result.err, result.err

    check = "import redis\nKIND = isinstance(1, redis.Number)\n" + PACKAGE["app/models.py"]
    project = shop(make_project, config=config, **{"app/models.py": check})
    result = project.run()
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1
    assert "TypeError" in result.err and "(stubbed: jose, redis)" in result.err
    assert "pip install python-jose redis" in result.err


def test_an_installed_package_s_caught_import_is_not_stubbed(
    make_project: Callable[..., Project], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``redis`` is stubbed where the project imports it; an installed library's own
    ``try: import redis`` still fails, so its fallback is used."""
    library = tmp_path / "installed" / "cachelib"
    library.mkdir(parents=True)
    (library / "__init__.py").write_text(
        "try:\n    import redis\nexcept ImportError:\n    redis = None\n"
        "PAGES = 100 if redis is None else 5\n"
    )
    monkeypatch.syspath_prepend(str(library.parent))
    models = "import cachelib\n" + PACKAGE["app/models.py"].replace(
        "pages = fields.IntField(default=100 if fast_json is None else 5)",
        "pages = fields.IntField(default=cachelib.PAGES)",
    )
    config = 'missing_imports = "stub"\n' + CONFIG
    project = shop(make_project, config=config, **{"app/models.py": models})
    result = project.run()
    assert result.code == 1, result.err
    assert "pages: int = Field(default=100" in project.output.read_text()
    assert "cachelib" not in sys.modules  # a new package imported with placeholders: dropped


@pytest.mark.parametrize(
    "annotation", ["redis.Status", "'redis.Status'", "redis.Status | None", "list[redis.Status]"]
)
def test_a_computed_field_typed_by_a_stubbed_module_is_refused(
    make_project: Callable[..., Project], annotation: str
) -> None:
    models = "import redis\n" + PACKAGE["app/models.py"].replace(
        "class Book(models.Model):\n",
        "class Book(models.Model):\n    class PydanticMeta:\n"
        '        computed = ("cache_status",)\n\n'
        f"    def cache_status(self) -> {annotation}:\n"
        "        return None\n\n",
    )
    config = 'missing_imports = "stub"\n' + CONFIG
    project = shop(make_project, config=config, **{"app/models.py": models})
    result = project.run()
    assert result.code == 2, result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Book.cache_status" in result.err and "'redis'" in result.err, result.err
