"""The generated file is a fixed point of ruff format and black run with the project's
own settings (SPEC §4): any line length from 40 to 200, indent width, tabs, quote
style, magic trailing comma, and names long enough to overflow any line."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import black
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_precommit import OUT, make_consumer

from schema_sync_hook.describe.spec import (
    AppSpec,
    ComputedSpec,
    Default,
    EnumMember,
    FieldSpec,
    ModelSpec,
    ProjectSpec,
    RelationSpec,
    TypeExpr,
    TypeRef,
    ViewSpec,
)
from schema_sync_hook.describe.views import Rules, resolve_views
from schema_sync_hook.errors import UserError
from schema_sync_hook.render import pysource
from schema_sync_hook.render.files import render_file
from schema_sync_hook.render.options import RenderOptions, Style
from schema_sync_hook.settings.views import ViewDecl

from conftest import SIMPLE_MODELS, commit, run

RUFF = [sys.executable, "-m", "ruff"]


def ruff_args(style: Style) -> list[str]:
    """``ruff format`` options for ``style``, as a project's configuration would set it."""
    args = ["--isolated", "--line-length", str(style.line_length)]
    args += ["--config", f"indent-width = {style.indent_width}"]
    if style.tabs:
        args += ["--config", "format.indent-style = 'tab'"]
    if style.single_quotes:
        args += ["--config", "format.quote-style = 'single'"]
    if not style.magic_trailing_comma:
        args += ["--config", "format.skip-magic-trailing-comma = true"]
    return args


