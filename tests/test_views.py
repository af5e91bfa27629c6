"""Every HTML template: it renders under StrictUndefined with its documented context, and escapes trainee text.

``CONTEXTS`` holds, for each template in ``adaptive_policing/views/templates``,
the context its opening comment documents, built from the real types, with the
attack string :data:`PAYLOAD` in every text a trainee (or an editor of the
course files) can type. A new template without an entry here fails the suite.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable

import jinja2
import pytest
from jinja2 import meta
from markupsafe import Markup, escape

from adaptive_policing.analysis.agenda import AgendaStatus, GuideSection
from adaptive_policing.analysis.answer_feedback import AnswerFeedback, FeedbackSheet
from adaptive_policing.analysis.attendance import AttendanceRow
from adaptive_policing.analysis.case_paths import CasePaths
from adaptive_policing.analysis.role_plays import PairRating
from adaptive_policing.content.plan import AgendaRow
from adaptive_policing.content.prompts import PromptInfo
from adaptive_policing.content.questions import Question
from adaptive_policing.content.role_plays import CHECKLIST
from adaptive_policing.content.scenarios import load_case_study
from adaptive_policing.data.store import TrainingClass, SavedAnswer, SignInRequest, Trainee
from adaptive_policing.analysis.grading_status import AssessmentStatus, ClassSummary
from adaptive_policing.analysis.item_statistics import ItemStatistics
from adaptive_policing.views import render as render_module
from adaptive_policing.views.activities import DecisionView, WorksheetField, WorksheetView
from adaptive_policing.views.agenda import AgendaItem, agenda_html, guide_html
from adaptive_policing.views.attendance import attendance_html
from adaptive_policing.views.console import Download, class_board_html, export_links_html, join_html, note_html
from adaptive_policing.views.images import png_img
from adaptive_policing.views.render import environment, render, stylesheet, template_names
from adaptive_policing.views.results import Bar, Card, bars_html, prompt_html, slide_answers_html, wall_html
from adaptive_policing.views.role_cards import RoleCard
from adaptive_policing.analysis.role_plays import RubricSheet, step_counts
from adaptive_policing.content.complaint_process import ComplaintProcess, complaint_process
from adaptive_policing.content.pocket_card import CardItem, PocketCard, pocket_card
from adaptive_policing.views.handouts import PaperActivity, PaperBlock
from adaptive_policing.views.join import JoinAddress, QRDrawing

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(1)>"
ESCAPED = str(escape(PAYLOAD))
NOW = datetime(2026, 5, 4, 9, 30, tzinfo=timezone.utc)


def _trainee(name: str = PAYLOAD, badge: str = PAYLOAD, trainee_id: int = 1) -> Trainee:
    return Trainee(trainee_id, 1, name, badge, "token", NOW)


def _answer(value: Any, prompt_id: str = "p") -> SavedAnswer:
    return SavedAnswer(1, 1, prompt_id, value, NOW)


def _hostile_process() -> ComplaintProcess:
    process = complaint_process()
    steps = tuple(dataclasses.replace(step, name=PAYLOAD, what=PAYLOAD, done=PAYLOAD) for step in process.steps)
    return dataclasses.replace(process, title=PAYLOAD, steps=steps)


def _hostile_card() -> PocketCard:
    card = pocket_card()
    lists = tuple(dataclasses.replace(lst, title=PAYLOAD, items=(CardItem(PAYLOAD, PAYLOAD, True),)) for lst in card.lists)
    return dataclasses.replace(card, title=PAYLOAD, lists=lists, complaint=_hostile_process(), legal_note=PAYLOAD)


def _rubric_context() -> dict[str, Any]:
    process = complaint_process()
    ratings = {step.id: "partly" for step in process.steps}
    sheets = [RubricSheet(_answer(ratings), PAYLOAD, PAYLOAD, 1, PAYLOAD, PAYLOAD, ratings, PAYLOAD, 11, 22,
                          {**ratings, "listen": "done"}, 12, PAYLOAD)]
    return {"process": process, "sheets": sheets, "labels": {r.id: r.label for r in process.ratings},
            "counts": step_counts(process, sheets)}


def _contexts() -> dict[str, dict[str, Any]]:
    case = dataclasses.replace(load_case_study("window-stolen-bike"), title=PAYLOAD, summary=PAYLOAD)
    node = case.decisions[0]
    ending = case.endings[0]
    info = PromptInfo(PAYLOAD, PAYLOAD, "text", ())
    card = Card(PAYLOAD, PAYLOAD, NOW)
    row = AgendaRow(PAYLOAD, "course/01-introductions.ipynb", 10, 0, ())
    question = Question("q1", 1, "A", "text", PAYLOAD, (), (), 1.0)
    return {
        "activities.html.j2": {"worksheets": PAYLOAD, "case_paths": PAYLOAD, "role_plays": PAYLOAD, "rubrics": PAYLOAD},
        "agenda.html.j2": {"items": [AgendaItem(row, "now", PAYLOAD), AgendaItem(row, "next", "")]},
        "agenda_status.html.j2": {"text": PAYLOAD},
        "assessment.html.j2": {
            "summary": ClassSummary(graded=3, pending=1, met=2, percents=(50.0, 80.0, 90.0)), "pass_percent": 70.0,
            "charts": (PAYLOAD, PAYLOAD), "min_graded": 5,
            "flagged": [ItemStatistics(question, graded=6, fully_right=0, mean_fraction=0.1, discrimination=-0.2,
                                       choices=((PAYLOAD, 0, False),), flags=(PAYLOAD,))],
            "too_few": [ItemStatistics(question, graded=3, fully_right=0, mean_fraction=0.1, note=PAYLOAD)],
        },
        "assessment_not_graded.html.j2": {},
        "attendance.html.j2": {
            "rows": [AttendanceRow(_trainee(), PAYLOAD, NOW, NOW), AttendanceRow(_trainee(), None, None)], "here": 1,
        },
        "busy.html.j2": {"seconds": 15},
        "bars.html.j2": {"bars": [Bar(PAYLOAD, 1, 100)], "total": 1},
        "case_paths.html.j2": {
            "case": case,
            "paths": CasePaths(case.id, 2, 1, {ending.id: 1}, {}, {node.id: (1, 1)}, 5.0),
            "endings": [(ending, 1)],
            "decisions": [DecisionView(node, [(choice, 1) for choice in node.choices])],
            "perception": PAYLOAD,
        },
        "case_paths_all.html.j2": {"sections": [PAYLOAD]},
        "class_board.html.j2": {
            "training_class": TrainingClass(1, "ABC234", PAYLOAD, PAYLOAD, date(2026, 5, 4), PAYLOAD, PAYLOAD, NOW),
        },
        "same_day.html.j2": {
            "training_class": TrainingClass(1, "ABC234", PAYLOAD, PAYLOAD, date(2026, 5, 4), PAYLOAD, PAYLOAD, NOW),
        },
        "export_links.html.j2": {"downloads": [Download(Path("/tmp") / PAYLOAD, "text/csv", "YQ==")]},
        "guide.html.j2": {"section": GuideSection("01-introductions", PAYLOAD, PAYLOAD), "body": PAYLOAD},
        "handouts/pocket_card.html.j2": {"card": _hostile_card()},
        "handouts/worksheets.html.j2": {"activities": [PaperActivity(PAYLOAD, [
            PaperBlock("markdown", {"html": Markup("<p>rendered</p>")}),
            PaperBlock("prompt", {"id": PAYLOAD, "text": PAYLOAD, "kind": "multi", "options": [PAYLOAD], "many": True}),
            PaperBlock("prompt", {"id": PAYLOAD, "text": PAYLOAD, "kind": "text", "options": [], "many": False}),
            PaperBlock("worksheet", {"id": PAYLOAD, "title": PAYLOAD, "fields": [(PAYLOAD, PAYLOAD)], "group": True}),
            PaperBlock("role_cards", {"scenario": case, "cards": [(PAYLOAD, PAYLOAD)]}),
            PaperBlock("rubric", {"scenario": case, "process": _hostile_process()}),
            PaperBlock("case_study", {"case": case}),
        ])]},
        "heading.html.j2": {"text": PAYLOAD, "level": 2},
        "join.html.j2": {"parts": [Markup("<p>kept</p>"), PAYLOAD]},
        "join_code.html.j2": {"code": PAYLOAD, "joins": [JoinAddress(PAYLOAD, QRDrawing(29, PAYLOAD))], "closed_reason": PAYLOAD,
                              "slide_href": PAYLOAD},
        "sign_in_request.html.j2": {"request": SignInRequest(1, 1, 1, PAYLOAD, "Alice Original", PAYLOAD, NOW)},
        "note.html.j2": {"text": PAYLOAD, "css_class": PAYLOAD},
        "png_img.html.j2": {"data": "iVBORw0KGgo=", "alt": PAYLOAD},
        "prompt_results.html.j2": {"info": info, "answered": 1, "is_open": False, "body": PAYLOAD},
        "role_cards.html.j2": {
            "scenarios": [(case, [RoleCard("observer", PAYLOAD, PAYLOAD)])], "checklist": [PAYLOAD, *CHECKLIST],
        },
        "role_plays.html.j2": {"pairs": [PairRating(PAYLOAD, PAYLOAD, PAYLOAD, 2, 8)], "chart": PAYLOAD},
        "rubrics.html.j2": _rubric_context(),
        "slide_answers.html.j2": {"info": info, "results": PAYLOAD},
        "survey.html.j2": {
            "rows": [{"statement": PAYLOAD, "paired": "2", "before": "2.5", "after": "4.0", "change": "+1.5"}],
            "chart": PAYLOAD, "feedback_count": 3, "feedback_minimum": 3, "feedback_shown": True,
            "instructor": "4.5", "materials": "4.0", "questions": {"helped": PAYLOAD, "change": PAYLOAD},
            "helped": [PAYLOAD], "change": [PAYLOAD],
        },
        "style.html.j2": {"css": Markup(".ap-x{color:#000}")},
        "trainee_feedback.html.j2": {"sheet": FeedbackSheet(PAYLOAD, PAYLOAD, AssessmentStatus("pending", 1, 6, ("a",)), (
            AnswerFeedback(1, PAYLOAD, PAYLOAD, "text", (PAYLOAD,), "pending", None, 3, PAYLOAD),
            AnswerFeedback(2, PAYLOAD, PAYLOAD, "pairs", (PAYLOAD,), "wrong", 0, 3, PAYLOAD, PAYLOAD),
        ), 70)},
        "wall.html.j2": {"cards": [card], "featured": card, "words": PAYLOAD},
        "words.html.j2": {"words": [(PAYLOAD, 2), ("listen", 2)]},
        "worksheets.html.j2": {
            "sheets": [WorksheetView(PAYLOAD, 1, [WorksheetField(PAYLOAD, [(PAYLOAD, PAYLOAD)])])],
        },
    }


CONTEXTS = _contexts()
SAFE_TEMPLATES = {"assessment_not_graded.html.j2", "busy.html.j2", "style.html.j2"}
INSTRUCTOR_TEMPLATES = [name for name in template_names() if not name.startswith("trainee/")]
"""The console's, slides' and role cards' templates; the trainee widgets' are checked in test_trainee_views."""
"""Templates that show no text from a trainee or a course file (nothing to escape)."""


def test_every_template_has_a_documented_context_here() -> None:
    assert INSTRUCTOR_TEMPLATES == sorted(CONTEXTS)
    assert len(INSTRUCTOR_TEMPLATES) >= 20


@pytest.mark.parametrize("name", INSTRUCTOR_TEMPLATES)
def test_the_template_renders_under_strict_undefined_with_its_documented_context(name: str) -> None:
    source = environment.loader.get_source(environment, name)[0]  # type: ignore[union-attr]
    header = source.split("#}")[0]
    assert source.startswith("{#") and ("Context:" in header or "No context" in header), "document the context"
    used = meta.find_undeclared_variables(environment.parse(source)) - set(environment.globals)
    assert used == set(CONTEXTS[name]), f"{name} uses {sorted(used)}; its documented context is {sorted(CONTEXTS[name])}"
    assert render(name, **CONTEXTS[name])


@pytest.mark.parametrize("name", sorted(set(CONTEXTS) - SAFE_TEMPLATES))
def test_the_template_escapes_trainee_text(name: str) -> None:
    html = render(name, **CONTEXTS[name])
    assert PAYLOAD not in html
    assert "<script" not in html and "<img src=x" not in html and "onerror=alert(1)>" not in html
    assert ESCAPED in html


def test_a_misspelt_variable_or_attribute_fails_instead_of_printing_nothing() -> None:
    with pytest.raises(jinja2.UndefinedError):
        environment.from_string("<p>{{ nmae }}</p>").render(name="x")
    with pytest.raises(jinja2.UndefinedError):
        environment.from_string("<p>{{ trainee.nmae }}</p>").render(trainee=_trainee())
    with pytest.raises(jinja2.UndefinedError):
        render("note.html.j2", text="only the text")


def test_autoescape_is_on_for_every_template_and_string() -> None:
    for name in template_names():
        assert environment.autoescape(name) is True  # type: ignore[operator]
    assert environment.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


def test_the_style_sheets_are_read_from_the_static_folder() -> None:
    block = stylesheet("results.css", "agenda.css")
    assert block.startswith("<style>") and block.rstrip().endswith("</style>")
    assert ".ap-bars{" in block and ".ap-agenda-now{" in block
    with pytest.raises(FileNotFoundError):
        stylesheet("missing.css")


def test_a_style_sheet_cannot_close_its_style_element(monkeypatch: pytest.MonkeyPatch) -> None:
    read: Callable[[str], str] = render_module._static_text.__wrapped__  # type: ignore[attr-defined]
    monkeypatch.setattr(render_module.resources, "files", lambda _package: _FakeFiles("a{}</style><script>"))
    with pytest.raises(ValueError, match="would end its style element"):
        read("evil.css")


class _FakeFiles:
    def __init__(self, text: str) -> None:
        self.text = text

    def joinpath(self, *_parts: str) -> "_FakeFiles":
        return self

    def read_text(self, encoding: str) -> str:
        return self.text


# --- the Python entry points, with answers as the store returns them ------------------------------


def test_the_results_escape_names_answers_and_options() -> None:
    answers = [(_trainee(), _answer(PAYLOAD)), (_trainee("Lee", "2", 2), _answer([PAYLOAD, "Yes"]))]
    choice = PromptInfo("c", "Q?", "choice", ("Yes", "No"))
    for html in (
        bars_html(choice, answers),
        wall_html(answers, show_names=True, spotlight=1),
        prompt_html(PromptInfo(PAYLOAD, PAYLOAD, "text", ()), answers, show_names=True, spotlight=1),
        slide_answers_html(PromptInfo("t", PAYLOAD, "text", ()), answers),
        slide_answers_html(PromptInfo("t", PAYLOAD, "text", ()), None),
    ):
        assert PAYLOAD not in html and "<script" not in html and ESCAPED in html


def test_the_wall_is_anonymous_unless_names_are_shown() -> None:
    answers = [(_trainee("Dana Ortiz"), _answer("Patrol"))]
    assert "Dana Ortiz" not in wall_html(answers, show_names=False) and "Answer 1" in wall_html(answers, show_names=False)
    assert "Dana Ortiz" in wall_html(answers, show_names=True)


def test_the_console_fragments_escape_what_they_show(tmp_path: Path) -> None:
    exported = tmp_path / "class.csv"
    exported.write_text("a,b\n", encoding="utf-8")
    session = TrainingClass(1, "ABC234", "t", "adaptive-policing", date(2026, 5, 4), PAYLOAD, PAYLOAD, NOW)
    rows = [AttendanceRow(_trainee(), PAYLOAD, NOW, None)]
    agenda = agenda_html([AgendaRow(PAYLOAD, "course/01-x.ipynb", 5, 0, ())], AgendaStatus(index=0, started_at=NOW),
                         [f"/slides?{PAYLOAD}"])
    for html in (class_board_html(session), attendance_html(rows), note_html(PAYLOAD), join_html([note_html(PAYLOAD)]),
                 agenda, guide_html(GuideSection("p", PAYLOAD, PAYLOAD)), png_img(b"\x89PNG", PAYLOAD)):
        assert PAYLOAD not in html and "<script" not in html and "&lt;script&gt;" in html
    links = export_links_html([exported])
    assert 'download="class.csv"' in links and 'href="data:text/csv;base64,YSxiCg=="' in links


def test_markdown_in_the_guide_is_rendered_but_its_raw_html_is_not() -> None:
    html = guide_html(GuideSection("p", "Intro", "**Talking points**\n\n<script>alert(1)</script>"))
    assert "<strong>Talking points</strong>" in html and "<script>" not in html
    assert re.search(r"&lt;script&gt;alert\(1\)&lt;/script&gt;", html)
