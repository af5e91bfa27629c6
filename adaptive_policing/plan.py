"""The course plan: which pages a class walks through, in what order, for how long.

``course/plan.yaml`` is the one list the start page's agenda, the previous and
next links on every page and the facilitator's agenda are generated from. A
plan names its sessions (each a notebook in ``course/``) with their minutes and
the exercises (notebooks in ``exercises/``) run during them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from . import config

PLAN_FILE = "plan.yaml"


@dataclass(frozen=True)
class PageRef:
    """A served notebook: its id, its title and its path under the serving root."""

    page_id: str
    title: str
    path: str


@dataclass(frozen=True)
class Session:
    page: str
    title: str
    minutes: int
    activities: tuple[str, ...] = ()

    @property
    def ref(self) -> PageRef:
        return PageRef(self.page, self.title, f"course/{self.page}.ipynb")


@dataclass(frozen=True)
class CoursePlan:
    id: str
    title: str
    minutes: int
    sessions: tuple[Session, ...]


@dataclass(frozen=True)
class Navigation:
    plan: CoursePlan | None
    previous: PageRef | None
    next: PageRef | None


@dataclass(frozen=True)
class AgendaRow:
    title: str
    path: str
    minutes: int
    start_minute: int
    activities: tuple[PageRef, ...]


def _session(raw: dict[str, Any]) -> Session:
    return Session(
        page=str(raw["page"]),
        title=str(raw["title"]),
        minutes=int(raw["minutes"]),
        activities=tuple(str(a) for a in raw.get("activities") or ()),
    )


@lru_cache(maxsize=4)
def _load(path: Path, _mtime: float) -> dict[str, CoursePlan]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        plan_id: CoursePlan(
            id=plan_id,
            title=str(body["title"]),
            minutes=int(body["minutes"]),
            sessions=tuple(_session(s) for s in body.get("sessions") or ()),
        )
        for plan_id, body in (raw.get("plans") or {}).items()
    }


def load_plans(course_dir: Path | None = None) -> dict[str, CoursePlan]:
    """Every plan in ``course/plan.yaml``, by id."""
    path = (course_dir or config.settings().course_dir) / PLAN_FILE
    return _load(path, path.stat().st_mtime)


def exercise_ref(exercise_id: str) -> PageRef:
    title = exercise_id.replace("-", " ").capitalize()
    return PageRef(exercise_id, title, f"exercises/{exercise_id}.ipynb")


def find_page(page_id: str, course_dir: Path | None = None) -> tuple[CoursePlan, int] | None:
    """The plan holding ``page_id`` and the page's position in it."""
    for plan in load_plans(course_dir).values():
        for index, session in enumerate(plan.sessions):
            if session.page == page_id:
                return plan, index
    return None


def navigation(page_id: str, course_dir: Path | None = None) -> Navigation:
    """The pages before and after ``page_id`` in its plan."""
    found = find_page(page_id, course_dir)
    if found is None:
        return Navigation(None, None, None)
    plan, index = found
    previous = plan.sessions[index - 1].ref if index > 0 else None
    following = plan.sessions[index + 1].ref if index + 1 < len(plan.sessions) else None
    return Navigation(plan, previous, following)


def agenda(plan_id: str, course_dir: Path | None = None) -> list[AgendaRow]:
    """The plan's sessions with their start minute and their exercises."""
    rows, start = [], 0
    for session in load_plans(course_dir)[plan_id].sessions:
        rows.append(
            AgendaRow(
                title=session.title,
                path=session.ref.path,
                minutes=session.minutes,
                start_minute=start,
                activities=tuple(exercise_ref(a) for a in session.activities),
            )
        )
        start += session.minutes
    return rows