def ruff_formatted(text: str, style: Style) -> str:
    proc = subprocess.run(
        [*RUFF, "format", *ruff_args(style), "--stdin-filename", "schemas.py", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout


def black_applies(style: Style) -> bool:
    """Black knows only 4-space indentation."""
    return not style.tabs and style.indent_width == 4


def black_formatted(text: str, style: Style) -> str:
    mode = black.Mode(
        line_length=style.line_length,
        # single quotes are what black's skip-string-normalization keeps
        string_normalization=not style.single_quotes,
        magic_trailing_comma=style.magic_trailing_comma,
    )
    return black.format_str(text, mode=mode)


def camel(length: int, seed: str) -> str:
    return (seed.capitalize() + "Long" * 60)[:length]


def snake(length: int, seed: str) -> str:
    return (seed + "_field" * 60)[:length].rstrip("_") or "f"


def models(model_length: int, other_length: int, field_length: int) -> list[ModelSpec]:
    """Two related models whose names and field names have the given lengths."""
    first, second = camel(model_length, "order"), camel(other_length, "customer")
    kind = TypeRef("shopmodels", camel(max(model_length // 2, 1), "status"))
    long_field = snake(field_length, "shipping_address")
    fields = (
        FieldSpec("id", "scalar", TypeRef("builtins", "int"), generated=True),
        FieldSpec(
            long_field,
            "scalar",
            TypeRef("builtins", "str"),
            constraints=(("max_length", 200),),
            description="Where it goes; 'quoted' and \"double\"",
        ),
        FieldSpec(
            snake(field_length, "total"),
            "scalar",
            TypeRef("decimal", "Decimal"),
            default=Default(value=Decimal("1234567.50")),
            constraints=(("max_digits", 12), ("decimal_places", 2)),
        ),
        FieldSpec(
            snake(field_length, "status"),
            "enum",
            kind,
            default=Default(value=EnumMember(kind, "PENDING_CONFIRMATION", "pending")),
            description="The order's state",
        ),
        FieldSpec(snake(field_length, "extra"), "json", None, nullable=True),
        FieldSpec(snake(field_length // 2, "note"), "scalar", TypeRef("builtins", "str")),
        FieldSpec(
            snake(field_length, "created"),
            "scalar",
            TypeRef("datetime", "datetime"),
            read_only=True,
        ),
    )
    relations = (
        RelationSpec(snake(field_length, "customer"), "fk", "models", second, nullable=True),
        RelationSpec(snake(field_length, "returns"), "reverse_fk", "models", second, many=True),
    )
    back = (RelationSpec(snake(field_length, "orders"), "reverse_fk", "models", first, many=True),)
    return [
        ModelSpec(first, "models", "shopmodels", "An order.", fields, relations=relations),
        ModelSpec(second, "models", "shopmodels", None, fields[:3], relations=back),
    ]


def render(specs: list[ModelSpec], style: Style, view_length: int = 0) -> str:
    """The file for ``specs``; with ``view_length``, also views of that name length."""
    options = RenderOptions(style=style)
    views = declared_views(specs, view_length) if view_length else ()
    return render_file("schemas.py", specs, ["shopmodels"], options, views=views).content


def declared_views(specs: list[ModelSpec], length: int) -> tuple[ViewSpec, ...]:
    """Views of every kind (SPEC §12) over ``models``' two models, names of ``length``:
    a list nest with an exclude and a computed field and its List class, ``"*"`` to
    depth 3 without raw ids, and an include-only row."""
    first, second = specs
    customer, returns = (r.name for r in first.relations)
    computed = ComputedSpec(
        snake(length, "display_name"),
        TypeExpr(
            None, (TypeExpr(TypeRef("builtins", "str")), TypeExpr(TypeRef("builtins", "None")))
        ),
        description="Shown to 'people'",
    )
    rules = Rules(
        sensitive=(),
        exclude_response=(),
        computed_of=lambda model, name: computed if name == computed.name else None,
        pk_keys=lambda model: frozenset({"id"}),
    )
    declared = [
        ViewDecl(
            camel(length, "orderOut"),
            first.name,
            nest=(customer, returns),
            exclude=(f"{customer}.{second.fields[1].name}",),
            computed=(f"{customer}.{computed.name}",),
            list_class=True,
        ),
        ViewDecl(
            camel(length, "tree"), first.name, star=True, depth=3, raw_ids=False, list_class=True
        ),
        ViewDecl(camel(length // 2 + 1, "row"), second.name, include=("id",)),
    ]
    project = ProjectSpec(apps=(AppSpec("models", ("shopmodels",), tuple(specs)),))
    return resolve_views(project, declared, rules)


STYLES = st.builds(
    Style,
    line_length=st.integers(40, 200),
    indent_width=st.sampled_from([2, 4, 4, 4, 8]),
    tabs=st.booleans(),
    single_quotes=st.booleans(),
    magic_trailing_comma=st.booleans(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    style=STYLES,
    model_length=st.integers(1, 70),
    other_length=st.integers(1, 70),
    field_length=st.integers(1, 60),
    view_length=st.integers(0, 90),
)
def test_both_formatters_leave_the_file_unchanged(
    style: Style, model_length: int, other_length: int, field_length: int, view_length: int
) -> None:
    text = render(models(model_length, other_length, field_length), style, view_length)
    compile(text, "schemas.py", "exec")
    assert ruff_formatted(text, style) == text
    if black_applies(style):
        assert black_formatted(text, style) == text


@pytest.mark.parametrize("line_length", range(40, 201))
def test_every_line_length_with_long_names(line_length: int) -> None:
    """Each width once, names long enough that class headers and fields overflow."""
    style = Style(line_length=line_length)
    specs = models(line_length // 2, line_length // 3, line_length // 4)
    text = render(specs, style, view_length=line_length // 2)
    assert "class TreeLong" in text and "List(RootModel[list[" in text
    assert ruff_formatted(text, style) == text
    assert black_formatted(text, style) == text


VIEW_STYLES = {
    "tabs-single-quotes": Style(tabs=True, single_quotes=True),
    "indent-2-no-magic-comma": Style(indent_width=2, magic_trailing_comma=False),
    "indent-8": Style(indent_width=8),
    "spaces": Style(),
}


@pytest.mark.parametrize("line_length", [40, 51, 63, 79, 80, 88, 100, 120, 157, 200])
@pytest.mark.parametrize("case", sorted(VIEW_STYLES))
def test_views_under_every_style(case: str, line_length: int) -> None:
    """Views of every kind, names short and long, in every indentation and quote style."""
    style = dataclasses.replace(VIEW_STYLES[case], line_length=line_length)
    for length in (6, line_length // 3, line_length):
        text = render(models(length // 2 + 1, length // 3 + 1, length // 4 + 1), style, length)
        assert ruff_formatted(text, style) == text
        if black_applies(style):
            assert black_formatted(text, style) == text


# What a project's ``ruff check`` may select and the generated file passes: the default
# rules, isort (the imports block wraps at the line length), and the usual extras.
# W191 (tabs) is left out as ruff advises when the formatter indents with tabs.
LINT = ["--select", "E4,E7,E9,F,W,I,B,UP,SIM", "--ignore", "W191", "--target-version", "py310"]
LINT += ["--config", "lint.isort.known-first-party = ['shopmodels']"]


@pytest.mark.parametrize("line_length", [40, 55, 79, 80, 88, 100, 120, 200])
def test_ruff_check_passes_at_every_width(line_length: int) -> None:
    for style in (Style(line_length=line_length), Style(line_length=line_length, tabs=True)):
        text = render(models(line_length // 2, line_length // 3, 9), style, line_length // 2)
        args = ["--line-length", str(line_length), *LINT, "--stdin-filename", "schemas.py"]
        proc = subprocess.run(
            [*RUFF, "check", "--isolated", *args, "-"],
            input=text,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout


def test_default_style_has_no_formatter_markers() -> None:
    """At the default settings the file is plainly formatted (goldens stay as they were)."""
    text = render(models(5, 8, 6), Style())
    assert "# fmt:" not in text


def test_helpers_are_kept_from_the_formatters_only_where_needed() -> None:
    narrow = render(models(5, 8, 6), Style(line_length=60))
    wide = render(models(5, 8, 6), Style(line_length=150))
    assert narrow.count("# fmt: off") == 1 and narrow.count("# fmt: on") == 1
    assert "# fmt: off" in wide  # the _NotNull schema hook's signature would be joined
    assert "# fmt:" not in render(models(5, 8, 6), Style(line_length=100))


def test_tabs_and_single_quotes() -> None:
    text = render(models(5, 8, 6), Style(tabs=True, single_quotes=True))
    body = text.split("\n", 2)[2]
    assert "\n\tmodel_config = ConfigDict(from_attributes=True)\n" in body
    assert "    " not in body.replace("# fmt: off", "").split("# fmt: on")[-1]
    assert "description='The order\\'s state'" not in body  # fewer escapes wins
    assert 'description="The order\'s state"' in body
    assert "max_length=200, description='Where it goes" in body or "'Where it goes" not in body
    assert '"""Schema for creating a new order' in body  # docstrings keep double quotes


SPLIT = [  # (statement at 4 spaces, line length, the layout black and ruff both give)
    (
        ("customer_of_record", "CustomerLoyaltyResponse | None", "None"),
        48,
        "    customer_of_record: (\n        CustomerLoyaltyResponse | None\n    ) = None",
    ),
    (
        ("customer", "CustomerLoyaltyResponse | None", "None"),
        50,
        "    customer: CustomerLoyaltyResponse | None = (\n        None\n    )",
    ),
    (
        ("loyalty_records", "list[CustomerLoyaltyProgrammeResponse]", None),
        50,
        "    loyalty_records: list[\n        CustomerLoyaltyProgrammeResponse\n    ]",
    ),
    (
        ("loyalty", "CustomerLoyaltyProgrammeMembershipResponse", None),
        40,
        "    loyalty: CustomerLoyaltyProgrammeMembershipResponse",
    ),
    # where the two disagree: kept from both
    (
        ("customer", "CustomerLoyaltyResponse", "None"),
        40,
        "    customer: CustomerLoyaltyResponse = None  # fmt: skip",
    ),
    (
        ("customer", "CustomerLoyaltyProgResponse", None),
        40,
        "    customer: CustomerLoyaltyProgResponse  # fmt: skip",
    ),
]


@pytest.mark.parametrize(("statement", "line_length", "expected"), SPLIT)
def test_long_fields_are_split_as_both_formatters_split_them(
    statement: tuple[str, str, str | None], line_length: int, expected: str
) -> None:
    style = Style(line_length=line_length)
    lines = pysource.annotated("    ", *statement, style)
    assert "\n".join(lines) == expected
    text = "class A:\n" + "\n".join(lines) + "\n"
    assert ruff_formatted(text, style) == text
    assert black_formatted(text, style) == text


def test_a_call_whose_start_does_not_fit_goes_in_parentheses() -> None:
    style = Style(line_length=60)
    target = "customer_of_record: CustomerLoyaltyResponse | None"
    lines = pysource.call_statement("    ", target, "Field", ["default=None"], style)
    assert lines == [f"    {target} = (", "        Field(default=None)", "    )"]
    text = "class A:\n" + "\n".join(lines) + "\n"
    assert ruff_formatted(text, style) == text
    assert black_formatted(text, style) == text


# --- a formatter hook and this hook in one .pre-commit-config.yaml ---------------------

LONG_MODEL = """

class CustomerLoyaltyProgrammeMembershipTierAssignmentRecord(models.Model):
    id = fields.IntField(primary_key=True)
    membership_tier_assignment_effective_from = fields.DatetimeField(null=True)
    loyalty_programme_membership_reference_code = fields.CharField(
        max_length=64, description="The reference the customer's card carries"
    )
    assigned_book = fields.ForeignKeyField("models.Book", related_name="tier_records")
"""

SHELF = """

class Shelf(models.Model):
    id = fields.IntField(primary_key=True)
    label = fields.CharField(max_length=20)
"""

FORMATTER_SETTINGS = {
    "ruff-79": ("ruff", "[tool.ruff]\nline-length = 79\n"),
    "ruff-single-tabs-120": (
        "ruff",
        '[tool.ruff]\nline-length = 120\n[tool.ruff.format]\nquote-style = "single"\n'
        'indent-style = "tab"\n',
    ),
    "ruff.toml-indent-2-no-magic-comma-40": (
        "ruff",
        "line-length = 40\nindent-width = 2\n[format]\nskip-magic-trailing-comma = true\n",
    ),
    "black-100-skip-string-normalization": (
        "black",
        "[tool.black]\nline-length = 100\nskip-string-normalization = true\n",
    ),
    "black-80": ("black", "[tool.black]\nline-length = 80\n"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(FORMATTER_SETTINGS))
def test_formatter_hook_and_this_hook_agree_under_pre_commit(
    case: str, tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    formatter, settings_text = FORMATTER_SETTINGS[case]
    root = make_consumer(tmp_path / "consumer", hook_repo, env, ["schema-sync"])
    (root / "shopmodels.py").write_text(SIMPLE_MODELS.lstrip() + LONG_MODEL)
    if case.startswith("ruff.toml"):
        (root / "ruff.toml").write_text(settings_text)
    else:
        with (root / "pyproject.toml").open("a") as fh:
            fh.write(settings_text)
    entry = f"{sys.executable} -m {'ruff format' if formatter == 'ruff' else 'black'}"
    with (root / ".pre-commit-config.yaml").open("a") as fh:
        fh.write(
            f"  - repo: local\n    hooks:\n      - id: {formatter}\n        name: {formatter}\n"
            f"        entry: {entry}\n        language: system\n        types: [python]\n"
        )
    run(["git", "add", "-A"], root, env)
    first = commit(root, env, "models")
    assert first.returncode != 0 and f"created {OUT}" in first.stdout, first.stdout
    run(["git", "add", "-A"], root, env)
    second = commit(root, env, "models and schemas")
    assert second.returncode == 0, second.stdout  # neither hook touched the file
    generated = (root / OUT).read_text()
    assert "class CustomerLoyaltyProgrammeMembershipTierAssignmentRecordDetail(" in generated

    with (root / "shopmodels.py").open("a") as fh:  # a model change: both hooks may write,
        fh.write(SHELF)  # then both pass
    run(["git", "add", "-A"], root, env)
    assert commit(root, env, "isbn").returncode != 0
    run(["git", "add", "-A"], root, env)
    again = commit(root, env, "isbn with schemas")
    assert again.returncode == 0, again.stdout


# --- reading the settings --------------------------------------------------------------


def style_of(tmp_path: Path, files: dict[str, str]) -> Style:
    from schema_sync_hook.settings.sources import load_config

    files.setdefault("pyproject.toml", "")
    for name, text in files.items():
        (tmp_path / name).write_text(
            '[tool.schema-sync]\nmodels = ["m"]\n' * (name == "pyproject.toml") + text
        )
    return load_config(tmp_path, environ={}).style


def test_settings_are_read_as_ruff_and_black_read_them(tmp_path: Path) -> None:
    ruff_format = '[tool.ruff]\nindent-width = 2\n[tool.ruff.format]\nquote-style = "single"\n'
    assert style_of(tmp_path, {"pyproject.toml": ruff_format + 'indent-style = "tab"\n'}) == Style(
        indent_width=2, tabs=True, single_quotes=True
    )
    black_only = "[tool.black]\nline-length = 100\nskip-magic-trailing-comma = true\n"
    assert style_of(tmp_path, {"pyproject.toml": black_only}) == Style(
        line_length=100, magic_trailing_comma=False
    )
    # ruff reads .ruff.toml before ruff.toml, and either instead of [tool.ruff]
    (tmp_path / "pyproject.toml").unlink()
    files = {
        "pyproject.toml": "[tool.ruff]\nline-length = 60\n",
        "ruff.toml": "line-length = 70\n",
        ".ruff.toml": 'line-length = 80\n[format]\nindent-style = "tab"\n',
    }
    assert style_of(tmp_path, files) == Style(line_length=80, tabs=True)


@pytest.mark.parametrize(
    "text",
    [
        "[tool.ruff]\nline-length = 20\n",
        '[tool.ruff.format]\nquote-style = "fancy"\n',
        "[tool.black]\nskip-string-normalization = 1\n",
    ],
)
def test_settings_the_file_cannot_follow_exit_2(tmp_path: Path, text: str) -> None:
    with pytest.raises(UserError, match=r"pyproject\.toml"):
        style_of(tmp_path, {"pyproject.toml": text})
