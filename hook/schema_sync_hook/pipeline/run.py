"""One run: generate, plan against the disk, apply (when the mode writes), report.

The core sees a :class:`~schema_sync_hook.plan.changes.Mode`, never command-line flags.
A mode that writes generates under the project lock (see ``transaction``), so
overlapping runs take turns: each one generates from the model source as it is
when its turn comes, and finds what an earlier run already wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from schema_sync_hook.apply import files
from schema_sync_hook.apply.transaction import transact
from schema_sync_hook.describe.spec import ProjectSpec
from schema_sync_hook.errors import UserError
from schema_sync_hook.plan.changes import Mode, Plan, State, file_state, plan
from schema_sync_hook.render.files import GeneratedFile
from schema_sync_hook.render.merge import merged
from schema_sync_hook.report.outcome import Report
from schema_sync_hook.settings.schema import Config

Generate = Callable[[Config], tuple[ProjectSpec, list[GeneratedFile]]]


def run(
    config: Config,
    mode: Mode,
    *,
    force: bool = False,
    blocked: Callable[[Path], None] | None = None,
    hold: Callable[[], str | None] | None = None,
    generate: Generate | None = None,
) -> tuple[ProjectSpec, Report]:
    """Run ``mode`` on the project; ``blocked`` is told when another run holds the lock."""
    if generate is None:
        # imported here for start-up speed: generation imports tortoise and the models
        from schema_sync_hook.pipeline.generate import generate
    assert generate is not None
    writes = mode is Mode.SYNC or (mode is Mode.HOOK and config.settings.may_write)
    projects: list[ProjectSpec] = []

    def make_plan() -> Plan:
        from schema_sync_hook.load.importing import keeping_imports

        with keeping_imports() as kept:  # the contract imports what the models imported
            project, generated = generate(config)
        projects.append(project)
        # imported here for start-up speed: the contract imports the generated text
        from schema_sync_hook.pipeline.contract import with_contract

        files = with_contract(config, project, generated, kept)
        return plan_run(config, files, mode, force=force)

    if not writes:
        made = make_plan()
        return projects[0], Report.from_plan(made)
    start = snapshot(config) if mode is Mode.HOOK else None
    applied = transact(config, make_plan, blocked=blocked, hold=hold)
    report = Report.from_plan(
        applied.plan,
        written=applied.written,
        backup=applied.backup,
        start=start,
        deferred=applied.deferred,
    )
    return projects[0], report


def plan_run(
    config: Config, generated: Sequence[GeneratedFile], mode: Mode, *, force: bool = False
) -> Plan:
    """The plan for ``generated`` against the files on disk now."""
    settings = config.settings
    may_write = mode is Mode.SYNC or (mode is Mode.HOOK and settings.may_write)
    write_blocked = None
    if mode is Mode.HOOK and not settings.may_write:
        write_blocked = "environment=production" if settings.production else "auto_write=false"
    targets = list(generated)
    if settings.auto_merge:
        targets.append(_manual_schema(config, generated))
    disk = {gen.path: _read(config, gen.path) for gen in targets}
    return plan(
        targets,
        disk,
        mode,
        may_write=may_write,
        force=force,
        write_blocked=write_blocked,
        manual_path=settings.manual_schema if settings.auto_merge else None,
    )


def snapshot(config: Config) -> dict[str, str | None]:
    """The text of the generated file(s) and the manual schema module now."""
    paths = [config.fixed_output] if config.fixed_output else []
    if not paths:
        paths = [
            p.relative_to(config.root).as_posix() for p in config.root.glob(config.output_glob)
        ]
    if config.settings.auto_merge:
        paths.append(config.settings.manual_schema)
    if config.settings.contract_output:
        paths.append(config.settings.contract_output)
    return {p: _read(config, p) for p in paths}


def _read(config: Config, relative: str) -> str | None:
    """A file's text; the manual schema module's with its own line endings (auto_merge
    edits only its block, and keeps CRLF a CRLF)."""
    manual = config.settings.auto_merge and relative == config.settings.manual_schema
    return files.read_text(config.path(relative), keep_line_endings=manual)


def _manual_schema(config: Config, generated: Sequence[GeneratedFile]) -> GeneratedFile:
    """The manual schema module with its auto_merge block brought up to date."""
    path = config.manual_schema
    old = files.read_text(path, keep_line_endings=True)
    imports, names = [], []
    for index, gen in enumerate(generated):
        alias = "_generated" if index == 0 else f"_generated_{index + 1}"
        imports.append((_import_statement(config, path, config.path(gen.path)), alias))
        names += [(name, alias) for name, _model in gen.classes]
    new = merged(old, config.settings.manual_schema, imports, names)
    return GeneratedFile(path=config.settings.manual_schema, content=new, models=(), modules=())


def _import_statement(config: Config, manual: Path, target: Path) -> str:
    if manual.parent == target.parent and (manual.parent / "__init__.py").is_file():
        return f"from . import {target.stem}"
    name = config.module_name(target)
    if name is None:
        raise UserError(
            f"{target} cannot be imported from {manual} (not under the root or python_path)",
            "turn auto_merge off or move the files under an importable folder",
        )
    package, _, module = name.rpartition(".")
    return f"from {package} import {module}" if package else f"import {module}"


__all__ = ["Mode", "State", "file_state", "plan_run", "run", "snapshot"]
