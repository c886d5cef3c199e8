"""Missing third-party modules: install advice and placeholders.

The session that retries a model import with placeholders (``missing_imports``),
and the placeholders that fail loudly when their value could reach the output.

May import: nothing of the package but ``errors``.
"""
