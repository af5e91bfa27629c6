"""Drafts: text kept while the trainee types, as revisions marked draft, and a status line that tells the truth."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa

from adaptive_policing.content.limits import MAX_TEXT_CHARS
from adaptive_policing.data.schema import responses
from adaptive_policing.data.store import ResponseStore, SheetOwner, Trainee, TrainingClass
from adaptive_policing.views.export import class_record
from adaptive_policing.widgets.assessment import AssessmentApp
from adaptive_policing.widgets.common import field_key, text_hash
from adaptive_policing.widgets import drafts
from adaptive_policing.widgets.drafts import CLICK_SETTLE_SECONDS, DraftTimer
from adaptive_policing.widgets.prompt import DiscussionPrompt
from adaptive_policing.widgets.role_play import RolePlayKit
from adaptive_policing.widgets.worksheet import Worksheet

from .conftest import run_coroutine

pytestmark = pytest.mark.usefixtures("isolated_session")

PROMPT = "s01-about-you"


def _prompt(store: ResponseStore, trainee: Trainee) -> DiscussionPrompt:
    return DiscussionPrompt(PROMPT, "Who are you?", store=store, trainee=trainee)


# --- the store ----------------------------------------------------------------------------------


def test_a_draft_is_a_revision_that_never_counts_as_the_answer(
    store: ResponseStore, classroom: TrainingClass, trainee: Trainee
) -> None:
    store.save_answer(trainee, PROMPT, "saved")
    draft = store.save_answer(trainee, PROMPT, "still typing", draft=True)
    assert draft.draft
    assert store.latest_answer(trainee, PROMPT).value == "saved"
    assert store.latest_entry(trainee, PROMPT) == draft
    assert [a.value for _t, a in store.class_answers(classroom.id, PROMPT)] == ["saved"]
    assert [a.value for _t, a in store.iter_answers(classroom.id)] == ["saved"]
    assert [a.draft for _t, a in store.iter_answers(classroom.id, drafts=True)] == [False, True]
    assert [a.value for a in store.answer_history(trainee, PROMPT, drafts=True)] == ["saved", "still typing"]


def test_a_draft_alone_is_not_an_answered_prompt_nor_in_the_export(
    store: ResponseStore, classroom: TrainingClass, trainee: Trainee
) -> None:
    store.save_answer(trainee, PROMPT, "only a draft", draft=True)
    assert store.prompts_answered(classroom.id) == []
    assert store.class_answers(classroom.id, PROMPT) == []
    assert "only a draft" not in str(class_record(store, classroom))


def test_drafts_keep_the_append_only_rule(store: ResponseStore, trainee: Trainee) -> None:
    store.save_answer(trainee, PROMPT, "draft", draft=True)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with store.engine.begin() as db:
            db.execute(responses.update().values(draft=False))


# --- the widget ---------------------------------------------------------------------------------


def test_typing_keeps_a_draft_and_says_so_without_claiming_a_save(store: ResponseStore, trainee: Trainee) -> None:
    widget = _prompt(store, trainee)
    widget.text.value = "half an answer"
    assert widget.status.text == "Not saved yet: press Save answer." and widget.drafts.pending
    widget.drafts.flush()  # what the kernel's timer does a second after the last keystroke
    assert widget.status.kind == "draft" and widget.status.text.startswith("Draft kept ")
    assert "not saved yet" in widget.status.text and "Saved" not in widget.status.text
    assert store.latest_answer(trainee, PROMPT) is None
    assert store.latest_entry(trainee, PROMPT).value == "half an answer"
    widget.drafts.flush()  # nothing new typed: no second draft
    assert len(store.answer_history(trainee, PROMPT, drafts=True)) == 1


def test_pressing_the_hidden_flush_button_keeps_the_draft_at_once(store: ResponseStore, trainee: Trainee) -> None:
    widget = _prompt(store, trainee)
    widget.text.value = "closing the page now"
    flush = [child for child in widget.children if "ap-flush" in child._dom_classes]
    assert len(flush) == 1
    flush[0].click()
    assert store.latest_entry(trainee, PROMPT).value == "closing the page now"


def test_a_reopened_page_shows_the_newer_of_draft_and_saved_answer(store: ResponseStore, trainee: Trainee) -> None:
    first = _prompt(store, trainee)
    first.text.value = "saved answer"
    assert first.save()
    first.text.value = "a newer draft"
    first.drafts.flush()
    reopened = _prompt(store, trainee)
    assert reopened.text.value == "a newer draft" and reopened.status.kind == "draft"
    reopened.text.value = "saved again"
    assert reopened.save()
    again = _prompt(store, trainee)
    assert again.text.value == "saved again" and again.status.text.endswith("is shown.")


def test_saving_cancels_the_pending_draft_and_text_back_to_the_saved_one_keeps_no_draft(
    store: ResponseStore, trainee: Trainee
) -> None:
    widget = _prompt(store, trainee)
    widget.text.value = "final"
    assert widget.save() and not widget.drafts.pending
    widget.text.value = "final!"
    widget.text.value = "final"
    widget.drafts.flush()
    assert [a.draft for a in store.answer_history(trainee, PROMPT, drafts=True)] == [False]


def test_a_draft_over_the_limit_says_not_saved_beside_the_box(store: ResponseStore, trainee: Trainee) -> None:
    widget = _prompt(store, trainee)
    widget.text.value = "x" * (MAX_TEXT_CHARS + 1)
    widget.drafts.flush()
    assert widget.status.kind == "error" and widget.status.text.startswith("Not saved: ")
    assert widget.children.index(widget.status) == len(widget.children) - 1  # right under its own box
    assert store.latest_entry(trainee, PROMPT) is None


def test_no_draft_while_the_prompt_is_closed(store: ResponseStore, classroom: TrainingClass, trainee: Trainee) -> None:
    store.set_prompt_open(classroom.id, PROMPT, False)
    widget = _prompt(store, trainee)
    widget.text.value = "typed after closing"
    widget.drafts.flush()
    assert store.latest_entry(trainee, PROMPT) is None


def test_the_saved_status_names_the_exact_text_the_server_stored(store: ResponseStore, trainee: Trainee) -> None:
    widget = _prompt(store, trainee)
    key = field_key(trainee, PROMPT, "answer")
    assert f"ap-keep-{key}" in widget.text._dom_classes and f"ap-max-{MAX_TEXT_CHARS}" in widget.text._dom_classes
    widget.text.value = "exactly this ☕"
    assert widget.save()
    assert f'data-confirmed="{key}:{text_hash("exactly this ☕")}"' in widget.status.value
    assert trainee.badge not in key and trainee.token not in key


def test_a_preview_keeps_nothing_on_the_device(store: ResponseStore) -> None:
    widget = DiscussionPrompt(PROMPT, "Who are you?", store=store, trainee=None)
    assert not any(name.startswith("ap-keep-") for name in widget.text._dom_classes)


def test_both_role_play_text_boxes_are_kept(store: ResponseStore, trainee: Trainee) -> None:
    kit = RolePlayKit("phone-towed-car", store=store, trainee=trainee)
    kit.notes.value = "notes so far"
    kit.drafts.flush()
    assert store.latest_entry(trainee, kit.prompt_id).value["notes"] == "notes so far"
    assert all(any(c.startswith("ap-keep-") for c in box._dom_classes) for box in (kit.partners, kit.notes))


def test_a_refused_save_keeps_saying_why_when_the_draft_timer_fires_after_it(
        store: ResponseStore, trainee: Trainee) -> None:
    kit = RolePlayKit("phone-towed-car", store=store, trainee=trainee)
    kit.role.value = "customer"
    kit.partners.value = "Kim Nguyen"
    kit.before.value = 2
    kit.save_button.click()  # no rating after the role play yet
    refused = kit.status.text
    assert kit.status.kind == "error" and "both ratings" in refused
    kit.drafts.flush()  # the timer of the last keystroke fires after the click, as on a busy machine
    assert store.latest_entry(trainee, kit.prompt_id).value["partners"] == "Kim Nguyen"  # the draft is kept
    assert (kit.status.kind, kit.status.text) == ("error", refused)
    kit.after.value = 7
    kit.notes.value = "better"
    kit.drafts.flush()  # the problem is gone: the status says a draft is kept
    assert kit.status.kind == "draft"


# --- the fingerprint and the timer --------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [("", "811c9dc5"), ("a", "e40c292c"), ("foobar", "bf9cf968")])
def test_the_fingerprint_is_fnv_1a(text: str, expected: str) -> None:
    assert text_hash(text) == expected


def test_the_fingerprint_runs_over_utf16_code_units_like_javascript() -> None:
    # "☕" is one code unit, "😀" two (a surrogate pair): the same text must never hash like another.
    assert text_hash("😀") != text_hash("\ud83d") and len({text_hash("☕"), text_hash("😀"), text_hash("")}) == 3


def test_the_timer_keeps_one_draft_after_the_last_of_several_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drafts, "kernel_loop", asyncio.get_running_loop)  # as in a kernel: its loop runs
    kept: list[int] = []

    async def type_three_keys() -> None:
        done = asyncio.Event()
        timer = DraftTimer(lambda: (kept.append(1), done.set()), delay=0.01)
        for _ in range(3):
            timer.touch()
        await asyncio.wait_for(done.wait(), timeout=10)

    # On a thread of its own: a browser test's Playwright may hold this thread's event loop.
    run_coroutine(type_three_keys())
    assert kept == [1]


def test_outside_a_kernel_nothing_is_scheduled_and_flush_keeps_it() -> None:
    kept: list[int] = []
    timer = DraftTimer(lambda: kept.append(1))
    timer.touch()
    assert kept == [] and timer.pending
    timer.flush()
    assert kept == [1] and not timer.pending


# --- worksheets ---------------------------------------------------------------------------------


def test_a_worksheet_keeps_the_trainees_draft_and_shows_it_when_newer(
    store: ResponseStore, trainee: Trainee
) -> None:
    sheet = Worksheet("rla1-practice", "Practice", ["Situation", "Response"], store=store, trainee=trainee)
    sheet.boxes["Situation"].value = "saved situation"
    assert sheet.save() == "saved"
    sheet.boxes["Response"].value = "typing a response"
    assert sheet.status.text == "Not saved yet: press Save worksheet."
    sheet.drafts.flush()
    assert sheet.status.kind == "draft" and sheet.status.text.startswith("Draft kept ")
    assert store.latest_worksheet("rla1-practice", SheetOwner("trainee", trainee.id)).fields["Response"] == ""
    reopened = Worksheet("rla1-practice", "Practice", ["Situation", "Response"], store=store, trainee=trainee)
    assert reopened.value == {"Situation": "saved situation", "Response": "typing a response"}
    assert reopened.status.kind == "draft"
    assert reopened.save() == "saved"
    again = Worksheet("rla1-practice", "Practice", ["Situation", "Response"], store=store, trainee=trainee)
    assert again.status.kind == "saved" and again.value["Response"] == "typing a response"
    key = field_key(trainee, "worksheet-draft:rla1-practice", "Response")
    assert f"{key}:{text_hash('typing a response')}" in again.status.value


# --- the assessment's written answers -----------------------------------------------------------

RELEASE = Path(__file__).resolve().parent.parent / "exercises/assessment/adaptive-policing-assessment/assessment.ipynb"


def test_a_written_assessment_answer_is_saved_once_typing_pauses_not_per_keystroke(
    store: ResponseStore, trainee: Trainee
) -> None:
    app = AssessmentApp(store=store, trainee=trainee, release_path=RELEASE)
    box = app.controls["free_complaint_process"].text
    for typed in ("L", "Li", "Listen"):
        box.value = typed
    assert app.status.text.startswith("Not saved yet") and store.latest_answer(trainee, app.store_key) is None
    app.flush_typing()
    assert [a.value["answers"]["free_complaint_process"] for a in store.answer_history(trainee, app.store_key)] == [
        "Listen"]
    key = field_key(trainee, app.store_key, "free_complaint_process")
    assert f"ap-keep-{key}" in box._dom_classes
    assert f"{key}:{text_hash('Listen')}" in app.status.value


def test_a_too_long_written_answer_is_refused_while_its_question_is_on_screen(
    store: ResponseStore, trainee: Trainee
) -> None:
    app = AssessmentApp(store=store, trainee=trainee, release_path=RELEASE)
    qid = "free_complaint_process"
    app.go_to([q.id for q in app.questions].index(qid))
    app.controls[qid].text.value = "x" * 12_000
    app.flush_typing()  # the pause after typing, before the trainee moves on
    assert app.holder.children == (app.controls[qid],)  # still on that question
    assert app.status.kind == "error" and app.status.text.startswith("Not saved: ")
    assert "12,000 characters" in app.status.text
    assert f"ap-max-{MAX_TEXT_CHARS}" in app.controls[qid].text._dom_classes  # the page counts characters left


def test_a_save_click_waits_for_the_keystrokes_the_browser_held_back(
    store: ResponseStore, trainee: Trainee, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(drafts, "kernel_loop", asyncio.get_running_loop)  # as in a kernel: its loop runs
    widget = _prompt(store, trainee)

    async def type_then_click_then_last_keys() -> None:
        widget.text.value = "Dispatcher, typed with"
        widget.save_button.click()
        widget.text.value = "Dispatcher, typed without a mouse"  # sent once the click was handled
        await asyncio.sleep(CLICK_SETTLE_SECONDS + 0.5)

    run_coroutine(type_then_click_then_last_keys())
    assert [a.value for a in store.answer_history(trainee, PROMPT)] == ["Dispatcher, typed without a mouse"]
    assert widget.status.kind == "saved"


def test_a_change_long_after_the_save_waits_for_the_next_save(store: ResponseStore, trainee: Trainee) -> None:
    widget = _prompt(store, trainee)
    widget.text.value = "first thoughts"
    assert widget.save()
    widget.text.value = "first thoughts, then more"
    assert store.latest_answer(trainee, PROMPT).value == "first thoughts"
    assert "Not saved yet" in widget.status.value
