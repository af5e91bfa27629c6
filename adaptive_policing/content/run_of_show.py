"""The run-of-show: what each page teaches in its minutes, and what waits for spare time.

Every prompt, case study, role play and activity step of a page is tagged in
``course/plan.yaml`` as ``core``, ``if-time`` or ``take-home``. The estimate of a
page (:func:`estimate_page`, a pure function) adds up:

* reading at :data:`WORDS_PER_MINUTE` over the page's markdown, except cells
  tagged ``if-time``, ``take-home`` (cell metadata tags) or ``facilitator``;
* :data:`TYPED_ANSWER_MINUTES` per core typed answer and :data:`CHOICE_MINUTES`
  per core choice, multiple choice or 1–5 scale;
* the minutes the plan gives each core case study, role play, assessment and survey (``surveys:``),
  which follow the facilitator guide;
* the minutes of each core step of the page's activities.

Items are tagged by id, never by position, so a page whose text is rewritten
keeps its tags. :func:`check_run_of_show` lists every untagged item and every
page whose core content does not fit its minutes. Notebook code is parsed with
:mod:`ast`, never run.
"""

from __future__ import annotations

import ast
import json

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import yaml

from .. import config
from .plan import PLAN_FILE, PageRef

TIERS = ("core", "if-time", "take-home")
"""The three tags, in the order the agenda shows them."""
TIER_WORDS = {"core": "Core", "if-time": "If time", "take-home": "Take-home"}
SKIPPED_CELL_TAGS = frozenset({"if-time", "take-home", "facilitator"})
"""Markdown cells with one of these metadata tags are not read aloud in the core time."""

WORDS_PER_MINUTE = 200
TYPED_ANSWER_MINUTES = 1.5
CHOICE_MINUTES = 0.5
CHOICE_KINDS = frozenset({"choice", "multi", "scale"})
TIMED_CALLS = {"case_study": "case study", "role_play": "role play", "assessment": "assessment",
               "survey": "survey"}
"""Page calls timed by the plan (the facilitator guide's minutes), by function name."""


@dataclass(frozen=True)
class Cell:
    """What the estimator needs from a notebook cell."""

    cell_type: str
    source: str
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Call:
    """A course widget a page calls: ``prompt``, ``case_study``, ``role_play``, ``worksheet`` or ``assessment``."""

    function: str
    item_id: str
    """The first argument (``""`` for ``assessment()``)."""
    label: str
    """The prompt's question or the worksheet's title; the id otherwise."""
    kind: str = "text"
    """For a prompt: ``text``, ``choice``, ``multi`` or ``scale``."""


@dataclass(frozen=True)
class RunItem:
    """One tagged item of a page, with its tier and minutes."""

    kind: str
    """``prompt``, ``case study``, ``role play``, ``assessment`` or ``activity step``."""
    item_id: str
    label: str
    tier: str
    minutes: float


@dataclass(frozen=True)
class PageEstimate:
    """A page's time: its planned minutes, its reading time and its tagged items."""

    page: str
    planned: int
    reading_minutes: float
    items: tuple[RunItem, ...]
    untagged: tuple[str, ...] = ()
    """Calls of the page (``"prompt s03-x"``) the plan does not tag."""
    stale: tuple[str, ...] = ()
    """Tags of the plan (``"prompt s03-old"``) for items the page or its activities no longer have."""

    def minutes(self, tier: str) -> float:
        """The minutes of the page's items of ``tier`` (reading counts as core)."""
        extra = self.reading_minutes if tier == "core" else 0.0
        return extra + sum(item.minutes for item in self.items if item.tier == tier)

    @property
    def core_minutes(self) -> float:
        return self.minutes("core")

    @property
    def fits(self) -> bool:
        return self.core_minutes <= self.planned

    def tier_items(self, tier: str) -> tuple[RunItem, ...]:
        return tuple(item for item in self.items if item.tier == tier)


@dataclass(frozen=True)
class Step:
    """One step of an activity, as the plan tags it."""

    title: str
    tier: str
    minutes: float
    uses: tuple[str, ...]
    """The ids of the activity's prompts, worksheets, case studies and role plays this step uses."""


@dataclass(frozen=True)
class PageTags:
    """How the plan tags one agenda item: prompts by id, timed calls by id, activity steps."""

    prompts: Mapping[str, str]
    """Prompt id → tier."""
    timed: Mapping[tuple[str, str], tuple[str, float]]
    """(function, id) → (tier, minutes) for case studies, role plays and the assessment."""
    activities: Mapping[str, tuple[Step, ...]]
    """Activity id → its steps."""


# --- reading notebooks ------------------------------------------------------------------


