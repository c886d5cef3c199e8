"""``adopt --write``: the views into the TOML file, a sync, then the call sites.

Every file is replaced atomically; a call site file keeps every byte the rewrite does
not touch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from schema_sync_hook.adopt import rewrite
from schema_sync_hook.adopt.run import Plan
from schema_sync_hook.apply.files import atomic_write
from schema_sync_hook.errors import Exit, UserError
from schema_sync_hook.pipeline.run import run as sync_run
from schema_sync_hook.plan.changes import Mode
from schema_sync_hook.settings.schema import Config
from schema_sync_hook.settings.sources import _read_toml, load_config


def write(config: Config, made: Plan) -> list[str]:
    """Apply the adopted rows: views into the TOML file, a sync, then the call sites.
    The files changed, relative to the root."""
    adopted = [r for r in made.rows if r.adopted and not r.call.kept]
    changed: list[str] = []
    views = {
        r.view: r.declaration for r in adopted if r.kind == "view" and r.view and r.declaration
    }
    if views:
        toml = config.config_file or config.root / "pyproject.toml"
        if toml.suffix != ".toml" or not toml.is_file():
            raise UserError(
                f"views are read from pyproject.toml or a --config TOML file, and {toml.name}"
                " is not one",
                "create pyproject.toml (or pass --config FILE.toml), then run again",
            )
        in_tool = config.config_file is None or _has_tool_table(toml)
        if rewrite.add_views(toml, views, in_tool=in_tool):
            changed.append(toml.relative_to(config.root).as_posix())
    if adopted:
        fresh = load_config(root=config.root, config_file=config.config_file)
        _, report = sync_run(fresh, Mode.SYNC)
        if report.exit_code == Exit.USER:
            raise UserError("the sync after adding the views failed", "run 'schema-sync-hook sync'")
    by_file: dict[str, list[Any]] = {}
    for row in adopted:
        assert row.module is not None and row.replacement is not None
        by_file.setdefault(row.call.path, []).append(
            rewrite.Edit(row.call, row.module, row.replacement)
        )
    local = local_packages(config)
    for relative, edits in by_file.items():
        path = config.root / relative
        original = path.read_bytes().decode("utf-8")
        new = rewrite.rewrite_source(original, edits, config.line_length, local.__contains__)
        if new != original:
            atomic_write(path, new)
            changed.append(relative)
    return changed


def local_packages(config: Config) -> frozenset[str]:
    """The project's own top-level modules and packages (an import sorter's first
    party): what the root and each ``python_path`` folder hold."""
    names = set()
    for entry in dict.fromkeys((".", *config.settings.python_path)):
        folder = config.root / entry
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.suffix == ".py" or (path.is_dir() and path.name.isidentifier()):
                names.add(path.stem if path.suffix == ".py" else path.name)
    return frozenset(names)


def _has_tool_table(path: Path) -> bool:
    tool = _read_toml(path).get("tool")
    return isinstance(tool, dict) and "schema-sync" in tool
