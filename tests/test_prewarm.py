"""Pre-warmed sections: the trainee server keeps kernels ready for the class's next page.

The plan (which pages, how many kernels) is checked as pure functions. A real
trainee server started with ``--prewarm`` (as ``adaptive-policing serve`` starts it)
is then followed through a class: warmed as the class starts, each warmed page
opened by its own trainee in Chromium, pools moved on with the class and emptied
when it finishes.
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from adaptive_policing.analysis.agenda import FINISHED
from adaptive_policing.data.store import ResponseStore, Trainee, TrainingClass
from adaptive_policing.serve.pools import (
    KERNEL_ADDRESS_ENV,
    START_PAGE,
    START_PAGE_POOL,
    ClassAgenda,
    PoolTarget,
    kernels_connect_from,
    pool_room,
    todays_agendas,
    wanted_pools,
    within_room,
)
from adaptive_policing.views.join import lan_addresses
from adaptive_policing.widgets import opening, prewarmed, viewer
from adaptive_policing.widgets.case_study import CaseStudyPlayer
from adaptive_policing.widgets.page import SignInForm, page_header
from adaptive_policing.widgets.prompt import DiscussionPrompt
from adaptive_policing.widgets.survey import SelfAssessment

from .browser import shot, wait_for_widgets
from .conftest import (
    REPO, LiveServer, kernel_processes, kernels_store_secret, post_store_call, start_server, stop_process_tree,
)

PAGES = ("course/01-introductions.ipynb", "course/02-what-is-the-problem.ipynb", "course/03-what-is-customer-service.ipynb")
SECTION_II = PAGES[1]
SECTION_III = PAGES[2]


# --- the plan ------------------------------------------------------------------------


def test_before_the_class_starts_the_start_page_and_the_first_section_are_warmed() -> None:
    waiting = ClassAgenda(pages=PAGES, section=None, finished=False, signed_in=4)
    assert wanted_pools([waiting]) == {START_PAGE: PoolTarget(START_PAGE_POOL, True), PAGES[0]: PoolTarget(4, True)}
    two_classes = [waiting, ClassAgenda(pages=PAGES, section=None, finished=False, signed_in=0)]
    assert wanted_pools(two_classes)[START_PAGE] == PoolTarget(START_PAGE_POOL, True)  # one start page for all


def test_during_a_section_the_next_one_fills_and_the_current_one_only_shrinks_to_who_has_not_opened_it() -> None:
    in_section_i = ClassAgenda(pages=PAGES, section=0, finished=False, signed_in=30,
                               opened={PAGES[0]: 26, SECTION_II: 2})
    assert wanted_pools([in_section_i], next_after=0) == {
        PAGES[0]: PoolTarget(4, False), SECTION_II: PoolTarget(28, True)}
    two_classes = [in_section_i, ClassAgenda(pages=PAGES, section=0, finished=False, signed_in=5, opened={PAGES[0]: 5})]
    assert wanted_pools(two_classes, next_after=0) == {
        PAGES[0]: PoolTarget(4, False), SECTION_II: PoolTarget(33, True)}
    # a page that is one class's current section and another's next one fills
    ahead = ClassAgenda(pages=PAGES, section=1, finished=False, signed_in=3)
    assert wanted_pools([in_section_i, ahead], next_after=0)[SECTION_II] == PoolTarget(31, True)


def test_the_next_section_waits_while_the_class_opens_the_one_it_has_just_moved_to() -> None:
    just_moved = ClassAgenda(pages=PAGES, section=0, finished=False, signed_in=30, opened={PAGES[0]: 12},
                             in_section_for=20)
    assert wanted_pools([just_moved], next_after=60) == {PAGES[0]: PoolTarget(18, False)}
    settled = ClassAgenda(pages=PAGES, section=0, finished=False, signed_in=30, opened={PAGES[0]: 30},
                          in_section_for=60)
    assert wanted_pools([settled], next_after=60) == {SECTION_II: PoolTarget(30, True)}


def test_nothing_is_warmed_after_the_last_section_when_finished_or_for_an_empty_class() -> None:
    everyone_there = {page: 30 for page in PAGES}
    assert wanted_pools([ClassAgenda(pages=PAGES, section=2, finished=False, signed_in=30, opened=everyone_there)]) == {}
    assert wanted_pools([ClassAgenda(pages=PAGES, section=None, finished=True, signed_in=30)]) == {}
    assert wanted_pools([ClassAgenda(pages=PAGES, section=0, finished=False, signed_in=0)]) == {}
    # a page the server does not serve ("") is never warmed
    assert wanted_pools([ClassAgenda(pages=(PAGES[0], ""), section=0, finished=False, signed_in=3,
                                     opened={PAGES[0]: 3})], next_after=0) == {}


def test_pools_keep_a_quarter_of_the_kernel_budget_free_and_the_start_page_comes_first() -> None:
    assert pool_room(max_kernels=40, kernels_in_use=0) == 30
    assert pool_room(max_kernels=40, kernels_in_use=25) == 5
    assert pool_room(max_kernels=40, kernels_in_use=39) == 0
    wanted = {SECTION_III: PoolTarget(30, True), START_PAGE: PoolTarget(5, True), SECTION_II: PoolTarget(30, False)}
    # section II, which only shrinks, holds 4 warmed kernels: they keep their room, then the start page
    assert within_room(wanted, 12, held={SECTION_II: 4}) == {
        SECTION_II: PoolTarget(4, False), START_PAGE: PoolTarget(5, True), SECTION_III: PoolTarget(3, True)}
    # a pool that only shrinks and holds nothing takes no room from the one that fills
    assert within_room(wanted, 12, held={})[SECTION_III] == PoolTarget(7, True)
    assert within_room(wanted, 100, held={SECTION_II: 30}) == wanted


def test_todays_agendas_follow_the_store(tmp_path: Path) -> None:
    store = ResponseStore(f"sqlite:///{tmp_path / 'responses.sqlite3'}")
    today = store.create_class(location="Room 1")
    store.create_class(location="Room 2", class_date=date.today() - timedelta(days=1))  # yesterday's: left out
    ana, _ben = (store.sign_in(today.code, name, badge) for name, badge in (("Ana", "101"), ("Ben", "102")))
    store.record_progress(today.id, "01-introductions")
    store.record_visit(ana, "02-what-is-the-problem")
    store.record_visit(ana, "02-what-is-the-problem")  # twice is one trainee
    [agenda] = todays_agendas(store, REPO)
    assert agenda.section == 0 and agenda.signed_in == 2 and not agenda.finished
    assert agenda.pages[:3] == PAGES
    assert agenda.opened[SECTION_II] == 1 and agenda.opened[SECTION_III] == 0
    assert 0 <= agenda.in_section_for < 60
    assert wanted_pools([agenda], next_after=0) == {PAGES[0]: PoolTarget(2, False), SECTION_II: PoolTarget(1, True)}
    assert todays_agendas(store, tmp_path)[0].pages[:3] == ("", "", "")  # a server serving none of the pages
    store.record_progress(today.id, FINISHED)
    assert todays_agendas(store, REPO) == []
    store.close()


# --- a pre-warmed page waits for its request -------------------------------------------


def forget_the_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """A kernel that has not been handed its request yet, nor started waiting for it (undone after the test)."""
    monkeypatch.setattr(viewer, "_request_arrived", False)
    monkeypatch.setattr(viewer, "_waiting_for_request", [])
    monkeypatch.setattr(prewarmed, "_arrived", threading.Event())
    monkeypatch.setattr(prewarmed, "_on_arrival", [])
    monkeypatch.setattr(prewarmed, "_fetching", False)


def test_a_pre_warmed_page_reads_nothing_of_its_request_before_the_server_hands_it_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events: list[str] = []
    monkeypatch.setenv(prewarmed.PREHEAT_ENV, "True")
    for set_by_the_request in ("QUERY_STRING", prewarmed.REQUEST_MARK):  # removed again after the test
        monkeypatch.setenv(set_by_the_request, "")
        monkeypatch.delenv(set_by_the_request)
    forget_the_request(monkeypatch)
    monkeypatch.setattr(viewer, "page_store", lambda: events.append("store opened"))
    monkeypatch.setattr(prewarmed, "RETRY_SECONDS", 0)
    request = {prewarmed.REQUEST_MARK: "/voila/render/course/02-what-is-the-problem.ipynb",
               "QUERY_STRING": "t=the-trainees-token"}
    answers = iter([None, json.dumps(request)])  # the busy server did not take the first connection

    def receive(url: str) -> str | None:
        events.append(f"asked {url}")
        return next(answers)

    monkeypatch.setenv("VOILA_APP_PORT", "8866")
    monkeypatch.setenv("VOILA_KERNEL_ID", "0a1b")
    monkeypatch.setattr(prewarmed, "_receive_request", receive)
    assert viewer.served_by_voila()
    assert viewer.page_token() == "the-trainees-token"
    assert viewer.page_param("t") == "the-trainees-token"
    # the store first; asked again after no answer; and never again once the request is there
    asked = "asked ws://127.0.0.1:8866/voila/query/0a1b"
    assert events == ["store opened", asked, asked]


def a_warmed_kernel(monkeypatch: pytest.MonkeyPatch, store: ResponseStore, page: str,
                    query: str) -> threading.Event:
    """A pre-warmed kernel for ``page`` on ``store``, whose request (``query``) comes once the returned event is set."""
    monkeypatch.setenv(prewarmed.PREHEAT_ENV, "True")
    for set_by_the_request in ("QUERY_STRING", "HTTP_COOKIE", prewarmed.REQUEST_MARK):  # removed after the test
        monkeypatch.setenv(set_by_the_request, "")
        monkeypatch.delenv(set_by_the_request)
    forget_the_request(monkeypatch)
    monkeypatch.setattr(viewer, "_signed_in", None)
    monkeypatch.setattr(opening, "_page", None)
    monkeypatch.setattr(viewer, "page_store", lambda: store)
    monkeypatch.setattr("adaptive_policing.widgets.common.page_store", lambda: store)
    handed_over = threading.Event()

    def receive(_url: str) -> str:  # the server hands the request over once the trainee asks for the page
        handed_over.wait(30)
        return json.dumps({prewarmed.REQUEST_MARK: f"/voila/render/{page}", "QUERY_STRING": query})

    monkeypatch.setattr(prewarmed, "_receive_request", receive)
    return handed_over


def on_a_kernel_loop(make_page: Callable[[], Any], handed_over: threading.Event) -> tuple[Any, Any]:
    """Make the page on an event loop, as a kernel does, then hand the request over and wait until it has arrived.

    Returns what ``make_page`` returned before the request and again after it (for widgets, the same ones).
    """

    async def run() -> tuple[Any, Any]:
        page = make_page()
        before = page() if callable(page) else page
        handed_over.set()
        for _ in range(1000):
            if viewer.request_arrived():
                break
            await asyncio.sleep(0.01)
        return before, page() if callable(page) else page

    opened: list[tuple[Any, Any]] = []  # on a thread of its own: this one may hold the browser's event loop
    kernel_thread = threading.Thread(target=lambda: opened.append(asyncio.run(run())))
    kernel_thread.start()
    kernel_thread.join(60)
    [result] = opened
    return result


def test_a_pre_warmed_page_is_drawn_ahead_and_filled_in_for_its_trainee_when_the_request_arrives(
    store: ResponseStore, trainee: Trainee, monkeypatch: pytest.MonkeyPatch,
) -> None:
    handed_over = a_warmed_kernel(monkeypatch, store, "course/03-what-is-customer-service.ipynb",
                                  f"t={trainee.token}")
    store.save_answer(trainee, "s03-her-need", "A report number for her insurer by Friday.")

    def make_page() -> Callable[[], dict[str, Any]]:
        banner = page_header("03-what-is-customer-service")
        answered = DiscussionPrompt("s03-her-need", "What does she need?")
        case = CaseStudyPlayer("window-stolen-bike")
        return lambda: {"banner": banner.value, "answer": answered.text.value, "save off": answered.save_button.disabled,
                        "status": answered.status, "decision": case.situation.value,
                        "visits": [(who.id, page_id) for who, page_id, _at in store.visits(trainee.class_id)],
                        "typing off": answered.text.disabled, "choosing off": (case.options.disabled,
                                                                              case.choose_button.disabled),
                        "prompt": answered}

    ahead, filled_in = on_a_kernel_loop(make_page, handed_over)
    # drawn before anybody asked: nobody's name, no answer, Save off, no visit; the case study's first decision
    assert "Opening your page" in ahead["banner"] and trainee.name not in ahead["banner"]
    assert trainee.token not in ahead["banner"]
    assert (ahead["answer"], ahead["save off"], ahead["visits"]) == ("", True, [])
    assert "Decision 1" in ahead["decision"]
    # nothing can be typed or chosen yet: the trainee's saved answer would replace it
    assert ahead["typing off"] and ahead["choosing off"] == (True, True)
    assert not filled_in["typing off"] and filled_in["choosing off"] == (False, False)
    # filled in for the trainee once the request arrived
    assert f"Signed in as <strong>{trainee.name}</strong>" in filled_in["banner"]
    assert filled_in["banner"].count(f"?t={trainee.token}") == 3
    assert filled_in["answer"] == "A report number for her insurer by Friday."
    assert not filled_in["save off"] and filled_in["status"].kind == "saved"
    assert filled_in["visits"] == [(trainee.id, "03-what-is-customer-service")]
    # a widget made after the request has arrived opens for the trainee at once
    assert DiscussionPrompt("s03-later", "Anything else?").participant.trainee == trainee
    answered = filled_in["prompt"]
    answered.text.value = "A report number today."
    assert answered.save() and store.latest_answer(trainee, "s03-her-need").value == "A report number today."


def test_a_pre_warmed_widget_that_cannot_read_its_trainee_s_answer_says_so_and_stays_off(
    store: ResponseStore, trainee: Trainee, monkeypatch: pytest.MonkeyPatch,
) -> None:
    handed_over = a_warmed_kernel(monkeypatch, store, "course/03-what-is-customer-service.ipynb",
                                  f"t={trainee.token}")

    def unreachable(*_args: Any) -> None:
        raise OSError("the database server is gone")

    def make_page() -> tuple[DiscussionPrompt, SelfAssessment]:
        page_header("03-what-is-customer-service")
        answered, rated = DiscussionPrompt("s03-her-need", "What does she need?"), SelfAssessment("pre")
        monkeypatch.setattr(opening, "take", unreachable)  # after the page was drawn: the store fails as it fills in
        monkeypatch.setattr(store, "latest_answer", unreachable)
        return answered, rated

    _, (answered, rated) = on_a_kernel_loop(make_page, handed_over)
    assert answered.status.kind == "error" and "Reload the page" in answered.status.text
    assert answered.save_button.disabled and answered.text.disabled
    assert rated.status.kind == "error" and "Reload the page" in rated.status.text
    assert rated.save_button.disabled and all(choice.disabled for choice in rated.choices.values())


def test_a_pre_warmed_start_page_waits_to_sign_in_and_then_greets_the_browser_s_trainee(
    store: ResponseStore, trainee: Trainee, monkeypatch: pytest.MonkeyPatch,
) -> None:
    handed_over = a_warmed_kernel(monkeypatch, store, "course/00-start.ipynb", f"t={trainee.token}")

    def make_page() -> Callable[[], dict[str, Any]]:
        form = SignInForm()
        return lambda: {"sign in off": form.button.disabled, "welcome": form.welcome.value,
                        "form shown": form.form.layout.display != "none"}

    ahead, filled_in = on_a_kernel_loop(make_page, handed_over)
    assert ahead == {"sign in off": True, "welcome": "", "form shown": True}
    assert trainee.name in filled_in["welcome"] and not filled_in["form shown"]
    assert not filled_in["sign in off"]


FETCH_REQUEST = """
import asyncio, json, os, socket, sys, threading
from tornado.web import Application
from tornado.websocket import WebSocketHandler

