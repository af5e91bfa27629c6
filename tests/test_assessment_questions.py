"""The question bank: coverage of the course, nbgrader validation, and a release that never drifts."""

from __future__ import annotations

from collections import Counter

import nbformat
import pytest
from nbgrader.validator import Validator

from adaptive_policing.content.questions import SECTIONS, load_questions, questions_in
from adaptive_policing.grading.course import GradingPaths, release_is_current, tools_on_path

from .conftest import REPO
from .fixtures.assessment import submissions as fx

PATHS = GradingPaths.under(REPO)


@pytest.fixture(scope="module")
def questions():
    return load_questions(PATHS.release_notebook())


def test_bank_covers_every_section_and_kind(questions) -> None:
    auto = [q for q in questions if q.autograded]
    manual = [q for q in questions if not q.autograded]
    assert len(auto) >= 20 and len(manual) >= 2
    assert {q.section for q in questions} == set(SECTIONS)  # I–VIII and the window/telephone module
    kinds = Counter(q.kind for q in questions)
    assert all(kinds[k] for k in ("single", "multi", "truefalse", "order", "match", "text"))
    ids = {q.id for q in questions}
    assert {"anatomy_of_a_call_order", "complaint_resolution_order", "last_matching", "three_rs_matching"} <= ids
    assert all(q.points > 0 for q in questions)


def test_source_and_release_agree_and_release_has_no_answers(questions) -> None:
    source = questions_in(nbformat.read(PATHS.source_notebook(), as_version=4))
    assert [(q.id, q.kind, q.points, q.options, q.section) for q in source] == \
        [(q.id, q.kind, q.points, q.options, q.section) for q in questions]
    text = PATHS.release_notebook().read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text and "float(" not in text
    key = fx.solution_answers()
    for q in questions:
        if q.kind == "order":
            assert list(q.options) != key[q.id], f"{q.id}: the items are shown in the right order"


def test_question_text_lists_every_option() -> None:
    release = nbformat.read(PATHS.release_notebook(), as_version=4)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in release.cells}
    for q in questions_in(release):
        shown = by_id[f"{q.id}_question"].source
        assert q.prompt in shown
        assert all(option in shown for option in q.options), q.id


def test_nbgrader_validate_passes_on_the_source() -> None:
    tools_on_path()
    results = Validator().validate(str(PATHS.source_notebook()))
    assert results == {}, results


def test_release_fails_validation_and_passes_nothing_when_inverted(questions) -> None:
    tools_on_path()
    failed = Validator().validate(str(PATHS.release_notebook())).get("failed", [])
    assert len(failed) == len(questions)  # every test fails and every written answer is blank
    assert "passed" not in Validator(invert=True).validate(str(PATHS.release_notebook()))


def test_release_in_exercises_is_exactly_what_nbgrader_generates() -> None:
    assert release_is_current(PATHS), "exercises/ differs from solutions/: run `adaptive-policing release`"
