"""Kernels of pages nobody uses are shut down, open pages keep theirs, and a server keeps to its kernel budget.

Visits over HTTP and closed browser pages leave no kernel; a page left open is
never culled. At the budget, a new page gets the "course is busy" page, which
reloads by itself and opens the page once a kernel has been freed.

The 100-visit run (how many kernels at once under load) is a benchmark:
``python -m bench culling``.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import psutil
import pytest

from adaptive_policing.serve.budget import MINIMUM_KERNELS, default_max_kernels
from adaptive_policing.serve.server import KernelCulling

from .conftest import LiveServer, kernel_processes, start_server, stop_process_tree

pytestmark = pytest.mark.server

VISITS = 6
CULL_IDLE, CULL_INTERVAL = 4, 1
BUSY = "The course is busy: this page will open in about"


@pytest.fixture(scope="module")
def culling_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server("trainee", tmp_path_factory.mktemp("cull-var"), cull_idle=CULL_IDLE,
                          cull_interval=CULL_INTERVAL)
    yield server
    stop_process_tree(server.process)


@pytest.fixture(scope="module")
def one_kernel_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose budget is a single kernel (culled 8 s after its page is gone)."""
    server = start_server("trainee", tmp_path_factory.mktemp("budget-var"), cull_idle=8,
                          cull_interval=CULL_INTERVAL, max_kernels=1)
    yield server
    stop_process_tree(server.process)


def kernels_of(server: LiveServer) -> set[int]:
    """The process ids of the server's live kernels."""
    return {kernel.pid for kernel in kernel_processes(server.process.pid)}


def kernel_ids_of(server: LiveServer) -> set[str]:
    """The kernel ids of the server's live kernels (from each kernel's connection file name)."""
    found = set()
    for child in psutil.Process(server.process.pid).children(recursive=True):
        try:
            match = re.search(r"kernel-([0-9a-f-]{36})\.json", " ".join(child.cmdline()))
        except psutil.Error:  # exited while we looked
            continue
        if match:
            found.add(match.group(1))
    return found


def wait_until_counted_out(server: LiveServer, kernel_ids: set[str], seconds: float) -> set[str]:
    """Poll until the server no longer lists any of ``kernel_ids`` (or ``seconds`` pass); return those it still does."""
    deadline = time.monotonic() + seconds
    listed = set(kernel_ids)
    while listed and time.monotonic() < deadline:
        listed = {kernel for kernel in listed if get(server.url(f"/api/kernels/{kernel}"))[0] != 404}
        if listed:
            time.sleep(0.25)
    return listed


def wait_until_gone(server: LiveServer, kernels: set[int], seconds: float) -> set[int]:
    """Poll until none of ``kernels`` is alive (or ``seconds`` pass); return those still alive."""
    deadline = time.monotonic() + seconds
    while (alive := kernels & kernels_of(server)) and time.monotonic() < deadline:
        time.sleep(0.25)
    return alive


def test_pages_visited_over_http_leave_no_idle_kernels(culling_server: LiveServer) -> None:
    start_page = culling_server.url("/voila/render/course/00-start.ipynb")
    before = kernels_of(culling_server)

    def visit(_: int) -> set[int]:
        with urllib.request.urlopen(start_page, timeout=120) as response:
            assert b"Sign in" in response.read()
        return kernels_of(culling_server)

    with ThreadPoolExecutor(max_workers=3) as pool:
        started = set().union(*pool.map(visit, range(VISITS))) - before
    assert started, "the visits started no kernel"
    left = wait_until_gone(culling_server, started, seconds=30)
    print(f"{VISITS} visits started {len(started)} kernels, {len(left)} left after culling")
    assert left == set()


@pytest.mark.browser
def test_a_closed_browser_page_does_not_keep_its_kernel(browser: object, culling_server: LiveServer) -> None:
    before = kernels_of(culling_server)
    context = browser.new_context()  # type: ignore[attr-defined]
    pages = [context.new_page() for _ in range(3)]
    for page in pages:  # the three pages load at once
        page.goto(culling_server.url("/"), wait_until="commit")
    for page in pages:
        page.wait_for_selector(".jupyter-widgets", timeout=120_000)
    opened = kernels_of(culling_server) - before
    assert len(opened) >= 3, "each open page holds its kernel while it is open"
    # Several culling rounds pass over the open pages: none of their kernels goes.
    assert wait_until_gone(culling_server, opened, seconds=CULL_IDLE + 3 * CULL_INTERVAL) == opened
    context.close()
    assert wait_until_gone(culling_server, opened, seconds=30) == set()


