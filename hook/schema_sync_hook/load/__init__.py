"""Importing the user's models.

``sys.path`` and ``python_path``, Tortoise's registry kept as it was, the class-source
memo, the project's own import inputs; hands each model to ``describe``.

May import: describe, missing, settings.
"""
