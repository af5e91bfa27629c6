"""Exports under ``grading/reports/``: scores, the POST roster, the item analysis, the rubric.

* ``scores.csv``: nbgrader's own scores export (``nbgrader export``).
* ``roster.csv``: the POST roster (:mod:`.roster`).
* ``item-analysis.csv`` and ``section-mastery.csv``: per question the percent
  correct, the discrimination, how often each option was chosen and the flags
  (:mod:`adaptive_policing.analysis.item_statistics`); per section the share of
  points earned. Written answers still waiting for a grader are left out.
* ``rubric.md``: each hand-graded question with its model answer and rubric,
  to keep open next to formgrader, and how ordering and matching questions
  earn partial credit.
* ``results.csv`` (the district-window module's check only, in
  ``reports/district-window-assessment/``): one row per trainee with the
  score; that module is not part of the POST course, so it has no roster.

The core assessment's files are in ``grading/reports/``, the district-window
module's in ``grading/reports/district-window-assessment/``
(:attr:`.course.GradingPaths.reports`).
* ``submission-status.json``: what the last grading runs found per trainee
  (graded, tampered, rejected, broken), read again on the next run.

Every value a trainee typed (their name) is written as data. Spreadsheet
formulas are defused: a cell that would start with ``=``, ``+``, ``-``, ``@``
or a control character gets a leading apostrophe.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import CsvExportPlugin

from ..analysis.grading_status import AssessmentStatus, ItemGrade, assessment_status
from ..analysis.item_statistics import CHOICE_KINDS, ItemStatistics, item_statistics
from ..content.questions import NOTEBOOK, SECTIONS, Question, questions_in
from .submission import cell_answer, student_id
from .course import GradingPaths
from ..views.spreadsheet import write_csv
from ..data.store import TrainingClass, ResponseStore, Trainee

STATUS_FILE = "submission-status.json"


# --- status of submissions ----------------------------------------------------------


def load_status(paths: GradingPaths) -> dict[str, dict[str, Any]]:
    file = paths.reports / STATUS_FILE
    if not file.exists():
        return {}
    try:
        return dict(json.loads(file.read_text()))
    except (ValueError, TypeError):
        return {}


def save_status(paths: GradingPaths, status: dict[str, dict[str, Any]]) -> Path:
    paths.reports.mkdir(parents=True, exist_ok=True)
    file = paths.reports / STATUS_FILE
    file.write_text(json.dumps(status, indent=2, sort_keys=True))
    return file


# --- scores from the gradebook ---------------------------------------------------------


@dataclass
class StudentScore:
    """One trainee's graded submission: per-answer grades (see :mod:`..analysis.grading_status`)."""

    student: str
    max_score: float
    grades: dict[str, ItemGrade] = field(default_factory=dict)
    """grade_id -> the answer's grade (pending while it waits for a grader)."""

    def status(self, pass_percent: float | None) -> AssessmentStatus:
        """The one status every report shows for this trainee."""
        return assessment_status(self.grades, self.max_score, pass_percent)

    @property
    def needs_manual_grade(self) -> bool:
        return any(grade.pending for grade in self.grades.values())


def gradebook_scores(paths: GradingPaths, assignment: str | None = None) -> dict[str, StudentScore]:
    """Every autograded student's per-question grades in ``assignment`` (default: ``paths.assignment``)."""
    scores: dict[str, StudentScore] = {}
    with Gradebook(paths.db_url) as gb:
        try:
            found = gb.find_assignment(assignment or paths.assignment)
        except MissingEntry:
            return scores
        for submission in found.submissions:
            grades = {
                grade.name: ItemGrade(float(grade.score or 0), float(grade.max_score), bool(grade.needs_manual_grade))
                for notebook in submission.notebooks for grade in notebook.grades
            }
            scores[submission.student.id] = StudentScore(submission.student.id, float(submission.max_score or 0), grades)
    return scores