@pytest.fixture(scope="module")
def lasting_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server that culls nothing for ten minutes: a kernel that goes was shut down by its page."""
    server = start_server("trainee", tmp_path_factory.mktemp("lasting-var"), cull_idle=600, cull_interval=60)
    yield server
    stop_process_tree(server.process)


@pytest.mark.browser
def test_a_page_left_or_closed_has_its_kernel_shut_down_at_once(browser: object, lasting_server: LiveServer) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    before = kernel_ids_of(lasting_server)
    page.goto(lasting_server.url("/voila/render/course/00-start.ipynb"))
    page.wait_for_selector(".jupyter-widgets", timeout=120_000)
    [start_kernel] = kernel_ids_of(lasting_server) - before
    page.goto(lasting_server.url("/voila/render/course/01-introductions.ipynb"))  # as a link is followed
    page.wait_for_selector(".jupyter-widgets", timeout=120_000)
    assert wait_until_counted_out(lasting_server, {start_kernel}, seconds=20) == set(), "the page left keeps its kernel"
    [section_kernel] = kernel_ids_of(lasting_server) - before
    page.close(run_before_unload=True)  # as a browser closes a tab
    assert wait_until_counted_out(lasting_server, {section_kernel}, seconds=20) == set(), "the tab closed keeps its kernel"
    context.close()


def test_the_default_budget_follows_the_machine_memory() -> None:
    gigabyte = 2**30
    assert default_max_kernels(8 * gigabyte) < default_max_kernels(16 * gigabyte)
    assert default_max_kernels(16 * gigabyte) >= 2 * 30 + 10, "a class of 30 with two pages each fits 16 GB"
    assert default_max_kernels(1 * gigabyte) == MINIMUM_KERNELS


def test_a_closed_page_frees_its_kernel_within_three_minutes_by_default() -> None:
    culling = KernelCulling()
    assert culling.idle_seconds + culling.interval_seconds <= 180


def get(url: str) -> tuple[int, dict[str, str], str]:
    """Status, headers and body of a GET, also for an HTTP error status."""
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.mark.browser
def test_the_busy_page_reloads_by_itself_and_opens_the_page(browser: object, one_kernel_server: LiveServer) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        first = context.new_page()
        first.goto(one_kernel_server.url("/"))
        first.wait_for_selector(".jupyter-widgets", timeout=60_000)
        second = context.new_page()
        second.goto(one_kernel_server.url("/"))
        assert BUSY in second.inner_text("body")
        first.close()  # its kernel is culled, and the busy page's next try gets the freed place
        second.wait_for_selector(".jupyter-widgets", timeout=120_000)
        assert "Sign in" in second.inner_text("body")
        # Closed as a browser closes a tab, the page has Voila shut its kernel down at once: the budget
        # is free again for the module's next test without waiting for culling.
        held = kernel_ids_of(one_kernel_server)
        second.close(run_before_unload=True)
        assert wait_until_counted_out(one_kernel_server, held, seconds=60) == set()
    finally:
        context.close()


def test_at_the_budget_a_page_says_the_course_is_busy_and_opens_later(one_kernel_server: LiveServer) -> None:
    start_page = one_kernel_server.url("/voila/render/course/00-start.ipynb")
    status, _, body = get(start_page)
    assert status == 200 and "Sign in" in body
    held = kernels_of(one_kernel_server)
    assert len(held) == 1, "the visit holds the budget's one kernel until it is culled"

    status, headers, body = get(start_page)
    assert status == 503
    assert BUSY in body and 'http-equiv="refresh"' in body
    assert int(headers["Retry-After"]) <= 15
    assert kernels_of(one_kernel_server) == held, "a busy answer starts no kernel"

    assert wait_until_gone(one_kernel_server, held, seconds=90) == set()
    # As the busy page does, ask again until the server has counted the culled kernel out.
    deadline = time.monotonic() + 30
    while (reply := get(start_page))[0] == 503 and time.monotonic() < deadline:
        time.sleep(1)
    status, _, body = reply
    assert status == 200 and "Sign in" in body
