"""The classroom widgets, headless: build, set ``.value``, press the button, check the store."""

from __future__ import annotations

import pytest

from adaptive_policing.widgets import viewer
from adaptive_policing.content.limits import MAX_TEXT_CHARS
from adaptive_policing.data.store import SheetOwner
from adaptive_policing.widgets.page import SignInForm
from adaptive_policing.content.prompts import SCALE_LABELS
from adaptive_policing.widgets.prompt import DiscussionPrompt
from adaptive_policing.widgets.worksheet import Worksheet


pytestmark = pytest.mark.usefixtures("isolated_session")


def test_text_prompt_saves_a_revision_each_time(store, trainee) -> None:  # type: ignore[no-untyped-def]
    widget = DiscussionPrompt("s01-about-you", "Who are you?", store=store, trainee=trainee)
    widget.value = "Officer, 6 years, patrol"
    assert widget.status.text == "Not saved yet: press Save answer."
    widget.save_button.click()
    assert widget.status.kind == "saved" and widget.status.text.startswith("Saved at")
    widget.value = "Officer, 6 years, now at the front desk"
    widget.save_button.click()
    history = store.answer_history(trainee, "s01-about-you")
    assert [a.value for a in history] == ["Officer, 6 years, patrol", "Officer, 6 years, now at the front desk"]


def test_a_reopened_prompt_shows_the_saved_answer(store, trainee) -> None:  # type: ignore[no-untyped-def]
    first = DiscussionPrompt("s01-about-you", "Who are you?", store=store, trainee=trainee)
    first.value = "Records clerk, 2 years"
    first.save()
    reopened = DiscussionPrompt("s01-about-you", "Who are you?", store=store, trainee=trainee)
    assert reopened.text.value == "Records clerk, 2 years"
    assert "is shown" in reopened.status.text


@pytest.mark.parametrize(
    ("kind", "options", "answer"),
    [
        ("choice", ["Yes", "No"], "No"),
        ("multi", ["A", "B", "C"], ["A", "C"]),
        ("scale", [], SCALE_LABELS[3]),
    ],
)
def test_choice_prompts_store_exactly_what_was_chosen(store, trainee, kind, options, answer) -> None:  # type: ignore[no-untyped-def]
    widget = DiscussionPrompt("p", "Question?", kind, options, store=store, trainee=trainee)
    widget.value = answer
    assert widget.save()
    assert store.latest_answer(trainee, "p").value == answer
    again = DiscussionPrompt("p", "Question?", kind, options, store=store, trainee=trainee)
    assert again.value == answer


def test_an_unanswered_choice_is_not_saved(store, trainee) -> None:  # type: ignore[no-untyped-def]
    widget = DiscussionPrompt("p", "Question?", "choice", ["Yes", "No"], store=store, trainee=trainee)
    assert not widget.save()
    assert widget.status.text == "Please choose an answer first."
    assert store.latest_answer(trainee, "p") is None


def test_an_oversized_answer_is_refused_and_kept_in_the_box(store, trainee) -> None:  # type: ignore[no-untyped-def]
    widget = DiscussionPrompt("p", "Question?", store=store, trainee=trainee)
    too_long = "é" * (MAX_TEXT_CHARS + 5)
    widget.value = too_long
    widget.save_button.click()
    assert widget.status.kind == "error"
    assert "10,005 characters" in widget.status.text and "still in the box" in widget.status.text
    assert 'role="alert"' in widget.status.value
    assert widget.text.value == too_long
    assert store.latest_answer(trainee, "p") is None


def test_in_preview_nothing_is_saved(store) -> None:  # type: ignore[no-untyped-def]
    widget = DiscussionPrompt("p", "Question?", store=store)
    assert widget.save_button.disabled
    widget.value = "hello"
    assert not widget.save()
    assert "not signed in" in widget.status.text
    assert store.answer_count() == 0


def test_the_question_and_status_are_escaped(store, trainee) -> None:  # type: ignore[no-untyped-def]
    widget = DiscussionPrompt("p", "<img src=x onerror=alert(1)>", store=store, trainee=trainee)
    question_html = widget.children[0].value
    assert "<img" not in question_html and "&lt;img" in question_html


