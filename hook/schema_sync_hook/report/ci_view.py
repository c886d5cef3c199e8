"""What the CI formats show: files, and one row per changed field or model.

Two adapters build it: from the sync report (hook mode, ``--check``) and from the
breaking-change report (``diff``). Each row is located in the model source
through the description (the field's definition line, or the model's class line),
or not at all when no model caused it (a formatting or configuration change, a
hand edit, a removed model). The renderers in :mod:`ciformats` only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from schema_sync_hook import git
from schema_sync_hook.describe.spec import (
    ComputedSpec,
    FieldSpec,
    Location,
    ModelSpec,
    ProjectSpec,
    RelationSpec,
)
from schema_sync_hook.errors import UserError
from schema_sync_hook.gate.against import BreakingReport, class_names, view_models
from schema_sync_hook.gate.classify import SchemaChange, class_namer, compare
from schema_sync_hook.gate.genparse import parse_generated
from schema_sync_hook.plan.changes import State
from schema_sync_hook.plan.models import ModelChange
from schema_sync_hook.render.fields import attribute_names
from schema_sync_hook.report.outcome import Report
from schema_sync_hook.settings.schema import Config

STATES = {
    State.IN_SYNC: "in_sync",
    State.STALE: "stale",
    State.MISSING: "missing",
    State.HAND_EDITED: "hand_edited",
}


@dataclass(frozen=True)
class Row:
    model: str | None  # None: no model caused it
    change: str  # "added", "removed", "changed"
    field: str | None  # None: the whole model (or class)
    location: Location | None
    cls: str | None = None  # diff only: the schema class
    severity: str | None = None  # diff only: breaking / accepted / compatible
    what: str = ""  # diff only: what changed
    class_location: Location | None = None  # the model's class line
    kind: str = "drift"  # diff: the kind of change (field-added, enum-value-removed, ...)

    @property
    def name(self) -> str:
        owner = self.model or "?"
        return f"{owner}.{self.field}" if self.field else owner

    @property
    def key(self) -> str:
        """``diff``: the class and field as ``accept_breaking`` spells them."""
        owner = self.cls or self.model or "?"
        return f"{owner}.{self.field}" if self.field else owner


@dataclass(frozen=True)
class FileView:
    path: Path  # absolute
    state: str  # in_sync / stale / missing / hand_edited
    rows: tuple[Row, ...]
    diff: str
    written: bool = False
    table: tuple[Row, ...] = ()  # --check: the changes classified, for the markdown table
    classes: tuple[str, ...] = ()  # the generated classes of the file (JUnit's test cases)
    # a change no model caused: the configuration file it points at, where a format
    # needs a location (None: the generated file, line 1)
    cause: Path | None = None


@dataclass(frozen=True)
class CiView:
    kind: str  # "check", "hook" or "diff"
    files: tuple[FileView, ...]
    breaking: BreakingReport | None = None

    @property
    def drift(self) -> bool:
        return any(f.state != "in_sync" for f in self.files)


def from_sync(report: Report, project: ProjectSpec, config: Config) -> CiView:
    models = {m.name: m for m in project.models}
    files = []
    for result in report.results:
        state = STATES[result.state]
        rows: list[Row] = []
        table: tuple[Row, ...] = ()
        cause: Path | None = None
        if state != "in_sync":
            located = state != "hand_edited" and not result.manual and not result.contract
            for change in result.changes:
                rows += _sync_rows(change, models.get(change.name) if located else None)
            if not rows:  # header, imports or formatting only; or the re-export block
                rows.append(Row(None, "changed", None, None))
            if not result.manual and not result.contract and result.new is not None:
                table = _classified(result.path, result.old, result.new, config, models)
                if not table:  # formatting or configuration alone: no model line to blame
                    rows = [replace(r, location=None, class_location=None) for r in rows]
                    cause = config_cause(config) if state == "stale" else None
        files.append(
            FileView(
                config.path(result.path),
                state,
                tuple(rows),
                result.diff,
                written=result.written,
                table=table,
                classes=_class_names(result.path, result.new, result.manual or result.contract),
                cause=cause,
            )
        )
    kind = "check" if report.mode.value in ("check", "dry-run") else "hook"
    return CiView(kind, tuple(files))


def config_cause(config: Config) -> Path | None:
    """The configuration file behind a change of configuration or formatting alone: of
    the files the settings and the formatter's settings come from, the first that
    differs from HEAD (staged or not), else the first read (where the settings live);
    None when the settings come from no file (defaults, the environment)."""
    ruff = [config.root / name for name in (".ruff.toml", "ruff.toml")]
    files = [p for p in (*config.files_read, *ruff) if p.is_file()]
    files = list(dict.fromkeys(p.resolve() for p in files))
    changed = git.changed_files(config.root, files)
    return changed[0] if changed else files[0] if files else None


def _sync_rows(change: ModelChange, model: ModelSpec | None) -> list[Row]:
    at = model.location if model is not None else None
    if change.change != "changed" or not change.fields:
        return [Row(change.name, change.change, None, at, class_location=at)]
    wire: dict[str, str] = {}
    if model is not None:  # the attribute names of the generated classes -> API names
        for names in (
            [f.name for f in model.fields] + [c.name for c in model.computed],
            [r.name for r in model.relations],
        ):
            wire.update({a: n for n, a in attribute_names(names).items()})
    return [
        Row(
            change.name,
            "changed",
            wire.get(f, f),
            _located(model, wire.get(f, f)),
            class_location=at,
        )
        for f in change.fields
    ]


def _classified(
    path: str, old: str | None, new: str, config: Config, models: dict[str, ModelSpec]
) -> tuple[Row, ...]:
    """The file's changes classified as ``diff`` does (for the markdown table)."""
    try:
        before = parse_generated(old, path) if old is not None else {}
        after = parse_generated(new, path)
    except UserError:  # a hand edit that does not parse: the diff says it all
        return ()
    changes = compare(before, after, class_namer(class_names(config), view_models(config)))
    return tuple(_breaking_row(c, models) for c in changes)


def _class_names(path: str, text: str | None, plain: bool) -> tuple[str, ...]:
    if plain or text is None:
        return ()
    try:
        return tuple(parse_generated(text, path))
    except UserError:
        return ()


def from_breaking(report: BreakingReport, project: ProjectSpec, config: Config) -> CiView:
    models = {m.name: m for m in project.models}
    files = []
    for result in report.files:
        rows = tuple(_breaking_row(c, models) for c in result.changes)
        files.append(
            FileView(
                config.path(result.path),
                result.state,
                rows,
                result.diff,
                classes=result.classes,
            )
        )
    return CiView("diff", tuple(files), breaking=report)


def _breaking_row(change: SchemaChange, models: dict[str, ModelSpec]) -> Row:
    model = models.get(change.model) if change.model else None
    field = change.field if change.change != "removed" else None
    field = field.partition(".")[0] if field else None  # a nested path: the model's field
    return Row(
        model=change.model or change.cls,
        change=change.change if change.field is None else "changed",  # the model's change
        field=change.field,
        location=_located(model, field),
        cls=change.cls,
        severity=change.severity,
        what=change.what,
        class_location=model.location if model is not None else None,
        kind=change.kind,
    )


def _located(model: ModelSpec | None, field: str | None) -> Location | None:
    """The definition line of the field (data field, relation or computed field), else
    the model's class line."""
    if model is None:
        return None
    if field is not None:
        specs: list[FieldSpec | RelationSpec | ComputedSpec] = [
            *model.fields,
            *model.relations,
            *model.computed,
        ]
        for spec in specs:
            if spec.name == field and spec.location is not None:
                return spec.location
    return model.location
