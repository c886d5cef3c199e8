"""The seed's daily flow with real processes: --watch on real file events, and the
shop app under uvicorn on a real SQLite file. Waits are generous bounds, never
timing assertions; the latency itself is measured in benchmarks/."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import SHOP, Project, interruptible

pytestmark = pytest.mark.slow
BOUND = 60.0


class Logged:
    """A subprocess whose combined output is collected line by line."""

    def __init__(
        self,
        args: list[str],
        cwd: Path,
        env: dict[str, str],
        preexec_fn: Callable[[], None] = interruptible,  # stop() sends SIGINT; see conftest
    ) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            args,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=preexec_fn,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, predicate: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + BOUND
        while not predicate():
            if self.proc.poll() is not None and not predicate():
                raise AssertionError(
                    f"process ended ({self.proc.returncode}) before {what}:\n{self.text}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {BOUND:.0f}s:\n{self.text}")
            time.sleep(0.05)

    def wait_log(self, needle: str, count: int = 1) -> None:
        self.wait_for(lambda: self.text.count(needle) >= count, repr(needle))

    def stop(self, sig: int = signal.SIGINT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=BOUND)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self._reader.join(timeout=5)
        return code


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHEMA_SYNC_")}
    env.update(extra)
    return env


@pytest.fixture
def watcher(project: Project) -> Iterator[Logged]:
    project.run("sync")
    proc = Logged(
        [sys.executable, "-m", "schema_sync_hook", "--watch", "--root", str(project.root)],
        project.root,
        child_env(SCHEMA_SYNC_WATCH_DEBOUNCE_SECONDS="0.3"),
    )
    proc.wait_log("Watching")
    yield proc
    proc.stop(signal.SIGKILL)


def test_watch_regenerates_survives_errors_and_stops_cleanly(
    project: Project, watcher: Logged
) -> None:
    out = project.output
    project.edit_model(
        "    pages =", "    isbn = fields.CharField(max_length=13, null=True)\n    pages ="
    )
    watcher.wait_for(lambda: "isbn:" in out.read_text(), "regenerated file with isbn")
    watcher.wait_log("Schemas written to: api/schemas_generated.py", 1)
    for line in (
        "Model file modified: shopmodels.py",
        "Triggering schema regeneration after debounce period",
        "Generating schemas for 2 models...",
    ):
        assert line in watcher.text

    # A model file that does not import: one error logged, still watching.
    project.edit_model("class Book(models.Model):", "class Book(models.Model:")
    watcher.wait_log("Schema regeneration failed: cannot import models module 'shopmodels'")
    assert watcher.proc.poll() is None
    assert "isbn:" in out.read_text()  # the last good file stays

    # The next good save recovers.
    project.edit_model("class Book(models.Model:", "class Book(models.Model):")
    project.edit_model(
        "    pages =",
        "    subtitle = fields.CharField(max_length=50, null=True)\n    pages =",
    )
    watcher.wait_for(lambda: "subtitle:" in out.read_text(), "recovery after the syntax error")

    # Its own output, backups and editor temp files do not trigger anything: written
    # before a real save, they would be named before it (events arrive in order).
    watcher.wait_log("Schemas written to:", 2)
    (project.root / ".shopmodels.py.swp").write_text("x")
    (project.root / "shopmodels.py~").write_text("x")
    out.write_text(out.read_text())  # an event on the output; a regeneration would be named
    project.edit_model("    pages =", "    volume = fields.IntField(null=True)\n    pages =")
    watcher.wait_for(lambda: "volume:" in out.read_text(), "regeneration after the real save")
    modified = [line for line in watcher.lines if "Model file modified" in line]
    assert all(line.endswith("Model file modified: shopmodels.py") for line in modified)

    # After each regeneration the next worker is already started (its imports done
    # ahead); the saves above were answered by such workers and still saw every edit.
    watcher.wait_log("Schemas written to:", 3)  # logged once the next worker started
    spares = child_pids(watcher.proc.pid)
    assert len(spares) == 1, spares
    assert watcher.stop(signal.SIGINT) == 0
    assert "Stopped watching" in watcher.text
    assert "Traceback" not in watcher.text
    assert not [pid for pid in spares if Path(f"/proc/{pid}").exists()]  # stopped with it


def test_watch_in_the_background_ignores_ctrl_c_and_stops_on_sigterm(project: Project) -> None:
    """``schema-sync-hook --watch &`` from a script starts it with SIGINT ignored: a
    Ctrl-C meant for the foreground command leaves it watching (as any background job),
    and ``kill`` (SIGTERM) stops it as cleanly as Ctrl-C does in a terminal."""
    project.run("sync")
    watcher = Logged(
        [sys.executable, "-m", "schema_sync_hook", "--watch", "--root", str(project.root)],
        project.root,
        child_env(SCHEMA_SYNC_WATCH_DEBOUNCE_SECONDS="0.3"),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        watcher.wait_log("Watching")
        watcher.proc.send_signal(signal.SIGINT)
        project.edit_model(
            "    pages =", "    isbn = fields.CharField(max_length=13, null=True)\n    pages ="
        )
        watcher.wait_for(lambda: "isbn:" in project.output.read_text(), "regeneration")
        watcher.wait_log("Schemas written to:")  # logged once the next worker started
        spares = child_pids(watcher.proc.pid)
        assert watcher.stop(signal.SIGTERM) == 0, watcher.text
    finally:
        watcher.stop(signal.SIGKILL)
    assert "Stopped watching" in watcher.text and "Traceback" not in watcher.text
    assert spares and not [pid for pid in spares if Path(f"/proc/{pid}").exists()]


def test_spare_worker_outlives_a_ctrl_c_meant_for_the_app(project: Project) -> None:
    """Ctrl-C reaches every process of the terminal's group: the spare worker waiting
    there must still serve the regeneration the stopping application asks for."""
    from schema_sync_hook.live.worker import Request, Workers

    workers = Workers()
    request = Request(project.root)
    try:
        assert workers.run(request).exit_code == 0  # a cold worker; a spare starts
        [spare] = child_pids(os.getpid())
        deadline = time.monotonic() + BOUND
        while not ignores_sigint(spare):  # set first thing in the spare's main()
            assert time.monotonic() < deadline, "the spare does not ignore SIGINT"
            time.sleep(0.05)
        os.kill(spare, signal.SIGINT)
        project.edit_model("    pages =", "    isbn = fields.CharField(max_length=13)\n    pages =")
        report = workers.run(request, keep_spare=False)
        assert report.exit_code == 0, report
        assert "isbn:" in project.output.read_text()
        assert not child_pids(os.getpid())
    finally:
        workers.close()


def ignores_sigint(pid: int) -> bool:
    """Whether process ``pid`` ignores SIGINT (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigIgn:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    return False


def child_pids(parent: int) -> list[int]:
    """Live child processes of ``parent`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == parent and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def test_watch_without_watchdog_is_a_clear_error(project: Project, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "watchdog.py").write_text("raise ImportError('watchdog is not installed')\n")
    result = subprocess.run(
        [sys.executable, "-m", "schema_sync_hook", "--watch", "--root", str(project.root)],
        capture_output=True,
        text=True,
        env=child_env(PYTHONPATH=str(blocker)),
        check=False,
    )
    assert result.returncode == 2
    assert "pip install 'schema-sync-hook[watch]'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[tuple[str, Path, Logged]]:
    root = tmp_path / "shop"
    shutil.copytree(
        SHOP, root, ignore=shutil.ignore_patterns("*.sqlite3*", ".schema_sync", "__pycache__")
    )
    port = free_port()
    app = Logged(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "src.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        root,
        child_env(SCHEMA_SYNC_WATCH_DEBOUNCE_SECONDS="0.3", SHOP_LOG_SQL="1"),
    )
    app.wait_log("Application startup complete")
    yield f"http://127.0.0.1:{port}", root, app
    app.stop(signal.SIGTERM)


def test_app_crud_with_generated_schemas(shop: tuple[str, Path, Logged]) -> None:
    base, root, app = shop
    for line in (
        "Running automatic schema synchronization...",
        "Generating schemas for 15 models...",
        "Schema synchronization completed successfully",
        "Starting file watcher for automatic schema regeneration...",
    ):
        assert line in app.text
    with httpx.Client(base_url=base, timeout=30) as client:
        category = client.post("/categories", json={"name": "Books", "slug": "books"})
        assert category.status_code == 201, category.text
        cat = category.json()
        assert cat["parent_id"] is None and cat["is_visible"] is True and "created_at" in cat

        product = client.post(
            "/products",
            json={"sku": "BK-001", "name": "Dune", "base_price": "9.99", "category_id": cat["id"]},
        )
        assert product.status_code == 201, product.text
        body = product.json()
        assert (
            body["status"] == "draft" and body["attributes"] == {} and body["base_price"] == "9.99"
        )

        patched = client.patch(f"/products/{body['id']}", json={"name": "Dune Messiah"})
        assert patched.status_code == 200 and patched.json()["sku"] == "BK-001"  # exclude_unset
        assert client.get(f"/products/{body['id']}").json()["name"] == "Dune Messiah"
        assert [p["name"] for p in client.get("/products").json()] == ["Dune Messiah"]

        null_name = client.patch(f"/products/{body['id']}", json={"name": None})
        assert null_name.status_code == 422
        assert null_name.json()["detail"][0]["loc"] == ["body", "name"]

        missing = client.post(
            "/products", json={"sku": "X-1", "name": "No price", "category_id": 1}
        )
        assert missing.status_code == 422
        assert ["body", "base_price"] in [d["loc"] for d in missing.json()["detail"]]

        forbidden = client.post(
            "/products",
            json={"sku": "X-2", "name": "forbidden fruit", "base_price": 1, "category_id": 1},
        )
        assert forbidden.status_code == 422 and "forbidden word" in forbidden.text  # schemas.py

        customer = client.post(
            "/customers",
            json={"email": "a@example.com", "full_name": "Ada", "password_hash": "x" * 60},
        )
        assert customer.status_code == 201 and "password_hash" not in customer.json()

    db = sqlite3.connect(root / "db.sqlite3")
    try:
        rows = db.execute("SELECT sku, name, base_price, status FROM product").fetchall()
        assert rows == [("BK-001", "Dune Messiah", "9.99", "draft")]
        assert db.execute("SELECT password_hash FROM customer").fetchone() == ("x" * 60,)
    finally:
        db.close()


def test_app_nested_order_and_list_query_count(shop: tuple[str, Path, Logged]) -> None:
    """An order with its customer and its items with their products, over HTTP; the
    list endpoint sends as many SQL queries for 6 orders as for 1."""
    base, _root, app = shop
    with httpx.Client(base_url=base, timeout=30) as client:
        cat = client.post("/categories", json={"name": "Books", "slug": "books"}).json()
        product = client.post(
            "/products",
            json={"sku": "BK-1", "name": "Dune", "base_price": "9.99", "category_id": cat["id"]},
        ).json()
        customer = client.post(
            "/customers",
            json={"email": "ada@example.com", "full_name": "Ada", "password_hash": "x" * 60},
        ).json()

        def add_order(number: int) -> int:
            order = client.post(
                "/orders", json={"number": f"N-{number}", "customer_id": customer["id"]}
            )
            assert order.status_code == 201, order.text
            pk = int(order.json()["id"])
            item = client.post(
                f"/orders/{pk}/items",
                json={"order_id": pk, "product_id": product["id"], "quantity": 2, "unit_price": 5},
            )
            assert item.status_code == 201, item.text
            assert item.json()["product"]["name"] == "Dune"  # OrderItemDetail
            return pk

        def get(path: str) -> tuple[Any, int]:
            """The response body and the number of SELECT statements it took."""
            done = f'"GET {path} HTTP/1.1" 200'
            seen, start = app.text.count(done), len(app.lines)
            response = client.get(path)
            assert response.status_code == 200, response.text
            app.wait_log(done, seen + 1)  # the access line comes after the request's SQL
            return response.json(), sum("SELECT" in line for line in app.lines[start:])

        first = add_order(1)
        order, _ = get(f"/orders/{first}")
        assert order["customer"]["email"] == "ada@example.com"
        assert order["customer_id"] == customer["id"]  # the key stays beside the object
        assert "password_hash" not in order["customer"]
        (item,) = order["items"]
        assert item["quantity"] == 2 and item["product_id"] == product["id"]
        assert "order" not in item  # exclude = { detail = ["OrderItem.order"] }
        assert item["product"]["name"] == "Dune"
        assert item["product"]["price_label"] == "9.99 EUR"  # PydanticMeta.computed
        listed, one_order = get("/orders")
        for number in range(2, 7):
            add_order(number)
        listed, six_orders = get("/orders")
        assert len(listed) == 6 and all(o["items"][0]["product"]["sku"] == "BK-1" for o in listed)
        assert one_order == six_orders == 4  # orders, customers, items, products


def test_app_startup_watcher_regenerates(shop: tuple[str, Path, Logged]) -> None:
    _, root, app = shop
    models = root / "src/database/models/catalog.py"
    models.write_text(
        models.read_text().replace(
            "    name = fields.CharField(max_length=50, unique=True)",
            "    name = fields.CharField(max_length=50, unique=True)\n"
            "    color = fields.CharField(max_length=20, null=True)",
        )
    )
    generated = root / "src/api/schemas_generated.py"
    app.wait_for(
        lambda: "color: str | None" in generated.read_text(), "regeneration from the app's watcher"
    )
    app.wait_log("Schemas written to: src/api/schemas_generated.py")
    app.stop(signal.SIGTERM)  # uvicorn re-raises SIGTERM after a graceful shutdown
    assert "Application shutdown complete" in app.text
    assert "Stopped file watcher" in app.text


def test_app_production_turns_sync_and_watch_off(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    shutil.copytree(
        SHOP, root, ignore=shutil.ignore_patterns("*.sqlite3*", ".schema_sync", "__pycache__")
    )
    generated = root / "src/api/schemas_generated.py"
    generated.write_text(generated.read_text())  # same bytes
    script = (
        "import asyncio, logging, sys\n"
        "logging.basicConfig(level=logging.INFO, format='%(levelname)s - %(message)s')\n"
        "from schema_sync_hook.startup import schema_sync\n"
        "async def main():\n"
        "    async with schema_sync(root=__import__('pathlib').Path('.')) as w:\n"
        "        print('watcher', w)\n"
        "asyncio.run(main())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=child_env(SCHEMA_SYNC_ENVIRONMENT="production"),
    )
    assert result.returncode == 0, result.stderr
    assert "watcher None" in result.stdout
    assert "off in production" in result.stderr
    assert "Running automatic schema synchronization" not in result.stderr
    assert not (root / ".schema_sync").exists()


@pytest.fixture(scope="session")
def shop_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv made as the README says: ``pip install -r requirements.txt``
    from examples/shop (which installs the tool from this checkout)."""
    venv = tmp_path_factory.mktemp("shop-venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-r", "requirements.txt"],
        cwd=SHOP,
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    return python


def openapi_fields(base: str, schema: str) -> set[str]:
    with httpx.Client(base_url=base, timeout=30) as client:
        spec = client.get("/openapi.json").json()
    return set(spec["components"]["schemas"][schema]["properties"])


RELOADER_LINES = ("Will watch", "Uvicorn running on", "reloader process", "Reloading...")


def test_one_save_one_reload_serving_the_new_schema(tmp_path: Path, shop_venv: Path) -> None:
    """``uvicorn src.main:app --reload`` in a venv made from requirements.txt: a model
    save restarts the app once, and the restarted app serves the new schema."""
    root = tmp_path / "shop"
    shutil.copytree(
        SHOP, root, ignore=shutil.ignore_patterns("*.sqlite3*", ".schema_sync", "__pycache__")
    )
    port = free_port()
    command = [str(shop_venv), "-m", "uvicorn", "src.main:app", "--reload", "--port", str(port)]
    app = Logged(command, root, child_env())
    base = f"http://127.0.0.1:{port}"
    try:
        app.wait_log("Application startup complete")
        assert "color" not in openapi_fields(base, "CategoryCreate")

        models = root / "src/database/models/catalog.py"
        models.write_text(
            models.read_text().replace(
                '"Display name")\n',
                '"Display name")\n    color = fields.CharField(max_length=20, null=True)\n',
                1,
            )
        )
        app.wait_log("Application startup complete", count=2)
        assert "color" in openapi_fields(base, "CategoryCreate")  # the first restart serves it

        # A later, unrelated edit restarts the app again: every restart before it
        # is in the log by then, so a second restart from the first save would show.
        marker = root / "src/cli/__init__.py"
        marker.write_text(marker.read_text() + "# edited\n")
        app.wait_log("Application startup complete", count=3)
    finally:
        app.stop(signal.SIGINT)
    reloads = [line for line in app.lines if "Reloading..." in line]
    assert len(reloads) == 2, app.text
    assert "catalog.py" in reloads[0] and "__init__.py" in reloads[1]
    assert app.text.count("Model file modified: src/database/models/catalog.py") == 1
    assert app.text.count("Schemas written to: src/api/schemas_generated.py") == 1
    # The save was regenerated before the restart: both later starts are answered
    # from the cache, with no regeneration process.
    assert app.text.count("Schema synchronization completed successfully (nothing changed)") == 2
    # One format: every line of the app's process is "LEVEL - message" (only uvicorn's
    # reloader process, which never imports the app, keeps its own prefix).
    own = [line for line in app.lines if line and not any(r in line for r in RELOADER_LINES)]
    odd = [line for line in own if line.split(" - ", 1)[0] not in ("INFO", "WARNING", "ERROR")]
    assert not odd, app.text


def test_daily_flow_a_new_field_is_stored_after_the_restart(
    tmp_path: Path, shop_venv: Path
) -> None:
    """The README's daily flow to its end: a field added to a model and saved restarts
    the app once, and a create with the field succeeds, as the development database
    follows the models at start-up; the rows made before the save are kept."""
    root = tmp_path / "shop"
    shutil.copytree(
        SHOP, root, ignore=shutil.ignore_patterns("*.sqlite3*", ".schema_sync", "__pycache__")
    )
    port = free_port()
    command = [str(shop_venv), "-m", "uvicorn", "src.main:app", "--reload", "--port", str(port)]
    app = Logged(command, root, child_env())
    try:
        app.wait_log("Application startup complete")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            cat = client.post("/categories", json={"name": "Books", "slug": "books"}).json()
            old = client.post(
                "/products",
                json={"sku": "BK-1", "name": "Dune", "base_price": "9.99", "category_id": 1},
            )
            assert old.status_code == 201, old.text

            models = root / "src/database/models/catalog.py"
            text = models.read_text()
            anchor = "    weight_grams = fields.IntField("
            assert anchor in text
            models.write_text(
                text.replace(
                    anchor, "    barcode = fields.CharField(max_length=32, null=True)\n" + anchor
                )
            )
            app.wait_log("Application startup complete", count=2)

            new = client.post(
                "/products",
                json={
                    "sku": "BK-2",
                    "name": "Dune Messiah",
                    "base_price": "10.99",
                    "category_id": cat["id"],
                    "barcode": "9780441172719",
                },
            )
            assert new.status_code == 201, new.text + app.text
            assert new.json()["barcode"] == "9780441172719"
            listed = client.get("/products").json()
            assert [(p["sku"], p["barcode"]) for p in listed] == [
                ("BK-1", None),
                ("BK-2", "9780441172719"),
            ]
    finally:
        app.stop(signal.SIGINT)
    assert "had the schema of older models: rebuilt from the models, rows copied" in app.text
    assert "Traceback" not in app.text
    assert (root / "db.sqlite3-previous").is_file()
    assert not (root / "db.sqlite3-fresh").exists()
    db = sqlite3.connect(root / "db.sqlite3")
    try:
        assert db.execute("SELECT sku, barcode FROM product ORDER BY id").fetchall() == [
            ("BK-1", None),
            ("BK-2", "9780441172719"),
        ]
    finally:
        db.close()


def test_production_leaves_the_database_alone(tmp_path: Path) -> None:
    """SCHEMA_SYNC_ENVIRONMENT=production: a table of older models stays as it is."""
    root = tmp_path / "shop"
    shutil.copytree(
        SHOP, root, ignore=shutil.ignore_patterns("*.sqlite3*", ".schema_sync", "__pycache__")
    )
    old_table = "CREATE TABLE product (id INTEGER PRIMARY KEY, sku VARCHAR(64) NOT NULL)"
    db = sqlite3.connect(root / "db.sqlite3")
    db.execute(old_table)
    db.execute("INSERT INTO product VALUES (1, 'BK-1')")
    db.commit()
    db.close()
    port = free_port()
    app = Logged(
        [sys.executable, "-m", "uvicorn", "src.main:app", "--port", str(port)],
        root,
        child_env(SCHEMA_SYNC_ENVIRONMENT="production"),
    )
    try:
        app.wait_log("Application startup complete")
    finally:
        app.stop(signal.SIGTERM)
    db = sqlite3.connect(root / "db.sqlite3")
    try:
        sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'product'").fetchone()
        assert sql == (old_table,)
        assert db.execute("SELECT id, sku FROM product").fetchall() == [(1, "BK-1")]
    finally:
        db.close()
    assert not (root / "db.sqlite3-previous").exists()
    assert "rebuilt" not in app.text
