"""The course pages' keyed prompts do not give their answer away, and agree with the facilitator guide.

A keyed prompt records the positions of its keyed options with ``keyed=[...]`` in its
``prompt(...)`` call (read from the page's source, never shown to trainees). The guide marks
the same prompts with **Key:**. Free-text prompts that invite a real incident carry the
privacy line.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from adaptive_policing.content.answer_cues import (
    MAX_LONGEST_KEYED_SHARE,
    keyed_is_longest,
    longest_keyed_share,
)
from adaptive_policing.content.prompts import PromptInfo, prompts_in_source

from .conftest import REPO

GUIDE = REPO / "solutions" / "facilitator-guide.md"
PRIVACY = "leave out names, case numbers and anything that identifies a person or incident"


def course_prompts() -> list[PromptInfo]:
    """Every prompt on the course pages, in page order."""
    import nbformat

    found: list[PromptInfo] = []
    for path in sorted((REPO / "course").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                found.extend(prompts_in_source(cell.source, path.stem))
    return found


PROMPTS = course_prompts()
KEYED_CHOICES = [info for info in PROMPTS if info.keyed and info.kind == "choice"]


def guide_keyed_ids() -> set[str]:
    """The prompt ids the facilitator guide gives a **Key:** for."""
    text = GUIDE.read_text(encoding="utf-8")
    return set(re.findall(r"^- `([a-z0-9-]+)` \([^)]*\)\. \*\*Key:\*\*", text, flags=re.MULTILINE))


def test_keyed_is_longest_counts_ties_and_any_keyed_option() -> None:
    assert keyed_is_longest(["abc", "abcd"], [1])
    assert not keyed_is_longest(["abc", "abcd"], [0])
    assert keyed_is_longest(["abcd", "abcd"], [0])
    assert keyed_is_longest(["a", "bb", "cc"], [0, 2])
    assert longest_keyed_share([]) == 0.0
    assert longest_keyed_share([(["a", "bb"], [1]), (["aa", "b"], [1])]) == 0.5


def test_the_course_has_keyed_choice_prompts_to_check() -> None:
    assert len(KEYED_CHOICES) >= 20


@pytest.mark.parametrize("info", [i for i in PROMPTS if i.keyed], ids=lambda info: info.prompt_id)
def test_keys_point_at_options_of_a_choice_prompt(info: PromptInfo) -> None:
    assert info.kind in ("choice", "multi")
    assert all(0 <= index < len(info.options) for index in info.keyed)
    assert len(set(info.keyed)) == len(info.keyed)
    if info.kind == "choice":
        assert len(info.keyed) == 1, f"{info.prompt_id}: a single choice has one key"
    else:
        assert len(info.keyed) < len(info.options), f"{info.prompt_id}: not every option can be keyed"


def test_the_keyed_option_is_rarely_the_longest() -> None:
    items = [(info.options, info.keyed) for info in KEYED_CHOICES]
    longest = [info.prompt_id for info in KEYED_CHOICES if keyed_is_longest(info.options, info.keyed)]
    share = longest_keyed_share(items)
    assert share <= MAX_LONGEST_KEYED_SHARE, f"keyed option longest in {share:.0%}: {longest}"


def test_the_keyed_position_varies() -> None:
    positions = Counter(info.keyed[0] for info in KEYED_CHOICES)
    assert len(positions) >= 3, positions
    assert max(positions.values()) <= len(KEYED_CHOICES) / 2, positions
    assert positions[0] and positions[max(len(info.options) for info in KEYED_CHOICES) - 1], positions


@pytest.mark.parametrize("info", KEYED_CHOICES, ids=lambda info: info.prompt_id)
def test_options_are_of_similar_length(info: PromptInfo) -> None:
    """No option stands out by length: the longest is at most twice the shortest (short labels excepted)."""
    lengths = [len(option) for option in info.options]
    assert max(lengths) <= max(2 * min(lengths), 24), f"{info.prompt_id}: option lengths {lengths}"


def test_the_guide_keys_exactly_the_keyed_prompts() -> None:
    in_pages = {info.prompt_id for info in PROMPTS if info.keyed}
    in_guide = guide_keyed_ids() & {info.prompt_id for info in PROMPTS}
    assert in_pages == in_guide, (
        f"keyed on the pages but not in the guide: {sorted(in_pages - in_guide)}; "
        f"keyed in the guide but not on the pages: {sorted(in_guide - in_pages)}"
    )


INCIDENT = re.compile(r"\ba time\b|\ba call where\b|\bfalling short\b|\ba coworker\b|\byou remember\b", re.IGNORECASE)


def test_free_text_prompts_about_real_incidents_carry_the_privacy_line() -> None:
    inviting = [info for info in PROMPTS if info.kind == "text" and INCIDENT.search(info.question)]
    assert len(inviting) >= 5
    missing = [info.prompt_id for info in inviting if PRIVACY not in info.question.lower()]
    # A customer's own shopping trip is not a police incident.
    assert missing == ["s03-customer-experience"], missing


@pytest.mark.usefixtures("isolated_session")
def test_a_page_prompt_accepts_its_key_and_preselects_nothing() -> None:
    from adaptive_policing.widgets.prompt import prompt

    widget = prompt("p-keyed", "Which one?", kind="choice", options=["first", "second"], keyed=[1])
    assert widget.options == ("first", "second")
    assert widget.choice.value is None
