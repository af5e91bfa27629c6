"""One trainee, one person, in real Chromium: two browsers, one badge number.

A second person who knows a colleague's badge number and the class code does not
get the colleague's account: with the PIN they get in, with the instructor's
approval (given on the console) they get in, with a refusal they are told so, and
after five wrong PINs only the approval works. The browser keeps its token in a
cookie (a reload knows the trainee); *Sign out* ends it. A closed class refuses
sign-ins, revoking stops the old token, and wrong class codes are limited with a
plain message that goes away after the (short, in tests) window.

These tests start their own pair of servers, with a short sign-in window. Pages that
do not depend on each other are asked for at once, so their notebooks execute side by side.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from adaptive_policing import config
from adaptive_policing.data.sign_in import WINDOW_ENV, revoke, set_class_open
from adaptive_policing.data.store import TrainingClass

from .browser import accessibility_problems, open_at_once, shot, wait_for_widgets
from .conftest import LiveServer, start_server, stop_process_tree

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("identity-servers")]

WINDOW_SECONDS = 15
"""Long enough for the burst of wrong codes and the checks made while it blocks; the test then waits it out."""
KEY = "identity-test-key"
JOIN_BASE_URL = "http://10.20.0.5:8866/"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, LiveServer]]:
    var_dir: Path = tmp_path_factory.mktemp("identity-var")
    with pytest.MonkeyPatch.context() as environment:  # the servers and their kernels inherit it
        environment.setenv(WINDOW_ENV, str(WINDOW_SECONDS))
        # One announced address, as `serve` sets it: the console shows one QR code whatever this machine's network.
        environment.setenv(config.JOIN_URLS_ENV, JOIN_BASE_URL)
        trainee = start_server("trainee", var_dir)
        instructor = start_server("instructor", var_dir, key=KEY)
    yield trainee, instructor
    stop_process_tree(instructor.process)
    stop_process_tree(trainee.process)


@pytest.fixture
def course(servers: tuple[LiveServer, LiveServer]) -> TrainingClass:
    store = servers[0].store()
    try:
        return store.create_class(location="Room 4", instructor="Sgt. Example")
    finally:
        store.close()


@pytest.fixture
def two_browsers(browser: object) -> Iterator[tuple[Page, Page]]:
    # The second browser claims another address in the header the server sets: it must be replaced.
    contexts = [browser.new_context(viewport={"width": 1100, "height": 900},  # type: ignore[attr-defined]
                                    extra_http_headers=headers)
                for headers in ({}, {"X-Adaptive-Policing-Client": "6.6.6.6"})]
    pages = [context.new_page() for context in contexts]
    yield pages[0], pages[1]
    for context in contexts:
        context.close()


def open_start(page: Page, server: LiveServer, query: str = "") -> None:
    page.goto(server.url("/" + query))
    wait_for_widgets(page)


def fill(page: Page, code: str, name: str, badge: str, pin: str = "") -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Badge or employee no.").fill(badge)
    page.get_by_label("Class code").fill(code)
    page.get_by_label("PIN (4 digits)").fill(pin)
    page.get_by_role("button", name="Sign in").click()


def test_a_colleague_needs_the_pin_and_the_browser_keeps_its_own_token(
        servers: tuple[LiveServer, LiveServer], course: TrainingClass, two_browsers: tuple[Page, Page]) -> None:
    trainee_server, _ = servers
    alice, other = two_browsers
    # the QR code's address fills in the class code (the colleague's start page opens meanwhile)
    open_at_once([(alice, trainee_server.url(f"/?code={course.code}")), (other, trainee_server.url("/"))])
    expect(alice.get_by_label("Class code")).to_have_value(course.code)
    fill(alice, course.code, "Alice Original", "90210", "2580")
    expect(alice.get_by_text("Welcome, Alice Original.")).to_be_visible()
    store = trainee_server.store()
    try:
        [me] = store.trainees_in(course.id)
        store.save_answer(me, "s01-about-you", "Alice's private answer")
    finally:
        store.close()

    fill(other, course.code.lower(), "Someone Else", "90210")
    expect(other.get_by_text("already signed in on another device")).to_be_visible()
    expect(other.get_by_role("button", name="Ask the instructor to approve")).to_be_visible()
    assert "Welcome, " not in other.content() and "Alice" not in other.content()
    fill(other, course.code, "Someone Else", "90210", "1111")
    expect(other.get_by_text("That PIN is not right. 4 tries left")).to_be_visible()
    # the colleague's section page, opened without a token in another tab of the same browser,
    # shows nothing of Alice's (it executes while the start page is checked)
    section = other.context.new_page()
    section.goto(trainee_server.url("/voila/render/course/01-introductions.ipynb"), wait_until="commit")
    shot(other, "identity-second-device")
    assert accessibility_problems(other, "start page, second device") == []
    wait_for_widgets(section)
    expect(section.get_by_text("You are not signed in, so answers on this page will not be saved")).to_be_visible()
    assert "Alice's private answer" not in section.content()
    section.close()

    # the real Alice on her phone: the PIN lets her in, as herself (the form is still on screen)
    fill(other, course.code, "Alice Original", "90210", "2580")
    expect(other.get_by_text("Welcome, Alice Original.")).to_be_visible()
    # a reload without ?t= still knows her: the browser kept its token in a cookie
    open_start(other, trainee_server)
    expect(other.get_by_text("Welcome, Alice Original.")).to_be_visible()
    other.get_by_role("link", name="I. Introductions").first.click()
    wait_for_widgets(other)
    expect(other.get_by_text("Signed in as")).to_be_visible()
    # sign out ends this browser's binding, back at the start page with signed_out=1
    other.get_by_role("link", name="Sign out").click()
    wait_for_widgets(other)
    expect(other.get_by_text("You are signed out. Your answers are kept.")).to_be_visible()
    assert "signed_out=1" in other.url
    assert all(cookie["name"] != "adaptive_policing_token" for cookie in other.context.cookies())
    # opened again, the start page asks to sign in; Alice's first browser is still signed in
    open_at_once([(other, trainee_server.url("/")), (alice, trainee_server.url("/"))])
    expect(other.get_by_label("Your name")).to_be_visible()
    expect(alice.get_by_text("Welcome, Alice Original.")).to_be_visible()


def test_the_instructor_refuses_then_approves_on_the_console(
        servers: tuple[LiveServer, LiveServer], course: TrainingClass, two_browsers: tuple[Page, Page],
        browser: object) -> None:
    trainee_server, instructor_server = servers
    first, second = two_browsers
    context = browser.new_context(viewport={"width": 1300, "height": 1000})  # type: ignore[attr-defined]
    console = context.new_page()
    try:
        # both start pages and the console open at once
        open_at_once([(first, trainee_server.url("/")), (second, trainee_server.url("/")),
                      (console, instructor_server.url(f"/?token={KEY}"))])
        fill(first, course.code, "Lee Park", "5150")  # no PIN chosen: only the instructor can let another device in
        expect(first.get_by_text("Welcome, Lee Park.")).to_be_visible()
        fill(second, course.code, "Lee <b>Parker</b>", "5150")
        expect(second.get_by_text("Ask the instructor to approve this device.")).to_be_visible()
        second.get_by_role("button", name="Ask the instructor to approve").click()
        expect(second.get_by_text("Waiting for the instructor to approve this device.")).to_be_visible()

        expect(console.locator(".ap-console-code")).to_have_text(course.code)  # the newest class is shown
        console.get_by_role("tab", name="Sign-ins").click()
        request = console.locator(".ap-sign-in-request")
        expect(request).to_contain_text("Badge 5150 asks to sign in again from another device "
                                        "(name typed: Lee <b>Parker</b>)")  # shown as text
        expect(request).to_contain_text("The name differs from the one this badge signed in with: Lee Park.")
        expect(console.locator(".ap-join svg")).to_have_count(1, timeout=20_000)
        expect(console.locator(".ap-join figcaption")).to_have_text(f"{JOIN_BASE_URL}?code={course.code}")
        shot(console, "identity-console-sign-ins")
        console.get_by_role("button", name="Refuse").click()
        expect(second.get_by_text("The instructor did not approve this device.")).to_be_visible()
        second.get_by_role("button", name="Sign in").click()  # still needs approval
        second.get_by_role("button", name="Ask the instructor to approve").click()
        expect(console.locator(".ap-sign-in-request")).to_have_count(1)
        console.get_by_role("button", name="Approve").click()
        expect(second.get_by_text("Welcome, Lee Park.")).to_be_visible()  # it carried on by itself
    finally:
        context.close()


def test_five_wrong_pins_closed_class_revocation_and_the_wait_after_wrong_codes(
        servers: tuple[LiveServer, LiveServer], course: TrainingClass, two_browsers: tuple[Page, Page]) -> None:
    trainee_server, _ = servers
    owner, other = two_browsers
    open_at_once([(owner, trainee_server.url("/")), (other, trainee_server.url("/"))])
    fill(owner, course.code, "Sam Reyes", "K-77", "4455")
    expect(owner.get_by_text("Welcome, Sam Reyes.")).to_be_visible()
    for left in (4, 3, 2, 1):
        fill(other, course.code, "Not Sam", "K-77", f"000{left}")
        expect(other.get_by_text(f"That PIN is not right. {left} tries left")).to_be_visible()
    fill(other, course.code, "Not Sam", "K-77", "0000")
    expect(other.get_by_text("that was the last try")).to_be_visible()
    fill(other, course.code, "Not Sam", "K-77", "4455")  # even the right PIN: the instructor must approve
    expect(other.get_by_text("Too many wrong PINs for this badge number")).to_be_visible()

    store = trainee_server.store()
    try:
        [sam] = store.trainees_in(course.id)
        revoke(store, sam)
        set_class_open(store, course, False)
    finally:
        store.close()
    open_start(owner, trainee_server)  # the cookie's token was revoked
    expect(owner.get_by_text("This sign-in link is no longer valid. Please sign in again.")).to_be_visible()
    fill(owner, course.code, "New Person", "3100")
    expect(owner.get_by_text("This class is closed to sign-ins. Ask the instructor.")).to_be_visible()

    # wrong class codes: past the limit the page says when to try again, and recovers after the window
    blocked = owner.get_by_text("Too many wrong attempts. Please try again at")
    for n in range(12):  # more than the 10 allowed per address within the window, sent one after another
        fill(owner, f"ZZZZ{n:02d}", "Guess Er", "3101")
    expect(blocked).to_be_visible()
    shot(owner, "identity-rate-limited")
    store = trainee_server.store()
    try:
        set_class_open(store, course, True)
    finally:
        store.close()
    fill(owner, course.code, "Guess Er", "3101")  # the right code too, until the window has passed
    expect(blocked).to_be_visible()
    welcome = owner.get_by_text("Welcome, Guess Er.")
    for _ in range(60):  # polls: each try waits at most a second for the welcome
        try:
            expect(welcome).to_be_visible(timeout=1000)
            break
        except AssertionError:
            fill(owner, course.code, "Guess Er", "3101")
    expect(welcome).to_be_visible()
    store = trainee_server.store()
    try:  # the trainee server told the page's kernel the browser's address (never the one a client claims)
        assert {event.client for event in store.sign_in_events_in(course.id)
                if event.kind in ("signed_in", "wrong_pin")} == {"127.0.0.1"}
    finally:
        store.close()