class Query(WebSocketHandler):  # the server's side of voila/query/<kernel id>: one message, the request
    def open(self, kernel_id):
        self.write_message(json.dumps({"SCRIPT_NAME": "/voila/render/x.ipynb", "QUERY_STRING": "t=tok-" + kernel_id}))

async def serve(port, ready):
    Application([(r"/voila/query/(.*)", Query)]).listen(port, "127.0.0.1")
    ready.set()
    await asyncio.Event().wait()

port = socket.create_server(("127.0.0.1", 0)).getsockname()[1]
ready = threading.Event()
threading.Thread(target=lambda: asyncio.run(serve(port, ready)), daemon=True).start()
ready.wait()
os.environ.update(VOILA_PREHEAT="True", VOILA_APP_PORT=str(port), VOILA_KERNEL_ID="k1")
from adaptive_policing.widgets import viewer
viewer.page_store = lambda: None
print(viewer.page_token())
print(sorted({m.split(".")[0] for m in sys.modules} & {"voila", "jupyter_server", "nbconvert", "websockets"}))
"""


def test_a_pre_warmed_kernel_fetches_its_request_without_loading_voila_jupyter_server_or_nbconvert() -> None:
    fetched = subprocess.run([sys.executable, "-c", FETCH_REQUEST], capture_output=True, text=True, cwd=REPO,
                             timeout=60)
    assert fetched.returncode == 0, fetched.stderr
    assert fetched.stdout.split("\n")[:2] == ["tok-k1", "[]"]


# --- a real server, through a class ------------------------------------------------------


def kernels_of(server: LiveServer) -> int:
    """How many live kernel processes the server has."""
    return len(kernel_processes(server.process.pid))


def until(condition: Callable[[], bool], what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.5)


def server_log(server: LiveServer) -> str:
    return (server.var_dir / "trainee-server.log").read_text(errors="replace")


@pytest.fixture(scope="module")
def warming_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # the next section is warmed 5 s into a section (60 s when served), so the test need not wait a minute
    # on every address of the machine, as in a classroom: a device on the network can reach it
    server = start_server("trainee", tmp_path_factory.mktemp("prewarm-var"), prewarm=True, prewarm_after=5,
                          ip="0.0.0.0")
    yield server
    stop_process_tree(server.process)


@pytest.mark.server
@pytest.mark.browser
def test_a_class_opens_its_next_section_on_kernels_warmed_for_it_each_page_for_its_own_trainee(
    browser: object, warming_server: LiveServer,
) -> None:
    server = warming_server
    used_before = server_log(server).count("Using pre-heated kernel")
    store = ResponseStore(server.db_url)
    course: TrainingClass = store.create_class(location="Room 3")
    store.record_progress(course.id, "01-introductions")  # the instructor starts the class
    trainees: list[Trainee] = [store.sign_in(course.code, f"Trainee {n}", f"55{n:02}") for n in range(3)]
    until(lambda: "Kernel pool of course/02-what-is-the-problem.ipynb is filled with 3" in server_log(server),
          "section II warmed with one kernel per trainee")
    until(lambda: kernels_of(server) == 3, "only section II's kernels")  # section I: nobody needs one
    started_before = server_log(server).count("Kernel started")

    store.save_answer(trainees[1], "s02-negative-publicity", "Saved before the page was warmed")
    store.record_progress(course.id, "02-what-is-the-problem")  # Next section: the class opens section II
    contexts = [browser.new_context() for _ in trainees]  # type: ignore[attr-defined]
    pages: list[Page] = [context.new_page() for context in contexts]
    try:
        for page, trainee in zip(pages, trainees):
            page.goto(server.page_url(SECTION_II, trainee.token), wait_until="commit")
        for page, trainee in zip(pages, trainees):
            wait_for_widgets(page)
            expect(page.locator(".ap-page-header")).to_contain_text(f"Signed in as {trainee.name}")
            assert "Traceback" not in page.inner_text("body")
        assert server_log(server).count("Using pre-heated kernel") == used_before + 3
        # the page run ahead shows each trainee their own answers
        expect(pages[1].locator(".ap-prompt").first.locator("textarea")).to_have_value(
            "Saved before the page was warmed")
        expect(pages[0].locator(".ap-prompt").first.locator("textarea")).to_have_value("")
        first = pages[0].locator(".ap-prompt").first
        first.locator("textarea").fill("Answered on a warmed kernel")
        first.get_by_role("button", name="Save answer").click()
        expect(first.locator(".ap-status")).to_contain_text("Saved at")
        assert store.latest_answer(trainees[0], "s02-negative-publicity").value == "Answered on a warmed kernel"
        shot(pages[0], "prewarmed-section")

        # the class is in section II: its kernels are the three pages; section III is warmed next
        until(lambda: "Kernel pool of course/03-what-is-customer-service.ipynb is filled with 3" in server_log(server),
              "section III warmed")
        assert kernels_of(server) == 6
        started_since = server_log(server).count("Kernel started") - started_before
        assert started_since == 3, "kernels were started for section II after the class opened it"

        store.record_progress(course.id, FINISHED)  # the class is over: no kernel waits any more
        until(lambda: kernels_of(server) == 3, "the warmed kernels of section III let go")
    finally:
        for context in contexts:
            context.close()
        store.close()


@pytest.mark.server
@pytest.mark.browser
def test_before_the_class_starts_a_trainee_s_start_page_opens_on_a_warmed_kernel_and_greets_them(
    browser: object, warming_server: LiveServer,
) -> None:
    server = warming_server
    used_before = server_log(server).count("Using pre-heated kernel")
    kernels_before = kernels_of(server)
    with server.store() as store:
        course = store.create_class(location="Room 5")  # not started: the start page is warmed
        trainee = store.sign_in(course.code, "Morgan Reyes", "5701")
    until(lambda: "Kernel pool of course/00-start.ipynb is filled with 5" in server_log(server), "start page warmed")
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(server.page_url("course/00-start.ipynb", trainee.token))
        wait_for_widgets(page)
        expect(page.locator(".ap-sign-in")).to_contain_text("Welcome, Morgan Reyes.")
        expect(page.get_by_role("button", name="Sign in")).to_be_hidden()
        assert server_log(server).count("Using pre-heated kernel") == used_before + 1
        page.locator(".ap-sign-in").scroll_into_view_if_needed()
        shot(page, "prewarmed-start-page")
        page.goto("about:blank")  # the page left gives its kernel back
    finally:
        context.close()
        with server.store() as store:
            store.record_progress(course.id, FINISHED)
    # the class is over: its warmed kernels go, and the module's other test finds the server as it was
    until(lambda: kernels_of(server) <= kernels_before, "the start page's kernels let go")


def test_a_pooled_kernel_s_request_is_given_only_to_the_addresses_its_kernels_connect_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(KERNEL_ADDRESS_ENV, "192.168.1.23")  # a server told to listen on the laptop's address
    kernels = ["127.0.0.1", "::1", "::ffff:127.0.0.1", "192.168.1.23", "::ffff:192.168.1.23"]
    others = ["192.168.1.40", "::ffff:192.168.1.40", "10.0.0.2", "fe80::1", "", "not an address"]
    assert [kernels_connect_from(address) for address in kernels] == [True] * len(kernels)
    assert [kernels_connect_from(address) for address in others] == [False] * len(others)


def websocket_handshake(host: str, port: int, path: str) -> int:
    """The status of a websocket upgrade of ``path`` asked for on ``host`` (101: the socket is open)."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request("GET", path, headers={
            "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()})
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.server
def test_only_the_server_s_own_kernels_can_fetch_a_pooled_kernel_s_request(warming_server: LiveServer) -> None:
    """The request holds the trainee's token; Voilà's own socket gives it to any device that names the kernel.

    The kernels' store calls are refused to other addresses the same way."""
    addresses = lan_addresses()
    if not addresses:
        pytest.skip("this machine has no network address besides loopback to ask from")
    port = urlsplit(warming_server.base_url).port
    assert port is not None
    path = f"/voila/query/{uuid.uuid4()}"
    assert websocket_handshake("127.0.0.1", port, path) == 101  # where the kernels connect from
    assert websocket_handshake(addresses[0], port, path) == 403  # a trainee's device on the classroom network
    # nor its store calls, even with the kernels' secret
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/render/{SECTION_III}", timeout=120) as response:
        assert response.status == 200  # a page, so the server has a kernel to read the secret from
    secret = kernels_store_secret(warming_server.process.pid)
    nobody = {"method": "trainee_by_token", "args": ["no such token"], "kwargs": {"dict": []}}
    assert post_store_call("127.0.0.1", port, nobody, secret)[0] == 200
    assert post_store_call(addresses[0], port, nobody, secret)[0] == 403
    # the course itself is still served to the network
    with urllib.request.urlopen(f"http://{addresses[0]}:{port}/voila/templates/adaptive/static/course.css",
                                timeout=30) as response:
        assert response.status == 200


