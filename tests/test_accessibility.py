"""Trainee pages against WCAG 2.1 A and AA (axe-core in Chromium), on a laptop and on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from adaptive_policing.content import plan
from adaptive_policing.data.store import ClassSession

from .conftest import LiveServer
from .test_browser import wait_for_widgets

pytestmark = [pytest.mark.browser, pytest.mark.server]

REPO = Path(__file__).resolve().parent.parent

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def trainee_pages(server: LiveServer, course: ClassSession) -> dict[str, str]:
    """The start page and every section and activity in the course plans, signed in."""
    store = server.store()
    trainee = store.sign_in(course.code, "Axe Checker", "A11Y")
    store.close()
    pages = {"start": server.url("/voila/render/course/00-start.ipynb")}
    for course_plan in plan.load_plans(REPO / "course").values():
        for session in course_plan.sessions:
            for ref in (session.ref, *session.activities):
                pages[ref.page_id] = server.url(f"/voila/render/{ref.path}?t={trainee.token}")
    return pages


def violations(page: Page) -> list[str]:
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:120]})"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_trainee_pages_meet_wcag_aa(
    browser: object, trainee_server: LiveServer, live_class: ClassSession, viewport: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport])  # type: ignore[attr-defined]
    problems: list[str] = []
    try:
        for name, url in trainee_pages(trainee_server, live_class).items():
            page = context.new_page()
            page.goto(url)
            wait_for_widgets(page)
            page.wait_for_timeout(500)
            problems += [f"{name}: {found}" for found in violations(page)]
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 1:
                problems.append(f"{name}: the page scrolls sideways by {overflow}px")
            if page.evaluate("document.documentElement.lang") != "en":
                problems.append(f"{name}: the page's language is not set to English")
            page.close()
    finally:
        context.close()
    assert problems == [], f"on a {viewport}"
