"""One unit of grading work: autograde one trainee's submission and write its feedback.

:func:`autograde_submission` is what each worker process of ``adaptive-policing
grade`` runs, once per submission (see :mod:`.pipeline`); it can also be called
on its own. It runs nbgrader's ``autograde`` (the notebook executes under
:class:`~.execute.DeadlineExecute`, so it stops at the per-cell and per-notebook
time limits) and then nbgrader's feedback converter (:mod:`.feedback_html`, kept for the
process's next submissions), and always returns an
:class:`AutogradeResult`: a submission nbgrader cannot grade is reported, never
raised, so one bad submission cannot stop the others.

The submission must already have passed :func:`.checks.check_submission`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import nbformat

from ..content.questions import NOTEBOOK
from .course import GradingPaths, nbgrader_api, nbgrader_config
from .execute import timed_out
from .feedback_html import FeedbackForStudents, feedback_converter, write_feedback
from .submission import keep_unchanged_hand_scores, written_answers

Outcome = Literal["graded", "timed out", "error"]

TIMED_OUT = "grading stopped at the time limit; unfinished questions score 0"


@dataclass(frozen=True)
class AutogradeResult:
    """What autograding one submission gave."""

    student: str
    status: Outcome
    """``graded``; ``timed out`` (graded, with the cells cut off by the time limit scoring 0); ``error``."""
    problems: tuple[str, ...] = ()
    """Plain sentences for the instructor, empty when all went well."""


def autograde_submission(paths: GradingPaths, student: str, notebook_timeout: int | None = None) -> AutogradeResult:
    """Autograde ``student``'s submission in the course root of ``paths`` and write its feedback HTML.

    ``notebook_timeout`` (seconds the whole notebook may run) overrides the
    course configuration's ``DeadlineExecute.notebook_timeout``. The scores land
    in the gradebook, the graded notebook under ``autograded/`` and the feedback
    under ``feedback/``, as with ``nbgrader autograde`` and ``generate_feedback``.
    """
    try:
        return _autograde(_api(paths, notebook_timeout), _feedback(paths, notebook_timeout), paths, student)
    except Exception as problem:  # noqa: BLE001 (one bad submission must not stop the others)
        return AutogradeResult(student, "error", (f"nbgrader could not grade it: {problem.__class__.__name__}",))


@lru_cache(maxsize=4)
def _api(paths: GradingPaths, notebook_timeout: int | None) -> Any:
    """nbgrader's API for a course root, made once per process and reused for every submission."""
    cfg = nbgrader_config(paths)
    if notebook_timeout is not None:
        cfg.DeadlineExecute.notebook_timeout = notebook_timeout
    return nbgrader_api(paths, cfg)


@lru_cache(maxsize=4)
def _feedback(paths: GradingPaths, notebook_timeout: int | None) -> FeedbackForStudents:
    """nbgrader's feedback converter on :func:`_api`, kept so its templates are set up once per process."""
    return feedback_converter(_api(paths, notebook_timeout))


def _autograde(api: Any, feedback: FeedbackForStudents, paths: GradingPaths, student: str) -> AutogradeResult:
    graded = paths.autograded(student) / f"{NOTEBOOK}.ipynb"
    before = written_answers(nbformat.read(graded, as_version=4)) if graded.exists() else {}
    result = api.autograde(paths.assignment, student, force=True, create=True)
    if not result.get("success") or not graded.exists():
        log = (result.get("error") or result.get("log") or "").strip().splitlines()
        reason = log[-1] if log else "unknown error"
        return AutogradeResult(student, "error", (f"nbgrader could not grade it: {reason}",))
    if before:  # a resubmission: unchanged written answers keep their hand scores
        keep_unchanged_hand_scores(paths.db_url, student, before, written_answers(nbformat.read(graded, as_version=4)),
                                   assignment=paths.assignment)
    status: Outcome = "timed out" if timed_out(nbformat.read(graded, as_version=4)) else "graded"
    problems = [TIMED_OUT] if status == "timed out" else []
    if not write_feedback(feedback, paths, [student])["written"][student]:
        problems.append("feedback could not be written")
    return AutogradeResult(student, status, tuple(problems))
