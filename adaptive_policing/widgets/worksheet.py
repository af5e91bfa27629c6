"""Worksheets: several labelled answer fields, kept for one trainee or for a group.

A group worksheet belongs to the group the trainee joins by name (within their
class). Every member sees the group's latest saved version. When two members
save at once, nothing is lost: changes to different fields are merged, and when
both changed the same field the later saver keeps their text in the box, sees
the other version beside it, and saves again to settle it.

While a trainee types, their own unsaved version is kept as a draft: a revision
marked ``draft`` in the answers table under ``worksheet-draft:<sheet id>``, per
trainee (never the group's version, never merged). A reopened sheet shows that
draft when it is newer than the latest saved version, and saving still merges
against the version the draft started from. The boxes also keep their unsaved
text on the device (``static/drafts.js``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

import ipywidgets as widgets

from ..data.records import SheetOwner, StoreError, Trainee, WorksheetRevision
from ..views.clock import local_time
from ..views.render import render
from .common import (
    PREVIEW_MESSAGE, SAVE_CLASS, Participant, StatusLine, draft_message, field_key, flush_button, fragment,
    keep_on_device, text_box,
)
from .drafts import DraftTimer

if TYPE_CHECKING:
    from ..data.store import ResponseStore

DRAFT_PREFIX = "worksheet-draft:"
"""Prompt id prefix of a trainee's worksheet drafts in the answers table."""


