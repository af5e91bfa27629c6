"""Attendance of one class: who signed in and when, where each trainee was last seen, who left.

A browser page says nothing when it closes, so "left" is read from activity: a
trainee who has neither opened a page nor saved anything for
:data:`AWAY_AFTER` (the same 15 minutes after which the server shuts an idle
page's kernel down) is shown as having left at their last activity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from typing import Iterable

from ..data.records import SavedAnswer, Trainee

AWAY_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class AttendanceRow:
    """One trainee's sign-in and last page visit (``None`` before they open a page)."""

    trainee: Trainee
    last_page: str | None
    last_seen: datetime | None
    left_at: datetime | None = None
    """When the trainee was last active, if that is more than :data:`AWAY_AFTER` ago."""


def attendance(
    trainees: Iterable[Trainee],
    visits: Iterable[tuple[Trainee, str, datetime]],
    answers: Iterable[tuple[Trainee, SavedAnswer]],
    now: datetime | None = None,
) -> list[AttendanceRow]:
    """Every trainee (in the order given: sign-in order) with their latest page visit and, if gone, when they left.

    ``visits`` are (trainee, page id, when) and ``answers`` (trainee, saved
    answer) of the class, oldest first, as the store lists them.
    """
    now = now or datetime.now(timezone.utc)
    last: dict[int, tuple[str, datetime]] = {}
    active: dict[int, datetime] = {}
    for trainee, page, visited_at in visits:
        last[trainee.id] = (page, visited_at)
        active[trainee.id] = max(visited_at, active.get(trainee.id, visited_at))
    for trainee, answer in answers:
        active[trainee.id] = max(answer.created_at, active.get(trainee.id, answer.created_at))
    rows = []
    for trainee in trainees:
        latest = max(active.get(trainee.id, trainee.created_at), trainee.created_at)
        left_at = latest if now - latest > AWAY_AFTER else None
        rows.append(AttendanceRow(trainee, *(last.get(trainee.id) or (None, None)), left_at))
    return rows


def here_now(rows: list[AttendanceRow]) -> int:
    """How many of the signed-in trainees have not left."""
    return sum(row.left_at is None for row in rows)
