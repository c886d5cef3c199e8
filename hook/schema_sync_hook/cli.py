"""The command line: parses arguments, dispatches, maps errors to exit codes.

Only this module parses arguments. Heavy imports (tortoise, pydantic, jinja2)
happen inside the commands, so ``--help`` and the fast path stay quick.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from schema_sync_hook import __version__
from schema_sync_hook.console import PROG, Console
from schema_sync_hook.errors import Exit, UserError
from schema_sync_hook.settings.schema import Config
from schema_sync_hook.settings.sources import load_config

FORMATS = ("text", "json", "github", "markdown", "junit", "gitlab", "sarif")
FAIL_ON = ("breaking", "any", "none")


def _common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--config",
        type=Path,
        default=default,
        metavar="FILE",
        help="read settings from FILE instead of pyproject.toml/setup.cfg",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=default,
        metavar="DIR",
        help="project root (default: nearest folder with pyproject.toml, setup.cfg or .git)",
    )
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument(
        "-q",
        "--quiet",
        dest="verbosity",
        action="store_const",
        const=-1,
        default=argparse.SUPPRESS if suppress else 0,
        help="print errors only",
    )
    verbosity.add_argument(
        "-v",
        "--verbose",
        dest="verbosity",
        action="store_const",
        const=1,
        default=argparse.SUPPRESS,
        help="explain what is done",
    )
    parser.add_argument(
        "--no-color",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="no colour (also NO_COLOR=1)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Generate Pydantic Create/Update/Response schemas from Tortoise ORM"
        " models and keep them in sync. Without a command: hook mode (regenerate,"
        " write when allowed, exit 1 on drift).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common(parser, suppress=False)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--check",
        action="store_true",
        help="never write; print the diff and exit 1 on drift (for CI)",
    )
    mode.add_argument(
        "--watch",
        action="store_true",
        help="regenerate whenever a model file is saved (needs the watch extra)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="always regenerate; do not answer from the cache"
    )
    _format(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _local_commands(commands)
    _diff_command(commands)
    _adopt_command(commands)
    return parser


def _local_commands(commands: Any) -> None:
    """sync, status, backup and validate."""
    sync = commands.add_parser("sync", help="write the generated file if it changed")
    _common(sync, suppress=True)
    sync.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    sync.add_argument(
        "--force",
        action="store_true",
        help="rewrite even if unchanged or edited by hand (a backup is kept)",
    )

    status = commands.add_parser("status", help="show settings and the state of the schemas")
    _common(status, suppress=True)
    status.add_argument("--json", action="store_true", help="print one JSON object")

    backup = commands.add_parser("backup", help="list, restore or delete backups")
    _common(backup, suppress=True)
    actions = backup.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list backups, newest last")
    _common(listing, suppress=True)
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    for name, text in (
        ("restore", "restore a backup (the current file is backed up first)"),
        ("delete", "delete a backup"),
    ):
        action = actions.add_parser(name, help=text)
        _common(action, suppress=True)
        action.add_argument("--name", required=True, help="backup name from 'backup list'")

    validate = commands.add_parser("validate", help="check the generated and manual schemas")
    _common(validate, suppress=True)


def _diff_command(commands: Any) -> None:
    diff = commands.add_parser(
        "diff",
        help="classify schema changes against a git revision (breaking-change gate)",
        description="Compare the generated schemas committed at the merge base of REF and"
        " HEAD with a fresh generation from the working tree; exit 1 when a change at or"
        " above --fail-on exists.",
    )
    _common(diff, suppress=True)
    diff.add_argument("--against", required=True, metavar="REF", help="branch, tag or commit")
    diff.add_argument(
        "--exact", action="store_true", help="compare with REF itself, not its merge base"
    )
    diff.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="breaking",
        help="exit 1 on a breaking change (default), on any change, or never",
    )
    _format(diff, suppress=True)


def _adopt_command(commands: Any) -> None:
    adopt = commands.add_parser(
        "adopt",
        help="replace pydantic_model_creator calls with generated classes",
        description="Find every pydantic_model_creator / pydantic_queryset_creator call,"
        " build what it builds, and show the generated class or view that replaces it"
        " with the differences; --write switches the calls adopted with no unexpected"
        " difference.",
    )
    _common(adopt, suppress=True)
    adopt.add_argument(
        "--write", action="store_true", help="add the views, sync, and rewrite the call sites"
    )
    adopt.add_argument(
        "--format",
        dest="adopt_format",
        choices=("text", "json"),
        default="text",
        help="text (default) or json (one array on stdout)",
    )
    adopt.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="files or folders (default: the root)"
    )


def _format(parser: argparse.ArgumentParser, suppress: bool) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=argparse.SUPPRESS if suppress else "text",
        help="output for hook mode, --check and diff: text (default), json (one object on"
        " stdout), github (workflow annotations), markdown (--check and diff), junit (JUnit"
        " XML), gitlab (Code Quality), sarif (SARIF 2.1.0)",
    )


def _load(args: argparse.Namespace) -> Config:
    return load_config(root=args.root, config_file=args.config)


def _check_format(args: argparse.Namespace) -> None:
    if args.format == "text":
        return
    if args.watch or args.command not in (None, "diff"):
        raise UserError(
            "--format applies to hook mode, --check and diff only",
            f"drop --format {args.format}",
        )
    if args.format == "markdown" and args.command is None and not args.check:
        raise UserError(
            "--format markdown applies to --check and diff only",
            "use --format text, json or github in hook mode",
        )


def dispatch(args: argparse.Namespace, console: Console) -> Exit:
    if args.command is not None and (args.check or args.watch):
        raise UserError(
            f"--check and --watch cannot be combined with '{args.command}'",
            f"run '{PROG} --check' or '{PROG} {args.command}' on its own",
        )
    _check_format(args)
    config = _load(args)
    if args.watch:
        # imported here for start-up speed: the watcher loads watchdog
        from schema_sync_hook.commands.watch import watch_command

        return watch_command(config, console)
    if args.command is None:
        return _hook_or_check(args, config, console)
    return _COMMANDS[args.command](args, config, console)


def _hook_or_check(args: argparse.Namespace, config: Config, console: Console) -> Exit:
    if not args.no_cache and args.format == "text":
        # imported here for start-up speed: the cache answers before anything heavy loads
        from schema_sync_hook.fastpath import cache

        if cache.fresh(config, refresh_quick=not args.check):  # nothing heavy imported
            console.detail("nothing changed since the last in-sync run (cache): in sync")
            return Exit.OK
    # imported here for start-up speed: only the command that runs loads
    from schema_sync_hook.commands.sync import run_command
    from schema_sync_hook.plan.changes import Mode

    mode = Mode.CHECK if args.check else Mode.HOOK
    return run_command(
        config, console, mode, use_cache=not args.no_cache, output_format=args.format
    )


def _sync(args: argparse.Namespace, config: Config, console: Console) -> Exit:
    # imported here for start-up speed: only the command that runs loads
    from schema_sync_hook.commands.sync import run_command
    from schema_sync_hook.plan.changes import Mode

    mode = Mode.DRY_RUN if args.dry_run else Mode.SYNC
    return run_command(config, console, mode, force=args.force, use_cache=not args.no_cache)


def _status(args: argparse.Namespace, config: Config, console: Console) -> Exit:
    # imported here for start-up speed: only the command that runs loads
    from schema_sync_hook.commands.status import status_command

    return status_command(config, console, as_json=args.json)


def _backup(args: argparse.Namespace, config: Config, console: Console) -> Exit:
    # imported here for start-up speed: only the command that runs loads
    from schema_sync_hook.commands.backup import backup_command

    name = getattr(args, "name", None)
    as_json = getattr(args, "json", False)
    return backup_command(config, console, args.action, name, as_json=as_json)


def _validate(args: argparse.Namespace, config: Config, console: Console) -> Exit:
    # imported here for start-up speed: only the command that runs loads
    from schema_sync_hook.commands.validate import validate_command

    return validate_command(config, console)


def _diff(args: argparse.Namespace, config: Config, console: Console) -> Exit:
    # imported here for start-up speed: only the command that runs loads
    from schema_sync_hook.commands.diff import diff_command

    return diff_command(
        config,
        console,
        args.against,
        exact=args.exact,
        fail_on=args.fail_on,
        output_format=args.format,
    )


def _adopt(args: argparse.Namespace, config: Config, console: Console) -> Exit:
    # imported here for start-up speed: only the command that runs loads
    from schema_sync_hook.commands.adopt import adopt_command

    return adopt_command(
        config, console, args.paths, write=args.write, output_format=args.adopt_format
    )


_COMMANDS: dict[str, Callable[[argparse.Namespace, Config, Console], Exit]] = {
    "adopt": _adopt,
    "sync": _sync,
    "status": _status,
    "backup": _backup,
    "validate": _validate,
    "diff": _diff,
}


def main(argv: Sequence[str] | None = None, *, keep_redirect: bool = False) -> Exit:
    """Run the command line. ``keep_redirect``: a machine-readable format's stdout stays
    led to stderr until the process ends (the console script: the models' ``atexit``
    handlers run after the document)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed usage and error to stderr
        chosen = _format_in(sys.argv[1:] if argv is None else argv)
        if exc.code == Exit.USER and chosen not in (None, "text"):
            _write_error(Console(document=sys.stdout), chosen, "invalid arguments (see stderr)")
        raise
    machine = (
        args.format != "text"
        or (args.command == "status" and args.json)
        or getattr(args, "adopt_format", "text") != "text"
    )
    if not machine:
        return _run(args, Console(verbosity=args.verbosity, no_color=args.no_color))
    # A machine-readable document owns stdout: every message, and whatever the models
    # print, goes to stderr.
    from schema_sync_hook.pipeline.streams import machine_output

    with machine_output(escape_commands=args.format == "github", keep=keep_redirect) as doc:
        console = Console(args.verbosity, args.no_color, out=sys.stderr, document=doc)
        return _run(args, console)


