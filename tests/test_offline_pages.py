"""Nothing leaves the machine: every request of the course's pages, the console and the slides.

Also: the slides render and advance by keyboard, the console's agenda in a real
browser, and the trainee server refuses the slides and instructor material.

The instructor's browser is shared by the module: the console is opened once with the
instructor key and the slides of the module's class are rendered once; every request of
that browser, and of the trainee pages opened in it, is recorded for the check that
nothing leaves the machine. A slides test starts from the first slide (the Home key).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from adaptive_policing.serve.slides import SLIDES_TEMPLATE, reveal_installed
from adaptive_policing.data.store import TrainingClass

from .browser import open_section_one, shot, sign_in, wait_for_quiet_network, wait_for_widgets
from .conftest import LiveServer, new_class

pytestmark = [pytest.mark.browser, pytest.mark.server]

SECTION = "course/03-what-is-customer-service.ipynb"
DANAS_ANSWER = "Meeting needs <img src=x onerror=alert(1)>"
"""Dana's answer to the section's first prompt, saved before the slides are rendered (escaped there)."""


def slides_url(server: LiveServer, course: TrainingClass | None = None, path: str = SECTION) -> str:
    query = f"template={SLIDES_TEMPLATE}" + (f"&class={course.code}" if course else "")
    return server.url(f"/voila/render/{path}?{query}")


@pytest.fixture(scope="module")
def slides_class(trainee_server: LiveServer) -> TrainingClass:
    """The module's class, in which Dana Ortiz has answered the section's first prompt."""
    course = new_class(trainee_server)
    with trainee_server.store() as store:
        dana = store.sign_in(course.code, "Dana Ortiz", "4821")
        store.save_answer(dana, "s03-define-customer-service", DANAS_ANSWER)
    return course


@pytest.fixture(scope="module")
def instructor_browser(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A browser context for the module, and the address of every request made in it (in order)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    yield context, requests
    context.close()


@pytest.fixture(scope="module")
def console_page(instructor_browser: tuple[Any, list[str]], instructor_server: LiveServer,
                 slides_class: TrainingClass) -> Page:
    """The instructor console, opened once with the instructor key, showing the module's (newest) class."""
    page: Page = instructor_browser[0].new_page()
    page.set_viewport_size({"width": 1300, "height": 1000})
    page.goto(instructor_server.url(f"/?token={instructor_server.key}"))  # the key, as the console is opened
    wait_for_widgets(page)
    expect(page.locator(".ap-agenda-status")).to_contain_text("Not started")
    return page


@pytest.fixture(scope="module")
def slides_page(instructor_browser: tuple[Any, list[str]], console_page: Page, instructor_server: LiveServer,
                slides_class: TrainingClass) -> Page:
    """The section's slides for the module's class, rendered once in the browser that opened the console."""
    page: Page = instructor_browser[0].new_page()
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(slides_url(instructor_server, slides_class))
    page.wait_for_selector(".reveal .slides section.present", state="visible", timeout=60_000)
    page.wait_for_selector(".reveal.ready", timeout=60_000)
    return page


