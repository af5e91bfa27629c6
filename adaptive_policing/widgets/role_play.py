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
from typing import TYPE_CHECKING, Any, Mapping

import ipywidgets as widgets

from ..analysis.role_plays import rating_or_none
from ..content.role_plays import CHECKLIST, COMPLAINT_STEPS, PROMPT_PREFIX, ROLES, RolePlayScenario, load_scenario, role_label
from ..content.scenarios import CaseStudy
from ..data.records import Trainee
from ..views.render import render
from .common import fragment, text_box
from .saved import SavedAnswerWidget

if TYPE_CHECKING:
    from ..data.store import ResponseStore

RATING_QUESTION = (
    "How do you, as the customer, see the police right now? 0 = not at all, 10 = completely trust them."
)
NO_RATING = "Choose a number"
RATING_OPTIONS: list[tuple[str, int | None]] = [(NO_RATING, None)] + [
    (f"{n}" + {0: " – not at all", 10: " – completely trust them"}.get(n, ""), n) for n in range(11)
]


class RolePlayKit(SavedAnswerWidget):
    """A role-play kit for one scenario, bound to the signed-in trainee."""

    css_class = "ap-roleplay"
    saved_noun = "role play"

    def __init__(
        self,
        case: CaseStudy | RolePlayScenario | str,
        *,
        store: ResponseStore | None = None,
        trainee: Trainee | None = None,
        course_dir: Path | str | None = None,
    ) -> None:
        self.case = load_scenario(case, course_dir) if isinstance(case, str) else case
        super().__init__(PROMPT_PREFIX + self.case.id, store=store, trainee=trainee)

    def build(self) -> list[widgets.Widget]:
        self.role = widgets.RadioButtons(
            options=[(role_label(role, self.case.setting), role) for role in ROLES],
            value=None, description="Your role", layout=widgets.Layout(width="auto"),
        )
        self.card = widgets.HTML()
        self.partners = text_box("Your partners' names", "e.g. Dana Ortiz and Kim Nguyen", continuous=True)
        self.before = self._rating("Before the role play")
        self.after = self._rating("After the role play")
        self.customer_box = widgets.VBox([fragment("question", text=RATING_QUESTION), self.before, self.after])
        self.checks = [widgets.Checkbox(value=False, description=label, indent=False,
                                        layout=widgets.Layout(width="auto")) for label in CHECKLIST]
        self.observer_box = widgets.VBox([
            fragment("role_play_observer", heading="Customer complaint resolution process"),
            *self.checks[:len(COMPLAINT_STEPS)],
            fragment("heading", text="L.A.S.T."),
            *self.checks[len(COMPLAINT_STEPS):],
        ])
        self.notes = text_box("Notes", "What worked, what you would change, words that helped.", lines=4,
                              continuous=True)
        header = fragment("role_play_header", title=self.case.title)
        self.role.observe(lambda _change: self._show_role(), names="value")
        self._show_role()
        return [
            header, self.role, self.card, self.partners, self.customer_box, self.observer_box,
            self.notes, self.make_save_button("Save role play", "Save your role play"),
        ]

    @staticmethod
    def _rating(label: str) -> widgets.Dropdown:
        dropdown = widgets.Dropdown(options=RATING_OPTIONS, index=0, description=label,
                                    layout=widgets.Layout(width="auto"))
        dropdown.add_class("ap-field")
        return dropdown

    def watched(self) -> list[widgets.ValueWidget]:
        return [self.role, self.partners, self.before, self.after, *self.checks, self.notes]

    def text_fields(self) -> dict[str, widgets.Text | widgets.Textarea]:
        return {"partners": self.partners, "notes": self.notes}

    # the role ---------------------------------------------------------------------

    def _show_role(self) -> None:
        role = self.role.value
        if role is None:
            self.card.value = ""
        else:
            name = role_label(role, self.case.setting)
            self.card.value = render("trainee/role_play_card.html.j2", role_name=name, text=self.case.roles[role])
        self.customer_box.layout.display = None if role == "customer" else "none"
        # with a rubric of its own (Activity 3), the observer scores that instead of this checklist
        has_rubric = getattr(self.case, "rubric", False)
        self.observer_box.layout.display = None if role == "observer" and not has_rubric else "none"

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

    def apply_saved(self, value: Any) -> bool:
        if not isinstance(value, Mapping):
            return False
        self.value = value
        return True


def _set_rating(dropdown: widgets.Dropdown, value: Any) -> None:
    rating = rating_or_none(value)
    dropdown.index = 0 if rating is None else rating + 1  # index 0 is "Choose a number"


def role_play(case_id: str) -> RolePlayKit:
    """A role-play kit for a course page (one line in a notebook), e.g. ``role_play("phone-towed-car")``."""
    return RolePlayKit(case_id)
