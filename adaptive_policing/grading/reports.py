"""Exports under ``grading/reports/``: scores, the POST roster, the item analysis, the rubric.

* ``scores.csv``: nbgrader's own scores export (``nbgrader export``).
* ``roster.csv``: a POST-style roster, one row per trainee of each class:
  course 2320 / POST 10206, class date, hours, trainee name and number,
  attended, assessment completed, score, passed.
* ``item-analysis.csv`` and ``section-mastery.csv``: percent correct per
  question and per section, with questions nearly everyone misses or gets
  right flagged.
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

from ..content.questions import SECTIONS, Question, questions_in
from .submission import student_id
from .course import GradingPaths
from ..views.spreadsheet import write_csv
from ..data.store import TrainingClass, ResponseStore, Trainee

COURSE_NUMBER = "2320"
POST_COURSE = "10206"
COURSE_HOURS = 2
PASS_PERCENT = 70.0
"""Default passing mark in percent of all points (the outline sets none; change with ``--pass-percent``)."""
MISSED_BY_NEARLY_ALL = 20.0
"""A question answered fully right by at most this percent is flagged."""
RIGHT_BY_NEARLY_ALL = 90.0
"""A question answered fully right by at least this percent is flagged."""

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
    student: str
    score: float
    max_score: float
    needs_manual_grade: bool
    grades: dict[str, tuple[float, float, bool]] = field(default_factory=dict)
    """grade_id -> (score, max score, still needs a manual grade)."""

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


def gradebook_scores(paths: GradingPaths) -> dict[str, StudentScore]:
    """Every autograded student's score and per-question grades."""
    scores: dict[str, StudentScore] = {}
    with Gradebook(paths.db_url) as gb:
        try:
            assignment = gb.find_assignment(paths.assignment)
        except MissingEntry:
            return scores
        for submission in assignment.submissions:
            grades: dict[str, tuple[float, float, bool]] = {}
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    grades[grade.name] = (float(grade.score or 0), float(grade.max_score), bool(grade.needs_manual_grade))
            scores[submission.student.id] = StudentScore(
                student=submission.student.id,
                score=float(submission.score or 0),
                max_score=float(submission.max_score or 0),
                needs_manual_grade=bool(submission.needs_manual_grade),
                grades=grades,
            )
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


def _completed(status: dict[str, Any] | None, score: StudentScore | None) -> str:
    if status and status.get("status") == "broken":
        return "no: submission file broken"
    if status and status.get("status") == "rejected":
        return "no: submission rejected"
    if score is not None:
        return "yes"
    return "no"


def _passed(score: StudentScore | None, pass_percent: float) -> str:
    if score is None:
        return "no"
    if score.needs_manual_grade:
        return "pending: written answers not graded yet"
    return "yes" if score.percent >= pass_percent else "no"


def export_roster(
    paths: GradingPaths,
    store: ResponseStore | None,
    scores: dict[str, StudentScore],
    status: dict[str, dict[str, Any]],
    pass_percent: float = PASS_PERCENT,
) -> Path:
    """The POST-style roster: every trainee of every class with a trainee, and any unmatched submission."""
    people = trainees_by_student(store)
    header = ["course_number", "post_course", "class_code", "class_date", "hours", "trainee_name",
              "trainee_number", "attended", "assessment_completed", "score", "max_score", "percent",
              "passed", "notes"]
    rows: list[list[object]] = []
    listed: set[str] = set()
    for sid, (training_class, trainee) in sorted(people.items(), key=lambda kv: (str(kv[1][0].class_date), kv[1][0].code, kv[1][1].name)):
        listed.add(sid)
        rows.append(_roster_row(sid, training_class.code, str(training_class.class_date), trainee.name, trainee.badge, "yes",
                                scores.get(sid), status.get(sid), pass_percent))
    for sid in sorted(set(scores) | set(status)):
        if sid in listed:
            continue
        code, _, badge = sid.partition("-b")
        rows.append(_roster_row(sid, code, "", "", badge, "no", scores.get(sid), status.get(sid), pass_percent))
    return write_csv(paths.reports / "roster.csv", header, rows)


