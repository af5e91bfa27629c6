"""The case study and the role play in real Chromium: play to the good ending, reload, role-play as customer.

One trainee is signed in once for the module (by the store: signing in on the start page
is the course walk's and the sign-in tests'); the district window page and the telephone
page are each rendered once, with the trainee's token, and shared by the tests that play
a case or the role play on them: every case study and role play on a page is its own
widget with its own saved state, so the tests do not disturb one another, in any order
(the new cases come first, so they play on the first render, before the reload test).
"""

from __future__ import annotations

import re
from typing import Any, Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from adaptive_policing.data.store import TrainingClass

from .browser import SCREENSHOTS, shot, wait_for_widgets
from .conftest import LiveServer, new_class

pytestmark = [pytest.mark.browser, pytest.mark.server]

BADGE = "CS-1"
"""The badge of the module's one trainee, Casey Study."""

def open_page(page: Page, server: LiveServer, course: TrainingClass, badge: str, notebook: str,
              wait: bool = True) -> None:
    """Open a course page as the trainee signed in with ``badge`` (the token rides in ``?t=``).

    ``wait``: wait until the page has rendered; otherwise return once it has started loading.
    """
    with server.store() as store:
        token = next(t.token for t in store.trainees_in(course.id) if t.badge == badge)
    page.goto(server.page_url(f"course/{notebook}", token), wait_until="load" if wait else "commit")
    if wait:
        wait_for_widgets(page)


@pytest.fixture(scope="module")
def case_class(trainee_server: LiveServer) -> TrainingClass:
    """The module's class in the live server's store, its one trainee Casey Study signed in (by the store)."""
    course = new_class(trainee_server)
    with trainee_server.store() as store:
        store.sign_in(course.code, "Casey Study", BADGE)
    return course


@pytest.fixture(scope="module")
def signed_in(browser: Any, case_class: TrainingClass) -> Iterator[Any]:
    """A browser context for the module's trainee (the pages carry their token in ``?t=``)."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    yield context
    context.close()


WINDOW, TELEPHONE = "10-district-window.ipynb", "11-telephone.ipynb"


@pytest.fixture(scope="module")
def course_tabs(signed_in: Any, trainee_server: LiveServer, case_class: TrainingClass) -> dict[str, Page]:
    """A tab of the signed-in browser per page the module plays on, all started loading at once.

    The pages' kernels run side by side; a test waits for its page to render (the fixtures below).
    """
    tabs: dict[str, Page] = {}
    for notebook in (WINDOW, TELEPHONE):
        tabs[notebook] = signed_in.new_page()
        open_page(tabs[notebook], trainee_server, case_class, BADGE, notebook, wait=False)
    return tabs


@pytest.fixture(scope="module")
def window_page(course_tabs: dict[str, Page]) -> Page:
    """The district window page (10), rendered once for the module's trainee."""
    wait_for_widgets(course_tabs[WINDOW])
    return course_tabs[WINDOW]


@pytest.fixture(scope="module")
def telephone_page(course_tabs: dict[str, Page]) -> Page:
    """The telephone page (11), rendered once for the module's trainee."""
    wait_for_widgets(course_tabs[TELEPHONE])
    return course_tabs[TELEPHONE]


def radio(case: Locator, letter: str) -> Locator:
    return case.get_by_role("radio", name=re.compile(rf"^{letter}\. "))


def await_fresh_choices(case: Locator) -> None:
    """Wait until the decision's choices are on the page, none selected yet.

    The same letter at two decisions in a row would otherwise find the last decision's radio still checked,
    and checking it again sends nothing to the kernel.
    """
    expect(case.get_by_role("radio", checked=True)).to_have_count(0)


def choose_by_keyboard(page: Page, case: Locator, letter: str) -> None:
    await_fresh_choices(case)
    radio(case, letter).focus()
    page.keyboard.press("Space")
    expect(radio(case, letter)).to_be_checked()
    button = case.get_by_role("button", name="Choose")
    for _ in range(6):  # ipywidgets radios are separate tab stops: Tab past the rest to Choose
        page.keyboard.press("Tab")
        if button.evaluate("b => b === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the Choose button")
    page.keyboard.press("Enter")


def saved_value(server: LiveServer, course: TrainingClass, badge: str, prompt_id: str) -> object:
    """What the trainee with ``badge`` last saved under ``prompt_id``, read from the server's store."""
    store = server.store()
    try:
        trainee = next(t for t in store.trainees_in(course.id) if t.badge == badge)
        answer = store.latest_answer(trainee, prompt_id)
        return answer.value if answer else None
    finally:
        store.close()


def choose_by_mouse(case: Locator, letter: str) -> None:
    await_fresh_choices(case)
    radio(case, letter).check()
    case.get_by_role("button", name="Choose").click()


NEW_CASES = [
    # page fixture, case id, title, perception label, letters chosen, levels after each choice, trade-offs on the way
    ("window_page", "window-crisis", "The Frightened Man at the District Window",
     "How safe and heard Mr. Reed feels", "BBBA", [5, 6, 8, 10], 1),
    ("telephone_page", "phone-language-access", "The Caller Who Needs an Interpreter",
     "How Mrs. Pham sees the police", "CCAB", [5, 7, 9, 10], 0),
]


@pytest.mark.parametrize(("rendered", "case_id", "title", "label", "letters", "levels", "trade_offs"), NEW_CASES,
                         ids=[row[1] for row in NEW_CASES])
