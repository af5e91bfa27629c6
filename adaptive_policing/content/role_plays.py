"""Role plays in threes: the roles, and what the observer looks for.

The widget is :mod:`adaptive_policing.widgets.role_play`; the class's before/after
ratings are summed up by :mod:`adaptive_policing.analysis.role_plays`.
"""

from __future__ import annotations

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
