"""The ``adopt`` stage: calls found -> built -> replaced -> compared -> (written).

:func:`plan` makes one :class:`Row` per call and never writes. :func:`write` applies
the rows adopted with no unexpected difference: the views into the TOML file, a
sync, then the call sites. :func:`verify` is the one place a creator's class meets
its replacement class: an existing generated class or a view class generated in
memory with the proposed views added (:func:`generate_with_views`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from schema_sync_hook.adopt import calls, choose, find
from schema_sync_hook.adopt.compare import Difference, differences
from schema_sync_hook.adopt.generated import Generated, Source, classes, generate_source
from schema_sync_hook.adopt.shape import Shape, nested_class, read_shape
from schema_sync_hook.errors import Exit, UserError
from schema_sync_hook.settings.schema import Config
from schema_sync_hook.settings.views import ViewDecl, parse_views

EARLY = "nested only when the models are initialised before the call"
ASSUME_INITIALISED = "initialised"
ADOPT_SOURCE = "the view adopt proposes"


@dataclass
class Row:
    call: calls.Call
    replacement: str | None = None  # the class the call site imports
    kind: str | None = None  # "existing" or "view"
    verdict: str = "not_adopted"
    reason: str | None = None
    differences: list[Difference] = field(default_factory=list)
    view: str | None = None  # the view's name, for kind "view"
    declaration: dict[str, Any] | None = None
    module: str | None = None  # the generated module to import from
    creator_class: type[BaseModel] | None = None

    @property
    def unexpected(self) -> bool:
        return any(not d.intended for d in self.differences)

    @property
    def adopted(self) -> bool:
        return self.verdict in {"identical", "differs"} and not self.unexpected

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.call.path,
            "line": self.call.line,
            "call": self.call.source,
            "target": self.call.target,
            "replacement": self.replacement,
            "kind": self.kind,
            "verdict": self.verdict,
            "reason": self.reason,
            "differences": [d.as_json() for d in self.differences],
        }


@dataclass
class Plan:
    rows: list[Row]
    broken: list[tuple[str, str]]  # files that do not parse: (path, message)

    @property
    def exit_code(self) -> Exit:
        if self.broken:
            return Exit.USER
        failing = [
            r
            for r in self.rows
            if r.verdict == "not_adopted" or (r.verdict == "differs" and r.unexpected)
        ]
        return Exit.DRIFT if failing else Exit.OK


def checked_paths(config: Config, paths: Sequence[Path]) -> list[Path]:
    """The PATH arguments, each inside the root and readable, else exit 2 naming it."""
    checked = []
    for path in paths:
        full = (path if path.is_absolute() else Path.cwd() / path).resolve()
        if not full.is_relative_to(config.root):
            raise UserError(
                f"{path} is outside the project root {config.root}",
                "pass paths inside the project (or --root)",
            )
        if not full.exists():
            raise UserError(f"{path} does not exist", "pass existing files or folders")
        if full.is_file():
            try:
                full.read_bytes()
            except OSError as exc:
                raise UserError(
                    f"{path} cannot be read ({exc.strerror})", "fix its permissions"
                ) from None
        checked.append(full)
    return checked


def generated_files(config: Config) -> list[Path]:
    return sorted(config.root.glob(config.output_glob))


def find_calls(config: Config, paths: Sequence[Path]) -> calls.Found:
    files = find.python_files(config.root, checked_paths(config, paths), generated_files(config))
    return find.find_calls(config.root, files, config.module_name)


def generate_with_views(
    config: Config, declarations: dict[str, dict[str, Any]]
) -> tuple[list[Source], dict[str, str]]:
    """What a sync would generate with ``declarations`` added to the project's views
    (in memory), and the views that cannot be generated, each with the reason."""
    refused: dict[str, str] = {}
    views: dict[str, ViewDecl] = {}
    for name, declaration in declarations.items():
        try:
            views[name] = parse_views({name: declaration}, ADOPT_SOURCE)[0]
        except UserError as exc:
            refused[name] = exc.cause
    try:
        return _generate(config, list(views.values())), refused
    except UserError:
        if not views:
            raise  # the project itself does not generate: the user's problem
    for name, view in views.items():  # which view the generation refuses
        try:
            _generate(config, [view])
        except UserError as exc:
            refused[name] = exc.cause
    kept = [v for n, v in views.items() if n not in refused]
    return _generate(config, kept), refused


def _generate(config: Config, views: Sequence[ViewDecl]) -> list[Source]:
    if not views:
        return generate_source(config)
    settings = dataclasses.replace(config.settings, views=(*config.settings.views, *views))
    return generate_source(dataclasses.replace(config, settings=settings))


def verify(
    row: Row, creator_class: type[BaseModel], replacement: type[BaseModel], sensitive: Sequence[str]
) -> list[Difference]:
    """Every difference between the creator's class and its replacement: the one
    place the two meet (existing classes and view classes alike)."""
    for_input = bool(row.call.kwargs.get("exclude_readonly"))
    return differences(creator_class, replacement, for_input=for_input, sensitive=sensitive)


def plan(config: Config, paths: Sequence[Path] = ()) -> Plan:
    found = find_calls(config, paths)
    rows = [Row(call) for call in found.calls]
    if not rows:
        return Plan(rows, found.broken)
    # imported here for start-up speed: tortoise and the models load only when calls exist
    from schema_sync_hook.adopt import creator

    settings = config.settings
    sensitive = settings.sensitive_fields
    sources = generate_source(config)
    with creator.loaded(config, [r.call for r in rows]) as session:
        with classes(sources) as generated:
            for row, built in zip(rows, session.built, strict=True):
                _choose(config, session, generated, row, built)
        declarations = _views(rows, generated)
        with_views, refused = generate_with_views(config, declarations)
        with classes(with_views) as generated:
            for row, built in zip(rows, session.built, strict=True):
                _verdict(config, generated, row, built, sensitive, refused)
        _together(rows, session.built)
    for row in rows:
        if row.call.kept:
            row.verdict, row.reason = "kept", None
    return Plan(rows, found.broken)


def _assume_initialised(config: Config) -> bool:
    return getattr(config.settings, "adopt_assume", "") == ASSUME_INITIALISED


def _choose(config: Config, session: Any, generated: Generated, row: Row, built: Any) -> None:
    row.creator_class = built.cls
    if built.problem is not None or built.shape is None or built.model is None:
        row.reason = built.problem or "the creator built nothing"
        return
    sensitive = config.settings.sensitive_fields
    shape: Shape = built.shape
    for_input = bool(row.call.kwargs.get("exclude_readonly"))
    row.reason = _refusal(row.call, shape, sensitive, for_input)
    if row.reason is not None or _existing(config, generated, row, built.model, shape):
        return
    if for_input:
        row.reason = (
            "an input class whose fields differ from every generated Create/Update class"
            " (views are response shapes)"
        )
        return
    _view(config, session, generated, row, built)


def _refusal(
    call: calls.Call, shape: Shape, sensitive: Sequence[str], for_input: bool
) -> str | None:
    """Why no generated class can take the call's place, whatever it builds."""
    if call.site == "expression":
        return (
            "the call is used as an expression without a name (not assigned, not a base"
            " class or an annotation): no import can take its place"
        )
    exposed = [] if for_input else choose.sensitive_paths(shape, sensitive)
    if exposed:
        return (
            f"its class serves {', '.join(exposed)}, which sensitive_fields keeps out of"
            " every generated class; exclude it in the call, or mark the call"
            " '# schema-sync: keep'"
        )
    return None


