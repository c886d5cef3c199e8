"""Development only: the SQLite database follows the models at start-up.

Tortoise's ``generate_schemas`` creates the tables that are missing but never changes
one that exists, so after a field is added to a model the development database still
has the old table (``table product has no column named barcode``). At start-up,
:func:`follow_models` builds the schema the models give in a fresh file beside the
database and compares the two (SQLite keeps every table's and index's SQL). When they
differ, the database is rebuilt: every row is copied into the fresh file, for the
columns both have (a table whose rows do not fit the new schema, such as a new
required column without a default, starts empty, and the log says so), the fresh file
takes the database's place, and the previous one is kept as ``db.sqlite3-previous``.

The app calls it only in development; production changes its schema with migrations
(Tortoise's aerich), never at start-up.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from tortoise import Tortoise

log = logging.getLogger("shop")


async def follow_models(config: dict[str, Any]) -> None:
    """Rebuild the SQLite file of ``config``'s default connection when the models give
    another schema than it has; nothing for another database or a missing file."""
    url = str(config["connections"]["default"])
    if not url.startswith("sqlite://") or url == "sqlite://:memory:":
        return
    path = Path(url.removeprefix("sqlite://"))
    if not path.is_file():
        return  # generate_schemas creates it
    fresh = path.with_name(path.name + "-fresh")
    fresh.unlink(missing_ok=True)
    await Tortoise.init(
        config={**config, "connections": {"default": f"sqlite://{fresh}"}}
    )
    try:
        await Tortoise.generate_schemas()
    finally:
        await Tortoise.close_connections()
    if _schema(fresh) == _schema(path):
        fresh.unlink()
        return
    dropped = _copy_rows(path, fresh)
    previous = path.with_name(path.name + "-previous")
    os.replace(path, previous)
    os.replace(fresh, path)
    log.warning(
        "The development database %s had the schema of older models: rebuilt from the"
        " models, rows copied%s (the previous file is %s)",
        path.name,
        f" except those of {', '.join(dropped)}" if dropped else "",
        previous.name,
    )


def _schema(path: Path) -> list[tuple[str, str, str]]:
    """Every table's and index's SQL, as SQLite keeps it. Closing the connection
    also folds a write-ahead log left behind into the file."""
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute(
            "SELECT type, name, sql FROM sqlite_master"
            " WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
        ).fetchall()
    return [(str(kind), str(name), str(sql)) for kind, name, sql in rows]


def _copy_rows(old: Path, new: Path) -> list[str]:
    """Copy every table's rows from ``old`` into ``new`` for the columns both have;
    the names of the tables whose rows did not fit."""
    dropped = []
    with closing(sqlite3.connect(new)) as db:
        db.execute("ATTACH DATABASE ? AS old", (str(old),))
        tables = db.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        for (table,) in tables:
            quoted = '"' + table.replace('"', '""') + '"'
            new_columns = [
                row[1] for row in db.execute(f"PRAGMA main.table_info({quoted})")
            ]
            old_columns = {
                row[1] for row in db.execute(f"PRAGMA old.table_info({quoted})")
            }
            common = [c for c in new_columns if c in old_columns]
            if not common:
                continue
            names = ", ".join('"' + c.replace('"', '""') + '"' for c in common)
            try:
                with (
                    db
                ):  # one transaction per table: a table that does not fit stays empty
                    db.execute(
                        f"INSERT INTO main.{quoted} ({names}) SELECT {names} FROM old.{quoted}"
                    )
            except sqlite3.DatabaseError as exc:
                log.warning("Rows of %s not copied: %s", table, exc)
                dropped.append(table)
        db.execute("DETACH DATABASE old")
    return dropped
