"""The console's *Sign-ins* tab: join by QR code, approvals, closing the class, revoking devices.

* **Join**: the class's join address on each of the laptop's network addresses
  (or ``--public-url``), with the class code filled in (``/?code=ABC123``) and its
  QR code, drawn locally as SVG.
* **Waiting for approval**: "Badge 90210 asks to sign in again from another device
  (name typed: …)" with *Approve* and *Refuse*; a name that differs from the stored
  one is pointed out. The trainee's page carries on by itself once answered.
* **Class**: *Close class to sign-ins* / *Reopen class* (a class from an earlier
  day refuses sign-ins until it is reopened).
* **Lost or shared device**: *Revoke devices* ends every device of a trainee;
  their old links and cookie stop working and they sign in again with their PIN
  or the instructor's approval. Their answers stay.

Every action is recorded as a sign-in event (see :mod:`adaptive_policing.data.sign_in`).
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as widgets

from ...data import sign_in
from ...data.store import ResponseStore, SignInRequest, TrainingClass
from ...views.console import heading_html, note_html
from ...views.join import announced_base_urls, join_code_html, sign_in_request_html
from ..common import StatusLine
from ..viewer import slides_link

JOIN_SLIDE = "course/00-start.ipynb"
"""The start page: shown as slides on the instructor server, it is the join slide (QR code and address)."""


def join_panel(class_code: str | None, store: ResponseStore | None = None) -> widgets.HTML:
    """The join slide: a class's join addresses and QR codes (for the projector)."""
    from ...data.store import open_store

    store = store or open_store()
    training_class = store.class_by_code(class_code) if class_code else None
    if training_class is None:
        return widgets.HTML(note_html("Open this slide from the console to show a class's join code."))
    panel = widgets.HTML(join_code_html(training_class.code, announced_base_urls()))
    panel.add_class("ap-join-panel")
    return panel


class SignInsPanel(widgets.VBox):
    """Join code, approvals, closing and reopening the class, revoking a trainee's devices."""

    def __init__(self, store: ResponseStore, on_change: Callable[[], None] = lambda: None) -> None:
        self.store = store
        self.on_change = on_change
        self.training_class: TrainingClass | None = None
        self.join = widgets.HTML()
        self.requests = widgets.VBox()
        self._shown_requests: list[int] = []
        self.state = widgets.HTML()
        self.close_button = widgets.Button(description="Close class to sign-ins", icon="lock",
                                           layout=widgets.Layout(width="auto"))
        self.close_button.on_click(lambda _b: self.toggle_class())
        self.who = widgets.Dropdown(description="Trainee", options=[], layout=widgets.Layout(width="28em"))
        self.revoke_button = widgets.Button(description="Revoke devices", icon="ban",
                                            tooltip="End every device of this trainee: they sign in again "
                                                    "with their PIN or your approval")
        self.revoke_button.on_click(lambda _b: self.revoke())
        self.status = StatusLine()
        super().__init__(children=[
            widgets.HTML(heading_html("Join")), self.join,
            widgets.HTML(heading_html("Waiting for approval")), self.requests,
            widgets.HTML(heading_html("Class")), widgets.HBox([self.state, self.close_button]),
            widgets.HTML(heading_html("Lost or shared device")), widgets.HBox([self.who, self.revoke_button]),
            self.status,
        ])
        self.add_class("ap-sign-ins")

    def refresh(self, training_class: TrainingClass | None) -> None:
        """Show ``training_class`` as the store has it now."""
        self.training_class = training_class
        if training_class is None:
            self.join.value = note_html("Create or pick a class first.")
            self.requests.children = ()
            return
        closed = sign_in.SignInDesk(self.store).closed_reason(training_class)
        html = join_code_html(training_class.code, announced_base_urls(), closed_reason=closed or "",
                              slide_href=slides_link(JOIN_SLIDE, training_class.code))
        if self.join.value != html:
            self.join.value = html
        self._show_requests(self.store.pending_requests(training_class.id))
        state = note_html("Closed: new sign-ins are refused.", "ap-closed") if closed else \
            note_html("Open: trainees can sign in.")
        if self.state.value != state:
            self.state.value = state
        self.close_button.description = "Reopen class" if closed else "Close class to sign-ins"
        self.close_button.icon = "unlock" if closed else "lock"
        options = [(f"{t.name} · badge {t.badge}", t.id) for t in self.store.trainees_in(training_class.id)]
        if options != list(self.who.options):
            chosen = self.who.value
            self.who.options = options
            self.who.value = chosen if chosen in [v for _l, v in options] else None

    def _show_requests(self, pending: list[SignInRequest]) -> None:
        ids = [request.id for request in pending]
        if ids == self._shown_requests:
            return
        self._shown_requests = ids
        if not pending:
            self.requests.children = (widgets.HTML(note_html("Nobody is waiting.")),)
            return
        rows = []
        for request in pending:
            approve = widgets.Button(description="Approve", button_style="success", icon="check")
            refuse = widgets.Button(description="Refuse", button_style="danger", icon="times")
            approve.on_click(lambda _b, rid=request.id: self.decide(rid, True))
            refuse.on_click(lambda _b, rid=request.id: self.decide(rid, False))
            rows.append(widgets.HBox([widgets.HTML(sign_in_request_html(request)), approve, refuse]))
        self.requests.children = tuple(rows)

    def decide(self, request_id: int, approved: bool) -> None:
        """Approve or refuse one request."""
        if sign_in.decide(self.store, request_id, approved):
            self.status.show("Approved: that device is now signed in." if approved else
                             "Refused: that device is told so.", "saved")
        self.on_change()

    def toggle_class(self) -> None:
        """Close the class to sign-ins if it is open; reopen it if it is closed."""
        if self.training_class is None:
            return
        closed = sign_in.SignInDesk(self.store).closed_reason(self.training_class) is not None
        sign_in.set_class_open(self.store, self.training_class, closed)
        self.on_change()

    def revoke(self) -> None:
        """End every device of the chosen trainee."""
        trainee = self.store.trainee_by_id(self.who.value) if self.who.value is not None else None
        if trainee is None:
            self.status.show("Choose a trainee first.", "error")
            return
        ended = sign_in.revoke(self.store, trainee)
        self.status.show(f"{ended} device(s) of {trainee.name} signed out. They sign in again with their PIN "
                         "or your approval; their answers are kept.", "saved")
        self.on_change()
