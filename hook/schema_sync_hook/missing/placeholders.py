"""Placeholders for names from a module that is not installed.

A :class:`Missing` stands for such a name; a class derived from one gets
:class:`StubBase` as its base. Every use that could change the output raises
:class:`PlaceholderUsed`, which the active sessions (``missing.Session``) record.

A use is judged by where it happens, not by the operation: ``typing`` hashes,
compares and prints the types it is given (``Optional[X]`` compares ``X`` with
``None``, ``Union`` dedups its arguments, every subscription is cached), so there
a placeholder behaves as a plain object (identity hash and equality, a
``<missing X>`` text); whatever typing builds from it still holds the placeholder
(:func:`find_placeholder` sees it in the arguments) and every such text is
recorded (:func:`find_placeholder` finds it inside any string). Anywhere else (the
project's code: ``LENGTHS.get(settings.size, 100)``, ``f"{settings.x!r}"``), the
result would be a plain value computed from the placeholder, so the use refuses.
"""

from __future__ import annotations

import sys
import typing
from collections.abc import Callable, Iterable
from typing import Any, Protocol


class _Recorder(Protocol):
    used: list[PlaceholderUsed]


class PlaceholderUsed(BaseException):
    """A placeholder was used in a way that could change the output.

    A ``BaseException``, so that an ``except Exception`` in the project's code
    does not swallow it; the session records it anyway.
    """

    def __init__(self, what: str, module: str, use: str) -> None:
        self.what = what
        self.module = module
        self.use = use
        super().__init__(f"{what} (from the missing module {module!r}) used by {use}")


ACTIVE: list[_Recorder] = []  # the sessions importing now
EVER_MADE = [False]  # whether this process has made a placeholder (else none can be found)


# Where hashing, comparing and printing a placeholder is the machinery of annotations
# at work (first part of the calling function's module name).
_TYPING = frozenset(
    {"typing", "typing_extensions", "annotationlib", "functools", "abc", "_py_abc"}
    | {"_collections_abc", "collections.abc"}  # collections.abc.Callable[[X], Y]
)
# Where printing one is only ever shown (a log line, a warning, a traceback).
_PRINTING = _TYPING | {"reprlib", "pprint", "traceback", "logging", "warnings"}
TEXTS: dict[str, tuple[str, str]] = {}  # every "<missing X>" text given out -> X, module


def _fail(what: str, module: str, use: str) -> Any:
    error = PlaceholderUsed(what, module, use)
    for session in ACTIVE:
        session.used.append(error)
    raise error


def _label(obj: Any) -> tuple[str, str]:
    """What a placeholder, or an instance of a class derived from one, stands for."""
    if isinstance(obj, Missing):
        return obj._ssh_what, obj._ssh_module
    if isinstance(obj, type):  # a class derived from a placeholder: the base it stands for
        return obj._ssh_what, obj._ssh_module  # type: ignore[attr-defined]
    kind = type(obj)
    return f"{kind.__qualname__}()", kind._ssh_module


def _use(text: str) -> Callable[..., Any]:
    def refuse(self: Any, *args: Any) -> Any:
        return _fail(*_label(self), text)

    return refuse


def _called_from(modules: frozenset[str]) -> bool:
    """Whether the code using the placeholder (two frames up) belongs to ``modules``."""
    frame = sys._getframe(2)  # 0: this function, 1: the special method, 2: its caller
    name = frame.f_globals.get("__name__")
    return isinstance(name, str) and (name in modules or name.partition(".")[0] in modules)


def _hash(self: Any) -> int:
    if _called_from(_TYPING):
        return object.__hash__(self)
    return _fail(*_label(self), "a hash (a dict key, a set member, 'in')")  # type: ignore[no-any-return]


def _equal(self: Any, other: Any) -> Any:
    if _called_from(_TYPING):
        return NotImplemented  # so identity decides, as for a plain object
    return _fail(*_label(self), "a comparison")


def _text_use(use: str) -> Callable[..., str]:
    def text(self: Any, *args: Any) -> str:
        if not _called_from(_PRINTING):
            _fail(*_label(self), use)
        what, module = _label(self)
        shown = f"<missing {what}>"
        TEXTS[shown] = (what, module)
        return shown

    return text


def _derive(symbol: str) -> Callable[..., Any]:
    def derived(self: Missing, *args: Any) -> Missing:
        return Missing(f"({self._ssh_what} {symbol} ...)", self._ssh_module)

    return derived


