"""Fixtures for the whole suite: stores on SQLite and PostgreSQL, live Voilà servers, Chromium.

PostgreSQL: a throwaway server is started from Debian's ``postgresql`` package
for the test viewer. Where the package is missing the PostgreSQL tests are
skipped with a loud message, except in CI (``CI=true``), where they fail.

Chromium: Debian's ``/usr/bin/chromium`` driven by Playwright. A missing
browser fails the browser tests; they are never skipped.

Parallel runs (pytest-xdist, ``--dist loadgroup``): every test that uses a live
server runs in one worker, in the ``live-servers`` group, so the session's servers
start once; the PostgreSQL tests share one worker and one throwaway server the
same way. The other tests spread over the remaining workers.
"""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Coroutine, Iterator, TypeVar

import psutil
import pytest

from adaptive_policing.data.store import TrainingClass, ResponseStore, Trainee

R = TypeVar("R")

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def kernel_processes(server_pid: int) -> list[psutil.Process]:
    """The live kernel processes under the server ``server_pid`` (zombies and kernels exiting meanwhile left out)."""
    found = []
    for child in psutil.Process(server_pid).children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:  # exited while we looked
            continue
    return found


def kernels_store_secret(server_pid: int) -> str:
    """The secret a server gave its page kernels for their store calls (read from a kernel's environment)."""
    from adaptive_policing.data.remote import STORE_SECRET_ENV

    for kernel in kernel_processes(server_pid):
        secret = kernel.environ().get(STORE_SECRET_ENV)
        if secret:
            return secret
    raise AssertionError("no kernel of this server was given a store secret")


