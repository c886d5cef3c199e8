"""The worker of ``diff --against``: REF's wire contract, in REF's checkout.

Run as ``python -m schema_sync_hook.pipeline.ref_contract ROOT CONFIG OUT`` (CONFIG
empty for none) by :mod:`schema_sync_hook.gate.worktree`, so the process that
compares never imports REF's code. Writes one JSON object to OUT: ``{"contract": ...}``
(REF's ``contract_output`` file, else the contract of REF's generated file(s) as
committed), ``{"absent": true}`` (neither), or ``{"error": ...}`` (exit 2).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from schema_sync_hook.apply.files import read_text
from schema_sync_hook.errors import Exit, UserError
from schema_sync_hook.load.contract import Source, build_contract
from schema_sync_hook.pipeline.contract import is_request
from schema_sync_hook.settings.schema import Config
from schema_sync_hook.settings.sources import load_config


def answer(root: Path, config_file: Path | None) -> dict[str, Any]:
    """REF's contract, or that REF has none."""
    try:
        config = load_config(root=root, config_file=config_file)
    except UserError:
        if _configured(root, config_file):  # its generated files are unknown: never "none"
            raise
        return {"absent": True}  # REF predates the tool: no generated file of it either
    settings = config.settings
    if settings.contract_output:
        text = read_text(config.path(settings.contract_output))
        if text is not None:
            try:
                return {"contract": json.loads(text)}
            except ValueError as exc:
                raise UserError(
                    f"{settings.contract_output} is not JSON ({exc})", "regenerate it there"
                ) from None
    sources = _generated(config)
    if not sources:
        return {"absent": True}
    sites: tuple[tuple[str, int, str], ...] = ()
    if settings.missing_imports != "error":  # the placeholders the models need here
        from schema_sync_hook.pipeline.generate import generate

        sites = generate(config)[0].stub_sites
    return {"contract": build_contract(config, sources, is_request(config), stub_sites=sites)}


def _configured(root: Path, config_file: Path | None) -> bool:
    """Whether REF configures the tool at all (its settings may still be wrong)."""
    if config_file is not None:
        return config_file.is_file()
    marks = {"pyproject.toml": "[tool.schema-sync", "setup.cfg": "[schema-sync]"}
    for name, mark in marks.items():
        try:
            if mark in (root / name).read_text(encoding="utf-8", errors="replace"):
                return True
        except OSError:
            continue
    return False


def _generated(config: Config) -> list[Source]:
    """REF's generated file(s), as committed there."""
    if config.fixed_output:
        paths = [config.fixed_output]
    else:
        found = config.root.glob(config.output_glob)
        paths = sorted(p.relative_to(config.root).as_posix() for p in found)
    sources = []
    for path in paths:
        text = read_text(config.path(path))
        if text is not None:
            sources.append(Source(path, text))
    return sources


def main(argv: Sequence[str]) -> int:
    root, config_file, out = argv
    code = Exit.OK
    try:
        result = answer(Path(root), Path(config_file) if config_file else None)
    except UserError as exc:
        result, code = {"error": str(exc)}, Exit.USER
    Path(out).write_text(json.dumps(result), encoding="utf-8")
    return int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
