"""Differential proof: generated schemas against Tortoise's own pydantic_model_creator,
on Tortoise's own tests/testmodels.py (every model, both of its apps, no database).

Runs when TORTOISE_TESTMODELS names that file (tox -e differential fetches the
sdist matching the installed tortoise-orm); skipped otherwise.
"""

from __future__ import annotations

import os
import shutil
import sys
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from differential import DETAIL_INTENDED, INTENDED, DetailOutcome, Outcome, compare, compare_detail
from differential_views import VIEW_INTENDED, ViewOutcome, compare_dumps, seed

from conftest import Result

SOURCE = os.environ.get("TORTOISE_TESTMODELS", "")
pytestmark = pytest.mark.skipif(
    not Path(SOURCE).is_file(), reason="set TORTOISE_TESTMODELS (tox -e differential)"
)

SENSITIVE = ("*password*", "*secret*")
SETTINGS = """
TORTOISE_ORM = {
    "connections": {"default": "sqlite://:memory:"},
    "apps": {
        "models": {"models": ["ttests.testmodels"]},
        "events": {"models": ["ttests.testmodels"]},
    },
}
"""


def _project(tmp_path: Path) -> None:
    (tmp_path / "ttests").mkdir()
    shutil.copy(SOURCE, tmp_path / "ttests" / "testmodels.py")
    (tmp_path / "ttests" / "__init__.py").write_text("")
    (tmp_path / "settings.py").write_text(SETTINGS)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.schema-sync]\ntortoise_config = "settings.TORTOISE_ORM"\noutput = "schemas.py"\n'
    )


