"""The drift summary reads each class statement's source with lines split once;
the result is what ast.get_source_segment gives (which splits on every call)."""

from __future__ import annotations

import ast

from schema_sync_hook.plan.models import _LINE, _segment

from conftest import GOLDEN, SHOP

ODD = (
    "class A:\r\n    x: int = 1\r\n    y: str = 'é'  # ü\r\n"
    "    z: dict[str, int] = {\n        'a': 1,\r        'b': 2}\n"
    "    w = 'no newline at the end'"
)


def test_same_segments_as_ast() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(GOLDEN.glob("*/expected.py"))]
    texts += [(SHOP / "src/api/schemas_generated.py").read_text(encoding="utf-8"), ODD]
    compared = 0
    for text in texts:
        lines = _LINE.findall(text)
        assert "".join(lines) == text
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.stmt):
                assert _segment(lines, node) == ast.get_source_segment(text, node)
                compared += 1
    assert compared > 500
