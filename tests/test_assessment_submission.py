"""Answers are checked against their questions and written as data, never as code or markup."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from adaptive_policing.content.answers import InvalidAnswer, validate_answer
from adaptive_policing.content.questions import ASSIGNMENTS, load_questions
from adaptive_policing.grading.submission import answer_source, fill_notebook, free_text_markdown, student_id, write_submission
from adaptive_policing.grading.checks import check_submission

from .fixtures.assessment import submissions as fx

QUESTIONS = {q.id: q for a in ASSIGNMENTS
             for q in load_questions(fx.REPO / "exercises" / "assessment" / a / "assessment.ipynb")}
WRONG_CHOICE = QUESTIONS["one_customer"].options[0]
PAYLOADS = fx.fixture("payloads.json")


@pytest.mark.parametrize("payload", PAYLOADS["code"] + PAYLOADS["markup"])
def test_a_payload_is_never_accepted_as_a_choice(payload: str) -> None:
    for qid in ("one_customer", "intro_reasons_for_class", "anatomy_of_a_call_order", "last_matching"):
        question = QUESTIONS[qid]
        for value in (payload, [payload], {question.items[0]: payload} if question.items else {"L": payload}):
            with pytest.raises(InvalidAnswer):
                validate_answer(question, value)


def test_answer_cells_hold_one_literal_assignment() -> None:
    for qid, value in {**fx.solution_answers(), **fx.solution_answers(ASSIGNMENTS[1])}.items():
        source = answer_source(QUESTIONS[qid], value)
        tree = ast.parse(source)
        assert len(tree.body) == 1 and isinstance(tree.body[0], ast.Assign)
        assert ast.literal_eval(tree.body[0].value) == validate_answer(QUESTIONS[qid], value)


@pytest.mark.parametrize("payload", PAYLOADS["markup"] + PAYLOADS["code"])
def test_free_text_renders_as_literal_text(payload: str) -> None:
    rendered = markdown2html_mistune(free_text_markdown(payload))
    assert rendered.startswith("<pre><code>") and rendered.rstrip().endswith("</code></pre>")
    assert "<script" not in rendered and "<img" not in rendered and "<a " not in rendered
    assert "document.title" not in rendered or "&lt;" in rendered or "&quot;" in rendered


def test_free_text_keeps_length_limit_and_drops_control_characters() -> None:
    question = QUESTIONS["free_alternative_yes"]
    assert validate_answer(question, "a\x00b\r\nc") == "ab\nc"
    assert validate_answer(question, "   ") is None
    with pytest.raises(InvalidAnswer):
        validate_answer(question, "x" * 10_001)


def test_filled_submission_passes_the_grading_checks(tmp_path: Path) -> None:
    answers = {**fx.solution_answers(), "free_alternative_yes": PAYLOADS["markup"][0]}
    notebook = fill_notebook(fx.release(), answers)
    folder = write_submission(notebook, "ABCDEF-b42", root=tmp_path)
    check = check_submission(folder / "assessment.ipynb", fx.release())
    assert check.status == "ok" and not check.problems and not check.unescaped_text
    assert (folder / "timestamp.txt").read_text().endswith(" UTC")


def test_a_submission_written_before_the_rubric_cells_is_not_flagged_as_tampered(tmp_path: Path) -> None:
    older = fx.filled(fx.solution_answers())
    older.cells = [c for c in older.cells if not c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_rubric")]
    folder = write_submission(older, "K7P4QX-b1", root=tmp_path)
    check = check_submission(folder / "assessment.ipynb", fx.release())
    assert check.status == "ok" and check.problems == []


def test_a_second_submission_replaces_the_first_and_keeps_it(tmp_path: Path) -> None:
    first = write_submission(fill_notebook(fx.release(), {"one_customer": WRONG_CHOICE}), "ABCDEF-b42",
                             root=tmp_path)
    first_stamp = (first / "timestamp.txt").read_text()
    second = write_submission(fill_notebook(fx.release(), {}), "ABCDEF-b42", root=tmp_path)
    assert second == first and (second / "timestamp.txt").read_text() != first_stamp
    kept = list((tmp_path / "history" / "ABCDEF-b42" / "adaptive-policing-assessment").iterdir())
    assert len(kept) == 1
    assert f"one_customer = {WRONG_CHOICE!r}" in (kept[0] / "assessment.ipynb").read_text()
    assert f"one_customer = {WRONG_CHOICE!r}" not in (second / "assessment.ipynb").read_text()
    assert [p.name for p in (tmp_path / "submitted" / "ABCDEF-b42").iterdir()] == ["adaptive-policing-assessment"]


def test_student_ids_are_stable_and_safe() -> None:
    assert student_id("K7P4QX", "b1234") == "K7P4QX-bb1234"
    assert student_id("K7P4QX", "4821") == "K7P4QX-b4821"
    with pytest.raises(ValueError):
        student_id("K7P4QX", "../../etc")


def test_checks_reject_code_and_foreign_cells(tmp_path: Path) -> None:
    notebook = fx.with_source(fx.filled({}), "one_customer_answer", "one_customer = None; import os")
    path = tmp_path / "a.ipynb"
    nbformat.write(notebook, path)
    assert check_submission(path, fx.release()).status == "rejected"
    extra = fx.filled({})
    extra.cells.append(nbformat.v4.new_code_cell("print('hello')"))
    nbformat.write(extra, path)
    assert check_submission(path, fx.release()).status == "rejected"
