"""Placeholders for names from a module that is not installed.

A :class:`Missing` stands for such a name; a class derived from one gets
:class:`StubBase` as its base. Every use that could change the output raises
:class:`PlaceholderUsed`, which the active sessions (``missing.Session``) record.
"""

from __future__ import annotations

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


def _fail(what: str, module: str, use: str) -> Any:
    error = PlaceholderUsed(what, module, use)
    for session in ACTIVE:
        session.used.append(error)
    raise error


def _use(text: str) -> Callable[..., Any]:
    def refuse(self: Missing, *args: Any) -> Any:
        return _fail(self._ssh_what, self._ssh_module, text)

    return refuse


def _derive(symbol: str) -> Callable[..., Any]:
    def derived(self: Missing, *args: Any) -> Missing:
        return Missing(f"({self._ssh_what} {symbol} ...)", self._ssh_module)

    return derived


class Missing:
    """Stands for a name from a module that is not installed."""

    __slots__ = ("_ssh_module", "_ssh_what")
    _ssh_what: str
    _ssh_module: str
    __hash__ = object.__hash__

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

    def __repr__(self) -> str:
        return f"<missing {self._ssh_what}>"

    def __mro_entries__(self, bases: tuple[Any, ...]) -> tuple[type, ...]:
        return (_base_class(self._ssh_what, self._ssh_module),)

    __bool__ = _use("a truth test")
    __eq__ = _use("a comparison")
    __ne__ = _use("a comparison")
    __lt__ = __le__ = __gt__ = __ge__ = _use("a comparison")
    __iter__ = _use("iteration")
    __len__ = _use("len()")
    __getitem__ = _use("indexing")
    __contains__ = _use("'in'")
    __int__ = __float__ = __complex__ = __index__ = _use("a number conversion")
    __round__ = __trunc__ = __floor__ = __ceil__ = _use("a number conversion")
    __str__ = __bytes__ = __format__ = _use("a string conversion")
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


def find_placeholder(value: Any, depth: int = 3) -> Any:
    """A placeholder inside ``value`` (its attributes, items), or None."""
    if not EVER_MADE[0]:
        return None  # the walk below costs a second at 1000 models
    seen: set[int] = set()

    def walk(obj: Any, level: int) -> Any:
        if is_placeholder(obj):
            return obj
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
    return value._ssh_what, value._ssh_module
