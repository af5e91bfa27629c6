"""Course completion as the certified outline defines it (POST course 10206).

The outline has no required test. A trainee has **completed** the course when
they

1. attended the course minutes (measured from sign-in to their last saved
   action or page visit; see :func:`attended`), and
2. completed the three Required Learning Activities (:data:`REQUIRED_ACTIVITIES`).

The assessment score, and whether it met the agency's standard, are reported
apart (:mod:`.grading_status`); they never decide completion.

Each activity's completion is one rule on plain evidence (prompt ids answered,
worksheet ids saved by the trainee or their group), in
:func:`activity_completed`. Activity 3 counts as completed by its observer
rating: the rubric the trainee saved as the observer of a round (an answer
whose id starts with ``rubric:``), or, for classes run before the rubric, the
observer checklist worksheet (:data:`ACTIVITY_3_RATING`).

A trainee who signed in and then saved nothing, submitted nothing and stayed
less than the course minutes is **no activity** (a sign-in by mistake), never
"not completed".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ..content.complaint_process import PROMPT_PREFIX as RUBRIC_PREFIX

ACTIVITY_3_RATING = "a3-observer-checklist"
"""The worksheet that held Activity 3's observer rating before the rubric (classes run earlier)."""

ATTENDANCE_SHARE = 0.9
"""Share of the course minutes a trainee must be present for (late sign-in and an early last save allowed for)."""


@dataclass(frozen=True)
class RequiredActivity:
    """A Required Learning Activity and the evidence that completes it.

    Completed by any saved answer to a prompt whose id starts with
    ``prompt_prefix``, or by the worksheet ``worksheet`` saved by the trainee
    or their group (either of the two that is set).
    """

    id: str
    title: str
    prompt_prefix: str = ""
    worksheet: str = ""


REQUIRED_ACTIVITIES: tuple[RequiredActivity, ...] = (
    RequiredActivity("activity-1-who-are-our-customers", "Activity 1", prompt_prefix="a1-"),
    RequiredActivity("activity-2-private-and-public-service", "Activity 2", worksheet="a2-comparison"),
    RequiredActivity("activity-3-changing-perception", "Activity 3", prompt_prefix=RUBRIC_PREFIX,
                     worksheet=ACTIVITY_3_RATING),
)


@dataclass(frozen=True)
class Evidence:
    """What one trainee did: prompts answered, worksheets saved (by them or their group), a submission."""

    prompts: frozenset[str] = frozenset()
    worksheets: frozenset[str] = frozenset()
    submitted: bool = False

    @property
    def anything(self) -> bool:
        return bool(self.prompts or self.worksheets or self.submitted)


def activity_completed(activity: RequiredActivity, evidence: Evidence) -> bool:
    """Whether ``evidence`` completes ``activity`` (the one rule the roster uses)."""
    if activity.worksheet and activity.worksheet in evidence.worksheets:
        return True
    return bool(activity.prompt_prefix) and any(p.startswith(activity.prompt_prefix) for p in evidence.prompts)


def minutes_present(signed_in: datetime, last_seen: datetime | None) -> int:
    """Whole minutes from sign-in to the last action (0 before any)."""
    if last_seen is None or last_seen <= signed_in:
        return 0
    return int((last_seen - signed_in).total_seconds() // 60)


def attended(minutes: int, course_minutes: int, share: float = ATTENDANCE_SHARE) -> bool:
    """Present for at least ``share`` of the course minutes."""
    return minutes >= share * course_minutes


Completed = Literal["yes", "no", "no activity"]


@dataclass(frozen=True)
class Completion:
    """One trainee's completion: attendance, each activity, and the verdict."""

    minutes: int
    attended: bool
    activities: tuple[tuple[RequiredActivity, bool], ...]
    completed: Completed

    @property
    def missing(self) -> list[str]:
        """What is missing for completion, in words for the roster's notes."""
        out = [] if self.attended else [f"attended {self.minutes} min"]
        return out + [f"{a.title} not done" for a, done in self.activities if not done]


def completion(
    evidence: Evidence,
    minutes: int,
    course_minutes: int,
    activities: tuple[RequiredActivity, ...] = REQUIRED_ACTIVITIES,
) -> Completion:
    """The outline's completion for one trainee."""
    was_there = attended(minutes, course_minutes)
    done = tuple((activity, activity_completed(activity, evidence)) for activity in activities)
    if not evidence.anything and not was_there:
        verdict: Completed = "no activity"
    else:
        verdict = "yes" if was_there and all(ok for _a, ok in done) else "no"
    return Completion(minutes, was_there, done, verdict)
