"""A class of 30 opening the course together, over HTTP, against bare Voilà in the same run.

Every figure sits next to its same-run baseline, a bare Voilà page holding one widget
served by plain ``voila`` (:mod:`bench.common`), with the ratio course / baseline:

- **single page**: seconds from an HTTP GET of section I, with a signed-in trainee's
  token, until the executed page has been read to its end (Voilà streams the page and
  closes it once every cell has run), median of ``SINGLE_LOADS`` loads; with the CPU
  seconds the page cost its kernel (from its start) and the server (for the request);
- **cold burst**: ``CLASS_SIZE`` simultaneous GETs of section III by as many different
  trainees, from threads in this process (no browsers, so the server's cores are not
  shared with them): median, p95 and slowest seconds from the common start, and the CPU
  seconds the burst cost per page, kernels and server together (CPU time grows far less
  with the machine's load than wall time; it includes what each kernel spends idling until
  the last page is read, so a longer burst adds a little to it);
- **memory**: resident memory of the section kernels after the burst (median) and the
  peak resident memory of the whole server tree (server and kernels) during the burst;
- **live kernels 3 minutes after the burst**: only with ``--long`` or ``BENCH_LONG=1``
  (it waits ``LONG_WAIT_SECONDS`` on each server);
- **imports**: ``python -X importtime -c "import adaptive_policing"`` (the package's
  cumulative line) and the wall time of ``from adaptive_policing import page_header,
  prompt`` in a fresh interpreter, both against ``import ipywidgets`` measured the same way.

Each phase starts a fresh server, so the burst is cold and the single page's kernels do
not sit beside it. The course's trainee server runs with the served culling defaults.
- **pre-warmed burst**: the same ``CLASS_SIZE`` opens of section III on a trainee server
  started with ``--prewarm`` (as ``adaptive-policing serve`` runs it), once the class is in
  section II and the server has warmed section III for its ``CLASS_SIZE`` signed-in
  trainees; the instructor moves the class on and everyone opens the page. Against the
  bare burst, and the seconds the warming took before (:mod:`adaptive_policing.serve.pools`).
  A warmed kernel has run its whole page, so the GET returns at once; the page is then
  filled in for its trainee in the kernel. So the bench also times, from the same start,
  when each page was filled in: when the page recorded the trainee's visit, which it does
  first; reading the page's answers (two queries) and putting them into the widgets come
  after it and are left out of this figure. Its CPU per page counts until every page was
  filled in and includes them.

The walk of a class in Chromium through four pages, with live kernels per trainee, is
``python -m bench walk``. Prints a table and
writes it as JSON to ``var/bench/classroom.json``. Run alone: ``python -m bench classroom
[--long]``.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from adaptive_policing import config  # noqa: E402
from adaptive_policing.serve.server import KernelCulling  # noqa: E402
import psutil  # noqa: E402

from bench.common import (  # noqa: E402
    bare_voila, cpu_seconds, kernel_memory_mb, tree_resident_mb, wait_until_warmed,
)
from tests.conftest import LiveServer, kernel_processes, start_server, stop_process_tree  # noqa: E402

SINGLE_LOADS = 5
CLASS_SIZE = 30
SECTION_I = "course/01-introductions.ipynb"
SECTION_III = "course/03-what-is-customer-service.ipynb"
#: Only an executed page holds widget views: the proof that the page ran, not just its template.
EXECUTED_MARK = b"application/vnd.jupyter.widget-view+json"
REQUEST_TIMEOUT_SECONDS = 600
MEMORY_SAMPLE_SECONDS = 0.25
LONG_WAIT_SECONDS = 180
IMPORT_RUNS = 5
SECTION_II_ID = "02-what-is-the-problem"
SECTION_III_ID = "03-what-is-customer-service"


# --- measuring ---------------------------------------------------------------------


def load_seconds(url: str) -> float:
    """Seconds from sending a GET of ``url`` until its whole executed page has been read."""
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT_SECONDS) as response:
        body = response.read()
    seconds = time.monotonic() - started
    if EXECUTED_MARK not in body:
        raise RuntimeError(f"{url} returned a page without executed widgets")
    return seconds


@dataclass(frozen=True)
class SingleLoads:
    """``SINGLE_LOADS`` loads of one page, one after the other: seconds and CPU seconds of each."""

    seconds: list[float]
    kernel_cpu: list[float]
    """CPU seconds of each load's new kernel, from its start until its page was read (start-up included)."""
    server_cpu: list[float]
    """CPU seconds the server spent from each request until its page was read."""


