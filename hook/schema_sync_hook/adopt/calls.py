"""What ``find`` records of a creator call: the call, its spans and arguments, and the
tables of the creator functions and keyword arguments it reads."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

CREATOR_MODULES = ("tortoise.contrib.pydantic", "tortoise.contrib.pydantic.creator")
FUNCTIONS = {"pydantic_model_creator": "model", "pydantic_queryset_creator": "queryset"}
CREATOR_PATHS = {f"{m}.{f}": kind for m in CREATOR_MODULES for f, kind in FUNCTIONS.items()}
KEEP = re.compile(r"#\s*schema-sync:\s*keep\b")
# Folders never searched: tool state, version control, caches and virtual environments.
SKIPPED_FOLDERS = frozenset(
    {
        ".git",
        ".hg",
        ".schema_sync",
        "__pycache__",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "node_modules",
        "site-packages",
        "build",
        "dist",
    }
)
# Keyword arguments whose value is read as a literal (a list is read as a tuple).
LITERAL_ARGS = frozenset(
    {
        "name",
        "include",
        "exclude",
        "computed",
        "optional",
        "allow_cycles",
        "sort_alphabetically",
        "exclude_readonly",
        "module",
    }
)
# Keyword arguments each function accepts besides the model.
ACCEPTED = {
    "model": LITERAL_ARGS | {"meta_override", "model_config", "validators"},
    "queryset": frozenset(
        {"name", "include", "exclude", "computed", "allow_cycles", "sort_alphabetically"}
    ),
}


@dataclass(frozen=True)
class Span:
    """A piece of source as ``ast`` gives it: 1-based lines, 0-based UTF-8 byte columns."""

    line: int
    col: int
    end_line: int
    end_col: int

    @classmethod
    def of(cls, node: ast.AST) -> Span:
        return cls(
            node.lineno,  # type: ignore[attr-defined]
            node.col_offset,  # type: ignore[attr-defined]
            node.end_lineno or node.lineno,  # type: ignore[attr-defined]
            node.end_col_offset or 0,  # type: ignore[attr-defined]
        )


@dataclass(frozen=True)
class MetaOverride:
    """A ``meta_override=`` class read from its literal class body."""

    name: str
    attributes: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Call:
    path: str  # POSIX, relative to the root
    line: int
    source: str  # the call's source text
    kind: str  # "model" or "queryset"
    target: str | None  # the variable it is assigned to
    view_name: str | None  # name= , else the target, else class + attribute
    model: str | None  # dotted path of the model class, resolved statically
    model_text: str
    arguments: tuple[tuple[str, Any], ...]  # the keyword arguments as values
    problem: str | None  # why it cannot be reproduced without running code
    kept: bool  # "# schema-sync: keep"
    site: str  # "assign", "local", "base", "annotation", "expression"
    call_span: Span
    statement_span: Span
    module: str | None  # the file's dotted module name

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.arguments)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Found:
    calls: list[Call] = field(default_factory=list)
    broken: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
