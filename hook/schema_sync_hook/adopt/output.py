"""Printing ``adopt``'s rows: a table for people, the §13 JSON array for machines."""

from __future__ import annotations

import json
from collections.abc import Sequence

from schema_sync_hook.adopt.run import Row
from schema_sync_hook.console import Console

VERDICTS = {
    "identical": ("identical", "green"),
    "differs": ("differs", "yellow"),
    "not_adopted": ("not adopted", "red"),
    "kept": ("kept", "cyan"),
}


def as_json(rows: Sequence[Row]) -> str:
    return json.dumps([r.as_json() for r in rows], indent=2) + "\n"


def print_table(console: Console, rows: Sequence[Row], written: Sequence[str] | None) -> None:
    if not rows:
        console.print("no pydantic_model_creator or pydantic_queryset_creator calls found")
        return
    for row in rows:
        call = " ".join(row.call.source.split())
        if len(call) > 80:
            call = call[:77] + "..."
        label, color = VERDICTS[row.verdict]
        if row.replacement is None:
            replacement = "-"
        else:
            what = f"view {row.view}" if row.kind == "view" else "existing"
            replacement = f"{row.replacement} ({what})"
        verdict = console.paint(label, color)
        if row.verdict == "differs" and not row.unexpected:
            verdict += " (intended only)"
        console.print(f"{row.call.where}  {call}")
        console.print(f"    -> {replacement}: {verdict}")
        if row.reason:
            console.print(f"       {row.reason}")
        for difference in row.differences:
            mark = "intended" if difference.intended else console.paint("unexpected", "red")
            where = difference.field or "(class)"
            console.print(f"       {mark:>10}  {where}: {difference.what}")
        if row.declaration is not None and row.verdict != "kept":
            console.print(f"       view: {_toml_line(row.declaration)}")
    counts = {v: sum(r.verdict == v for r in rows) for v in VERDICTS}
    summary = ", ".join(f"{n} {VERDICTS[v][0]}" for v, n in counts.items() if n)
    console.print(f"{len(rows)} call(s): {summary}")
    if written is not None:
        console.print(
            f"wrote {', '.join(written)}"
            if written
            else "nothing to write: every file is as it was"
        )
    else:
        adoptable = sum(r.adopted and not r.call.kept for r in rows)
        if adoptable:
            console.print(f"run 'schema-sync-hook adopt --write' to switch {adoptable} call(s)")


def _toml_line(declaration: dict[str, object]) -> str:
    return "{" + ", ".join(f"{k} = {json.dumps(v)}" for k, v in declaration.items()) + "}"
