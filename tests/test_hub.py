"""Department mode: the course behind a real JupyterHub and configurable-http-proxy on loopback.

One hub for the whole module (``deploy/jupyterhub/jupyterhub_config.py``, the shared-password
authenticator with a shared password, the response store and nbgrader's gradebook each in a
database of its own on the suite's throwaway PostgreSQL, nbgrader's course root in a temporary
folder), started once and killed at the end, in its own xdist group so it runs on one worker.
Two classes: HUBA1 (trainees ana and ben, instructor ivy) and HUBB2 (trainee cai, instructor
jon); cora is the coordinator (formgrade-adaptive-policing).
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import re
import shutil
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import psutil
import pytest
import requests
from nbgrader.api import Gradebook
from nbgrader.dbutil import upgrade
from playwright.sync_api import BrowserContext, Page, expect

from adaptive_policing.content.questions import ASSIGNMENT, NOTEBOOK
from adaptive_policing.data.hub import hub_trainee
from adaptive_policing.data.store import ResponseStore
from adaptive_policing.grading.course import GradingPaths
from adaptive_policing.grading.pipeline import grade, write_reports
from adaptive_policing.grading.submission import student_id
from adaptive_policing.widgets.assessment import PROGRESS_PREFIX
from adaptive_policing.widgets.console.assessment import class_scores

from .browser import shot, wait_for_widgets
from .conftest import REPO, run_coroutine
from .fixtures.assessment import submissions as fx
from .hub import PASSWORD, Hub, running_hub

pytestmark = [pytest.mark.xdist_group("hub")]

GROUPS = {
    "trainees-HUBA1": ["ana", "ben"],
    "trainees-HUBB2": ["cai"],
    "instructors-HUBA1": ["ivy"],
    "instructors-HUBB2": ["jon"],
    "instructors": ["ivy", "jon"],
    "formgrade-adaptive-policing": ["cora"],
}
START = "/services/course/voila/render/course/00-start.ipynb"
SECTION_I = "/services/course/voila/render/course/01-introductions.ipynb"
CONSOLE = "/services/console/"
FORMGRADER = "/services/formgrader/formgrader"
KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]{36})"')


@pytest.fixture(scope="module")
def hub(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """One hub for the module: its store and nbgrader's gradebook each in a fresh database on the suite's PostgreSQL."""
    import sqlalchemy as sa

    if shutil.which("configurable-http-proxy") is None:
        pytest.fail("configurable-http-proxy is not installed: run `make test` (tools/install-hub-deps.sh).")
    stem = f"hub{os.getpid()}_{time.monotonic_ns()}"
    store, gradebook = stem, f"{stem}_gradebook"  # apart: both keep an alembic_version table
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in (store, gradebook):
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server = postgres_url.rsplit("/", 1)[0]
    try:
        # Kernels of closed pages are kept for the module (it ends in minutes; the kill ends them),
        # so a test never finds the page kernel it checks culled on a busy machine.
        with running_hub(tmp_path_factory.mktemp("hub"), GROUPS, f"{server}/{store}", kernel_cull_idle=900,
                         gradebook_url=f"{server}/{gradebook}") as up:
            yield up
    finally:
        with admin.connect() as connection:
            for name in (store, gradebook):
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- who gets in, and to what ----------------------------------------------------------------------


def test_a_page_without_a_hub_login_is_sent_to_the_hub(hub: Hub) -> None:
    for path in (START, CONSOLE + "voila/render/solutions/instructor-console.ipynb"):
        response = requests.get(hub.url + path, allow_redirects=False)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/hub/"), response.headers["Location"]


def test_the_idle_culler_runs_as_a_hub_service_with_the_permissions_it_needs(hub: Hub) -> None:
    culler = hub.processes().get("idle-culler", [])
    assert len(culler) == 1 and culler[0].is_running()
    # It lists the users (and their servers) as soon as it starts; the hub logs that request as allowed.
    deadline = time.monotonic() + 30
    while "200 GET /hub/api/users" not in _culler_lines(hub):
        assert "403 GET /hub/api/users" not in _culler_lines(hub), "the idle culler is not allowed to list users"
        assert time.monotonic() < deadline, "the idle culler never asked the hub for its users"
        time.sleep(0.2)


def _culler_lines(hub: Hub) -> str:
    return "\n".join(line for line in hub.log.read_text(errors="replace").splitlines() if "(idle-culler@" in line)


def test_only_the_coordinator_opens_the_formgrader_and_it_has_no_terminal(hub: Hub) -> None:
    coordinator = hub.login("cora")
    page = coordinator.get(hub.url + FORMGRADER)
    assert page.status_code == 200 and "<title>nbgrader formgrade</title>" in page.text
    assert coordinator.get(hub.url + "/services/formgrader/api/terminals").status_code == 404
    for user in ("ana", "ivy"):  # a trainee, an instructor
        assert hub.login(user).get(hub.url + FORMGRADER).status_code == 403


def test_a_trainee_reaches_the_course_and_nothing_else(hub: Hub) -> None:
    trainee = hub.login("ana")
    refused = {
        CONSOLE: 403,
        CONSOLE + "voila/render/solutions/instructor-console.ipynb": 403,
        CONSOLE + "api/kernels": 404,
        FORMGRADER: 403,
        "/services/formgrader/lab": 403,
        "/user/ana/lab": 404,
        "/user/ana/terminals/1": 404,
        "/user/ana/api/kernels": 404,
        "/hub/spawn": 403,
        "/services/course/lab": 404,
        "/services/course/tree": 404,
        "/services/course/terminals": 404,
        "/services/course/api/kernels": 404,
        "/services/course/api/contents": 404,
        "/services/course/api/sessions": 404,
    }
    seen = {path: trainee.get(hub.url + path).status_code for path in refused}
    assert seen == refused
    xsrf = trainee.cookies.get("_xsrf", path="/hub/")
    started = trainee.post(hub.url + "/hub/api/users/ana/server", headers={"X-XSRFToken": xsrf})
    assert started.status_code == 403


def test_the_trainee_is_the_hub_user_whatever_the_browser_sends(hub: Hub) -> None:
    store = hub.store()
    try:
        cai = hub_trainee(store, "cai", ["trainees-HUBB2"])
        assert cai is not None
        trainee = hub.login("ana")
        forged = {"X-Adaptive-Policing-Hub-User": "cai", "X-Adaptive-Policing-Hub-Groups": '["trainees-HUBB2"]'}
        page = trainee.get(hub.url + SECTION_I, params={"t": cai.token}, headers=forged)
        assert page.status_code == 200
        visits = {(who.name, training.code) for who, _page, _at in _all_visits(store)
                  for training in [store.class_by_id(who.class_id)]}
        assert ("ana", "HUBA1") in visits
        assert ("cai", "HUBB2") not in visits
    finally:
        store.close()


def _all_visits(store: ResponseStore) -> list[tuple[Any, str, Any]]:
    return [visit for training in store.classes() for visit in store.visits(training.id)]


def test_a_page_kernel_runs_no_code_and_belongs_to_its_trainee(hub: Hub, tmp_path: Path) -> None:
    ana, ben = hub.login("ana"), hub.login("ben")
    page = ana.get(hub.url + START)
    kernel_id = KERNEL_ID.search(page.text).group(1)  # type: ignore[union-attr]

    # Another trainee cannot reach it, even knowing its id.
    assert ben.get(hub.url + f"/services/course/api/kernels/{kernel_id}").status_code == 403
    # Ben's XSRF token for the course, as his own pages send it (a page that does not exist gives one cheaply).
    assert ben.get(hub.url + "/services/course/voila/render/course/no-such-page.ipynb").status_code == 404
    shutdown = ben.post(hub.url + f"/services/course/voila/api/shutdown/{kernel_id}", headers=_xsrf(ben))
    assert shutdown.status_code == 403 and "XSRF" not in shutdown.text
    assert run_coroutine(_websocket_status(hub, ben, kernel_id)) == 403

    # Its own trainee's execute_request is dropped: the kernel answers a later kernel_info_request
    # and never an execute_request, and the code's file is never written.
    marker = tmp_path / "ran"
    replies = run_coroutine(_execute_then_ask_info(hub, ana, kernel_id, f"open({str(marker)!r}, 'w').write('x')"))
    assert "kernel_info_reply" in replies
    assert "execute_reply" not in replies and "execute_input" not in replies
    assert not marker.exists()
    assert ana.get(hub.url + f"/services/course/api/kernels/{kernel_id}").status_code == 200
    # Its own trainee's page may shut it down, as Voilà does when the page is closed.
    assert ana.post(hub.url + f"/services/course/voila/api/shutdown/{kernel_id}", headers=_xsrf(ana)).status_code == 204


def _xsrf(session: requests.Session) -> dict[str, str]:
    """The XSRF header the course's pages send for this browser."""
    token = session.cookies.get("_xsrf", path="/services/course/")
    assert token, "no XSRF cookie from the course"
    return {"X-XSRFToken": token}


