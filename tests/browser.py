"""Helpers for the Chromium tests: wait for a Voilà page, sign in, screenshots, and axe's WCAG checks.

One module imported by every browser test; it holds no tests.
"""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from adaptive_policing.content import plan
from adaptive_policing.data.store import TrainingClass

from .conftest import REPO, LiveServer

# Kernels answer slowly on a busy 2-core machine: assertions poll for up to 20 s (Playwright's 5 s default
# is too short there); a passing condition returns as soon as it holds.
expect.set_options(timeout=20_000)

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"

# axe-core's rules for WCAG 2.1 levels A and AA, checked at a laptop's and a phone's width.
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

# True once Voilà has turned every cell output it sent (a JSON script) into a drawn output.
_OUTPUTS_DRAWN = """() => document.querySelectorAll('script[type="application/vnd.voila.cell-output+json"]').length === 0"""
# Resolves after two animation frames, once layout has settled: how far the page scrolls sideways.
_AFTER_LAYOUT = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(
    () => done(document.documentElement.scrollWidth - window.innerWidth))))"""


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot as ``var/screenshots/NAME.png`` (one per app, to look at by eye)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def wait_for_widgets(page: Page) -> None:
    """Wait until Voilà has rendered the page and drawn every one of its widgets."""
    page.wait_for_selector("#rendered_cells", state="visible", timeout=60_000)
    page.wait_for_selector(".jupyter-widgets", timeout=60_000)
    page.wait_for_function(_OUTPUTS_DRAWN, timeout=60_000)


def walked_notebooks() -> list[str]:
    """The notebooks the course walk (tests/test_course_walk.py) renders in Chromium.

    The start page and every section and activity of every course plan, as paths under
    the repository. Each render executes its notebook top to bottom on a fresh kernel.
    """
    paths = [f"course/{plan.START_PAGE_ID}.ipynb"]
    for course_plan in plan.load_plans(REPO / "course").values():
        for session in course_plan.items:
            paths += [ref.path for ref in (session.ref, *session.activities)]
    return paths


def sign_in(page: Page, server: LiveServer, course: TrainingClass, name: str, badge: str) -> None:
    """Sign in on the start page as ``name`` with ``badge`` in ``course`` (the code typed in lower case)."""
    page.goto(server.url("/"))
    wait_for_widgets(page)
    fill_sign_in(page, course, name, badge)


def fill_sign_in(page: Page, course: TrainingClass, name: str, badge: str) -> None:
    """Fill in and send the sign-in form of the start page that is open in ``page``."""
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Badge or employee no.").fill(badge)
    page.get_by_label("Class code").fill(course.code.lower())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Welcome, {name}.")).to_be_visible()


def open_section_one(page: Page) -> None:
    """Follow the start page's link to section I and wait for its first prompt."""
    page.get_by_role("link", name="I. Introductions").first.click()
    wait_for_widgets(page)
    expect(page.locator(".ap-prompt").first).to_be_visible()


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has the keyboard focus."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def wait_for_quiet_network(page: Page, requests: list[object], quiet_ms: int = 500) -> None:
    """Wait until ``page`` has made no new request (recorded in ``requests``) for ``quiet_ms``.

    Playwright's "networkidle" load state is reached once per load; this waits for a
    quiet spell from now, after an action that may load more (a slide change).
    """
    seen = -1
    for _ in range(120):
        if len(requests) == seen:
            return
        seen = len(requests)
        page.wait_for_timeout(quiet_ms)
    raise AssertionError(f"the page kept making requests for {120 * quiet_ms / 1000:.0f} s")


def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now, one line each."""
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:120]})"
        for v in results.response["violations"]
    ]


def accessibility_problems(page: Page, name: str) -> list[str]:
    """WCAG 2.1 AA problems of the rendered page ``name`` on a laptop and on a phone, one render.

    The page is resized to each viewport in turn (and back afterwards); at each, axe runs
    and the page must not scroll sideways. The page's language must be English.
    """
    before = page.viewport_size
    problems: list[str] = []
    try:
        for viewport, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            overflow = page.evaluate(_AFTER_LAYOUT)
            problems += [f"{name} on a {viewport}: {found}" for found in axe_violations(page)]
            if overflow > 1:
                problems.append(f"{name} on a {viewport}: the page scrolls sideways by {overflow}px")
    finally:
        if before:
            page.set_viewport_size(before)
    if page.evaluate("document.documentElement.lang") != "en":
        problems.append(f"{name}: the page's language is not set to English")
    return problems


def open_at_once(visits: list[tuple[Page, str]]) -> None:
    """Ask for every ``(page, address)`` before waiting for any, then wait until each has drawn its widgets.

    The servers execute the pages' notebooks side by side, instead of one after another.
    """
    for page, address in visits:
        page.goto(address, wait_until="commit")
    for page, _ in visits:
        wait_for_widgets(page)
