"""A class moves together: six trainees open the start page, then section I, then section II, at once.

Each trainee has a browser of their own. For every step all six ask for the page
before any of them is waited for, as a class does when the instructor says
"open section I". Every page must open with its widgets, know its trainee and
show no error; the 30-trainee run is ``python -m bench classroom``.
"""

from __future__ import annotations

import pytest

from adaptive_policing.data.store import ResponseStore

from .conftest import LiveServer

pytestmark = [pytest.mark.server, pytest.mark.browser]

CLASS_SIZE = 6
WALK = (("00-start", None), ("01-introductions", "01-introductions"), ("02-what-is-the-problem", "02-what-is-the-problem"))


def test_a_class_of_six_walks_start_section_i_section_ii_together(browser: object, trainee_server: LiveServer) -> None:
    store = ResponseStore(trainee_server.db_url)
    course = store.create_class(location="Room 6")
    trainees = [store.sign_in(course.code, f"Trainee {n}", f"77{n:02}") for n in range(CLASS_SIZE)]
    contexts = [browser.new_context() for _ in trainees]  # type: ignore[attr-defined]
    pages = [context.new_page() for context in contexts]
    try:
        for page_id, section in WALK:
            if section is not None:
                store.record_progress(course.id, section)  # the instructor moves the class on
            for page, trainee in zip(pages, trainees):  # everyone asks at once ...
                page.goto(trainee_server.page_url(f"course/{page_id}.ipynb", trainee.token), wait_until="commit")
            for page, trainee in zip(pages, trainees):  # ... and every page works for its trainee
                page.wait_for_selector(".jupyter-widgets", timeout=120_000)
                page.get_by_text(trainee.name).first.wait_for(timeout=60_000)
                assert "Traceback" not in page.inner_text("body")
    finally:
        for context in contexts:
            context.close()
    visited = {(trainee.id, page) for trainee, page, _ in store.visits(course.id)}
    store.close()
    for trainee in trainees:
        assert {(trainee.id, "01-introductions"), (trainee.id, "02-what-is-the-problem")} <= visited
