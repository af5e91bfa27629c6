"""``adaptive-policing grade``: autograde new submissions, write feedback, exports and charts.

One run:

1. makes sure the gradebook knows the assignment as ``solutions/`` defines it;
2. finds every submission that is new or changed since the last run;
3. checks each one (:mod:`.checks`): a broken file is listed as
   broken, a notebook holding anything the assessment page never writes is
   rejected without running, tampered locked cells are flagged (nbgrader
   restores them and grades);
4. registers each trainee's name in the gradebook, then autogrades the rest
   with nbgrader and writes each one's feedback HTML (hidden tests and
   tracebacks removed): one :func:`.autograde.autograde_submission` per
   submission on worker processes (:mod:`.pool`, two workers from the command
   line), with a progress bar, a per-cell and a per-notebook time limit, a
   worker that hangs past the limit killed, going on past any failure;
5. rewrites feedback for trainees graded in earlier runs (their written
   answers may have been graded by hand since), then nbgrader's scores CSV,
   the POST roster, the item analysis, the charts and each trainee's own
   feedback page (:mod:`.trainee_feedback`) under ``grading/reports/``.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable

import nbformat
from nbgrader.api import Gradebook

from ..content.questions import ASSIGNMENT, NOTEBOOK
from .submission import free_text_markdown
from .autograde import AutogradeResult, autograde_submission
from .course import GradingError, GradingPaths, ensure_gradebook, nbgrader_api, nbgrader_config, tools_on_path
from .checks import SubmissionCheck, check_submission
from .execute import DeadlineExecute
from .feedback_html import feedback_converter, write_feedback
from .pool import Lost, run_in_processes
from .reports import (
    export_item_analysis,
    export_results,
    export_rubric,
    export_scores,
    gradebook_scores,
    graded_scores,
    item_analysis,
    load_status,
    save_status,
    trainees_by_student,
)
from .roster import export_roster
from .trainee_feedback import write_feedback_pages
from .. import config
from ..analysis.grading_status import class_summary
from ..analysis.item_statistics import section_mastery
from ..content.questions import SECTIONS
from ..data.store import ResponseStore

Progress = Callable[[str, str], None]
"""Called with (student id, outcome) as each submission finishes."""

WORKER_GRACE_SECONDS = 120
"""How long past its notebook time limit a worker may take (start-up, kernel start, feedback) before it is killed."""


@dataclass
class StudentResult:
    student: str
    status: str
    problems: list[str] = field(default_factory=list)
    timestamp: str = ""


@dataclass
class GradeRun:
    """What one ``grade`` run did."""

    results: list[StudentResult]
    unchanged: list[str]
    reports: dict[str, Path]
    seconds: float
    manual_pending: list[str] = field(default_factory=list)
    assignment: str = ASSIGNMENT

    def by_status(self, status: str) -> list[StudentResult]:
        return [r for r in self.results if r.status == status]


def submitted_students(paths: GradingPaths) -> list[str]:
    folder = paths.root / "submitted"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / paths.assignment).is_dir() and not p.name.startswith("."))


def submission_timestamp(paths: GradingPaths, student: str) -> str:
    stamp = paths.submitted(student) / "timestamp.txt"
    if stamp.exists():
        return stamp.read_text().strip()
    notebook = paths.submitted(student) / f"{NOTEBOOK}.ipynb"
    return f"mtime {notebook.stat().st_mtime_ns}" if notebook.exists() else "missing"


def _split_name(name: str) -> tuple[str, str]:
    cleaned = "".join(ch for ch in name if ch not in "<>&\"`\\")
    first, _, last = cleaned.strip().rpartition(" ")
    return (first, last) if first else (last, "")


def register_students(paths: GradingPaths, students: list[str], store: ResponseStore | None) -> None:
    """Give each student in the gradebook the trainee's name (markup characters removed)."""
    people = trainees_by_student(store)
    with Gradebook(paths.db_url) as gb:
        for sid in students:
            found = people.get(sid)
            if found is None:
                gb.update_or_create_student(sid)
                continue
            first, last = _split_name(found[1].name)
            gb.update_or_create_student(sid, first_name=first, last_name=last)


