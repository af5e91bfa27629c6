"""Pieces every classroom widget shares: the status line, escaping, store and trainee lookup, saving."""

from __future__ import annotations


import ipywidgets as widgets

from . import viewer
from ..views.html import esc, local_time
from ..data.store import ResponseStore, SavedAnswer, StoreError, Trainee, check_length, open_store

PREVIEW_MESSAGE = "Preview: you are not signed in, so answers here are not saved."
CLOSED_MESSAGE = "This question is closed."
"""Shown when the instructor has closed the prompt; the answer stays in the controls."""


class StatusLine(widgets.HTML):
    """A one-line message that screen readers announce when it changes."""

    def __init__(self) -> None:
        super().__init__(value="")
        self.add_class("ap-status")
        self.kind = ""
        self.text = ""

    def show(self, text: str, kind: str = "info") -> None:
        """Show ``text``; ``kind`` is info, saved, warning or error."""
        self.kind, self.text = kind, text
        role = "alert" if kind == "error" else "status"
        self.value = f'<p role="{role}" class="ap-status-{kind}">{esc(text)}</p>'


class Participant:
    """The store and the signed-in trainee a widget works for (None in preview)."""

    def __init__(self, store: ResponseStore | None, trainee: Trainee | None) -> None:
        self.trainee = trainee if trainee is not None else viewer.current_trainee()
        self._store = store

    @property
    def store(self) -> ResponseStore:
        if self._store is None:
            self._store = open_store()
        return self._store

    @property
    def signed_in(self) -> bool:
        return self.trainee is not None


def text_box(label: str, placeholder: str = "", *, lines: int = 1) -> widgets.Text | widgets.Textarea:
    """A labelled text field that sends its value when the trainee leaves it.

    Sending on leaving (not on every keystroke) means a Save or Sign in pressed
    straight after typing, by mouse or by keyboard, always sees the full text.
    """
    if lines == 1:
        box: widgets.Text | widgets.Textarea = widgets.Text(
            description=label, placeholder=placeholder, continuous_update=False
        )
    else:
        box = widgets.Textarea(
            description=label,
            placeholder=placeholder,
            continuous_update=False,
            layout=widgets.Layout(width="100%", height=f"{lines * 1.5}em"),
        )
    box.add_class("ap-field")
    return box


class AnswerKeeper:
    """Saves and restores one trainee's answer to one prompt id, reporting in a status line.

    Discussion prompts, role plays and case studies share it, so preview mode, a
    closed prompt, a refusal by the store and the saved time read the same everywhere.
    """

    def __init__(self, prompt_id: str, participant: Participant, status: StatusLine) -> None:
        self.prompt_id = prompt_id
        self.participant = participant
        self.status = status

    def saved(self) -> SavedAnswer | None:
        """The trainee's latest saved answer; in preview none, and the preview message is shown."""
        if not self.participant.signed_in:
            self.status.show(PREVIEW_MESSAGE, "warning")
            return None
        return self.participant.store.latest_answer(self.participant.trainee, self.prompt_id)

    def is_open(self) -> bool:
        """Whether the instructor lets the class save this prompt (never in preview)."""
        trainee = self.participant.trainee
        return trainee is not None and self.participant.store.prompt_is_open(trainee.class_id, self.prompt_id)

    def save(self, value: object) -> bool:
        """Store ``value`` as a new revision; returns whether it was stored and says why not."""
        if not self.participant.signed_in:
            self.status.show(PREVIEW_MESSAGE, "warning")
            return False
        if not self.is_open():
            self.status.show(CLOSED_MESSAGE, "error")
            return False
        try:
            check_length(value)
            saved = self.participant.store.save_answer(self.participant.trainee, self.prompt_id, value)
        except StoreError as problem:
            self.status.show(str(problem), "error")
            return False
        self.status.show(f"Saved at {local_time(saved.created_at)}.", "saved")
        return True