def first_slide(page: Page) -> None:
    """Go to the first slide with the Home key and wait until it is shown."""
    page.keyboard.press("Home")
    expect(page.locator(".reveal .slides > section.present")).to_contain_text("III. What Is Customer Service?")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def status(url: str) -> int:
    """The HTTP status of ``url``, redirects not followed."""
    try:
        with urllib.request.build_opener(_NoRedirect).open(url, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as refused:
        return refused.code


def test_the_reveal_styles_are_installed() -> None:
    assert reveal_installed(), "run `make install` (python -m adaptive_policing.serve.slides install)"


def test_no_page_requests_anything_from_another_machine(
    instructor_browser: tuple[Any, list[str]], console_page: Page, slides_page: Page,
    trainee_server: LiveServer, instructor_server: LiveServer, slides_class: TrainingClass
) -> None:
    # the console and the slides were opened in this browser by the fixtures: their requests are recorded
    context, requests = instructor_browser
    page = context.new_page()
    try:
        sign_in(page, trainee_server, slides_class, "Net Watcher", "NET2")
        open_section_one(page)
    finally:
        page.close()
    present = slides_page.locator(".reveal .slides > section.present")
    first = present.inner_text()
    slides_page.keyboard.press("ArrowRight")
    expect(present).not_to_have_text(first)
    wait_for_quiet_network(slides_page, requests)
    allowed = {urlsplit(trainee_server.base_url).netloc, urlsplit(instructor_server.base_url).netloc}
    outside = sorted({url for url in requests if urlsplit(url).scheme in ("http", "https", "ws", "wss")
                      and urlsplit(url).netloc not in allowed})
    assert outside == [], f"requests left the machine: {outside}"
    assert any(SLIDES_TEMPLATE in url for url in requests)
    assert any("reveal/dist/reveal.css" in url for url in requests)


def test_slides_render_and_advance_by_keyboard(slides_page: Page) -> None:
    page = slides_page
    first_slide(page)
    slides = page.locator(".reveal .slides > section")
    assert slides.count() >= 5, "each heading starts a slide"
    present = page.locator(".reveal .slides > section.present")
    expect(present).to_contain_text("III. What Is Customer Service?")
    assert "import" not in present.inner_text() and "page_header" not in present.inner_text()
    first = present.inner_text()
    page.keyboard.press("ArrowRight")
    expect(present).not_to_have_text(first)
    expect(present).to_contain_text("A. Define customer service")
    # the next slide is the section's first prompt: the class's answers, not an answer box
    page.keyboard.press("Space")
    expect(present.locator(".ap-slide-answers")).to_contain_text("In your own words, what is customer service?")
    expect(present.locator(".ap-slide-answers")).to_contain_text("answered")
    assert present.locator("textarea").count() == 0
    page.keyboard.press("ArrowLeft")
    expect(present).to_contain_text("A. Define customer service")


def test_slides_show_live_answers_of_the_class(slides_page: Page) -> None:
    page = slides_page  # Dana answered before the slides were rendered (the slides_class fixture)
    first_slide(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    present = page.locator(".reveal .slides > section.present")
    expect(present).to_contain_text(DANAS_ANSWER)
    assert present.locator(".ap-slide-answers img").count() == 0
    assert "Dana Ortiz" not in present.inner_text()
    shot(page, "slides")


def test_the_trainee_server_refuses_slides_and_instructor_material(
    trainee_server: LiveServer, instructor_server: LiveServer
) -> None:
    refused = [
        slides_url(trainee_server),
        trainee_server.url(f"/voila/render/{SECTION}?template=reveal"),
        trainee_server.url(f"/voila/templates/{SLIDES_TEMPLATE}/static/slides.css"),
        trainee_server.url(f"/voila/templates/{SLIDES_TEMPLATE}/static/reveal/dist/reveal.css"),
        trainee_server.url("/voila/render/solutions/instructor-console.ipynb"),
        trainee_server.url("/voila/files/solutions/facilitator-guide.md"),
    ]
    for url in refused:
        assert status(url) in (403, 404), url
    assert status(trainee_server.url(f"/voila/render/{SECTION}")) == 200
    # the instructor server asks for its key before showing slides, and offers no other template
    assert status(slides_url(instructor_server)) in (302, 403)
    assert status(instructor_server.url(
        f"/voila/render/{SECTION}?template=reveal&token={instructor_server.key}")) == 404
    assert status(instructor_server.url(
        f"/voila/templates/{SLIDES_TEMPLATE}/static/reveal/dist/reveal.css")) == 200


def test_the_console_agenda_runs_the_class_clock(console_page: Page, slides_class: TrainingClass) -> None:
    page, live_class = console_page, slides_class
    picker = page.get_by_label("Class")
    label = next(text for text in picker.locator("option").all_inner_texts() if live_class.code in text)
    picker.select_option(label=label)
    status_line = page.locator(".ap-agenda-status")
    expect(status_line).to_contain_text("Not started")
    page.get_by_role("button", name="Start class").click()
    expect(status_line).to_contain_text("left in I. Introductions")
    expect(status_line).to_contain_text("on schedule")
    page.get_by_role("tab", name="Agenda & guide").click()
    expect(page.locator(".ap-guide")).to_contain_text("Talking points")
    page.get_by_role("button", name="Next section").click()
    expect(status_line).to_contain_text("left in II. What Is the Problem?")
    expect(status_line).to_contain_text("ahead of schedule")
    expect(page.locator(".ap-agenda [aria-current=step]")).to_contain_text("II. What Is the Problem?")
    link = page.locator(".ap-agenda a.ap-slides-link").nth(1)
    assert f"template={SLIDES_TEMPLATE}" in (link.get_attribute("href") or "")
