"""Third-party modules missing while the models import: advice, or placeholders.

A pre-commit hook runs in its own virtualenv, where the application's packages
(the web framework, a settings library, a cache client) are usually absent. When
the import of the models stops on such a module, :class:`Session` either turns
it into one line of advice (which distribution to install, and where) or, with
``missing_imports = "stub"`` (or a list of module patterns), retries the import
from a clean state with a placeholder at the one import statement that stopped
it. Imports whose failure the code itself catches (``try: import orjson``) never
reach the tool, so they are never stubbed.

Placeholders fail loudly (:class:`PlaceholderUsed`) on every use that could
change the output; a placeholder found in a field, or a class derived from one
as a model's base, is refused naming ``Model.field``. The entry point is
:meth:`Session.run`, which wraps the whole model import; :func:`placeholders`
puts the same placeholders back for a later import of the generated file.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import dataclasses
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from schema_sync_hook.errors import ModelImportError, UserError
from schema_sync_hook.missing import placeholders as stubs
from schema_sync_hook.missing.own_errors import own_error
from schema_sync_hook.missing.placeholders import (
    Missing,
    PlaceholderUsed,
    describe,
    find_placeholder,
    is_placeholder,
)
from schema_sync_hook.missing.where import where

T = TypeVar("T")
Site = tuple[str, int, str]  # file, line of the import statement, missing module

# Distributions whose name differs from the module they install (the longest dotted
# prefix of the imported name wins); any other module installs under its own name.
DISTRIBUTIONS = {
    "attr": "attrs",
    "bs4": "beautifulsoup4",
    "cv2": "opencv-python",
    "Crypto": "pycryptodome",
    "dateutil": "python-dateutil",
    "discord": "discord.py",
    "dns": "dnspython",
    "docx": "python-docx",
    "dotenv": "python-dotenv",
    "email_validator": "email-validator",
    "fitz": "PyMuPDF",
    "git": "GitPython",
    "google.protobuf": "protobuf",
    "googleapiclient": "google-api-python-client",
    "jose": "python-jose",
    "jwt": "PyJWT",
    "ldap": "python-ldap",
    "magic": "python-magic",
    "multipart": "python-multipart",
    "MySQLdb": "mysqlclient",
    "nacl": "PyNaCl",
    "OpenSSL": "pyOpenSSL",
    "PIL": "Pillow",
    "pkg_resources": "setuptools",
    "pydantic_settings": "pydantic-settings",
    "pythonjsonlogger": "python-json-logger",
    "sentry_sdk": "sentry-sdk",
    "serial": "pyserial",
    "skimage": "scikit-image",
    "sklearn": "scikit-learn",
    "slugify": "python-slugify",
    "socks": "PySocks",
    "telegram": "python-telegram-bot",
    "tortoise": "tortoise-orm",
    "websocket": "websocket-client",
    "win32api": "pywin32",
    "yaml": "PyYAML",
    "zmq": "pyzmq",
}
MAX_ATTEMPTS = 200  # one retry per stubbed import statement; a bound, not a budget
_ORIGINAL_IMPORT = builtins.__import__
_THIS_FILE = __file__.rstrip("co")


def distribution(module: str) -> str:
    """The pip distribution that installs ``module`` (a dotted import name)."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        found = DISTRIBUTIONS.get(".".join(parts[:end]))
        if found is not None:
            return found
    return parts[0]


STUB_HINT = ' (or set missing_imports = "stub" to import the models without them)'


def install_advice(modules: Sequence[str]) -> str:
    """Where to install the distributions of ``modules``: pre-commit or pip."""
    dists = list(dict.fromkeys(distribution(m) for m in modules))
    pip = f"pip install {' '.join(dists)}"
    if os.environ.get("PRE_COMMIT") != "1":
        return f"install {'it' if len(dists) == 1 else 'them'}: {pip}"
    advice = (
        "add to this hook in .pre-commit-config.yaml:"
        f" additional_dependencies: [{', '.join(dists)}]"
    )
    if not _in_pre_commit_env():  # a repo: local hook runs in the project's environment
        advice += f" (a 'repo: local' hook: {pip} in the environment it runs in)"
    return advice


