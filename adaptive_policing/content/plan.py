"""The course plan: which pages a class walks through, in what order, for how long.

``course/plan.yaml`` is the one list the start page's agenda, the previous and
next links on every page and the facilitator's agenda are generated from. A
plan's agenda names its items (each a notebook in ``course/``) with their minutes and
the activities (worksheets in ``exercises/activities/``) run during them: after
the page's teaching, or before it when the activity says ``before: true`` (the
trainees' own ideas come first, then the page teaches the answer).
:func:`check_plans` lists every way the plan and the notebooks disagree.
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .. import config

PLAN_FILE = "plan.yaml"
START_PAGE_ID = "00-start"
PAGE_HEADER_CALL = re.compile(r"page_header\(\s*[\"']([\w-]+)[\"']")


@dataclass(frozen=True)
class PageRef:
    """A served notebook: its id, its title and its path under the serving root."""

    page_id: str
    title: str
    path: str
    before: bool = False
    """For an activity: it is run before its section's page teaches the answer."""


@dataclass(frozen=True)
class AgendaItem:
    page: str
    title: str
    minutes: int
    activities: tuple[PageRef, ...] = ()

    @property
    def ref(self) -> PageRef:
        return PageRef(self.page, self.title, f"course/{self.page}.ipynb")

    @property
    def sequence(self) -> tuple[PageRef, ...]:
        """The pages the next links walk through for this item: activities run before it, then the page."""
        return (*(a for a in self.activities if a.before), self.ref)


@dataclass(frozen=True)
class CoursePlan:
    id: str
    title: str
    minutes: int
    items: tuple[AgendaItem, ...]


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


def activity_ref(activity_id: str, title: str, before: bool = False) -> PageRef:
    """A Required Learning Activity's trainee worksheet."""
    return PageRef(activity_id, title, f"exercises/activities/{activity_id}.ipynb", before)


def _agenda_item(raw: dict[str, Any]) -> AgendaItem:
    return AgendaItem(
        page=str(raw["page"]),
        title=str(raw["title"]),
        minutes=int(raw["minutes"]),
        activities=tuple(activity_ref(str(a["id"]), str(a["title"]), bool(a.get("before")))
                         for a in raw.get("activities") or ()),
    )


@lru_cache(maxsize=4)
def _load(path: Path, _mtime: float) -> dict[str, CoursePlan]:
    # libyaml's safe loader when PyYAML has it (every page reads the plan; ten times faster than pure Python)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
    return {
        plan_id: CoursePlan(
            id=plan_id,
            title=str(body["title"]),
            minutes=int(body["minutes"]),
            items=tuple(_agenda_item(entry) for entry in body.get("agenda") or ()),
        )
        for plan_id, body in (raw.get("plans") or {}).items()
    }


def load_plans(course_dir: Path | None = None) -> dict[str, CoursePlan]:
    """Every plan in ``course/plan.yaml``, by id."""
    path = (course_dir or config.settings().course_dir) / PLAN_FILE
    return _load(path, path.stat().st_mtime)


def find_page(page_id: str, course_dir: Path | None = None) -> tuple[CoursePlan, int] | None:
    """The plan holding ``page_id`` (a section or one of its activities) and its item's position."""
    for plan in load_plans(course_dir).values():
        for index, item in enumerate(plan.items):
            if item.page == page_id or any(a.page_id == page_id for a in item.activities):
                return plan, index
    return None


def navigation(page_id: str, course_dir: Path | None = None) -> Navigation:
    """The pages before and after ``page_id`` in its plan.

    The next links walk each item's :attr:`AgendaItem.sequence`: an activity run
    before its page comes between the previous section and that page. An
    activity run after the teaching sits inside its section: "previous" leads
    back to the section and "next" on to the section after it.
    """
    found = find_page(page_id, course_dir)
    if found is None:
        return Navigation(None, None, None)
    plan, index = found
    item = plan.items[index]
    walk = [ref for entry in plan.items for ref in entry.sequence]
    position = next((i for i, ref in enumerate(walk) if ref.page_id == page_id), None)
    if position is None:  # an activity after the teaching
        following = plan.items[index + 1].sequence[0] if index + 1 < len(plan.items) else None
        return Navigation(plan, item.ref, following)
    previous = walk[position - 1] if position > 0 else None
    return Navigation(plan, previous, walk[position + 1] if position + 1 < len(walk) else None)


def agenda(plan_id: str, course_dir: Path | None = None) -> list[AgendaRow]:
    """The plan's items with their start minute and their exercises."""
    rows, start = [], 0
    for item in load_plans(course_dir)[plan_id].items:
        rows.append(
            AgendaRow(
                title=item.title,
                path=item.ref.path,
                minutes=item.minutes,
                start_minute=start,
                activities=item.activities,
            )
        )
        start += item.minutes
    return rows


def _notebook_problems(ref: PageRef, home: Path) -> list[str]:
    """How one planned notebook disagrees with its entry in the plan."""
    notebook = home / ref.path
    if not notebook.is_file():
        return [f"{ref.path} does not exist"]
    import nbformat  # only the plan check reads notebooks; pages showing the agenda do not

    cells = nbformat.read(notebook, as_version=4).cells
    problems = []
    calls = (PAGE_HEADER_CALL.findall(cell.source) for cell in cells if cell.cell_type == "code")
    if ref.page_id not in {page_id for found in calls for page_id in found}:
        problems.append(f"{ref.path} does not call page_header({ref.page_id!r})")
    headings = [line for cell in cells if cell.cell_type == "markdown" for line in cell.source.splitlines()
                if line.startswith("# ")]
    if not headings or headings[0] != f"# {ref.title}":
        problems.append(f"{ref.path}: its first heading is not '# {ref.title}'")
    return problems


def check_plans(home: Path | None = None) -> list[str]:
    """Every way the course plan, the notebooks and the navigation disagree, in plain words.

    Checks that each plan's minutes add up, that every section and activity
    notebook exists, names itself in its ``page_header`` call and has the plan's
    title as its first heading, that no page
    is in two places, and that every course notebook is in a plan.
    """
    home = home or config.settings().home
    problems: list[str] = []
    placed: dict[str, str] = {}
    for plan in load_plans(home / "course").values():
        total = sum(item.minutes for item in plan.items)
        if total != plan.minutes:
            problems.append(f"plan {plan.id}: agenda items add up to {total} minutes, the plan says {plan.minutes}")
        for item in plan.items:
            for ref in (item.ref, *item.activities):
                if ref.page_id in placed:
                    problems.append(f"{ref.page_id} is in {placed[ref.page_id]} and in {plan.id}")
                placed[ref.page_id] = plan.id
                problems.extend(_notebook_problems(ref, home))
    for notebook in sorted((home / "course").glob("*.ipynb")):
        if notebook.stem != START_PAGE_ID and notebook.stem not in placed:
            problems.append(f"course/{notebook.name} is in no plan")
    return problems
