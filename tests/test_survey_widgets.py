"""The self-assessment and the feedback form, headless: build, choose, press Save, check the store."""

from __future__ import annotations

import pytest

from adaptive_policing.content.survey import FEEDBACK_PROMPT, load_survey
from adaptive_policing.widgets import viewer
from adaptive_policing.widgets.survey import FeedbackForm, SelfAssessment, survey

pytestmark = pytest.mark.usefixtures("isolated_session")


def test_each_rating_is_saved_under_its_phase_and_item(store, trainee) -> None:  # type: ignore[no-untyped-def]
    widget = SelfAssessment("pre", store=store, trainee=trainee)
    items = load_survey().items
    assert len(widget.choices) == len(items)
    for n, choice in enumerate(widget.choices.values()):
        choice.value = n % 5 + 1
    widget.save_button.click()
    assert widget.status.kind == "saved"
    assert [store.latest_answer(trainee, f"pre:{item.item_id}").value for item in items] == [
        n % 5 + 1 for n in range(len(items))]
    assert store.latest_answer(trainee, f"post:{items[0].item_id}") is None
    again = SelfAssessment("pre", store=store, trainee=trainee)
    assert again.value == widget.value and again.status.text.endswith("are shown.")


def test_ratings_are_not_saved_until_every_statement_is_rated(store, trainee) -> None:  # type: ignore[no-untyped-def]
    widget = SelfAssessment("post", store=store, trainee=trainee)
    next(iter(widget.choices.values())).value = 4
    assert not widget.save()
    assert widget.status.text.startswith("Please rate every statement first")
    assert list(store.iter_answers(trainee.class_id)) == []


def test_on_the_start_page_the_trainee_who_signs_in_after_it_opened_can_save(store, trainee) -> None:  # type: ignore[no-untyped-def]
    widget = SelfAssessment("pre", store=store)
    for choice in widget.choices.values():
        choice.value = 3
    assert not widget.save()
    assert widget.status.text == "Sign in first: your ratings are saved under your name."
    viewer.set_current_trainee(trainee)
    assert widget.save()
    assert len(list(store.iter_answers(trainee.class_id))) == len(widget.choices)


def test_the_feedback_form_saves_one_answer_with_texts_and_ratings(store, trainee) -> None:  # type: ignore[no-untyped-def]
    form = FeedbackForm(store=store, trainee=trainee)
    assert not form.save()
    form.texts["helped"].value = "The role plays"
    form.texts["change"].value = "<b>More</b> time on the window"
    form.ratings["instructor"].value = 5
    form.ratings["materials"].value = 4
    form.save_button.click()
    assert store.latest_answer(trainee, FEEDBACK_PROMPT).value == {
        "helped": "The role plays", "change": "<b>More</b> time on the window", "instructor": 5, "materials": 4}
    assert FeedbackForm(store=store, trainee=trainee).value == form.value


def test_the_notebook_call_picks_the_part() -> None:
    assert isinstance(survey("post"), SelfAssessment)
    assert isinstance(survey("feedback"), FeedbackForm)
    with pytest.raises(ValueError):
        survey("during")


def test_the_start_page_slide_on_the_instructors_server_shows_no_ratings(monkeypatch: pytest.MonkeyPatch) -> None:
    from adaptive_policing import config

    monkeypatch.setenv(config.ROLE_ENV, "instructor")
    assert not isinstance(survey("pre"), SelfAssessment)
    assert isinstance(survey("post"), SelfAssessment)
