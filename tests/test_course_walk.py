"""A trainee walks the whole course in Chromium: every section, every activity, no dead end, no error."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Page, expect

from adaptive_policing.content import plan
from adaptive_policing.data.store import ClassSession

from .conftest import LiveServer
from .test_browser import shot, sign_in, wait_for_widgets

pytestmark = [pytest.mark.browser, pytest.mark.server]

REPO = Path(__file__).resolve().parent.parent
PLANS = plan.load_plans(REPO / "course")
CELL_ERROR = "There was an error when executing cell"


def check_page(page: Page, title: str) -> None:
    """The page rendered completely, shows its title and no execution error, and a prompt on it saves."""
    wait_for_widgets(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    assert CELL_ERROR not in page.inner_text("#rendered_cells")
    expect(page.get_by_text("Signed in as")).to_be_visible()
    text_prompt = page.locator(".ap-prompt").filter(has=page.locator("textarea")).first
    if text_prompt.count():
        text_prompt.locator("textarea").fill(f"Walked through: {title}")
        text_prompt.get_by_role("button", name="Save answer").click()
        expect(text_prompt.locator(".ap-status")).to_contain_text("Saved at")


@pytest.mark.parametrize("plan_id", sorted(PLANS))
def test_next_links_lead_through_every_section_of_the_plan(
    plan_id: str, page: Page, trainee_server: LiveServer, live_class: ClassSession
) -> None:
    sessions = PLANS[plan_id].sessions
    sign_in(page, trainee_server, live_class, "Sam Rivera", "5150")
    page.get_by_role("link", name=sessions[0].title, exact=True).click()
    for index, session in enumerate(sessions):
        check_page(page, session.title)
        assert page.url.split("?")[0].endswith(session.ref.path)
        following = page.locator('.ap-nav a[rel="next"]')
        if index + 1 == len(sessions):
            expect(following).to_have_count(0)
        else:
            following.first.click()
    shot(page, f"walk-{plan_id}-last")
    page.locator('.ap-nav a', has_text="Agenda").first.click()
    wait_for_widgets(page)
    expect(page.get_by_text("Welcome, Sam Rivera.")).to_be_visible()


def test_every_activity_opens_from_the_agenda_and_leads_back_to_its_section(
    page: Page, trainee_server: LiveServer, live_class: ClassSession
) -> None:
    sign_in(page, trainee_server, live_class, "Jo Chen", "7731")
    bookmark = page.get_by_role("link", name="your course start page").get_attribute("href")
    start = urljoin(page.url, bookmark)
    for session in PLANS["adaptive-policing"].sessions:
        for activity in session.activities:
            page.goto(start)
            wait_for_widgets(page)
            page.get_by_role("link", name=activity.title, exact=True).click()
            check_page(page, activity.title)
            assert "Facilitator" not in page.inner_text("#rendered_cells")
            page.locator('.ap-nav a[rel="prev"]').first.click()
            wait_for_widgets(page)
            expect(page.get_by_role("heading", level=1)).to_contain_text(session.title)
