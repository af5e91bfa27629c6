"""Learning Activity 3's behaviourally anchored rubric: the observer scores it, the instructor confirms it.

``rubric("window-citation-complaint")`` in the activity shows, for the observer
of that round, every step of the complaint resolution process
(:mod:`adaptive_policing.content.complaint_process`) with what "done",
"partly" and "not done" look like, a choice of the three for each step, the
officer's and customer's names and notes. It is saved for the observer under
``rubric:<scenario id>`` (every save a new revision). A rubric is complete
when every step is rated and the officer is named.

:class:`RubricConfirmPanel` sits in the console's Activities tab: the
instructor picks a rubric, sees the observer's ratings, corrects any, and
confirms; the confirmation is a row in the store
(:meth:`~adaptive_policing.data.store.ResponseStore.confirm_rubric`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

import ipywidgets as widgets

from ..analysis.role_plays import RubricSheet
from ..content.complaint_process import PROMPT_PREFIX, ComplaintProcess, complaint_process
from ..content.role_plays import activity_rounds, load_role_play
from ..data.records import StoreError, Trainee
from ..views.render import render
from ..views.rubrics import class_rubric_sheets
from .common import StatusLine, fragment, text_box
from .saved import SavedAnswerWidget

if TYPE_CHECKING:
    from ..data.store import ResponseStore


def _rating_buttons(process: ComplaintProcess, description: str) -> widgets.RadioButtons:
    buttons = widgets.RadioButtons(options=[(rating.label, rating.id) for rating in process.ratings], value=None,
                                   description=description, layout=widgets.Layout(width="auto"))
    buttons.add_class("ap-rubric-choice")
    return buttons


class RubricSheetWidget(SavedAnswerWidget):
    """The observer's rubric for one round's scenario, bound to the signed-in trainee."""

    css_class = "ap-rubric"
    saved_noun = "rubric"

    def __init__(
        self,
        scenario_id: str,
        *,
        store: ResponseStore | None = None,
        trainee: Trainee | None = None,
        course_dir: Path | str | None = None,
    ) -> None:
        self.scenario = load_role_play(scenario_id, course_dir)
        self.process = complaint_process(course_dir)
        rounds = activity_rounds(course_dir)
        self.round = next((r.number for r in rounds.rounds if r.scenario == scenario_id), None)
        super().__init__(PROMPT_PREFIX + scenario_id, store=store, trainee=trainee)

    def build(self) -> list[widgets.Widget]:
        self.officer = text_box("Officer", "The name of the trainee playing the officer")
        self.customer = text_box("Customer", "The name of the trainee playing the community member")
        self.choices: dict[str, widgets.RadioButtons] = {}
        steps: list[widgets.Widget] = []
        for step in self.process.steps:
            self.choices[step.id] = _rating_buttons(self.process, step.name)
            steps += [fragment("rubric_step", step=step, ratings=self.process.ratings), self.choices[step.id]]
        self.score = widgets.HTML()
        for choice in self.choices.values():
            choice.observe(lambda _change: self._show_score(), names="value")
        self.notes = text_box("Notes", "Words that helped or hurt; what to try next time. No real names or cases.",
                              lines=3)
        self._show_score()
        return [
            fragment("rubric_header", title=self.scenario.title, round=self.round, summary=self.scenario.summary),
            self.officer, self.customer, *steps, self.score, self.notes,
            self.make_save_button("Save rubric", "Save your rubric"),
        ]

    def watched(self) -> list[widgets.ValueWidget]:
        return [self.officer, self.customer, *self.choices.values(), self.notes]

    def _show_score(self) -> None:
        ratings = self.ratings
        self.score.value = render(
            "trainee/note.html.j2",
            text=f"Score so far: {self.process.points(ratings)} of {self.process.max_points} points "
                 f"({len(ratings)} of {len(self.process.steps)} steps rated).",
        )

    @property
    def ratings(self) -> dict[str, str]:
        return {step_id: choice.value for step_id, choice in self.choices.items() if choice.value is not None}

    @property
    def value(self) -> dict[str, Any]:
        """The rubric as it stands in the controls."""
        return {
            "scenario": self.scenario.id,
            "round": self.round,
            "officer": self.officer.value.strip(),
            "customer": self.customer.value.strip(),
            "ratings": self.ratings,
            "notes": self.notes.value,
        }

    @value.setter
    def value(self, saved: Mapping[str, Any]) -> None:
        self.officer.value = str(saved.get("officer") or "")
        self.customer.value = str(saved.get("customer") or "")
        ratings = self.process.clean_ratings(saved.get("ratings"))
        for step_id, choice in self.choices.items():
            choice.value = ratings.get(step_id)
        self.notes.value = str(saved.get("notes") or "")

    def problem(self) -> str | None:
        """What is missing before this can be saved, in plain words; None when ready."""
        value = self.value
        if not value["officer"]:
            return "Please write the name of the trainee who played the officer."
        missing = self.process.missing(value["ratings"])
        if missing:
            return f"Please rate every step; not rated yet: {', '.join(step.name for step in missing)}."
        return None

    def apply_saved(self, value: Any) -> bool:
        if not isinstance(value, Mapping):
            return False
        self.value = value
        return True


def rubric(scenario_id: str) -> RubricSheetWidget:
    """The observer's rubric for one Activity 3 round (one line in a notebook), e.g. ``rubric("phone-search-complaint")``."""
    return RubricSheetWidget(scenario_id)