def post_store_call(host: str, port: int, body: object, secret: str | None) -> tuple[int, bytes]:
    """POST ``body`` as JSON to a trainee server's store calls from ``host``; the status and the answer."""
    import http.client
    import json

    from adaptive_policing.data.remote import SECRET_HEADER

    connection = http.client.HTTPConnection(host, port, timeout=60)
    try:
        headers = {"Content-Type": "application/json", **({SECRET_HEADER: secret} if secret is not None else {})}
        connection.request("POST", "/adaptive-policing/store", body=json.dumps(body).encode(), headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def stop_process_tree(process: subprocess.Popen[bytes]) -> None:
    """Stop a server and every kernel it started."""
    try:
        parent = psutil.Process(process.pid)
        children = parent.children(recursive=True)
    except psutil.NoSuchProcess:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    kill_processes(children)


def kill_processes(processes: list[psutil.Process]) -> None:
    """Kill every one of ``processes`` still running, and wait for them (up to 10 s)."""
    for process in processes:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(processes, timeout=10)


# --- PostgreSQL --------------------------------------------------------------------


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a throwaway PostgreSQL server, started for this test viewer."""
    bin_dir = _postgres_bin()
    if bin_dir is None:
        message = (
            "PostgreSQL is not installed (Debian package 'postgresql'): "
            "the PostgreSQL store tests cannot run. Run `make test` as root or install it."
        )
        if IN_CI:
            pytest.fail(message)
        print(f"\n\n!!! SKIPPING POSTGRESQL TESTS: {message}\n", file=sys.stderr)
        pytest.skip(message)
    data_root = Path(tempfile.mkdtemp(prefix="ap-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        user = pwd.getpwnam("postgres")
        os.chown(data_root, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data, port = data_root / "data", free_port()
    subprocess.run(
        [*run_as, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"],
        check=True, capture_output=True,
    )
    subprocess.run(
        [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(data_root / "log"), "-w", "start",
         "-o", f"-p {port} -k {data_root} -h 127.0.0.1 -F"],
        check=True, capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(data_root, ignore_errors=True)


@pytest.fixture
def postgres_db(postgres_url: str) -> Iterator[str]:
    """A fresh, empty database on the throwaway server for one test."""
    import sqlalchemy as sa

    name = f"t{os.getpid()}_{time.monotonic_ns()}"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on a SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'responses.sqlite3'}"
    return str(request.getfixturevalue("postgres_db"))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ResponseStore]:
    """A store on a fresh SQLite file."""
    opened = ResponseStore(f"sqlite:///{tmp_path / 'responses.sqlite3'}")
    yield opened
    opened.close()


@pytest.fixture
def classroom(store: ResponseStore) -> TrainingClass:
    return store.create_class(location="Training room B", instructor="Sgt. Example")


# --- live servers ------------------------------------------------------------------


@dataclass
class LiveServer:
    base_url: str
    var_dir: Path
    db_url: str
    process: subprocess.Popen[bytes]
    key: str | None = None

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def store(self) -> ResponseStore:
        return ResponseStore(self.db_url)

    def page_url(self, notebook: str, token: str) -> str:
        """The address of ``notebook`` (e.g. ``course/01-introductions.ipynb``) as a trainee's links give it."""
        return self.url(f"/voila/render/{notebook}?t={token}")


# The test servers shut down a page's kernel 30 s after it was last used with no browser
# connected (the served default is 15 min), so the pages the suite has closed do not
# keep their kernels, their memory and their refreshers running beside later tests.
TEST_CULL_IDLE_SECONDS = 30
TEST_CULL_INTERVAL_SECONDS = 5


def start_server(
    role: str, var_dir: Path, *, home: Path = REPO, cull_idle: int = TEST_CULL_IDLE_SECONDS,
    cull_interval: int = TEST_CULL_INTERVAL_SECONDS, key: str | None = None, max_kernels: int | None = None,
    port: int | None = None, prewarm: bool = False, prewarm_after: float | None = None, ip: str = "127.0.0.1",
) -> LiveServer:
    """Start ``python -m adaptive_policing.serve.server ROLE`` on a loopback port (default a free one) and wait.

    The server culls idle kernels after ``cull_idle`` seconds, checking every ``cull_interval``,
    and runs at most ``max_kernels`` kernels (default: from the machine's memory); ``prewarm`` keeps
    kernels ready for the next section of today's classes, as ``adaptive-policing serve`` does,
    from ``prewarm_after`` seconds into a section (default: the served 60 s). It listens on ``ip``
    (``0.0.0.0``: every address of this machine, as in a classroom); the tests reach it over loopback.
    """
    port = port or free_port()
    db_url = f"sqlite:///{var_dir / 'responses.sqlite3'}"
    env = {
        **os.environ,
        "ADAPTIVE_POLICING_HOME": str(home),
        "ADAPTIVE_POLICING_VAR": str(var_dir),
        "ADAPTIVE_POLICING_DB_URL": db_url,
    }
    if key:
        env["ADAPTIVE_POLICING_INSTRUCTOR_KEY"] = key
    ResponseStore(db_url).close()  # create the schema before kernels race to
    log = open(var_dir / f"{role}-server.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "adaptive_policing.serve.server", role, "--ip", ip, "--port", str(port),
         "--cull-idle", str(cull_idle), "--cull-interval", str(cull_interval),
         *(["--max-kernels", str(max_kernels)] if max_kernels else []), *(["--prewarm"] if prewarm else []),
         *(["--prewarm-after", str(prewarm_after)] if prewarm_after is not None else [])],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{role} server exited: {(var_dir / f'{role}-server.log').read_text()}")
        try:
            urllib.request.urlopen(base + "/voila/templates/adaptive/static/course.css", timeout=2)
            return LiveServer(base, var_dir, db_url, process, key)
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    stop_process_tree(process)
    raise RuntimeError(f"{role} server did not start within 60 s")


LIVE_SERVERS_GROUP = "live-servers"
POSTGRES_GROUP = "postgres"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep each module of live-server tests on one worker, and the PostgreSQL tests on one worker.

    A module's server tests run in order on one worker (group ``live-servers-<module>``),
    so its module-scoped servers start once; different modules run on different workers
    at the same time, each worker with its own session servers. Most of a browser test's
    time is spent waiting for kernels, so several such modules share the two cores well.
    A module that names its own group (``pytest.mark.xdist_group``) keeps it.
    """
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("xdist_group"):
            continue
        if item.get_closest_marker("server") or fixtures & {"trainee_server", "instructor_server"}:
            item.add_marker(pytest.mark.xdist_group(f"{LIVE_SERVERS_GROUP}-{item.module.__name__}"))
        elif item.get_closest_marker("postgres") or "postgres_url" in fixtures:
            item.add_marker(pytest.mark.xdist_group(POSTGRES_GROUP))


@pytest.fixture(scope="session")
def trainee_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server("trainee", tmp_path_factory.mktemp("trainee-var"))
    yield server
    stop_process_tree(server.process)


@pytest.fixture(scope="session")
def instructor_server(trainee_server: LiveServer) -> Iterator[LiveServer]:
    """The instructor server, sharing the trainee server's response store."""
    server = start_server("instructor", trainee_server.var_dir, key="test-instructor-key")
    yield server
    stop_process_tree(server.process)


def new_class(server: LiveServer) -> TrainingClass:
    """A new class in ``server``'s store."""
    with server.store() as store:
        return store.create_class(location="Training room A", instructor="Sgt. Example")


@pytest.fixture
def live_class(trainee_server: LiveServer) -> TrainingClass:
    """A new class in the live server's store."""
    return new_class(trainee_server)


# --- coroutines in a synchronous test ---------------------------------------------------


def run_coroutine(coroutine: Coroutine[Any, Any, R]) -> R:
    """Run ``coroutine`` to its end with ``asyncio.run`` on a thread of its own, and return its result.

    A browser test's Playwright (sync API) leaves its event loop running on the worker's
    thread, where ``asyncio.run`` refuses to start; a thread of its own has no loop.
    """
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


# --- Chromium ------------------------------------------------------------------------


ACTION_TIMEOUT_MS = 30_000
NAVIGATION_TIMEOUT_MS = 120_000
"""A Voilà page executes its notebook before its "load" event: a cold kernel on a busy 2-core machine."""


class SuiteBrowser:
    """The session's Chromium, whose every new context waits as long as the suite's pages need.

    Actions wait up to 30 s and navigations up to 120 s (set on the context, so every page
    of it has them); everything else is Playwright's ``Browser``.
    """

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **options: Any) -> Any:
        context = self._browser.new_context(**options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        return context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser() -> Iterator[SuiteBrowser]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make test` (it installs it) "
                    "or `apt-get install chromium`.")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield SuiteBrowser(launched)
        launched.close()


@pytest.fixture
def page(browser: SuiteBrowser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def trainee(store: ResponseStore, classroom: TrainingClass) -> Trainee:
    """A trainee signed in to ``classroom``."""
    return store.sign_in(classroom.code, "Dana Ortiz", "4821")


@pytest.fixture
def isolated_session(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No trainee signed in, no page address, no server role, and var/ in a scratch folder."""
    from adaptive_policing import config
    from adaptive_policing.widgets import viewer

    monkeypatch.setenv(config.VAR_ENV, str(tmp_path / "var"))
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv(config.ROLE_ENV, raising=False)
    monkeypatch.delenv(viewer.TOKEN_ENV, raising=False)
    viewer.set_current_trainee(None)


# --- no thread outlives its test ---------------------------------------------------------
# A self-contained block: every test fails at teardown if a thread it started is still alive
# after a short join (threads that existed before the test, e.g. a session server's, are ignored).

import threading  # noqa: E402  (this block's own import, kept with it)

THREAD_JOIN_SECONDS = 2.0
SHARED_POOL_THREADS = ("asyncio_",)
"""Idle workers of a long-lived event loop's default executor: Playwright's loop (the session's browser
fixture) starts them on first use and keeps them for the session. A loop a test runs itself
(``asyncio.run``) shuts its workers down before returning, so this hides no thread of the test's own."""
LIBRARY_RUNNER_SUFFIX = " - runner"
"""jupyter_core's ``run_sync`` keeps one event-loop thread per calling thread for the life of the process
(named ``<thread> - runner``); nbgrader's and nbclient's synchronous calls start it on first use."""


def threads_still_running(before: set[threading.Thread], join_seconds: float = THREAD_JOIN_SECONDS) -> list[str]:
    """The names of the threads started since ``before`` that are still alive after a short join."""
    started = [thread for thread in threading.enumerate()
               if thread not in before and not thread.name.startswith(SHARED_POOL_THREADS)
               and not thread.name.endswith(LIBRARY_RUNNER_SUFFIX)]
    deadline = time.monotonic() + join_seconds
    for thread in started:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [thread.name for thread in started if thread.is_alive()]


@pytest.fixture(autouse=True)
def no_thread_outlives_its_test() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    alive = threads_still_running(before)
    if alive:
        pytest.fail(f"threads started by this test are still running: {', '.join(alive)}", pytrace=False)