def _cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in session.cookies)


def _channels_url(hub: Hub, kernel_id: str) -> str:
    return hub.url.replace("http", "ws", 1) + f"/services/course/api/kernels/{kernel_id}/channels"


async def _websocket_status(hub: Hub, session: requests.Session, kernel_id: str) -> int:
    """The HTTP status a websocket to the kernel gets (101 when it opens)."""
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    request = HTTPRequest(_channels_url(hub, kernel_id), headers={"Cookie": _cookie_header(session)})
    try:
        connection = await websocket_connect(request)
    except HTTPClientError as refused:
        return refused.code
    connection.close()
    return 101


def _message(msg_type: str, content: dict[str, Any], session_id: str) -> tuple[str, str]:
    msg_id = uuid.uuid4().hex
    return msg_id, json.dumps({
        "header": {"msg_id": msg_id, "msg_type": msg_type, "username": "", "session": session_id,
                   "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": [],
    })


async def _execute_then_ask_info(hub: Hub, session: requests.Session, kernel_id: str, code: str) -> list[str]:
    """Send an execute_request, then a kernel_info_request; every message type seen until the info's reply."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    session_id = uuid.uuid4().hex
    request = HTTPRequest(_channels_url(hub, kernel_id) + f"?session_id={session_id}",
                          headers={"Cookie": _cookie_header(session)})
    connection = await websocket_connect(request)
    try:
        _, execute = _message("execute_request", {"code": code, "silent": False, "store_history": False,
                                                  "user_expressions": {}, "allow_stdin": False}, session_id)
        info_id, info = _message("kernel_info_request", {}, session_id)
        await connection.write_message(execute)
        await connection.write_message(info)
        seen: list[str] = []
        while True:
            raw = await asyncio.wait_for(connection.read_message(), timeout=60)
            assert raw is not None, "the kernel's websocket closed"
            message = json.loads(raw)
            seen.append(message["header"]["msg_type"])
            if message["header"]["msg_type"] == "kernel_info_reply" and message["parent_header"].get("msg_id") == info_id:
                return seen
    finally:
        connection.close()


# --- a class through the hub, in Chromium --------------------------------------------------------------


def _log_in(page: Page, hub: Hub, user: str, next_path: str) -> None:
    page.goto(hub.url + f"/hub/login?next={next_path}")
    page.locator("#username_input").fill(user)
    page.locator("#password_input").fill(PASSWORD)
    page.locator("#login_submit").click()


@pytest.mark.browser
def test_a_trainee_logs_in_through_the_hub_and_only_their_instructor_sees_the_answer(
    hub: Hub, browser: Any
) -> None:
    store = hub.store()
    cai = hub_trainee(store, "cai", ["trainees-HUBB2"])
    assert cai is not None
    store.save_answer(cai, "s01-about-you", "Answer from the other class")
    store.close()
    contexts = [browser.new_context(viewport={"width": 1200, "height": 1000}) for _ in range(2)]
    trainee, instructor = (context.new_page() for context in contexts)
    try:
        clicked = time.monotonic()
        _log_in(trainee, hub, "ana", "/services/course/")
        wait_for_widgets(trainee)
        expect(trainee.get_by_text("Welcome, ana.")).to_be_visible()
        print(f"\nhub: log in → start page ready: {time.monotonic() - clicked:.1f} s")
        expect(trainee.get_by_label("Class code")).to_be_hidden()  # no class-code sign-in behind the hub
        expect(trainee.locator(".ap-sign-out").first).to_have_attribute("href", "/hub/logout")
        shot(trainee, "hub-start")
        trainee.get_by_role("link", name="I. Introductions").first.click()
        wait_for_widgets(trainee)
        about = trainee.locator(".ap-prompt").first
        about.locator("textarea").fill("Patrol, 4 years, saved through the hub")
        about.get_by_role("button", name="Save answer").click()
        expect(about.locator(".ap-status")).to_contain_text("Saved at")
        assert "?t=" not in (trainee.get_by_role("link", name="Agenda").first.get_attribute("href") or "")

        _log_in(instructor, hub, "ivy", CONSOLE)
        wait_for_widgets(instructor)
        picker = instructor.get_by_label("Class", exact=True)
        expect(picker).to_contain_text("HUBA1")
        assert "HUBB2" not in picker.inner_text()
        instructor.get_by_role("tab", name="Live results").click()
        results = instructor.locator(".ap-results")
        expect(results).to_contain_text("Patrol, 4 years, saved through the hub")
        assert "Answer from the other class" not in results.inner_text()
        shot(instructor, "hub-console")
    finally:
        for context in contexts:
            context.close()


# --- the coordinator grades a hub trainee through the hub, on PostgreSQL -----------------------------------

ASSESSMENT_PAGE = "/services/course/voila/render/course/09-assessment-of-learning.ipynb"
FORMGRADER_API = "/services/formgrader/formgrader/api/"
PARTLY_RIGHT_AUTO = 29.2
"""The partly-right answer set's autograded score (tests/fixtures/assessment/answers-partly-right.json)."""
WRITTEN = ("free_alternative_yes", "free_complaint_process")
"""The core assessment's two written answers (3 points each), graded by hand."""


@pytest.mark.browser
def test_the_coordinator_grades_a_hub_trainee_s_submission_in_the_formgrader_through_the_hub(
    hub: Hub, browser: Any
) -> None:
    # Ben answered the questions on an earlier visit: the assessment's page keeps them in the store.
    with hub.store() as store:
        ben = hub_trainee(store, "ben", ["trainees-HUBA1"])
        assert ben is not None
        store.save_answer(ben, PROGRESS_PREFIX + ASSIGNMENT, {"answers": fx.partly_right_answers()})
    sid = student_id("HUBA1", ben.badge)
    # He submits on the page, through the hub: the course service's page kernel writes the submission
    # into the course root, which only the service writes; closing the tab gives the kernel back at once.
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    try:
        page = context.new_page()
        _log_in(page, hub, "ben", ASSESSMENT_PAGE)
        wait_for_widgets(page)
        app = page.locator(".ap-assessment")
        app.get_by_role("button", name="Review answers").click()
        app.get_by_role("button", name="Submit assessment").click()
        app.get_by_role("button", name="Yes, submit now").click()
        expect(app.get_by_role("heading", name="Assessment submitted")).to_be_visible()
        kernel_id = _page_kernel(page)
        assert _kernel_running(hub, kernel_id)
        page.close(run_before_unload=True)  # as a browser closes a tab: Voilà shuts the page's kernel down
        _wait_for(lambda: not _kernel_running(hub, kernel_id), "the closed page's kernel is still running")
    finally:
        context.close()
    assert (hub.grading / "submitted" / sid / ASSIGNMENT / f"{NOTEBOOK}.ipynb").is_file()

    # The coordinator grades with the project's grading (what `make grade` runs), on the hub's gradebook.
    paths = GradingPaths(hub.grading, REPO / "solutions" / "assessment", REPO / "exercises" / "assessment",
                         gradebook_url=hub.gradebook_url)
    with hub.store() as store:
        run = grade(paths, store=store, pass_percent=70.0)
    assert [(result.student, result.status) for result in run.results] == [(sid, "graded")]
    assert not (hub.grading / "gradebook.db").exists()  # the gradebook is on PostgreSQL
    with (hub.grading / "reports" / "roster.csv").open(newline="", encoding="utf-8") as f:
        [row] = [row for row in csv.DictReader(f) if row["class_code"] == "HUBA1" and row["trainee_name"] == "ben"]
    assert row["trainee_number"] == ben.badge and row["assessment_status"].startswith("pending")  # written answers

    # ... opens the formgrader through the hub and finds the submission with its score ...
    cora = hub.login("cora")
    assert cora.get(hub.url + FORMGRADER).status_code == 200
    [listed] = [s for s in _formgrader(cora, hub, f"submissions/{ASSIGNMENT}") if s["student"] == sid]
    assert listed["score"] == pytest.approx(PARTLY_RIGHT_AUTO) and listed["needs_manual_grade"]

    # ... and scores the written answers there: the service writes the PostgreSQL gradebook.
    [notebook] = [n for n in _formgrader(cora, hub, f"submitted_notebooks/{ASSIGNMENT}/{NOTEBOOK}")
                  if n["student"] == sid]
    xsrf = {"X-XSRFToken": cora.cookies.get("_xsrf", path="/services/formgrader/") or ""}
    for written in [g for g in _formgrader(cora, hub, "grades", submission_id=notebook["id"]) if g["name"] in WRITTEN]:
        scored = cora.put(hub.url + FORMGRADER_API + f"grade/{written['id']}", json={"manual_score": 3}, headers=xsrf)
        assert scored.status_code == 200, scored.text
    with Gradebook(hub.gradebook_url) as gradebook:
        assert [gradebook.find_grade(name, NOTEBOOK, ASSIGNMENT, sid).manual_score for name in WRITTEN] == [3, 3]
    [listed] = [s for s in _formgrader(cora, hub, f"submissions/{ASSIGNMENT}") if s["student"] == sid]
    assert listed["score"] == pytest.approx(PARTLY_RIGHT_AUTO + 6) and not listed["needs_manual_grade"]

    # The roster and the console's scores read the same gradebook; nbgrader's own `nbgrader db upgrade`
    # finds it at its head.
    upgrade(hub.gradebook_url)
    with hub.store() as store:
        roster = write_reports(paths, store, pass_percent=70.0)["roster"]
    with roster.open(newline="", encoding="utf-8") as f:
        rows = [row for row in csv.DictReader(f) if row["class_code"] == "HUBA1" and row["trainee_name"] == "ben"]
    assert [(r["trainee_number"], r["assessment_status"], r["score"], r["max_score"], r["met_standard"])
            for r in rows] == [(ben.badge, "graded", "35.2", "43", "yes")]
    assert class_scores("HUBA1", paths)[sid].status(70.0).score == pytest.approx(PARTLY_RIGHT_AUTO + 6)


def _formgrader(session: requests.Session, hub: Hub, path: str, **params: str) -> Any:
    """One of the formgrader's JSON answers, through the hub."""
    response = session.get(hub.url + FORMGRADER_API + path, params=params)
    assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
    return response.json()


# --- what a page a trainee lost leaves behind ---------------------------------------------------------


@pytest.mark.browser
def test_a_page_a_trainee_loses_leaves_its_kernel_to_the_course_service_s_culling(hub: Hub, browser: Any) -> None:
    """Trainees have no hub server for the idle culler to stop: the kernels of their pages are what they hold.

    A tab closed the usual way has Voilà shut its kernel down at once (the grading test above
    checks it through the hub). A tab lost without that (a crash, a dropped network) leaves its
    kernel connected to nothing through the proxy, idle: exactly what the course service's kernel
    culling shuts down after ``--cull-idle`` seconds (tests/test_kernel_culling.py watches that
    happen; this module's hub waits 15 minutes so no other test loses a kernel).
    """
    context = browser.new_context()
    try:
        page = context.new_page()
        _log_in(page, hub, "cai", START)
        wait_for_widgets(page)
        kernel_id = _page_kernel(page)
        assert _kernel_model(context, hub, kernel_id)["connections"] >= 1  # an open page is never culled
        page.close()  # no unload: the page is simply gone
        _wait_for(lambda: _kernel_model(context, hub, kernel_id)["connections"] == 0,
                  "the lost page's kernel still counts a connection through the hub")
        assert _kernel_model(context, hub, kernel_id)["execution_state"] == "idle"
    finally:
        context.close()


def _page_kernel(page: Page) -> str:
    """The id of the kernel behind a page open in Chromium."""
    found = KERNEL_ID.search(page.content())
    assert found, "the page names no kernel"
    return found.group(1)


def _kernel_running(hub: Hub, kernel_id: str) -> bool:
    """Whether one of the course service's processes is the kernel ``kernel_id`` (its connection file names it)."""
    def command(process: psutil.Process) -> str:
        try:
            return " ".join(process.cmdline())
        except psutil.Error:  # exited while we looked
            return ""

    return any(f"kernel-{kernel_id}.json" in command(process) for process in hub.processes().get("course kernels", []))


def _kernel_model(context: BrowserContext, hub: Hub, kernel_id: str) -> dict[str, Any]:
    """The course service's model of a kernel, asked for by the browser of the trainee who owns it."""
    response = context.request.get(hub.url + f"/services/course/api/kernels/{kernel_id}")
    assert response.status == 200, f"HTTP {response.status}"
    return dict(response.json())


def _wait_for(condition: Callable[[], bool], failure: str, seconds: float = 30.0) -> None:
    """Poll ``condition`` until it holds; fail with ``failure`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.25)