def _literal(node: ast.AST) -> Any:
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def _call(node: ast.Call) -> Call | None:
    if not isinstance(node.func, ast.Name):
        return None
    function = node.func.id
    if function not in {"prompt", "worksheet", *TIMED_CALLS}:
        return None
    args = [_literal(arg) for arg in node.args]
    keywords = {k.arg: _literal(k.value) for k in node.keywords if k.arg}
    item_id = str(args[0]) if args and isinstance(args[0], str) else ""
    if function != "assessment" and not item_id:
        return None
    text = args[1] if len(args) > 1 and isinstance(args[1], str) else keywords.get("question") or item_id
    kind = str(keywords.get("kind") or (args[2] if len(args) > 2 and isinstance(args[2], str) else "text"))
    return Call(function, item_id, str(text), kind if function == "prompt" else "")


def calls_in(cells: Iterable[Cell]) -> list[Call]:
    """The course widgets the code cells call, in order (the code is parsed, never run)."""
    found: list[Call] = []
    for cell in cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (call := _call(node)) is not None:
                found.append(call)
    return found


def reading_words(cells: Iterable[Cell]) -> int:
    """Words of the markdown read in the core time (cells tagged if-time, take-home or facilitator left out)."""
    return sum(len(cell.source.split()) for cell in cells
               if cell.cell_type == "markdown" and not cell.tags & SKIPPED_CELL_TAGS)


def read_cells(path: Path) -> list[Cell]:
    """A notebook's cells with their metadata tags.

    Read as plain JSON (nbformat 4 keeps ``source`` as a string or a list of
    lines): importing nbformat costs seconds in a kernel, the console reads this.
    """
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [
        Cell(str(c.get("cell_type", "")),
             "".join(c["source"]) if isinstance(c.get("source"), list) else str(c.get("source", "")),
             frozenset((c.get("metadata") or {}).get("tags") or ()))
        for c in notebook.get("cells") or ()
    ]


# --- the plan's tags ----------------------------------------------------------------------


def _tier(value: Any, where: str) -> str:
    tier = str(value)
    if tier not in TIERS:
        raise ValueError(f"{where}: tier {tier!r} is not one of {', '.join(TIERS)}")
    return tier


def page_tags(raw_item: Mapping[str, Any]) -> PageTags:
    """The run-of-show tags of one agenda item of ``plan.yaml``, checked."""
    where = str(raw_item.get("page"))
    prompts: dict[str, str] = {}
    for tier, ids in (raw_item.get("prompts") or {}).items():
        for prompt_id in ids or ():
            prompts[str(prompt_id)] = _tier(tier, f"{where}: prompt {prompt_id}")
    timed: dict[tuple[str, str], tuple[str, float]] = {}
    for function, key in (("case_study", "cases"), ("role_play", "role_plays"), ("survey", "surveys")):
        for entry in raw_item.get(key) or ():
            timed[(function, str(entry["id"]))] = (_tier(entry["tier"], f"{where}: {entry['id']}"),
                                                   float(entry["minutes"]))
    if raw_item.get("assessment"):
        entry = raw_item["assessment"]
        # The core assessment is called with no argument; another assessment names its assignment (``id``).
        timed[("assessment", str(entry.get("id", "")))] = (
            _tier(entry["tier"], f"{where}: assessment"), float(entry["minutes"]))
    activities = {
        str(activity["id"]): tuple(
            Step(str(step["title"]), _tier(step["tier"], f"{activity['id']}: {step['title']}"),
                 float(step["minutes"]), tuple(str(u) for u in step.get("uses") or ()))
            for step in activity.get("steps") or ())
        for activity in raw_item.get("activities") or ()
    }
    return PageTags(prompts, timed, activities)


# --- the estimate -------------------------------------------------------------------------


