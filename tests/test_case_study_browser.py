"""The case study and the role play in real Chromium: play to the good ending, reload, role-play as customer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from adaptive_policing.data.store import TrainingClass

from .browser import SCREENSHOTS, shot, sign_in, wait_for_widgets
from .conftest import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.server]

def open_page(page: Page, server: LiveServer, course: TrainingClass, badge: str, notebook: str) -> None:
    """Open a course page as the trainee signed in with ``badge`` (the token rides in ``?t=``)."""
    store = server.store()
    try:
        token = next(t.token for t in store.trainees_in(course.id) if t.badge == badge)
    finally:
        store.close()
    page.goto(server.url(f"/voila/render/course/{notebook}?t={token}"))
    wait_for_widgets(page)


def radio(case: Locator, letter: str) -> Locator:
    return case.get_by_role("radio", name=re.compile(rf"^{letter}\. "))


def choose_by_keyboard(page: Page, case: Locator, letter: str) -> None:
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
    radio(case, letter).check()
    case.get_by_role("button", name="Choose").click()


def test_play_the_window_case_study_to_the_good_ending_and_reload(
    page: Page, trainee_server: LiveServer, live_class: TrainingClass
) -> None:
    sign_in(page, trainee_server, live_class, "Casey Study", "CS-1")
    open_page(page, trainee_server, live_class, "CS-1", "10-district-window.ipynb")
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

    saved = saved_value(trainee_server, live_class, "CS-1", "case:window-stolen-bike")
    assert saved == {"path": ["arrival", "listens", "informed", "close", "good-ending"],
                     "choices": [0, 0, 0, 0], "perception": [3, 5, 7, 9, 10],
                     "ending": "good-ending", "outcome": "good"}

    page.reload()
    wait_for_widgets(page)
    case = page.locator(".ap-case-study").filter(has_text="The Stolen Bicycle")
    expect(case.get_by_role("heading", name="Ending: Good outcome")).to_be_visible()
    expect(case.locator(".ap-case-step")).to_have_count(4)
    expect(case.locator(".ap-status")).to_contain_text("is shown")


NEW_CASES = [
    # notebook, case id, title, perception label, letters chosen, levels after each choice, trade-offs on the way
    ("10-district-window.ipynb", "window-crisis", "The Frightened Man at the District Window",
     "How safe and heard Mr. Reed feels", "BBBA", [5, 6, 8, 10], 1),
    ("11-telephone.ipynb", "phone-language-access", "The Caller Who Needs an Interpreter",
     "How Mrs. Pham sees the police", "CCAB", [5, 7, 9, 10], 0),
]


@pytest.mark.parametrize(("notebook", "case_id", "title", "label", "letters", "levels", "trade_offs"), NEW_CASES,
                         ids=[row[1] for row in NEW_CASES])
def test_each_new_case_study_plays_to_its_good_ending_where_service_meets_a_setback(
    page: Page, trainee_server: LiveServer, live_class: TrainingClass, notebook: str, case_id: str, title: str,
    label: str, letters: str, levels: list[int], trade_offs: int,
) -> None:
    badge = f"NC-{case_id}"
    sign_in(page, trainee_server, live_class, "Nia Case", badge)
    open_page(page, trainee_server, live_class, badge, notebook)
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


def test_the_telephone_role_play_as_the_customer(
    page: Page, trainee_server: LiveServer, live_class: TrainingClass
) -> None:
    sign_in(page, trainee_server, live_class, "Rita Player", "RP-2")
    open_page(page, trainee_server, live_class, "RP-2", "11-telephone.ipynb")
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

    saved = saved_value(trainee_server, live_class, "RP-2", "roleplay:phone-towed-car")
    assert saved == {"role": "customer", "partners": "Kim Nguyen and Ray Adams", "before": 2, "after": 7,
                     "checklist": [], "notes": "Not being transferred again calmed me down."}
