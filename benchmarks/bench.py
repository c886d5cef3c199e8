"""Speed and memory of schema-sync-hook, each figure against a baseline from the same run.

    python benchmarks/bench.py                  # N = 15, 200, 1000, 2000; 5 runs each
    python benchmarks/bench.py --sizes 15 200 --runs 3 --markdown docs/benchmarks.md

Every measurement is a fresh process (what a pre-commit hook or a CI step pays),
timed with perf_counter and reported as the median; peak memory is the child's
maximum resident set size. Rows:

- hook, nothing changed (answered from the cache)  vs  ``python -c pass``
- full generation (``--check --no-cache``)         vs  import + ``Tortoise.init_models``
- the same                                         vs  ``pydantic_model_creator`` x 3 variants
- hook after one model's field was edited (regenerates, writes, exit 1), vs import + init
- watch latency, saved model file -> file on disk  vs  the debounce setting
- 1,000 models with 100 views (``nest = "*"``, ``depth = 3``): full generation vs the
  same project without views, and the time per class the views add
- the example app under uvicorn, start to "Application startup complete": with the
  start-up sync and watcher (nothing changed; a model file touched) vs both off
- ``diff --against HEAD`` after one field was edited, no contract file (N = 200 by
  default, ``--diff-sizes``) vs ``--check --no-cache`` on the same tree, the two
  measured in turn (``--diff-only`` measures this row alone)
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

MODELS_PER_MODULE = 25
SHOP = Path(__file__).resolve().parent.parent / "examples" / "shop"

ENUMS = """
from enum import Enum, IntEnum


class Status(str, Enum):
    NEW = "new"
    ACTIVE = "active"
    CLOSED = "closed"


class Level(IntEnum):
    LOW = 1
    HIGH = 2
