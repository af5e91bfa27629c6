"""Printable role cards: every case study's officer (or call-taker), customer and observer cards.

``adaptive-policing role-cards`` writes one self-contained HTML page (no
outside resources) that an instructor prints and cuts up, for groups that role
play without a device or with a scenario no course page sets up. Each card
carries the scenario's title and summary; the observer's card also lists the
checklist the role-play kit shows (the complaint resolution process and L.A.S.T.).
"""

from __future__ import annotations

from typing import Iterable

from ..content.scenarios import CaseStudy, case_study_ids, load_case_study
from ..content.role_plays import CHECKLIST, ROLES, role_label
from .html import esc

PRINT_STYLE = """
body{font:12pt/1.45 system-ui,sans-serif;color:#111;margin:1.5cm}
h1{font-size:18pt}
.scenario{break-inside:avoid;margin:0 0 1cm}
.card{border:1px dashed #555;padding:.5cm .7cm;margin:.3cm 0;break-inside:avoid}
.card h3{margin:0 0 .2cm;font-size:13pt}
.summary{font-style:italic}
@media print{body{margin:1cm}.scenario{break-after:page}}
"""


def _card(case: CaseStudy, role: str) -> str:
    checklist = ""
    if role == "observer":
        items = "".join(f"<li>☐ {esc(step)}</li>" for step in CHECKLIST)
        checklist = f"<p>Tick what you see or hear:</p><ul>{items}</ul>"
    return (
        f'<section class="card"><h3>{esc(role_label(role, case.setting))}: {esc(case.title)}</h3>'
        f'<p class="summary">{esc(case.summary)}</p><p>{esc(case.roles.get(role, ""))}</p>{checklist}</section>'
    )


def role_cards_html(case_ids: Iterable[str] | None = None) -> str:
    """One printable page with the three role cards of each case study (all of them by default)."""
    scenarios = [load_case_study(case_id) for case_id in (case_ids or case_study_ids())]
    body = "".join(
        f'<div class="scenario"><h2>{esc(case.title)}</h2>{"".join(_card(case, role) for role in ROLES)}</div>'
        for case in scenarios
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Role cards · Adaptive Policing</title>'
        f"<style>{PRINT_STYLE}</style></head><body><h1>Role cards</h1>"
        "<p>Groups of three: the officer (or call-taker), the customer and the observer. Cut along the dashed lines."
        f"</p>{body}</body></html>"
    )
