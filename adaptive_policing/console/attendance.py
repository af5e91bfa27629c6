"""Attendance of one class: who signed in and when, and where each trainee was last seen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..store import ResponseStore, Trainee
from ..widgets.common import esc, local_time


@dataclass(frozen=True)
class AttendanceRow:
    """One trainee's sign-in and last page visit (``None`` before they open a page)."""

    trainee: Trainee
    last_page: str | None
    last_seen: datetime | None


def attendance(store: ResponseStore, class_id: int) -> list[AttendanceRow]:
    """Every trainee of the class in sign-in order, with their latest page visit."""
    last: dict[int, tuple[str, datetime]] = {}
    for trainee, page, visited_at in store.visits(class_id):
        last[trainee.id] = (page, visited_at)
    return [
        AttendanceRow(trainee, *(last.get(trainee.id) or (None, None)))
        for trainee in store.trainees_in(class_id)
    ]


def attendance_html(rows: list[AttendanceRow]) -> str:
    """The attendance as an escaped HTML table."""
    if not rows:
        return "<p>Nobody has signed in yet. Trainees sign in with the class code on the board.</p>"
    body = "".join(
        f"<tr><td>{esc(row.trainee.name)}</td><td>{esc(row.trainee.badge)}</td>"
        f"<td>{esc(local_time(row.trainee.created_at))}</td>"
        f"<td>{esc(row.last_page or '—')}</td>"
        f"<td>{esc(local_time(row.last_seen)) if row.last_seen else '—'}</td></tr>"
        for row in rows
    )
    return (
        f"<p>{len(rows)} signed in.</p><table><thead><tr><th>Name</th><th>Badge</th>"
        f"<th>Signed in</th><th>Last page</th><th>Last seen</th></tr></thead><tbody>{body}</tbody></table>"
    )
