"""The schema variants every model can get: one table read by settings, render and gate."""

from __future__ import annotations

import enum


class Variant(enum.Enum):
    """A kind of generated class: its settings key, its title, and its direction."""

    CREATE = ("create", "Create", True)
    UPDATE = ("update", "Update", True)
    RESPONSE = ("response", "Response", False)
    DETAIL = ("detail", "Detail", False)

    def __init__(self, key: str, title: str, request: bool) -> None:
        self.key = key  # as written in settings: ``variants``, ``class_names``, ``exclude``
        self.title = title  # as in the default class name: ``{model}Create``
        self.request = request  # a client sends it (validation), else the API returns it

    @property
    def default_class_name(self) -> str:
        return "{model}" + self.title

    @classmethod
    def of(cls, key: str) -> Variant:
        return next(v for v in cls if v.key == key.lower())


KEYS = tuple(v.key for v in Variant)
TITLES = tuple(v.title for v in Variant)
REQUEST_KEYS = tuple(v.key for v in Variant if v.request)
DEFAULT_CLASS_NAMES = tuple((v.key, v.default_class_name) for v in Variant)
