"""``roster.csv``: the POST roster, with course completion and the assessment apart.

One row per trainee of each reported class (only that class's own trainees;
a submission whose student id names the class but matches no sign-in is listed
after them, marked as such). Columns:

* course 2320 / POST 10206, class code and date, hours, trainee name and number;
* ``attended`` and ``minutes_present``, each Required Learning Activity, and
  ``course_completed``: completion as the outline defines it
  (:mod:`adaptive_policing.analysis.completion`): ``yes``, ``no`` or
  ``no activity`` for a sign-in by mistake, never a fail;
* ``assessment_status``, ``score``, ``max_score``, ``percent``: the assessment
  as :func:`adaptive_policing.analysis.grading_status.assessment_status` gives
  it (``pending`` while written answers wait for a grader: no score, no 0);
* ``pass_percent`` and ``met_standard``: the agency's standard, blank when the
  pass mark is switched off. The outline requires no test, so this column
  never decides completion.

Every value a trainee typed is written as data by
:func:`adaptive_policing.views.spreadsheet.write_csv` (formulas defused).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..analysis.attendance import attendance
from ..analysis.completion import REQUIRED_ACTIVITIES, Completion, Evidence, completion, minutes_present
from ..analysis.grading_status import NOT_GRADED, AssessmentStatus
from ..content.plan import load_plans
from ..data.store import ResponseStore, Trainee, TrainingClass
from ..views.spreadsheet import write_csv
from .course import GradingPaths
from .reports import StudentScore
from .submission import student_id

COURSE_NUMBER = "2320"
POST_COURSE = "10206"
COURSE_PLAN = "adaptive-policing"
"""The course plan whose minutes a trainee must attend (``course/plan.yaml``)."""
COURSE_MINUTES = 120
"""Used when the course plan cannot be read."""
SUBMITTED_PROMPT_PREFIX = "assessment-submitted:"
"""Saved answers whose prompt id starts with this are assessment submissions (see the assessment app)."""

HEADER = ["course_number", "post_course", "class_code", "class_date", "hours", "trainee_name", "trainee_number",
          "attended", "minutes_present", *[a.title.lower().replace(" ", "_") for a in REQUIRED_ACTIVITIES],
          "course_completed", "assessment_status", "score", "max_score", "percent", "pass_percent", "met_standard",
          "notes"]


def course_minutes() -> int:
    """The certified course's minutes, from the course plan."""
    try:
        return load_plans()[COURSE_PLAN].minutes
    except (OSError, KeyError, ValueError):
        return COURSE_MINUTES


def class_completion(store: ResponseStore, training_class: TrainingClass, minutes: int,
                     submitted: frozenset[str] = frozenset()) -> dict[int, Completion]:
    """Every trainee of one class (by trainee id): attendance, activities and completion.

    ``submitted`` holds the student ids with a submission in nbgrader's course root (a submission counts as
    activity even if the store does not know of it).
    """
    trainees = store.trainees_in(training_class.id)
    answers = list(store.iter_answers(training_class.id))
    sheets = store.class_worksheet_history(training_class.id)
    rows = attendance(trainees, store.visits(training_class.id), answers,
                      worksheet_saves=[revision for *_rest, revision in sheets])
    prompts: dict[int, set[str]] = {}
    for trainee, answer in answers:
        prompts.setdefault(trainee.id, set()).add(answer.prompt_id)
    out = {}
    for row in rows:
        trainee = row.trainee
        group = store.group_of(trainee)
        saved = {sheet for sheet, kind, owner, revision in sheets
                 if (kind == "trainee" and revision.author_id == trainee.id)
                 or (kind == "group" and group is not None and owner == group.name)}
        done = prompts.get(trainee.id, set())
        evidence = Evidence(frozenset(done), frozenset(saved),
                            any(p.startswith(SUBMITTED_PROMPT_PREFIX) for p in done)
                            or _student(training_class, trainee) in submitted)
        out[trainee.id] = completion(evidence, minutes_present(trainee.created_at, row.last_seen), minutes)
    return out


