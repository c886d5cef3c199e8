"""The seed's command path: ``python -m src.cli.schema_sync_cli sync|status|backup|validate``.

A thin wrapper: everything is ``schema-sync-hook`` run on this project.
"""

from pathlib import Path

from schema_sync_hook.cli import main

ROOT = Path(__file__).resolve().parents[2]

if __name__ == "__main__":
    import sys

    raise SystemExit(main([*sys.argv[1:], "--root", str(ROOT)]))