class Missing:
    """Stands for a name from a module that is not installed."""

    __slots__ = ("_ssh_module", "_ssh_what")
    _ssh_what: str
    _ssh_module: str

    def __init__(self, what: str, module: str) -> None:
        EVER_MADE[0] = True
        object.__setattr__(self, "_ssh_what", what)
        object.__setattr__(self, "_ssh_module", module)

    def __getattr__(self, name: str) -> Missing:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return Missing(f"{self._ssh_what}.{name}", self._ssh_module)

    def __call__(self, *args: Any, **kwargs: Any) -> Missing:
        return Missing(f"{self._ssh_what}()", self._ssh_module)

    def __getitem__(self, key: Any) -> Missing:  # redis.Redis[bytes]: still a placeholder
        return Missing(f"{self._ssh_what}[...]", self._ssh_module)

    def __mro_entries__(self, bases: tuple[Any, ...]) -> tuple[type, ...]:
        return (_base_class(self._ssh_what, self._ssh_module),)

    __hash__ = _hash
    __eq__ = __ne__ = _equal
    __repr__ = _text_use("repr()")
    __str__ = __format__ = _text_use("a string conversion")
    __bool__ = _use("a truth test")
    __lt__ = __le__ = __gt__ = __ge__ = _use("a comparison")
    __iter__ = _use("iteration")
    __len__ = _use("len()")
    __contains__ = _use("'in'")
    __int__ = __float__ = __complex__ = __index__ = _use("a number conversion")
    __round__ = __trunc__ = __floor__ = __ceil__ = _use("a number conversion")
    __bytes__ = _use("a string conversion")
    __add__ = __radd__ = _derive("+")
    __sub__ = __rsub__ = _derive("-")
    __mul__ = __rmul__ = _derive("*")
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _derive("/")
    __mod__ = __rmod__ = _derive("%")
    __pow__ = __rpow__ = _derive("**")
    __or__ = __ror__ = _derive("|")
    __and__ = __rand__ = _derive("&")
    __neg__ = __pos__ = __invert__ = _derive("(unary)")

    def __setattr__(self, name: str, value: Any) -> None:
        pass  # configuring a stubbed object (app.state.x = ...) changes nothing we read

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


class StubBase:
    """Base of every class derived from a placeholder (``class S(BaseSettings)``).

    Its instances answer every attribute with a placeholder (a settings object's
    values may come from the environment, so even a class default is not trusted);
    a Tortoise model deriving from it is refused, its fields being unknown.
    """

    _ssh_what = ""
    _ssh_module = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if any(k.__name__ == "Model" and k.__module__ == "tortoise.models" for k in cls.__mro__):
            _fail(
                f"the base class {cls._ssh_what} of {cls.__qualname__}",
                cls._ssh_module,
                "the model (it may add fields)",
            )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            return object.__getattribute__(self, name)
        kind = type(self)
        return Missing(f"{kind.__qualname__}().{name}", kind._ssh_module)

    # An instance's value comes from the missing class: used as a Missing is.
    __hash__ = _hash
    __eq__ = __ne__ = _equal
    __repr__ = _text_use("repr()")
    __str__ = __format__ = _text_use("a string conversion")


_BASES: dict[tuple[str, str], type] = {}


def _base_class(what: str, module: str) -> type:
    key = (what, module)
    EVER_MADE[0] = True
    if key not in _BASES:
        name = what.rpartition(".")[2].strip("()") or "Missing"
        namespace = {"_ssh_what": what, "_ssh_module": module, "__module__": module}
        _BASES[key] = type(name if name.isidentifier() else "Missing", (StubBase,), namespace)
    return _BASES[key]


def is_placeholder(value: Any) -> bool:
    return isinstance(value, (Missing, StubBase)) or (
        isinstance(value, type) and issubclass(value, StubBase)
    )


def find_text(text: str) -> Missing | None:
    """A placeholder whose ``<missing X>`` text is inside ``text``, or None."""
    if "<missing " not in text:
        return None
    for shown, (what, module) in TEXTS.items():
        if shown in text:
            return Missing(what, module)
    return None


def find_placeholder(value: Any, depth: int = 3) -> Any:
    """A placeholder inside ``value`` (its attributes, items, texts), or None."""
    if not EVER_MADE[0]:
        return None  # the walk below costs a second at 1000 models
    seen: set[int] = set()

    def walk(obj: Any, level: int) -> Any:
        if is_placeholder(obj):
            return obj
        if isinstance(obj, str):
            return find_text(obj)
        args = typing.get_args(obj)  # list[X], X | None, Annotated[X, ...]
        if args and level:
            return next((f for f in (walk(a, level - 1) for a in args) if f is not None), None)
        if level == 0 or id(obj) in seen or isinstance(obj, (str, bytes, int, float, type)):
            return None
        seen.add(id(obj))
        if isinstance(obj, dict):
            children: Iterable[Any] = [*obj.keys(), *obj.values()]
        elif isinstance(obj, (list, tuple, set, frozenset)):
            children = obj
        else:
            children = getattr(obj, "__dict__", {}).values()
        for child in children:
            found = walk(child, level - 1)
            if found is not None:
                return found
        return None

    return walk(value, depth)


def describe(value: Any) -> tuple[str, str]:
    """What a placeholder stands for, and its missing module."""
    return _label(value)
