"""Generate Pydantic schemas from Tortoise ORM models and keep them in sync."""

__version__ = "0.1.0"