def _in_pre_commit_env() -> bool:
    """Whether this interpreter is a virtualenv that pre-commit made for a hook."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    home = os.environ.get("PRE_COMMIT_HOME") or os.path.join(cache, "pre-commit")
    return os.path.realpath(sys.prefix).startswith(os.path.realpath(home) + os.sep)


# --- the session ------------------------------------------------------------------


@dataclasses.dataclass
class Session:
    """One model import, with the policy for missing modules.

    ``policy`` is ``"error"``, ``"stub"`` or a tuple of module names and ``pkg.*``
    patterns. ``own`` tells whether a module name is the project's own.
    """

    policy: str | tuple[str, ...]
    own: Callable[[str], bool]
    sites: set[Site] = dataclasses.field(default_factory=set)
    stubbed: dict[str, None] = dataclasses.field(default_factory=dict)
    used: list[PlaceholderUsed] = dataclasses.field(default_factory=list)

    def allows(self, module: str) -> bool:
        if self.policy == "stub":
            return True
        if self.policy == "error":
            return False
        return any(
            module == p or (p.endswith(".*") and (module + ".").startswith(p[:-1]))
            for p in self.policy
        )

    def run(self, attempt: Callable[[], T]) -> T:
        """``attempt()``, retried with placeholders where the policy allows."""
        missing: dict[str, str] = {}  # requested module -> where it was imported
        for _ in range(MAX_ATTEMPTS):
            before = set(sys.modules)
            self.used.clear()
            try:
                with self.active():
                    result = attempt()
                if self.used:
                    raise self.used[0]
                if missing:
                    raise _advice(missing)
                return result
            except PlaceholderUsed as exc:
                if missing:  # only probing for more missing modules: report those
                    raise _advice(missing) from exc
                raise _refusal(exc) from exc
            except ModelImportError as exc:
                found = self._missing_site(exc)
                if found is None:  # not a missing third-party module
                    if missing:
                        raise _advice(missing) from exc
                    if isinstance(exc.original, PlaceholderUsed):
                        raise _refusal(exc.original, exc.location) from exc
                    if self.stubbed and not own_error(exc.original, self.sites, self.own):
                        names = sorted(self.stubbed)
                        raise UserError(
                            f"{exc.cause} (stubbed: {', '.join(names)})",
                            f"{exc.fix}; if the error comes from a stubbed module,"
                            f" {install_advice(names)}",
                        ) from exc
                    raise
                site, requested = found
                if site in self.sites or not self.allows(site[2]):
                    missing.setdefault(requested, exc.location)
                if site in self.sites or not site[0]:  # not a statement we can answer
                    raise _advice(missing) from exc
                self.sites.add(site)
            finally:
                if self.sites:
                    forget_modules(before)
        raise UserError(
            f"the models still do not import after {MAX_ATTEMPTS} stubbed imports",
            "install the missing packages in the hook's environment",
        )

    def _missing_site(self, exc: ModelImportError) -> tuple[Site, str] | None:
        """The import statement that stopped the import on a third-party module."""
        error = exc.original
        if not isinstance(error, ModuleNotFoundError) or not error.name:
            return None
        if self.own(error.name):
            return None
        frame = _import_frame(error.__traceback__) or ("", 0)
        return (frame[0], frame[1], error.name), _requested(frame[0], frame[1], error.name)

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """Answer the recorded import statements with placeholders."""
        if not self.sites:
            yield
            return
        stubs.ACTIVE.append(self)
        previous = builtins.__import__
        builtins.__import__ = self._import  # type: ignore[assignment]
        try:
            yield
        finally:
            builtins.__import__ = previous
            stubs.ACTIVE.remove(self)

    def _import(
        self,
        name: str,
        globals: dict[str, Any] | None = None,
        locals: Any = None,
        fromlist: Sequence[str] | None = (),
        level: int = 0,
    ) -> Any:
        try:
            return _ORIGINAL_IMPORT(name, globals, locals, fromlist or (), level)
        except ModuleNotFoundError as exc:
            caller = sys._getframe(1)
            if (caller.f_code.co_filename, caller.f_lineno, exc.name) not in self.sites:
                raise
            if level:
                name = importlib.util.resolve_name("." * level + name, _package(globals))
            self.stubbed.setdefault(exc.name or name)
            shown = name if fromlist else name.partition(".")[0]
            return Missing(shown, exc.name or name)

    @property
    def site_list(self) -> tuple[Site, ...]:
        return tuple(sorted(self.sites))


def _package(globals: dict[str, Any] | None) -> str:
    return str((globals or {}).get("__package__") or "")


def _import_frame(tb: TracebackType | None) -> tuple[str, int] | None:
    """File and line of the innermost frame that is not import machinery."""
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.startswith("<frozen") and filename != _THIS_FILE:
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _requested(filename: str, line: int, missing: str) -> str:
    """The dotted name the import statement at ``filename:line`` asked for."""
    try:
        tree = ast.parse(Path(filename).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return missing
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) != line:
            continue
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        for candidate in names:
            if candidate == missing or candidate.startswith(missing + "."):
                return candidate
    return missing


def own_modules(roots: Sequence[Path], configured: Sequence[str]) -> Callable[[str], bool]:
    """Whether a module name is the project's: found under ``roots`` or configured."""
    entries = [str(r) for r in roots]

    def own(name: str) -> bool:
        if any(c == name or c.startswith(name + ".") for c in configured):
            return True
        return importlib.machinery.PathFinder.find_spec(name.partition(".")[0], entries) is not None

    return own


