"""Nothing leaves the machine: every request of the course's pages, the console and the slides.

Also: the slides render and advance by keyboard, the console's agenda in a real
browser, and the trainee server refuses the slides and instructor material.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from adaptive_policing.serve.slides import SLIDES_TEMPLATE, reveal_installed
from adaptive_policing.data.store import TrainingClass

from .browser import open_section_one, shot, sign_in, wait_for_quiet_network, wait_for_widgets
from .conftest import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.server]

SECTION = "course/03-what-is-customer-service.ipynb"


def slides_url(server: LiveServer, course: TrainingClass | None = None, path: str = SECTION) -> str:
    query = f"template={SLIDES_TEMPLATE}" + (f"&class={course.code}" if course else "")
    return server.url(f"/voila/render/{path}?{query}")


def open_slides(page: Page, server: LiveServer, course: TrainingClass | None = None) -> None:
    page.goto(server.url(f"/?token={server.key}"))  # the instructor key, as the console is opened
    wait_for_widgets(page)
    page.goto(slides_url(server, course))
    page.wait_for_selector(".reveal .slides section.present", state="visible", timeout=60_000)
    page.wait_for_selector(".reveal.ready", timeout=60_000)


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
    browser: object, trainee_server: LiveServer, instructor_server: LiveServer, live_class: TrainingClass
) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    try:
        page = context.new_page()
        sign_in(page, trainee_server, live_class, "Net Watcher", "NET2")
        open_section_one(page)
        page.goto(instructor_server.url(f"/?token={instructor_server.key}"))
        wait_for_widgets(page)
        expect(page.locator(".ap-agenda-status")).to_contain_text("Not started")
        page.goto(slides_url(instructor_server, live_class))
        page.wait_for_selector(".reveal.ready", timeout=60_000)
        present = page.locator(".reveal .slides > section.present")
        first = present.inner_text()
        page.keyboard.press("ArrowRight")
        expect(present).not_to_have_text(first)
        wait_for_quiet_network(page, requests)
    finally:
        context.close()
    allowed = {urlsplit(trainee_server.base_url).netloc, urlsplit(instructor_server.base_url).netloc}
    outside = sorted({url for url in requests if urlsplit(url).scheme in ("http", "https", "ws", "wss")
                      and urlsplit(url).netloc not in allowed})
    assert outside == [], f"requests left the machine: {outside}"
    assert any(SLIDES_TEMPLATE in url for url in requests)
    assert any("reveal/dist/reveal.css" in url for url in requests)


def test_slides_render_and_advance_by_keyboard(
    page: Page, instructor_server: LiveServer, live_class: TrainingClass
) -> None:
    open_slides(page, instructor_server, live_class)
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


def test_slides_show_live_answers_of_the_class(
    browser: object, page: Page, trainee_server: LiveServer, instructor_server: LiveServer,
    live_class: TrainingClass,
) -> None:
    store = trainee_server.store()
    try:
        dana = store.sign_in(live_class.code, "Dana Ortiz", "4821")
        store.save_answer(dana, "s03-define-customer-service", "Meeting needs <img src=x onerror=alert(1)>")
    finally:
        store.close()
    open_slides(page, instructor_server, live_class)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    present = page.locator(".reveal .slides > section.present")
    expect(present).to_contain_text("Meeting needs <img src=x onerror=alert(1)>")
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


def test_the_console_agenda_runs_the_class_clock(
    page: Page, instructor_server: LiveServer, live_class: TrainingClass
) -> None:
    page.set_viewport_size({"width": 1300, "height": 1000})
    page.goto(instructor_server.url(f"/?token={instructor_server.key}"))
    wait_for_widgets(page)
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
