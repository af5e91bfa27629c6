"""The start page's sign-in form and the banner at the top of every course page."""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as widgets

from . import viewer
from ..data.store import ResponseStore, StoreError, Trainee
from ..views.render import render
from .common import Participant, StatusLine, text_box

START_PAGE = "course/00-start.ipynb"


def _link(path: str, text: str, trainee: Trainee | None, rel: str = "") -> dict[str, str]:
    """A link to a served notebook that carries the trainee's token, for the templates."""
    return {"href": viewer.page_link(path, trainee), "text": text, "rel": rel}


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
        training_class = store.class_by_id(trainee.class_id)
        code = training_class.code if training_class else ""
        self.welcome.value = render(
            "trainee/welcome.html.j2",
            name=trainee.name,
            code=code,
            start_href=viewer.page_link(START_PAGE, trainee),
            plans=_agenda_plans(trainee, store),
        )
        self.form.layout.display = "none"  # only once the welcome is there: the page is never blank


def start_page() -> SignInForm:
    """The start page's sign-in form and, once signed in, the agenda (one line in a notebook)."""
    return SignInForm()


def page_header(page_id: str) -> widgets.HTML:
    """Who is signed in and the previous / agenda / next links, for the top of a course page."""
    from ..content import plan

    trainee = viewer.current_trainee()
    if trainee is not None:
        Participant(None, trainee).store.record_visit(trainee, page_id)
    nav = plan.navigation(page_id)
    links = [_link(START_PAGE, "Agenda", trainee)]
    if nav.previous:
        links.insert(0, _link(nav.previous.path, f"Previous: {nav.previous.title}", trainee, "prev"))
    if nav.next:
        links.append(_link(nav.next.path, f"Next: {nav.next.title}", trainee, "next"))
    banner = widgets.HTML(render(
        "trainee/page_header.html.j2",
        trainee_name=trainee.name if trainee is not None else None,
        # Served by Voilà but opened without signing in: say answers will not be saved.
        show_sign_in_warning="VOILA_REQUEST_URL" in os.environ,
        start_href=viewer.page_link(START_PAGE, None),
        links=links,
    ))
    banner.add_class("ap-page-header")
    return banner
