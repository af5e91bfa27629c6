"""Grading a class of 30: the project's command against plain ``nbgrader autograde``.

Generates 30 submissions (right, partly right, wrong, blank, in turn), then in
the same run grades them

* with the project's pipeline (``adaptive-policing grade``: checks, autograde
  on two workers, feedback HTML, exports and charts), and
* with plain ``nbgrader autograde`` (one process, autograde only) on copies of
  the same submissions in course roots of their own, twice: as nbgrader ships
  (a new kernel for every notebook) and with the course's committed
  configuration, which plain nbgrader also reads (one kept kernel).

Prints seconds in total and per submission, CPU seconds, the ratio of ours to
each, and the load average around the run (the machine may be shared: compare
only figures of the same run). Targets: the class graded, with feedback and
exports, in 60 s or less, and at most half the time per submission of nbgrader
as shipped (a ratio of 0.5 or less).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from adaptive_policing.content.questions import ASSIGNMENT  # noqa: E402
from adaptive_policing.grading.course import generate_release, tools_on_path  # noqa: E402
from adaptive_policing.grading.pipeline import grade  # noqa: E402
from tests.fixtures.assessment import submissions as fx  # noqa: E402

CLASS_SIZE = 30
TARGET_SECONDS = 60.0
TARGET_RATIO = 0.5
"""Our time per submission over plain nbgrader's, in the same run."""


def make_class(paths: fx.GradingPaths) -> list[str]:
    right = {**fx.solution_answers(), **fx.FREE_TEXT_RIGHT}
    sets = [right, fx.partly_right_answers(), fx.fixture("answers-all-wrong.json"), {}]
    students = []
    for n in range(CLASS_SIZE):
        sid = f"BENCH1-b{1000 + n}"
        fx.submit(paths, sid, fx.filled(sets[n % len(sets)]))
        students.append(sid)
    return students


PLAIN_RUNS = {
    "nbgrader as shipped (a new kernel per notebook)": ["--DeadlineExecute.reuse_kernel=False"],
    "nbgrader with the course's config (kept kernel)": [],
}
"""Plain ``nbgrader autograde`` runs, each in a course root of its own: the committed ``nbgrader_config.py``
(which plain nbgrader reads too) grades in one kept kernel; nbgrader's own way starts a kernel per notebook."""


def plain_autograde(plain: fx.GradingPaths, options: list[str]) -> tuple[float, float, int]:
    """Seconds, CPU seconds and notebooks graded by plain ``nbgrader autograde`` (one process) in ``plain``'s root."""
    # Its gradebook needs the assignment first: not timed, as the release is not part of ours either.
    generate_release(fx.GradingPaths(plain.root, plain.source, plain.root / "release"))
    env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]}
    started, cpu = time.monotonic(), _cpu()
    subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "autograde", ASSIGNMENT,
         f"--CourseDirectory.source_directory={plain.source}", "--log-level=ERROR", *options],
        cwd=plain.root, env=env, check=True,
    )
    return time.monotonic() - started, _cpu() - cpu, len(list((plain.root / "autograded").iterdir()))


def _cpu() -> float:
    """CPU seconds of this process and of its finished child processes (workers, kernels, nbgrader)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main() -> None:
    tools_on_path()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="ap-bench-grading-") as tmp:
        ours = fx.course_root(Path(tmp) / "ours")
        make_class(ours)
        plains = {name: fx.course_root(Path(tmp) / name) for name in PLAIN_RUNS}
        for plain in plains.values():
            shutil.copytree(ours.root / "submitted", plain.root / "submitted")

        started, cpu = time.monotonic(), _cpu()
        run = grade(ours, workers=2)
        ours_seconds, ours_cpu = time.monotonic() - started, _cpu() - cpu
        assert len(run.by_status("graded")) == CLASS_SIZE, [r.status for r in run.results]
        plain_figures = {name: plain_autograde(plains[name], options) for name, options in PLAIN_RUNS.items()}

    load_after = os.getloadavg()
    print(f"class of {CLASS_SIZE} submissions, {os.cpu_count()} cores, load average {load_before[0]:.1f} before "
          f"and {load_after[0]:.1f} after the run")
    print(f"{'':50}{'total s':>9}{'per sub. s':>12}{'CPU s':>8}{'ours / this':>13}")
    print(f"{'adaptive-policing grade (all steps, 2 workers)':50}{ours_seconds:9.1f}{ours_seconds / CLASS_SIZE:12.2f}"
          f"{ours_cpu:8.1f}")
    for name, (seconds, cpu_seconds, graded) in plain_figures.items():
        print(f"{name:50}{seconds:9.1f}{seconds / CLASS_SIZE:12.2f}{cpu_seconds:8.1f}{ours_seconds / seconds:12.2f}x"
              + ("" if graded == CLASS_SIZE else f"  (graded only {graded})"))
    print(f"includes gradebook set-up, checks, autograde, feedback, exports, charts: {ours_seconds:.1f} s "
          f"({'within' if ours_seconds <= TARGET_SECONDS else 'OVER'} the {TARGET_SECONDS:.0f} s target)")
    shipped = next(iter(plain_figures.values()))[0]
    ratio = ours_seconds / shipped
    print(f"per submission, ours / nbgrader as shipped: {ratio:.2f}x "
          f"({'within' if ratio <= TARGET_RATIO else 'OVER'} the {TARGET_RATIO}x target); a loaded machine "
          "stretches the wall times, far less the CPU times")


if __name__ == "__main__":
    main()
