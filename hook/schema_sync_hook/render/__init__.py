"""Rendering: a description in, the generated Python text out.

Pure: same input, byte-identical output. Every decision is made in Python
(files, fields, imports, options); the templates beside it only lay lines out.

May import: describe, settings.
"""
