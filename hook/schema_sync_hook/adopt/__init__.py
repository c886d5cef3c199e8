"""``adopt``: switch a project from ``pydantic_model_creator`` to generated classes (§13).

The stage finds every call of Tortoise's ``pydantic_model_creator`` and
``pydantic_queryset_creator`` statically (:mod:`.find`), builds what each call builds
with the installed creator on the project's own models (:mod:`.creator`, the only
module here that imports tortoise), chooses the generated class or the view that
replaces it (:mod:`.choose`), compares the two on the wire (:mod:`.compare`), and
with ``--write`` rewrites the call sites and the TOML file (:mod:`.rewrite`).
:mod:`.run` ties these together; :mod:`.output` prints the rows.

Nothing outside this package and ``commands/adopt.py`` imports it. It imports
tortoise (in :mod:`.creator` only): building what a call builds needs the creator.

May import: pipeline, apply, render, load, describe, settings, missing, and the
shared helpers.
"""
