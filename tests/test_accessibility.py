"""Trainee pages against WCAG 2.1 A and AA (axe-core in Chromium), on a laptop and on a phone."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from adaptive_policing.store import ClassSession

from .conftest import LiveServer
from .test_browser import wait_for_widgets

pytestmark = [pytest.mark.browser, pytest.mark.server]

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def trainee_pages(server: LiveServer, course: ClassSession) -> dict[str, str]:
    store = server.store()
    trainee = store.sign_in(course.code, "Axe Checker", "A11Y")
    store.close()
    return {
        "start": server.url("/voila/render/course/00-start.ipynb"),
        "section I": server.url(f"/voila/render/course/01-introductions.ipynb?t={trainee.token}"),
    }


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
    try:
        for name, url in trainee_pages(trainee_server, live_class).items():
            page = context.new_page()
            page.goto(url)
            wait_for_widgets(page)
            page.wait_for_timeout(500)
            assert violations(page) == [], f"{name} page on a {viewport}"
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{name} page scrolls sideways by {overflow}px on a {viewport}"
            assert page.evaluate("document.documentElement.lang") == "en"
            page.close()
    finally:
        context.close()