"""


def model_source(index: int, first_in_module: bool) -> str:
    fk = (
        ""
        if first_in_module
        else (
            f'    parent = fields.ForeignKeyField("models.M{index - 1}", related_name="children_{index}")\n'
        )
    )
    return (
        textwrap.dedent(f'''

    class M{index}(models.Model):
        """Synthetic model number {index}."""

        id = fields.IntField(primary_key=True)
        name = fields.CharField(max_length=120, description="Name of {index}")
        code = fields.CharField(max_length=20, unique=True, validators=[MinLengthValidator(2)])
        amount = fields.DecimalField(max_digits=10, decimal_places=2, default=0)
        count = fields.IntField(default=0, validators=[MinValueValidator(0)])
        ratio = fields.FloatField(null=True)
        active = fields.BooleanField(default=True)
        notes = fields.TextField(null=True)
        status = fields.CharEnumField(Status, default=Status.NEW)
        level = fields.IntEnumField(Level, null=True)
        data = fields.JSONField(default=dict)
        created_at = fields.DatetimeField(auto_now_add=True)
        updated_at = fields.DatetimeField(auto_now=True)
    ''')
        + fk
    )


def edit_one(root: Path) -> Callable[[int], None]:
    """An edit of one model's field description, different each time (the hook then
    regenerates, writes the file and exits 1)."""
    model = root / "bench_models" / "part000.py"
    original = model.read_text()

    def edit(i: int) -> None:
        model.write_text(original.replace('description="Name of 0"', f'description="Name {i}"'))

    return edit


def build_project(root: Path, n: int) -> None:
    package = root / "bench_models"
    package.mkdir(parents=True)
    (package / "enums.py").write_text(ENUMS)
    names = []
    for start in range(0, n, MODELS_PER_MODULE):
        module = f"part{start // MODELS_PER_MODULE:03d}"
        names.append(module)
        body = [
            "from tortoise import fields, models\n",
            "from tortoise.validators import MinLengthValidator, MinValueValidator\n\n",
            "from .enums import Level, Status\n",
        ]
        for i in range(start, min(start + MODELS_PER_MODULE, n)):
            body.append(model_source(i, i == start))
        (package / f"{module}.py").write_text("".join(body))
    (package / "__init__.py").write_text(
        "".join(f"from .{m} import *  # noqa: F403\n" for m in names)
    )
    (root / "pyproject.toml").write_text(
        '[tool.schema-sync]\nmodels = ["bench_models"]\noutput = "api/schemas_generated.py"\n'
    )


VIEWS = 100
VIEW_DEPTH = 3


def add_views(root: Path, n: int, count: int = VIEWS) -> None:
    """``count`` views spread over the ``n`` models, every relation to VIEW_DEPTH levels."""
    step = max(1, n // count)
    tables = "".join(
        f'\n[tool.schema-sync.views.View{i}]\nmodel = "M{i}"\nnest = "*"\ndepth = {VIEW_DEPTH}\n'
        for i in range(0, step * count, step)
    )
    with (root / "pyproject.toml").open("a") as fh:
        fh.write(tables)


def views_case(tmp: Path, tool: list[str], runs: int, n: int = 1000) -> str:
    """One line: what the views cost on top of the same project without them."""
    roots, classes = {}, {}
    for with_views in (False, True):
        root = roots[with_views] = tmp / f"views{int(with_views)}"
        build_project(root, n)
        if with_views:
            add_views(root, n)
        subprocess.run([*tool, "sync", "-q", "--root", str(root)], check=True)
        text = (root / "api" / "schemas_generated.py").read_text()
        classes[with_views] = text.count("\nclass ")
    # the two alternate, run by run: a shared machine's drift falls on both alike
    samples: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(runs):
        for with_views, root in roots.items():
            command = [*tool, "--check", "--no-cache", "--root", str(root)]
            samples[with_views].append(measure(root, command, 1)[0])
    timings = {key: statistics.median(values) for key, values in samples.items()}
    added = classes[True] - classes[False]
    extra = timings[True] - timings[False]
    return (
        f'Views ({n} models, {VIEWS} views with nest = "*", depth = {VIEW_DEPTH}): full'
        f" generation {timings[True]:.2f} s against {timings[False]:.2f} s without them"
        f" ({extra:+.2f} s for the {added} classes they write,"
        f" {extra / max(added, 1) * 1000:.1f} ms per class)."
    )


def diff_cost(tmp: Path, n: int, runs: int) -> tuple[float, float]:
    """Median seconds of ``diff --against HEAD`` and of ``--check --no-cache`` on a
    committed project of ``n`` models after one field's description was edited."""
    tool = [sys.executable, "-m", "schema_sync_hook"]
    root = tmp / f"diff{n}"
    build_project(root, n)
    (root / ".gitignore").write_text(".schema_sync/\n")
    subprocess.run([*tool, "sync", "-q", "--root", str(root)], check=True)
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    for args in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-qm", "base"]):
        subprocess.run(["git", *args], cwd=root, check=True)
    edit_one(root)(0)
    diffs, checks = [], []
    for _ in range(runs):  # in turn: a shared machine drifts within a run
        checks.append(measure(root, [*tool, "--check", "--no-cache", "--root", str(root)], 1)[0])
        diffs.append(measure(root, [*tool, "diff", "--against", "HEAD", "--root", str(root)], 1)[0])
    return statistics.median(diffs), statistics.median(checks)


def diff_line(n: int, diff: float, check: float) -> str:
    return (
        f"`diff --against HEAD` ({n} models, 25 per module, one field edited, no contract"
        f" file): {diff:.2f} s, {diff / check:.2f}x `--check --no-cache` on the same tree"
        f" ({check:.2f} s)."
    )


INIT_ONLY = (
    "import sys; sys.path.insert(0, '.'); from tortoise import Tortoise; "
    "Tortoise.init_models(['bench_models'], 'models')"
)
CREATOR = (
    "import sys; sys.path.insert(0, '.'); from tortoise import Tortoise; "
    "Tortoise.init_models(['bench_models'], 'models'); "
    "from tortoise.contrib.pydantic import pydantic_model_creator as c; "
    "import bench_models as b; "
    "[(c(m, name=m.__name__ + 'Response'), c(m, name=m.__name__ + 'Create', exclude_readonly=True),"
    " c(m, name=m.__name__ + 'Update', exclude_readonly=True, optional=tuple(m._meta.fields_map)))"
    " for m in list(vars(b).values()) if isinstance(m, type) and hasattr(m, '_meta')]"
)

# Runs a command and prints its wall time and its peak RSS (KiB) on one line.
MEASURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "p = subprocess.run(sys.argv[2:], cwd=sys.argv[1], stdout=subprocess.DEVNULL, "
    "stderr=subprocess.PIPE); dt = time.perf_counter() - t; "
    "sys.stderr.write(p.stderr.decode()[-2000:] if p.returncode not in (0, 1) else ''); "
    "print(dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)"
)


