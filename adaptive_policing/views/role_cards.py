"""Printable role cards: every case study's officer (or call-taker), customer and observer cards.

``adaptive-policing role-cards`` writes one self-contained HTML page (no
outside resources: the print style sheet ``views/static/role_cards.css`` is
inlined) that an instructor prints and cuts up, for groups that role play
without a device or with a scenario no course page sets up. Each card carries
the scenario's title and summary; the observer's card also lists the checklist
the role-play kit shows (the complaint resolution process and L.A.S.T.).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from markupsafe import Markup

from ..content.role_plays import CHECKLIST, ROLES, role_label
from ..content.scenarios import CaseStudy, case_study_ids, load_case_study
from .render import render


@dataclass(frozen=True)
class RoleCard:
    """One card: the role's name in this setting, and what the player of that role is told."""

    role: str
    label: str
    brief: str


def _cards(case: CaseStudy) -> list[RoleCard]:
    return [RoleCard(role, role_label(role, case.setting), case.roles.get(role, "")) for role in ROLES]


def role_cards_html(case_ids: Iterable[str] | None = None) -> Markup:
    """One printable page with the three role cards of each case study (all of them by default)."""
    scenarios = [load_case_study(case_id) for case_id in (case_ids or case_study_ids())]
    return render("role_cards.html.j2", scenarios=[(case, _cards(case)) for case in scenarios], checklist=CHECKLIST)
