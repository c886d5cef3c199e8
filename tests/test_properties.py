"""Property-based: any names, descriptions, docstrings and defaults a model can hold
give a generated file that parses, imports, keeps every value exactly, is left
unchanged by black and ruff format, and is byte-identical on a second run."""

from __future__ import annotations

import importlib
import inspect
import keyword
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import black
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tortoise.models import Model

from schema_sync_hook.cli import main

from conftest import importable_root

RESERVED = set(dir(Model)) | set(keyword.kwlist) | {"id", "pk"}
TRICKY = [
    '"""',
    "'''",
    '"',
    "'",
    "\\",
    "\\n",
    "\n",
    "\r\n",
    "\t",
    "import os",
    "os.system('x')",
    "def",
    "class",
    "None",
    "\x00",
    "\x7f",
    "é",
    "日本",
    "🙂",
    "e\u0301",
    "\u200b",
    "\u2028",
]

texts = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.lists(st.sampled_from(TRICKY), max_size=6).map("".join),
    st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=5)), max_size=8).map("".join),
)
names = st.text("abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=25).filter(
    lambda n: (
        not n[0].isdigit()
        and n not in RESERVED
        and not n.endswith("_id")
        and n.strip("_")
        and not n.startswith("__")
    )
)
defaults: Any = {
    "CharField": texts.filter(lambda t: len(t) <= 40),
    "IntField": st.integers(-(2**31), 2**31 - 1),
    "FloatField": st.floats(allow_nan=False, allow_infinity=False),
    "DecimalField": st.decimals(
        min_value=-999999, max_value=999999, places=2, allow_nan=False, allow_infinity=False
    ),
    "BooleanField": st.booleans(),
}
FIELD_ARGS = {"CharField": "max_length=40", "DecimalField": "max_digits=8, decimal_places=2"}


@st.composite
def models(draw: st.DrawFn) -> tuple[str, dict[str, tuple[str, Any, str | None]], str | None]:
    field_names = draw(st.lists(names, min_size=1, max_size=5, unique=True))
    spec = {}
    lines = []
    for name in field_names:
        kind = draw(st.sampled_from(sorted(defaults)))
        default = draw(st.none() | defaults[kind])
        description = draw(st.none() | texts)
        args = [FIELD_ARGS.get(kind, "")]
        if default is not None:
            args.append(f"default={default!r}")
        if description is not None:
            args.append(f"description={description!r}")
        if default is None:
            args.append("null=True")
        joined = ", ".join(a for a in args if a)
        lines.append(f"    {name} = fields.{kind}({joined})")
        spec[name] = (kind, default, description)
    doc = draw(st.none() | texts.filter(lambda t: t.strip()))
    body = "\n".join(lines)
    doc_line = f"    {doc!r}\n" if doc is not None else ""
    source = (
        "from decimal import Decimal\n\nfrom tortoise import fields, models\n\n\n"
        f"class Thing(models.Model):\n{doc_line}"
        f"    id = fields.IntField(primary_key=True)\n{body}\n"
    )
    return source, spec, doc


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with importable_root(tmp_path_factory, "propmodels", "propschemas.py") as root:
        yield root


def _generate(root: Path) -> str:
    assert main(["sync", "--force", "-q", "--no-color", "--root", str(root)]) == 0
    return (root / "propschemas.py").read_text(encoding="utf-8")


@settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(models())
@example(  # Python 3.13 keeps this docstring as '\u2028       0', 3.12 as '0'
    model=(
        "from decimal import Decimal\n\nfrom tortoise import fields, models\n\n\n"
        "class Thing(models.Model):\n    '\\u2028\\t0'\n"
        "    id = fields.IntField(primary_key=True)\n"
        "    a = fields.BooleanField(null=True)\n",
        {"a": ("BooleanField", None, None)},
        "\u2028\t0",
    )
)
def test_any_model_text_round_trips(
    workdir: Path, model: tuple[str, dict[str, Any], str | None]
) -> None:
    source, spec, doc = model
    (workdir / "propmodels.py").write_text(source, encoding="utf-8")
    text = _generate(workdir)
    assert _generate(workdir) == text  # byte-identical on a second run
    compile(text, "propschemas.py", "exec")
    assert black.format_str(text, mode=black.Mode(line_length=88)) == text
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "--stdin-filename", "x.py", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    assert ruff.stdout == text

    for module in ("propschemas", "propmodels"):
        sys.modules.pop(module, None)
    generated = importlib.import_module("propschemas")
    create, response = generated.ThingCreate, generated.ThingResponse
    for name, (_kind, default, description) in spec.items():
        [attribute] = [a for a, f in create.model_fields.items() if (f.alias or a) == name]
        assert attribute.isidentifier() and not attribute.startswith("_")
        field = create.model_fields[attribute]
        assert field.description == (description or None)  # an empty one is no description
        if default is None:
            assert field.default is None and not field.is_required()
        else:
            assert field.default == default and type(field.default) is type(default)
        assert response.model_fields[attribute].description == (description or None)
    if doc is not None:
        kept = inspect.cleandoc(create.__doc__ or "").split("\n\n", 1)[1]
        assert kept == _as_formatted(doc)
    else:
        assert "\n" not in (create.__doc__ or "")


def _as_formatted(doc: str) -> str:
    """The doc's text as black and ruff keep it: lines (``str.splitlines``, so U+2028
    too) without trailing spaces, no blank lines around, and no indentation the lines
    share (Python 3.13 keeps ``'\\u2028\\t0'`` as ``'\\u2028       0'``; 3.12 as ``'0'``)."""
    lines = [line.rstrip() for line in inspect.cleandoc(doc).splitlines()]
    text = "\n".join(lines).strip("\n")
    shared = min((len(x) - len(x.lstrip(" ")) for x in text.split("\n") if x), default=0)
    return "\n".join(x[shared:] for x in text.split("\n"))


@pytest.mark.parametrize(
    "doc",
    [
        "\u2028       0",  # what Python 3.13 makes of the docstring '\u2028\t0'
        "  a\n    b",
        "a\u2028\tb",
        "\u2028   \u2028  q",
    ],
)
def test_docstring_bodies_with_shared_indentation_are_formatter_fixed_points(doc: str) -> None:
    from schema_sync_hook.render import pysource

    source = "class A:\n" + "\n".join(pysource.docstring("S", doc, "    ")) + "\n\n    x: int\n"
    assert black.format_str(source, mode=black.Mode()) == source
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    )
    assert ruff.stdout == source
