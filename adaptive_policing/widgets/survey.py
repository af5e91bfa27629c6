"""The self-assessment before and after the course, and the course feedback form (one line in a notebook).

``survey("pre")`` (start page), ``survey("post")`` (end of page 08) and
``survey("feedback")`` (page 09, after the assessment). The items and questions
come from ``course/survey.yaml`` (:mod:`adaptive_policing.content.survey`).

* :class:`SelfAssessment` shows every item with the 1–5 agreement scale and one
  Save button; each rating is saved as its own answer (``pre:<item>`` or
  ``post:<item>``). On the start page the trainee signs in on the same page, so
  the trainee is looked up again when Save is pressed.
* :class:`FeedbackForm` is a saved-answer widget (drafts, restore, closed prompt)
  whose answer is one mapping under ``feedback:course``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import ipywidgets as widgets

from . import viewer
from ..content.prompts import SCALE_LABELS
from ..content.survey import (
    FEEDBACK_PROMPT, FEEDBACK_RATINGS, FEEDBACK_TEXTS, PHASES, RATING_LABELS, SCALE, Phase, Survey, load_survey,
    prompt_id,
)
from ..data.records import StoreError, Trainee
from ..views.clock import local_time
from ..views.survey import FEEDBACK_MINIMUM
from .common import PREVIEW_MESSAGE, HeldControls, Participant, StatusLine, fragment, text_box
from .saved import SavedAnswerWidget

if TYPE_CHECKING:
    from ..data.store import ResponseStore

SCALE_OPTIONS = tuple(zip(SCALE_LABELS, SCALE))
"""The self-assessment's (label, value) pairs: the label is shown, the number 1–5 is saved."""
RATING_OPTIONS = tuple(zip(RATING_LABELS, SCALE))
"""The feedback ratings' (label, value) pairs, from poor to excellent."""
INTRO = {
    "pre": "Before we start: how far do you agree? There are no right answers; you rate the same "
           "statements again at the end, so the course can see what changed.",
    "post": "Now that the sections are done: how far do you agree? These are the statements you rated at the start.",
}
NOT_SIGNED_IN = "Sign in first: your ratings are saved under your name."


def _scale(description: str, options: tuple[tuple[str, int], ...] = SCALE_OPTIONS) -> widgets.RadioButtons:
    return widgets.RadioButtons(options=options, value=None, description=description,
                                layout=widgets.Layout(width="auto"))


class SelfAssessment(widgets.VBox):
    """The self-assessment items of one phase, saved one answer per item."""

    def __init__(self, phase: Phase, *, survey: Survey | None = None, store: ResponseStore | None = None,
                 trainee: Trainee | None = None) -> None:
        if phase not in PHASES:
            raise ValueError(f"phase {phase!r} is not one of {', '.join(PHASES)}")
        self.phase = phase
        self.survey = survey or load_survey()
        self.participant = Participant(store, trainee, identify=False)
        self.choices = {item.item_id: _scale("Your rating") for item in self.survey.items}
        self.save_button = widgets.Button(description="Save my ratings", button_style="primary", icon="check",
                                          tooltip="Save your ratings")
        self.save_button.on_click(lambda _button: self.save())
        self.status = StatusLine()
        rows: list[widgets.Widget] = [fragment("heading", text="How confident are you? (self-assessment)"),
                                      fragment("note", text=INTRO[phase])]
        for item in self.survey.items:
            rows += [fragment("question", text=item.statement), self.choices[item.item_id]]
        super().__init__(children=[*rows, self.save_button, self.status])
        self.add_class("ap-survey")
        self._held = HeldControls([*self.choices.values(), self.save_button])
        viewer.when_request_arrives(self._open_for_trainee)

    def _open_for_trainee(self) -> None:
        """Show the trainee's saved ratings, then let them rate (held off while a pre-warmed page waited)."""
        self._held.release_once_filled_in(self.restore, what=f"{self.phase} self-assessment", status=self.status,
                                          save_button=self.save_button)

    @property
    def store(self) -> ResponseStore:
        return self.participant.store

    @property
    def trainee(self) -> Trainee | None:
        """The signed-in trainee, looked up again until there is one (the start page signs in on the page)."""
        if self.participant.trainee is None:
            self.participant.trainee = viewer.current_trainee()
        return self.participant.trainee

    @property
    def value(self) -> dict[str, int | None]:
        """The rating chosen per item (None where none is chosen yet)."""
        return {item_id: choice.value for item_id, choice in self.choices.items()}

    def restore(self) -> None:
        """Show the trainee's saved ratings, if any."""
        trainee = self.trainee
        if trainee is None:
            return
        saved = [self.store.latest_answer(trainee, prompt_id(self.phase, item_id)) for item_id in self.choices]
        for (item_id, choice), answer in zip(self.choices.items(), saved):
            if answer is not None and answer.value in SCALE:
                choice.value = answer.value
        times = [answer.created_at for answer in saved if answer is not None]
        if times:
            self.status.show(f"Your ratings saved at {local_time(max(times))} are shown.", "saved")

    def save(self) -> bool:
        """Save every rating; refused (and says why) until each item has one or nobody is signed in."""
        trainee = self.trainee
        if trainee is None:
            self.status.show(NOT_SIGNED_IN if self.phase == "pre" else PREVIEW_MESSAGE, "warning")
            return False
        missing = sum(1 for value in self.value.values() if value is None)
        if missing:
            self.status.show(f"Please rate every statement first ({missing} left).", "error")
            return False
        try:
            saved = [self.store.save_answer(trainee, prompt_id(self.phase, item_id), value)
                     for item_id, value in self.value.items()]
        except StoreError as problem:
            self.status.show(str(problem), "error")
            return False
        self.status.show(f"Saved at {local_time(saved[-1].created_at)}.", "saved")
        return True


