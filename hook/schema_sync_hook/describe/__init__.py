"""The neutral description of models and fields, and its translation from Tortoise.

Frozen dataclasses (``spec``) that nothing from Tortoise crosses, and the code that
fills them from Tortoise fields, relations and computed fields. With ``load``, the
only stage that imports tortoise.

May import: missing, settings.
"""
