"""The worker of ``diff --against``: REF's wire contract, in REF's checkout.

Run as ``python -m schema_sync_hook.pipeline.ref_contract TREE ROOT CONFIG COMMIT``
(CONFIG empty for none) by :mod:`schema_sync_hook.gate.worktree`, so the process that
compares never imports REF's code. TREE is a work tree of COMMIT with no file checked
out: the worker checks out what it reads (the configuration files, then the contract
file, or the generated files and the project's Python files; all of REF when an
import needs more, such as a data file, or when the models are generated here under
``missing_imports`` placeholders). It talks in JSON lines: its answers on its standard
output (whatever REF's models print goes to its standard error), the questions on
its standard input.

1. First answer: ``{"contract": ...}`` (REF's ``contract_output`` file; done),
   ``{"absent": true}`` (REF holds no generated file of its configuration; done), or
   REF's generated files as committed, with what slicing them needs:
   ``{"texts": {path: text}, "modules": [...], "prints": {...}, "settings": {...}}``
   (see :mod:`schema_sync_hook.gate.slices`); REF's models are imported by then.
2. Question: ``{"classes": [names]}`` (build only those) or ``{"classes": null}``.
3. Answer: ``{"contract": ...}``, the contract of those classes.

Any answer may be ``{"error": ...}`` (then exit 2).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from schema_sync_hook import git
from schema_sync_hook.apply.files import read_text
from schema_sync_hook.errors import Exit, UserError
from schema_sync_hook.gate.slices import outline, slice_text
from schema_sync_hook.load.contract import Source, contract_session, module_names, served_contract
from schema_sync_hook.load.fingerprint import fingerprints
from schema_sync_hook.pipeline.contract import contract_settings, is_request
from schema_sync_hook.settings.monorepo import configures
from schema_sync_hook.settings.schema import CONFIG_FILES, Config
from schema_sync_hook.settings.sources import load_config

Send = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Checkout:
    """REF's work tree, checked out file by file as the answers need them."""

    tree: Path
    root: Path  # the project root inside ``tree``
    commit: str

    def fetch(self, *patterns: str | Path) -> None:
        """The files ``patterns`` (globs relative to the root, or paths) match at REF."""
        specs = []
        for pattern in patterns:
            path = self.root / pattern
            if path.resolve().is_relative_to(self.tree.resolve()):
                relative = path.resolve().relative_to(self.tree.resolve()).as_posix()
                specs.append(f":(top,glob){relative}")
        git.checkout_paths(self.tree, self.commit, specs)

    def code(self, config: Config) -> None:
        """The Python files the generated files may import (the root and python_path)."""
        folders = dict.fromkeys([".", *config.settings.python_path])
        self.fetch(*(f"{folder}/**/*.py" for folder in folders))

    def everything(self) -> None:
        git.checkout_paths(self.tree, self.commit, [":/"])


def serve(checkout: Checkout, config_file: Path | None, send: Send, questions: IO[str]) -> None:
    """Answer as the module docstring says."""
    checkout.fetch(*CONFIG_FILES, *([config_file] if config_file else []))
    try:
        config = load_config(root=checkout.root, config_file=config_file)
    except UserError:
        if _configured(checkout.root, config_file):  # its generated files are unknown: never "none"
            raise
        send({"absent": True})  # REF predates the tool: no generated file of it either
        return
    settings = config.settings
    if settings.contract_output:
        checkout.fetch(settings.contract_output)
        text = read_text(config.path(settings.contract_output))
        if text is not None:
            try:
                send({"contract": json.loads(text)})
            except ValueError as exc:
                raise UserError(
                    f"{settings.contract_output} is not JSON ({exc})", "regenerate it there"
                ) from None
            return
    checkout.fetch(config.fixed_output or config.output_glob)
    sources = _generated(config)
    if not sources:
        send({"absent": True})
        return
    checkout.code(config)
    _answer(checkout, config, sources, send, questions)


def _answer(
    checkout: Checkout, config: Config, sources: list[Source], send: Send, questions: IO[str]
) -> None:
    """The texts and fingerprints, then the contract of the classes asked for."""
    texts = {s.path: s.text for s in sources}
    modules = sorted(module_names(config, list(texts)).values())
    shape = outline(texts, modules)
    sites = _stub_sites(checkout, config)
    with contract_session(config, sites):
        prints = fingerprints(config, shape.imported) if shape is not None else {}
        first = {"texts": texts, "modules": modules, "prints": prints}
        send({**first, "settings": contract_settings(config)})
        question = questions.readline()
        if not question:  # the comparing process is gone
            return
        classes = json.loads(question).get("classes")
        if classes is not None and shape is not None:
            keep = set(classes)
            sources = [Source(s.path, slice_text(s.text, keep)) for s in sources]
        try:
            contract = served_contract(config, sources, is_request(config))
        except UserError:  # what the Python files alone do not hold (data files)
            contract = None
    if contract is None:
        checkout.everything()
        with contract_session(config, sites):
            contract = served_contract(config, sources, is_request(config))
    send({"contract": contract})


def _stub_sites(checkout: Checkout, config: Config) -> tuple[tuple[str, int, str], ...]:
    """The placeholders REF's models need here (key ``missing_imports``)."""
    if config.settings.missing_imports == "error":
        return ()
    from schema_sync_hook.pipeline.generate import generate

    checkout.everything()  # a generation imports the models: all of REF is there
    return generate(config)[0].stub_sites


def _configured(root: Path, config_file: Path | None) -> bool:
    """Whether REF configures the tool at all (its settings may still be wrong)."""
    return config_file.is_file() if config_file is not None else configures(root)


def _generated(config: Config) -> list[Source]:
    """REF's generated file(s), as committed there."""
    if config.fixed_output:
        paths = [config.fixed_output]
    else:
        found = config.root.glob(config.output_glob)
        paths = sorted(p.relative_to(config.root).as_posix() for p in found)
    sources = []
    for path in paths:
        text = read_text(config.path(path))
        if text is not None:
            sources.append(Source(path, text))
    return sources


def main(argv: Sequence[str]) -> int:
    tree, root, config_file, commit = argv
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # what REF's models print goes with the standard error

    def send(answer: dict[str, Any]) -> None:
        channel.write(json.dumps(answer) + "\n")
        channel.flush()

    checkout = Checkout(Path(tree), Path(root), commit)
    try:
        serve(checkout, Path(config_file) if config_file else None, send, sys.stdin)
    except UserError as exc:
        send({"error": str(exc)})
        return int(Exit.USER)
    return int(Exit.OK)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
