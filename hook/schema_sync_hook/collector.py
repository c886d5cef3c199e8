"""Python's cycle collector paused while the tool builds large trees of objects."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off inside the block, on again afterwards (if it was on).

    Importing the models and rendering them, or parsing a generated file, makes
    hundreds of thousands of objects that live to the end of the step and little
    cyclic garbage: the collector's full passes walked all of them again and again
    (a fifth of a generation at 1000 models, half of a parse), for about 1% of peak
    memory.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
