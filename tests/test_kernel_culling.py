"""Kernels of pages nobody uses are shut down: 100 visits do not leave 100 kernels."""

from __future__ import annotations

import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import psutil
import pytest

from .conftest import LiveServer, start_server, stop_process_tree

pytestmark = pytest.mark.server

VISITS = 100


@pytest.fixture(scope="module")
def culling_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server("trainee", tmp_path_factory.mktemp("cull-var"), cull_idle=4, cull_interval=2)
    yield server
    stop_process_tree(server.process)


def kernels_of(server: LiveServer) -> int:
    """How many live kernel processes the server has."""
    count = 0
    for child in psutil.Process(server.process.pid).children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(child.cmdline()):
                count += 1
        except psutil.Error:  # exited while we looked
            continue
    return count


def wait_for_kernels(server: LiveServer, at_most: int, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while (count := kernels_of(server)) > at_most and time.monotonic() < deadline:
        time.sleep(0.5)
    return count


def test_a_hundred_visits_leave_no_idle_kernels(culling_server: LiveServer) -> None:
    start_page = culling_server.url("/voila/render/course/00-start.ipynb")
    peak = 0

    def visit(_: int) -> int:
        with urllib.request.urlopen(start_page, timeout=120) as response:
            assert b"Sign in" in response.read()
        return kernels_of(culling_server)

    with ThreadPoolExecutor(max_workers=4) as pool:
        for count in pool.map(visit, range(VISITS)):
            peak = max(peak, count)
    remaining = wait_for_kernels(culling_server, at_most=0, seconds=30)
    print(f"{VISITS} visits: at most {peak} kernels at once, {remaining} left after culling")
    assert peak < VISITS
    assert remaining == 0


@pytest.mark.browser
def test_a_closed_browser_page_does_not_keep_its_kernel(browser: object, culling_server: LiveServer) -> None:
    wait_for_kernels(culling_server, at_most=0, seconds=30)
    context = browser.new_context()  # type: ignore[attr-defined]
    for _ in range(3):
        page = context.new_page()
        page.goto(culling_server.url("/"))
        page.wait_for_selector(".jupyter-widgets", timeout=60_000)
    assert kernels_of(culling_server) >= 3
    context.close()
    assert wait_for_kernels(culling_server, at_most=0, seconds=30) == 0