def _existing(
    config: Config, generated: Generated, row: Row, dotted_model: str, shape: Shape
) -> bool:
    """Whether a generated Create/Update/Response/Detail has the call's wire shape."""
    if row.call.kind != "model":
        return False
    sensitive = config.settings.sensitive_fields
    names = dict(config.settings.class_names)
    variants = config.settings.variants
    model = dotted_model.rpartition(".")[2]
    wanted = (
        ("create", "update") if row.call.kwargs.get("exclude_readonly") else ("response", "detail")
    )
    for variant in [v for v in wanted if v in variants]:
        class_name = names[variant].replace("{model}", model)
        if class_name not in generated.classes:
            continue
        module, cls = generated.classes[class_name]
        required = any(n.required for n in shape.fields)
        if not choose.same_shape(shape, read_shape(cls), sensitive) or (
            variant == "update" and required
        ):
            continue
        row.replacement, row.kind, row.module = class_name, "existing", module
        if variant == "create" and not required:
            update = names["update"].replace("{model}", model)
            if update in generated.classes and any(n.required for n in read_shape(cls).fields):
                row.replacement, row.module = update, generated.classes[update][0]
        return True
    return False


def _view(config: Config, session: Any, generated: Generated, row: Row, built: Any) -> None:
    """Declare the view that builds the call's shape."""
    # imported here: only this module of the stage imports tortoise (start-up speed)
    from schema_sync_hook.adopt import creator

    call = row.call
    base = call.view_name
    if not base:
        row.reason = "the call has neither name= nor a variable to name its view"
        return
    view, class_name = choose.view_names(base, call.kind == "queryset")
    if not choose.valid_class_name(view):
        row.reason = f"{view!r} is not a valid class name for a view; give the call a name="
        return
    names = dict(config.settings.class_names)
    facts = {
        key: choose.ModelFacts(
            key, dict(info.relations), dict(info.raw_ids), _response_names(generated, names, key)
        )
        for key, info in session.infos.items()
    }
    declaration, unexpressed = choose.view_declaration(
        built.shape,
        facts,
        config.settings.sensitive_fields,
        lambda depth: creator.star_shape(session, built.model, depth),
        as_list=call.kind == "queryset",
    )
    row.replacement, row.kind, row.view, row.declaration = class_name, "view", view, declaration
    row.differences += [Difference(path, what, False) for path, what in unexpressed]


