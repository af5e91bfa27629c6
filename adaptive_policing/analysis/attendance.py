"""Attendance of one class: who signed in and when, where each trainee was last seen, who left.

"Last seen" is a trainee's latest action of any kind: a page opened, an answer
saved (discussion prompts, case studies, role plays, the assessment and its
submission are all answers) or a worksheet saved.

A browser page says nothing when it closes, so "left" is read from activity: a
trainee who has neither opened a page nor saved anything for
:data:`AWAY_AFTER` (15 minutes: longer than any page's reading time) is shown
as having left at their last activity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from typing import Iterable

from ..data.records import SavedAnswer, Trainee, WorksheetRevision

AWAY_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class AttendanceRow:
    """One trainee's sign-in, last page visit and latest action (``None`` before they open a page or save)."""

    trainee: Trainee
    last_page: str | None
    last_seen: datetime | None
    """The trainee's latest page visit or save, whichever is newer."""
    left_at: datetime | None = None
    """When the trainee was last active, if that is more than :data:`AWAY_AFTER` ago."""


def attendance(
    trainees: Iterable[Trainee],
    visits: Iterable[tuple[Trainee, str, datetime]],
    answers: Iterable[tuple[Trainee, SavedAnswer]],
    now: datetime | None = None,
    worksheet_saves: Iterable[WorksheetRevision] = (),
) -> list[AttendanceRow]:
    """Every trainee (in the order given: sign-in order) with their last page, latest action and, if gone, when they left.

    ``visits`` are (trainee, page id, when), ``answers`` (trainee, saved
    answer) and ``worksheet_saves`` every worksheet revision of the class (its
    author is the one who acted), oldest first, as the store lists them.
    """
    now = now or datetime.now(timezone.utc)
    last: dict[int, tuple[str, datetime]] = {}
    active: dict[int, datetime] = {}

    def acted(trainee_id: int, at: datetime) -> None:
        active[trainee_id] = max(at, active.get(trainee_id, at))

    for trainee, page, visited_at in visits:
        last[trainee.id] = (page, visited_at)
        acted(trainee.id, visited_at)
    for trainee, answer in answers:
        acted(trainee.id, answer.created_at)
    for revision in worksheet_saves:
        acted(revision.author_id, revision.created_at)
    rows = []
    for trainee in trainees:
        page = last.get(trainee.id, (None, None))[0]
        seen = active.get(trainee.id)
        latest = max(seen or trainee.created_at, trainee.created_at)
        left_at = latest if now - latest > AWAY_AFTER else None
        rows.append(AttendanceRow(trainee, page, seen, left_at))
    return rows


def here_now(rows: list[AttendanceRow]) -> int:
    """How many of the signed-in trainees have not left."""
    return sum(row.left_at is None for row in rows)
