"""Grading a class of 30: the project's command against plain ``nbgrader autograde``.

Generates 30 submissions (right, partly right, wrong, blank, in turn), then in
the same run grades them

* with the project's pipeline (``adaptive-policing grade``: checks, autograde
  on two workers, feedback HTML, exports and charts), and
* with plain ``nbgrader autograde`` (one process, autograde only) on copies of
  the same submissions in a second course root.

Prints seconds in total and per submission for both. Target: the class graded,
with feedback and exports, in 60 s or less, and no slower per submission than
plain nbgrader.
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


def make_class(paths: fx.GradingPaths) -> list[str]:
    right = {**fx.solution_answers(), **fx.FREE_TEXT_RIGHT}
    sets = [right, fx.partly_right_answers(), fx.fixture("answers-all-wrong.json"), {}]
    students = []
    for n in range(CLASS_SIZE):
        sid = f"BENCH1-b{1000 + n}"
        fx.submit(paths, sid, fx.filled(sets[n % len(sets)]))
        students.append(sid)
    return students


def main() -> None:
    tools_on_path()
    with tempfile.TemporaryDirectory(prefix="ap-bench-grading-") as tmp:
        ours = fx.course_root(Path(tmp) / "ours")
        make_class(ours)
        plain = fx.course_root(Path(tmp) / "plain")
        shutil.copytree(ours.root / "submitted", plain.root / "submitted")

        started = time.monotonic()
        run = grade(ours, workers=2)
        ours_seconds = time.monotonic() - started
        assert len(run.by_status("graded")) == CLASS_SIZE, [r.status for r in run.results]

        # Plain nbgrader: its gradebook needs the assignment first (not timed, as for ours' first step... see below).
        generate_release(fx.GradingPaths(plain.root, plain.source, plain.root / "release"))
        env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]}
        started = time.monotonic()
        subprocess.run(
            [str(Path(sys.executable).parent / "nbgrader"), "autograde", ASSIGNMENT,
             f"--CourseDirectory.source_directory={plain.source}", "--log-level=ERROR"],
            cwd=plain.root, env=env, check=True,
        )
        plain_seconds = time.monotonic() - started
        graded_plain = len(list((plain.root / "autograded").iterdir()))

    print(f"class of {CLASS_SIZE} submissions, {os.cpu_count()} cores")
    print(f"{'':38}{'total s':>10}{'per submission s':>18}")
    print(f"{'adaptive-policing grade (all steps)':38}{ours_seconds:10.1f}{ours_seconds / CLASS_SIZE:18.2f}")
    print(f"{'plain nbgrader autograde':38}{plain_seconds:10.1f}{plain_seconds / CLASS_SIZE:18.2f}")
    print(f"plain nbgrader graded {graded_plain} of {CLASS_SIZE}")
    print(f"includes gradebook set-up, checks, autograde, feedback, exports, charts: {ours_seconds:.1f} s "
          f"({'within' if ours_seconds <= TARGET_SECONDS else 'OVER'} the {TARGET_SECONDS:.0f} s target)")


if __name__ == "__main__":
    main()
