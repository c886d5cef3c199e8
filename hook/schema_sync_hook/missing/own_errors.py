"""Errors of the project's own code, which no placeholder can have caused.

In stub mode an import error of the models may come from a placeholder (then the
advice is to install the stubbed module) or from the project itself: a typo in an
import of its own module (``from webapp import modles``), a name it never defined.
Those get no install advice.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType


def own_error(
    error: BaseException, sites: Iterable[tuple[str, int, str]], own: Callable[[str], bool]
) -> bool:
    """Whether ``error`` comes from the project's code with no placeholder involved.

    ``sites`` are the stubbed import statements, ``own`` tells the project's modules.
    """
    if isinstance(error, SyntaxError):
        return True
    if isinstance(error, NameError):  # unless ``from stubbed import *`` hid the name
        return not any(_is_star_import(file, line) for file, line, _ in sites)
    if isinstance(error, AttributeError):  # ``webapp.modles``: a module of the project
        target = getattr(error, "obj", None)
        return isinstance(target, ModuleType) and own(target.__name__)
    return isinstance(error, ImportError) and bool(error.name) and own(str(error.name))


def _is_star_import(filename: str, line: int) -> bool:
    try:
        tree = ast.parse(Path(filename).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return True  # unknown: keep the advice
    return any(
        isinstance(node, ast.ImportFrom)
        and node.lineno == line
        and any(alias.name == "*" for alias in node.names)
        for node in ast.walk(tree)
    )