def single_page(url: str, server_pid: int) -> SingleLoads:
    """Load ``url`` ``SINGLE_LOADS`` times, one after the other, noting each load's CPU seconds."""
    server = psutil.Process(server_pid)
    seconds, kernel_cpu, server_cpu = [], [], []
    for _ in range(SINGLE_LOADS):
        earlier = {kernel.pid for kernel in kernel_processes(server_pid)}
        server_before = cpu_seconds(server) or 0.0
        seconds.append(load_seconds(url))
        server_cpu.append((cpu_seconds(server) or 0.0) - server_before)
        new = [kernel for kernel in kernel_processes(server_pid) if kernel.pid not in earlier]
        kernel_cpu.extend(used for used in map(cpu_seconds, new[:1]) if used is not None)
    return SingleLoads(seconds, kernel_cpu, server_cpu)


class PeakMemory:
    """Samples a server tree's resident memory from a thread; ``peak_mb`` is the highest seen."""

    def __init__(self, root_pid: int) -> None:
        self.root_pid = root_pid
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="bench-memory", daemon=True)

    def _sample(self) -> None:
        while True:
            self.peak_mb = max(self.peak_mb, tree_resident_mb(self.root_pid))
            if self._stop.wait(MEMORY_SAMPLE_SECONDS):
                return

    @contextmanager
    def watching(self) -> Iterator[PeakMemory]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()
            self.peak_mb = max(self.peak_mb, tree_resident_mb(self.root_pid))


@dataclass(frozen=True)
class Burst:
    """What ``CLASS_SIZE`` simultaneous opens cost one server."""

    seconds: list[float]
    peak_tree_mb: float
    kernel_mb: list[float]
    live_kernels_after_wait: int | None
    cpu_per_page: float
    """CPU seconds of the server and of the burst's kernels, from the start until every page was read, per page."""


