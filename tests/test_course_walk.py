"""A trainee walks the whole course in Chromium: every page, no dead end, no error, WCAG 2.1 AA.

Each page is rendered once. On that one render the walk checks that the notebook
executed without an error, that its links lead on, that a prompt on it saves, and
runs axe-core's WCAG 2.1 A and AA rules on a laptop and on a phone (the page is
resized, not loaded again), with no sideways scrolling and the language set. These
renders are also the "executes on a fresh kernel" check of every notebook that
``browser.walked_notebooks()`` names: tests/test_notebooks.py executes the others.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from playwright.sync_api import Page, expect

from adaptive_policing.content import plan
from adaptive_policing.data.store import TrainingClass

from .browser import accessibility_problems, fill_sign_in, sign_in, wait_for_widgets
from .conftest import REPO, LiveServer

# The walk is the longest browser run: its own group, so a second worker runs it beside the others.
pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.xdist_group("course-walk")]

PLANS = plan.load_plans(REPO / "course")
CELL_ERROR = "There was an error when executing cell"


def check_page(page: Page, title: str) -> list[str]:
    """The page rendered completely, shows its title and no execution error, and a prompt on it saves.

    Returns the page's accessibility problems, checked before anything on it is changed.
    """
    wait_for_widgets(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    assert CELL_ERROR not in page.inner_text("#rendered_cells")
    expect(page.get_by_text("Signed in as")).to_be_visible()
    problems = accessibility_problems(page, title)
    text_prompt = page.locator(".ap-prompt").filter(has=page.locator("textarea")).first
    if text_prompt.count():
        text_prompt.locator("textarea").fill(f"Walked through: {title}")
        text_prompt.get_by_role("button", name="Save answer").click()
        expect(text_prompt.locator(".ap-status")).to_contain_text("Saved at")
    return problems


@pytest.mark.parametrize("plan_id", sorted(PLANS))
def test_next_links_lead_through_every_section_of_the_plan(
    plan_id: str, page: Page, trainee_server: LiveServer, live_class: TrainingClass
) -> None:
    walk = [ref for item in PLANS[plan_id].items for ref in item.sequence]  # activities run first come first
    sign_in(page, trainee_server, live_class, "Sam Rivera", "5150")
    page.get_by_role("link", name=walk[0].title, exact=True).click()
    problems: list[str] = []
    for index, item in enumerate(walk):
        problems += check_page(page, item.title)
        assert page.url.split("?")[0].endswith(item.path)
        following = page.locator('.ap-nav a[rel="next"]')
        if index + 1 == len(walk):
            expect(following).to_have_count(0)
        else:
            following.first.click()
    page.locator('.ap-nav a', has_text="Agenda").first.click()
    wait_for_widgets(page)
    expect(page.get_by_text("Welcome, Sam Rivera.")).to_be_visible()
    assert problems == []


def test_every_activity_opens_from_the_agenda_and_leads_back_to_the_page_before_it(
    page: Page, trainee_server: LiveServer, live_class: TrainingClass
) -> None:
    page.goto(trainee_server.url("/"))
    wait_for_widgets(page)
    assert CELL_ERROR not in page.inner_text("#rendered_cells")
    problems = accessibility_problems(page, "start page")
    fill_sign_in(page, live_class, "Jo Chen", "7731")
    problems += accessibility_problems(page, "start page, signed in")
    # Every activity's link on the agenda, read from this one render of the start page.
    activities = [(item, activity) for course_plan in PLANS.values() for item in course_plan.items
                  for activity in item.activities]
    links = {activity.title: urljoin(page.url, page.get_by_role("link", name=activity.title, exact=True)
                                     .get_attribute("href"))
             for _, activity in activities}
    for item, activity in activities:
        page.goto(links[activity.title])
        assert page.url.split("?")[0].endswith(activity.path)
        problems += check_page(page, activity.title)
        assert "Facilitator" not in page.inner_text("#rendered_cells")
        page.locator('.ap-nav a[rel="prev"]').first.click()
        wait_for_widgets(page)
        # an activity run before its page leads back to the section before it
        back = plan.navigation(activity.page_id, REPO / "course").previous
        expect(page.get_by_role("heading", level=1)).to_contain_text(back.title if back else item.title)
    assert problems == []
