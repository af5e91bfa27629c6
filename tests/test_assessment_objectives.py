"""What the assessment measures: the objectives map, application items, answer lengths and partial credit."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

import nbformat
import pytest

from adaptive_policing.content.objectives import OBJECTIVES, coverage_problems, guide_section
from adaptive_policing.content.questions import ASSIGNMENT, ASSIGNMENTS, WINDOW_ASSIGNMENT, load_questions
from adaptive_policing.grading.course import GradingPaths

from .conftest import REPO
from .fixtures.assessment import submissions as fx

PATHS = GradingPaths.under(REPO)
SENTENCE_END = re.compile(r"""[.?!]["']?(?=\s|$)""")
MAX_KEYED_LONGEST = 0.35
MIN_SCENARIO_SHARE = 0.60


@pytest.fixture(scope="module")
def banks():
    return {a: load_questions(PATHS.for_assignment(a).release_notebook()) for a in ASSIGNMENTS}


# --- the objectives map ------------------------------------------------------------------------


def test_every_item_maps_to_an_objective_and_every_core_objective_has_an_item(banks) -> None:
    assert coverage_problems(banks) == []
    assert all(o.condition and o.behaviour and o.standard for o in OBJECTIVES)
    assert len({o.code for o in OBJECTIVES}) == len(OBJECTIVES)


def test_an_unmapped_item_or_an_uncovered_objective_is_reported(banks) -> None:
    core = banks[ASSIGNMENT]
    unmapped = [replace(core[0], objective="III.99"), *core[1:]]
    assert coverage_problems({**banks, ASSIGNMENT: unmapped}) == [
        f"{ASSIGNMENT}: question {core[0].id} maps to no known objective ('III.99')",
        "objective I.1 is measured by no question",
    ]
    misplaced = [replace(q, objective="W.1") if q.id == "golden_circle" else q for q in core]
    problems = coverage_problems({**banks, ASSIGNMENT: misplaced})
    assert f"{ASSIGNMENT}: question golden_circle measures W.1, which belongs to {WINDOW_ASSIGNMENT}" in problems
    assert "objective III.1 is measured by no question" in problems


def test_the_facilitator_guide_ends_with_the_objectives_map(banks) -> None:
    guide = (REPO / "solutions" / "facilitator-guide.md").read_text()
    assert guide.endswith(guide_section(banks)), (
        "the facilitator guide's objectives map is out of date: replace its last section with "
        "adaptive_policing.content.objectives.guide_section(...)"
    )
    for o in OBJECTIVES:
        assert f"**{o.code}**" in guide


# --- application items -------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_most_autograded_items_are_short_scenarios(banks, assignment: str) -> None:
    auto = [q for q in banks[assignment] if q.autograded]
    scenarios = [q for q in auto if q.setting]
    assert len(scenarios) / len(auto) >= MIN_SCENARIO_SHARE, (len(scenarios), len(auto))
    assert {q.setting for q in scenarios} == ({"window", "phone", "street"} if assignment == ASSIGNMENT
                                              else {"window", "phone"})
    for q in scenarios:
        sentences = len(SENTENCE_END.findall(q.prompt))
        assert 2 <= sentences <= 4, f"{q.id}: {sentences} sentences"
        assert q.prompt.rstrip().endswith("?") or q.prompt.rstrip().endswith("."), q.id


def _keyed_single_and_multi(banks) -> list[tuple[tuple[str, ...], set[str]]]:
    key = {**fx.solution_answers(ASSIGNMENT), **fx.solution_answers(WINDOW_ASSIGNMENT)}
    found = []
    for bank in banks.values():
        for q in bank:
            if q.kind in ("single", "multi"):
                keyed = {key[q.id]} if q.kind == "single" else set(key[q.id])
                found.append((q.options, keyed))
    return found


def test_the_keyed_option_is_the_longest_in_at_most_35_percent_of_items(banks) -> None:
    items = _keyed_single_and_multi(banks)
    longest = [any(len(k) == max(map(len, options)) for k in keyed) for options, keyed in items]
    assert len(items) >= 20
    assert sum(longest) / len(items) <= MAX_KEYED_LONGEST, f"{sum(longest)} of {len(items)}"


def test_distractors_are_of_similar_length_to_the_key(banks) -> None:
    for options, keyed in _keyed_single_and_multi(banks):
        if len(keyed) != 1:
            continue
        (answer,) = keyed
        others = [len(o) for o in options if o != answer]
        assert max(others) >= 0.75 * len(answer), options  # no short strawmen beside a long key


def test_the_keyed_position_varies(banks) -> None:
    key = {**fx.solution_answers(ASSIGNMENT), **fx.solution_answers(WINDOW_ASSIGNMENT)}
    positions = Counter(q.options.index(key[q.id]) for bank in banks.values() for q in bank if q.kind == "single")
    total = sum(positions.values())
    assert set(positions) == {0, 1, 2, 3}
    assert max(positions.values()) / total <= 0.40, positions


# --- partial credit ------------------------------------------------------------------------------


def _hidden_score(assignment: str, qid: str, answer: object) -> float:
    """Run the question's hidden test (plain Python, as nbgrader does) with ``answer`` and return its score."""
    source = nbformat.read(PATHS.for_assignment(assignment).source_notebook(), as_version=4)
    test = next(c for c in source.cells if c.metadata.get("nbgrader", {}).get("grade_id") == qid)
    hidden = test.source.split("### BEGIN HIDDEN TESTS\n", 1)[1].split("### END HIDDEN TESTS", 1)[0]
    *body, last = [line for line in hidden.strip().splitlines() if not line.startswith("#")]
    scope: dict[str, object] = {qid: answer}
    exec("\n".join(body), scope)  # noqa: S102 (the project's own hidden test, no trainee input)
    return float(eval(last, scope))  # noqa: S307


@pytest.mark.parametrize(("order", "expected"), [
    ([0, 1, 2, 3], 3.0),   # right: every pair in order
    ([0, 2, 1, 3], 2.5),   # the middle two swapped: 5 of 6 pairs
    ([1, 0, 3, 2], 2.0),   # two swaps: 4 of 6 pairs
    ([3, 2, 1, 0], 0.0),   # reversed: no pair in order
])
def test_an_ordering_earns_a_share_per_pair_in_the_right_order(order: list[int], expected: float) -> None:
    key = fx.solution_answers()["complaint_resolution_order"]
    assert _hidden_score(ASSIGNMENT, "complaint_resolution_order", [key[i] for i in order]) == expected


def test_an_ordering_with_foreign_items_earns_nothing() -> None:
    key = fx.solution_answers()["anatomy_of_a_call_order"]
    assert _hidden_score(ASSIGNMENT, "anatomy_of_a_call_order", key) == 3.0
    assert _hidden_score(ASSIGNMENT, "anatomy_of_a_call_order", [*key[:-1], "Something else"]) == 0.0
    assert _hidden_score(ASSIGNMENT, "anatomy_of_a_call_order", key[:-1]) == 0.0
    assert _hidden_score(ASSIGNMENT, "anatomy_of_a_call_order", [*key[:3], key[4], key[3]]) == 2.7
