"""Finding the creator calls statically: ``ast`` only, nothing of the project runs.

A call counts when its function is ``pydantic_model_creator`` or
``pydantic_queryset_creator`` from ``tortoise.contrib.pydantic`` (or its ``creator``
module), whatever name it was imported under. For each call this module records
where it is, what it is assigned to (or the class and attribute it sits in), the
model it names (as a dotted path, resolved through the file's imports) and its
keyword arguments as plain values, or why they cannot be read without running code.
"""

from __future__ import annotations

import ast
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from schema_sync_hook.adopt.calls import (
    ACCEPTED,
    CREATOR_PATHS,
    KEEP,
    SKIPPED_FOLDERS,
    Call,
    Found,
    MetaOverride,
    Span,
)


def python_files(root: Path, paths: Sequence[Path], skip: Iterable[Path]) -> Iterator[Path]:
    """The ``.py`` files under ``paths`` (or ``root``), sorted, without skipped ones."""
    skipped = {p.resolve() for p in skip}
    for start in paths or [root]:
        if start.is_file():
            if start.resolve() not in skipped:
                yield start
            continue
        for folder, dirs, files in os.walk(start):
            here = Path(folder)
            dirs[:] = sorted(
                d
                for d in dirs
                if d not in SKIPPED_FOLDERS
                and not d.endswith(".egg-info")
                and not (here / d / "pyvenv.cfg").exists()
            )
            for name in sorted(files):
                path = here / name
                if name.endswith(".py") and path.resolve() not in skipped:
                    yield path


def find_calls(
    root: Path,
    files: Iterable[Path],
    module_name: Callable[[Path], str | None],
) -> Found:
    found = Found()
    for path in files:
        shown = path.resolve().relative_to(root).as_posix()
        try:
            text = path.read_bytes().decode("utf-8")
            tree = ast.parse(text, filename=shown)
        except SyntaxError as exc:
            found.broken.append((shown, f"line {exc.lineno}: {exc.msg}"))
            continue
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            found.broken.append((shown, f"{type(exc).__name__}: {exc}"))
            continue
        found.calls += _FileReader(shown, text, tree, module_name(path)).calls()
    return found


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of names and attributes, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def import_map(tree: ast.Module, module: str | None) -> dict[str, str]:
    """Every name an import binds in the file, to the dotted path it stands for."""
    names: dict[str, str] = {}
    package = (module or "").rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    head = alias.name.partition(".")[0]
                    names[head] = head
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                if alias.name != "*":
                    names[alias.asname or alias.name] = f"{base}.{alias.name}"
    return names


def resolve(node: ast.AST, imports: dict[str, str]) -> str | None:
    text = dotted(node)
    if text is None:
        return None
    head, _, rest = text.partition(".")
    if head not in imports:
        return None
    return f"{imports[head]}.{rest}" if rest else imports[head]


def camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part)


