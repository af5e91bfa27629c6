"""A class's attendance as an HTML table, rendered from a template (the rows come from
:func:`adaptive_policing.analysis.attendance.attendance`)."""

from __future__ import annotations

from markupsafe import Markup

from ..analysis.attendance import AttendanceRow, here_now
from .render import render


def attendance_html(rows: list[AttendanceRow]) -> Markup:
    """Who signed in, when, where each trainee was last seen and who left, as a table."""
    return render("attendance.html.j2", rows=rows, here=here_now(rows))
