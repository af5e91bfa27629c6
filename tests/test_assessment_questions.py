"""The question banks: two assignments, nbgrader validation, and releases that never drift."""

from __future__ import annotations

from collections import Counter

import nbformat
import pytest
from nbgrader.validator import Validator

from adaptive_policing.content.questions import (
    ASSIGNMENT,
    ASSIGNMENT_SECTIONS,
    ASSIGNMENTS,
    SECTIONS,
    WINDOW_ASSIGNMENT,
    load_questions,
    questions_in,
)
from adaptive_policing.grading.course import GradingPaths, release_is_current, tools_on_path

from .conftest import REPO
from .fixtures.assessment import submissions as fx

PATHS = GradingPaths.under(REPO)
EACH = pytest.mark.parametrize("assignment", ASSIGNMENTS)


@pytest.fixture(scope="module")
def banks():
    return {a: load_questions(PATHS.for_assignment(a).release_notebook()) for a in ASSIGNMENTS}


def test_core_covers_only_the_two_hour_course_and_the_window_has_its_own(banks) -> None:
    core, window = banks[ASSIGNMENT], banks[WINDOW_ASSIGNMENT]
    assert {q.section for q in core} == set(ASSIGNMENT_SECTIONS[ASSIGNMENT]) == set(SECTIONS) - {"W"}
    assert {q.section for q in window} == {"W"}
    auto = [q for q in core if q.autograded]
    manual = [q for q in core if not q.autograded]
    assert len(auto) >= 20 and len(manual) >= 2  # the written answers stay, with rubrics
    assert 5 <= len(window) <= 10  # a short check for a 55-minute module
    kinds = Counter(q.kind for bank in banks.values() for q in bank)
    assert all(kinds[k] for k in ("single", "multi", "order", "match", "text"))
    ids = {q.id for q in core}
    assert {"anatomy_of_a_call_order", "complaint_resolution_order", "free_alternative_yes",
            "free_complaint_process"} <= ids
    assert {"last_matching", "three_rs_matching"} <= {q.id for q in window}
    assert all(q.points > 0 for bank in banks.values() for q in bank)


def test_the_course_topics_the_review_found_missing_have_items(banks) -> None:
    by_objective = Counter(q.objective for q in banks[ASSIGNMENT])
    # Golden Circle, direct and indirect customers, private-sector lessons, procedural justice, complaint intake.
    for objective in ("III.1", "III.2", "V.3", "VII.2", "VI.2", "VI.3"):
        assert by_objective[objective], objective
    intake = next(q for q in banks[ASSIGNMENT] if q.id == "complaint_intake")
    key = fx.solution_answers()["complaint_intake"]
    assert "Take the complaint" in key and "procedure" in key
    wrong = [o for o in intake.options if o != key]
    assert any("prosecuted" in o for o in wrong) and any("tired" in o for o in wrong)


@EACH
def test_source_and_release_agree_and_release_has_no_answers(banks, assignment: str) -> None:
    paths = PATHS.for_assignment(assignment)
    source = questions_in(nbformat.read(paths.source_notebook(), as_version=4))
    shape = lambda qs: [(q.id, q.kind, q.points, q.options, q.section, q.objective, q.setting) for q in qs]  # noqa: E731
    assert shape(source) == shape(banks[assignment])
    text = paths.release_notebook().read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text and "float(" not in text
    key = fx.solution_answers(assignment)
    for q in banks[assignment]:
        if q.kind == "order":
            assert list(q.options) != key[q.id], f"{q.id}: the items are shown in the right order"


@EACH
def test_question_text_lists_every_option_and_states_partial_credit(assignment: str) -> None:
    release = nbformat.read(PATHS.for_assignment(assignment).release_notebook(), as_version=4)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in release.cells}
    for q in questions_in(release):
        shown = by_id[f"{q.id}_question"].source
        assert q.prompt in shown
        assert all(option in shown for option in q.options), q.id
        if q.kind == "order":
            assert "pairwise agreement" in shown, q.id
        if q.kind == "match":
            assert "each correct match earns an equal share" in shown, q.id


@EACH
def test_nbgrader_validate_passes_on_the_source(assignment: str) -> None:
    tools_on_path()
    results = Validator().validate(str(PATHS.for_assignment(assignment).source_notebook()))
    assert results == {}, results


@EACH
def test_release_fails_validation_and_passes_nothing_when_inverted(banks, assignment: str) -> None:
    tools_on_path()
    release = str(PATHS.for_assignment(assignment).release_notebook())
    failed = Validator().validate(release).get("failed", [])
    assert len(failed) == len(banks[assignment])  # every test fails and every written answer is blank
    assert "passed" not in Validator(invert=True).validate(release)


@EACH
def test_release_in_exercises_is_exactly_what_nbgrader_generates(assignment: str) -> None:
    assert release_is_current(PATHS.for_assignment(assignment)), \
        "exercises/ differs from solutions/: run `adaptive-policing release`"


def test_the_window_module_s_last_page_takes_its_own_assessment() -> None:
    page = nbformat.read(REPO / "course" / "11-telephone.ipynb", as_version=4)
    calls = [c.source for c in page.cells if c.cell_type == "code" and "assessment(" in c.source]
    assert calls == [f'from adaptive_policing import assessment\nassessment("{WINDOW_ASSIGNMENT}")']
    assert page.cells[-1].source == calls[0]


@EACH
def test_each_written_answer_has_its_rubric_locked_right_under_it_in_the_release(assignment: str) -> None:
    paths = PATHS.for_assignment(assignment)
    source = {c.metadata["assessment"]["id"]: c.source for c in nbformat.read(paths.source_notebook(), as_version=4).cells
              if c.metadata.get("assessment", {}).get("kind") == "text"}
    cells = nbformat.read(paths.release_notebook(), as_version=4).cells
    found = 0
    for index, cell in enumerate(cells):
        data = cell.metadata.get("assessment") or {}
        assert "explanation" not in data, f"{data.get('id')}: explanations stay in the source"
        if data.get("kind") != "text":
            continue
        rubric = cells[index + 1]
        meta = rubric.metadata["nbgrader"]
        assert rubric.cell_type == "markdown" and meta["grade_id"] == f"{data['id']}_rubric"
        assert (meta["locked"], meta["grade"], meta["solution"]) == (True, False, False)
        assert rubric.metadata.get("editable") is False and rubric.metadata.get("deletable") is False
        assert "**Rubric" in rubric.source and "For the grader" in rubric.source
        model = source[data["id"]].split("### BEGIN SOLUTION\n")[1].split("### END SOLUTION")[0].strip()
        assert model in rubric.source
        found += 1
    assert found == len(source)
    assert found == (2 if assignment == ASSIGNMENT else 0)


@EACH
def test_every_autograded_question_explains_its_answer_for_the_feedback_page(assignment: str) -> None:
    source = questions_in(nbformat.read(PATHS.for_assignment(assignment).source_notebook(), as_version=4))
    for q in source:
        if q.kind == "text":
            assert not q.explanation, f"{q.id}: a written answer is explained by its grader, not the bank"
        else:
            assert 40 <= len(q.explanation) <= 400, f"{q.id}: a short explanation is needed"
            assert "assert" not in q.explanation and "_" not in q.explanation
