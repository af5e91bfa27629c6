"""Escaping for the HTML fragments the views still build by hand."""

from __future__ import annotations

import html
from datetime import datetime


def esc(text: object) -> str:
    """Escape anything for display inside an HTML widget."""
    return html.escape(str(text), quote=True)


def local_time(moment: datetime) -> str:
    """A saved time as the classroom clock shows it, e.g. ``10:42``."""
    return moment.astimezone().strftime("%H:%M")
