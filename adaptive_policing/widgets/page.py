"""The start page's sign-in form and the banner at the top of every course page."""

from __future__ import annotations

import threading
from functools import cached_property
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from . import opening, viewer
from .. import config
from ..data.records import Trainee
from ..views.render import render
from .common import Participant, StatusLine, fragment, shared_look, text_box

if TYPE_CHECKING:
    from ..data.store import ResponseStore
    from ..data.sign_in import Outcome, SignInDesk

START_PAGE = "course/00-start.ipynb"


def _plan_agenda(plan_id: str, trainee: Trainee) -> dict[str, Any]:
    """One course plan's agenda as template data: its title, length and rows of links."""
    from ..content import plan  # imported on use: the plan module loads nbformat, which is slow to import

    course = plan.load_plans()[plan_id]
    rows = [
        {
            "href": viewer.page_link(row.path, trainee),
            "title": row.title,
            "minutes": row.minutes,
            "activities": [
                {"href": viewer.page_link(activity.path, trainee), "title": activity.title, "before": activity.before}
                for activity in row.activities
            ],
        }
        for row in plan.agenda(plan_id)
    ]
    return {"title": course.title, "minutes": course.minutes, "rows": rows}


def _agenda_plans(trainee: Trainee, store: ResponseStore) -> list[dict[str, Any]]:
    from ..content import plan

    training_class = store.class_by_id(trainee.class_id)
    own = training_class.course_plan if training_class else ""
    plan_ids = sorted(plan.load_plans(), key=lambda plan_id: plan_id != own)
    return [_plan_agenda(plan_id, trainee) for plan_id in plan_ids]


def agenda_html(trainee: Trainee, store: ResponseStore) -> str:
    """Every course plan's agenda as links that carry the trainee's token, the class's own plan first."""
    return render("trainee/agenda.html.j2", plans=_agenda_plans(trainee, store))


PIN_HELP = ("New here: you may choose a 4-digit PIN; it lets you sign in on another device without the "
            "instructor. On another device: type the PIN you chose.")
APPROVAL_POLL_SECONDS = 0.5
"""How often a page waiting for the instructor's approval looks for the answer."""
APPROVAL_WAIT_SECONDS = 30 * 60.0
"""How long a page waits for an answer before it asks the trainee to ask again."""


