"""A class of 30 in Chromium walking the course together: start page, section I, II and III.

Each trainee has a browser context of its own (its own cookies and storage) and one tab, and
follows the course as a class does: everyone opens the start page at once, then section I at
once, and so on, each page opened in the same tab (the page before it is left, as a trainee
follows a link). For each step it prints the median and p95 seconds until the page has drawn its
widgets, and the pages that failed: not drawn within the time limit, or drawn with a widget
missing (Voilà's "model not found", which ``incomplete.js`` then reloads). The same-run baseline
is 30 Chromium tabs opening a bare Voilà page with one widget at once.

The class follows its agenda on a trainee server that pre-warms, as ``adaptive-policing serve``
runs it: the trainees sign in before the class starts, open the start page, and then, section
by section, the instructor moves the class on (the console's *Start class* and *Next section*)
and everyone opens the section. Before each move the walk waits until the server has warmed
that section for the whole class (from a minute into the section before; the class would be
reading). With ``--no-prewarm`` the server pre-warms nothing and the class opens each page
straight after the last.

After the walk it counts the trainee server's live kernels per trainee (the issue's target: at
most 2; each trainee has one page open, and the server keeps one warmed for the next section),
and with ``--long`` (or ``BENCH_LONG=1``) again after the server's 3-minute culling has had its
chance. Writes ``var/bench/walk.json``. Run alone: ``python -m bench walk [--long] [--no-prewarm]``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from adaptive_policing.serve.server import KernelCulling  # noqa: E402
from bench.common import bare_voila, wait_until_warmed  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, kernel_processes, new_class, start_server, stop_process_tree  # noqa: E402

CLASS_SIZE = int(os.environ.get("BENCH_WALK_CLASS_SIZE", "30"))
TABS_PER_BROWSER = 10
STEPS = ("course/00-start.ipynb", "course/01-introductions.ipynb", "course/02-what-is-the-problem.ipynb",
         "course/03-what-is-customer-service.ipynb")
DRAWN_WITHIN_MS = 300_000
"""Every page of a step must be drawn within this long of the step's start."""
LONG_WAIT_SECONDS = 190
MAX_KERNELS_PER_TRAINEE = 2
#: True once the page is shown and Voilà has turned every cell output into a drawn output.
DRAWN = """() => { const cells = document.getElementById('rendered_cells');
  return cells && cells.style.display !== 'none' && document.querySelector('.jupyter-widgets') !== null
    && document.querySelectorAll('script[type="application/vnd.voila.cell-output+json"]').length === 0; }"""
MISSING = "Error displaying widget"


@dataclass
class Step:
    page: str
    seconds: list[float] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    def p95(self) -> float | None:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else None


POLL_SECONDS = 0.5


def is_drawn(tab: Any) -> bool:
    try:
        return bool(tab.evaluate(DRAWN))
    except Exception:  # noqa: BLE001 (a page between two loads (incomplete.js reloading it) is not drawn yet)
        return False


def open_together(tabs: list[Any], addresses: list[str], name: str) -> Step:
    """Every tab asks for its address; all are then looked at in turn until each is drawn; seconds from the common start.

    Every tab is looked at every round, so one page that never draws does not hide when the others drew.
    """
    step = Step(name)
    started = time.monotonic()
    deadline = started + DRAWN_WITHIN_MS / 1000
    for tab, address in zip(tabs, addresses):
        tab.goto(address, wait_until="commit", timeout=DRAWN_WITHIN_MS)
    waiting = dict(enumerate(tabs))
    while waiting and time.monotonic() < deadline:
        for number, tab in list(waiting.items()):
            if is_drawn(tab):
                step.seconds.append(time.monotonic() - started)
                del waiting[number]
                if tab.get_by_text(MISSING).count():
                    step.failed.append(f"trainee {number}: a widget is missing")
        time.sleep(POLL_SECONDS)
    step.failed += [f"trainee {number}: not drawn within {DRAWN_WITHIN_MS // 1000} s" for number in sorted(waiting)]
    return step


def launch_browsers(playwright: Any) -> list[Any]:
    """One Chromium per :data:`TABS_PER_BROWSER` trainees: 30 tabs in one headless Chromium never all drew
    even the bare Voilà page on this machine, as phones and laptops in a classroom are separate browsers."""
    count = -(-CLASS_SIZE // TABS_PER_BROWSER)
    return [playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS) for _ in range(count)]


