"""Import names of a generated file: aliases where a field would shadow a name,
and the import statements laid out as isort (ruff's ``I``) does.

Every name the generated file spells as code passes :func:`code_name`.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

from schema_sync_hook.describe.spec import TypeRef
from schema_sync_hook.errors import UserError
from schema_sync_hook.render import pysource
from schema_sync_hook.settings.formatter import Style


def code_name(name: str, owner: str, what: str) -> str:
    """``name``, proven fit to stand as itself in generated code; otherwise exit 2.

    Every name from the models or the settings that the generated file spells as
    code (class names, imported modules and names, enum members) passes here;
    field names get an alias instead (:func:`attribute_names`).
    """
    if pysource.is_name(name):
        return name
    shown = pysource.string(name)
    if "<locals>" in name:
        fix = "define it at module level so the generated file can import it"
    else:
        fix = "rename it to a Python identifier that is not a keyword"
    raise UserError(f"{owner}: {what} {shown} is not a Python identifier", fix)


def _check_ref(ref: TypeRef, owner: str) -> None:
    modules, names = ref.module.split("."), ref.qualname.split(".")
    if all(map(pysource.is_name, modules)) and all(map(pysource.is_name, names)):
        return  # the message below is built only for a name that fails
    what = pysource.string(f"{ref.module}.{ref.qualname}")
    for part in modules:
        code_name(part, owner, f"module of {what}:")
    for part in names:
        code_name(part, owner, f"name of {what}:")


@dataclass
class Imports:
    """Names the file imports; a name that a field would shadow gets an alias.

    ``owner`` is the ``Model`` or ``Model.field`` being rendered, named when a
    reference cannot be written as code.
    """

    reserved: set[str]
    chosen: dict[TypeRef, str] = field(default_factory=dict)
    not_null_used: bool = False
    owner: str = ""
    # ref -> what use() returned: a name once checked and aliased stays so for the file
    _used: dict[TypeRef, str] = field(default_factory=dict, repr=False, compare=False)

    def use(self, ref: TypeRef) -> str:
        spelled = self._used.get(ref)
        if spelled is None:
            spelled = self._used[ref] = self._use(ref)
        return spelled

    def _use(self, ref: TypeRef) -> str:
        _check_ref(ref, self.owner)
        top, _, rest = ref.qualname.partition(".")
        key = TypeRef(ref.module, top)
        alias = self.chosen.get(key)
        if alias is None:
            if ref.module == "builtins" and top not in self.reserved:
                return ref.qualname  # a builtin no field shadows needs no import
            alias = self._choose(ref.module, top)
            self.chosen[key] = alias
        return f"{alias}.{rest}" if rest else alias

    def _choose(self, module: str, top: str) -> str:
        taken = set(self.chosen.values())

        def free(name: str) -> bool:
            return name not in taken and name not in self.reserved

        if free(top):
            return top
        name = f"_{top}"
        if not free(name):
            stem = re.sub(r"\W", "_", module)
            name = f"_{stem}_{top}"
        while not free(name):
            name += "_"
        return name

    def lines(self, style: Style) -> list[list[str]]:
        """Import statements in three groups, laid out as isort (ruff's ``I``) does."""
        groups: dict[int, dict[str, list[tuple[str, str]]]] = {0: {}, 1: {}, 2: {}}
        for ref, alias in self.chosen.items():
            top = ref.module.partition(".")[0]
            third_party = top in ("pydantic", "pydantic_core")
            group = 0 if top in sys.stdlib_module_names else 1 if third_party else 2
            groups[group].setdefault(ref.module, []).append((ref.qualname, alias))
        result = []
        for modules in groups.values():
            lines: list[str] = []
            for module in sorted(modules, key=_natural):
                members = modules[module]
                plain = sorted((n for n, a in members if n == a), key=_member_key)
                statements = [plain] if plain else []
                statements += [[f"{n} as {a}"] for n, a in members if n != a]
                statements.sort(key=lambda names: _member_key(names[0].split(" ")[0]))
                for names in statements:
                    line = f"from {module} import {', '.join(names)}"
                    if pysource.fits(line, style):
                        lines.append(line)
                    else:
                        inner = (f"{style.indent}{n}," for n in names)
                        lines += [f"from {module} import (", *inner, ")"]
            if lines:
                result.append(lines)
        return result


def _natural(text: str) -> list[object]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text.lower())]


def _member_key(name: str) -> tuple[int, list[object]]:
    """isort's order-by-type: CONSTANTS, then Classes, then functions and variables."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, _natural(name)


def late_import_lines(late: Imports, style: Style) -> list[str]:
    """Imports of other apps' Responses (indented, for an ``if`` block)."""
    lines = []
    for ref, alias in sorted(late.chosen.items(), key=lambda item: (item[0].module, item[1])):
        member = ref.qualname if alias == ref.qualname else f"{ref.qualname} as {alias}"
        indent = style.indent
        line = f"{indent}from {ref.module} import {member}"
        if pysource.fits(line, style):
            lines.append(line)
        else:
            lines += [f"{indent}from {ref.module} import (", f"{indent * 2}{member},"]
            lines.append(f"{indent})")
    return lines
