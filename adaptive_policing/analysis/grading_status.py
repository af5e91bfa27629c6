"""One grading truth: a trainee's assessment status, used by every view of the scores.

The console's Assessment tab, the roster, the score chart and the item
statistics all read a trainee's result through :func:`assessment_status`, so
they cannot disagree:

* a written answer nobody has graded yet is **pending**: it never counts as 0,
  the trainee's percent is not known, and whether they met the agency's
  standard is "pending";
* a trainee is **graded** once every answer has a score;
* the pass mark is the agency's choice: ``None`` switches it off, and then no
  one is reported as having met or missed it.

Pure: numbers in, a status out; no nbgrader, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal, Mapping

State = Literal["graded", "pending", "not graded"]
Standard = Literal["yes", "no", "pending", ""]


@dataclass(frozen=True)
class ItemGrade:
    """One answer's grade: points earned, points possible, and whether it still waits for a grader."""

    score: float
    max_score: float
    pending: bool = False

    @property
    def fraction(self) -> float | None:
        """Share of the points earned (0–1), ``None`` while pending or when the item is worth nothing."""
        if self.pending or not self.max_score:
            return None
        return self.score / self.max_score


@dataclass(frozen=True)
class AssessmentStatus:
    """A trainee's assessment as every report shows it."""

    state: State
    score: float
    """Points earned on the graded answers (pending answers count nothing, and are not reported as 0)."""
    max_score: float
    pending: tuple[str, ...] = ()
    """Ids of the answers still waiting for a grader."""
    met_standard: Standard = ""
    """``yes``/``no`` against the pass mark, ``pending`` while answers wait, empty when there is no pass mark."""

    @property
    def percent(self) -> float | None:
        """Percent of all points, known only once every answer is graded."""
        if self.state != "graded" or not self.max_score:
            return None
        return 100.0 * self.score / self.max_score


NOT_GRADED = AssessmentStatus("not graded", 0.0, 0.0)
"""No gradable submission (none, broken or rejected)."""


def assessment_status(
    grades: Mapping[str, ItemGrade] | None, max_score: float, pass_percent: float | None
) -> AssessmentStatus:
    """The status of one submission from its per-answer grades; ``None`` grades: nothing graded."""
    if grades is None:
        return NOT_GRADED
    pending = tuple(item for item, grade in grades.items() if grade.pending)
    score = sum(grade.score for grade in grades.values() if not grade.pending)
    if pending:
        return AssessmentStatus("pending", score, max_score, pending, "pending" if pass_percent is not None else "")
    status = AssessmentStatus("graded", score, max_score)
    if pass_percent is None or status.percent is None:
        return status
    return AssessmentStatus("graded", score, max_score, (), "yes" if status.percent >= pass_percent else "no")


@dataclass(frozen=True)
class ClassSummary:
    """How many of a class's submissions are graded, pending and at or above the pass mark."""

    graded: int
    pending: int
    met: int
    percents: tuple[float, ...]
    """Percents of the fully graded submissions only, lowest first (what the score chart draws)."""


def class_summary(statuses: Iterable[AssessmentStatus]) -> ClassSummary:
    """Counts for the console and the chart, from the same statuses the roster prints."""
    listed = list(statuses)
    percents = sorted(s.percent for s in listed if s.percent is not None)
    return ClassSummary(
        graded=sum(s.state == "graded" for s in listed),
        pending=sum(s.state == "pending" for s in listed),
        met=sum(s.met_standard == "yes" for s in listed),
        percents=tuple(round(p, 1) for p in percents),
    )
