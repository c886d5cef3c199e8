"""``status [--json]``: settings, the state of the generated file(s), backups."""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any

from schema_sync_hook.apply import backups, files
from schema_sync_hook.console import Console
from schema_sync_hook.errors import Exit, UserError
from schema_sync_hook.plan.changes import file_state
from schema_sync_hook.render.views import view_class_names
from schema_sync_hook.settings.schema import MAPPINGS, Config

RULE = "=" * 80


def collect(config: Config) -> dict[str, Any]:
    settings = config.settings
    info: dict[str, Any] = {
        "last_sync": files.read_state(config.state_dir).get("last_sync"),
        "manual_schema_exists": config.manual_schema.is_file(),
        "manual_schema_path": settings.manual_schema,
        "backup_enabled": settings.backup_enabled,
        "auto_merge": settings.auto_merge,
        "environment": settings.environment,
        "models_found": None,
        "files": [],
        "backups": len(backups.list_backups(config.backup_dir)),
        "error": None,
        "stubbed_modules": [],
        "views": [],
        "settings": {
            key: {"value": _shown(key, getattr(settings, key)), "source": source}
            for key, source in config.origins.items()
        },
    }
    try:
        # imported here for start-up speed: tortoise and the models load only when a generation runs
        from schema_sync_hook.pipeline.contract import with_contract
        from schema_sync_hook.pipeline.generate import generate

        project, generated = generate(config)
        generated = with_contract(config, project, generated)
    except UserError as exc:
        info["error"] = str(exc)
        paths = [config.fixed_output] if config.fixed_output else []
        paths += [settings.contract_output] if settings.contract_output else []
        info["files"] = [
            {"path": p, "exists": config.path(p).is_file(), "state": "unknown"} for p in paths
        ]
    else:
        info["models_found"] = len(project.models)
        info["stubbed_modules"] = list(project.stubbed)
        info["views"] = [
            {"name": v.name, "model": v.root.model.name, "classes": view_class_names(v)}
            for v in project.views
        ]
        for gen in generated:
            text = files.read_text(config.path(gen.path))
            state = file_state(text, gen.content, manual=gen.contract)
            info["files"].append(
                {"path": gen.path, "exists": config.path(gen.path).is_file(), "state": state.value}
            )
    info["generated_schema_path"] = ", ".join(f["path"] for f in info["files"]) or settings.output
    info["generated_schema_exists"] = bool(info["files"]) and all(
        f["exists"] for f in info["files"]
    )
    states = {f["state"] for f in info["files"]}
    info["state"] = (
        states.pop()
        if len(states) == 1
        else ", ".join(f"{f['path']}: {f['state']}" for f in info["files"])
    )
    return info


def _shown(key: str, value: Any) -> Any:
    """A setting as the user wrote it: a table as a JSON object, a list as a list."""
    if key == "views":
        return {view.name: view.as_table() for view in value}
    if key in MAPPINGS:
        return {k: _plain(v) for k, v in value}
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _view_row(view: dict[str, Any]) -> str:
    count = len(view["classes"])
    return f"{view['name']} ({view['model']}, {count} class{'es' if count > 1 else ''})"


def status_command(config: Config, console: Console, as_json: bool) -> Exit:
    if as_json:  # stdout holds the JSON alone: the models' own print() goes to stderr
        with contextlib.redirect_stdout(sys.stderr):
            info = collect(config)
    else:
        info = collect(config)
    if as_json:
        console.emit(json.dumps(info, indent=2, sort_keys=True) + "\n")
    else:
        rows = [
            ("Last Sync", info["last_sync"] or "never"),
            ("Manual Schema Exists", info["manual_schema_exists"]),
            ("Generated Schema Exists", info["generated_schema_exists"]),
            ("Manual Schema Path", info["manual_schema_path"]),
            ("Generated Schema Path", info["generated_schema_path"]),
            ("Backup Enabled", info["backup_enabled"]),
            ("Auto Merge", info["auto_merge"]),
            ("Environment", info["environment"]),
            ("Models Found", info["models_found"] if info["error"] is None else "unknown"),
            ("Generated Schema State", info["state"]),
            ("Backups", info["backups"]),
            ("Stubbed Modules", ", ".join(info["stubbed_modules"]) or "none"),
            ("Views", ", ".join(_view_row(v) for v in info["views"]) or "none"),
        ]
        console.print(RULE)
        console.print("SCHEMA SYNC STATUS")
        console.print(RULE)
        for label, value in rows:
            console.print(f"{label}: {value}")
        if info["error"]:
            console.print(f"Models Import Error: {info['error']}")
        console.print(RULE)
        console.print("Settings (value, source):")
        for key, entry in info["settings"].items():
            console.print(f"  {key} = {json.dumps(entry['value'])}  ({entry['source']})")
        console.print(RULE)
    return Exit.USER if info["error"] else Exit.OK
