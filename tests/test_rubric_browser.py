"""Activity 3 in real Chromium: the observer scores a round's rubric by keyboard and mouse, and it is saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from adaptive_policing.content.complaint_process import PROMPT_PREFIX, complaint_process
from adaptive_policing.data.store import TrainingClass

from .browser import accessibility_problems, shot, sign_in, wait_for_widgets
from .conftest import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.server]

ACTIVITY = "Learning Activity 3: Changing Perception"


def test_the_observer_scores_and_saves_a_round_s_rubric(
    page: Page, trainee_server: LiveServer, live_class: TrainingClass
) -> None:
    sign_in(page, trainee_server, live_class, "Rae Okafor", "6402")
    page.get_by_role("link", name=ACTIVITY, exact=True).click()
    wait_for_widgets(page)
    round_one = page.locator(".ap-rubric").first
    expect(round_one).to_contain_text("Observer's rubric, round 1")
    expect(round_one).to_contain_text("Accept and document the complaint")
    assert accessibility_problems(page, ACTIVITY) == []

    kit = page.locator(".ap-roleplay").first
    kit.get_by_label("Observer").check()
    expect(kit).to_contain_text("Score each step of the rubric")
    expect(kit.get_by_text("Tick each step you saw or heard.")).to_be_hidden()

    round_one.get_by_label("Officer").fill("Kim Lee")
    round_one.get_by_role("button", name="Save rubric").click()
    expect(round_one.locator(".ap-status")).to_contain_text("rate every step")
    for group in round_one.locator(".ap-rubric-choice").all():
        group.get_by_label("Done", exact=True).check()
    round_one.locator(".ap-rubric-choice").nth(1).get_by_label("Partly", exact=True).check()
    expect(round_one).to_contain_text("Score so far: 21 of 22 points")
    round_one.get_by_role("button", name="Save rubric").click()
    expect(round_one.locator(".ap-status")).to_contain_text("Saved at")
    shot(page, "activity-3-rubric")

    store = trainee_server.store()
    trainee = next(t for t in store.trainees_in(live_class.id) if t.badge == "6402")
    saved = store.latest_answer(trainee, PROMPT_PREFIX + "window-citation-complaint")
    store.close()
    assert saved is not None and saved.value["officer"] == "Kim Lee"
    assert saved.value["ratings"]["intake"] == "partly"
    assert len(saved.value["ratings"]) == len(complaint_process().steps)