def _run(args: argparse.Namespace, console: Console) -> Exit:
    try:
        return dispatch(args, console)
    except UserError as exc:
        console.error(str(exc))
        _write_error(console, args.format, str(exc), config_file=getattr(args, "config", None))
        if args.verbosity > 0:
            import traceback

            traceback.print_exception(exc.__cause__ or exc, file=sys.stderr)
        return Exit.USER
    except KeyboardInterrupt:
        console.error("interrupted; nothing was left half-written")
        _write_error(console, args.format, "interrupted", Exit.INTERRUPTED)
        return Exit.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as a shell pipeline expects.
        if args.format == "text":
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return Exit.BROKEN_PIPE
    except Exception as exc:  # the one place that turns a bug into exit 3
        import traceback

        console.error(f"internal error: {type(exc).__name__}: {exc}")
        traceback.print_exc(file=sys.stderr)
        console.error("this is a bug in schema-sync-hook; please report it with the output above")
        _write_error(console, args.format, f"internal error: {type(exc).__name__}: {exc}", 3)
        return Exit.INTERNAL


def _write_error(
    console: Console,
    output_format: str,
    message: str,
    code: int = 2,
    config_file: Path | None = None,
) -> None:
    """The format's own error document, unless the run already wrote its document."""
    if output_format == "text" or console.emitted:
        return
    # imported here for start-up speed: only a failed machine-readable run needs it
    from schema_sync_hook.report.ci_errors import render_error

    console.emit(render_error(output_format, message, code, config_file))


def _format_in(argv: Sequence[str]) -> str | None:
    """The ``--format`` asked for in ``argv`` (for an error before parsing succeeded)."""
    for index, arg in enumerate(argv):
        if arg.startswith("--format="):
            value = arg.partition("=")[2]
        elif arg == "--format" and index + 1 < len(argv):
            value = argv[index + 1]
        else:
            continue
        return value if value in FORMATS else None
    return None


def entry() -> None:
    raise SystemExit(main(keep_redirect=True))