class FeedbackForm(SavedAnswerWidget):
    """The course feedback form: what helped, what to change, and two 1–5 ratings."""

    css_class = "ap-feedback"
    saved_noun = "feedback"

    def __init__(self, *, survey: Survey | None = None, store: ResponseStore | None = None,
                 trainee: Trainee | None = None) -> None:
        self.survey = survey or load_survey()
        super().__init__(FEEDBACK_PROMPT, store=store, trainee=trainee)

    def build(self) -> Sequence[widgets.Widget]:
        questions = self.survey.feedback
        self.texts = {name: text_box("Your answer", "Type here.", lines=3, continuous=True)
                      for name in FEEDBACK_TEXTS}
        self.ratings = {name: _scale("Rating", RATING_OPTIONS) for name in FEEDBACK_RATINGS}
        rows: list[widgets.Widget] = [
            fragment("heading", text="Course feedback"),
            fragment("note", text=f"Your instructor sees your feedback without your name, once at least "
                                  f"{FEEDBACK_MINIMUM} of the class have sent theirs. The training coordinator's "
                                  "record links it to your sign-in."),
        ]
        for name in FEEDBACK_TEXTS:
            rows += [fragment("question", text=questions[name]), self.texts[name]]
        for name in FEEDBACK_RATINGS:
            rows += [fragment("question", text=questions[name]), self.ratings[name]]
        return [*rows, self.make_save_button("Send feedback", "Send your feedback")]

    def watched(self) -> list[widgets.ValueWidget]:
        return [*self.texts.values(), *self.ratings.values()]

    def text_fields(self) -> dict[str, widgets.Text | widgets.Textarea]:
        return dict(self.texts)

    @property
    def value(self) -> dict[str, Any]:
        return {**{name: box.value for name, box in self.texts.items()},
                **{name: choice.value for name, choice in self.ratings.items()}}

    def apply_saved(self, value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        for name, box in self.texts.items():
            box.value = str(value.get(name) or "")
        for name, choice in self.ratings.items():
            choice.value = value.get(name) if value.get(name) in SCALE else None
        return True

    def problem(self) -> str | None:
        answer = self.value
        if not any(str(answer[name]).strip() for name in FEEDBACK_TEXTS) and all(
                answer[name] is None for name in FEEDBACK_RATINGS):
            return "Please answer at least one question first."
        return None


def survey(part: str) -> widgets.Widget:
    """``"pre"`` or ``"post"``: the self-assessment; ``"feedback"``: the course feedback form."""
    if part == "pre" and viewer.is_instructor_view():
        return widgets.HTML()  # the start page is the join slide on the instructor's server
    if part == "feedback":
        return FeedbackForm()
    if part in PHASES:
        return SelfAssessment(part)  # type: ignore[arg-type]
    raise ValueError(f"survey part {part!r} is not pre, post or feedback")