def section_ii_visitors(server: LiveServer) -> set[int]:
    with server.store() as store:
        return {trainee.id for course in store.classes() for trainee, page_id, _at in store.visits(course.id)
                if page_id == "02-what-is-the-problem"}


@pytest.mark.server
def test_warmed_kernels_do_not_count_against_the_kernel_budget_nor_are_culled_while_they_wait(
    tmp_path: Path,
) -> None:
    # idle kernels with no page open are culled after 3 s: warmed kernels wait like that, and are kept
    server = start_server("trainee", tmp_path, prewarm=True, prewarm_after=5, max_kernels=3, cull_idle=3,
                          cull_interval=1)
    try:
        with server.store() as store:
            course = store.create_class(location="Room 4")
            store.record_progress(course.id, "01-introductions")
            trainees = [store.sign_in(course.code, f"Trainee {n}", f"66{n:02}") for n in range(3)]
        until(lambda: "Kernel pool of course/02-what-is-the-problem.ipynb is filled with 3" in server_log(server),
              "section II warmed to the whole budget")
        until(lambda: kernels_of(server) == 3, "the budget's three kernels, all warmed")
        time.sleep(8)  # well past the culling time, with every warmed kernel idle
        assert kernels_of(server) == 3 and "Culling '" not in server_log(server)
        with server.store() as store:
            store.record_progress(course.id, "02-what-is-the-problem")
        # three kernels run, as many as the budget; they wait for this class, so the page opens on one
        with urllib.request.urlopen(server.page_url(SECTION_II, trainees[0].token), timeout=120) as response:
            assert response.status == 200
            page = response.read().decode()
        # the page was drawn ahead, and is filled in for its trainee as the request arrives
        assert "Opening your page" in page and trainees[0].name not in page
        until(lambda: section_ii_visitors(server) == {trainees[0].id}, "the page opened for its own trainee", 30)
        assert server_log(server).count("Using pre-heated kernel") == 1
    finally:
        stop_process_tree(server.process)
