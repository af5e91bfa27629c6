"""Times as the classroom clock shows them."""

from __future__ import annotations

from datetime import datetime


def local_time(moment: datetime) -> str:
    """A saved time as the classroom clock shows it, e.g. ``10:42``."""
    return moment.astimezone().strftime("%H:%M")
