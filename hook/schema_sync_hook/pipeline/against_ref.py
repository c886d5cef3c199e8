"""Both sides of ``diff --against``: REF's contract and the working tree's.

REF's worker (``gate.worktree``) starts first and imports REF's models while this
process generates the working tree's files. Then, unless REF has a contract file
or nothing, both sides build only the classes whose schema may differ
(``gate.slices``): the text decides, and the fingerprints of the project names the
classes mention.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from schema_sync_hook.describe.spec import ProjectSpec
from schema_sync_hook.gate.against import Revision
from schema_sync_hook.gate.slices import needed, outline, slice_text
from schema_sync_hook.gate.worktree import RefWorker, ref_worker
from schema_sync_hook.load.contract import Source, contract_session, module_names, served_contract
from schema_sync_hook.load.fingerprint import fingerprints
from schema_sync_hook.load.importing import keeping_imports
from schema_sync_hook.pipeline.contract import (
    comment,
    contract_settings,
    fresh_contract,
    is_request,
)
from schema_sync_hook.pipeline.generate import generate
from schema_sync_hook.render.files import GeneratedFile
from schema_sync_hook.settings.schema import Config

DEFAULT_BASE = "pydantic.BaseModel"


@dataclass(frozen=True)
class Sides:
    project: ProjectSpec
    generated: list[GeneratedFile]
    old: dict[str, Any] | None  # REF's contract (None: REF has none)
    new: dict[str, Any]
    held: frozenset[str] | None = None  # the classes REF holds, when ``old`` is a slice


def both_sides(config: Config, rev: Revision) -> Sides:
    """Generate the working tree while REF's worker starts, then the two contracts."""
    with ref_worker(config, rev.top, rev.commit, rev.ref) as worker, keeping_imports() as kept:
        project, generated = generate(config)
        first = worker.answer()
        if "texts" not in first:  # REF's contract file, or nothing at REF
            new = fresh_contract(config, project, generated, kept)
            return Sides(project, generated, first.get("contract"), new)
        return _sliced(config, worker, first, (project, generated), kept)


def _sliced(
    config: Config,
    worker: RefWorker,
    first: Mapping[str, Any],
    generation: tuple[ProjectSpec, list[GeneratedFile]],
    kept: Mapping[str, ModuleType],
) -> Sides:
    project, generated = generation
    python = [g for g in generated if not g.contract]
    texts = {g.path: g.content for g in python}
    old_shape = outline(first["texts"], first["modules"])
    new_shape = outline(texts, module_names(config, list(texts)).values())
    mine = contract_settings(config)
    with contract_session(config, project.stub_sites, kept):
        keep = None
        if (
            old_shape is not None
            and new_shape is not None
            and first["settings"] == mine
            and mine["base_class"] == DEFAULT_BASE
        ):
            prints = fingerprints(config, new_shape.imported)
            keep = needed(old_shape, new_shape, (first["prints"], prints))
        worker.ask(sorted(keep) if keep is not None else None)
        sources = [
            Source(path, text if keep is None else slice_text(text, keep))
            for path, text in texts.items()
        ]
        new = served_contract(config, sources, is_request(config), comment(python))
    old = worker.answer().get("contract")
    held = frozenset(old_shape.blocks) if keep is not None and old_shape is not None else None
    return Sides(project, generated, old, new, held)