def _escape_free_text(paths: GradingPaths, student: str, check: SubmissionCheck) -> None:
    """Rewrite free text that is not literal text; keep the original file in history."""
    folder = paths.submitted(student)
    notebook_path = folder / f"{NOTEBOOK}.ipynb"
    keep = paths.history(student) / f"original-{int(time.time())}"
    keep.mkdir(parents=True, exist_ok=True)
    shutil.copy2(notebook_path, keep / notebook_path.name)
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in check.unescaped_text:
            cell.source = free_text_markdown(cell.source)
    nbformat.write(notebook, notebook_path)
    check.problems.append("written answers were re-escaped as plain text")


def notebook_time_limit(paths: GradingPaths, notebook_timeout: int | None = None) -> int:
    """Seconds one submission may run: ``notebook_timeout`` if given, else the course configuration's."""
    if notebook_timeout is not None:
        return notebook_timeout
    configured = nbgrader_config(paths).DeadlineExecute
    return int(configured.get("notebook_timeout", DeadlineExecute.notebook_timeout.default_value))


def autograde_all(
    paths: GradingPaths, students: list[str], *, workers: int, notebook_timeout: int, done: Progress
) -> dict[str, AutogradeResult]:
    """:func:`.autograde.autograde_submission` for each student, on ``workers`` processes.

    A submission stops itself at ``notebook_timeout`` (nbgrader's execution
    with :class:`~.execute.DeadlineExecute`); a worker still busy with one
    :data:`WORKER_GRACE_SECONDS` after that, or one that dies, is reported as
    an error and the others go on (:func:`.pool.run_in_processes`).
    """
    work = partial(autograde_submission, paths, notebook_timeout=notebook_timeout)

    def as_result(student: str, outcome: AutogradeResult | Lost) -> AutogradeResult:
        if isinstance(outcome, Lost):
            return AutogradeResult(student, "error", (f"not graded: {outcome.reason}",))
        return outcome

    def report(student: str, outcome: AutogradeResult | Lost) -> None:
        done(student, as_result(student, outcome).status)

    outcomes = run_in_processes(work, students, workers=workers, limit=notebook_timeout + WORKER_GRACE_SECONDS,
                                on_result=report)
    return {student: as_result(student, outcome) for student, outcome in outcomes.items()}


def grade(
    paths: GradingPaths | None = None,
    *,
    store: ResponseStore | None = None,
    workers: int = 1,
    notebook_timeout: int | None = None,
    pass_percent: float | None = config.DEFAULT_PASS_PERCENT,
    regrade: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_done: Progress | None = None,
) -> GradeRun:
    """Grade every new submission and write feedback and reports; see the module docstring.

    ``workers`` submissions are graded at once, each in a worker process;
    ``notebook_timeout`` seconds (default: the course configuration's) is how
    long one submission may run. ``pass_percent`` is the agency's passing mark
    (``None``: switched off; the command line passes the configured one, see :mod:`adaptive_policing.config`).
    """
    started = time.monotonic()
    paths = paths or GradingPaths.default()
    tools_on_path()
    ensure_gradebook(paths)
    release = nbformat.read(paths.root / "release" / paths.assignment / f"{NOTEBOOK}.ipynb", as_version=4)
    status = load_status(paths)
    students = submitted_students(paths)
    new = [s for s in students if regrade or status.get(s, {}).get("timestamp") != submission_timestamp(paths, s)]
    unchanged = [s for s in students if s not in new]
    register_students(paths, students, store)

    results: list[StudentResult] = []
    to_grade: list[str] = []
    checks: dict[str, SubmissionCheck] = {}
    for sid in new:
        check = check_submission(paths.submitted(sid) / f"{NOTEBOOK}.ipynb", release)
        if check.unescaped_text and check.gradable:
            _escape_free_text(paths, sid, check)
        checks[sid] = check
        if check.gradable:
            to_grade.append(sid)
    if on_start:
        on_start(len(new))
    done = on_done or (lambda _sid, _outcome: None)
    for sid in new:
        if not checks[sid].gradable:
            done(sid, checks[sid].status)
    limit = notebook_time_limit(paths, notebook_timeout)
    outcomes = autograde_all(paths, to_grade, workers=workers, notebook_timeout=limit, done=done)

    for sid in new:
        check = checks[sid]
        stamp = submission_timestamp(paths, sid)
        if not check.gradable:
            results.append(StudentResult(sid, check.status, check.problems, stamp))
            continue
        outcome = outcomes[sid]
        state = "tampered" if outcome.status == "graded" and check.status == "tampered" else outcome.status
        results.append(StudentResult(sid, state, [*check.problems, *outcome.problems], stamp))
    for r in results:
        status[r.student] = {"status": r.status, "problems": r.problems, "timestamp": r.timestamp}
    for sid in list(status):
        if sid not in students:
            del status[sid]

    reports: dict[str, Path] = {"status": save_status(paths, status)}
    graded_students = [s for s in students if status.get(s, {}).get("status") in ("graded", "tampered", "timed out")]
    # Feedback for trainees graded in earlier runs: a grader may have graded their written answers since.
    earlier = [s for s in graded_students if s not in outcomes and paths.autograded(s).exists()]
    if earlier:  # all in one converter run
        feedback = write_feedback(feedback_converter(nbgrader_api(paths)), paths, earlier)
        if not all(feedback["written"].values()):
            raise GradingError(f"nbgrader generate_feedback failed:\n{feedback.get('error') or feedback.get('log')}")
    reports.update(write_reports(paths, store, status, pass_percent))
    scores = gradebook_scores(paths)
    pending = sorted(s for s, sc in scores.items() if sc.needs_manual_grade and s in graded_students)
    return GradeRun(results, unchanged, reports, time.monotonic() - started, pending, paths.assignment)


