"""The save cycle every saved-answer widget shares: restore, mark unsaved, save, report.

A discussion prompt, a role-play kit and a case study each keep one trainee's
answer to one prompt id in the response store, one revision per save. They
differ in their controls and in what a valid answer is; the cycle around them is
the same and lives in :class:`SavedAnswerWidget`:

* the widget finds its viewer (the signed-in trainee, or none in preview) and the store;
* on open, the latest saved answer is put back into the controls and the status
  line says when it was saved; in preview it says nothing will be saved, and the
  Save button is disabled;
* changing a watched control marks the answer "Not saved yet" and, about a second
  after the last change (or when the page is hidden or closed), keeps a *draft*: a
  revision marked as a draft, never the answer, and says "Draft kept 10:42";
* on open, the newer of the latest draft and the latest saved answer is shown;
* saving checks, in order: the widget's own :meth:`~SavedAnswerWidget.problem`,
  preview, whether the instructor has closed the prompt, the store's length limit,
  then stores a new revision and shows the time ("Saved at 10:42.") together with
  the fingerprint of each text field's exact saved text (see :class:`.common.StatusLine`);
* a widget's text fields (:meth:`~SavedAnswerWidget.text_fields`) keep their unsaved
  text on the device too, keyed by trainee and field (``static/drafts.js``).

Worksheets (per-group revisions with merging) and the assessment (one saved
answer sheet per change, plus a submission) keep their own cycles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Sequence

import ipywidgets as widgets

from ..data.records import SavedAnswer, StoreError, Trainee
from ..data.rules import check_length
from ..views.clock import local_time
from .common import (
    CLOSED_MESSAGE, PREVIEW_MESSAGE, SAVE_CLASS, HeldControls, Participant, StatusLine, draft_message, field_key,
    keep_on_device, page_flush_button, shared_layout, shared_look,
)
from . import opening as page_opening, viewer
from .drafts import DraftTimer, after_held_back_changes

if TYPE_CHECKING:
    from ..data.store import ResponseStore




class SavedAnswerWidget(widgets.VBox):
    """A widget whose answer is saved for the signed-in trainee under one prompt id.

    Subclasses build their controls in :meth:`build` and implement :attr:`value`
    (and, where answers can be restored, :meth:`apply_saved`). The status line is
    placed last, below the controls.
    """

    css_class: ClassVar[str] = ""
    """The CSS class of the whole widget (e.g. ``ap-prompt``)."""
    saved_noun: ClassVar[str] = "answer"
    """Names what was restored: "Your <noun> saved at 10:42 is shown."."""
    stale_message: ClassVar[str | None] = None
    """Shown (as info) when a saved answer no longer fits the widget; None shows nothing."""
    warn_when_closed: ClassVar[bool] = False
    """Whether opening a prompt the instructor has closed says so straight away (and disables Save)."""

    def __init__(self, prompt_id: str, *, store: ResponseStore | None = None, trainee: Trainee | None = None) -> None:
        self.prompt_id = prompt_id
        self.participant = Participant(store, trainee, identify=False)
        self._waited_for_request = not viewer.request_arrived()
        self.status = StatusLine()
        self.save_button: widgets.Button | None = None
        self.drafts = DraftTimer(self.keep_draft)
        self._confirmed: Any = None
        """The value the server last stored as the answer (None before any save)."""
        self._drafted: Any = None
        """The value last kept as a draft."""
        super().__init__(children=[*self.build(), page_flush_button(), self.status],
                         _dom_classes=(self.css_class,) if self.css_class else (), layout=shared_layout())
        self._held = HeldControls(self.held_until_open())
        viewer.when_request_arrives(self._open_for_trainee)

    def _open_for_trainee(self) -> None:
        """Find the trainee and show what they saved (as the widget is made, or in a pre-warmed kernel later)."""
        self._held.release_once_filled_in(self._fill_in, what=f"widget for {self.prompt_id}", status=self.status,
                                          save_button=self.save_button)

    def _fill_in(self) -> None:
        self.participant.identify()
        trainee = self.participant.trainee
        if trainee is not None:
            if self._waited_for_request and self.save_button is not None:
                self.save_button.disabled = False
            for name, box in self.text_fields().items():
                keep_on_device(box, field_key(trainee, self.prompt_id, name))
        self.restore()
        self.opened()
        for control in self.watched():
            control.observe(self._mark_unsaved, names="value")

    # what subclasses provide ------------------------------------------------------

    def build(self) -> Sequence[widgets.Widget]:
        """Create the controls; returns the children shown above the status line."""
        raise NotImplementedError

    @property
    def value(self) -> Any:
        """The answer as it stands in the controls (not necessarily saved)."""
        raise NotImplementedError

    def apply_saved(self, value: Any) -> bool:
        """Put a saved answer back into the controls; False when it no longer fits."""
        raise NotImplementedError

    def problem(self) -> str | None:
        """What keeps the current answer from being saved, in plain words (None when it can be)."""
        return None

    def watched(self) -> Sequence[widgets.ValueWidget]:
        """The controls whose changes mark the answer as not saved yet."""
        return ()

    def opened(self) -> None:
        """Called once the saved answer has been restored (e.g. to draw the current state)."""

    def text_fields(self) -> dict[str, widgets.Text | widgets.Textarea]:
        """The free-text boxes by field name: kept on the device while unsaved, confirmed on save."""
        return {}

    def held_until_open(self) -> Sequence[widgets.DOMWidget]:
        """The controls a trainee acts on, held off while a pre-warmed page waits (:class:`.common.HeldControls`)."""
        return [*self.watched(), *self.text_fields().values()]

    # the cycle ----------------------------------------------------------------------

    def make_save_button(self, description: str, tooltip: str) -> widgets.Button:
        """The widget's Save button; "Not saved yet" names it."""
        self.save_button = widgets.Button(description=description, button_style="primary", icon="check",
                                          tooltip=tooltip, _dom_classes=(SAVE_CLASS,), **shared_look(widgets.Button),
                                          disabled=self._waited_for_request)  # until the page knows its trainee
        self.save_button.on_click(lambda _button: after_held_back_changes(self.save))
        return self.save_button

    def saved_answer(self) -> SavedAnswer | None:
        """The trainee's latest saved answer; in preview none, and the preview message is shown."""
        if not self.participant.signed_in:
            self.status.show(PREVIEW_MESSAGE, "warning")
            return None
        return self.participant.store.latest_answer(self.participant.trainee, self.prompt_id)

    def is_open(self) -> bool:
        """Whether the instructor lets the class save this prompt (never in preview)."""
        trainee = self.participant.trainee
        return trainee is not None and self.participant.store.prompt_is_open(trainee.class_id, self.prompt_id)

    def restore(self) -> None:
        """Show the newer of the latest draft and the latest saved answer (or, in preview, that nothing is saved).

        On a course page these come from what the page read as it opened (:mod:`.opening`).
        """
        trainee = self.participant.trainee
        if trainee is None:
            self.saved_answer()  # says that nothing is saved in preview
            if self.save_button is not None:
                self.save_button.disabled = True
            return
        opening = page_opening.take(self.participant.store, trainee, self.prompt_id)
        saved = opening.saved if opening is not None else self.saved_answer()
        is_open = True
        if self.warn_when_closed:
            is_open = opening.is_open if opening is not None else self.is_open()
            if not is_open:
                self.status.show(CLOSED_MESSAGE, "warning")
                if self.save_button is not None:
                    self.save_button.disabled = True  # shown as closed from the start, not after a refused save
        newest = opening.newest if opening is not None else self.participant.store.latest_entry(trainee, self.prompt_id)
        if saved is not None:
            self._confirmed = saved.value
        if newest is None:
            return
        if not self.apply_saved(newest.value):
            if self.stale_message:
                self.status.show(self.stale_message, "info")
            return
        if newest.draft:
            self._drafted = newest.value
            self.status.show(draft_message(newest.created_at, self._save_name()), "draft")
        elif is_open:
            self.status.show(f"Your {self.saved_noun} saved at {local_time(newest.created_at)} is shown.", "saved",
                             confirmed=self._field_texts())

    def _save_name(self) -> str:
        return self.save_button.description if self.save_button is not None else "Save"

    def _field_texts(self) -> dict[str, str]:
        """Each kept text field's key and the text now in it."""
        trainee = self.participant.trainee
        if trainee is None:
            return {}
        return {field_key(trainee, self.prompt_id, name): box.value for name, box in self.text_fields().items()}

    def _mark_unsaved(self, _change: dict[str, Any]) -> None:
        if not self.participant.signed_in or self.save_button is None:
            return
        if self.status.kind != "error":
            self.status.show(f"Not saved yet: press {self.save_button.description}.", "info")
        if self.text_fields():
            self.drafts.touch()

    def keep_draft(self) -> bool:
        """Store the text as it stands as a draft revision; returns whether one was stored.

        Nothing is stored when it equals the saved answer or the last draft, in
        preview, or while the instructor has closed the prompt.
        """
        if not self.participant.signed_in:
            return False
        value = self.value
        if value == self._confirmed or value == self._drafted or not self.is_open():
            return False
        try:
            kept = self.participant.store.save_answer(self.participant.trainee, self.prompt_id, value, draft=True)
        except StoreError as problem_in_store:
            self.status.show(f"Not saved: {problem_in_store}", "error")
            return False
        self._drafted = value
        if not (self.status.kind == "error" and self.problem()):  # a refused Save's reason stays while it holds
            self.status.show(draft_message(kept.created_at, self._save_name()), "draft")
        return True

    def save(self) -> bool:
        """Store the current answer as a new revision; returns whether it was stored and says why not."""
        if not self.participant.signed_in:
            self.status.show(PREVIEW_MESSAGE, "warning")
            return False
        problem = self.problem()
        if problem:
            self.status.show(problem, "error")
            return False
        if not self.is_open():
            self.status.show(CLOSED_MESSAGE, "error")
            return False
        value = self.value
        texts = self._field_texts()
        try:
            check_length(value)
            saved = self.participant.store.save_answer(self.participant.trainee, self.prompt_id, value)
        except StoreError as problem_in_store:
            self.status.show(str(problem_in_store), "error")
            return False
        self.drafts.cancel()
        self._confirmed = value
        self.status.show(f"Saved at {local_time(saved.created_at)}.", "saved", confirmed=texts)
        return True