def burst(urls: list[str], server_pid: int, long_wait: bool, finished: Callable[[], None] | None = None) -> Burst:
    """GET every URL at once (one thread each, released together) and time each from the common start.

    CPU is counted until every page was read, and then until ``finished`` returns, if given.
    """
    release = threading.Barrier(len(urls))

    def open_page(url: str) -> float:
        release.wait()
        return load_seconds(url)

    server = psutil.Process(server_pid)
    before = {process.pid: cpu_seconds(process) or 0.0 for process in (server, *kernel_processes(server_pid))}
    with PeakMemory(server_pid).watching() as memory, ThreadPoolExecutor(max_workers=len(urls)) as pool:
        seconds = list(pool.map(open_page, urls))
        if finished is not None:
            finished()
    # what the server and every kernel spent during the burst (a pre-warmed kernel only from the burst's start)
    used = sum((cpu_seconds(process) or 0.0) - before.get(process.pid, 0.0) for process in (server, *kernel_processes(server_pid)))
    kernel_mb = kernel_memory_mb(server_pid)
    live = None
    if long_wait:
        time.sleep(LONG_WAIT_SECONDS)  # the figure is what is alive after this wait
        live = len(kernel_processes(server_pid))
    return Burst(seconds, memory.peak_mb, kernel_mb, live, used / len(urls))


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank."""
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def run_python(code: str, *options: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter from the checkout, so the checkout's package is imported."""
    return subprocess.run([sys.executable, *options, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)


def importtime_seconds(module: str) -> float:
    """The cumulative time of ``module``'s own line in ``python -X importtime -c "import MODULE"``."""
    # Lines read "import time: SELF | CUMULATIVE | NAME", NAME indented two spaces per nesting level.
    for line in run_python(f"import {module}", "-X", "importtime").stderr.splitlines():
        fields = line.split("|")
        if len(fields) == 3 and fields[2].rstrip() == f" {module}":
            return int(fields[1]) / 1e6
    raise RuntimeError(f"no import line for {module}")


def fresh_import_seconds(statement: str) -> float:
    """Wall seconds of ``statement`` in a fresh interpreter, timed inside it."""
    code = f"import time\nstarted = time.perf_counter()\n{statement}\nprint(time.perf_counter() - started)"
    return float(run_python(code).stdout.strip())


def median_of_runs(measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(IMPORT_RUNS))


# --- the two servers ----------------------------------------------------------------


@dataclass(frozen=True)
class ServerFigures:
    """One server's figures: single page loads, the cold burst and (the course only) the pre-warmed burst."""

    single: SingleLoads
    burst: Burst
    prewarmed: Burst | None = None
    prewarmed_filled_in: list[float] | None = None
    """Seconds from the pre-warmed burst's start until each page was filled in for its trainee."""
    warming_seconds: float | None = None
    """Seconds from the class entering section II until section III was warmed for every trainee."""


def measure_bare(folder: Path, long_wait: bool) -> ServerFigures:
    """The baseline: plain ``voila`` serving the one-widget page, a fresh server for each phase."""
    (folder / "single").mkdir()
    with bare_voila(folder / "single") as bare:
        single = single_page(bare.url, bare.process.pid)
    (folder / "burst").mkdir()
    with bare_voila(folder / "burst") as bare:
        found = burst([bare.url] * CLASS_SIZE, bare.process.pid, long_wait)
    return ServerFigures(single, found)


@contextmanager
def trainee_server(var: Path, prewarm: bool = False) -> Iterator[LiveServer]:
    """The course's trainee server with the served culling defaults, stopped with its kernels after."""
    var.mkdir()
    server = start_server(
        "trainee", var, cull_idle=KernelCulling.idle_seconds, cull_interval=KernelCulling.interval_seconds,
        prewarm=prewarm,
    )
    try:
        yield server
    finally:
        stop_process_tree(server.process)


def trainee_urls(server: LiveServer, section: str, count: int, at_section: str | None = None) -> list[str]:
    """URLs of ``section`` for ``count`` different trainees signed in to a new class through the store.

    With ``at_section``, the instructor has started the class and it is in that section.
    """
    store = server.store()
    try:
        course = store.create_class()
        if at_section is not None:
            store.record_progress(course.id, at_section)
        trainees = [store.sign_in(course.code, f"Bench Trainee {n:02d}", str(n)) for n in range(1, count + 1)]
    finally:
        store.close()
    return [server.url(f"/voila/render/{section}?t={trainee.token}") for trainee in trainees]


def filled_in_seconds(server: LiveServer, started: datetime, page_id: str) -> list[float]:
    """Seconds from ``started`` until each trainee's ``page_id`` was filled in for them (its visit recorded)."""
    deadline = time.monotonic() + REQUEST_TIMEOUT_SECONDS
    while True:
        with server.store() as store:
            visited = [at for course in store.classes() for _trainee, page, at in store.visits(course.id)
                       if page == page_id]
        if len(visited) >= CLASS_SIZE or time.monotonic() > deadline:
            return [(at.replace(tzinfo=timezone.utc) - started).total_seconds() for at in visited]
        time.sleep(0.1)


def warmed_burst(folder: Path) -> tuple[Burst, list[float], float]:
    """The class in section II until section III is warmed for all; then it moves on and everyone opens III.

    Returns the burst (CPU counted until every page was filled in and the kernels were quiet),
    the seconds until each page was filled in for its trainee, and the warming's seconds.
    """
    with trainee_server(folder, prewarm=True) as server:
        started = time.monotonic()
        urls = trainee_urls(server, SECTION_III, CLASS_SIZE, at_section=SECTION_II_ID)
        wait_until_warmed(server, SECTION_III, CLASS_SIZE)
        warming = time.monotonic() - started
        with server.store() as store:
            [course] = store.classes()
            store.record_progress(course.id, SECTION_III_ID)  # Next section
        burst_started = datetime.now(timezone.utc)
        filled_in: list[float] = []
        found = burst(urls, server.process.pid, long_wait=False, finished=lambda: filled_in.extend(
            filled_in_seconds(server, burst_started, SECTION_III_ID)))
        used = (server.var_dir / "trainee-server.log").read_text(errors="replace").count("Using pre-heated kernel")
        if used != CLASS_SIZE or len(filled_in) != CLASS_SIZE:
            raise RuntimeError(f"{used} of {CLASS_SIZE} pages opened on a warmed kernel, {len(filled_in)} filled in")
        return found, filled_in, warming


def measure_course(folder: Path, long_wait: bool) -> ServerFigures:
    """Section I single page, section III cold burst and pre-warmed burst, a fresh trainee server for each."""
    with trainee_server(folder / "single") as server:
        single = single_page(trainee_urls(server, SECTION_I, 1)[0], server.process.pid)
    with trainee_server(folder / "burst") as server:
        found = burst(trainee_urls(server, SECTION_III, CLASS_SIZE), server.process.pid, long_wait)
    prewarmed, filled_in, warming = warmed_burst(folder / "prewarmed")
    return ServerFigures(single, found, prewarmed, filled_in, warming)


# --- the table ----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One figure, its same-run baseline and the ratio course / baseline."""

    measure: str
    unit: str
    course: float | None
    baseline: float | None

    @property
    def ratio(self) -> float | None:
        if self.course is None or self.baseline is None or self.baseline == 0:
            return None
        return self.course / self.baseline


def rows(course: ServerFigures, bare: ServerFigures, imports: dict[str, float]) -> list[Row]:
    cb, bb = course.burst, bare.burst
    cs, bs = course.single, bare.single

    def median(values: list[float]) -> float | None:
        return statistics.median(values) if values else None

    table = [
        Row(f"single page, median of {SINGLE_LOADS}", "s", median(cs.seconds), median(bs.seconds)),
        Row("single page: kernel CPU, median", "s", median(cs.kernel_cpu), median(bs.kernel_cpu)),
        Row("single page: server CPU, median", "s", median(cs.server_cpu), median(bs.server_cpu)),
        Row(f"cold burst of {CLASS_SIZE}, median", "s", statistics.median(cb.seconds), statistics.median(bb.seconds)),
        Row(f"cold burst of {CLASS_SIZE}, p95", "s", p95(cb.seconds), p95(bb.seconds)),
        Row(f"cold burst of {CLASS_SIZE}, slowest", "s", max(cb.seconds), max(bb.seconds)),
        Row("cold burst: CPU per page (all)", "s", cb.cpu_per_page, bb.cpu_per_page),
        Row("kernel RSS, median", "MB", statistics.median(cb.kernel_mb) if cb.kernel_mb else None,
            statistics.median(bb.kernel_mb) if bb.kernel_mb else None),
        Row("server tree RSS, peak in burst", "MB", cb.peak_tree_mb, bb.peak_tree_mb),
        Row("import (-X importtime)", "s", imports["importtime adaptive_policing"], imports["importtime ipywidgets"]),
        Row("page_header, prompt (fresh)", "s", imports["fresh page_header, prompt"], imports["fresh ipywidgets"]),
    ]
    if course.prewarmed is not None:
        pb = course.prewarmed
        table += [
            Row(f"pre-warmed burst of {CLASS_SIZE}, median", "s", statistics.median(pb.seconds), statistics.median(bb.seconds)),
            Row(f"pre-warmed burst of {CLASS_SIZE}, p95", "s", p95(pb.seconds), p95(bb.seconds)),
            Row("pre-warmed: filled in for trainee, median", "s", median(course.prewarmed_filled_in or []),
                statistics.median(bb.seconds)),
            Row("pre-warmed: filled in for trainee, p95", "s",
                p95(course.prewarmed_filled_in) if course.prewarmed_filled_in else None, p95(bb.seconds)),
            Row("pre-warmed burst: CPU per page (all)", "s", pb.cpu_per_page, bb.cpu_per_page),
            Row(f"warming {CLASS_SIZE} kernels beforehand", "s", course.warming_seconds, None),
        ]
    if cb.live_kernels_after_wait is not None and bb.live_kernels_after_wait is not None:
        table.append(Row(f"live kernels {LONG_WAIT_SECONDS // 60} min after burst", "",
                         float(cb.live_kernels_after_wait), float(bb.live_kernels_after_wait)))
    return table


def print_table(table: list[Row], load_before: tuple[float, ...], load_after: tuple[float, ...], long_wait: bool) -> None:
    def cell(value: float | None, unit: str, width: int) -> str:
        if value is None:
            return f"{'-':>{width}}"
        digits = 0 if unit != "s" else 3 if value < 0.1 else 2  # counts and MB whole; short times in ms
        return f"{value:{width}.{digits}f}"

    print("Classroom over HTTP: course (trainee server, section I single, section III burst) "
          "against bare Voila with one widget, same run")
    print(f"  load average before {', '.join(f'{x:.2f}' for x in load_before)}; "
          f"after {', '.join(f'{x:.2f}' for x in load_after)} ({os.cpu_count()} cores)")
    print(f"  {'measure':38}{'unit':>5}{'course':>10}{'bare':>10}{'ratio':>9}")
    for row in table:
        print(f"  {row.measure:38}{row.unit:>5}{cell(row.course, row.unit, 10)}{cell(row.baseline, row.unit, 10)}"
              f"{cell(row.ratio, 's', 8)}x")
    if not long_wait:
        print(f"  live kernels {LONG_WAIT_SECONDS // 60} min after the burst: not measured "
              f"(off by default; run with --long or BENCH_LONG=1)")


def write_json(table: list[Row], course: ServerFigures, bare: ServerFigures, imports: dict[str, float],
               load_before: tuple[float, ...], load_after: tuple[float, ...], long_wait: bool) -> Path:
    out = config.settings().var_dir / "bench" / "classroom.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "load_average_before": load_before, "load_average_after": load_after},
        "class_size": CLASS_SIZE,
        "sections": {"single": SECTION_I, "burst": SECTION_III},
        "long": long_wait,
        "table": [{**asdict(row), "ratio": row.ratio} for row in table],
        "raw": {"course": asdict(course), "bare": asdict(bare), "imports": imports},
    }
    out.write_text(json.dumps(report, indent=2) + "\n")
    return out


def long_wait_requested() -> bool:
    """``--long`` on the command line or ``BENCH_LONG=1`` in the environment."""
    return "--long" in sys.argv[1:] or os.environ.get("BENCH_LONG") == "1"


def main() -> None:
    long_wait = long_wait_requested()
    load_before = os.getloadavg()
    imports = {
        "importtime adaptive_policing": median_of_runs(lambda: importtime_seconds("adaptive_policing")),
        "importtime ipywidgets": median_of_runs(lambda: importtime_seconds("ipywidgets")),
        "fresh page_header, prompt": median_of_runs(
            lambda: fresh_import_seconds("from adaptive_policing import page_header, prompt")),
        "fresh ipywidgets": median_of_runs(lambda: fresh_import_seconds("import ipywidgets")),
    }
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "bare").mkdir()
        (folder / "course").mkdir()
        bare = measure_bare(folder / "bare", long_wait)
        course = measure_course(folder / "course", long_wait)
    load_after = os.getloadavg()
    table = rows(course, bare, imports)
    print_table(table, load_before, load_after, long_wait)
    print(f"  written to {write_json(table, course, bare, imports, load_before, load_after, long_wait)}")


if __name__ == "__main__":
    main()