# --- the instructor's side ----------------------------------------------------------------------------


def sheet_label(sheet: RubricSheet) -> str:
    """How a rubric is named in the console's chooser."""
    state = "confirmed" if sheet.confirmed is not None else "awaiting confirmation"
    return (f"Round {sheet.round or '?'} · officer {sheet.officer or '(not named)'} · observer {sheet.observer}"
            f" · {sheet.points} of {sheet.max_points} · {state}")


class RubricConfirmPanel(widgets.VBox):
    """Choose an observer's rubric, correct any rating, and confirm it (the console's Activities tab)."""

    def __init__(self, store: ResponseStore, on_confirmed: Callable[[], None] | None = None) -> None:
        self.store = store
        self.process = complaint_process()
        self.on_confirmed = on_confirmed
        self.class_id: int | None = None
        self.sheets: list[RubricSheet] = []
        self._shown: tuple[Any, ...] | None = None  # what the step controls show, so a refresh keeps edits
        self.chooser = widgets.Dropdown(description="Rubric", options=[("No rubrics yet", None)],
                                        layout=widgets.Layout(width="48em"))
        self.chooser.observe(lambda _change: self._show_sheet(), names="value")
        self.choices = {step.id: widgets.Dropdown(
            description=step.name, options=[("not rated", None)] + [(r.label, r.id) for r in self.process.ratings],
            style={"description_width": "14em"}, layout=widgets.Layout(width="26em"),
        ) for step in self.process.steps}
        self.note = text_box("Note", "Why you corrected a rating (optional)")
        self.confirm_button = widgets.Button(description="Confirm this rating", icon="check",
                                             layout=widgets.Layout(width="auto"), disabled=True)
        self.confirm_button.on_click(lambda _b: self.confirm())
        self.status = StatusLine()
        super().__init__([
            fragment("heading", text="Confirm a rubric"), self.chooser,
            widgets.VBox(list(self.choices.values())), self.note, self.confirm_button, self.status,
        ])
        self.add_class("ap-rubric-confirm")

    def show(self, class_id: int | None) -> None:
        """Re-read the class's rubrics; the chosen one stays chosen while it exists."""
        self.class_id = class_id
        self.sheets = class_rubric_sheets(self.store, class_id, self.process) if class_id is not None else []
        options = [(sheet_label(sheet), sheet.answer.id) for sheet in self.sheets] or [("No rubrics yet", None)]
        if options != list(self.chooser.options):
            chosen = self.chooser.value
            self.chooser.options = options
            ids = [value for _label, value in options]
            self.chooser.value = chosen if chosen in ids else ids[0]
        self._show_sheet()

    @property
    def chosen(self) -> RubricSheet | None:
        return next((sheet for sheet in self.sheets if sheet.answer.id == self.chooser.value), None)

    def _show_sheet(self) -> None:
        """Show the chosen rubric's ratings, unless they are already shown (the instructor may be correcting them)."""
        sheet = self.chosen
        ratings = sheet.final if sheet is not None else {}
        key = (sheet.answer.id if sheet else None, tuple(sorted(ratings.items())))
        if key != self._shown:
            self._shown = key
            for step_id, choice in self.choices.items():
                choice.value = ratings.get(step_id)
        self.confirm_button.disabled = sheet is None

    def confirm(self) -> bool:
        """Confirm the chosen rubric with the ratings shown; returns whether it was recorded."""
        sheet = self.chosen
        if sheet is None or self.class_id is None:
            self.status.show("Choose a rubric first.", "error")
            return False
        ratings = {step_id: choice.value for step_id, choice in self.choices.items() if choice.value is not None}
        missing = self.process.missing(ratings)
        if missing:
            self.status.show(f"Rate every step before confirming; not rated: {', '.join(s.name for s in missing)}.",
                             "error")
            return False
        try:
            self.store.confirm_rubric(self.class_id, sheet.answer, ratings, self.note.value.strip())
        except StoreError as error:
            self.status.show(str(error), "error")
            return False
        self.note.value = ""
        self.status.show(f"Confirmed: {sheet_label(sheet).rsplit(' · ', 1)[0]}.", "saved")
        self.show(self.class_id)
        if self.on_confirmed is not None:
            self.on_confirmed()
        return True
