"""One trainee, one person: a second device needs the trainee's PIN or the instructor's approval.

Headless: the door's rules (:mod:`adaptive_policing.data.sign_in`), the start page's form
and the console's Sign-ins tab. Time is moved on by a fake clock, never waited for.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone
from typing import Iterator

import pytest
from markupsafe import escape

from adaptive_policing.data.sign_in import Limits, SignInDesk, decide, revoke, set_class_open
from adaptive_policing.data.store import ResponseStore, TrainingClass
from adaptive_policing.widgets import viewer
from adaptive_policing.widgets.console.sign_ins import SignInsPanel
from adaptive_policing.widgets.page import SignInForm

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"


class Clock:
    """A clock the test moves on by hand."""

    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def desk(store: ResponseStore, clock: Clock, client: str = "10.0.0.2", **limits: float) -> SignInDesk:
    return SignInDesk(store, client=client, clock=clock, limits=Limits(**limits))  # type: ignore[arg-type]


@pytest.fixture
def alice(store: ResponseStore, classroom: TrainingClass, clock: Clock):  # type: ignore[no-untyped-def]
    """Alice signed in first on her own browser, with PIN 2580, and saved an answer."""
    outcome = desk(store, clock, "10.0.0.1").sign_in(classroom.code, "Alice Original", "90210", pin="2580")
    assert outcome.signed_in and outcome.trainee is not None
    store.save_answer(outcome.trainee, "s01-about-you", "Alice's own answer")
    return outcome.trainee


def test_a_colleague_with_the_badge_and_code_does_not_get_the_account(store, classroom, clock, alice) -> None:  # type: ignore[no-untyped-def]
    outcome = desk(store, clock).sign_in(classroom.code.lower(), "Someone Else", "90210")
    assert outcome.status == "needs_pin_or_approval" and outcome.trainee is None
    assert "PIN" in outcome.message and "instructor" in outcome.message
    # the old behaviour handed over Alice's account and her answers; now nothing of hers is reachable
    assert [t.id for t in store.trainees_in(classroom.id)] == [alice.id]


def test_the_same_browser_signs_straight_back_in(store, classroom, clock, alice) -> None:  # type: ignore[no-untyped-def]
    again = desk(store, clock, "10.0.0.1").sign_in(classroom.code, "Alice Original", "90210",
                                                     browser_tokens=[alice.token])
    assert again.signed_in and again.trainee == alice


def test_the_pin_lets_the_trainee_in_on_a_second_device(store, classroom, clock, alice) -> None:  # type: ignore[no-untyped-def]
    outcome = desk(store, clock).sign_in(classroom.code, "Alice Original", "90210", pin="2580")
    assert outcome.signed_in and outcome.trainee is not None
    assert outcome.trainee.id == alice.id and outcome.trainee.token != alice.token
    assert store.trainee_by_token(outcome.trainee.token).id == alice.id  # type: ignore[union-attr]
    assert store.trainee_by_token(alice.token) == alice  # the first device still works
    assert store.latest_answer(outcome.trainee, "s01-about-you").value == "Alice's own answer"


def test_five_wrong_pins_leave_only_the_instructors_approval(store, classroom, clock, alice) -> None:  # type: ignore[no-untyped-def]
    door = desk(store, clock)
    for tries_left in (4, 3, 2, 1):
        wrong = door.sign_in(classroom.code, "Someone Else", "90210", pin="1111")
        assert wrong.status == "needs_pin_or_approval" and f"{tries_left} tries left" in wrong.message
    last = door.sign_in(classroom.code, "Someone Else", "90210", pin="1112")
    assert last.status == "needs_approval" and "last try" in last.message
    right = door.sign_in(classroom.code, "Alice Original", "90210", pin="2580")
    assert right.status == "needs_approval" and right.trainee is None
    request = door.ask_instructor(classroom.code, "Alice Original", "90210")
    assert request is not None and decide(store, request, True)
    assert door.answer(request).signed_in
    # after the approval the PIN works again
    assert desk(store, clock, "10.0.0.3").sign_in(classroom.code, "Alice Original", "90210", pin="2580").signed_in


def test_approval_and_refusal_by_the_instructor(store, classroom, clock, alice) -> None:  # type: ignore[no-untyped-def]
    door = desk(store, clock)
    first = door.ask_instructor(classroom.code, f"Someone {XSS}", "90210")
    assert first is not None and door.answer(first).status == "waiting"
    [pending] = store.pending_requests(classroom.id)
    assert (pending.badge, pending.stored_name, pending.name_differs) == ("90210", "Alice Original", True)
    assert decide(store, first, False) and not decide(store, first, True)  # the first decision stands
    refused = door.answer(first)
    assert refused.status == "refused" and "did not approve" in refused.message
    second = door.ask_instructor(classroom.code, "Alice Original", "90210")
    assert second is not None and decide(store, second, True)
    approved = door.answer(second)
    assert approved.signed_in and approved.trainee.id == alice.id  # type: ignore[union-attr]
    assert store.pending_requests(classroom.id) == []
    kinds = [event.kind for event in store.sign_in_events_in(classroom.id)]
    assert kinds == ["signed_in", "approval_requested", "refused", "approval_requested", "approved",
                     "signed_in_with_approval"]


def test_wrong_codes_are_limited_per_client_and_recover_after_the_window(store, classroom, clock) -> None:  # type: ignore[no-untyped-def]
    door = desk(store, clock, window_seconds=60, per_client=3)
    for _ in range(2):
        assert "not found" in door.sign_in("NOPE99", "Guess Er", "1").message
    blocked = door.sign_in("NOPE98", "Guess Er", "1")
    assert blocked.status == "refused" and blocked.retry_at is not None
    assert "Too many wrong attempts. Please try again at" in blocked.message and "(in 60 seconds)" in blocked.message
    # even the right code waits: guessing must not be free
    assert desk(store, clock, per_client=3, window_seconds=60).sign_in(classroom.code, "Guess Er", "1").status \
        == "refused"
    assert desk(store, clock, "10.0.0.9", per_client=3, window_seconds=60).sign_in(
        classroom.code, "Other Person", "2").signed_in  # another address is not blocked
    clock.advance(61)
    assert door.sign_in(classroom.code, "Guess Er", "1").signed_in


def test_wrong_pins_are_limited_per_class_from_any_address(store, classroom, clock, alice) -> None:  # type: ignore[no-untyped-def]
    bob = desk(store, clock, "10.0.0.5").sign_in(classroom.code, "Bob Brown", "777", pin="1234").trainee
    assert bob is not None
    for n, badge in enumerate(["90210", "777", "90210"]):
        desk(store, clock, f"10.1.0.{n}", per_class=3, window_seconds=120).sign_in(
            classroom.code, "X", badge, pin="0000")
    blocked = desk(store, clock, "10.2.0.1", per_class=3, window_seconds=120).sign_in(
        classroom.code, "Bob Brown", "777", pin="1234")
    assert blocked.status == "refused" and "try again" in blocked.message
    clock.advance(121)
    assert desk(store, clock, "10.2.0.1", per_class=3, window_seconds=120).sign_in(
        classroom.code, "Bob Brown", "777", pin="1234").signed_in


def test_revoking_stops_the_old_token_and_keeps_the_answers(store, classroom, clock, alice) -> None:  # type: ignore[no-untyped-def]
    second = desk(store, clock).sign_in(classroom.code, "Alice Original", "90210", pin="2580").trainee
    assert second is not None
    assert revoke(store, alice) == 2
    assert store.trainee_by_token(alice.token) is None and store.trainee_by_token(second.token) is None
    back = desk(store, clock, "10.0.0.1").sign_in(classroom.code, "Alice Original", "90210",
                                                    browser_tokens=[alice.token])
    assert back.status == "needs_pin_or_approval"
    again = desk(store, clock, "10.0.0.1").sign_in(classroom.code, "Alice Original", "90210", pin="2580")
    assert again.signed_in and store.latest_answer(again.trainee, "s01-about-you").value == "Alice's own answer"  # type: ignore[arg-type]


def test_signing_out_ends_only_that_browser(store, classroom, clock, alice) -> None:  # type: ignore[no-untyped-def]
    second = desk(store, clock).sign_in(classroom.code, "Alice Original", "90210", pin="2580").trainee
    assert second is not None
    assert desk(store, clock).sign_out(second.token) is not None
    assert store.trainee_by_token(second.token) is None
    assert store.trainee_by_token(alice.token) == alice
    assert desk(store, clock).sign_out(second.token) is None  # twice is harmless


def test_a_closed_class_and_a_class_of_an_earlier_day_refuse_sign_ins(store, classroom, clock, alice) -> None:  # type: ignore[no-untyped-def]
    set_class_open(store, classroom, False)
    refused = desk(store, clock).sign_in(classroom.code, "New Person", "555")
    assert refused.status == "refused" and "closed" in refused.message
    assert desk(store, clock, "10.0.0.1").sign_in(classroom.code, "Alice Original", "90210",
                                                    browser_tokens=[alice.token]).signed_in  # already in
    set_class_open(store, classroom, True)
    assert desk(store, clock).sign_in(classroom.code, "New Person", "555").signed_in
    old = store.create_class(class_date=date.today() - timedelta(days=3))
    stale = desk(store, clock).sign_in(old.code, "Late Comer", "556")
    assert stale.status == "refused" and "no longer takes sign-ins" in stale.message
    set_class_open(store, old, True)
    assert desk(store, clock).sign_in(old.code, "Late Comer", "556").signed_in
    clock.advance(2 * 86400)  # a reopening lasts for the day it was made
    assert desk(store, clock).sign_in(old.code, "Later Comer", "557").status == "refused"


def test_a_pin_must_be_four_digits(store, classroom, clock) -> None:  # type: ignore[no-untyped-def]
    assert "4 digits" in desk(store, clock).sign_in(classroom.code, "Dana Ortiz", "4821", pin="12a4").message
    assert store.trainees_in(classroom.id) == []


# --- the start page's form ------------------------------------------------------------------


@pytest.fixture
def page_env(isolated_session, monkeypatch: pytest.MonkeyPatch, store: ResponseStore) -> Iterator[None]:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("adaptive_policing.widgets.common.page_store", lambda: store)
    monkeypatch.setattr("adaptive_policing.widgets.viewer.page_store", lambda: store)
    yield
    viewer.set_current_trainee(None)


def fill(form: SignInForm, code: str, name: str, badge: str, pin: str = "") -> None:
    form.name.value, form.badge.value, form.class_code.value, form.pin.value = name, badge, code, pin


def test_the_start_page_fills_the_class_code_from_the_address(page_env, store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QUERY_STRING", "code=ABC123")
    assert SignInForm(store=store).class_code.value == "ABC123"


def test_the_form_asks_for_the_pin_then_waits_for_the_instructor_and_carries_on(
        page_env, store, classroom, alice, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    form = SignInForm(store=store, poll_seconds=0.05)
    fill(form, classroom.code, "Someone Else", "90210")
    assert form.sign_in() is None
    assert form.status.kind == "warning" and form.ask_button.layout.display == ""
    assert form.welcome.value == "" and "Alice" not in form.status.text
    assert form.ask_instructor() is not None and "Waiting for the instructor" in form.status.text
    [request] = store.pending_requests(classroom.id)
    assert decide(store, request.id, True)
    deadline = time.monotonic() + 10
    while "Welcome" not in form.welcome.value and time.monotonic() < deadline:
        time.sleep(0.02)  # polls for the page's own waiter; returns as soon as it has carried on
    assert "Welcome, Alice Original." in form.welcome.value
    token = form.participant.trainee.token  # type: ignore[union-attr]
    assert f'data-ap-token="{token}"' in form.welcome.value and token != alice.token
    form.close()


def test_the_form_signs_out_on_the_signed_out_address(page_env, store, classroom, alice, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QUERY_STRING", f"signed_out=1&t={alice.token}")
    form = SignInForm(store=store)
    assert "You are signed out" in form.status.text and form.form.layout.display != "none"
    assert store.trainee_by_token(alice.token) is None


def test_the_cookie_identifies_the_browser_until_its_device_ends(page_env, store, classroom, alice, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HTTP_COOKIE", f"_xsrf=abc; {viewer.COOKIE_NAME}={alice.token}")
    assert viewer.current_trainee() == alice
    form = SignInForm(store=store)
    assert "Welcome, Alice Original." in form.welcome.value
    assert "signed_out=1&amp;t=" in form.welcome.value
    revoke(store, alice)
    assert viewer.current_trainee() is None


# --- the console's Sign-ins tab -----------------------------------------------------------------


def test_the_console_lists_requests_escaped_and_approves_them(store, classroom, clock, alice) -> None:  # type: ignore[no-untyped-def]
    request = desk(store, clock).ask_instructor(classroom.code, f"Someone {XSS}", "90210")
    panel = SignInsPanel(store)
    panel.refresh(classroom)
    [row] = panel.requests.children
    text = row.children[0].value  # type: ignore[attr-defined]
    assert "<strong>Badge 90210</strong> asks to sign in again from another device (name typed: Someone " in text
    assert XSS not in text and str(escape(XSS)) in text
    assert "The name differs from the one this badge signed in with: Alice Original." in text
    row.children[1].click()  # type: ignore[attr-defined]  # Approve
    assert store.request_decision(request) is True  # type: ignore[arg-type]
    panel.refresh(classroom)
    assert "Nobody is waiting" in panel.requests.children[0].value  # type: ignore[attr-defined]


def test_the_console_closes_and_reopens_the_class_and_revokes_devices(store, classroom, alice) -> None:  # type: ignore[no-untyped-def]
    panel = SignInsPanel(store)
    panel.refresh(classroom)
    assert "Open: trainees can sign in." in panel.state.value
    panel.close_button.click()
    panel.refresh(classroom)
    assert "Closed" in panel.state.value and panel.close_button.description == "Reopen class"
    panel.close_button.click()
    panel.refresh(classroom)
    assert "Open" in panel.state.value
    panel.who.value = alice.id
    panel.revoke_button.click()
    assert "1 device(s) of Alice Original signed out" in panel.status.text
    assert store.trainee_by_token(alice.token) is None
    kinds = [e.kind for e in store.sign_in_events_in(classroom.id)]
    assert kinds[-3:] == ["class_closed", "class_reopened", "devices_revoked"]


def test_every_sign_in_approval_and_refusal_is_in_the_export(store, classroom, clock, alice, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from adaptive_policing.views.export import export_class

    door = desk(store, clock)
    door.sign_in(classroom.code, "=HYPERLINK(\"x\")", "90210", pin="9999")
    decide(store, door.ask_instructor(classroom.code, "Alice Original", "90210"), True)  # type: ignore[arg-type]
    files = export_class(store, classroom, tmp_path)
    import json

    events = json.loads(files.json_path.read_text(encoding="utf-8"))["sign_in_events"]
    assert [e["kind"] for e in events] == ["signed_in", "wrong_pin", "approval_requested", "approved"]
    assert events[1]["client"] == "10.0.0.2" and events[1]["name_typed"] == '=HYPERLINK("x")'
    csv_text = files.sign_ins_csv.read_text(encoding="utf-8")
    assert "approval_requested" in csv_text and "'=HYPERLINK" in csv_text  # never a formula


def test_the_start_page_as_a_projector_slide_shows_the_join_qr_code(page_env, store, classroom, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from adaptive_policing import config
    from adaptive_policing.widgets.page import start_page

    monkeypatch.setattr("adaptive_policing.data.store.open_store", lambda: store)
    monkeypatch.setenv(config.ROLE_ENV, "instructor")
    monkeypatch.setenv(config.JOIN_URLS_ENV, "http://10.20.0.5:8866/")
    monkeypatch.setenv("QUERY_STRING", f"template=adaptive-slides&class={classroom.code}")
    slide = start_page()
    assert f"http://10.20.0.5:8866/?code={classroom.code}" in slide.value  # type: ignore[attr-defined]
    assert "<svg" in slide.value and "Your name" not in slide.value  # type: ignore[attr-defined]


def test_the_join_qr_code_gets_a_slide_of_its_own() -> None:
    from adaptive_policing.serve.slides import slide_type_for

    assert slide_type_for("code", "start_page()", first=False) == "slide"
    assert slide_type_for("code", "other_call()", first=False) == "-"


def test_the_form_shows_the_classs_date_place_and_instructor_before_signing_in(
        page_env, store, classroom, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    form = SignInForm(store=store)
    assert form.class_details.value == ""
    form.class_code.value = classroom.code.lower()
    assert "Training room B" in form.class_details.value and "Sgt. Example" in form.class_details.value
    assert f"{classroom.class_date:%d %B %Y}" in form.class_details.value
    assert form.participant.trainee is None and store.trainees_in(classroom.id) == []  # nothing signed in yet
    form.class_code.value = "ZZZZZZ"
    assert form.class_details.value == ""
    monkeypatch.setenv("QUERY_STRING", f"code={classroom.code}")  # the join link: shown at once
    assert "Training room B" in SignInForm(store=store).class_details.value
    fill(form, classroom.code, "Dana Ortiz", "4821")
    assert form.sign_in() is not None
    assert "Training room B" in form.welcome.value and "Sgt. Example" in form.welcome.value


def test_looking_up_class_codes_counts_as_guessing(store, classroom, clock) -> None:  # type: ignore[no-untyped-def]
    guesser = desk(store, clock, per_client=3)
    assert guesser.class_for_code("ABC") is None  # not a whole code yet: not looked up, not counted
    for wrong in ("AAAAAA", "BBBBBB", "CCCCCC"):
        assert guesser.class_for_code(wrong) is None
    assert guesser.class_for_code(classroom.code) is None  # refused for a while, even for the right code
    assert desk(store, clock, "10.0.0.9").class_for_code(classroom.code) == classroom
