"""Kernels of pages nobody uses are shut down: visits over HTTP and closed browser pages leave none.

The 100-visit run (how many kernels at once under load) is a benchmark:
``python -m bench culling``.
"""

from __future__ import annotations

import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import psutil
import pytest

from .conftest import LiveServer, start_server, stop_process_tree

pytestmark = pytest.mark.server

VISITS = 6


@pytest.fixture(scope="module")
def culling_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server("trainee", tmp_path_factory.mktemp("cull-var"), cull_idle=4, cull_interval=2)
    yield server
    stop_process_tree(server.process)


def kernels_of(server: LiveServer) -> set[int]:
    """The process ids of the server's live kernels."""
    found = set()
    for child in psutil.Process(server.process.pid).children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(child.cmdline()):
                found.add(child.pid)
        except psutil.Error:  # exited while we looked
            continue
    return found


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
    for _ in range(3):
        page = context.new_page()
        page.goto(culling_server.url("/"))
        page.wait_for_selector(".jupyter-widgets", timeout=60_000)
    opened = kernels_of(culling_server) - before
    assert len(opened) >= 3, "each open page holds its kernel while it is open"
    context.close()
    assert wait_until_gone(culling_server, opened, seconds=30) == set()
