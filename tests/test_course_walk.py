"""A trainee walks the whole course in Chromium: every page, no dead end, no error, WCAG 2.1 AA.

Each page is rendered once. On that one render the walk checks that the notebook
executed without an error, that its links lead on, that a prompt on it saves, and
runs axe-core's WCAG 2.1 A and AA rules on a laptop and on a phone (the page is
resized, not loaded again), with no sideways scrolling and the language set. These
renders are also the "executes on a fresh kernel" check of every notebook that
``browser.walked_notebooks()`` names: tests/test_notebooks.py executes the others.

A page's links are checked by their targets (each must resolve to the right page);
one link of each kind is also followed by a click (the agenda's link to the first
page, a "next" link, the "Agenda" link, a "previous" link). While one page is being
checked, the next pages of the walk are already loading (from the agenda's links) in
other tabs of the same signed-in browser, so their kernels run while this page's checks do.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from adaptive_policing.content import plan
from adaptive_policing.data.store import TrainingClass

from .browser import accessibility_problems, fill_sign_in, sign_in, wait_for_widgets
from .conftest import REPO, LiveServer

# The walk is the longest browser run: its own group, so a second worker runs it beside the others.
pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.xdist_group("course-walk")]

PLANS = plan.load_plans(REPO / "course")
CELL_ERROR = "There was an error when executing cell"
START_PAGE = f"course/{plan.START_PAGE_ID}.ipynb"
CLICKED_PLAN = "adaptive-policing"
"""The plan whose walk follows a next link and the Agenda link by a click; the others follow their addresses."""
AHEAD = 3
"""How many pages of the walk load in other tabs while one page is checked."""
WALKED = {ref.path for course_plan in PLANS.values() for item in course_plan.items for ref in item.sequence}
"""The pages the plan walks render (every section, and the activities run before their section)."""


def check_page(page: Page, title: str, activity: bool = False) -> list[str]:
    """The page rendered completely, shows its title and no execution error, and a prompt on it saves.

    An activity's page (a trainee's worksheet) shows nothing for the facilitator.
    Returns the page's accessibility problems, checked before anything on it is changed.
    """
    wait_for_widgets(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    rendered = page.inner_text("#rendered_cells")
    assert CELL_ERROR not in rendered
    if activity:
        assert "Facilitator" not in rendered
    expect(page.get_by_text("Signed in as")).to_be_visible()
    problems = accessibility_problems(page, title)
    text_prompt = page.locator(".ap-prompt").filter(has=page.locator("textarea")).first
    if text_prompt.count():
        text_prompt.locator("textarea").fill(f"Walked through: {title}")
        text_prompt.get_by_role("button", name="Save answer").click()
        expect(text_prompt.locator(".ap-status")).to_contain_text("Saved at")
    return problems


def link_target(page: Page, selector: str) -> str:
    """The absolute address the first link matching ``selector`` on ``page`` leads to."""
    href = page.locator(selector).first.get_attribute("href")
    assert href, f"no address on the link {selector}"
    return urljoin(page.url, href)


def leads_to(url: str, path: str) -> bool:
    """Whether ``url`` is the address of the page rendered from the notebook ``path``."""
    return urlsplit(url).path.endswith(path)


def leave(tab: Page) -> None:
    """Leave the page in ``tab`` as following a link would (Voilà ends its kernel on unload), then close it.

    Closing a tab alone skips the page's unload handlers, which would leave its kernel running until culled.
    """
    tab.goto("about:blank")
    tab.close()


def start_loading(context: BrowserContext, url: str) -> Page:
    """A new tab of ``context`` that has started loading ``url`` (its kernel runs; not waited for)."""
    tab = context.new_page()
    tab.goto(url, wait_until="commit")
    return tab


@pytest.mark.parametrize("plan_id", sorted(PLANS))
def test_next_links_lead_through_every_section_of_the_plan(
    plan_id: str, page: Page, trainee_server: LiveServer, live_class: TrainingClass
) -> None:
    walk = [ref for item in PLANS[plan_id].items for ref in item.sequence]  # activities run first come first
    activities = {activity.path for item in PLANS[plan_id].items for activity in item.activities}
    last = len(walk) - 1
    clicked = plan_id == CLICKED_PLAN  # follows its last next link and its Agenda link by a click
    sign_in(page, trainee_server, live_class, "Sam Rivera", "5150")
    # the start page's agenda links to every page of the walk: the pages ahead load from them
    urls = [urljoin(page.url, page.get_by_role("link", name=ref.title, exact=True).first.get_attribute("href"))
            for ref in walk]
    for ref, url in zip(walk, urls):
        assert leads_to(url, ref.path), f"the agenda's {ref.title} link leads to {url}"
    page.get_by_role("link", name=walk[0].title, exact=True).first.click()  # the agenda's link, clicked
    tabs = {0: page}
    problems: list[str] = []
    for index, item in enumerate(walk):
        for ahead in range(index + 1, min(index + 1 + AHEAD, len(walk))):
            if ahead not in tabs and not (clicked and ahead == last):
                tabs[ahead] = start_loading(page.context, urls[ahead])
        page = tabs.pop(index)
        wait_for_widgets(page)
        assert page.url.split("?")[0].endswith(item.path)
        if index > 0:  # back to the page before it in the walk (an activity run first: the section before)
            before = link_target(page, '.ap-nav a[rel="prev"]')
            assert leads_to(before, walk[index - 1].path), f"{item.title}: previous leads to {before}"
        agenda = link_target(page, '.ap-nav a:text-is("Agenda")')
        assert leads_to(agenda, START_PAGE), f"{item.title}: Agenda leads to {agenda}"
        following = page.locator('.ap-nav a[rel="next"]')
        if index == last:
            expect(following).to_have_count(0)
        else:
            target = link_target(page, '.ap-nav a[rel="next"]')
            assert leads_to(target, walk[index + 1].path), f"{item.title}: next leads to {target}"
        if clicked and index >= last - 1:  # the last next link, then the Agenda link: clicked
            problems += check_page(page, item.title, item.path in activities)
            link = following if index < last else page.locator('.ap-nav a:text-is("Agenda")')
            link.first.click()
            tabs[index + 1] = page
            continue
        if index == last:  # the walk ends back on the agenda
            tabs[index + 1] = start_loading(page.context, agenda)
        problems += check_page(page, item.title, item.path in activities)
        leave(page)
    page = tabs.pop(len(walk))
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
    # Every activity's link on the agenda, read from this one render of the start page.
    activities = [(item, activity) for course_plan in PLANS.values() for item in course_plan.items
                  for activity in item.activities]
    links = {activity.title: urljoin(page.url, page.get_by_role("link", name=activity.title, exact=True)
                                     .get_attribute("href"))
             for _, activity in activities}
    for _, activity in activities:
        assert leads_to(links[activity.title], activity.path), f"the agenda's {activity.title} link"
    # An activity the plan walk renders (run before its section) is checked there, on its one render.
    rendered = [(item, activity) for item, activity in activities if activity.path not in WALKED]
    assert rendered, "every activity runs before its section: the walk renders them all"
    tabs = [start_loading(page.context, links[rendered[0][1].title])]  # loads while the start page is checked
    problems += accessibility_problems(page, "start page, signed in")
    for position, (item, activity) in enumerate(rendered):
        tab = tabs[position]
        if position + 1 < len(rendered):  # the next activity loads while this one is checked
            tabs.append(start_loading(page.context, links[rendered[position + 1][1].title]))
        wait_for_widgets(tab)
        assert tab.url.split("?")[0].endswith(activity.path)
        problems += check_page(tab, activity.title, activity=True)
        # an activity run after the teaching leads back to its section (one run before it leads back to
        # the section before it: the walk checks that link, on its render of the activity)
        back = plan.navigation(activity.page_id, REPO / "course").previous
        assert back == item.ref, f"{activity.title}: previous in the plan is {back}"
        assert leads_to(link_target(tab, '.ap-nav a[rel="prev"]'), back.path), f"{activity.title}: previous"
        if position + 1 < len(rendered):
            leave(tab)
    # one previous link followed by a click, from the last activity checked
    tab.locator('.ap-nav a[rel="prev"]').first.click()
    wait_for_widgets(tab)
    expect(tab.get_by_role("heading", level=1)).to_contain_text(rendered[-1][0].title)
    assert problems == []