def _roster_row(sid: str, code: str, when: str, name: str, badge: str, attended: str,
                score: StudentScore | None, status: dict[str, Any] | None, pass_percent: float) -> list[object]:
    notes = []
    if status and status.get("problems"):
        notes.append("; ".join(status["problems"]))
    if score is not None and score.needs_manual_grade:
        notes.append("written answers to grade in formgrader")
    return [
        COURSE_NUMBER, POST_COURSE, code, when, COURSE_HOURS, name, badge, attended,
        _completed(status, score),
        "" if score is None else f"{score.score:g}",
        "" if score is None else f"{score.max_score:g}",
        "" if score is None else f"{score.percent:.1f}",
        _passed(score, pass_percent),
        " | ".join(notes),
    ]


@dataclass
class ItemStat:
    question: Question
    answered: int
    fully_right: int
    mean_fraction: float

    @property
    def percent_correct(self) -> float:
        return 100.0 * self.fully_right / self.answered if self.answered else 0.0

    @property
    def flag(self) -> str:
        if not self.answered:
            return ""
        if self.percent_correct <= MISSED_BY_NEARLY_ALL:
            return "nearly everyone misses"
        if self.percent_correct >= RIGHT_BY_NEARLY_ALL:
            return "nearly everyone gets right"
        return ""


def item_statistics(questions: list[Question], scores: dict[str, StudentScore]) -> list[ItemStat]:
    """Per question: how many graded answers, how many fully right, the mean share of points."""
    stats = []
    for q in questions:
        fractions = []
        right = 0
        for student in scores.values():
            got = student.grades.get(q.id)
            if got is None or got[2] or not got[1]:
                continue  # not graded yet (written answers waiting for a grader)
            fractions.append(got[0] / got[1])
            right += got[0] >= got[1]
        stats.append(ItemStat(q, len(fractions), right, sum(fractions) / len(fractions) if fractions else 0.0))
    return stats


def section_mastery(stats: list[ItemStat]) -> dict[str, float]:
    """Per section: percent of the available points earned (weighted by each question's points)."""
    earned: dict[str, float] = {}
    possible: dict[str, float] = {}
    for s in stats:
        if not s.answered:
            continue
        key = s.question.section
        earned[key] = earned.get(key, 0.0) + s.mean_fraction * s.question.points
        possible[key] = possible.get(key, 0.0) + s.question.points
    return {key: 100.0 * earned[key] / possible[key] for key in SECTIONS if possible.get(key)}


def export_item_analysis(paths: GradingPaths, stats: list[ItemStat], mastery: dict[str, float]) -> list[Path]:
    items = write_csv(
        paths.reports / "item-analysis.csv",
        ["number", "grade_id", "section", "kind", "points", "graded", "fully_right", "percent_correct",
         "mean_percent_of_points", "flag", "question"],
        [[s.question.number, s.question.id, s.question.section, s.question.kind, f"{s.question.points:g}",
          s.answered, s.fully_right, f"{s.percent_correct:.1f}", f"{100 * s.mean_fraction:.1f}", s.flag,
          s.question.prompt] for s in stats],
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
    """``results.csv`` for an assignment outside the POST course: every trainee who submitted, with the score."""
    people = trainees_by_student(store)
    header = ["assignment", "class_code", "class_date", "trainee_name", "trainee_number", "completed", "score",
              "max_score", "percent", "notes"]
    rows: list[list[object]] = []
    for sid in sorted(set(scores) | set(status)):
        code, _, badge = sid.partition("-b")
        training_class, trainee = people.get(sid, (None, None))
        score, found = scores.get(sid), status.get(sid)
        rows.append([
            paths.assignment, code, str(training_class.class_date) if training_class else "",
            trainee.name if trainee else "", badge, _completed(found, score),
            "" if score is None else f"{score.score:g}",
            "" if score is None else f"{score.max_score:g}",
            "" if score is None else f"{score.percent:.1f}",
            "; ".join(found.get("problems", [])) if found else "",
        ])
    return write_csv(paths.reports / "results.csv", header, rows)


def release_questions(paths: GradingPaths) -> list[Question]:
    return questions_in(nbformat.read(paths.source_notebook(), as_version=4))
