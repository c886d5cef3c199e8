"""Settings: the schema of every key and the sources it is read from.

Command line, ``SCHEMA_SYNC_*`` environment, ``.env``, ``pyproject.toml``,
``setup.cfg``, defaults; and the one table of schema variants.

May import: nothing of the package but ``errors``.
"""
