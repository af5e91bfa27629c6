"""The trainee widgets' HTML: Jinja2 templates with autoescape, and the saved-answer cycle they share.

Every template under ``views/templates/trainee/`` is rendered with a script and
an image-with-onerror in every text it shows, and must show them as text. The
widgets are then driven headlessly with that text as a trainee's name, answer,
worksheet field, group name or role-play notes. Last, the save cycle of
:class:`SavedAnswerWidget` is checked on a minimal widget of its own.
"""

from __future__ import annotations

import ast
from datetime import date, datetime
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

from adaptive_policing.analysis.answer_feedback import AnswerFeedback, FeedbackSheet
from adaptive_policing.analysis.grading_status import AssessmentStatus
from adaptive_policing.content.complaint_process import Step, complaint_process
from adaptive_policing.data.store import TrainingClass, ResponseStore, Trainee
from adaptive_policing.grading.submission import GRADING_DIR_ENV
from adaptive_policing.views.render import render
from adaptive_policing.widgets import viewer
from adaptive_policing.widgets.assessment import AssessmentApp
from adaptive_policing.widgets.common import CLOSED_MESSAGE, PREVIEW_MESSAGE, text_box
from adaptive_policing.widgets.page import SignInForm, page_header
from adaptive_policing.widgets.prompt import DiscussionPrompt
from adaptive_policing.widgets.role_play import RolePlayKit
from adaptive_policing.widgets.saved import SavedAnswerWidget
from adaptive_policing.widgets.worksheet import Worksheet

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "adaptive_policing" / "views" / "templates" / "trainee"
WIDGET_FILES = [
    REPO / "adaptive_policing" / "widgets" / f"{name}.py"
    for name in ("common", "saved", "page", "prompt", "worksheet", "case_study", "role_play", "assessment")
]
RELEASE = REPO / "exercises/assessment/adaptive-policing-assessment/assessment.ipynb"

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"

pytestmark = pytest.mark.usefixtures("isolated_session")


def assert_shown_as_text(html: str) -> None:
    """``XSS`` appears in ``html`` only escaped: no script, no image, no event handler."""
    assert "<script" not in html and "<img" not in html, html
    assert ESCAPED in html, html


def html_in(widget: widgets.Widget) -> str:
    """All the HTML a widget and its descendants show."""
    found = [widget.value] if isinstance(widget, widgets.HTML) else []
    for child in getattr(widget, "children", ()):
        found.append(html_in(child))
    return "".join(found)


# --- every template, with hostile text in every field ------------------------------------------------

_LINK = {"href": XSS, "text": XSS, "rel": ""}
_PLANS = [{"title": XSS, "minutes": 120, "rows": [
    {"href": XSS, "title": XSS, "minutes": 10, "activities": [{"href": XSS, "title": XSS}]},
]}]
_REVIEW = {"rows": [{"prompt": XSS, "answered": True, "answer": XSS}], "missing": 1}

_HOSTILE_CLASS = TrainingClass(1, XSS, XSS, XSS, date(2026, 11, 25), XSS, XSS, datetime(2026, 11, 25, 9, 0))

