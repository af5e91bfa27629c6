"""A page that outlives its server, in real Chromium: it says so, keeps the text, and never claims a save.

The crash test starts its own trainee server, kills it with SIGKILL (as a crash or a pulled
plug would) and starts it again on the same port; the other tests use the session's server,
cut the browser off the network, or pause the page's kernel.

Pages are opened as a trainee signed in through the store, with the token in ``?t=`` as the
course's links carry it; one page per module is reached the trainee's way (the start page's
sign-in form, then the link to section I) and shared by the tests that leave it usable.
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path
from typing import Iterator

import psutil
import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Route, WebSocketRoute, expect

from adaptive_policing.data.store import TrainingClass, Trainee

from .browser import accessibility_problems, open_section_one, shot, sign_in, wait_for_widgets
from .conftest import LiveServer, SuiteBrowser, start_server, stop_process_tree

pytestmark = [pytest.mark.browser, pytest.mark.server]

LOST = "Connection to the course was lost. Your text is kept on this device."
RESTORED = "Restored the text you had not saved yet"
BANNER_SECONDS = 5
QUESTION_26 = "free_complaint_process"
FIELD = "Law enforcement: goals, and how customers are valued"  # a field of Activity 2's group worksheet
# Every local-storage key the course writes starts with this.
PING = re.compile(r"/static/connection\.css$")  # the page's small request to the server at each check
COURSE_KEYS = "() => Object.keys(localStorage).filter(k => k.startsWith('adaptive-policing:'))"
KEPT_TEXTS = "() => Object.keys(localStorage).filter(k => k.startsWith('adaptive-policing:text:'))"
SECTION_ONE = "course/01-introductions.ipynb"


def _kill(server: LiveServer) -> None:
    """SIGKILL this test's server process (only it, by its pid), as a crash would."""
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=30)


def _page_kernel(page: Page, server: LiveServer) -> psutil.Process:
    """The kernel process of the page open in ``page`` (a child of ``server``)."""
    kernel_id = page.evaluate("() => window.jupyterapp.widgetManager.kernel.id")
    for child in psutil.Process(server.process.pid).children(recursive=True):
        if any(kernel_id in part for part in child.cmdline()):
            return child
    raise AssertionError(f"no kernel process for {kernel_id}")


def _open_the_last_question(page: Page, url: str) -> Locator:
    """Open the assessment at ``url`` and go to question 26 (a written answer) through the review screen."""
    page.goto(url)
    wait_for_widgets(page)
    app = page.locator(".ap-assessment")
    app.get_by_role("button", name="Review answers").click()
    app.get_by_label("Change answer to").select_option(index=25)
    app.get_by_role("button", name="Go to question").click()
    expect(app.get_by_role("heading", name="Question 26 of 26")).to_be_visible()
    return app


def _open_as(page: Page, server: LiveServer, course: TrainingClass, name: str, badge: str,
             notebook: str = SECTION_ONE) -> Trainee:
    """Sign ``name`` in to ``course`` through the store and open ``notebook`` with their token, as their links do."""
    with server.store() as store:
        trainee = store.sign_in(course.code, name, badge)
    page.goto(server.page_url(notebook, trainee.token))
    wait_for_widgets(page)
    return trainee


def _trainee(server: LiveServer, course: TrainingClass) -> Trainee:
    store = server.store()
    try:
        return store.trainees_in(course.id)[0]
    finally:
        store.close()


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[list[LiveServer]]:
    """A trainee server this test may kill; the list holds the one running now (restarts append)."""
    servers = [start_server("trainee", tmp_path)]
    yield servers
    for server in servers:
        if server.process.poll() is None:
            stop_process_tree(server.process)


