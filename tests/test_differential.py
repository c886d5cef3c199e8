"""Differential proof: generated schemas against Tortoise's own pydantic_model_creator,
on Tortoise's own tests/testmodels.py (every model, both of its apps, no database).

Runs when TORTOISE_TESTMODELS names that file (tox -e differential fetches the
sdist matching the installed tortoise-orm); skipped otherwise.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from differential import DETAIL_INTENDED, INTENDED, DetailOutcome, Outcome, compare, compare_detail

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
