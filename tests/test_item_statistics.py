"""Item statistics: discrimination, distractor counts and flags, for any question bank."""

from __future__ import annotations

import math

import pytest

from adaptive_policing.analysis.grading_status import ItemGrade
from adaptive_policing.analysis.item_statistics import MIN_GRADED, item_statistics, point_biserial, section_mastery
from adaptive_policing.content.questions import SECTIONS, Question
from adaptive_policing.grading.course import GradingPaths
from adaptive_policing.grading.reports import answer_keys, cell_answer, release_questions

from .fixtures.assessment import submissions as fx

EASY = Question("easy", 1, "I", "single", "Pick A", ("A", "B", "C", "D"), (), 1.0)
BACKWARDS = Question("backwards", 2, "I", "single", "Pick B", ("A", "B", "C"), (), 1.0)
REST = Question("rest", 3, "II", "order", "Order", ("x", "y", "z"), (), 4.0)
ESSAY = Question("essay", 4, "II", "text", "Explain", (), (), 3.0)
QUESTIONS = [EASY, BACKWARDS, REST, ESSAY]
KEYS = {"easy": frozenset({"A"}), "backwards": frozenset({"B"})}


def _class() -> tuple[dict, dict]:
    """Seven trainees: strong ones get ``backwards`` wrong and weak ones right; nobody picks C or D on ``easy``.

    The first two still wait for their written answer to be graded.
    """
    grades, choices = {}, {}
    rest_scores = [4, 4, 4, 3, 1, 0, 0]
    for n, rest in enumerate(rest_scores):
        strong = rest >= 3
        grades[f"t{n}"] = {
            "easy": ItemGrade(1 if n != 6 else 0, 1),
            "backwards": ItemGrade(0 if strong else 1, 1),
            "rest": ItemGrade(rest, 4),
            "essay": ItemGrade(0, 3, pending=n < 2) if n < 2 else ItemGrade(2, 3),
        }
        choices[f"t{n}"] = {"easy": "A" if n != 6 else "B", "backwards": "A" if strong else "B"}
    return grades, choices


def test_point_biserial_matches_pearson_and_is_undefined_without_variance() -> None:
    assert point_biserial([1, 1, 0, 0], [3, 2, 1, 0]) == pytest.approx(0.894, abs=1e-3)
    assert point_biserial([1, 1, 1], [3, 2, 1]) is None
    assert point_biserial([1, 0], [2, 2]) is None


def test_negative_discrimination_is_flagged() -> None:
    grades, choices = _class()
    stats = {s.question.id: s for s in item_statistics(QUESTIONS, grades, choices, KEYS)}
    backwards = stats["backwards"]
    # The item's score against the rest of the score (the essay left out: two still wait for a grader).
    assert backwards.discrimination is not None and backwards.discrimination < 0
    assert "negative discrimination" in backwards.flags


def test_each_option_is_counted_and_unpicked_distractors_are_flagged() -> None:
    grades, choices = _class()
    easy = next(s for s in item_statistics(QUESTIONS, grades, choices, KEYS) if s.question.id == "easy")
    assert easy.choices == (("A", 6, True), ("B", 1, False), ("C", 0, False), ("D", 0, False))
    assert easy.unpicked_distractors == ("C", "D")
    assert "distractor nobody picks: C | D" in easy.flags


def test_a_pending_written_answer_is_left_out_until_graded() -> None:
    grades, choices = _class()
    essay = next(s for s in item_statistics(QUESTIONS, grades, choices, KEYS) if s.question.id == "essay")
    assert (essay.graded, essay.pending) == (5, 2)
    assert essay.mean_fraction == pytest.approx(2 / 3)  # the pending ones are not counted as 0
    assert essay.note == ""  # five graded: flagged like any item (nobody earned all 3 points)
    assert essay.flags == ("nearly everyone misses",)
    fewer = {who: g for who, g in grades.items() if who != "t6"}
    essay = next(s for s in item_statistics(QUESTIONS, fewer, choices, KEYS) if s.question.id == "essay")
    assert essay.flags == () and "4 graded answer(s), at least 5 needed; 2 waiting for a grader" in essay.note


def test_no_flags_with_fewer_graded_answers_than_the_minimum() -> None:
    grades = {f"t{n}": {"easy": ItemGrade(0, 1)} for n in range(MIN_GRADED - 1)}
    (easy,) = item_statistics([EASY], grades, {}, KEYS)
    assert easy.percent_correct == 0 and easy.flags == ()
    assert easy.note == f"not flagged: {MIN_GRADED - 1} graded answer(s), at least {MIN_GRADED} needed"
    grades["last"] = {"easy": ItemGrade(0, 1)}
    (easy,) = item_statistics([EASY], grades, {}, KEYS)
    assert easy.flags == ("nearly everyone misses",) and easy.note == ""


def test_section_mastery_weights_points_and_skips_ungraded_items() -> None:
    grades, choices = _class()
    mastery = section_mastery(item_statistics(QUESTIONS, grades, choices, KEYS), SECTIONS)
    # II: rest (4 points, mean 16/28) and essay (3 points, mean 2/3 over the five graded).
    assert mastery["II"] == pytest.approx(100 * (4 * 16 / 28 + 3 * 2 / 3) / 7)
    assert not math.isnan(mastery["I"])


def test_answer_keys_and_submitted_choices_are_read_as_data_from_the_bank() -> None:
    paths = GradingPaths.under(fx.REPO)
    questions = release_questions(paths)
    keys = answer_keys(paths, questions)
    solutions = fx.solution_answers()
    choice_ids = [q.id for q in questions if q.kind in ("single", "truefalse", "multi")]
    assert choice_ids and set(keys) == set(choice_ids)
    for qid in choice_ids:
        expected = solutions[qid]
        assert keys[qid] == frozenset([expected] if isinstance(expected, str) else expected)
    assert cell_answer("one_customer = None\n### BEGIN SOLUTION\none_customer = 'B'\n### END SOLUTION", "one_customer") == "B"
    assert cell_answer("one_customer = __import__('os').system('x')", "one_customer") is None
