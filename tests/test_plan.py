"""plan() on hand-made inputs: texts in, typed change records out; no file touched."""

from __future__ import annotations

import pytest

from schema_sync_hook.plan.changes import Action, Mode, State, plan
from schema_sync_hook.plan.models import FieldChange, ModelChange, model_changes
from schema_sync_hook.render.files import GeneratedFile, with_header

OLD_BODY = """from pydantic import BaseModel


class TagCreate(BaseModel):
    name: str
    color: str


class TagResponse(BaseModel):
    id: int
    name: str
    color: str


class NoteCreate(BaseModel):
    text: str
"""
NEW_BODY = """from pydantic import BaseModel


class TagCreate(BaseModel):
    name: str
    weight: int


class TagResponse(BaseModel):
    id: int
    name: str | None
    weight: int


class PinCreate(BaseModel):
    at: int
"""
CLASSES = (("TagCreate", "Tag"), ("TagResponse", "Tag"), ("PinCreate", "Pin"))
OLD = with_header(OLD_BODY, ["m"])
NEW = with_header(NEW_BODY, ["m"])
GEN = GeneratedFile("api/s.py", NEW, ("Tag", "Pin"), ("m",), CLASSES)


def one(disk: str | None, mode: Mode, may_write: bool = True, force: bool = False):  # type: ignore[no-untyped-def]
    [change] = plan([GEN], {"api/s.py": disk}, mode, may_write=may_write, force=force).changes
    return change


@pytest.mark.parametrize(
    ("disk", "state", "action"),
    [
        (None, State.MISSING, Action.WRITE),
        (NEW, State.IN_SYNC, Action.KEEP),
        (OLD, State.STALE, Action.WRITE),
        (OLD + "# mine\n", State.HAND_EDITED, Action.REFUSE),
    ],
)
def test_state_and_action_when_writing(disk: str | None, state: State, action: Action) -> None:
    change = one(disk, Mode.SYNC)
    assert (change.state, change.action) == (state, action)
    assert change.old == disk and change.new == NEW


def test_force_writes_even_in_sync_or_edited() -> None:
    assert one(NEW, Mode.SYNC, force=True).action is Action.WRITE
    assert one(OLD + "# mine\n", Mode.SYNC, force=True).action is Action.WRITE


def test_modes_that_do_not_write_report() -> None:
    assert one(OLD, Mode.CHECK, may_write=False).action is Action.REPORT
    assert one(NEW, Mode.CHECK, may_write=False).action is Action.KEEP
    assert one(OLD + "# mine\n", Mode.DRY_RUN, may_write=False).action is Action.REPORT


def test_one_record_per_changed_field() -> None:
    change = one(OLD, Mode.CHECK, may_write=False)
    tag, pin, note = change.models
    assert tag == ModelChange(
        "Tag",
        "changed",
        (
            FieldChange("Tag", "color", "removed"),
            FieldChange("Tag", "name", "changed"),
            FieldChange("Tag", "weight", "added"),
        ),
    )
    assert str(tag) == "Tag (color, name, weight)"
    assert (pin.name, pin.change, note.name, note.change) == ("Pin", "added", "Note", "removed")
    assert change.diff.startswith("--- a/api/s.py\n+++ b/api/s.py\n")


def test_models_come_from_the_class_table() -> None:
    """A class whose name has no variant suffix still belongs to its model."""
    old = "class Inbound(BaseModel):\n    a: int\n\n\nclass _Helper:\n    x: int\n"
    new = "class Inbound(BaseModel):\n    a: int\n    b: int\n\n\nclass _Helper:\n    y: int\n"
    [change] = model_changes(old, new, [("Inbound", "Order")])
    assert change == ModelChange("Order", "changed", (FieldChange("Order", "b", "added"),))


def test_missing_file_lists_every_model_as_added() -> None:
    change = one(None, Mode.HOOK)
    assert [str(m) for m in change.models] == ["Tag (added)", "Pin (added)"]


def test_nothing_changed_nothing_listed() -> None:
    change = one(NEW, Mode.HOOK)
    assert change.models == () and change.diff == ""


def test_manual_schema_module_is_never_hand_edited() -> None:
    manual = GeneratedFile("api/schemas.py", "x = 1\n", (), ())
    [change] = plan(
        [manual],
        {"api/schemas.py": "y = 2\n"},
        Mode.SYNC,
        may_write=True,
        manual_path="api/schemas.py",
    ).changes
    assert (change.state, change.action, change.manual) == (State.STALE, Action.WRITE, True)


def test_class_var_check_agrees_with_unparsing() -> None:
    """The prefetch ClassVar is told from fields without unparsing every annotation:
    the same answer as ``ast.unparse(annotation).startswith("ClassVar")``."""
    import ast

    from schema_sync_hook.plan.models import is_classvar

    from conftest import GOLDEN, SHOP

    texts = [p.read_text() for p in sorted(GOLDEN.glob("*/expected*.py"))]
    texts.append((SHOP / "src/api/schemas_generated.py").read_text())
    texts.append(
        "x: ClassVar\nx: ClassVar[int]\nx: typing.ClassVar[int]\nx: ClassVarX[int]\n"
        "x: 'ClassVar[int]'\nx: ClassVar | None\nx: ClassVar(1)\nx: Class[int]\n"
    )
    annotations = [
        node.annotation
        for text in texts
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.AnnAssign)
    ]
    assert len(annotations) > 500
    for annotation in annotations:
        # the one rule of both parsers of generated files: ClassVar, or typing.ClassVar
        text = ast.unparse(annotation)
        assert is_classvar(annotation) == text.removeprefix("typing.").startswith("ClassVar")


def _patched(old: str, diff: str) -> str:
    """``old`` with a unified diff applied (hunk line numbers taken at their word)."""
    import re

    source = old.splitlines(keepends=True)
    lines = diff.splitlines(keepends=True)[2:]
    out: list[str] = []
    pos = i = 0
    while i < len(lines):
        head = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", lines[i])
        assert head, lines[i]
        start = int(head[1]) - (1 if head[2] != "0" else 0)
        out += source[pos:start]
        pos, i = start, i + 1
        while i < len(lines) and not lines[i].startswith("@@"):
            mark, body = lines[i][0], lines[i][1:]
            cut = i + 1 < len(lines) and lines[i + 1].startswith("\\ No newline")
            body = body[:-1] if cut else body
            if mark == " ":
                out.append(source[pos])
            if mark in " -":
                pos += 1
            if mark == "+":
                out.append(body)
            i += 2 if cut else 1
    return "".join(out + source[pos:])


@pytest.mark.parametrize("seed", range(40))
def test_a_diff_without_the_shared_ends_still_applies(seed: int) -> None:
    """Lines both texts share at either end are left out of difflib's comparison (a
    contract file is a megabyte of alike lines); the hunks still say where they are."""
    import random

    from schema_sync_hook.plan.changes import unified_diff

    rng = random.Random(seed)
    old_lines = [
        rng.choice(['  "type": "string"\n', "  },\n", '  "title": "X"\n']) for _ in range(400)
    ]
    new_lines = list(old_lines)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(new_lines))
        if rng.random() < 0.5:
            new_lines[at] = '  "description": "new"\n'
        else:
            new_lines.insert(at, '  "maxLength": 3\n')
    old, new = "".join(old_lines), "".join(new_lines).rstrip("\n")  # no final newline too
    diff = unified_diff("contract.json", old, new)
    assert diff.startswith("--- a/contract.json\n+++ b/contract.json\n@@ -")
    assert _patched(old, diff) == new