class Worksheet(widgets.VBox):
    """A worksheet bound to the signed-in trainee, or to their group."""

    def __init__(
        self,
        sheet_id: str,
        title: str,
        fields: Sequence[str] | Mapping[str, str],
        *,
        group: bool = False,
        store: ResponseStore | None = None,
        trainee: Trainee | None = None,
    ) -> None:
        hints = dict(fields) if isinstance(fields, Mapping) else {label: "" for label in fields}
        if not hints:
            raise ValueError(f"worksheet {sheet_id!r} needs at least one field")
        self.sheet_id = sheet_id
        self.group_mode = group
        self.participant = Participant(store, trainee)
        self.base_seq: int | None = None
        self.status = StatusLine()
        self.boxes = {label: text_box(label, hint or "Type here.", lines=4, continuous=True)
                      for label, hint in hints.items()}
        if self.participant.trainee is not None:
            for label, box in self.boxes.items():
                keep_on_device(box, field_key(self.participant.trainee, DRAFT_PREFIX + sheet_id, label))
        self.drafts = DraftTimer(self.keep_draft)
        self._confirmed: dict[str, str] | None = None
        self._drafted: dict[str, str] | None = None
        self._loading = False
        flush = flush_button(self.drafts.flush)
        self.their_version = widgets.HTML("")
        full_label = widgets.Layout(width="auto")  # buttons as wide as their labels: never "Show latest sav…"
        self.save_button = widgets.Button(description="Save worksheet", button_style="primary", icon="check",
                                          layout=full_label)
        self.save_button.add_class(SAVE_CLASS)
        self.refresh_button = widgets.Button(description="Show latest saved version", icon="refresh",
                                             layout=widgets.Layout(width="auto"))
        self.save_button.on_click(lambda _b: self.save())
        self.refresh_button.on_click(lambda _b: self.load_latest())
        header = fragment("worksheet_title", title=title)
        children: list[widgets.Widget] = [header]
        if group:
            self.group_name = text_box("Group name", "e.g. Team 3")
            self.join_button = widgets.Button(description="Join group")
            self.join_button.on_click(lambda _b: self.join(self.group_name.value))
            self.group_label = widgets.HTML("")
            children += [widgets.HBox([self.group_name, self.join_button]), self.group_label]
        children += [
            *self.boxes.values(),
            self.their_version,
            widgets.HBox([self.save_button, self.refresh_button]),
            flush,
            self.status,
        ]
        super().__init__(children=children)
        self.add_class("ap-worksheet")
        self._start()
        for box in self.boxes.values():
            box.observe(self._changed, names="value")

    # ownership ----------------------------------------------------------------

    @property
    def owner(self) -> SheetOwner | None:
        trainee = self.participant.trainee
        if trainee is None:
            return None
        if not self.group_mode:
            return SheetOwner("trainee", trainee.id)
        found = self.participant.store.group_of(trainee)
        return SheetOwner("group", found.id) if found else None

    def _start(self) -> None:
        if not self.participant.signed_in:
            self._enable(False)
            self.status.show(PREVIEW_MESSAGE, "warning")
            return
        if self.group_mode:
            found = self.participant.store.group_of(self.participant.trainee)
            if found is None:
                self._enable(False)
                self.status.show("Type your group's name and press Join group to start.", "info")
                return
            self.group_name.value = found.name
            self.group_label.value = render("trainee/worksheet_group.html.j2", name=found.name)
        self.load_latest()

    def _enable(self, on: bool) -> None:
        for control in (*self.boxes.values(), self.save_button, self.refresh_button):
            control.disabled = not on

    def join(self, name: str) -> bool:
        """Join (or create) the class's group called ``name``."""
        if not self.participant.signed_in:
            self.status.show(PREVIEW_MESSAGE, "warning")
            return False
        try:
            joined = self.participant.store.join_group(self.participant.trainee, name)
        except StoreError as problem:
            self.status.show(str(problem), "error")
            return False
        self.group_name.value = joined.name
        self.group_label.value = render("trainee/worksheet_group.html.j2", name=joined.name)
        self._enable(True)
        self.base_seq = None
        self.load_latest()
        return True

    # values ---------------------------------------------------------------------

    @property
    def value(self) -> dict[str, str]:
        return {label: box.value for label, box in self.boxes.items()}

    @value.setter
    def value(self, fields: Mapping[str, str]) -> None:
        self._loading = True
        try:
            for label, box in self.boxes.items():
                box.value = str(fields.get(label, ""))
        finally:
            self._loading = False

    def _field_texts(self) -> dict[str, str]:
        """Each box's device key and the text now in it."""
        trainee = self.participant.trainee
        if trainee is None:
            return {}
        return {field_key(trainee, DRAFT_PREFIX + self.sheet_id, label): box.value for label, box in self.boxes.items()}

    def _changed(self, _change: dict[str, Any]) -> None:
        if self._loading or self.owner is None:
            return
        if self.status.kind not in ("error", "warning"):
            self.status.show("Not saved yet: press Save worksheet.", "info")
        self.drafts.touch()

    def keep_draft(self) -> bool:
        """Keep this trainee's unsaved version as a draft revision; returns whether one was stored."""
        value = self.value
        if self.owner is None or value == self._confirmed or value == self._drafted:
            return False
        try:
            kept = self.participant.store.save_answer(
                self.participant.trainee, DRAFT_PREFIX + self.sheet_id, value, draft=True
            )
        except StoreError as problem:
            self.status.show(f"Not saved: {problem}", "error")
            return False
        self._drafted = value
        if self.status.kind != "warning":  # a conflict message stays until it is settled
            self.status.show(draft_message(kept.created_at, "Save worksheet"), "draft")
        return True

    def load_latest(self) -> WorksheetRevision | None:
        """Show the latest saved version (the group's, for a group worksheet), or this trainee's newer draft."""
        owner = self.owner
        if owner is None:
            return None
        latest = self.participant.store.latest_worksheet(self.sheet_id, owner)
        draft = self.participant.store.latest_entry(self.participant.trainee, DRAFT_PREFIX + self.sheet_id)
        self.their_version.value = ""
        self.drafts.cancel()
        self.base_seq = latest.seq if latest is not None else None
        self._confirmed = dict(latest.fields) if latest is not None else None
        if draft is not None and (latest is None or draft.created_at > latest.created_at) and not self._drafted:
            self._drafted = dict(draft.value)
            self.value = draft.value
            self.status.show(draft_message(draft.created_at, "Save worksheet"), "draft")
            return latest
        if latest is None:
            self.status.show("Nothing saved on this worksheet yet.", "info")
            return None
        self.value = latest.fields
        self.status.show(
            f"Showing the version {latest.author_name} saved at {local_time(latest.created_at)}.", "saved",
            confirmed=self._field_texts(),
        )
        return latest

    def save(self) -> str:
        """Save the worksheet; returns ``saved``, ``merged``, ``conflict`` or ``refused``."""
        owner = self.owner
        if owner is None:
            self.status.show(
                PREVIEW_MESSAGE if not self.participant.signed_in else "Please join a group first.", "warning"
            )
            return "refused"
        try:
            outcome = self.participant.store.save_worksheet(
                self.sheet_id, owner, self.participant.trainee, self.value, self.base_seq
            )
        except StoreError as problem:
            self.status.show(str(problem), "error")
            return "refused"
        if outcome.status == "conflict":
            self.base_seq = outcome.latest.seq
            self.their_version.value = self._conflict_html(outcome.latest, outcome.conflicts)
            self.status.show(
                f"{outcome.latest.author_name} saved this sheet while you were editing. "
                "Both versions are kept: yours in the boxes above, theirs just above the buttons. "
                "Compare them, adjust your text, then save again.",
                "warning",
            )
            return "conflict"
        self.drafts.cancel()
        self.value = outcome.revision.fields
        self.base_seq = outcome.revision.seq
        self._confirmed = dict(outcome.revision.fields)
        self.their_version.value = ""
        when = local_time(outcome.revision.created_at)
        if outcome.status == "merged":
            self.status.show(f"Saved at {when}, together with changes another member saved.", "saved",
                             confirmed=self._field_texts())
        else:
            self.status.show(f"Saved at {when}.", "saved", confirmed=self._field_texts())
        return outcome.status

    @staticmethod
    def _conflict_html(theirs: WorksheetRevision, fields: Sequence[str]) -> str:
        return render(
            "trainee/worksheet_conflict.html.j2",
            author=theirs.author_name,
            saved_at=local_time(theirs.created_at),
            fields=[{"name": name, "text": theirs.fields.get(name, "")} for name in fields],
        )


def worksheet(
    sheet_id: str,
    title: str,
    fields: Sequence[str] | Mapping[str, str],
    *,
    group: bool = False,
) -> Worksheet:
    """A worksheet for a course page (one line in a notebook).

    ``fields`` lists the field labels, or maps each label to a hint shown in the
    empty box. With ``group=True`` the sheet belongs to the trainee's group.
    """
    return Worksheet(sheet_id, title, fields, group=group)
