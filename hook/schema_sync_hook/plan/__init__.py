"""Planning: a fresh generation and the files on disk in, typed changes out.

Which files are stale, missing or edited by hand, which models and fields changed,
what each mode does about it. Pure: never reads or writes a file.

May import: render, describe, settings.
"""