class SignInForm(widgets.VBox):
    """Sign in with name, employee or badge number and the class code (and a PIN on another device).

    The rules are :class:`adaptive_policing.data.sign_in.SignInDesk`'s; this form shows
    what it says. A browser that holds the trainee's token is signed straight in; another
    browser needs the trainee's PIN or the instructor's approval, and while it waits for
    the approval the page says so and carries on by itself once the instructor answers.
    """

    def __init__(self, *, store: ResponseStore | None = None, desk: SignInDesk | None = None,
                 poll_seconds: float = APPROVAL_POLL_SECONDS) -> None:
        self.participant = Participant(store, None, identify=False)
        self._given_desk = desk
        self.poll_seconds = poll_seconds
        self.name = text_box("Your name", "First and last name")
        self.badge = text_box("Badge or employee no.", "e.g. 4821")
        self.class_code = text_box("Class code", "From the board")
        self.class_details = widgets.HTML("")
        self.class_details.add_class("ap-class-details")
        self.pin = widgets.Password(description="PIN (4 digits)", placeholder="New here? Choose one",
                                    continuous_update=False)
        self.pin.add_class("ap-field")
        self.pin_help = fragment("note", text=PIN_HELP)
        waiting = not viewer.request_arrived()
        self.button = widgets.Button(description="Sign in", button_style="primary", icon="sign-in",
                                     disabled=waiting)  # until the page knows whose browser it is
        self.button.on_click(lambda _b: self.sign_in())
        self.ask_button = widgets.Button(description="Ask the instructor to approve", icon="hand-paper-o",
                                         layout=widgets.Layout(width="auto", display="none"))
        self.ask_button.on_click(lambda _b: self.ask_instructor())
        self.status = StatusLine()
        self.welcome = widgets.HTML("")
        self.form = widgets.VBox([self.name, self.badge, self.class_code, self.class_details, self.pin, self.pin_help,
                                  widgets.HBox([self.button, self.ask_button]), self.status])
        super().__init__(children=[self.form, self.welcome])
        self.add_class("ap-sign-in")
        self.request_id: int | None = None
        self._stop = threading.Event()
        self._waiter: threading.Thread | None = None
        viewer.when_request_arrives(lambda: self._open_for_browser(waiting))

    @cached_property
    def desk(self) -> SignInDesk:
        """The sign-in rules, for this browser's address (known once the page's request is)."""
        from ..data.sign_in import SignInDesk  # imported on use: only the start page signs trainees in

        return self._given_desk or SignInDesk(self.participant.store, client=viewer.client_address())

    def _open_for_browser(self, waited: bool) -> None:
        """Greet a browser that is signed in, sign one out, or fill in its join link's class code."""
        self.participant.identify()
        if waited:
            self.button.disabled = False
        self.class_code.value = (viewer.page_param(viewer.CODE_PARAM) or "")[:20]
        self.class_code.observe(lambda change: self.show_class(change["new"]), names="value")
        if config.hub_mode():  # behind the hub: the hub user is the trainee, there is nothing to sign in to
            self.form.layout.display = "none"
            if self.participant.signed_in:
                self._welcome(self.participant.trainee)
            else:
                hub_user = viewer.hub_user()
                self.welcome.value = render("trainee/hub_no_class.html.j2", user=hub_user[0] if hub_user else "")
            return
        if viewer.page_param(viewer.SIGNED_OUT_PARAM) == "1":
            self._sign_out()
        elif self.participant.signed_in:
            self._welcome(self.participant.trainee)
        elif viewer.page_token():
            self.status.show("This sign-in link is no longer valid. Please sign in again.", "warning")
        if not self.participant.signed_in and self.class_code.value:
            self.show_class(self.class_code.value)  # the join link's code: show its class at once

    def show_class(self, class_code: str) -> None:
        """Show the date, location and instructor of the class a code names, before the trainee signs in."""
        training_class = self.desk.class_for_code(class_code)
        self.class_details.value = (render("trainee/class_details.html.j2", training_class=training_class)
                                    if training_class is not None else "")

    def _sign_out(self) -> None:
        """End this browser's device (every token it showed) and show the form again."""
        for token in viewer.browser_tokens():
            self.desk.sign_out(token)
        viewer.set_current_trainee(None)
        self.participant.trainee = None
        self.status.show("You are signed out. Your answers are kept.", "info")

    def sign_in(self) -> Trainee | None:
        """Sign in with what is in the form; shows a plain message when it cannot."""
        outcome = self.desk.sign_in(self.class_code.value, self.name.value, self.badge.value, pin=self.pin.value,
                                    browser_tokens=viewer.browser_tokens())
        self.pin.value = ""
        return self._show(outcome)

    def ask_instructor(self) -> int | None:
        """Ask the instructor to approve this browser; the page then waits for the answer by itself."""
        self.request_id = self.desk.ask_instructor(self.class_code.value, self.name.value, self.badge.value)
        if self.request_id is None:
            self.status.show("Check your badge number and the class code, then try again.", "error")
            return None
        self.ask_button.layout.display = "none"
        self.button.disabled = True
        self.status.show("Waiting for the instructor to approve this device. This page carries on by itself "
                         "once they do.", "info")
        if self.poll_seconds > 0:
            self._waiter = threading.Thread(target=self._wait_for_answer, name="ap-sign-in-approval", daemon=True)
            self._waiter.start()
        return self.request_id

    def check_answer(self) -> bool:
        """Look once for the instructor's answer; True when there is one (and it is shown)."""
        if self.request_id is None:
            return True
        outcome = self.desk.answer(self.request_id)
        if outcome.status == "waiting":
            return False
        self.request_id = None
        self.button.disabled = False
        self._show(outcome)
        return True

    def _wait_for_answer(self) -> None:
        waited = 0.0
        while not self._stop.wait(self.poll_seconds):
            waited += self.poll_seconds
            if self.check_answer():
                return
            if waited >= APPROVAL_WAIT_SECONDS:
                self.request_id = None
                self.button.disabled = False
                self.status.show("The instructor has not answered yet. Ask them, then ask again.", "warning")
                self.ask_button.layout.display = ""
                return

    def _show(self, outcome: Outcome) -> Trainee | None:
        needs_approval = outcome.status in ("needs_pin_or_approval", "needs_approval")
        self.ask_button.layout.display = "" if needs_approval else "none"
        if not outcome.signed_in or outcome.trainee is None:
            self.status.show(outcome.message, "warning" if needs_approval else "error")
            return None
        trainee = outcome.trainee
        viewer.set_current_trainee(trainee)
        self.participant.trainee = trainee
        self.participant.store.record_visit(trainee, "00-start")
        self.status.show("", "info")
        self._welcome(trainee)
        return trainee

    def _welcome(self, trainee: Trainee) -> None:
        store = self.participant.store
        training_class = store.class_by_id(trainee.class_id)
        code = training_class.code if training_class else ""
        self.welcome.value = render(
            "trainee/welcome.html.j2",
            name=trainee.name,
            code=code,
            training_class=training_class,
            token=trainee.token,
            start_href=viewer.page_link(START_PAGE, trainee),
            sign_out_href=viewer.sign_out_link(START_PAGE, trainee),
            plans=_agenda_plans(trainee, store),
            hub=config.hub_mode(),
        )
        self.form.layout.display = "none"  # only once the welcome is there: the page is never blank

    def close(self) -> None:
        """Stop waiting for an approval, and close the form."""
        self._stop.set()
        if self._waiter is not None and self._waiter is not threading.current_thread():
            self._waiter.join(timeout=5)
        super().close()