def _student(training_class: TrainingClass, trainee: Trainee) -> str:
    try:
        return student_id(training_class.code, trainee.badge)
    except ValueError:
        return ""


@dataclass(frozen=True)
class _Submission:
    status: AssessmentStatus
    run: dict[str, Any]
    """What the last grading run recorded (status, problems)."""


def _assessment_words(found: _Submission | None) -> str:
    if found is None:
        return "not submitted"
    recorded = found.run.get("status")
    if recorded == "broken":
        return "not graded: submission file broken"
    if recorded == "rejected":
        return "not graded: submission rejected"
    if found.status.state == "pending":
        return "pending: written answers not graded yet"
    if found.status.state == "graded":
        return "graded"
    return f"not graded: {recorded}" if recorded else "not graded yet"


def _row(code: str, when: str, name: str, badge: str, done: Completion | None, found: _Submission | None,
         pass_percent: float | None, extra: list[str]) -> list[object]:
    status = found.status if found else NOT_GRADED
    notes = list(extra)
    if done is not None and done.completed == "no":
        notes.append("not completed: " + ", ".join(done.missing))
    if found and found.run.get("problems"):
        notes.append("; ".join(found.run["problems"]))
    if status.state == "pending":
        notes.append(f"{status.score:g} points so far; written answers to grade in formgrader")
    percent = status.percent
    return [
        COURSE_NUMBER, POST_COURSE, code, when, f"{course_minutes() / 60:g}", name, badge,
        "" if done is None else ("yes" if done.attended else "no"),
        "" if done is None else done.minutes,
        *(["" if done is None else ("yes" if ok else "no") for _a, ok in done.activities] if done
          else ["" for _a in REQUIRED_ACTIVITIES]),
        "" if done is None else done.completed,
        _assessment_words(found),
        f"{status.score:g}" if status.state == "graded" else "",
        f"{status.max_score:g}" if status.state != "not graded" else "",
        "" if percent is None else f"{percent:.1f}",
        "" if pass_percent is None else f"{pass_percent:g}",
        status.met_standard,
        " | ".join(notes),
    ]


def export_roster(
    paths: GradingPaths,
    store: ResponseStore | None,
    scores: dict[str, StudentScore],
    status: dict[str, dict[str, Any]],
    pass_percent: float | None,
    class_code: str | None = None,
) -> Path:
    """Write ``roster.csv`` for the class ``class_code`` (default: every class, each with only its own trainees)."""
    minutes = course_minutes()
    classes = [c for c in (store.classes() if store else []) if class_code in (None, c.code)]
    classes.sort(key=lambda c: (str(c.class_date), c.code))

    def submission(sid: str) -> _Submission | None:
        if sid not in scores and sid not in status:
            return None
        score = scores.get(sid)
        graded = score.status(pass_percent) if score and status.get(sid, {}).get("status") not in ("broken", "rejected") \
            else NOT_GRADED
        return _Submission(graded, status.get(sid, {}))

    rows: list[list[object]] = []
    listed: set[str] = set()
    for training_class in classes:
        done = class_completion(store, training_class, minutes, frozenset(scores) | frozenset(status)) if store else {}
        trainees: list[Trainee] = sorted(store.trainees_in(training_class.id), key=lambda t: t.name) if store else []
        for trainee in trainees:
            sid = _student(training_class, trainee)
            listed.add(sid)
            rows.append(_row(training_class.code, str(training_class.class_date), trainee.name, trainee.badge,
                             done.get(trainee.id), submission(sid), pass_percent, []))
    for sid in sorted(set(scores) | set(status)):
        code, _, badge = sid.partition("-b")
        if sid in listed or (class_code is not None and code != class_code):
            continue
        rows.append(_row(code, "", "", badge, None, submission(sid), pass_percent,
                         ["submission with no sign-in in this class"]))
    return write_csv(paths.reports / "roster.csv", HEADER, rows)
