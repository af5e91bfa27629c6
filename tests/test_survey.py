"""The self-assessment and feedback as data: the items, the pre/post pairing and the class comparison."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from adaptive_policing.analysis.survey import (
    class_summary, compare_classes, feedback_entries, item_changes, mean_rating, trainee_pairs,
)
from adaptive_policing.content.survey import (
    FEEDBACK_PROMPT, SurveyError, SurveyItem, load_survey, parse_survey, prompt_id, split_prompt_id,
)
from adaptive_policing.data.records import SavedAnswer, Trainee

NOW = datetime(2026, 5, 1, tzinfo=timezone.utc)
ITEMS = (SurveyItem("calm", "confidence", "I can calm an angry caller."),
         SurveyItem("complaints", "attitude", "Complaints help the department."))


def _trainee(trainee_id: int, name: str) -> Trainee:
    return Trainee(trainee_id, 1, name, f"B{trainee_id}", f"token-{trainee_id}", NOW)


def _latest(rows: list[tuple[Trainee, str, object]]) -> dict[str, list]:
    latest: dict[str, list] = {}
    for n, (trainee, prompt, value) in enumerate(rows):
        latest.setdefault(prompt, []).append((trainee, SavedAnswer(n, trainee.id, prompt, value, NOW)))
    return latest


ANA, BEN, CY = _trainee(1, "Ana"), _trainee(2, "Ben"), _trainee(3, "Cy")


def test_the_course_survey_has_six_to_ten_items_and_every_feedback_question() -> None:
    survey = load_survey()
    assert 6 <= len(survey.items) <= 10
    assert {item.kind for item in survey.items} == {"confidence", "attitude"}
    assert set(survey.feedback) == {"helped", "change", "instructor", "materials"}


def test_a_survey_without_enough_items_or_a_feedback_question_is_refused() -> None:
    five = [{"id": f"i{n}", "kind": "attitude", "statement": "S."} for n in range(5)]
    feedback = {"helped": "a", "change": "b", "instructor": "c", "materials": "d"}
    with pytest.raises(SurveyError):
        parse_survey({"items": five, "feedback": feedback})
    with pytest.raises(SurveyError, match="materials"):
        parse_survey({"items": five + [{"id": "i9", "kind": "attitude", "statement": "S."}],
                      "feedback": {**feedback, "materials": ""}})


def test_prompt_ids_name_the_phase_and_the_item() -> None:
    assert prompt_id("pre", "calm") == "pre:calm"
    assert split_prompt_id("post:calm") == ("post", "calm")
    assert split_prompt_id("case:calm") is None and split_prompt_id("s01-about-you") is None
    with pytest.raises(ValueError):
        prompt_id("during", "calm")


def test_pairs_put_each_trainees_ratings_before_and_after_side_by_side() -> None:
    latest = _latest([(ANA, "pre:calm", 2), (BEN, "pre:calm", 3), (ANA, "post:calm", 4),
                      (ANA, "pre:complaints", 1), (BEN, "post:complaints", 5), (CY, "pre:calm", "4 – Agree"),
                      (ANA, "pre:removed-item", 3), (ANA, "s01-about-you", 2)])
    pairs = trainee_pairs(latest, ITEMS)
    assert [(p.name, p.ratings) for p in pairs] == [
        ("Ana", {"calm": (2, 4), "complaints": (1, None)}),
        ("Ben", {"calm": (3, None), "complaints": (None, 5)}),
    ]


def test_the_class_change_counts_only_trainees_who_rated_an_item_both_times() -> None:
    latest = _latest([(ANA, "pre:calm", 2), (ANA, "post:calm", 4), (BEN, "pre:calm", 3), (BEN, "post:calm", 4),
                      (CY, "pre:calm", 1), (CY, "pre:complaints", 2)])
    calm, complaints = item_changes(trainee_pairs(latest, ITEMS), ITEMS)
    assert (calm.paired, calm.before, calm.after, calm.change) == (2, 2.5, 4.0, 1.5)
    assert (complaints.paired, complaints.before, complaints.change) == (0, None, None)


def test_feedback_keeps_texts_and_valid_ratings_only() -> None:
    latest = _latest([(ANA, FEEDBACK_PROMPT, {"helped": " Role plays ", "change": "", "instructor": 5,
                                              "materials": 7}),
                      (BEN, FEEDBACK_PROMPT, {"helped": "x", "change": "More time", "instructor": 3,
                                              "materials": 4}),
                      (CY, FEEDBACK_PROMPT, "not a form")])
    entries = feedback_entries(latest)
    assert [(e.trainee_id, e.helped, e.change, e.instructor, e.materials) for e in entries] == [
        (1, "Role plays", "", 5, None), (2, "x", "More time", 3, 4)]
    assert mean_rating(entries, "instructor") == 4.0
    assert mean_rating(entries, "materials") == 4.0


def test_classes_are_summarised_and_compared_in_time_order() -> None:
    first = class_summary("AAA111", date(2026, 5, 2), _latest([
        (ANA, "pre:calm", 2), (ANA, "post:calm", 5), (ANA, "pre:complaints", 2), (ANA, "post:complaints", 3),
        (ANA, FEEDBACK_PROMPT, {"instructor": 4, "materials": 2})]), ITEMS)
    second = class_summary("BBB222", date(2026, 4, 1), _latest([(BEN, "pre:calm", 3)]), ITEMS)
    assert (first.paired_trainees, first.changes, first.mean_change) == (1, {"calm": 3.0, "complaints": 1.0}, 2.0)
    assert (first.feedback_count, first.instructor, first.materials) == (1, 4.0, 2.0)
    assert (second.paired_trainees, second.mean_change, second.instructor) == (0, None, None)
    assert [s.code for s in compare_classes([first, second])] == ["BBB222", "AAA111"]