def test_source_memo_changes_no_description(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tortoise's own test models described with and without the class-source memo."""
    from schema_sync_hook.load import sourcememo
    from schema_sync_hook.load.models import describe_project
    from schema_sync_hook.settings.sources import load_config

    _project(tmp_path)
    config = load_config(root=tmp_path)
    with_memo = describe_project(config)
    monkeypatch.setattr(sourcememo, "NEEDED", False)
    without = describe_project(config)
    assert len(with_memo.models) > 50
    assert with_memo == without


def test_against_pydantic_model_creator(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    _project(tmp_path)
    result = run_cli("sync", "-q", "--root", str(tmp_path))
    assert result.code == 0, result.err

    from tortoise import Tortoise
    from tortoise.contrib.pydantic import pydantic_model_creator

    sys.path.insert(0, str(tmp_path))
    outcome = Outcome()
    detail = DetailOutcome()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            Tortoise.init_models(["ttests.testmodels"], "models", _init_relations=False)
            Tortoise.init_models(["ttests.testmodels"], "events")
            import schemas  # the generated module

            for app in ("models", "events"):
                for name, model in _app_models(app).items():
                    outcome.models += 1
                    for variant, kwargs in (
                        ("Create", {"exclude_readonly": True}),
                        ("Response", {}),
                    ):
                        ours = getattr(schemas, f"{name}{variant}")
                        try:
                            theirs = pydantic_model_creator(
                                model, name=f"Peer{name}{variant}", **kwargs
                            )
                        except Exception as exc:
                            outcome.creator_failed.append(f"{name}{variant}: {exc}")
                            continue
                        detail_class = getattr(schemas, f"{name}Detail")
                        compare(
                            model,
                            ours,
                            theirs,
                            variant,
                            {},
                            SENSITIVE,
                            outcome,
                            frozenset(detail_class.prefetch),
                        )
                    try:
                        peer = pydantic_model_creator(model, name=f"Peer{name}Detail")
                    except Exception as exc:
                        outcome.creator_failed.append(f"{name}Detail: {exc}")
                        continue
                    detail.models += 1
                    compare_detail(
                        model, getattr(schemas, f"{name}Detail"), peer, SENSITIVE, detail
                    )
    finally:
        sys.path.remove(str(tmp_path))
        for module in ("schemas", "settings", "ttests", "ttests.testmodels"):
            sys.modules.pop(module, None)

    print(
        f"\ndifferential: {outcome.models} models, {outcome.fields_compared} fields compared,"
        f" {outcome.identical} identical; intended differences: {dict(outcome.intended)};"
        f" creator failures: {len(outcome.creator_failed)}"
    )
    print(
        f"differential (Detail): {detail.models} models, {detail.relations_compared} relations"
        f" compared, {detail.identical} identical; intended differences:"
        f" {dict(detail.intended)}"
    )
    assert outcome.models > 50
    assert set(detail.intended) <= set(DETAIL_INTENDED)
    assert detail.unexplained == [], "\n".join(detail.unexplained)
    assert set(outcome.intended) <= set(INTENDED)
    assert outcome.unexplained == [], "\n".join(outcome.unexplained)


def _app_models(app: str) -> dict[str, type]:
    try:
        from tortoise.context import get_current_context
    except ImportError:  # tortoise-orm 0.25
        from tortoise import Tortoise

        return dict(Tortoise.apps[app])
    context = get_current_context()
    assert context is not None and context.apps is not None
    return dict(context.apps[app])


DEPTHS = (1, 2, 3)


def test_views_dump_what_the_creator_dumps(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    """For every model and N = 1, 2, 3, a view with nest = "*", depth = N and raw_ids =
    false dumps, on real SQLite rows, the JSON of pydantic_model_creator(M) with every
    model's max_recursion = N (cycles off)."""
    import asyncio

    from tortoise import Tortoise

    _project(tmp_path)
    sys.path.insert(0, str(tmp_path))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            Tortoise.init_models(["ttests.testmodels"], "models", _init_relations=False)
            Tortoise.init_models(["ttests.testmodels"], "events")
            apps = {app: _app_models(app) for app in ("models", "events")}
        tables = "".join(
            f'\n[tool.schema-sync.views.{name}Star{n}]\nmodel = "{app}.{name}"\n'
            f'nest = "*"\ndepth = {n}\nraw_ids = false\n'
            for app, models in apps.items()
            for name in models
            for n in DEPTHS
        )
        with (tmp_path / "pyproject.toml").open("a") as fh:
            fh.write(tables)
        result = run_cli("sync", "-q", "--root", str(tmp_path))
        assert result.code == 0, result.err
        outcome = asyncio.run(_views_against_creator(apps))
    finally:
        sys.path.remove(str(tmp_path))
        for module in ("schemas", "settings", "ttests", "ttests.testmodels"):
            sys.modules.pop(module, None)
    print(
        f"\ndifferential (views): {outcome.pairs} model and depth pairs, {outcome.rows} rows"
        f" dumped through both, {outcome.identical} identical; intended differences:"
        f" {dict(outcome.intended)}; models without rows: {len(outcome.unseeded)};"
        f" creator failures: {len(outcome.creator_failed)}"
    )
    for line in (*outcome.unseeded, *outcome.creator_failed):
        print(f"  not compared: {line}"[:200])
    assert outcome.pairs > 150 and outcome.rows > 300
    assert outcome.nested > outcome.rows  # the rows have relations to compare
    assert set(outcome.intended) <= set(VIEW_INTENDED)
    assert outcome.unexplained == [], "\n".join(outcome.unexplained[:40])


async def _views_against_creator(apps: dict[str, dict[str, type]]) -> ViewOutcome:
    import inspect

    from tortoise import Tortoise

    outcome = ViewOutcome()
    await Tortoise.init(
        db_url="sqlite://:memory:", modules={app: ["ttests.testmodels"] for app in apps}
    )
    try:
        await Tortoise.generate_schemas()
        apps = {app: _app_models(app) for app in apps}  # the initialised classes
        models = [m for found in apps.values() for m in found.values()]
        made, outcome.unseeded = await seed(models)
        import schemas  # the generated module

        untyped = {
            name
            for m in models
            for name in getattr(getattr(m, "PydanticMeta", None), "computed", ()) or ()
            if "return" not in inspect.get_annotations(getattr(m, name))
        }
        saved = {m: m.__dict__.get("PydanticMeta") for m in models}
        for n in DEPTHS:
            for m in models:
                meta = getattr(m, "PydanticMeta", None) or type("PydanticMeta", (), {})
                m.PydanticMeta = type(
                    "PydanticMeta", (meta,), {"max_recursion": n, "allow_cycles": False}
                )  # type: ignore[attr-defined]
            try:
                for app, found in apps.items():
                    for name, model in found.items():
                        if not made[model]:
                            continue
                        await _compare_rows(schemas, app, name, model, n, made, untyped, outcome)
            finally:
                for m, meta in saved.items():
                    if meta is None:
                        del m.PydanticMeta  # type: ignore[attr-defined]
                    else:
                        m.PydanticMeta = meta  # type: ignore[attr-defined]
    finally:
        await Tortoise.close_connections()
    return outcome


async def _compare_rows(
    schemas: Any,
    app: str,
    name: str,
    model: type,
    n: int,
    made: dict[Any, list[Any]],
    untyped: set[str],
    outcome: ViewOutcome,
) -> None:
    from tortoise.contrib.pydantic import pydantic_model_creator

    try:
        creator = pydantic_model_creator(model, name=f"Peer{app}{name}Star{n}")
    except Exception as exc:
        outcome.creator_failed.append(f"{name} depth {n}: {exc}")
        return
    view = getattr(schemas, f"{name}Star{n}")
    outcome.pairs += 1
    key = model._meta.pk_attr  # type: ignore[attr-defined]
    for row in made[model]:
        try:
            fresh = await type(row).get(**{key: row.pk})
        except Exception as exc:  # a model Tortoise's tests keep invalid on purpose
            outcome.unseeded.append(f"{name}: cannot be read back ({exc})")
            return
        try:
            theirs = (await creator.from_tortoise_orm(fresh)).model_dump(mode="json")
        except Exception as exc:
            outcome.creator_failed.append(f"{name} depth {n}: {type(exc).__name__}: {exc}")
            continue
        fresh = await type(row).get(**{key: row.pk})
        try:
            ours = (await view.from_tortoise_orm(fresh)).model_dump(mode="json")
        except Exception as exc:  # the model's own method raised: which one?
            frames = traceback.extract_tb(exc.__traceback__)
            if frames and frames[-1].name in untyped:
                outcome.intended["computed_without_annotation"] += 1
                continue
            raise
        outcome.rows += 1
        outcome.nested += str(theirs).count("{") - 1
        found = compare_dumps(ours, theirs, f"{name}Star{n}", SENSITIVE, untyped)
        outcome.identical += not found
        for where, reason in found:
            if reason is None:
                outcome.unexplained.append(where)
            else:
                outcome.intended[reason] += 1