def graded_scores(paths: GradingPaths, status: dict[str, dict[str, Any]] | None = None) -> dict[str, StudentScore]:
    """The gradebook's scores without submissions the last run listed as broken or rejected."""
    status = load_status(paths) if status is None else status
    return {
        sid: score for sid, score in gradebook_scores(paths).items()
        if status.get(sid, {}).get("status") not in ("broken", "rejected")
    }


def trainees_by_student(store: ResponseStore | None) -> dict[str, tuple[TrainingClass, Trainee]]:
    """nbgrader student id -> (class, trainee), for every trainee in the store."""
    found: dict[str, tuple[TrainingClass, Trainee]] = {}
    if store is None:
        return found
    for training_class in store.classes():
        for trainee in store.trainees_in(training_class.id):
            try:
                found[student_id(training_class.code, trainee.badge)] = (training_class, trainee)
            except ValueError:
                continue
    return found


# --- exports ------------------------------------------------------------------------------


def export_scores(paths: GradingPaths) -> Path:
    """nbgrader's scores CSV (the same as ``nbgrader export``)."""
    target = paths.reports / "scores.csv"
    paths.reports.mkdir(parents=True, exist_ok=True)
    with Gradebook(paths.db_url) as gb:
        CsvExportPlugin(to=str(target)).export(gb)
    return target


def submitted_choices(paths: GradingPaths, students: list[str], questions: list[Question]) -> dict[str, dict[str, Any]]:
    """Each graded student's answers to the choice questions, read as data from the graded notebook."""
    wanted = {q.id for q in questions if q.kind in CHOICE_KINDS}
    out: dict[str, dict[str, Any]] = {}
    for sid in students:
        notebook = paths.autograded(sid) / f"{NOTEBOOK}.ipynb"
        try:
            cells = nbformat.read(notebook, as_version=4).cells
        except (OSError, ValueError):
            continue
        answers: dict[str, Any] = {}
        for cell in cells:
            qid = (cell.get("metadata", {}).get("assessment") or {}).get("id")
            if qid in wanted and cell.cell_type == "code":
                answers[qid] = cell_answer(cell.source, qid)
        out[sid] = answers
    return out


def answer_keys(paths: GradingPaths, questions: list[Question]) -> dict[str, frozenset[str]]:
    """The keyed options of each choice question, from the authored source's solution regions."""
    wanted = {q.id for q in questions if q.kind in CHOICE_KINDS}
    keys: dict[str, frozenset[str]] = {}
    for cell in nbformat.read(paths.source_notebook(), as_version=4).cells:
        qid = (cell.get("metadata", {}).get("assessment") or {}).get("id")
        match = _SOLUTION.search(cell.source) if qid in wanted else None
        if not match:
            continue
        key = cell_answer(match.group(1), qid)
        if isinstance(key, str):
            keys[qid] = frozenset([key])
        elif isinstance(key, (list, tuple)):
            keys[qid] = frozenset(map(str, key))
    return keys


def item_analysis(paths: GradingPaths, scores: dict[str, StudentScore],
                  questions: list[Question] | None = None) -> list[ItemStatistics]:
    """Item statistics of ``scores`` with each trainee's choices and the answer key."""
    questions = questions if questions is not None else release_questions(paths)
    return item_statistics(
        questions,
        {sid: score.grades for sid, score in scores.items()},
        submitted_choices(paths, sorted(scores), questions),
        answer_keys(paths, questions),
    )


def _choices_cell(stat: ItemStatistics) -> str:
    return "; ".join(f"{option}: {count}{' (key)' if keyed else ''}" for option, count, keyed in stat.choices)


