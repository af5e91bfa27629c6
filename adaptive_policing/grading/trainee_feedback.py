"""Each trainee's own feedback page, written by ``make grade`` and ``adaptive-policing report``.

After nbgrader has graded the answers (and written its own feedback HTML,
which stays for the coordinator under ``grading/feedback/``), this module
writes one page per graded trainee and assessment to
``<reports>/feedback/<student>.html`` (:func:`feedback_page_path`), read from:

* **the gradebook**, through :class:`nbgrader.api.Gradebook`: each answer's
  score, its maximum, whether it still waits for a grader, and the grader's
  comment (never scraped from nbgrader's HTML);
* **the trainee's graded answer sheet** (``autograded/<student>/<assignment>/``):
  the answers, read as data (literals with :func:`ast.literal_eval`, written
  text un-indented), never executed;
* **the question bank** (the authored source): the questions and, for an
  answer that was not fully right, the explanation.

The page itself is :func:`adaptive_policing.views.trainee_feedback.feedback_page`.
The coordinator may hand each trainee their own page (printed, or sent to them);
the folder is under the coordinator-only course root and is never served. The
assessment's course page shows a signed-in trainee the same feedback, built by
:func:`trainee_feedback` for that trainee's own student id only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import nbformat

from ..analysis.answer_feedback import AnswerFeedback, FeedbackSheet, answer_feedback
from ..analysis.grading_status import ItemGrade, assessment_status
from ..content.questions import NOTEBOOK, Question, questions_in
from ..views.trainee_feedback import feedback_page
from .course import GradingPaths
from .submission import cell_answer, free_text_from_markdown

if TYPE_CHECKING:  # nbgrader is imported where it is used: the course page checks files first
    from nbgrader.api import Gradebook

UNANSWERED_TEXT = ("", "Your answer here.")
"""A written answer cell as released (nbgrader's ``ClearSolutions.text_stub``): not answered."""


def feedback_page_path(paths: GradingPaths, student: str) -> Path:
    """Where ``student``'s feedback page on ``paths.assignment`` is written."""
    return paths.reports / "feedback" / f"{student}.html"


def graded_answers(notebook: nbformat.NotebookNode) -> dict[str, Any]:
    """Question id -> the trainee's answer in a graded answer sheet (``None`` when not answered)."""
    answers: dict[str, Any] = {}
    for cell in notebook.cells:
        data = cell.get("metadata", {}).get("assessment") or {}
        qid = data.get("id")
        if not isinstance(qid, str):
            continue
        if data.get("kind") == "text":
            text = free_text_from_markdown(cell.source)
            answers[qid] = None if text.strip() in UNANSWERED_TEXT else text
        else:
            answers[qid] = cell_answer(cell.source, qid)
    return answers


def _comment(comments: dict[str, str], question: Question) -> str:
    # A written answer's comment is on its own cell; an autograded question's on its answer cell.
    return comments.get(question.id) or comments.get(f"{question.id}_answer", "")


def feedback_sheet(gb: Gradebook, paths: GradingPaths, student: str, questions: list[Question], title: str,
                   pass_percent: float | None) -> FeedbackSheet | None:
    """One trainee's :class:`FeedbackSheet`, or ``None`` when the gradebook or the graded sheet lacks them."""
    from nbgrader.api import MissingEntry

    try:
        graded = gb.find_submission_notebook(NOTEBOOK, paths.assignment, student)
        notebook = nbformat.read(paths.autograded(student) / f"{NOTEBOOK}.ipynb", as_version=4)
    except (MissingEntry, OSError, ValueError):
        return None
    grades = {g.name: ItemGrade(float(g.score or 0), float(g.max_score or 0), bool(g.needs_manual_grade))
              for g in graded.grades}
    comments = {c.name: (c.manual_comment or "").strip() for c in graded.comments}
    answers = graded_answers(notebook)
    items: list[AnswerFeedback] = [
        answer_feedback(q, answers.get(q.id), grades.get(q.id, ItemGrade(0.0, q.points)), _comment(comments, q))
        for q in questions
    ]
    person = graded.student
    name = " ".join(part for part in (person.first_name, person.last_name) if part) or f"trainee {student}"
    return FeedbackSheet(title=title, trainee=name, items=tuple(items), pass_percent=pass_percent,
                         status=assessment_status(grades, float(graded.max_score or 0), pass_percent))


def _bank(paths: GradingPaths) -> tuple[list[Question], str]:
    """The questions (with their explanations) and the title of the assessment, from the authored source."""
    source = nbformat.read(paths.source_notebook(), as_version=4)
    return questions_in(source), str(source.metadata.get("title") or paths.assignment).replace(" · ", ": ")


def write_feedback_pages(paths: GradingPaths, students: Iterable[str], pass_percent: float | None) -> Path:
    """Write the feedback page of each of ``students`` who has been graded; returns the folder."""
    from nbgrader.api import Gradebook

    questions, title = _bank(paths)
    folder = paths.reports / "feedback"
    folder.mkdir(parents=True, exist_ok=True)
    with Gradebook(paths.db_url) as gb:
        for student in students:
            sheet = feedback_sheet(gb, paths, student, questions, title, pass_percent)
            if sheet is not None:
                feedback_page_path(paths, student).write_text(feedback_page(sheet), encoding="utf-8")
    return folder


def is_graded(paths: GradingPaths, student: str) -> bool:
    """Whether ``student``'s answers to ``paths.assignment`` have been graded (cheap: files only).

    A gradebook on a database server is taken to exist: the autograded notebook is written only after grading.
    """
    gradebook = paths.gradebook_file
    return (gradebook is None or gradebook.is_file()) and (paths.autograded(student) / f"{NOTEBOOK}.ipynb").is_file()


def trainee_feedback(paths: GradingPaths, student: str, pass_percent: float | None) -> FeedbackSheet | None:
    """``student``'s feedback as the gradebook holds it now, ``None`` before their answers are graded."""
    if not is_graded(paths, student):
        return None  # never create a gradebook from a trainee's page
    from nbgrader.api import Gradebook

    questions, title = _bank(paths)
    with Gradebook(paths.db_url) as gb:
        return feedback_sheet(gb, paths, student, questions, title, pass_percent)