@pytest.fixture(scope="module")
def shared_context(browser: SuiteBrowser) -> Iterator[BrowserContext]:
    """The browser context of the module's shared page."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    yield context
    context.close()


@pytest.fixture(scope="module")
def shared_state() -> dict[str, object]:
    """The shared page and its trainee, once opened."""
    return {}


@pytest.fixture
def section_one(shared_context: BrowserContext, shared_state: dict[str, object],
                trainee_server: LiveServer) -> tuple[Page, Trainee]:
    """Section I, open for a trainee who signed in on the start page's form and followed its link.

    The page is shared by the tests that leave it on section I with its kernel answering;
    when a test has left it elsewhere (signed out), a new class's trainee signs in again.
    """
    page = shared_state.get("page")
    if not isinstance(page, Page) or page.is_closed():
        page = shared_context.new_page()
        shared_state["page"] = page
    if SECTION_ONE not in page.url or "trainee" not in shared_state:
        store = trainee_server.store()
        try:
            course = store.create_class(location="Training room A", instructor="Sgt. Example")
        finally:
            store.close()
        sign_in(page, trainee_server, course, "Lee Park", "6634")
        open_section_one(page)
        assert SECTION_ONE in page.url
        shared_state["trainee"] = _trainee(trainee_server, course)
    trainee = shared_state["trainee"]
    assert isinstance(trainee, Trainee)
    return page, trainee


def test_a_crashed_server_is_announced_and_the_text_typed_after_it_comes_back(
    page: Page, own_server: list[LiveServer]
) -> None:
    server = own_server[0]
    store = server.store()
    course = store.create_class(location="Training room A", instructor="Sgt. Example")
    store.close()
    _open_as(page, server, course, "Dana Ortiz", "4821")
    first = page.locator(".ap-prompt").first
    box = first.locator("textarea")
    box.fill("before crash")
    first.get_by_role("button", name="Save answer").click()
    expect(first.locator(".ap-status")).to_contain_text("Saved at")
    assert page.evaluate(KEPT_TEXTS) == []  # confirmed by the server: no copy left on the device

    killed_at = time.monotonic()
    _kill(server)
    box.fill("after crash, typed on the old page")
    first.get_by_role("button", name="Save answer").click(force=True)  # disabled by then, or sent to no kernel
    banner = page.locator("#ap-connection")
    expect(banner).to_contain_text(LOST, timeout=BANNER_SECONDS * 1000)
    print(f"\nbrowser: SIGKILL → banner shown after {time.monotonic() - killed_at:.1f} s")
    expect(banner).to_have_attribute("role", "alert")
    expect(first.locator(".ap-status")).not_to_contain_text("Saved")
    expect(first.get_by_role("button", name="Save answer")).to_be_disabled()

    own_server.append(start_server("trainee", server.var_dir, port=int(server.base_url.rsplit(":", 1)[1])))
    expect(banner.get_by_role("button", name="Reload")).to_be_visible()  # the restarted server answers
    shot(page, "connection-lost")
    assert accessibility_problems(page, "a page that lost its server") == []

    banner.get_by_role("button", name="Reload").click()
    wait_for_widgets(page)
    first = page.locator(".ap-prompt").first
    expect(first.locator("textarea")).to_have_value("after crash, typed on the old page")
    expect(first.locator(".ap-restored")).to_contain_text(RESTORED)
    shot(page, "connection-restored-text")
    assert accessibility_problems(page, "a page with restored text") == []
    first.get_by_role("button", name="Save answer").click()
    expect(first.locator(".ap-status")).to_contain_text("Saved at")
    expect(first.locator(".ap-restored")).to_have_count(0)
    assert page.evaluate(KEPT_TEXTS) == []
    store = own_server[-1].store()
    try:
        assert store.latest_answer(_trainee(own_server[-1], course), "s01-about-you").value == (
            "after crash, typed on the old page")
    finally:
        store.close()


def test_a_lost_network_is_announced_and_the_text_is_restored_on_reload(
    page: Page, trainee_server: LiveServer, live_class: TrainingClass
) -> None:
    cut = {"off": False}

    def through_the_network(socket: WebSocketRoute) -> None:
        """Pass the page's kernel websocket through, dropping every message while the network is cut."""
        server = socket.connect_to_server()
        socket.on_message(lambda message: None if cut["off"] else server.send(message))
        server.on_message(lambda message: None if cut["off"] else socket.send(message))

    page.route_web_socket(re.compile(r"/api/kernels/"), through_the_network)
    _open_as(page, trainee_server, live_class, "Kim Nguyen", "5102")
    cut["off"] = True
    page.context.set_offline(True)
    first = page.locator(".ap-prompt").first
    first.locator("textarea").fill("typed while the network was down")
    expect(page.locator("#ap-connection")).to_contain_text(LOST, timeout=BANNER_SECONDS * 1000)
    expect(first.locator(".ap-status")).to_contain_text("Not saved")
    expect(first.get_by_role("button", name="Save answer")).to_be_disabled()

    cut["off"] = False
    page.context.set_offline(False)
    page.reload()
    wait_for_widgets(page)
    first = page.locator(".ap-prompt").first
    expect(first.locator("textarea")).to_have_value("typed while the network was down")
    expect(first.locator(".ap-restored")).to_contain_text(RESTORED)  # from the device: the server never had it