def test_the_page_token_identifies_the_trainee(store, trainee, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("adaptive_policing.widgets.viewer.page_store", lambda: store)
    monkeypatch.setenv("QUERY_STRING", f"t={trainee.token}&other=1")
    assert viewer.current_trainee() == trainee
    assert viewer.page_link("course/02-what-is-the-problem.ipynb").endswith(f"?t={trainee.token}")
    assert "4821" not in viewer.page_link("course/x.ipynb")
    monkeypatch.setenv("QUERY_STRING", "t=not-a-real-token")
    assert viewer.current_trainee() is None


def test_sign_in_form_explains_a_wrong_class_code(store, classroom) -> None:  # type: ignore[no-untyped-def]
    form = SignInForm(store=store)
    form.name.value, form.badge.value, form.class_code.value = "Dana Ortiz", "4821", "WRONG1"
    form.button.click()
    assert form.status.kind == "error"
    assert "class code was not found" in form.status.text
    assert (form.name.value, form.badge.value) == ("Dana Ortiz", "4821")  # nothing typed is lost
    assert store.trainees_in(classroom.id) == []


def test_worksheet_for_one_trainee_round_trips(store, trainee) -> None:  # type: ignore[no-untyped-def]
    sheet = Worksheet("ws", "My sheet", {"Goal": "hint", "Plan": ""}, store=store, trainee=trainee)
    sheet.value = {"Goal": "Listen first", "Plan": "Ask questions"}
    assert sheet.save() == "saved"
    again = Worksheet("ws", "My sheet", ["Goal", "Plan"], store=store, trainee=trainee)
    assert again.value == {"Goal": "Listen first", "Plan": "Ask questions"}
    assert store.latest_worksheet("ws", SheetOwner("trainee", trainee.id)).seq == 1


def test_group_worksheet_shows_both_versions_when_members_clash(store, classroom, trainee) -> None:  # type: ignore[no-untyped-def]
    other = store.sign_in(classroom.code, "Sam <b>Lee</b>", "5000")
    mine = Worksheet("a2", "Group sheet", ["Goals", "Best practices"], group=True, store=store, trainee=trainee)
    assert mine.save_button.disabled and "Join group" in mine.status.text
    assert mine.join("Table 3")
    theirs = Worksheet("a2", "Group sheet", ["Goals", "Best practices"], group=True, store=store, trainee=other)
    assert theirs.join("table 3")
    # Both start from the same blank sheet; Sam saves first.
    theirs.value = {"Goals": "<script>alert(1)</script>", "Best practices": ""}
    assert theirs.save() == "saved"
    mine.value = {"Goals": "Serve everyone", "Best practices": ""}
    assert mine.save() == "conflict"
    assert mine.value["Goals"] == "Serve everyone"  # my text stays in the box
    assert "while you were editing" in mine.status.text
    assert "&lt;script&gt;" in mine.their_version.value and "<script>" not in mine.their_version.value
    assert "Sam &lt;b&gt;Lee&lt;/b&gt;" in mine.their_version.value
    order = list(mine.children)
    assert order.index(mine.their_version) < order.index(mine.status)  # the comparison is above the message
    assert "above" in mine.status.text and "below" not in mine.status.text
    for button in (mine.save_button, mine.refresh_button):  # labelled in full, not cut to a fixed width
        assert button.layout.width == "auto"
    assert mine.save() == "saved"  # saving again, having seen theirs, settles it
    fresh = Worksheet("a2", "Group sheet", ["Goals", "Best practices"], group=True, store=store, trainee=other)
    assert fresh.value["Goals"] == "Serve everyone"


def test_group_members_editing_different_fields_are_merged(store, classroom, trainee) -> None:  # type: ignore[no-untyped-def]
    other = store.sign_in(classroom.code, "Sam Lee", "5000")
    mine = Worksheet("a2", "Group sheet", ["Goals", "Best practices"], group=True, store=store, trainee=trainee)
    mine.join("Table 3")
    theirs = Worksheet("a2", "Group sheet", ["Goals", "Best practices"], group=True, store=store, trainee=other)
    theirs.join("Table 3")
    theirs.value = {"Goals": "", "Best practices": "Follow up"}
    theirs.save()
    mine.value = {"Goals": "Serve", "Best practices": ""}
    assert mine.save() == "merged"
    assert mine.value == {"Goals": "Serve", "Best practices": "Follow up"}
