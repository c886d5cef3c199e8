"""Console script: the quick answer, else the full command line."""

from __future__ import annotations

import sys

from schema_sync_hook.fastpath.quick import answer


def entry() -> None:
    if answer(sys.argv[1:]):
        raise SystemExit(0)
    # imported only when the quick record cannot answer (start-up speed)
    from schema_sync_hook.cli import entry as full

    full()