def new_tabs(browsers: list[Any], count: int) -> list[Any]:
    """``count`` tabs, each in a browser context of its own (its own cookies and storage), spread over ``browsers``."""
    return [browsers[n % len(browsers)].new_context(viewport={"width": 1100, "height": 900}).new_page()
            for n in range(count)]


def walk(playwright: Any, folder: Path, long_wait: bool, prewarm: bool) -> dict[str, Any]:
    # the served culling (the suite's 30 s would cull a kernel whose busy browser has not connected yet)
    server = start_server("trainee", folder, prewarm=prewarm, cull_idle=KernelCulling.idle_seconds,
                          cull_interval=KernelCulling.interval_seconds)
    browsers = launch_browsers(playwright)
    try:
        course = new_class(server)
        with server.store() as store:
            tokens = [store.sign_in(course.code, f"Trainee {n:02d}", f"{7000 + n}").token for n in range(CLASS_SIZE)]
        tabs = new_tabs(browsers, CLASS_SIZE)
        steps = []
        for page in STEPS:
            if page != STEPS[0]:
                if prewarm:
                    wait_until_warmed(server, page, CLASS_SIZE)
                with server.store() as store:
                    store.record_progress(course.id, Path(page).stem)  # Start class, then Next section
            steps.append(open_together(tabs, [server.page_url(page, token) for token in tokens], page))
            print(f"  done: {page}, {len(steps[-1].seconds)} drawn, {len(steps[-1].failed)} failed", flush=True)
        live = len(kernel_processes(server.process.pid))
        live_later = None
        if long_wait:
            time.sleep(LONG_WAIT_SECONDS)
            live_later = len(kernel_processes(server.process.pid))
        return {"steps": steps, "live_kernels": live, "live_kernels_later": live_later}
    finally:
        for browser in browsers:
            browser.close()
        stop_process_tree(server.process)


def bare_step(playwright: Any, folder: Path) -> Step:
    with bare_voila(folder) as bare:
        browsers = launch_browsers(playwright)
        try:
            step = open_together(new_tabs(browsers, CLASS_SIZE), [bare.url] * CLASS_SIZE, "bare Voila, one widget")
            print(f"  done: {step.page}, {len(step.seconds)} drawn, {len(step.failed)} failed", flush=True)
            return step
        finally:
            for browser in browsers:
                browser.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    long_wait = "--long" in sys.argv or os.environ.get("BENCH_LONG") == "1"
    prewarm = "--no-prewarm" not in sys.argv
    with tempfile.TemporaryDirectory(prefix="ap-bench-walk-") as tmp, sync_playwright() as playwright:
        (Path(tmp) / "bare").mkdir()
        (Path(tmp) / "course").mkdir()
        bare = bare_step(playwright, Path(tmp) / "bare")
        course = walk(playwright, Path(tmp) / "course", long_wait, prewarm)

    def seconds(value: float | None) -> str:
        return f"{value:8.1f}" if value is not None else "       -"

    base = bare.p95()
    print(f"{CLASS_SIZE} Chromium trainees, {os.cpu_count()} cores, same run; seconds from the common start "
          f"until the page has drawn its widgets; {'pre-warmed' if prewarm else 'no pre-warming'}")
    print(f"  {'page':45}{'median':>8}{'p95':>8}{'p95/bare':>10}  failed")
    for step in [bare, *course["steps"]]:
        ratio = f"{step.p95() / base:9.2f}x" if base and step.p95() else "        -"
        print(f"  {step.page:45}{seconds(step.median())}{seconds(step.p95())}{ratio}  {len(step.failed)}")
        for failure in step.failed:
            print(f"      {failure}")
    per_trainee = course["live_kernels"] / CLASS_SIZE
    print(f"  live kernels after the walk: {course['live_kernels']} for {CLASS_SIZE} trainees = {per_trainee:.2f} "
          f"per trainee (target: at most {MAX_KERNELS_PER_TRAINEE})")
    if course["live_kernels_later"] is not None:
        print(f"  live kernels {LONG_WAIT_SECONDS} s later, every tab still open: {course['live_kernels_later']}")
    out = REPO / "var" / "bench" / "walk.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "class_size": CLASS_SIZE,
        "prewarm": prewarm,
        "bare": asdict(bare),
        "steps": [asdict(step) for step in course["steps"]],
        "live_kernels": course["live_kernels"],
        "live_kernels_later": course["live_kernels_later"],
    }, indent=2))
    print(f"  written to {out}")


if __name__ == "__main__":
    main()