def grade_all(paths: GradingPaths | None = None, **options: Any) -> list[GradeRun]:
    """:func:`grade` for every assignment with a source in ``solutions/assessment/`` (``make grade``).

    The core assessment and the district-window module's check share the
    gradebook but are graded, reported and listed apart; ``options`` go to
    each :func:`grade` run. nbgrader's scores export, which lists every
    assignment, is written again once all are graded.
    """
    paths = paths or GradingPaths.default()
    runs = [grade(each, **options) for each in paths.every_assignment() if each.source_notebook().exists()]
    for run in runs:
        if "scores" in run.reports:  # written by the core run, before the other assignments were graded
            export_scores(paths.for_assignment(run.assignment))
    return runs


def write_reports(
    paths: GradingPaths,
    store: ResponseStore | None,
    status: dict[str, dict[str, Any]] | None = None,
    pass_percent: float | None = config.DEFAULT_PASS_PERCENT,
    class_code: str | None = None,
) -> dict[str, Path]:
    """All exports and charts of ``paths.assignment`` from the gradebook as it stands (``adaptive-policing report``).

    The core assessment writes nbgrader's scores export (every assignment, one
    row each), the POST roster and the section-mastery chart; the district-window
    module writes ``results.csv`` (scores only: it is not part of the POST course).
    ``class_code`` limits the roster to one class; the item analysis and charts cover every graded submission.
    Written answers still waiting for a grader count nowhere: not in the chart, not in the item statistics.
    Each graded trainee's own feedback page is written to ``reports/feedback/`` (:mod:`.trainee_feedback`).
    """
    from ..views.charts import score_distribution, section_mastery_chart

    mark = pass_percent
    status = load_status(paths) if status is None else status
    paths.reports.mkdir(parents=True, exist_ok=True)
    scores = graded_scores(paths, status)
    stats = item_analysis(paths, scores)
    mastery = section_mastery(stats, SECTIONS)
    items, sections = export_item_analysis(paths, stats, mastery)
    summary = class_summary(score.status(mark) for score in scores.values())
    written = {
        "item_analysis": items,
        "section_mastery": sections,
        "rubric": export_rubric(paths),
        "score_chart": score_distribution(list(summary.percents), mark, paths.reports / "score-distribution.png"),
        "feedback_pages": write_feedback_pages(paths, sorted(scores), mark),
    }
    if paths.assignment != ASSIGNMENT:
        return {**written, "results": export_results(paths, store, scores, status)}
    return {
        **written,
        "scores": export_scores(paths),
        "roster": export_roster(paths, store, scores, status, mark, class_code),
        "mastery_chart": section_mastery_chart(mastery, paths.reports / "section-mastery.png"),
    }