def test_each_new_case_study_plays_to_its_good_ending_where_service_meets_a_setback(
    request: pytest.FixtureRequest, course_tabs: dict[str, Page], trainee_server: LiveServer,
    case_class: TrainingClass, rendered: str, case_id: str, title: str, label: str, letters: str,
    levels: list[int], trade_offs: int,
) -> None:
    # the case's page, shared with the module's other tests (its tab and browser set up before the test)
    page: Page = request.getfixturevalue(rendered)
    live_class, badge = case_class, BADGE
    case = page.locator(".ap-case-study").filter(has_text=title)
    expect(case.get_by_text(f"{label}: 3 out of 10")).to_be_visible()
    for step, (letter, level) in enumerate(zip(letters, levels), start=1):
        expect(case.get_by_role("heading", name=f"Decision {step}")).to_be_visible()
        choose_by_mouse(case, letter)
        expect(case.get_by_text(re.compile(rf"^{re.escape(label)}: {level} out of 10"))).to_be_visible()

    ending = case.locator(".ap-case-ending")
    expect(ending.get_by_role("heading", name="Ending: Good outcome")).to_be_visible()
    expect(ending.locator(".ap-case-setback")).to_contain_text("What good service could not change:")
    expect(ending.locator(".ap-case-step")).to_have_count(len(letters))
    expect(ending.get_by_text("≈ Defensible, with a trade-off:")).to_have_count(trade_offs)
    expect(ending.get_by_text("✓ Honours:")).to_have_count(len(letters) - trade_offs)
    ending.scroll_into_view_if_needed()
    shot(page, f"case-study-{case_id}")

    saved = saved_value(trainee_server, live_class, badge, f"case:{case_id}")
    assert isinstance(saved, dict) and saved["ending"] == "good-ending" and saved["outcome"] == "good"
    assert saved["perception"] == [3, *levels]


def test_play_the_window_case_study_to_the_good_ending_and_reload(
    window_page: Page, trainee_server: LiveServer, case_class: TrainingClass
) -> None:
    page, live_class = window_page, case_class
    case = page.locator(".ap-case-study").filter(has_text="The Stolen Bicycle")
    expect(case.get_by_text("How Ms. Alvarez sees the police: 3 out of 10")).to_be_visible()
    expect(case.get_by_text("Does anyone here actually work?")).to_be_visible()

    def now(level: int) -> None:  # the kernel has handled the choice once the measure moves
        expect(case.get_by_text(f"How Ms. Alvarez sees the police: {level} out of 10")).to_be_visible()

    choose_by_keyboard(page, case, "A")  # own the wait
    now(5)
    expect(case.locator(".ap-status")).to_contain_text("Saved at")
    choose_by_keyboard(page, case, "A")  # ask questions
    now(7)
    expect(case.get_by_role("heading", name="Decision 3")).to_be_visible()
    choose_by_mouse(case, "A")  # inform and act
    now(9)
    expect(case.get_by_role("heading", name="Decision 4")).to_be_visible()
    choose_by_mouse(case, "A")  # conclusion questions and thanks
    now(10)

    ending = case.locator(".ap-case-ending")
    expect(ending.get_by_role("heading", name="Ending: Good outcome")).to_be_visible()
    expect(ending).to_contain_text("A positive emotion outweighs a negative outcome.")
    expect(ending.locator(".ap-case-step")).to_have_count(4)
    expect(ending.get_by_text("✓ Honours:")).to_have_count(4)
    expect(case.get_by_role("button", name="Play again")).to_be_visible()
    expect(case.get_by_role("button", name="Choose")).to_be_hidden()
    ending.scroll_into_view_if_needed()
    shot(page, "case-study")

    saved = saved_value(trainee_server, live_class, BADGE, "case:window-stolen-bike")
    assert saved == {"path": ["arrival", "listens", "informed", "close", "good-ending"],
                     "choices": [0, 0, 0, 0], "perception": [3, 5, 7, 9, 10],
                     "ending": "good-ending", "outcome": "good"}

    page.reload()
    wait_for_widgets(page)
    case = page.locator(".ap-case-study").filter(has_text="The Stolen Bicycle")
    expect(case.get_by_role("heading", name="Ending: Good outcome")).to_be_visible()
    expect(case.locator(".ap-case-step")).to_have_count(4)
    expect(case.locator(".ap-status")).to_contain_text("is shown")


def test_the_telephone_role_play_as_the_customer(
    telephone_page: Page, trainee_server: LiveServer, case_class: TrainingClass
) -> None:
    page, live_class = telephone_page, case_class
    kit = page.locator(".ap-roleplay")
    expect(kit.get_by_role("radio", name="Call-taker")).to_be_visible()
    kit.get_by_role("radio", name="Customer").check()
    expect(kit.get_by_text("You are Mr. Okafor.")).to_be_visible()
    kit.get_by_label("Your partners' names").fill("Kim Nguyen and Ray Adams")
    kit.get_by_label("Before the role play").select_option(label="2")
    kit.get_by_role("button", name="Save role play").click()
    expect(kit.get_by_role("alert")).to_contain_text("please give both ratings")
    kit.get_by_label("After the role play").select_option(label="7")
    kit.get_by_label("Notes").fill("Not being transferred again calmed me down.")
    kit.get_by_role("button", name="Save role play").click()
    expect(kit.locator(".ap-status")).to_contain_text("Saved at")
    kit.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    kit.screenshot(path=str(SCREENSHOTS / "role-play.png"))

    saved = saved_value(trainee_server, live_class, BADGE, "roleplay:phone-towed-car")
    assert saved == {"role": "customer", "partners": "Kim Nguyen and Ray Adams", "before": 2, "after": 7,
                     "checklist": [], "notes": "Not being transferred again calmed me down."}