def forget_modules(before: set[str]) -> None:
    """Drop the modules imported since ``before`` that are new packages or hold a
    placeholder (submodules of packages loaded before stay: dropping them would
    give those packages a second copy of their classes)."""
    tops = {name.partition(".")[0] for name in before}
    for name in set(sys.modules) - before:
        module = sys.modules.get(name)
        if name.partition(".")[0] not in tops or any(
            is_placeholder(v) for v in list(getattr(module, "__dict__", {}).values())
        ):
            sys.modules.pop(name, None)


def _advice(missing: dict[str, str]) -> UserError:
    names = sorted(missing)
    shown = ", ".join(f"{n!r} ({missing[n]})" if missing[n] else repr(n) for n in names)
    if len(names) == 1:
        cause = f"the models import the third-party module {shown}, which is not installed here"
    else:
        cause = f"the models import third-party modules that are not installed here: {shown}"
    return UserError(cause, install_advice(names) + STUB_HINT)


def _refusal(exc: PlaceholderUsed, location: str = "") -> UserError:
    return refusal(where(exc, location), exc.what, exc.module, exc.use)


def refusal(where: str, what: str, module: str, use: str = "") -> UserError:
    """The one-line error for a placeholder that would reach the output."""
    return UserError(
        f"{where + ': ' if where else ''}{what}, from the module {module!r} that is not"
        f" installed here, would reach the schema{f' ({use})' if use else ''}",
        f"{install_advice([module])}, so that its real value is used",
    )


def refuse_placeholder(where: str, value: Any) -> None:
    """Exit 2 naming ``where`` when ``value`` holds a placeholder."""
    found = find_placeholder(value)
    if found is not None:
        raise refusal(where, *describe(found))


@contextlib.contextmanager
def placeholders(sites: Sequence[Site]) -> Iterator[Session]:
    """The placeholders of an earlier model import, for importing the generated file."""
    session = Session(policy="stub", own=lambda _name: False, sites=set(sites))
    before = set(sys.modules)
    try:
        with session.active():
            yield session
    finally:
        if sites:
            forget_modules(before)
