"""The assessment app headlessly: answers saved as they change, restored on reload, submitted to nbgrader."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from adaptive_policing.content.questions import WINDOW_ASSIGNMENT
from adaptive_policing.widgets.assessment import AssessmentApp
from adaptive_policing.grading.submission import GRADING_DIR_ENV
from adaptive_policing.grading.checks import check_submission
from adaptive_policing.data.store import TrainingClass, ResponseStore

from .fixtures.assessment import submissions as fx

RELEASE = fx.REPO / "exercises/assessment/adaptive-policing-assessment/assessment.ipynb"
KEY = fx.solution_answers()


@pytest.fixture
def grading_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "grading"
    monkeypatch.setenv(GRADING_DIR_ENV, str(root))
    return root


def _app(store: ResponseStore, trainee) -> AssessmentApp:
    return AssessmentApp(store=store, trainee=trainee, release_path=RELEASE)


def test_controls_answer_and_progress(store: ResponseStore, classroom: TrainingClass, grading_root: Path) -> None:
    trainee = store.sign_in(classroom.code, "Alex Rivera", "4821")
    app = _app(store, trainee)
    assert app.progress.max == len(app.questions) and app.progress.value == 0
    first = app.controls["intro_reasons_for_class"]
    first.checks[1].value = True
    assert app.answers["intro_reasons_for_class"] == [first.checks[1].description]
    radio = app.controls["one_customer"].radio
    radio.value = KEY["one_customer"]
    order = app.controls["anatomy_of_a_call_order"]
    assert app.answers.get("anatomy_of_a_call_order") is None  # untouched order is not an answer
    order.move(1, -1)
    assert app.answers["anatomy_of_a_call_order"][0] == order.question.options[1]
    line = app.controls["procedural_justice_match"].question.items[0]
    app.controls["procedural_justice_match"].drops[line].value = "Voice"
    assert app.answers["procedural_justice_match"] == {line: "Voice"}
    app.controls["free_alternative_yes"].text.value = "<script>x</script>"
    assert app.progress.value == 4  # a written answer is saved once the typing pauses ...
    app.flush_typing()  # ... as the kernel's timer does a second after the last keystroke
    assert app.progress.value == 5
    app.go_to(3)
    assert "Question 4 of" in app.heading.value and "4 of" in app.progress_text.value


def test_answers_come_back_after_closing_the_page(store: ResponseStore, classroom: TrainingClass, grading_root: Path) -> None:
    trainee = store.sign_in(classroom.code, "Alex Rivera", "4821")
    app = _app(store, trainee)
    wrong = app.controls["one_customer"].question.options[0]
    app.controls["one_customer"].radio.value = wrong
    match = app.controls["direct_indirect_customers"]
    match.drops[match.question.items[0]].value = match.question.options[1]
    app.controls["free_complaint_process"].text.value = "Listen first."
    app.flush_typing()  # the page is closed: its hidden flush button is pressed
    again = _app(store, trainee)
    assert again.controls["one_customer"].radio.value == wrong
    assert again.controls["free_complaint_process"].text.value == "Listen first."
    assert again.answers == app.answers and again.progress.value == 3


def test_a_forged_choice_is_refused(store: ResponseStore, classroom: TrainingClass, grading_root: Path) -> None:
    trainee = store.sign_in(classroom.code, "Alex Rivera", "4821")
    app = _app(store, trainee)
    assert not app.answer("one_customer", "'); import os; os.system('touch /tmp/pwned') #")
    assert app.status.kind == "error" and "one_customer" not in app.answers


def test_review_then_submit_writes_an_nbgrader_submission(store: ResponseStore, classroom: TrainingClass,
                                                          grading_root: Path) -> None:
    trainee = store.sign_in(classroom.code, "Alex <b>Rivera</b>", "4821")
    app = _app(store, trainee)
    for qid, value in fx.solution_answers().items():
        assert app.answer(qid, value)
    app.answer("free_alternative_yes", "<img src=x onerror=alert(1)>")
    app.show_review()
    assert "1 question is not answered" in app.heading.value
    assert "&lt;img src=x" in app.heading.value and "<img" not in app.heading.value
    assert app.submit()
    folder = grading_root / "submitted" / f"{classroom.code}-b4821" / "adaptive-policing-assessment"
    assert (folder / "timestamp.txt").exists()
    notebook = nbformat.read(folder / "assessment.ipynb", as_version=4)
    assert check_submission(folder / "assessment.ipynb", fx.release()).status == "ok"
    sources = [c.source for c in notebook.cells]
    assert f"one_customer = {KEY['one_customer']!r}" in sources
    assert "    <img src=x onerror=alert(1)>" in sources
    assert store.latest_answer(trainee, "assessment-submitted:adaptive-policing-assessment") is not None
    assert "submitted" in _app(store, trainee).status.text


def test_preview_without_sign_in_saves_and_submits_nothing(store: ResponseStore, grading_root: Path) -> None:
    app = AssessmentApp(store=store, trainee=None, release_path=RELEASE)
    app.controls["one_customer"].radio.value = app.controls["one_customer"].question.options[0]
    assert not app.submit()
    assert "not signed in" in app.status.text
    assert not grading_root.exists()


def test_submit_first_lists_the_unanswered_questions(store: ResponseStore, classroom: TrainingClass,
                                                     grading_root: Path) -> None:
    trainee = store.sign_in(classroom.code, "Alex Rivera", "4821")
    app = _app(store, trainee)
    app.answer("one_customer", KEY["one_customer"])
    app.show_review()
    app.submit_button.click()
    assert app.mode == "confirm" and not grading_root.exists()  # nothing submitted yet
    missing = len(app.questions) - 1
    assert f"{missing} of {len(app.questions)} questions are not answered" in app.heading.value
    assert all(f"Question {q.number}:" in app.heading.value for q in app.unanswered())
    assert [b.description for b in app.nav.children] == ["Go back to my answers", "Yes, submit now"]
    assert all(b.layout.width == "auto" for b in app.nav.children)  # labels in full, never clipped
    app.back_button.click()
    assert app.mode == "review" and not grading_root.exists()
    app.submit_button.click()
    app.final_button.click()
    assert (grading_root / "submitted" / f"{classroom.code}-b4821").is_dir()


def test_a_double_click_on_submit_writes_one_submission(store: ResponseStore, classroom: TrainingClass,
                                                        grading_root: Path) -> None:
    trainee = store.sign_in(classroom.code, "Alex Rivera", "4821")
    app = _app(store, trainee)
    app.answer("one_customer", KEY["one_customer"])
    app.confirm_submit()
    app.final_button.click()
    app.final_button.click()  # the second click of a double click, handled after the first
    assert app.submit()  # and a third, as a second tab would
    student = grading_root / "submitted" / f"{classroom.code}-b4821"
    assert len([p for p in student.iterdir() if not p.name.startswith(".")]) == 1
    assert not (grading_root / "history").exists()
    history = store.answer_history(trainee, "assessment-submitted:adaptive-policing-assessment")
    assert len(history) == 1
    app.answer("one_customer", app.controls["one_customer"].question.options[0])  # a changed answer is a new submission
    assert app.submit()
    assert len(list((grading_root / "history" / f"{classroom.code}-b4821").rglob("assessment.ipynb"))) == 1


def test_the_window_module_s_check_is_its_own_assignment(store: ResponseStore, classroom: TrainingClass,
                                                        grading_root: Path) -> None:
    trainee = store.sign_in(classroom.code, "Alex Rivera", "4821")
    app = AssessmentApp(assignment=WINDOW_ASSIGNMENT, store=store, trainee=trainee)
    key = fx.solution_answers(WINDOW_ASSIGNMENT)
    assert [q.id for q in app.questions] == list(key) and {q.section for q in app.questions} == {"W"}
    assert "The District Window and the Telephone · Check your learning" in app.children[0].value
    for qid, value in key.items():
        assert app.answer(qid, value)
    core = _app(store, trainee)
    assert core.answers == {}  # answers to one assessment never show in the other
    assert app.submit()
    folder = grading_root / "submitted" / f"{classroom.code}-b4821" / WINDOW_ASSIGNMENT
    assert check_submission(folder / "assessment.ipynb", fx.release(WINDOW_ASSIGNMENT)).status == "ok"
    assert not (grading_root / "submitted" / f"{classroom.code}-b4821" / "adaptive-policing-assessment").exists()
    assert store.latest_answer(trainee, f"assessment-submitted:{WINDOW_ASSIGNMENT}") is not None