def export_item_analysis(paths: GradingPaths, stats: list[ItemStatistics], mastery: dict[str, float]) -> list[Path]:
    """``item-analysis.csv`` (one row per question) and ``section-mastery.csv``."""
    items = write_csv(
        paths.reports / "item-analysis.csv",
        ["number", "grade_id", "section", "kind", "points", "graded", "pending", "fully_right", "percent_correct",
         "mean_percent_of_points", "discrimination", "choices", "distractors_nobody_picked", "flag", "note",
         "question"],
        [[s.question.number, s.question.id, s.question.section, s.question.kind, f"{s.question.points:g}",
          s.graded, s.pending, s.fully_right, f"{s.percent_correct:.1f}", f"{100 * s.mean_fraction:.1f}",
          "" if s.discrimination is None else f"{s.discrimination:.2f}", _choices_cell(s),
          " | ".join(s.unpicked_distractors), s.flag, s.note, s.question.prompt] for s in stats],
    )
    sections = write_csv(
        paths.reports / "section-mastery.csv",
        ["section", "title", "percent_of_points"],
        [[key, SECTIONS[key], f"{value:.1f}"] for key, value in mastery.items()],
    )
    return [items, sections]


_SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


def export_rubric(paths: GradingPaths) -> Path:
    """``rubric.md``: the hand-graded questions with model answers and rubrics, from the source."""
    source = nbformat.read(paths.source_notebook(), as_version=4)
    parts = ["# Rubric for the written answers\n",
             "Grade these in formgrader (Manual grading). Write a comment for each answer: trainees see it in "
             "their feedback.\n"]
    for q in questions_in(source):
        if q.kind != "text":
            continue
        cell = next(c for c in source.cells if (c.metadata.get("assessment") or {}).get("id") == q.id)
        match = _SOLUTION.search(cell.source)
        parts.append(f"## Question {q.number} · `{q.id}` · {q.section_title} · {q.points:g} points\n\n{q.prompt}\n\n"
                     f"{match.group(1).strip() if match else ''}\n")
    parts += partial_credit_rules(questions_in(source))
    target = paths.reports / "rubric.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(parts))
    return target


PARTIAL_CREDIT = {
    "order": "pairwise agreement: every pair of items the trainee put in the right order relative to each other "
             "earns an equal share of the points (one item out of place costs little; the reverse order earns 0).",
    "match": "each correct match earns an equal share of the points.",
}
"""How the autograded kinds that give partial credit score (their hidden tests compute exactly this)."""


def partial_credit_rules(questions: list[Question]) -> list[str]:
    """The rubric's section on partial credit: one line per ordering or matching question."""
    rows = [f"- Question {q.number} · `{q.id}` ({q.kind}, {q.points:g} points): {PARTIAL_CREDIT[q.kind]}"
            for q in questions if q.kind in PARTIAL_CREDIT]
    if not rows:
        return []
    return ["## Partial credit on autograded questions\n",
            "Multiple-choice and true/false questions earn all or nothing.\n", "\n".join(rows) + "\n"]


def export_results(
    paths: GradingPaths,
    store: ResponseStore | None,
    scores: dict[str, StudentScore],
    status: dict[str, dict[str, Any]],
) -> Path:
    """``results.csv`` for an assignment outside the POST course: every trainee who submitted, with the score.

    ``completed`` is ``yes`` for a graded submission, otherwise why not (broken, rejected); there is no pass mark.
    """
    people = trainees_by_student(store)
    header = ["assignment", "class_code", "class_date", "trainee_name", "trainee_number", "completed", "score",
              "max_score", "percent", "notes"]
    rows: list[list[object]] = []
    for sid in sorted(set(scores) | set(status)):
        code, _, badge = sid.partition("-b")
        training_class, trainee = people.get(sid, (None, None))
        score, found = scores.get(sid), status.get(sid) or {}
        result = score.status(None) if score is not None else None
        rows.append([
            paths.assignment, code, str(training_class.class_date) if training_class else "",
            trainee.name if trainee else "", badge,
            "yes" if result is not None else f"no: {found.get('status', 'not graded')}",
            "" if result is None else f"{result.score:g}",
            "" if result is None else f"{result.max_score:g}",
            "" if result is None or result.percent is None else f"{result.percent:.1f}",
            "; ".join(found.get("problems", [])),
        ])
    return write_csv(paths.reports / "results.csv", header, rows)


def release_questions(paths: GradingPaths) -> list[Question]:
    return questions_in(nbformat.read(paths.source_notebook(), as_version=4))