def start_page() -> widgets.Widget:
    """The start page's sign-in form and, once signed in, the agenda (one line in a notebook).

    Shown as projector slides on the instructor server, it is the join slide instead: the
    class's join address (``?class=<code>``) with its QR code.
    """
    if viewer.is_instructor_view():
        from .console.sign_ins import join_panel

        return join_panel(viewer.page_param(viewer.CLASS_PARAM))
    return SignInForm()


def _header_html(page_id: str, trainee: Trainee | None, *, waiting: bool = False) -> str:
    """The banner's HTML: who is signed in (or that the page is still opening) and the page's links."""
    from ..content import plan

    def link(path: str, text: str, rel: str = "") -> dict[str, str]:
        # while the page waits for its request nobody is known: addresses without a token (the cookie has it)
        return {"href": viewer.page_address(path) if waiting else viewer.page_link(path, trainee), "text": text,
                "rel": rel}

    nav = plan.navigation(page_id)
    links = [link(START_PAGE, "Agenda")]
    if nav.previous:
        links.insert(0, link(nav.previous.path, f"Previous: {nav.previous.title}", "prev"))
    if nav.next:
        links.append(link(nav.next.path, f"Next: {nav.next.title}", "next"))
    return render(
        "trainee/page_header.html.j2",
        trainee_name=trainee.name if trainee is not None else None,
        sign_out_href=viewer.sign_out_link(START_PAGE, trainee) if trainee is not None else None,
        waiting=waiting,
        # Served by Voilà but opened without signing in: say answers will not be saved.
        show_sign_in_warning=viewer.served_by_voila() and not waiting,
        start_href=viewer.page_address(START_PAGE) if waiting else viewer.page_link(START_PAGE, None),
        links=links,
    )


def _opened_header_html(page_id: str) -> str:
    """Record the trainee's visit, read what the page's widgets show them, and return the banner's HTML."""
    trainee = viewer.current_trainee()
    if trainee is not None:
        store = Participant(None, trainee).store
        store.record_visit(trainee, page_id)
        # The page's widgets then open without a query each, and take this trainee without looking it up again.
        opening.read_for_page(store, trainee, viewer.browser_tokens())
    return _header_html(page_id, trainee)


def page_header(page_id: str) -> widgets.HTML:
    """Who is signed in and the previous / agenda / next links, for the top of a course page.

    In a pre-warmed kernel the banner says the page is opening until the trainee's request arrives.
    """
    look = {"_dom_classes": ("ap-page-header",), **shared_look(widgets.HTML)}
    if viewer.request_arrived():
        return widgets.HTML(_opened_header_html(page_id), **look)
    banner = widgets.HTML(_header_html(page_id, None, waiting=True), **look)
    viewer.when_request_arrives(lambda: setattr(banner, "value", _opened_header_html(page_id)))
    return banner