def _response_names(generated: Generated, names: dict[str, str], key: str) -> tuple[str, ...]:
    cls = generated.classes.get(names["response"].replace("{model}", key.rpartition(".")[2]))
    return read_shape(cls[1]).names() if cls else ()


def _views(rows: list[Row], generated: Generated) -> dict[str, dict[str, Any]]:
    """The views to declare: one per row; two calls with one name share it when their
    declarations agree, else the later one gets a numbered name."""
    views: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row.kind != "view" or row.view is None or row.declaration is None:
            continue
        name, number = row.view, 1
        while (name in views and views[name] != row.declaration) or (
            name not in views and name in generated.classes
        ):
            number += 1
            name = f"{row.view}{number}"
        views[name] = row.declaration
        if name != row.view:
            row.replacement = (
                row.replacement.replace(row.view, name, 1) if row.replacement else None
            )
            row.view = name
    return views


def _verdict(
    config: Config,
    generated: Generated,
    row: Row,
    built: Any,
    sensitive: Sequence[str],
    refused: dict[str, str],
) -> None:
    if row.replacement is None or built.cls is None:
        return
    found = generated.classes.get(row.replacement)
    if found is None:
        why = refused.get(row.view or "", "no class of that name was generated")
        row.reason = f"the view {row.view} cannot be generated: {why}"
        row.verdict = "not_adopted"
        return
    row.module = found[0]
    if row.module is None or row.module.startswith("_schema_sync_adopt_"):
        row.verdict, row.reason = "not_adopted", "the generated file is not importable as a module"
        return
    row.differences += verify(row, built.cls, found[1], sensitive)
    if not _assume_initialised(config) and row.call.site != "local":
        row.differences += _early(built.shape, built.early_shape)
    row.verdict = "differs" if row.differences else "identical"


def _early(shape: Shape | None, early: Shape | None) -> list[Difference]:
    """The fields a call that runs before the models are initialised does not build."""
    if shape is None or early is None:
        return []
    present = set(early.names())
    return [Difference(n, EARLY, False) for n in shape.names() if n not in present]


def _together(rows: list[Row], built: list[Any]) -> None:
    """A call is adopted only with every creator-built class that nests its class."""

    def reached(cls: type[BaseModel]) -> set[int]:
        found: set[int] = set()
        todo = [cls]
        while todo:
            current = todo.pop()
            for info in current.model_fields.values():
                nested = nested_class(info.annotation)
                if nested is not None and id(nested) not in found:
                    found.add(id(nested))
                    todo.append(nested)
        return found

    users = {i: reached(b.cls) for i, b in enumerate(built) if b.cls is not None}
    changed = True
    while changed:
        changed = False
        for i, row in enumerate(rows):
            if not row.adopted or built[i].cls is None:
                continue
            for j, other in enumerate(rows):
                if j == i or other.adopted or id(built[i].cls) not in users.get(j, set()):
                    continue
                name = other.call.target or other.call.view_name or other.call.where
                row.verdict = "not_adopted"
                row.reason = (
                    f"the creator-built class {name} ({other.call.where}) nests it and is"
                    " not adopted"
                )
                changed = True
                break
