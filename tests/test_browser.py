"""The trainee's journey in real Chromium: sign in, answer, reload, by mouse and by keyboard.

One trainee signs in and opens section I once for the module (``dana_section``); the tests
that answer there by mouse share that page. The keyboard test signs in on its own.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from adaptive_policing.content.limits import MAX_TEXT_CHARS
from adaptive_policing.data.store import TrainingClass

from .browser import open_section_one, shot, sign_in, tab_to, wait_for_widgets
from .conftest import REPO, LiveServer, new_class

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def module_class(trainee_server: LiveServer) -> TrainingClass:
    """The class of this module's shared trainee."""
    return new_class(trainee_server)


@pytest.fixture(scope="module")
def dana_section(browser: object, trainee_server: LiveServer, module_class: TrainingClass) -> Iterator[Page]:
    """A browser signed in as Dana Ortiz on the start page, then at section I by its link."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    sign_in(page, trainee_server, module_class, "Dana Ortiz", "4821")
    shot(page, "start-page")
    open_section_one(page)
    yield page
    context.close()


def test_sign_in_answer_reload_and_the_answer_is_still_there(
    dana_section: Page, trainee_server: LiveServer, module_class: TrainingClass
) -> None:
    page = dana_section
    assert re.search(r"[?&]t=[\w-]{20,}", page.url) and "4821" not in page.url
    expect(page.get_by_text("Signed in as")).to_be_visible()
    first = page.locator(".ap-prompt").first
    first.locator("textarea").fill("Officer, 6 years, patrol — ☕ «fine»")
    first.get_by_role("button", name="Save answer").click()
    expect(first.locator(".ap-status")).to_contain_text("Saved at")
    choice = page.locator(".ap-prompt").filter(has=page.get_by_label("No, never"))
    choice.get_by_label("No, never").check()
    choice.get_by_role("button", name="Save answer").click()
    expect(choice.locator(".ap-status")).to_contain_text("Saved at")
    shot(page, "section")

    page.reload()
    wait_for_widgets(page)
    first = page.locator(".ap-prompt").first
    expect(first.locator("textarea")).to_have_value("Officer, 6 years, patrol — ☕ «fine»")
    expect(first.locator(".ap-status")).to_contain_text("is shown")
    expect(page.get_by_label("No, never")).to_be_checked()

    store = trainee_server.store()
    [trainee] = store.trainees_in(module_class.id)
    assert store.latest_answer(trainee, "s01-about-you").value == "Officer, 6 years, patrol — ☕ «fine»"
    store.close()


def test_everything_works_by_keyboard_alone(
    page: Page, trainee_server: LiveServer, live_class: TrainingClass
) -> None:
    page.goto(trainee_server.url("/"))
    wait_for_widgets(page)
    tab_to(page, ".ap-sign-in input >> nth=0")
    page.keyboard.type("Kim Nguyen")
    page.keyboard.press("Tab")
    page.keyboard.type("K-9001")
    page.keyboard.press("Tab")
    page.keyboard.type(live_class.code)
    page.keyboard.press("Tab")  # the PIN is optional: left empty
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Welcome, Kim Nguyen.")).to_be_visible()
    tab_to(page, "a:has-text('I. Introductions')")
    page.keyboard.press("Enter")
    wait_for_widgets(page)
    tab_to(page, ".ap-prompt textarea >> nth=0")
    page.keyboard.type("Dispatcher, typed without a mouse")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".ap-prompt").first.locator(".ap-status")).to_contain_text("Saved at")
    focused = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused != "none", "the keyboard focus must be visible"
    # what was typed is stored (a reload showing stored answers is checked by the test above)
    store = trainee_server.store()
    try:
        [kim] = store.trainees_in(live_class.id)
        assert store.latest_answer(kim, "s01-about-you").value == "Dispatcher, typed without a mouse"
    finally:
        store.close()


def test_an_oversized_answer_shows_the_message_and_keeps_the_text(dana_section: Page) -> None:
    first = dana_section.locator(".ap-prompt").first
    too_long = "a" * (MAX_TEXT_CHARS + 1)
    first.locator("textarea").fill(too_long)
    first.get_by_role("button", name="Save answer").click()
    alert = first.get_by_role("alert")
    expect(alert).to_contain_text("10,001 characters")
    expect(alert).to_contain_text("still in the box")
    expect(first.locator("textarea")).to_have_value(too_long)


def test_a_wrong_class_code_gets_a_clear_message(page: Page, trainee_server: LiveServer) -> None:
    page.goto(trainee_server.url("/"))
    wait_for_widgets(page)
    page.get_by_label("Your name").fill("Dana Ortiz")
    page.get_by_label("Badge or employee no.").fill("4821")
    page.get_by_label("Class code").fill("NOPE99")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("That class code was not found")
    expect(page.get_by_label("Your name")).to_have_value("Dana Ortiz")


def test_the_instructor_sees_answers_arrive_without_reloading(
    browser: object, instructor_server: LiveServer, module_class: TrainingClass, dana_section: Page
) -> None:
    instructor = browser.new_context().new_page()  # type: ignore[attr-defined]
    try:
        refused = instructor.goto(instructor_server.url("/"))
        assert refused is not None and "Instructor console" not in instructor.content()
        instructor.goto(instructor_server.url(f"/?token={instructor_server.key}"))
        wait_for_widgets(instructor)
        picker = instructor.get_by_label("Class")
        label = next(text for text in picker.locator("option").all_inner_texts() if module_class.code in text)
        picker.select_option(label=label)
        first = dana_section.locator(".ap-prompt").first
        first.locator("textarea").fill("<img src=x onerror=alert(1)> night shift")
        first.get_by_role("button", name="Save answer").click()
        expect(first.locator(".ap-status")).to_contain_text("Saved at")
        saved_at = time.monotonic()
        instructor.get_by_label("Show names").check()
        board = instructor.locator(".ap-live-board")
        expect(board).to_contain_text("<img src=x onerror=alert(1)> night shift", timeout=10_000)
        delay = time.monotonic() - saved_at
        expect(board).to_contain_text("Dana Ortiz")
        assert instructor.locator(".ap-live-board img").count() == 0
        print(f"instructor board showed the answer {delay:.2f} s after the save")
    finally:
        instructor.context.close()


def test_the_start_page_does_not_load_the_notebook_reader() -> None:
    """The start page's kernel imports what its cells need and no more.

    nbformat's import builds jsonschema's grammars, seconds on a busy machine, and
    matplotlib's takes a second more; the start page (sign-in form and survey form) never
    reads a notebook nor draws a chart: importing them there made the page every trainee
    opens first several times slower to execute than a section.
    """
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; from adaptive_policing import start_page, survey; "
         "print(sorted({'nbformat', 'jsonschema', 'matplotlib'} & set(sys.modules)))"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert loaded == "[]"
