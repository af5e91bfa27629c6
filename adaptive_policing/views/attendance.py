"""A class's attendance: read from the store, summed up by
:func:`adaptive_policing.analysis.attendance.attendance`, shown as an HTML table."""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup

from ..analysis.attendance import AttendanceRow, attendance, here_now
from ..data.store import ResponseStore
from .render import render


def class_attendance(store: ResponseStore, class_id: int, now: datetime | None = None) -> list[AttendanceRow]:
    """Every trainee of a class in sign-in order: last page, latest visit or save of any kind, whether they have left."""
    return attendance(
        store.trainees_in(class_id), store.visits(class_id), store.iter_answers(class_id), now,
        worksheet_saves=(revision for *_owner, revision in store.class_worksheet_history(class_id)),
    )


def attendance_html(rows: list[AttendanceRow]) -> Markup:
    """Who signed in, when, where each trainee was last seen and who left, as a table."""
    return render("attendance.html.j2", rows=rows, here=here_now(rows))
