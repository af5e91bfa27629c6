"""The start page's sign-in form and the banner at the top of every course page."""

from __future__ import annotations

import os

import ipywidgets as widgets

from . import viewer
from ..data.store import ResponseStore, StoreError, Trainee
from .common import Participant, StatusLine, text_box
from ..views.html import esc

START_PAGE = "course/00-start.ipynb"


def _link(path: str, text: str, trainee: Trainee | None, rel: str = "") -> str:
    rel_attr = f' rel="{rel}"' if rel else ""
    return f'<a href="{esc(viewer.page_link(path, trainee))}"{rel_attr}>{esc(text)}</a>'


def _plan_agenda_html(plan_id: str, trainee: Trainee) -> str:
    from ..content import plan  # the course plan module loads course/plan.yaml

    course = plan.load_plans()[plan_id]
    items = []
    for row in plan.agenda(plan_id):
        activities = "".join(
            f"<li>{_link(activity.path, activity.title, trainee)}</li>" for activity in row.activities
        )
        nested = f"<ul>{activities}</ul>" if activities else ""
        items.append(
            f"<li>{_link(row.path, row.title, trainee)} "
            f'<span class="ap-minutes">({row.minutes} min)</span>{nested}</li>'
        )
    return (
        f'<nav aria-label="{esc(course.title)}: agenda"><h2>{esc(course.title)}: agenda '
        f'<span class="ap-minutes">({course.minutes} min)</span></h2>'
        f'<ol class="ap-agenda">{"".join(items)}</ol></nav>'
    )


def agenda_html(trainee: Trainee, store: ResponseStore) -> str:
    """Every course plan's agenda as links that carry the trainee's token, the class's own plan first."""
    from ..content import plan

    class_session = store.class_by_id(trainee.class_id)
    own = class_session.course_plan if class_session else ""
    plan_ids = sorted(plan.load_plans(), key=lambda plan_id: plan_id != own)
    return "".join(_plan_agenda_html(plan_id, trainee) for plan_id in plan_ids)


class SignInForm(widgets.VBox):
    """Sign in once with name, employee or badge number and the class code."""

    def __init__(self, *, store: ResponseStore | None = None) -> None:
        self.participant = Participant(store, None)
        self.name = text_box("Your name", "First and last name")
        self.badge = text_box("Badge or employee no.", "e.g. 4821")
        self.class_code = text_box("Class code", "From the board")
        self.button = widgets.Button(description="Sign in", button_style="primary", icon="sign-in")
        self.button.on_click(lambda _b: self.sign_in())
        self.status = StatusLine()
        self.welcome = widgets.HTML("")
        self.form = widgets.VBox([self.name, self.badge, self.class_code, self.button, self.status])
        super().__init__(children=[self.form, self.welcome])
        self.add_class("ap-sign-in")
        if self.participant.signed_in:
            self._welcome(self.participant.trainee)
        elif viewer.page_token():
            self.status.show("This sign-in link is no longer valid. Please sign in again.", "warning")

    def sign_in(self) -> Trainee | None:
        """Sign in with what is in the form; shows a plain message when it cannot."""
        try:
            trainee = self.participant.store.sign_in(
                self.class_code.value, self.name.value, self.badge.value
            )
        except StoreError as problem:
            self.status.show(str(problem), "error")
            return None
        viewer.set_current_trainee(trainee)
        self.participant.trainee = trainee
        self.participant.store.record_visit(trainee, "00-start")
        self._welcome(trainee)
        return trainee

    def _welcome(self, trainee: Trainee) -> None:
        store = self.participant.store
        class_session = store.class_by_id(trainee.class_id)
        code = class_session.code if class_session else ""
        self.form.layout.display = "none"
        start_link = viewer.page_link(START_PAGE, trainee)
        self.welcome.value = (
            f'<div role="status"><h2>Welcome, {esc(trainee.name)}.</h2>'
            f"<p>You are signed in to class {esc(code)}. Every page you open from here knows who you are. "
            f'To come back later, bookmark <a href="{esc(start_link)}">your course start page</a>.</p></div>'
            + agenda_html(trainee, store)
        )


def start_page() -> SignInForm:
    """The start page's sign-in form and, once signed in, the agenda (one line in a notebook)."""
    return SignInForm()


def page_header(page_id: str) -> widgets.HTML:
    """Who is signed in and the previous / agenda / next links, for the top of a course page."""
    trainee = viewer.current_trainee()
    parts: list[str] = []
    if trainee is not None:
        Participant(None, trainee).store.record_visit(trainee, page_id)
        parts.append(f'<p class="ap-who">Signed in as <strong>{esc(trainee.name)}</strong></p>')
    elif "VOILA_REQUEST_URL" in os.environ:  # served by Voilà, opened without signing in
        parts.append(
            '<p class="ap-who ap-status-warning" role="status">You are not signed in, so answers on this '
            f"page will not be saved. {_link(START_PAGE, 'Go to the start page to sign in', None)}.</p>"
        )
    from ..content import plan

    nav = plan.navigation(page_id)
    links = [_link(START_PAGE, "Agenda", trainee)]
    if nav.previous:
        links.insert(0, _link(nav.previous.path, f"Previous: {nav.previous.title}", trainee, "prev"))
    if nav.next:
        links.append(_link(nav.next.path, f"Next: {nav.next.title}", trainee, "next"))
    parts.append(f'<nav class="ap-nav" aria-label="Course pages">{" · ".join(links)}</nav>')
    banner = widgets.HTML("".join(parts))
    banner.add_class("ap-page-header")
    return banner