CONTEXTS: dict[str, dict[str, Any]] = {
    "status": {"kind": "error", "text": XSS},
    "question": {"text": XSS},
    "note": {"text": XSS},
    "heading": {"text": XSS},
    "page_header": {"trainee_name": XSS, "sign_out_href": XSS, "waiting": False, "show_sign_in_warning": False,
                    "start_href": XSS, "links": [_LINK]},
    "agenda": {"plans": _PLANS},
    "welcome": {"name": XSS, "code": XSS, "token": XSS, "start_href": XSS, "sign_out_href": XSS, "plans": _PLANS,
                "training_class": _HOSTILE_CLASS, "hub": False},
    "hub_no_class": {"user": XSS},
    "class_details": {"training_class": _HOSTILE_CLASS},
    "worksheet_title": {"title": XSS},
    "worksheet_group": {"name": XSS},
    "worksheet_conflict": {"author": XSS, "saved_at": XSS, "fields": [{"name": XSS, "text": XSS}]},
    "role_play_header": {"title": XSS},
    "role_play_card": {"role_name": XSS, "text": XSS},
    "role_play_observer": {"heading": XSS},
    "rubric_header": {"title": XSS, "round": 2, "summary": XSS},
    "rubric_step": {"step": Step(XSS, XSS, XSS, XSS, XSS, XSS, XSS), "ratings": complaint_process().ratings},
    "case_header": {"title": XSS, "summary": XSS},
    "case_meter": {"label": XSS, "level": 3, "maximum": 10, "moved": XSS, "share": 30},
    "case_situation": {"number": 1, "text": XSS},
    "case_consequence": {"choice": XSS, "effect": XSS},
    "case_ending": {"outcome": XSS, "outcome_words": XSS, "text": XSS, "debrief": XSS, "setback": XSS, "steps": [
        {"number": 1, "honours": False, "defensible": True, "principle": XSS, "text": XSS, "debrief": XSS},
    ]},

    "assessment_order_item": {"number": 1, "item": XSS},
    "assessment_progress": {"where": XSS, "done": 1, "total": 2},
    "assessment_question": {"number": 1, "total": 2, "section": XSS, "points": "1", "plural": False,
                            "hand_graded": True, "prompt": XSS},
    "assessment_review": _REVIEW,
    "assessment_confirm": {"unanswered": [(3, XSS)], "total": 26},
    "assessment_submitted": {"saved_at": XSS, **_REVIEW},
    "feedback": {"top": 2, "sheet": FeedbackSheet(XSS, XSS, AssessmentStatus("graded", 1, 6), (
        AnswerFeedback(1, XSS, XSS, "text", (XSS,), "partly", 1, 3, XSS),
        AnswerFeedback(2, XSS, XSS, "steps", (XSS,), "wrong", 0, 3, XSS, XSS),
    ))},
}


def test_every_trainee_template_is_checked_here() -> None:
    shipped = {path.name.removesuffix(".html.j2") for path in TEMPLATES.glob("*.html.j2")
               if not path.name.startswith("_")}
    assert shipped == set(CONTEXTS)


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_a_template_shows_hostile_text_as_text(name: str) -> None:
    assert_shown_as_text(render(f"trainee/{name}.html.j2", **CONTEXTS[name]))


def test_the_welcome_behind_the_hub_shows_hostile_text_as_text_and_hands_out_no_token() -> None:
    html = render("trainee/welcome.html.j2", **{**CONTEXTS["welcome"], "hub": True})
    assert_shown_as_text(html)
    assert "data-ap-token" not in html and "department's login" in html


def test_a_missing_template_variable_is_an_error_not_an_empty_string() -> None:
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError):
        render("trainee/question.html.j2")


def test_the_widget_modules_build_no_html_by_hand() -> None:
    """No ``esc(`` and no f-string with an HTML tag: every fragment comes from a template."""
    for path in WIDGET_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "esc", f"{path.name}:{node.lineno} escapes by hand"
            if isinstance(node, ast.JoinedStr):
                text = "".join(part.value for part in node.values
                               if isinstance(part, ast.Constant) and isinstance(part.value, str))
                assert "<" not in text, f"{path.name}:{node.lineno} builds HTML in an f-string"
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not any(tag in node.value for tag in ("<p", "<h", "<div", "<span", "<a ")), \
                    f"{path.name}:{node.lineno} holds HTML in a string"


# --- the widgets with hostile trainee text --------------------------------------------------------------


@pytest.fixture
def hostile(store: ResponseStore, classroom: TrainingClass) -> Trainee:
    """A trainee whose name is a script."""
    return store.sign_in(classroom.code, XSS, "6666")


