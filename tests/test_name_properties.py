"""Property-based (SPEC §8): model, field and enum member names from the whole unicode
range, keywords and code-like strings. The tool exits 0 with a file that imports,
validates by the model's own names and never runs injected code, or exits 2 with one
line naming the name."""

from __future__ import annotations

import importlib.util
import keyword
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from schema_sync_hook.cli import main
from schema_sync_hook.render import pysource

from conftest import importable_root

CANARY = Path(os.environ.get("TMPDIR", "/tmp")) / f"schema-sync-injected-{os.getpid()}"
PAYLOAD = f"__import__('pathlib').Path({str(CANARY)!r}).touch()"
CODE_LIKE = [
    PAYLOAD,
    f"x = {PAYLOAD}",
    f"A(BaseModel): pass\n{PAYLOAD}\nclass B",
    f"a\n{PAYLOAD}",
    f"a: int = {PAYLOAD}  #",
    f"a; {PAYLOAD}",
    f"a\r{PAYLOAD}",
    f"a\u2028{PAYLOAD}",
    f'a"""\n{PAYLOAD}\n"""',
    "make.<locals>.Status",
    "os.system",
    "__debug__",
    "__class__",
    "model_config",
    "\U0001d41f\U0001d42b\U0001d428\U0001d426",  # "from" in bold letters
    "e\u0301",
    "_",
    "0abc",
    "",
]

names = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12),
    st.sampled_from(keyword.kwlist + keyword.softkwlist),
    st.sampled_from(CODE_LIKE),
    st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,10}", fullmatch=True),
)

MODELS = """
from enum import Enum

from tortoise import fields, models

Color = Enum("Color", {{{member!r}: "v", "other": "w"}}, type=str)

Thing = type(
    {model!r},
    (models.Model,),
    {{
        "__module__": __name__,
        "id": fields.IntField(primary_key=True),
        {field!r}: fields.CharEnumField(Color, default=Color("v")),
    }},
)
"""


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with importable_root(tmp_path_factory, "namemodels", "nameschemas.py") as root:
        yield root


def _enum_accepts(member: str) -> bool:
    from enum import Enum

    try:
        Enum("Color", {member: "v", "other": "w"}, type=str)
    except (ValueError, TypeError):
        return False
    return True


def _import(path: Path) -> object:
    sys.modules.pop("namemodels", None)
    spec = importlib.util.spec_from_file_location("nameschemas_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules.pop("namemodels", None)
    return module


@settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(model=names, field=names, member=names)
def test_any_name_gives_an_importable_file_or_exit_2(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    model: str,
    field: str,
    member: str,
) -> None:
    assume(_enum_accepts(member) and field not in ("id", "other"))
    (workdir / "namemodels.py").write_text(
        MODELS.format(model=model, field=field, member=member), encoding="utf-8"
    )
    output = workdir / "nameschemas.py"
    output.unlink(missing_ok=True)
    capsys.readouterr()
    code = main(["sync", "-q", "--no-color", "--root", str(workdir)])
    err = capsys.readouterr().err
    event(f"exit {code}")
    assert not CANARY.exists(), "generating ran injected code"
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert not output.exists()
        named = [n for n in (model, field, member) if n and pysource.string(n) in lines[0]]
        # a name the ORM itself refuses fails the model import, which names the module
        assert named or "namemodels" in lines[0], (lines[0], model, field, member)
        return
    assert code == 0, err
    text = output.read_text(encoding="utf-8")
    compile(text, str(output), "exec")
    generated = _import(output)
    assert not CANARY.exists(), "importing the generated file ran injected code"
    create = getattr(generated, f"{model}Create")
    row = create.model_validate({field: "w"})
    assert row.model_dump(by_alias=True)[field].value == "w"
    assert create.model_validate({}).model_dump(by_alias=True)[field].value == "v"
