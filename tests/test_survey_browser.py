"""The self-assessment in real Chromium: a trainee rates before and after and sends feedback; the console shows
the change and counts the feedback without showing it (fewer than three forms)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from adaptive_policing.content.survey import load_survey
from adaptive_policing.data.store import TrainingClass

from .browser import shot, sign_in, wait_for_widgets
from .conftest import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.server]


def _rate_all(page: Page, label: str) -> None:
    """Choose ``label`` for every statement of the self-assessment on the page, then save."""
    survey = page.locator(".ap-survey")
    groups = survey.locator(".widget-radio-box")
    expect(groups).to_have_count(len(load_survey().items))
    for index in range(groups.count()):
        groups.nth(index).get_by_label(label).check()
    survey.get_by_role("button", name="Save my ratings").click()
    expect(survey.locator(".ap-status")).to_contain_text("Saved at")


def test_a_trainee_rates_before_and_after_and_the_console_shows_the_change(
    browser: object, trainee_server: LiveServer, instructor_server: LiveServer, live_class: TrainingClass
) -> None:
    trainee_context = browser.new_context(viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
    console_context = browser.new_context(viewport={"width": 1200, "height": 1000})  # type: ignore[attr-defined]
    try:
        trainee = trainee_context.new_page()
        sign_in(trainee, trainee_server, live_class, "Dana Ortiz", "4821")
        _rate_all(trainee, "2 – Disagree")  # on the start page, before section I
        shot(trainee, "survey-before")
        trainee.get_by_role("link", name="VIII. What Do We Gain").first.click()
        wait_for_widgets(trainee)
        _rate_all(trainee, "4 – Agree")  # at the end of section VIII
        shot(trainee, "survey-after")
        trainee.get_by_role("link", name="Next: IX. Assessment of Learning").first.click()
        wait_for_widgets(trainee)
        form = trainee.locator(".ap-feedback")
        form.locator("textarea").nth(0).fill("The second role-play round with <b>Officer Quill</b>")
        form.locator(".widget-radio-box").nth(0).get_by_label("5 – Excellent").check()
        form.get_by_role("button", name="Send feedback").click()
        expect(form.locator(".ap-status")).to_contain_text("Saved at")
        form.scroll_into_view_if_needed()
        shot(trainee, "survey-feedback")

        console = console_context.new_page()
        console.goto(instructor_server.url(f"/?token={instructor_server.key}"))
        wait_for_widgets(console)
        picker = console.get_by_label("Class")
        option = picker.locator("option", has_text=live_class.code)
        picker.select_option(label=option.inner_text())
        console.get_by_role("tab", name="Activities").click()
        first = load_survey().items[0].statement
        row = console.locator("table.ap-survey-table tr", has_text=first)
        expect(row).to_contain_text("2.0")
        expect(row.locator("td").last).to_have_text("+2.0")
        chart = console.locator("img.ap-chart[alt^='The class']")
        expect(chart).to_be_visible()
        assert f"{first} 2.0 before, 4.0 after (+2.0, 1 trainee(s))." in (chart.get_attribute("alt") or "")
        expect(console.get_by_text("1 feedback form(s) sent.")).to_be_visible()
        expect(console.locator(".ap-console")).not_to_contain_text("Officer Quill")
        console.locator("table.ap-survey-table").scroll_into_view_if_needed()
        shot(console, "survey-console")
    finally:
        trainee_context.close()
        console_context.close()