def test_a_prompt_answer_comes_back_as_data(store: ResponseStore, trainee: Trainee) -> None:
    first = DiscussionPrompt("p", "Question?", store=store, trainee=trainee)
    first.value = XSS
    assert first.save()
    again = DiscussionPrompt("p", "Question?", store=store, trainee=trainee)
    assert again.text.value == XSS  # in the text box, as typed
    shown = html_in(again)
    assert "<script" not in shown and "<img" not in shown


def test_the_page_header_shows_the_name_as_text(store: ResponseStore, hostile: Trainee,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("adaptive_policing.widgets.common.page_store", lambda: store)
    viewer.set_current_trainee(hostile)
    banner = page_header("03-what-is-customer-service")
    assert_shown_as_text(banner.value)
    assert "Signed in as <strong>" in banner.value
    assert banner.value.count(f"?t={hostile.token}") == 3  # previous, agenda, next
    assert 'rel="prev"' in banner.value and 'rel="next"' in banner.value
    assert [(who.id, page) for who, page, _when in store.visits(hostile.class_id)] == [
        (hostile.id, "03-what-is-customer-service")
    ]


def test_the_page_header_opened_without_signing_in_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOILA_REQUEST_URL", "http://localhost/voila/render/course/x.ipynb")
    banner = page_header("03-what-is-customer-service")
    assert "You are not signed in" in banner.value and 'role="status"' in banner.value
    assert "Go to the start page to sign in</a>." in banner.value
    assert "?t=" not in banner.value


def test_signing_in_welcomes_by_name_as_text_with_the_agenda(store: ResponseStore, classroom: TrainingClass) -> None:
    form = SignInForm(store=store)
    form.name.value, form.badge.value, form.class_code.value = XSS, "4821", classroom.code
    form.button.click()
    trainee = form.participant.trainee
    assert trainee is not None and form.form.layout.display == "none"
    assert_shown_as_text(form.welcome.value)
    assert f"You are signed in to class {classroom.code}." in form.welcome.value
    assert 'class="ap-agenda"' in form.welcome.value and "agenda" in form.welcome.value
    assert form.welcome.value.count(f"?t={trainee.token}") > 5  # the bookmark and every agenda link


def test_a_group_name_and_worksheet_fields_are_shown_as_text(store: ResponseStore, classroom: TrainingClass,
                                                             trainee: Trainee, hostile: Trainee) -> None:
    mine = Worksheet("a2", XSS, ["Goals"], group=True, store=store, trainee=trainee)
    assert mine.join(XSS)
    assert_shown_as_text(mine.group_label.value)
    assert_shown_as_text(mine.children[0].value)  # the title
    theirs = Worksheet("a2", "Sheet", ["Goals"], group=True, store=store, trainee=hostile)
    assert theirs.join(XSS)
    theirs.value = {"Goals": XSS}
    assert theirs.save() == "saved"
    mine.value = {"Goals": "Mine"}
    assert mine.save() == "conflict"
    assert_shown_as_text(mine.their_version.value)


def test_role_play_partners_and_notes_stay_data(store: ResponseStore, trainee: Trainee) -> None:
    kit = RolePlayKit("phone-towed-car", store=store, trainee=trainee)
    kit.role.value = "officer"
    kit.partners.value, kit.notes.value = XSS, XSS
    assert kit.save(), kit.status.text
    again = RolePlayKit("phone-towed-car", store=store, trainee=trainee)
    assert (again.partners.value, again.notes.value) == (XSS, XSS)
    shown = html_in(again)
    assert "<script" not in shown and "<img" not in shown


def test_a_free_text_assessment_answer_is_reviewed_as_text(store: ResponseStore, classroom: TrainingClass,
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(GRADING_DIR_ENV, str(tmp_path / "grading"))
    trainee = store.sign_in(classroom.code, "Alex Rivera", "4821")
    app = AssessmentApp(store=store, trainee=trainee, release_path=RELEASE)
    app.controls["free_complaint_process"].text.value = XSS
    app.show_review()
    assert_shown_as_text(app.heading.value)
    assert "not answered." in app.heading.value
    assert app.submit(), app.status.text
    assert_shown_as_text(app.heading.value)
    assert app.heading.value.startswith("<h2>Assessment submitted</h2>")


# --- the saved-answer cycle itself ----------------------------------------------------------------------


class Note(SavedAnswerWidget):
    """The smallest saved-answer widget: one text box that must not be empty."""

    css_class = "ap-test-note"
    saved_noun = "note"
    stale_message = "Your old note no longer fits."

    def build(self) -> list[widgets.Widget]:
        self.box = text_box("Note")
        return [self.box, self.make_save_button("Save note", "Save your note")]

    @property
    def value(self) -> Any:
        return self.box.value

    def apply_saved(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        self.box.value = value
        return True

    def problem(self) -> str | None:
        return None if self.box.value.strip() else "Please write a note first."

    def watched(self) -> list[widgets.ValueWidget]:
        return [self.box]


class WarnedNote(Note):
    warn_when_closed = True


def test_the_cycle_saves_marks_unsaved_and_restores(store: ResponseStore, trainee: Trainee) -> None:
    note = Note("note", store=store, trainee=trainee)
    assert note.status.text == "" and not note.save_button.disabled
    assert "ap-test-note" in note._dom_classes and note.children[-1] is note.status
    assert not note.save() and note.status.text == "Please write a note first." and note.status.kind == "error"
    note.box.value = "first"
    assert note.status.kind == "error"  # an error stays until the next save
    note.save_button.click()
    assert note.status.kind == "saved" and note.status.text.startswith("Saved at ")
    note.box.value = "second"
    assert (note.status.text, note.status.kind) == ("Not saved yet: press Save note.", "info")
    assert note.save()
    assert [a.value for a in store.answer_history(trainee, "note")] == ["first", "second"]
    again = Note("note", store=store, trainee=trainee)
    assert again.box.value == "second"
    assert again.status.text.startswith("Your note saved at ") and again.status.text.endswith(" is shown.")
    assert again.status.kind == "saved"


def test_the_cycle_refuses_a_closed_prompt_and_keeps_the_text(store: ResponseStore, classroom: TrainingClass,
                                                              trainee: Trainee) -> None:
    store.set_prompt_open(classroom.id, "note", False)
    note = Note("note", store=store, trainee=trainee)
    assert note.status.text == ""  # by default a closed prompt is only reported on saving
    note.box.value = "kept"
    assert not note.save()
    assert (note.status.text, note.status.kind) == (CLOSED_MESSAGE, "error")
    assert note.box.value == "kept" and store.latest_answer(trainee, "note") is None
    warned = WarnedNote("note", store=store, trainee=trainee)
    assert (warned.status.text, warned.status.kind) == (CLOSED_MESSAGE, "warning")
    store.set_prompt_open(classroom.id, "note", True)
    assert note.save() and store.latest_answer(trainee, "note").value == "kept"


def test_the_cycle_in_preview_saves_nothing(store: ResponseStore) -> None:
    note = Note("note", store=store)
    assert note.save_button.disabled and note.status.text == PREVIEW_MESSAGE
    note.box.value = "hello"
    assert note.status.text == PREVIEW_MESSAGE  # no "not saved yet" in preview
    assert not note.save() and note.status.text == PREVIEW_MESSAGE
    assert store.answer_count() == 0


def test_a_saved_answer_that_no_longer_fits_is_not_restored(store: ResponseStore, trainee: Trainee) -> None:
    store.save_answer(trainee, "note", {"old": "shape"})
    note = Note("note", store=store, trainee=trainee)
    assert note.box.value == ""
    assert (note.status.text, note.status.kind) == ("Your old note no longer fits.", "info")
