"""config -> generated files: introspection followed by rendering."""

from __future__ import annotations

from pathlib import Path

from schema_sync_hook.collector import collector_paused
from schema_sync_hook.describe.spec import ProjectSpec, TypeRef
from schema_sync_hook.errors import UserError
from schema_sync_hook.render.files import HEADER, GeneratedFile, output_paths, render_project
from schema_sync_hook.render.options import RenderOptions
from schema_sync_hook.settings.schema import Config


def generate(config: Config) -> tuple[ProjectSpec, list[GeneratedFile]]:
    """Import the models (tortoise is imported here, not before) and render them."""
    with collector_paused():
        return _generate(config)


def _generate(config: Config) -> tuple[ProjectSpec, list[GeneratedFile]]:
    # imported here for start-up speed: tortoise and the models load only when a generation runs
    from schema_sync_hook.load.models import describe_project

    project = describe_project(config)
    paths = [path for path, _ in output_paths(project, config.settings.output)]
    settings = config.settings
    module, _, name = settings.base_class.rpartition(".")
    options = RenderOptions(
        style=config.style,
        sensitive_fields=settings.sensitive_fields,
        variants=settings.variants,
        class_names=settings.class_names,
        base_class=TypeRef(module, name),
        exclude=settings.exclude,
        modules=tuple((path, config.module_name(config.path(path))) for path in paths),
    )
    generated = render_project(project, config.settings.output, options)
    check_targets(config, project, generated)
    return project, generated


def check_targets(config: Config, project: ProjectSpec, generated: list[GeneratedFile]) -> None:
    """Refuse (exit 2, whatever the flags) to write over the user's code: a file the
    tool writes that the models imported, or two settings naming one file."""
    own_header = HEADER.partition("{")[0]
    code = {}
    for name in project.imported_files:
        path = config.path(name).resolve()
        if not _starts_with(path, own_header):  # a generated file the models import is ours
            code[path] = name
    targets = [("output", g.path) for g in generated]
    if config.settings.auto_merge:
        targets.append(("manual_schema", config.settings.manual_schema))
    seen: dict[Path, tuple[str, str]] = {}
    for key, relative in targets:
        path = config.path(relative).resolve()
        if path in code:
            raise UserError(
                f"{key} {relative} is {code[path]}, code the models import; writing it would"
                " replace that code",
                f"set '{key}' to a file of its own, such as src/api/schemas_generated.py",
            )
        if path in seen:
            other, shown = seen[path]
            raise UserError(
                f"{other} and {key} name the same file ({shown}) while auto_merge is on",
                "set 'manual_schema' to your hand-written module, not the generated file",
            )
        seen[path] = (key, relative)


def _starts_with(path: Path, prefix: str) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(prefix)) == prefix.encode("utf-8")
    except OSError:
        return False
