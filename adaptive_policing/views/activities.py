"""The class's activities for the console, as escaped, accessible HTML.

* **Worksheets side by side**: every group's (and every lone trainee's) latest
  worksheet, the best-practices field first, so the class can formulate one
  list (Learning Activity 2).
* **Case-study paths**: per case study, how many started and finished, the
  endings reached, how the class chose at each decision, the average final
  perception (:func:`adaptive_policing.analysis.case_paths.class_paths`).
* **Role plays**: each customer's rating of the police before and after, as a
  chart with its text alternative and a table
  (:mod:`adaptive_policing.analysis.role_plays`).

Everything a trainee typed goes through ``esc``; charts are PNG data URLs, so the
page loads nothing from anywhere.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Iterable

from ..content.scenarios import PROMPT_PREFIX as CASE_PREFIX
from ..analysis.case_paths import class_paths
from ..content.scenarios import CaseStudyError, load_case_study
from ..analysis.role_plays import PairRating, role_play_pairs
from .charts import role_play_chart, role_play_chart_alt
from ..data.store import ResponseStore, WorksheetRevision
from .html import esc

BEST_PRACTICES_HINT = "best practice"
"""A worksheet field whose name contains this is lined up first (Activity 2's best practices)."""


def png_img(png: bytes, alt: str) -> str:
    """A PNG as an ``<img>`` that needs no request: a data URL with a text alternative."""
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="ap-chart" src="data:image/png;base64,{data}" alt="{esc(alt)}">'


def _field_order(sheets: Iterable[WorksheetRevision]) -> list[str]:
    fields: list[str] = []
    for sheet in sheets:
        fields.extend(name for name in sheet.fields if name not in fields)
    return sorted(fields, key=lambda name: BEST_PRACTICES_HINT not in name.lower())


def worksheets_html(store: ResponseStore, class_id: int, sheet_ids: Iterable[str]) -> str:
    """Each worksheet's latest version per group (or trainee), side by side, best practices first."""
    sections = []
    for sheet_id in sheet_ids:
        owners = store.class_worksheets(class_id, sheet_id)
        if not owners:
            continue
        blocks = []
        for field in _field_order(sheet for _owner, sheet in owners):
            cards = "".join(
                f'<li><span class="ap-who">{esc(owner)}</span>'
                f'<pre class="ap-answer-text">{esc(sheet.fields.get(field, "") or "(empty)")}</pre></li>'
                for owner, sheet in owners
            )
            blocks.append(f'<h4>{esc(field)}</h4><ul class="ap-wall">{cards}</ul>')
        sections.append(
            f'<section class="ap-worksheets" data-sheet="{esc(sheet_id)}"><h3>Worksheet {esc(sheet_id)}: '
            f"{len(owners)} saved</h3>{''.join(blocks)}</section>"
        )
    return "".join(sections) or "<p>No worksheets saved in this class yet.</p>"


def case_paths_html(store: ResponseStore, class_id: int, case_ids: Iterable[str]) -> str:
    """For each case study played in the class: endings, choices per decision, final perception."""
    sections = []
    for case_id in case_ids:
        try:
            case = load_case_study(case_id)
        except CaseStudyError:
            continue  # a play saved for a scenario that has since been removed
        paths = class_paths(store, class_id, case_id)
        if not paths.started:
            continue
        endings = "".join(
            f"<li>{esc(ending.outcome.capitalize())} ending ({esc(ending.id)}): "
            f"<strong>{paths.endings.get(ending.id, 0)}</strong></li>"
            for ending in case.endings
        )
        decisions = []
        for node in case.decisions:
            counts = paths.choice_counts.get(node.id, ())
            if not sum(counts):
                continue
            rows = "".join(
                f"<li>{esc(choice.text)}: <strong>{count}</strong></li>" for choice, count in zip(node.choices, counts)
            )
            decisions.append(f"<li><p>{esc(node.text)}</p><ol type=\"A\">{rows}</ol></li>")
        average = paths.average_final_perception
        perception = f"{average:g} out of 10" if average is not None else "nobody has finished yet"
        sections.append(
            f'<section class="ap-case-paths" data-case="{esc(case_id)}"><h3>{esc(case.title)}</h3>'
            f"<p>{paths.started} started · {paths.finished} finished · "
            f"{esc(case.perception_label)} at the end, on average: {esc(perception)}</p>"
            f'<h4>Endings</h4><ul>{endings}</ul><h4>Choices at each decision</h4><ul>{"".join(decisions)}</ul>'
            "</section>"
        )
    return "".join(sections) or "<p>No case studies played in this class yet.</p>"


@lru_cache(maxsize=8)
def _role_play_img(pairs: tuple[PairRating, ...]) -> str:
    """The chart is drawn again only when a rating changed."""
    return png_img(role_play_chart(pairs), role_play_chart_alt(pairs))


def role_plays_html(store: ResponseStore, class_id: int) -> str:
    """The customers' before/after ratings as a chart, its text alternative and a table."""
    pairs = role_play_pairs(store, class_id)
    if not pairs:
        return "<p>No role-play ratings saved in this class yet.</p>"
    rows = "".join(
        f"<tr><td>{esc(pair.trainee_name)}</td><td>{esc(pair.partners)}</td><td>{esc(pair.case_id)}</td>"
        f"<td>{pair.before}</td><td>{pair.after}</td><td>{pair.change:+d}</td></tr>"
        for pair in pairs
    )
    return (
        f"<h3>Role plays: the customer's view of the police, before and after</h3>"
        f"{_role_play_img(tuple(pairs))}"
        "<table><thead><tr><th>Customer</th><th>Partners</th><th>Scenario</th><th>Before</th><th>After</th>"
        f"<th>Change</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def activities_html(store: ResponseStore, class_id: int, prompt_ids: Iterable[str], sheet_ids: Iterable[str]) -> str:
    """The console's Activities tab: worksheets, case-study paths and role plays of one class."""
    case_ids = sorted(p[len(CASE_PREFIX):] for p in prompt_ids if p.startswith(CASE_PREFIX))
    return (
        "<h2>Worksheets</h2>" + worksheets_html(store, class_id, sheet_ids)
        + "<h2>Case studies: the class's paths</h2>" + case_paths_html(store, class_id, case_ids)
        + "<h2>Role plays</h2>" + role_plays_html(store, class_id)
    )