def measure(
    cwd: Path, command: list[str], runs: int, before: Callable[[int], None] | None = None
) -> tuple[float, float]:
    """Median seconds and median peak RSS (MiB) of ``command`` over ``runs`` processes;
    ``before(i)`` runs (untimed) before the i-th."""
    times, peaks = [], []
    for i in range(runs):
        if before is not None:
            before(i)
        out = subprocess.run(
            [sys.executable, "-c", MEASURE, str(cwd), *command],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds, rss, code = out.stdout.split()
        if int(code) not in (0, 1):
            raise SystemExit(f"{command} failed: {out.stderr}")
        times.append(float(seconds))
        peaks.append(int(rss) / 1024)
    return statistics.median(times), statistics.median(peaks)


def watch_latency(root: Path, debounce: float, runs: int) -> float:
    """Median seconds from saving a model file to the regenerated file on disk."""
    env = {**os.environ, "SCHEMA_SYNC_WATCH_DEBOUNCE_SECONDS": str(debounce)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "schema_sync_hook", "--watch", "--root", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    output = root / "api" / "schemas_generated.py"
    model = root / "bench_models" / "part000.py"
    original = model.read_text()
    samples = []
    try:
        for line in proc.stdout:  # type: ignore[union-attr]
            if "Watching" in line:
                break
        for i in range(runs):
            before = output.read_bytes()
            model.write_text(
                original
                + f"\n\nclass Extra{i}(models.Model):\n    id = fields.IntField(primary_key=True)\n"
            )
            saved = time.perf_counter()
            while output.read_bytes() == before:
                if time.perf_counter() - saved > 60:
                    raise SystemExit("watch did not regenerate within 60 s")
                time.sleep(0.01)
            samples.append(time.perf_counter() - saved)
            time.sleep(debounce + 0.5)
    finally:
        proc.terminate()
        proc.wait(10)
        model.write_text(original)
    return statistics.median(samples)


def _uvicorn_start(root: Path, env: dict[str, str]) -> float:
    """Seconds from launching uvicorn on the shop to "Application startup complete"."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = str(sock.getsockname()[1])
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "src.main:app", "--port", port],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen = []
    try:
        for line in proc.stdout:  # type: ignore[union-attr]
            seen.append(line)
            if "Application startup complete" in line:
                return time.perf_counter() - started
        raise SystemExit("the shop app did not start:\n" + "".join(seen[-20:]))
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def app_startup(tmp: Path, runs: int) -> tuple[float, float, float] | None:
    """Median start of the shop under uvicorn: start-up sync and watcher off; on with
    nothing changed; on after a model file was touched (the sync regenerates)."""
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        return None
    root = tmp / "shop"
    shutil.copytree(
        SHOP, root, ignore=shutil.ignore_patterns("*.sqlite3*", ".schema_sync", "__pycache__")
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHEMA_SYNC_")}
    env["SHOP_DB_URL"] = "sqlite://:memory:"
    off = {**env, "SCHEMA_SYNC_AUTO_SYNC_ENABLED": "false", "SCHEMA_SYNC_WATCH_ENABLED": "false"}
    model = root / "src" / "database" / "models" / "catalog.py"
    original = model.read_text()
    _uvicorn_start(root, env)  # the first start records the in-sync state
    samples: dict[str, list[float]] = {"off": [], "same": [], "touched": []}
    for i in range(runs):
        samples["off"].append(_uvicorn_start(root, off))
        samples["same"].append(_uvicorn_start(root, env))
        model.write_text(original + "\n" * (1 + i % 2))  # new content, same schemas
        samples["touched"].append(_uvicorn_start(root, env))
    return tuple(statistics.median(samples[k]) for k in ("off", "same", "touched"))  # type: ignore[return-value]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[15, 200, 1000, 2000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--debounce", type=float, default=2.0)
    parser.add_argument("--diff-sizes", type=int, nargs="*", default=[200])
    parser.add_argument("--diff-only", action="store_true", help="measure the diff row alone")
    parser.add_argument("--markdown", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--views-only", action="store_true", help="measure only the views case (1,000 models)"
    )
    args = parser.parse_args()
    if args.diff_only:
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        with tempfile.TemporaryDirectory() as tmp:
            found = [diff_line(n, *diff_cost(Path(tmp), n, args.runs)) for n in args.diff_sizes]
        print("\n\n".join(found))
        return 0

    # Bytecode caches are written and warm, as in a user's environment (the first
    # sync of each project writes them before anything is measured).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    tool = [sys.executable, "-m", "schema_sync_hook"]
    rows = []
    full_times = {}
    if args.views_only:
        with tempfile.TemporaryDirectory() as tmp:
            print(views_case(Path(tmp), tool, args.runs))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            root = Path(tmp) / f"n{n}"
            build_project(root, n)
            subprocess.run([*tool, "sync", "-q", "--root", str(root)], check=True)
            subprocess.run([*tool, "-q", "--root", str(root)], check=True)  # fills the cache
            # A commit comes seconds after the last save: the quick record trusts no
            # file changed within the last 2 s, and the next in-sync run refreshes it.
            time.sleep(2.1)
            subprocess.run([*tool, "-q", "--root", str(root)], check=True)
            hook, hook_mem = measure(root, [*tool, "--root", str(root)], args.runs)
            # the bare interpreter right beside it: a shared machine drifts within a run
            bare, bare_mem = measure(root, [sys.executable, "-c", "pass"], args.runs)
            full, full_mem = measure(
                root, [*tool, "--check", "--no-cache", "--root", str(root)], args.runs
            )
            edited, _ = measure(root, [*tool, "--root", str(root)], args.runs, edit_one(root))
            init, init_mem = measure(root, [sys.executable, "-c", INIT_ONLY], args.runs)
            creator, creator_mem = measure(
                root, [sys.executable, "-c", CREATOR], max(1, args.runs // 2)
            )
            full_times[n] = full
            rows.append(
                (
                    n,
                    bare,
                    hook,
                    init,
                    full,
                    creator,
                    bare_mem,
                    hook_mem,
                    init_mem,
                    full_mem,
                    creator_mem,
                    edited,
                )
            )
            print(
                f"N={n}: hook {hook * 1000:.0f} ms (bare {bare * 1000:.0f} ms), full {full:.2f} s "
                f"(init {init:.2f} s, creator {creator:.2f} s)",
                file=sys.stderr,
            )
        views_line = views_case(Path(tmp), tool, args.runs)
        diffs = [diff_line(n, *diff_cost(Path(tmp), n, args.runs)) for n in args.diff_sizes]
        latency_root = Path(tmp) / "watch"
        build_project(latency_root, 15)
        subprocess.run([*tool, "sync", "-q", "--root", str(latency_root)], check=True)
        latency = watch_latency(latency_root, args.debounce, max(3, args.runs))
        startup = app_startup(Path(tmp), max(9, args.runs))

    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; medians of {args.runs} fresh processes.",
        "",
        "| N models | hook, nothing changed | vs `python -c pass` | full generation | vs import + `init_models` | vs `pydantic_model_creator` x3 | hook, one model edited | peak RSS: full / init / creator |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        n, bare, hook, init, full, creator, _bm, _hm, init_mem, full_mem, creator_mem, edited = row
        lines.append(
            f"| {n} | {hook * 1000:.0f} ms | {hook / bare:.2f}x ({bare * 1000:.0f} ms) | {full:.2f} s "
            f"| {full / init:.2f}x ({init:.2f} s) | {full / creator:.2f}x ({creator:.2f} s) "
            f"| {edited:.2f} s ({edited / init:.2f}x) "
            f"| {full_mem:.0f} / {init_mem:.0f} / {creator_mem:.0f} MiB ({full_mem / init_mem:.2f}x) |"
        )
    for big in (1000, 2000):
        if 200 in full_times and big in full_times:
            lines += [
                "",
                f"Scaling: {big} models take {full_times[big] / full_times[200]:.2f}x the time of 200.",
            ]
    lines += ["", views_line]
    for line in diffs:
        lines += ["", line]
    lines += [
        "",
        f"Watch latency (15 models, debounce {args.debounce:.1f} s): "
        f"{latency:.2f} s from save to file on disk, debounce + {latency - args.debounce:.2f} s.",
    ]
    if startup is None:
        lines += ["", "App start-up: not measured (fastapi and uvicorn are not installed)."]
    else:
        off, same, touched = startup
        lines += [
            "",
            f'App start-up (examples/shop under uvicorn, to "Application startup complete"): '
            f"{off:.2f} s with the start-up sync and watcher off; {same:.2f} s on, nothing "
            f"changed ({same - off:+.2f} s); {touched:.2f} s on, a model file touched "
            f"({touched - off:+.2f} s).",
        ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
