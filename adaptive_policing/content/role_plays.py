"""Role plays in threes: the roles, what the observer looks for, and the role-play scenarios.

The widget is :mod:`adaptive_policing.widgets.role_play`; the class's before/after
ratings are summed up by :mod:`adaptive_policing.analysis.role_plays`.

A role play can be a case study played face to face, or a scenario written for
role play only (``course/role-plays/<id>.yaml``: a summary and one card per
role). Learning Activity 3 plays three such scenarios in three rounds
(``course/role-plays/activity-3.yaml``), rotating the roles so every member of
a group of three plays the officer once, each time in a scenario none of them
has seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import yaml

from ..config import settings
from .complaint_process import one_line
from .scenarios import CaseStudy, CaseStudyError, load_case_study

PROMPT_PREFIX = "roleplay:"
ROLES = ("officer", "customer", "observer")

COMPLAINT_STEPS = (
    "Listen", "Ask questions", "Empathize", "Address the issue",
    "Test questions", "Offer additional help", "Appreciation", "Follow-through",
)
"""The customer complaint resolution process (Section VI)."""

LAST_STEPS = ("L.A.S.T.: Listen", "L.A.S.T.: Acknowledge", "L.A.S.T.: Solve", "L.A.S.T.: Thank")
"""L.A.S.T. (Listen, Acknowledge, Solve, Thank), labelled apart from the complaint steps."""

CHECKLIST = COMPLAINT_STEPS + LAST_STEPS


def role_label(role: str, setting: str) -> str:
    """What a role is called in a scenario: the officer is the call-taker on the telephone."""
    if role == "officer":
        return "Call-taker" if setting == "telephone" else "Officer"
    return role.capitalize()


# --- role-play scenarios (course/role-plays/*.yaml) ---------------------------------------------------


ROUNDS_FILE = "activity-3.yaml"
"""Learning Activity 3's rounds, in the role-plays folder beside the scenarios."""


@dataclass(frozen=True)
class RolePlayScenario:
    """A role play that is not a case study: a situation and one card per role (officer, customer, observer).

    It has the attributes the role-play kit and the role cards read from a
    :class:`~adaptive_policing.content.scenarios.CaseStudy` (``id``, ``title``,
    ``setting``, ``summary``, ``roles``), so either can be role-played.
    """

    id: str
    title: str
    setting: str
    summary: str
    roles: Mapping[str, str]
    legal_notes: str

    rubric = True
    """The observer scores the complaint-resolution rubric instead of ticking the kit's checklist."""


@dataclass(frozen=True)
class Round:
    """One round of Activity 3: its scenario and which member of the group (A, B or C) plays each role."""

    number: int
    scenario: str
    players: Mapping[str, str]


@dataclass(frozen=True)
class ActivityRounds:
    """Activity 3's rounds and their timing."""

    activity: str
    rounds: tuple[Round, ...]
    setup_minutes: int
    play_minutes: int
    score_minutes: int
    debrief_minutes: int

    @property
    def minutes(self) -> int:
        """The whole role play: set-up, every round played and scored, and the debrief."""
        return (self.setup_minutes + len(self.rounds) * (self.play_minutes + self.score_minutes)
                + self.debrief_minutes)

    def round_of(self, scenario_id: str) -> Round:
        return next(r for r in self.rounds if r.scenario == scenario_id)


def role_plays_dir(course_dir: Path | str | None = None) -> Path:
    """The folder holding the role-play scenarios."""
    return Path(course_dir or settings().course_dir) / "role-plays"


def role_play_ids(course_dir: Path | str | None = None) -> list[str]:
    """The ids of every role-play scenario, sorted."""
    return sorted(p.stem for p in role_plays_dir(course_dir).glob("*.yaml") if p.name != ROUNDS_FILE)



def load_role_play(scenario_id: str, course_dir: Path | str | None = None) -> RolePlayScenario:
    """A role-play scenario from ``course/role-plays/<id>.yaml``; every role needs its card."""
    path = role_plays_dir(course_dir) / f"{scenario_id}.yaml"
    if not path.is_file() or path.name == ROUNDS_FILE:
        raise CaseStudyError(f"There is no role play called {scenario_id!r} in {path.parent}.")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    roles = {role: one_line((data.get("roles") or {}).get(role)) for role in ROLES}
    missing = [role for role, text in roles.items() if not text]
    if data.get("id") != scenario_id or missing:
        raise CaseStudyError(f"{path.name}: the id must be {scenario_id!r} and every role needs a card "
                             f"(missing: {', '.join(missing) or 'none'}).")
    return RolePlayScenario(scenario_id, one_line(data["title"]), str(data["setting"]), one_line(data["summary"]),
                            roles, one_line(data.get("legal_notes")))


def load_scenario(scenario_id: str, course_dir: Path | str | None = None) -> RolePlayScenario | CaseStudy:
    """What ``role_play(id)`` plays: a role-play scenario of that id, or else the case study."""
    if (role_plays_dir(course_dir) / f"{scenario_id}.yaml").is_file():
        return load_role_play(scenario_id, course_dir)
    return load_case_study(scenario_id, course_dir)


def activity_rounds(course_dir: Path | str | None = None) -> ActivityRounds:
    """Activity 3's rounds: each names a role-play scenario that exists and gives every role to one member."""
    path = role_plays_dir(course_dir) / ROUNDS_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rounds = tuple(
        Round(number, str(entry["scenario"]), {role: str(entry[role]) for role in ROLES})
        for number, entry in enumerate(data["rounds"], start=1)
    )
    known = set(role_play_ids(course_dir))
    for r in rounds:
        if r.scenario not in known:
            raise CaseStudyError(f"{ROUNDS_FILE}: round {r.number} names {r.scenario!r}, which is not a role play.")
    return ActivityRounds(str(data["activity"]), rounds, int(data["setup_minutes"]), int(data["play_minutes"]),
                          int(data["score_minutes"]), int(data["debrief_minutes"]))
