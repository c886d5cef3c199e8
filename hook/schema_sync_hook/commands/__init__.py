"""One module per command: parse nothing, call the stages, return an ``Exit``.

May import: live, fastpath, pipeline and every stage below them.
"""
