"""Discussion prompts: a question, an answer control, a Save button and a status line.

``prompt("s01-about-you", "Tell us your name, experience and assignment.")`` in a
course notebook shows a free-text prompt; ``kind`` selects a single choice, a
multiple choice or a 1–5 scale. The trainee's latest saved answer is shown when
the page opens, and each Save stores a new revision. A prompt the instructor has
closed opens with Save disabled and says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Sequence

import ipywidgets as widgets

from . import viewer
from ..content.limits import MAX_TEXT_CHARS
from ..content.prompts import SCALE_LABELS
from ..data.records import Trainee
from .common import CLOSED_MESSAGE, CLOSED_ON_OPEN_MESSAGE, fragment, shared_look, text_box
from .saved import SavedAnswerWidget

if TYPE_CHECKING:
    from ..data.store import ResponseStore

__all__ = ["CLOSED_MESSAGE", "DiscussionPrompt", "PromptKind", "prompt"]

PromptKind = Literal["text", "choice", "multi", "scale"]


class DiscussionPrompt(SavedAnswerWidget):
    """One discussion prompt, bound to the signed-in trainee."""

    css_class = "ap-prompt"
    saved_noun = "answer"
    warn_when_closed = True

    def __init__(
        self,
        prompt_id: str,
        question: str,
        kind: PromptKind = "text",
        options: Sequence[str] = (),
        *,
        store: ResponseStore | None = None,
        trainee: Trainee | None = None,
    ) -> None:
        if kind in ("choice", "multi") and not options:
            raise ValueError(f"prompt {prompt_id!r}: a {kind} prompt needs options")
        self.question = question
        self.kind = kind
        self.options = tuple(SCALE_LABELS if kind == "scale" else options)
        super().__init__(prompt_id, store=store, trainee=trainee)

    # the answer control ---------------------------------------------------------

    def build(self) -> list[widgets.Widget]:
        label = fragment("question", text=self.question)
        if self.kind == "text":
            self.text = text_box("Your answer", "Type your answer here.", lines=5, continuous=True)
            self._inputs: list[widgets.ValueWidget] = [self.text]
        elif self.kind in ("choice", "scale"):
            self.choice = widgets.RadioButtons(
                options=self.options, value=None, description="Your answer",
                **shared_look(widgets.RadioButtons, width="auto"),
            )
            self._inputs = [self.choice]
        else:
            self.checks = [
                widgets.Checkbox(value=False, description=option, indent=False,
                                 **shared_look(widgets.Checkbox, width="auto"))
                for option in self.options
            ]
            self._inputs = list(self.checks)
        return [label, *self._inputs, self.make_save_button("Save answer", "Save your answer")]

    def watched(self) -> list[widgets.ValueWidget]:
        return self._inputs

    def opened(self) -> None:
        """A prompt the instructor closed before the page opened says so, with Save off."""
        if self.participant.signed_in and self.save_button is not None and self.save_button.disabled:
            self.status.show(CLOSED_ON_OPEN_MESSAGE, "warning")

    def text_fields(self) -> dict[str, widgets.Text | widgets.Textarea]:
        return {"answer": self.text} if self.kind == "text" else {}

    @property
    def value(self) -> Any:
        """The answer as it stands in the controls (not necessarily saved)."""
        if self.kind == "text":
            return self.text.value
        if self.kind in ("choice", "scale"):
            return self.choice.value
        return [check.description for check in self.checks if check.value]

    @value.setter
    def value(self, answer: Any) -> None:
        if self.kind == "text":
            self.text.value = str(answer or "")
        elif self.kind in ("choice", "scale"):
            self.choice.value = answer if answer in self.options else None
        else:
            chosen = set(answer or [])
            for check in self.checks:
                check.value = check.description in chosen

    def apply_saved(self, value: Any) -> bool:
        self.value = value
        return True

    # saving ---------------------------------------------------------------------

    def problem(self) -> str | None:
        """What keeps the current answer from being saved, in plain words (None when it can be)."""
        answer = self.value
        if self.kind in ("choice", "scale") and answer not in self.options:
            return "Please choose an answer first."
        if self.kind == "text" and not answer.strip():
            return "Please type an answer first."
        if self.kind == "multi" and not set(answer) <= set(self.options):
            return "Please choose from the listed answers."
        return None


def prompt(
    prompt_id: str,
    question: str,
    *,
    kind: PromptKind = "text",
    options: Sequence[str] = (),
    keyed: Sequence[int] = (),
) -> widgets.Widget:
    """A discussion prompt for a course page (one line in a notebook).

    ``kind`` is ``"text"`` (free text up to {MAX_TEXT_CHARS:,} characters),
    ``"choice"`` (one of ``options``), ``"multi"`` (any of ``options``) or
    ``"scale"`` (1 to 5, strongly disagree to strongly agree). On the instructor
    server the class's live answers are shown instead (for the projector slides).
    ``keyed`` names the positions (from 0) of the options the facilitator guide
    keys; it is read from the page's source by :mod:`adaptive_policing.content.prompts`
    for the answer-cue checks and never shown to trainees.
    """
    if viewer.is_instructor_view():
        from .console.slide_answers import slide_answers

        return slide_answers(prompt_id, question, kind, options)
    return DiscussionPrompt(prompt_id, question, kind, options)


prompt.__doc__ = (prompt.__doc__ or "").replace("{MAX_TEXT_CHARS:,}", f"{MAX_TEXT_CHARS:,}")
