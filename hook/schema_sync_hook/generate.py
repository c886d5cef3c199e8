"""config -> generated files: introspection followed by rendering."""

from __future__ import annotations

from schema_sync_hook.config import Config
from schema_sync_hook.description import ProjectSpec
from schema_sync_hook.render import GeneratedFile, RenderOptions, render_project


def generate(config: Config) -> tuple[ProjectSpec, list[GeneratedFile]]:
    """Import the models (tortoise is imported here, not before) and render them."""
    from schema_sync_hook.loading import describe_project

    project = describe_project(config)
    options = RenderOptions(
        line_length=config.line_length,
        sensitive_fields=config.settings.sensitive_fields,
    )
    return project, render_project(project, config.settings.output, options)
