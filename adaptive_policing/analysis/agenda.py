"""The class agenda and its timer: where the class is in its plan, and how it keeps time.

Pure functions, so the timing maths is tested with fixed times:

* :func:`agenda_status` turns the plan's agenda rows (``plan.agenda(plan_id)``),
  the class's progress events (``ResponseStore.class_progress``) and the time now
  into an :class:`AgendaStatus`: the current section, minutes left in it and in
  the class, and how far ahead or behind schedule the class is.
* :func:`status_text` says the same in one accessible sentence
  ("12 minutes left in IV. Customer Service and Policing · 3 minutes behind schedule").
* :func:`section_states` says which sections are done, which is now and which
  come next (:mod:`adaptive_policing.views.agenda` lists them in HTML).
* :func:`guide_sections` and :func:`read_guide` split the facilitator guide
  (``solutions/facilitator-guide.md``, one ``## <page id>: <title> (<min> min)``
  heading per section) into its parts, as markdown text.

How the schedule is judged: the class starts when the instructor presses
*Start class* (the first progress event). A section is *late* by how much later
than its planned start minute it began; while a section runs past its planned
length, the class falls further behind by the overrun. A negative delay means
the class is ahead. Minutes left in the class count down from the plan's total
length from the moment the class started.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Sequence

from ..content.plan import AgendaRow
from ..data.records import ProgressEvent

FINISHED = ":finished"
"""The page id recorded when the instructor moves on from the last section."""

_GUIDE_HEADING = re.compile(r"^##\s+(?P<page>[\w.-]+):\s*(?P<title>.*?)\s*$")


def page_id_of(row: AgendaRow) -> str:
    """The course page id of an agenda row (``course/03-x.ipynb`` → ``03-x``)."""
    return PurePosixPath(row.path).stem


@dataclass(frozen=True)
class AgendaStatus:
    """Where a class stands in its agenda at one moment.

    ``index`` is the current section's position in the agenda (None before the
    class starts and after it finished). Minutes are whole minutes; a negative
    ``section_minutes_left`` means the section has run over, a positive
    ``behind_minutes`` that the class is behind schedule, a negative one ahead.
    """

    started_at: datetime | None = None
    index: int | None = None
    finished: bool = False
    section_started_at: datetime | None = None
    section_minutes_left: int = 0
    class_minutes_left: int = 0
    behind_minutes: int = 0

    @property
    def running(self) -> bool:
        return self.index is not None


def _minutes_left(seconds: float) -> int:
    """Whole minutes left, counting a started minute as left (61 s → 2, -30 s → 0, -61 s → -1)."""
    return math.ceil(seconds / 60) if seconds > 0 else -math.floor(-seconds / 60)


def agenda_status(rows: Sequence[AgendaRow], events: Sequence[ProgressEvent], now: datetime) -> AgendaStatus:
    """The class's place in ``rows`` after ``events`` (oldest first), at ``now``."""
    if not events or not rows:
        total = sum(row.minutes for row in rows)
        return AgendaStatus(class_minutes_left=total)
    positions = {page_id_of(row): index for index, row in enumerate(rows)}
    started_at = events[0].started_at
    total_minutes = sum(row.minutes for row in rows)
    elapsed = (now - started_at).total_seconds()
    class_left = _minutes_left(total_minutes * 60 - elapsed)
    latest = events[-1]
    if latest.page_id == FINISHED:
        took = (latest.started_at - started_at).total_seconds()
        return AgendaStatus(
            started_at=started_at, finished=True, section_started_at=latest.started_at,
            class_minutes_left=0, behind_minutes=round(took / 60 - total_minutes),
        )
    index = positions.get(latest.page_id)
    if index is None:  # a page no longer in the plan: treat as the first section
        index = 0
    row = rows[index]
    began = (latest.started_at - started_at).total_seconds()
    in_section = (now - latest.started_at).total_seconds()
    late_at_start = began - row.start_minute * 60
    overrun = max(0.0, in_section - row.minutes * 60)
    return AgendaStatus(
        started_at=started_at,
        index=index,
        section_started_at=latest.started_at,
        section_minutes_left=_minutes_left(row.minutes * 60 - in_section),
        class_minutes_left=class_left,
        behind_minutes=round((late_at_start + overrun) / 60),
    )


def minutes_text(n: int) -> str:
    """``1 minute``, ``5 minutes``."""
    return f"{n} minute" if n == 1 else f"{n} minutes"


def schedule_text(behind_minutes: int) -> str:
    """``3 minutes behind schedule``, ``2 minutes ahead of schedule`` or ``on schedule``."""
    if behind_minutes > 0:
        return f"{minutes_text(behind_minutes)} behind schedule"
    if behind_minutes < 0:
        return f"{minutes_text(-behind_minutes)} ahead of schedule"
    return "on schedule"


def status_text(rows: Sequence[AgendaRow], status: AgendaStatus) -> str:
    """One plain sentence for the instructor (no colour needed to read it)."""
    total = sum(row.minutes for row in rows)
    if status.finished:
        return f"Class finished · {schedule_text(status.behind_minutes)}"
    if not status.running:
        return f"Not started · the plan takes {minutes_text(total)}. Press Start class when the class begins."
    row = rows[status.index]  # type: ignore[index]
    left = status.section_minutes_left
    section = (
        f"{minutes_text(left)} left in {row.title}" if left >= 0 else f"{row.title} is {minutes_text(-left)} over its time"
    )
    class_left = status.class_minutes_left
    whole = f"{minutes_text(class_left)} left in the class" if class_left >= 0 else (
        f"the class is {minutes_text(-class_left)} past its end"
    )
    return f"{section} · {schedule_text(status.behind_minutes)} · {whole}"


def section_states(rows: Sequence[AgendaRow], status: AgendaStatus) -> list[str]:
    """Each section's state in the class: ``"done"``, ``"now"`` (at most one) or ``"next"``."""
    current = status.index if status.running else (len(rows) if status.finished else -1)
    return ["now" if index == current else "done" if index < current else "next" for index in range(len(rows))]


# --- the facilitator guide -----------------------------------------------------------


@dataclass(frozen=True)
class GuideSection:
    """One ``## <page id>: <title>`` part of the facilitator guide."""

    page_id: str
    heading: str
    body: str


def guide_sections(text: str) -> dict[str, GuideSection]:
    """The guide's parts by page id; text before the first such heading is left out."""
    sections: dict[str, GuideSection] = {}
    current: tuple[str, str] | None = None
    lines: list[str] = []

    def close() -> None:
        if current is not None:
            sections[current[0]] = GuideSection(current[0], current[1], "\n".join(lines).strip())

    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else _GUIDE_HEADING.match(line)
        if match or (not fenced and line.startswith("## ")):
            close()
            current = (match["page"], match["title"]) if match else None
            lines = []
        elif current is not None:
            lines.append(line)
    close()
    return sections


def read_guide(path: Path) -> dict[str, GuideSection]:
    """The facilitator guide's parts, or none when the file is missing."""
    try:
        return guide_sections(path.read_text(encoding="utf-8"))
    except OSError:
        return {}
