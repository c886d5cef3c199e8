"""English for generated docstrings: deterministic, by the word's first sound."""

from __future__ import annotations

import re

# "a" or "an" goes by the first sound of the model's name, from its spelling: a vowel
# letter takes "an", a consonant "a", except for these word beginnings. A name that
# starts with an acronym (two capitals or more: SKUCode, URLRecord) or one letter is
# read letter by letter: "an" before the letters whose names start with a vowel sound.
_AN_BEFORE = ("hour", "honest", "honor", "honour", "heir")  # a silent h
_A_BEFORE = ("one", "once", "uni", "use", "usu", "uti", "ure", "eu", "ewe")  # a "y" or "w"
_NOT_A_BEFORE = ("unin", "unim")  # uninvited, unimportant
_AN_LETTERS = frozenset("AEFHILMNORSX")


def article(name: str) -> str:
    """The indefinite article for model ``name``: ``an author``, ``a user``, ``an hour``."""
    letters = name.lstrip("_0123456789")
    if re.match(r"[A-Z](?:[A-Z]|$|[^a-zA-Z])", letters):
        return "an" if letters[0] in _AN_LETTERS else "a"
    word = letters.lower()
    if word.startswith(_AN_BEFORE):
        return "an"
    if word.startswith(_A_BEFORE) and not word.startswith(_NOT_A_BEFORE):
        return "a"
    return "an" if word[:1] in ("a", "e", "i", "o", "u") else "a"


def model_words(name: str) -> str:
    """``OrderItem`` -> ``order item``, as the classes' docstrings name their model."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name).lower()
