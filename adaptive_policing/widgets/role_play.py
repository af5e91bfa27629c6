"""Role plays in threes: officer (or call-taker), customer, observer.

``role_play("phone-towed-car")`` in a course notebook shows a role-play kit for
the case study of the same id: the trainee picks a role and sees that role's
card from the scenario file; the customer rates how they see the police before
and after (0–10); the observer ticks the complaint-resolution steps and L.A.S.T.
they saw; everyone can note their partners' names and notes. It is saved under
``roleplay:<id>`` as::

    {"role": "officer" | "customer" | "observer", "partners": str,
     "before": int | None, "after": int | None,
     "checklist": [ticked item labels], "notes": str}

Only the fields that belong to the chosen role are saved (ratings for the
customer, the checklist for the observer). The instructor sees every
customer's before and after with :func:`role_play_pairs` and
:func:`role_play_chart` (a PNG) plus :func:`role_play_chart_alt` (its text).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import ipywidgets as widgets

from ..analysis.role_plays import rating_or_none
from ..content.role_plays import CHECKLIST, COMPLAINT_STEPS, PROMPT_PREFIX, ROLES, role_label
from ..content.scenarios import CaseStudy, load_case_study
from ..data.store import ResponseStore, Trainee
from .common import AnswerKeeper, Participant, StatusLine, text_box
from ..views.html import esc, local_time

RATING_QUESTION = (
    "How do you, as the customer, see the police right now? 0 = not at all, 10 = completely trust them."
)
NO_RATING = "Choose a number"
RATING_OPTIONS: list[tuple[str, int | None]] = [(NO_RATING, None)] + [
    (f"{n}" + {0: " – not at all", 10: " – completely trust them"}.get(n, ""), n) for n in range(11)
]


class RolePlayKit(widgets.VBox):
    """A role-play kit for one scenario, bound to the signed-in trainee."""

    def __init__(
        self,
        case: CaseStudy | str,
        *,
        store: ResponseStore | None = None,
        trainee: Trainee | None = None,
        course_dir: Path | str | None = None,
    ) -> None:
        self.case = case if isinstance(case, CaseStudy) else load_case_study(case, course_dir)
        self.prompt_id = PROMPT_PREFIX + self.case.id
        self.participant = Participant(store, trainee)
        self.status = StatusLine()
        self.keeper = AnswerKeeper(self.prompt_id, self.participant, self.status)
        self.role = widgets.RadioButtons(
            options=[(role_label(role, self.case.setting), role) for role in ROLES],
            value=None, description="Your role", layout=widgets.Layout(width="auto"),
        )
        self.card = widgets.HTML()
        self.partners = text_box("Your partners' names", "e.g. Dana Ortiz and Kim Nguyen")
        self.before = self._rating("Before the role play")
        self.after = self._rating("After the role play")
        self.customer_box = widgets.VBox([
            widgets.HTML(f'<p class="ap-question">{esc(RATING_QUESTION)}</p>'), self.before, self.after,
        ])
        self.checks = [widgets.Checkbox(value=False, description=label, indent=False,
                                        layout=widgets.Layout(width="auto")) for label in CHECKLIST]
        self.observer_box = widgets.VBox([
            widgets.HTML('<p class="ap-question">Tick each step you saw or heard.</p>'
                         "<h4>Customer complaint resolution process</h4>"),
            *self.checks[:len(COMPLAINT_STEPS)],
            widgets.HTML("<h4>L.A.S.T.</h4>"),
            *self.checks[len(COMPLAINT_STEPS):],
        ])
        self.notes = text_box("Notes", "What worked, what you would change, words that helped.", lines=4)
        self.save_button = widgets.Button(
            description="Save role play", button_style="primary", icon="check", tooltip="Save your role play"
        )
        self.save_button.on_click(lambda _button: self.save())
        header = widgets.HTML(
            f'<h3 class="ap-roleplay-title">Role play: {esc(self.case.title)}</h3>'
            f'<p class="ap-roleplay-intro">Work in threes. Choose your role to see your role card.</p>'
        )
        super().__init__(children=[
            header, self.role, self.card, self.partners, self.customer_box, self.observer_box,
            self.notes, self.save_button, self.status,
        ])
        self.add_class("ap-roleplay")
        self.role.observe(lambda _change: self._show_role(), names="value")
        self._show_role()
        self._restore()
        for control in self._inputs:
            control.observe(self._mark_unsaved, names="value")

    @staticmethod
    def _rating(label: str) -> widgets.Dropdown:
        dropdown = widgets.Dropdown(options=RATING_OPTIONS, index=0, description=label,
                                    layout=widgets.Layout(width="auto"))
        dropdown.add_class("ap-field")
        return dropdown

    @property
    def _inputs(self) -> list[widgets.ValueWidget]:
        return [self.role, self.partners, self.before, self.after, *self.checks, self.notes]

    # the role ---------------------------------------------------------------------

    def _show_role(self) -> None:
        role = self.role.value
        if role is None:
            self.card.value = ""
        else:
            name = role_label(role, self.case.setting)
            self.card.value = (
                f'<div class="ap-roleplay-card"><h4>Your role card: {esc(name)}</h4>'
                f"<p>{esc(self.case.roles[role])}</p></div>"
            )
        self.customer_box.layout.display = None if role == "customer" else "none"
        self.observer_box.layout.display = None if role == "observer" else "none"

    # the value --------------------------------------------------------------------------

    @property
    def value(self) -> dict[str, Any]:
        """The role play as it stands in the controls; fields of other roles are left out."""
        role = self.role.value
        return {
            "role": role,
            "partners": self.partners.value.strip(),
            "before": self.before.value if role == "customer" else None,
            "after": self.after.value if role == "customer" else None,
            "checklist": [c.description for c in self.checks if c.value] if role == "observer" else [],
            "notes": self.notes.value,
        }

    @value.setter
    def value(self, saved: Mapping[str, Any]) -> None:
        self.role.value = saved.get("role") if saved.get("role") in ROLES else None
        self.partners.value = str(saved.get("partners") or "")
        _set_rating(self.before, saved.get("before"))
        _set_rating(self.after, saved.get("after"))
        ticked = set(saved.get("checklist") or [])
        for check in self.checks:
            check.value = check.description in ticked
        self.notes.value = str(saved.get("notes") or "")

    def problem(self) -> str | None:
        """What is missing before this can be saved, in plain words; None when ready."""
        value = self.value
        if value["role"] is None:
            return "Please choose your role first."
        if value["role"] == "customer" and (value["before"] is None or value["after"] is None):
            return "As the customer, please give both ratings: before and after the role play."
        return None

    # saving -----------------------------------------------------------------------------

    def _restore(self) -> None:
        saved = self.keeper.saved()
        if not self.participant.signed_in:
            self.save_button.disabled = True
        elif saved is not None and isinstance(saved.value, Mapping):
            self.value = saved.value
            self.status.show(f"Your role play saved at {local_time(saved.created_at)} is shown.", "saved")

    def _mark_unsaved(self, _change: dict[str, Any]) -> None:
        if self.participant.signed_in and self.status.kind != "error":
            self.status.show("Not saved yet: press Save role play.", "info")

    def save(self) -> bool:
        """Save the role play as a new revision; returns whether it was stored."""
        missing = self.problem() if self.participant.signed_in else None
        if missing:
            self.status.show(missing, "error")
            return False
        return self.keeper.save(self.value)


def _set_rating(dropdown: widgets.Dropdown, value: Any) -> None:
    rating = rating_or_none(value)
    dropdown.index = 0 if rating is None else rating + 1  # index 0 is "Choose a number"


def role_play(case_id: str) -> RolePlayKit:
    """A role-play kit for a course page (one line in a notebook), e.g. ``role_play("phone-towed-car")``."""
    return RolePlayKit(case_id)