class _FileReader:
    def __init__(self, path: str, text: str, tree: ast.Module, module: str | None) -> None:
        self.path = path
        self.text = text
        self.lines = text.splitlines()
        self.tree = tree
        self.module = module
        self.imports = import_map(tree, module)
        self.classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node

    def calls(self) -> list[Call]:
        found = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                kind = CREATOR_PATHS.get(resolve(node.func, self.imports) or "")
                if kind is not None:
                    found.append(self._read(node, kind))
        return sorted(found, key=lambda c: (c.call_span.line, c.call_span.col))

    def _ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        while node in self.parents:
            node = self.parents[node]
            yield node

    def _statement(self, node: ast.AST) -> ast.stmt:
        for parent in [node, *self._ancestors(node)]:
            if isinstance(parent, ast.stmt):
                return parent
        raise AssertionError("a call outside any statement")  # pragma: no cover

    def _function(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        for parent in self._ancestors(node):
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return parent
        return None

    def _site(self, node: ast.Call) -> tuple[str, str | None, str | None]:
        """(site, target, name for a view) of the call."""
        parent = self.parents.get(node)
        in_function = self._function(node) is not None
        in_class = isinstance(self.parents.get(self._statement(node)), ast.ClassDef)
        if (
            isinstance(parent, ast.Assign)
            and parent.value is node
            and len(parent.targets) == 1
            and isinstance(parent.targets[0], ast.Name)
        ) or (
            isinstance(parent, ast.AnnAssign)
            and parent.value is node
            and isinstance(parent.target, ast.Name)
        ):
            target_node = parent.targets[0] if isinstance(parent, ast.Assign) else parent.target
            assert isinstance(target_node, ast.Name)
            if in_class:
                return "expression", None, None
            return ("local" if in_function else "assign"), target_node.id, target_node.id
        chain = [node, *self._ancestors(node)]
        for child, holder in itertools.pairwise(chain):
            if isinstance(holder, ast.ClassDef) and child in holder.bases:
                return "base", None, f"{holder.name}Base"
            if isinstance(holder, ast.AnnAssign) and child is holder.annotation:
                owner = self.parents.get(holder)
                if isinstance(owner, ast.ClassDef) and isinstance(holder.target, ast.Name):
                    return "annotation", None, f"{owner.name}{camel(holder.target.id)}"
                return "expression", None, None
            if isinstance(holder, ast.stmt):
                break
        return "expression", None, None

    def _read(self, node: ast.Call, kind: str) -> Call:
        site, target, view_name = self._site(node)
        problems: list[str] = []
        model_node: ast.AST | None = node.args[0] if node.args else None
        if len(node.args) > 1 or any(isinstance(a, ast.Starred) for a in node.args):
            problems.append("positional arguments beyond the model cannot be read statically")
        arguments: dict[str, Any] = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                problems.append("**arguments are only known at run time")
                continue
            if keyword.arg == "cls":
                model_node = keyword.value
                continue
            if keyword.arg not in ACCEPTED[kind]:
                problems.append(f"{keyword.arg}= is not an argument of the creator")
                continue
            try:
                arguments[keyword.arg] = self._value(keyword.arg, keyword.value)
            except ValueError as exc:
                problems.append(f"{keyword.arg}= {exc}")
        model, model_text = None, ""
        if model_node is None:
            problems.append("no model argument")
        else:
            model_text = ast.get_source_segment(self.text, model_node) or ""
            model = self._model(model_node, node)
            if model is None:
                problems.insert(0, f"the model {model_text!r} is chosen at run time")
        name = arguments.get("name")
        if isinstance(name, str):
            view_name = name
        source = ast.get_source_segment(self.text, node) or ""
        return Call(
            path=self.path,
            line=node.lineno,
            source=source,
            kind=kind,
            target=target,
            view_name=view_name,
            model=model,
            model_text=model_text,
            arguments=tuple(arguments.items()),
            problem="; ".join(problems) or None,
            kept=self._kept(node.lineno),
            site=site,
            call_span=Span.of(node),
            statement_span=Span.of(self._statement(node)),
            module=self.module,
        )

    def _kept(self, line: int) -> bool:
        here = self.lines[line - 1] if line <= len(self.lines) else ""
        above = self.lines[line - 2] if line >= 2 else ""
        # the line above counts when it is a comment of its own, not another call's
        return bool(KEEP.search(here) or (above.lstrip().startswith("#") and KEEP.search(above)))

    def _model(self, model_node: ast.AST, call: ast.Call) -> str | None:
        """The model's dotted path, when the file says statically which class it is."""
        text = dotted(model_node)
        if text is None:
            return None
        head = text.partition(".")[0]
        function = self._function(call)
        if function is not None and head in _local_names(function):
            return None  # a parameter or a variable of the function: known at run time
        resolved = resolve(model_node, self.imports)
        if resolved is not None:
            return resolved
        if "." not in text and text in self.classes and self.module:
            return f"{self.module}.{text}"  # a class of this very file
        return None

    def _value(self, name: str, node: ast.AST) -> Any:
        if name == "meta_override":
            return self._meta_override(node)
        if name == "model_config":
            return self._config(node)
        if name == "validators":
            raise ValueError("holds functions, which cannot be reproduced statically")
        try:
            value = ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            raise ValueError("is not a literal") from None
        return _frozen(value)

    def _meta_override(self, node: ast.AST) -> MetaOverride:
        if not isinstance(node, ast.Name) or node.id not in self.classes:
            raise ValueError("is not a class defined at module level in this file")
        cls = self.classes[node.id]
        attributes = []
        for statement in cls.body:
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                continue  # a docstring
            if isinstance(statement, ast.Pass):
                continue
            if (
                isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
            ):
                try:
                    value = ast.literal_eval(statement.value)
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    raise ValueError(
                        f"{node.id}.{statement.targets[0].id} is not a literal"
                    ) from None
                attributes.append((statement.targets[0].id, _frozen(value)))
                continue
            raise ValueError(f"{node.id} holds more than literal assignments")
        if cls.bases or cls.keywords or cls.decorator_list:
            raise ValueError(f"{node.id} has bases or decorators")
        return MetaOverride(node.id, tuple(attributes))

    def _config(self, node: ast.AST) -> tuple[tuple[str, Any], ...]:
        if isinstance(node, ast.Call) and (resolve(node.func, self.imports) or "").endswith(
            "ConfigDict"
        ):
            if node.args or any(k.arg is None for k in node.keywords):
                raise ValueError("ConfigDict(...) with positional or ** arguments")
            items: dict[str, Any] = {}
            for keyword in node.keywords:
                items[str(keyword.arg)] = self._value("model_config.item", keyword.value)
            return tuple(items.items())
        value = self._value("model_config.item", node)
        if not isinstance(value, tuple) or not all(
            isinstance(i, tuple) and len(i) == 2 for i in value
        ):
            raise ValueError("is neither ConfigDict(...) nor a dict literal")
        return value  # a dict literal, frozen to pairs


def _frozen(value: Any) -> Any:
    """Lists as tuples and dicts as sorted pairs, so a call's arguments are hashable."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, set):
        return tuple(sorted(_frozen(v) for v in value))
    return value


def _local_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Names bound inside the function: parameters and assignment targets."""
    args = function.args
    names = {
        a.arg
        for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        if a is not None
    }
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names
