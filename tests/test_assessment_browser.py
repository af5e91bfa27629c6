"""End to end in Chromium: a trainee signs in, takes the assessment, and `grade` puts the score in the roster."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import nbformat
import pytest
from playwright.sync_api import Locator, Page, expect

from adaptive_policing.grading.submission import GRADING_DIR_ENV
from adaptive_policing.grading.course import GradingPaths, copy_config

from .browser import shot, sign_in, wait_for_widgets
from .conftest import REPO, LiveServer, start_server, stop_process_tree

pytestmark = [pytest.mark.browser, pytest.mark.server]

SECOND_ANSWER = "'A house on this block was just broken into; I'm checking with people nearby.'"
"""The keyed answer to question 2 (``explain_the_why``, 1 point)."""
WINDOW_FIRST_ANSWER = "Look up, make eye contact and signal 'I'll be right with you' while you finish"
"""The keyed answer to the window module's question 1 (``window_acknowledge``)."""


@pytest.fixture(scope="module")
def assessment_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    """A trainee server whose kernels write submissions to a throwaway nbgrader course root."""
    var = tmp_path_factory.mktemp("assessment-var")
    grading = var / "grading"
    copy_config(GradingPaths(grading, REPO / "solutions" / "assessment", REPO / "exercises" / "assessment"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(GRADING_DIR_ENV, str(grading))
        server = start_server("trainee", var)
    yield server, grading
    stop_process_tree(server.process)


def _open_assessment(page: Page, server: LiveServer, name: str, badge: str, course_page: str,
                     questions: int, *, on_start_page: bool = True) -> tuple[Any, Any, Locator]:
    """A new class, a trainee signed in to it, and the assessment on ``course_page`` open at its first question.

    ``on_start_page``: the trainee signs in on the start page in Chromium; otherwise the
    store signs them in and the page is opened with their token, as a bookmark of it would.
    Returns the store, the class and the assessment app's locator.
    """
    store = server.store()
    course = store.create_class(location="Room C", instructor="Sgt. Example")
    if on_start_page:
        sign_in(page, server, course, name, badge)
    token = store.sign_in(course.code, name, badge).token  # the same trainee, as the page knows them
    page.goto(server.page_url(f"course/{course_page}.ipynb", token))
    wait_for_widgets(page)
    app = page.locator(".ap-assessment")
    expect(app.get_by_role("heading", name=f"Question 1 of {questions}")).to_be_visible()
    return store, course, app


def test_take_the_assessment_in_chromium_and_see_the_score_after_grading(
    page: Page, assessment_server: tuple[LiveServer, Path]
) -> None:
    server, grading = assessment_server
    store, course, app = _open_assessment(page, server, "Robin Diaz", "7001", "09-assessment-of-learning", 26)
    for reason in ("There has been no customer-service training specific to law enforcement",
                   "There are no clearly defined expectations for service delivery by police officers",
                   "There are no industry standards for interactions"):
        app.get_by_label(reason).check()
    expect(app.get_by_text("· 1 of 26 answered")).to_be_visible()
    app.get_by_role("button", name="Next").click()
    app.get_by_label(SECOND_ANSWER).check()
    expect(app.get_by_text("· 2 of 26 answered")).to_be_visible()
    expect(app.get_by_text("Answer saved")).to_be_visible()

    page.reload()  # closed mid-way and came back: the answers are still there
    wait_for_widgets(page)
    app = page.locator(".ap-assessment")
    expect(app.get_by_text("· 2 of 26 answered")).to_be_visible()
    app.get_by_role("button", name="Next").click()
    expect(app.get_by_label(SECOND_ANSWER)).to_be_checked()

    app.get_by_role("button", name="Review answers").click()
    expect(app.get_by_text("24 questions are not answered")).to_be_visible()
    shot(page, "assessment")
    app.get_by_role("button", name="Submit assessment").click()
    expect(app.get_by_role("heading", name="Submit your assessment?")).to_be_visible()
    expect(app.get_by_text("24 of 26 questions are not answered")).to_be_visible()
    expect(app.get_by_text("Question 3: ")).to_be_visible()
    shot(page, "assessment-confirm")
    app.get_by_role("button", name="Yes, submit now").dblclick()
    expect(app.get_by_role("heading", name="Assessment submitted")).to_be_visible()
    student = grading / "submitted" / f"{course.code}-b7001"
    expect(app.get_by_role("button", name="Review answers")).to_be_visible()  # both clicks handled
    assert [p.name for p in student.iterdir() if not p.name.startswith(".")] == ["adaptive-policing-assessment"]
    assert not (grading / "history").exists()  # a double click writes one submission
    assert len(store.answer_history(store.sign_in(course.code, "Robin Diaz", "7001"), "assessment-submitted:adaptive-policing-assessment")) == 1

    env = {**os.environ, GRADING_DIR_ENV: str(grading), "ADAPTIVE_POLICING_DB_URL": server.db_url,
           "ADAPTIVE_POLICING_HOME": str(REPO),
           "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]}
    done = subprocess.run([sys.executable, "-m", "adaptive_policing.grading.cli", "grade"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = list(csv.DictReader((grading / "reports" / "roster.csv").open()))
    mine = next(r for r in rows if r["trainee_number"] == "7001" and r["class_code"] == course.code)
    assert (mine["trainee_name"], mine["course_completed"], mine["assessment_status"]) == ("Robin Diaz", "no", "graded")
    assert mine["score"] == "3" and mine["met_standard"] == "no"
    store.close()


def test_the_window_module_s_check_runs_on_its_last_page_in_chromium(
    page: Page, assessment_server: tuple[LiveServer, Path]
) -> None:
    server, grading = assessment_server
    # signing in on the start page is the first test's; this one opens the page with the trainee's token
    store, course, app = _open_assessment(page, server, "Kim Nguyen", "7002", "11-telephone", 8,
                                          on_start_page=False)
    app.get_by_label(WINDOW_FIRST_ANSWER).check()
    expect(app.get_by_text("· 1 of 8 answered")).to_be_visible()
    app.scroll_into_view_if_needed()
    shot(page, "window-assessment")
    app.get_by_role("button", name="Review answers").click()
    expect(app.get_by_text("7 questions are not answered")).to_be_visible()
    app.get_by_role("button", name="Submit assessment").click()
    expect(app.get_by_text("7 of 8 questions are not answered")).to_be_visible()
    app.get_by_role("button", name="Yes, submit now").click()
    expect(app.get_by_role("heading", name="Assessment submitted")).to_be_visible()
    folder = grading / "submitted" / f"{course.code}-b7002"
    assert [p.name for p in folder.iterdir() if not p.name.startswith(".")] == ["district-window-assessment"]
    submitted = nbformat.read(folder / "district-window-assessment" / "assessment.ipynb", as_version=4)
    assert f"window_acknowledge = {WINDOW_FIRST_ANSWER!r}" in [c.source for c in submitted.cells]
    store.close()
