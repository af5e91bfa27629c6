"""How many kernels 100 page visits leave behind, with the servers' idle culling and without it.

Visits the start page over HTTP 100 times, 4 at a time, on a trainee server that
culls idle kernels quickly (idle 4 s, checked every 2 s), and, as the same run's
baseline, on one that keeps idle kernels for 15 minutes (the servers' default
before it became 2 minutes, checked every 30 s).
Prints, for each, the most kernels alive at once, the kernels left 30 s after the
last visit and their resident memory, and the culled server's share of the baseline.
"""

from __future__ import annotations

import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.common import total_resident_mb  # noqa: E402
from tests.conftest import LiveServer, kernel_processes, start_server, stop_process_tree  # noqa: E402

VISITS = 100
AT_ONCE = 4
SETTLE_SECONDS = 30


@dataclass(frozen=True)
class CullingRun:
    """What ``VISITS`` visits left on one server."""

    peak: int
    left: int
    left_mb: float
    seconds: float


def visit_many(server: LiveServer) -> CullingRun:
    start_page = server.url("/voila/render/course/00-start.ipynb")

    def visit(_: int) -> int:
        with urllib.request.urlopen(start_page, timeout=120) as response:
            if b"Sign in" not in response.read():
                raise RuntimeError("the start page did not render")
        return len(kernel_processes(server.process.pid))

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        peak = max(pool.map(visit, range(VISITS)))
    seconds = time.monotonic() - started
    deadline = time.monotonic() + SETTLE_SECONDS
    while kernel_processes(server.process.pid) and time.monotonic() < deadline:  # poll: culling ends the wait early
        time.sleep(0.5)
    left = kernel_processes(server.process.pid)
    return CullingRun(peak, len(left), total_resident_mb(left), seconds)


def run(folder: Path, name: str, cull_idle: int, cull_interval: int) -> CullingRun:
    var = folder / name
    var.mkdir()
    server = start_server("trainee", var, cull_idle=cull_idle, cull_interval=cull_interval)
    try:
        return visit_many(server)
    finally:
        stop_process_tree(server.process)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        culled = run(folder, "culled", cull_idle=4, cull_interval=2)
        baseline = run(folder, "baseline", cull_idle=900, cull_interval=60)
    print(f"{VISITS} visits of the start page over HTTP, {AT_ONCE} at a time; kernels left "
          f"{SETTLE_SECONDS} s after the last visit")
    print(f"{'':34}{'peak kernels':>13}{'left':>6}{'left MB':>9}{'visits s':>10}")
    for label, found in (("idle culling 4 s", culled), ("baseline: no culling for 15 min", baseline)):
        print(f"  {label:32}{found.peak:13d}{found.left:6d}{found.left_mb:9.0f}{found.seconds:10.1f}")
    print(f"  ratio culled / baseline: peak {culled.peak / max(baseline.peak, 1):.2f}, "
          f"left {culled.left / max(baseline.left, 1):.2f}")


if __name__ == "__main__":
    main()
