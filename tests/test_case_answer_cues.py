"""Case studies are real dilemmas: no length or position cue, trade-offs, and good service that meets bad luck."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from adaptive_policing.content.answer_cues import MAX_LONGEST_KEYED_SHARE, keyed_is_longest, longest_keyed_share
from adaptive_policing.content.scenarios import CaseStudy, Ending, Node, case_study_ids, load_case_study

REPO = Path(__file__).resolve().parent.parent
CASES = [load_case_study(case_id, REPO / "course") for case_id in case_study_ids(REPO / "course")]
DECISIONS = [(case, node) for case in CASES for node in case.decisions]

MIN_TWO_DEFENSIBLE_SHARE = 1 / 3
"""At least this share of decisions offer two defensible choices with different trade-offs."""
MIN_LENGTH_RATIO = 0.35
"""In every decision the shortest choice is at least this share of the longest (no one-liners against essays)."""
WINDOW_MODULE_TERMS = ("L.A.S.T", "3 R", "captain")
"""Taught only in the district-window and telephone module (pages 10 and 11)."""
WINDOW_MODULE_FIRST_PAGE = 10


def options(node: Node) -> list[str]:
    return [choice.text for choice in node.choices]


# --- the helper itself -------------------------------------------------------------------------


def test_keyed_is_longest_counts_ties_and_any_keyed_option() -> None:
    assert keyed_is_longest(["aaa", "bb"], [0])
    assert not keyed_is_longest(["a", "bb"], [0])
    assert keyed_is_longest(["aa", "bb"], [0])  # a tie is still a cue
    assert keyed_is_longest(["a", "bbb", "cc"], [0, 1])
    assert longest_keyed_share([]) == 0.0
    assert longest_keyed_share([(["aaa", "b"], [0]), (["a", "bbb"], [0])]) == 0.5


# --- the course's case studies ----------------------------------------------------------------


def test_every_decision_has_a_keyed_choice() -> None:
    assert DECISIONS
    missing = [f"{case.id}:{node.id}" for case, node in DECISIONS if not node.keyed]
    assert not missing, f"decisions with no keyed choice: {missing}"


def test_the_keyed_choice_is_seldom_the_longest() -> None:
    share = longest_keyed_share((options(node), node.keyed) for _case, node in DECISIONS)
    longest = [f"{case.id}:{node.id}" for case, node in DECISIONS if keyed_is_longest(options(node), node.keyed)]
    assert share <= MAX_LONGEST_KEYED_SHARE, f"keyed choice is the longest in {share:.0%}: {longest}"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_choices_are_of_similar_length(case: CaseStudy) -> None:
    for node in case.decisions:
        lengths = [len(text) for text in options(node)]
        assert min(lengths) >= MIN_LENGTH_RATIO * max(lengths), f"{case.id}:{node.id} lengths {lengths}"


def test_the_keyed_position_varies() -> None:
    positions = Counter(index for _case, node in DECISIONS for index in node.keyed)
    keyed_total = sum(positions.values())
    assert len(positions) >= 3, f"keyed choices sit in only {sorted(positions)}"
    assert max(positions.values()) <= 0.5 * keyed_total, f"keyed positions: {dict(positions)}"


def test_a_third_of_decisions_have_two_defensible_choices() -> None:
    two = [node for _case, node in DECISIONS if len(node.sound) >= 2]
    assert len(two) >= MIN_TWO_DEFENSIBLE_SHARE * len(DECISIONS), f"{len(two)} of {len(DECISIONS)}"
    for node in two:  # the trade-off is debriefed: a defensible choice that is not keyed says what it costs
        for index in node.sound:
            assert node.choices[index].debrief.strip()


def sound_paths_to(case: CaseStudy) -> set[str]:
    """The endings reachable when every choice made is defensible (keyed or with a trade-off)."""
    seen, todo, reached = {case.start}, [case.start], set()
    while todo:
        node = case.nodes[todo.pop()]
        if isinstance(node, Ending):
            reached.add(node.id)
            continue
        for choice in node.choices:
            if choice.sound and choice.next not in seen:
                seen.add(choice.next)
                todo.append(choice.next)
    return reached


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_good_service_can_still_meet_a_bad_outcome(case: CaseStudy) -> None:
    setbacks = {ending.id for ending in case.endings if ending.setback}
    assert setbacks & sound_paths_to(case), f"{case.id}: no setback ending on a path of defensible choices"
    for ending in case.endings:
        if ending.id in setbacks:
            assert ending.outcome != "poor", f"{case.id}:{ending.id}: good service is debriefed as still right"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_the_poor_endings_are_not_a_filed_complaint(case: CaseStudy) -> None:
    for ending in case.endings:
        if ending.outcome == "poor":
            assert not re.search(r"\bfiles? (a|an|the)\b[^.]*complaint", ending.text, re.I), f"{case.id}:{ending.id}"


def pages_of_cases() -> dict[str, int]:
    """The page number each case study is played on (from the ``case_study("id")`` calls)."""
    pages: dict[str, int] = {}
    for path in sorted((REPO / "course").glob("[0-9][0-9]-*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                for case_id in re.findall(r'case_study\("([a-z0-9-]+)"\)', cell.source):
                    pages.setdefault(case_id, int(path.name[:2]))
    return pages


def test_each_new_case_is_on_its_page() -> None:
    pages = pages_of_cases()
    assert pages.get("window-crisis") == 10
    assert pages.get("phone-language-access") == 11


CORE_CASES = [case for case in CASES if pages_of_cases().get(case.id, 0) < WINDOW_MODULE_FIRST_PAGE]
"""Cases played in the core course: on pages before the window module, or in an activity (no page)."""


def test_the_core_course_has_cases() -> None:
    assert {"neighbour-alternative-yes", "traffic-stop-rude-complaint", "burglary-slow-response"} <= {
        case.id for case in CORE_CASES}


@pytest.mark.parametrize("case", CORE_CASES, ids=lambda case: case.id)
def test_core_course_cases_cite_only_what_has_been_taught(case: CaseStudy) -> None:
    page = pages_of_cases().get(case.id, "an activity")
    texts = [end.debrief for end in case.endings] + [end.text for end in case.endings]
    texts += [part for node in case.decisions for c in node.choices for part in (c.text, c.principle, c.debrief)]
    for text in texts:
        for term in WINDOW_MODULE_TERMS:
            assert term not in text, f"{case.id} (page {page}) cites '{term}' before it is taught: {text[:60]}"