def test_one_unanswered_check_on_a_busy_server_raises_no_banner(section_one: tuple[Page, Trainee]) -> None:
    page, _ = section_one
    page.evaluate("""() => { window.apLostEvents = 0;
        window.addEventListener('adaptive-policing:connection', e => { if (e.detail.lost) window.apLostEvents++; }); }""")
    pings = {"seen": 0}

    def first_one_unanswered(route: Route) -> None:
        """The page's first server check after this gets no answer, as from a server too busy to reply."""
        pings["seen"] += 1
        if pings["seen"] == 1:
            route.abort()
        else:
            route.continue_()

    page.route(PING, first_one_unanswered)
    try:
        # The unanswered check, then three answered ones; a check starts only once the one before
        # it is handled, so the fifth one's request means the fourth answer has been handled.
        while pings["seen"] < 5:
            page.wait_for_event("request", predicate=lambda request: bool(PING.search(request.url)))
    finally:
        page.unroute(PING, first_one_unanswered)
    assert page.evaluate("() => window.apLostEvents") == 0
    expect(page.locator("#ap-connection")).to_have_count(0)
    expect(page.locator(".ap-prompt").first.get_by_role("button", name="Save answer")).to_be_enabled()


def test_typing_after_a_save_says_not_saved_yet_without_the_kernel(
    section_one: tuple[Page, Trainee], trainee_server: LiveServer
) -> None:
    page, trainee = section_one
    first = page.locator(".ap-prompt").first
    first.locator("textarea").fill("saved text")
    first.get_by_role("button", name="Save answer").click()
    expect(first.locator(".ap-status")).to_contain_text("Saved at")
    kernel = _page_kernel(page, trainee_server)
    kernel.suspend()  # the kernel answers nothing while paused
    try:
        first.locator("textarea").press_sequentially(" and more")
        expect(first.locator(".ap-status")).to_have_text("Not saved yet.")
        assert len(page.evaluate(KEPT_TEXTS)) == 1  # the unsaved text is on the device
    finally:
        kernel.resume()
    # With the kernel back, the draft is kept on the server and the status says so.
    expect(first.locator(".ap-status")).to_contain_text("Draft kept")
    store = trainee_server.store()
    try:
        entry = store.latest_entry(trainee, "s01-about-you")
        assert entry is not None and entry.draft and entry.value == "saved text and more"
        assert store.latest_answer(trainee, "s01-about-you").value == "saved text"
    finally:
        store.close()
    # Reopened without the device's copy, the page shows the newer draft from the server.
    page.evaluate("() => localStorage.clear()")
    page.reload()
    wait_for_widgets(page)
    first = page.locator(".ap-prompt").first
    expect(first.locator("textarea")).to_have_value("saved text and more")
    expect(first.locator(".ap-status")).to_contain_text("Draft kept")
    expect(first.locator(".ap-counter")).to_have_text(f"{10_000 - len('saved text and more'):,} characters left")


def test_signing_out_leaves_nothing_of_the_trainee_in_local_storage(
    section_one: tuple[Page, Trainee], trainee_server: LiveServer
) -> None:
    page, _ = section_one
    page.locator(".ap-prompt").first.locator("textarea").fill("not saved, kept on the device")
    assert len(page.evaluate(KEPT_TEXTS)) == 1
    page.goto(trainee_server.url("/?signed_out=1"))
    wait_for_widgets(page)
    assert page.evaluate(COURSE_KEYS) == []


