"""The class's activities for the console, as accessible HTML rendered from templates.

* **Worksheets side by side**: every group's (and every lone trainee's) latest
  worksheet, the best-practices field first, so the class can formulate one
  list (Learning Activity 2).
* **Case-study paths**: per case study, how many started and finished, the
  endings reached, how the class chose at each decision, the average final
  perception (:func:`adaptive_policing.analysis.case_paths.class_paths`).
* **Role plays**: each customer's rating of the police before and after, as a
  chart with its text alternative and a table
  (:mod:`adaptive_policing.analysis.role_plays`), and Learning Activity 3's
  rubrics step by step (:mod:`adaptive_policing.views.rubrics`).

Everything a trainee typed reaches the page only as an autoescaped template
variable; charts are PNG data URLs (:func:`adaptive_policing.views.images.png_img`),
so the page loads nothing from anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from markupsafe import Markup

from ..analysis.case_paths import CasePaths, class_paths
from ..analysis.role_plays import PairRating, role_play_pairs
from ..content.role_plays import PROMPT_PREFIX as ROLE_PLAY_PREFIX
from ..content.scenarios import PROMPT_PREFIX as CASE_PREFIX
from ..content.scenarios import CaseStudy, CaseStudyError, Choice, Node, load_case_study
from ..data.store import ResponseStore, WorksheetRevision
from .charts import role_play_chart, role_play_chart_alt
from .images import png_img
from .render import render
from .rubrics import rubrics_html

BEST_PRACTICES_HINT = "best practice"
"""A worksheet field whose name contains this is lined up first (Activity 2's best practices)."""

EMPTY_FIELD = "(empty)"
"""What a worksheet card shows for a field its group left blank."""


@dataclass(frozen=True)
class WorksheetField:
    """One field of a worksheet as every owner (a group's or a trainee's name) filled it in."""

    name: str
    entries: list[tuple[str, str]]


@dataclass(frozen=True)
class WorksheetView:
    """One worksheet of the class: how many saved it, and its fields lined up side by side."""

    sheet_id: str
    saved: int
    fields: list[WorksheetField]


@dataclass(frozen=True)
class DecisionView:
    """One decision of a case study with how many of the class took each choice."""

    node: Node
    choices: list[tuple[Choice, int]]


def _field_order(sheets: Iterable[WorksheetRevision]) -> list[str]:
    fields: list[str] = []
    for sheet in sheets:
        fields.extend(name for name in sheet.fields if name not in fields)
    return sorted(fields, key=lambda name: BEST_PRACTICES_HINT not in name.lower())


def worksheets_html(store: ResponseStore, class_id: int, sheet_ids: Iterable[str]) -> Markup:
    """Each worksheet's latest version per group (or trainee), side by side, best practices first."""
    sheets = []
    for sheet_id in sheet_ids:
        owners = store.class_worksheets(class_id, sheet_id)
        if not owners:
            continue
        fields = [
            WorksheetField(name, [(owner, sheet.fields.get(name, "") or EMPTY_FIELD) for owner, sheet in owners])
            for name in _field_order(sheet for _owner, sheet in owners)
        ]
        sheets.append(WorksheetView(sheet_id, len(owners), fields))
    return render("worksheets.html.j2", sheets=sheets)


def class_case_paths(store: ResponseStore, class_id: int, case: CaseStudy) -> CasePaths:
    """The class's latest plays of ``case``, summed up."""
    return class_paths(case, (answer.value for _trainee, answer in store.class_answers(class_id, case.prompt_id)))


def class_role_play_ratings(store: ResponseStore, class_id: int, case_id: str | None = None) -> list[PairRating]:
    """Every customer's latest before/after ratings in a class (one role play, or all of them)."""
    prompt_ids = ([ROLE_PLAY_PREFIX + case_id] if case_id is not None
                  else [p for p in store.prompts_answered(class_id) if p.startswith(ROLE_PLAY_PREFIX)])
    return role_play_pairs(
        (prompt_id, trainee, answer) for prompt_id in prompt_ids for trainee, answer in store.class_answers(class_id, prompt_id)
    )


def _case_section(store: ResponseStore, class_id: int, case: CaseStudy) -> Markup | None:
    paths = class_case_paths(store, class_id, case)
    if not paths.started:
        return None
    decisions = [
        DecisionView(node, list(zip(node.choices, counts)))
        for node in case.decisions
        if sum(counts := paths.choice_counts.get(node.id, ()))
    ]
    average = paths.average_final_perception
    return render(
        "case_paths.html.j2",
        case=case,
        paths=paths,
        endings=[(ending, paths.endings.get(ending.id, 0)) for ending in case.endings],
        decisions=decisions,
        perception=f"{average:g} out of 10" if average is not None else "nobody has finished yet",
    )


def played_case_studies(case_ids: Iterable[str]) -> list[CaseStudy]:
    """The case studies of these ids that still exist (a play may outlive its scenario file)."""
    cases = []
    for case_id in case_ids:
        try:
            cases.append(load_case_study(case_id))
        except CaseStudyError:
            continue  # a play saved for a scenario that has since been removed
    return cases


def case_paths_html(store: ResponseStore, class_id: int, case_ids: Iterable[str]) -> Markup:
    """For each case study played in the class: endings, choices per decision, final perception."""
    sections = []
    for case in played_case_studies(case_ids):
        section = _case_section(store, class_id, case)
        if section is not None:
            sections.append(section)
    return render("case_paths_all.html.j2", sections=sections)


@lru_cache(maxsize=8)
def _role_play_img(pairs: tuple[PairRating, ...]) -> Markup:
    """The chart is drawn again only when a rating changed."""
    return png_img(role_play_chart(pairs), role_play_chart_alt(pairs))


def role_plays_html(store: ResponseStore, class_id: int) -> Markup:
    """The customers' before/after ratings as a chart, its text alternative and a table."""
    pairs = class_role_play_ratings(store, class_id)
    return render("role_plays.html.j2", pairs=pairs, chart=_role_play_img(tuple(pairs)) if pairs else None)


def activities_html(store: ResponseStore, class_id: int, prompt_ids: Iterable[str], sheet_ids: Iterable[str]) -> Markup:
    """The console's Activities tab: worksheets, case-study paths and role plays of one class."""
    case_ids = sorted(p[len(CASE_PREFIX):] for p in prompt_ids if p.startswith(CASE_PREFIX))
    return render(
        "activities.html.j2",
        worksheets=worksheets_html(store, class_id, sheet_ids),
        case_paths=case_paths_html(store, class_id, case_ids),
        role_plays=role_plays_html(store, class_id),
        rubrics=rubrics_html(store, class_id),
    )
