"""Grading a class of 30: the project's command against plain ``nbgrader autograde``.

Generates 30 submissions (right, partly right, wrong, blank, in turn), then in
the same run grades them

* with the project's pipeline (``adaptive-policing grade``: checks, autograde
  on two workers, feedback HTML, exports and charts), and
* with plain ``nbgrader autograde`` (one process, autograde only) on copies of
  the same submissions in a second course root.

Prints seconds in total and per submission for both, the ratio of the two per
submission and the load average around the run (the machine may be shared:
compare only figures of the same run). Targets: the class graded, with feedback
and exports, in 60 s or less, and at most half plain nbgrader's time per
submission (a ratio of 0.5 or less).
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
        plain = fx.course_root(Path(tmp) / "plain")
        shutil.copytree(ours.root / "submitted", plain.root / "submitted")

        started, cpu = time.monotonic(), _cpu()
        run = grade(ours, workers=2)
        ours_seconds, ours_cpu = time.monotonic() - started, _cpu() - cpu
        assert len(run.by_status("graded")) == CLASS_SIZE, [r.status for r in run.results]

        # Plain nbgrader: its gradebook needs the assignment first (not timed, as for ours' first step... see below).
        generate_release(fx.GradingPaths(plain.root, plain.source, plain.root / "release"))
        env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]}
        started, cpu = time.monotonic(), _cpu()
        subprocess.run(
            [str(Path(sys.executable).parent / "nbgrader"), "autograde", ASSIGNMENT,
             f"--CourseDirectory.source_directory={plain.source}", "--log-level=ERROR"],
            cwd=plain.root, env=env, check=True,
        )
        plain_seconds, plain_cpu = time.monotonic() - started, _cpu() - cpu
        graded_plain = len(list((plain.root / "autograded").iterdir()))

    load_after = os.getloadavg()
    ratio = ours_seconds / plain_seconds
    print(f"class of {CLASS_SIZE} submissions, {os.cpu_count()} cores, load average {load_before[0]:.1f} before "
          f"and {load_after[0]:.1f} after the run")
    print(f"{'':38}{'total s':>10}{'per submission s':>18}")
    print(f"{'adaptive-policing grade (all steps)':38}{ours_seconds:10.1f}{ours_seconds / CLASS_SIZE:18.2f}")
    print(f"{'plain nbgrader autograde':38}{plain_seconds:10.1f}{plain_seconds / CLASS_SIZE:18.2f}")
    print(f"plain nbgrader graded {graded_plain} of {CLASS_SIZE}")
    print(f"includes gradebook set-up, checks, autograde, feedback, exports, charts: {ours_seconds:.1f} s "
          f"({'within' if ours_seconds <= TARGET_SECONDS else 'OVER'} the {TARGET_SECONDS:.0f} s target)")
    print(f"CPU seconds (this process, workers, kernels): ours {ours_cpu:.1f}, plain nbgrader {plain_cpu:.1f} "
          f"({ours_cpu / plain_cpu:.2f}x; a loaded machine stretches the wall times, far less the CPU times)")
    print(f"per submission, ours / plain nbgrader's: {ratio:.2f}x "
          f"({'within' if ratio <= TARGET_RATIO else 'OVER'} the {TARGET_RATIO}x target)")


if __name__ == "__main__":
    main()