def call_minutes(call: Call) -> float:
    """A prompt's minutes: a typed answer or a choice."""
    return CHOICE_MINUTES if call.kind in CHOICE_KINDS else TYPED_ANSWER_MINUTES


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def estimate_page(page: str, planned: int, cells: Sequence[Cell], tags: PageTags,
                  activity_calls: Mapping[str, Sequence[Call]] | None = None) -> PageEstimate:
    """How long a page takes: its core reading and items, and what is tagged if-time or take-home.

    ``activity_calls`` holds, per activity of the page, the widgets its notebook
    calls; any of them that no step of the activity uses is reported untagged.
    """
    items: list[RunItem] = []
    untagged: list[str] = []
    stale: list[str] = []
    for activity_id, steps in tags.activities.items():
        for step in steps:
            items.append(RunItem("activity step", activity_id, step.title, step.tier, step.minutes))
        used = {u for step in steps for u in step.uses}
        calls = (activity_calls or {}).get(activity_id, ())
        for call in calls:
            if call.function != "assessment" and call.item_id not in used:
                untagged.append(f"{activity_id}: {call.function.replace('_', ' ')} {call.item_id}")
        if activity_calls is not None:
            present = {call.item_id for call in calls}
            stale.extend(f"{activity_id}: {u}" for step in steps for u in step.uses if u not in present)
        if not steps:
            untagged.append(f"{activity_id}: no steps")
    page_calls = calls_in(cells)
    present = {(call.function, call.item_id) for call in page_calls}
    stale.extend(f"prompt {prompt_id}" for prompt_id in tags.prompts if ("prompt", prompt_id) not in present)
    stale.extend(f"{TIMED_CALLS[function]} {item_id}".strip() for function, item_id in tags.timed
                 if (function, item_id) not in present)
    for call in page_calls:
        if call.function == "prompt":
            tier = tags.prompts.get(call.item_id)
            if tier is None:
                untagged.append(f"prompt {call.item_id}")
                continue
            items.append(RunItem("prompt", call.item_id, _shorten(call.label), tier, call_minutes(call)))
        elif call.function in TIMED_CALLS:
            timed = tags.timed.get((call.function, call.item_id))
            name = f"{TIMED_CALLS[call.function]} {call.item_id}".strip()
            if timed is None:
                untagged.append(name)
                continue
            items.append(RunItem(TIMED_CALLS[call.function], call.item_id, call.item_id or "the questions", *timed))
        else:
            untagged.append(f"worksheet {call.item_id} (worksheets belong in an activity step)")
    reading = reading_words(cells) / WORDS_PER_MINUTE
    return PageEstimate(page, planned, round(reading, 2), tuple(items), tuple(untagged), tuple(stale))


# --- the whole course -----------------------------------------------------------------------


def _raw_plans(course_dir: Path) -> dict[str, Any]:
    return (yaml.safe_load((course_dir / PLAN_FILE).read_text(encoding="utf-8")) or {}).get("plans") or {}


def _activity_calls(home: Path, raw_item: Mapping[str, Any]) -> dict[str, list[Call]]:
    calls: dict[str, list[Call]] = {}
    for activity in raw_item.get("activities") or ():
        path = home / PageRef(str(activity["id"]), "", f"exercises/activities/{activity['id']}.ipynb").path
        calls[str(activity["id"])] = calls_in(read_cells(path)) if path.is_file() else []
    return calls


def _mtimes(home: Path) -> tuple[float, ...]:
    paths = [home / "course" / PLAN_FILE, *sorted((home / "course").glob("*.ipynb")),
             *sorted((home / "exercises" / "activities").glob("*.ipynb"))]
    return tuple(p.stat().st_mtime for p in paths if p.exists())


@lru_cache(maxsize=4)
def _estimates(home: Path, _mtimes: tuple[float, ...]) -> dict[str, dict[str, PageEstimate]]:
    result: dict[str, dict[str, PageEstimate]] = {}
    for plan_id, body in _raw_plans(home / "course").items():
        pages: dict[str, PageEstimate] = {}
        for raw_item in body.get("agenda") or ():
            page = str(raw_item["page"])
            notebook = home / "course" / f"{page}.ipynb"
            cells = read_cells(notebook) if notebook.is_file() else []
            pages[page] = estimate_page(page, int(raw_item["minutes"]), cells, page_tags(raw_item),
                                        _activity_calls(home, raw_item))
        result[plan_id] = pages
    return result


def course_estimates(home: Path | None = None) -> dict[str, dict[str, PageEstimate]]:
    """Every plan's pages with their estimates, by plan id and page id (re-read when a file changes)."""
    home = home or config.settings().home
    return _estimates(home, _mtimes(home))


def check_run_of_show(home: Path | None = None) -> list[str]:
    """Every untagged item, every tag for an item that is gone, and every page whose core exceeds its minutes."""
    problems: list[str] = []
    for pages in course_estimates(home).values():
        for estimate in pages.values():
            problems.extend(f"{estimate.page}: {name} is not tagged core, if-time or take-home in plan.yaml"
                            for name in estimate.untagged)
            problems.extend(f"{estimate.page}: plan.yaml tags {name}, which is not on the page or its activities"
                            for name in estimate.stale)
            if not estimate.fits:
                problems.append(f"{estimate.page}: core content takes {estimate.core_minutes:.1f} minutes,"
                                f" the plan gives {estimate.planned}")
    return problems


def run_of_show_table(home: Path | None = None) -> str:
    """The run-of-show as a plain-text table: per page its minutes, core, if-time and take-home estimates."""
    lines = [f"{'page':40} {'plan':>5} {'core':>6} {'if time':>8} {'take-home':>10}"]
    for plan_id, pages in course_estimates(home).items():
        lines.append(f"[{plan_id}]")
        for e in pages.values():
            lines.append(f"{e.page:40} {e.planned:>5} {e.core_minutes:>6.1f} {e.minutes('if-time'):>8.1f}"
                         f" {e.minutes('take-home'):>10.1f}")
    return "\n".join(lines)