def test_the_console_and_the_slides_show_their_banner_when_the_instructor_server_is_killed(
    page: Page, trainee_server: LiveServer
) -> None:
    instructor = start_server("instructor", trainee_server.var_dir, key="connection-test-key")
    try:
        # Both pages load at once (each executes its notebook in its own kernel).
        page.goto(instructor.url(f"/?token={instructor.key}"), wait_until="commit")
        slides = page.context.new_page()
        slides.goto(instructor.url("/voila/render/course/03-what-is-customer-service.ipynb?template=adaptive-slides"),
                    wait_until="commit", timeout=120_000)
        wait_for_widgets(page)
        expect(page.locator(".ap-console-board")).to_be_visible()
        slides.wait_for_selector(".reveal .slides section", timeout=60_000)
        slides.wait_for_load_state("load", timeout=120_000)
        _kill(instructor)
        for shown in (page, slides):
            banner = shown.locator("#ap-connection")
            expect(banner).to_contain_text("Connection to the course server was lost.", timeout=BANNER_SECONDS * 1000)
            expect(banner).not_to_contain_text("Your text is kept")  # the instructor's wording
        shot(page, "console-connection-lost")
        shot(slides, "slides-connection-lost")
    finally:
        if instructor.process.poll() is None:
            stop_process_tree(instructor.process)


def test_a_written_assessment_answer_survives_closing_the_page_without_leaving_the_box(
    page: Page, trainee_server: LiveServer, live_class: TrainingClass
) -> None:
    store = trainee_server.store()
    trainee = store.sign_in(live_class.code, "Robin Diaz", "7002")  # signed in; the page knows them by ?t=
    assessment = trainee_server.page_url("course/09-assessment-of-learning.ipynb", trainee.token)
    app = _open_the_last_question(page, assessment)
    app.locator("textarea").press_sequentially("Listen, acknowledge, solve, thank")
    expect(app.locator(".ap-counter")).to_have_text(f"{10_000 - 33:,} characters left")
    page.close(run_before_unload=True)  # the box never lost the focus

    reopened = page.context.new_page()
    app = _open_the_last_question(reopened, assessment)
    expect(app.locator("textarea")).to_have_value("Listen, acknowledge, solve, thank")
    # Whatever part of it the closing page had not sent yet goes to the server now.
    for _ in range(100):
        saved = store.latest_answer(trainee, "assessment:adaptive-policing-assessment")
        if saved is not None and saved.value["answers"].get(QUESTION_26) == "Listen, acknowledge, solve, thank":
            break
        reopened.wait_for_timeout(200)
    else:
        raise AssertionError("the written answer never reached the server")
    store.close()


def test_a_group_worksheet_keeps_a_draft_while_typing_and_clears_the_device_copy_on_save(
    page: Page, trainee_server: LiveServer, live_class: TrainingClass
) -> None:
    _open_as(page, trainee_server, live_class, "Sam Ortiz", "8120",
             "exercises/activities/activity-2-private-and-public-service.ipynb")
    sheet = page.locator(".ap-worksheet").first
    sheet.get_by_label("Group name").fill("Team 4")
    sheet.get_by_role("button", name="Join group").click()
    intro = sheet.get_by_label(FIELD, exact=True)
    expect(intro).to_be_enabled()
    intro.press_sequentially("Greeted by name")
    expect(sheet.locator(".ap-status")).to_contain_text("Draft kept")
    assert len(page.evaluate(KEPT_TEXTS)) == 1

    page.reload()
    wait_for_widgets(page)
    sheet = page.locator(".ap-worksheet").first
    expect(sheet.get_by_label(FIELD, exact=True)).to_have_value("Greeted by name")
    expect(sheet.locator(".ap-status")).to_contain_text("Draft kept")
    sheet.get_by_role("button", name="Save worksheet").click()
    expect(sheet.locator(".ap-status")).to_contain_text("Saved at")
    assert page.evaluate(KEPT_TEXTS) == []
