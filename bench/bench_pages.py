"""How fast a course page becomes usable and how much memory its kernel holds.

Compares, in the same run, section I on the course's trainee server with the
baseline the design measured: a bare Voilà page holding one widget, served by
plain ``voila``. Prints seconds until the page is interactive (median of
several loads in headless Chromium) and the resident memory of each kernel.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.common import bare_voila, kernel_memory_mb  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, start_server, stop_process_tree  # noqa: E402

LOADS = 5


def time_to_interactive(url: str, ready_selector: str, server_pid: int) -> tuple[list[float], list[float]]:
    seconds: list[float] = []
    memory: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(LOADS):
            page = browser.new_page()
            started = time.monotonic()
            page.goto(url)
            page.wait_for_selector(ready_selector, timeout=120_000)
            seconds.append(time.monotonic() - started)
            memory = kernel_memory_mb(server_pid) or memory
            page.close()
        browser.close()
    return seconds, memory


def bare_voila_baseline(folder: Path) -> tuple[list[float], list[float]]:
    with bare_voila(folder) as bare:
        return time_to_interactive(bare.url, ".widget-text input", bare.process.pid)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        base_seconds, base_memory = bare_voila_baseline(folder)
        var = folder / "var"
        var.mkdir()
        server = start_server("trainee", var)
        try:
            store = server.store()
            course = store.create_class()
            trainee = store.sign_in(course.code, "Bench Trainee", "1")
            store.close()
            url = server.url(f"/voila/render/course/01-introductions.ipynb?t={trainee.token}")
            seconds, memory = time_to_interactive(url, ".ap-prompt textarea", server.process.pid)
        finally:
            stop_process_tree(server.process)
    print("Page interactive in headless Chromium (median of", LOADS, "loads)")
    print(f"  section I, trainee server     {statistics.median(seconds):6.2f} s   (all: {', '.join(f'{s:.2f}' for s in seconds)})")
    print(f"  baseline: bare Voila, 1 widget {statistics.median(base_seconds):6.2f} s   (all: {', '.join(f'{s:.2f}' for s in base_seconds)})")
    print("Resident memory per kernel")
    print(f"  section I kernel              {statistics.median(memory):6.1f} MB")
    print(f"  baseline: bare Voila kernel   {statistics.median(base_memory):6.1f} MB")


if __name__ == "__main__":
    main()
