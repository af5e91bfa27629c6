"""Pre-heated kernels follow the class: the next section is ready before the class opens it.

First the pure targets (which pages, how many kernels), then a trainee server
with ``--prewarm``: its pools follow *Start class* and *Next section* as the
console records them in the store, a page taken from a pool is the signed-in
trainee's own page, and a class of six walks start page → I → II in Chromium
with every page working.
"""

from __future__ import annotations

import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

from adaptive_policing.analysis.agenda import FINISHED, AgendaStatus
from adaptive_policing.analysis.prewarm import (
    START_PAGE,
    START_PAGE_POOL,
    ClassPosition,
    capped,
    class_targets,
    pool_targets,
)
from adaptive_policing.content.plan import agenda
from adaptive_policing.data.store import ResponseStore

from .conftest import LiveServer, start_server, stop_process_tree
from .test_kernel_culling import kernels_of

ROWS = agenda("adaptive-policing")
SECTION_I, SECTION_II, SECTION_III = (row.path for row in ROWS[:3])
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


def position(index: int | None, trainees: int = 3, opened: set[tuple[int, str]] | None = None,
             finished: bool = False) -> ClassPosition:
    status = AgendaStatus(started_at=NOW if index is not None or finished else None, index=index, finished=finished)
    return ClassPosition(ROWS, status, list(range(1, trainees + 1)), opened or set())


# --- the targets ------------------------------------------------------------------------------------

def test_before_the_class_starts_the_first_section_is_warmed_for_everyone_signed_in() -> None:
    assert class_targets(position(None)) == {START_PAGE: START_PAGE_POOL, SECTION_I: 3}


def test_in_a_section_the_current_and_next_sections_are_warmed_for_those_who_have_not_opened_them() -> None:
    opened = {(1, "01-introductions"), (2, "01-introductions")}
    assert class_targets(position(0, opened=opened)) == {SECTION_I: 1, SECTION_II: 3}


def test_a_section_with_an_activity_warms_its_worksheet_too() -> None:
    index = next(i for i, row in enumerate(ROWS) if row.activities)
    targets = class_targets(position(index))
    assert targets[ROWS[index].activities[0].path] == 3
    assert targets[ROWS[index].path] == 3


def test_sections_that_are_over_and_finished_classes_get_no_kernels() -> None:
    assert SECTION_I not in class_targets(position(1))
    assert class_targets(position(None, finished=True)) == {}


def test_classes_add_up_but_share_the_start_page() -> None:
    targets = pool_targets([position(None, trainees=2), position(None, trainees=4)])
    assert targets == {START_PAGE: START_PAGE_POOL, SECTION_I: 6}


def test_targets_are_scaled_down_to_the_limit() -> None:
    scaled = capped({SECTION_I: 30, SECTION_II: 30}, 20)
    assert sum(scaled.values()) <= 20 and scaled[SECTION_I] == scaled[SECTION_II] == 10
    assert capped({SECTION_I: 3}, 20) == {SECTION_I: 3}


# --- a pre-warming trainee server -------------------------------------------------------------------

@pytest.fixture(scope="module")
def warm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server("trainee", tmp_path_factory.mktemp("prewarm-var"), cull_idle=600, cull_interval=30,
                          prewarm=True)
    yield server
    stop_process_tree(server.process)


def wait_for_kernels(server: LiveServer, count: int, seconds: float = 90) -> int:
    """Poll until the server runs exactly ``count`` kernels (or time runs out); return the number seen last."""
    deadline = time.monotonic() + seconds
    while (seen := len(kernels_of(server))) != count and time.monotonic() < deadline:
        time.sleep(0.5)
    return seen


def used_warm_kernels(server: LiveServer) -> int:
    return (Path(server.var_dir) / "trainee-server.log").read_text().count("Using pre-heated kernel")


@pytest.mark.server
def test_pools_follow_the_agenda_and_a_warm_page_is_the_trainees_own(warm_server: LiveServer) -> None:
    store = ResponseStore(warm_server.db_url)
    course = store.create_class()
    first, second = (store.sign_in(course.code, name, badge) for name, badge in
                     (("Dana Whitfield", "4411"), ("Luis Ortega", "4412")))
    # Before the start: the start page for arrivals and section I for both.
    assert wait_for_kernels(warm_server, START_PAGE_POOL + 2) == START_PAGE_POOL + 2

    store.record_progress(course.id, "01-introductions")  # Start class
    # Section I for both and section II for both; the start page's pool is shut down.
    assert wait_for_kernels(warm_server, 4) == 4

    before = used_warm_kernels(warm_server)
    with urllib.request.urlopen(warm_server.url(f"/voila/render/{SECTION_I}?t={first.token}"), timeout=120) as reply:
        page = reply.read().decode()
    assert used_warm_kernels(warm_server) == before + 1, "the page came from the pool"
    assert "Dana Whitfield" in page and "Luis Ortega" not in page
    assert 'class="jupyter-widgets' in page or "application/vnd.jupyter.widget-view+json" in page
    # The page keeps its kernel and the pool is not refilled: still 4 kernels.
    assert wait_for_kernels(warm_server, 4, seconds=5) == 4

    store.record_progress(course.id, FINISHED)
    # Every pool is emptied; only the kernel of the page that was opened remains.
    assert wait_for_kernels(warm_server, 1) == 1
    assert second.token  # the second trainee never opened section I; its warm kernel went with the pool


@pytest.mark.server
@pytest.mark.browser
def test_a_class_of_six_walks_start_section_i_section_ii_together(browser: object, warm_server: LiveServer) -> None:
    store = ResponseStore(warm_server.db_url)
    course = store.create_class(location="Room 6")
    trainees = [store.sign_in(course.code, f"Trainee {n}", f"77{n:02}") for n in range(6)]
    contexts = [browser.new_context() for _ in trainees]  # type: ignore[attr-defined]
    pages = [context.new_page() for context in contexts]
    try:
        for step, section in ((None, "00-start"), ("01-introductions", "01-introductions"),
                              ("02-what-is-the-problem", "02-what-is-the-problem")):
            if step is not None:
                store.record_progress(course.id, step)
            path = START_PAGE if section == "00-start" else f"course/{section}.ipynb"
            for page, trainee in zip(pages, trainees):  # everyone asks at once ...
                page.goto(warm_server.url(f"/voila/render/{path}?t={trainee.token}"), wait_until="commit")
            for page, trainee in zip(pages, trainees):  # ... and every page works
                page.wait_for_selector(".jupyter-widgets", timeout=120_000)
                page.get_by_text(trainee.name).first.wait_for(timeout=60_000)
                assert "Traceback" not in page.inner_text("body")
    finally:
        for context in contexts:
            context.close()
    visited = {(trainee.id, page) for trainee, page, _ in store.visits(course.id)}
    for trainee in trainees:
        assert {(trainee.id, "01-introductions"), (trainee.id, "02-what-is-the-problem")} <= visited
