"""The instructor console's agenda and timer: timing maths, the guide, persistence, the widget."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator

import ipywidgets as widgets
import pytest
import sqlalchemy as sa

from adaptive_policing.content import plan

from adaptive_policing.data import schema
from adaptive_policing.widgets.console.app import Console
from adaptive_policing.analysis.agenda import FINISHED, AgendaStatus, agenda_status, guide_sections, page_id_of, status_text
from adaptive_policing.views.agenda import agenda_html, guide_html
from adaptive_policing.content.plan import AgendaRow
from adaptive_policing.data.store import ProgressEvent, ResponseStore

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
ROWS = [
    AgendaRow("I. Introductions", "course/01-introductions.ipynb", 10, 0, ()),
    AgendaRow("II. What Is the Problem?", "course/02-what-is-the-problem.ipynb", 8, 10, ()),
    AgendaRow("IV. Customer Service and Policing", "course/04-customer-service-and-policing.ipynb", 20, 18, ()),
]


def at(minutes: float, seconds: float = 0) -> datetime:
    return T0 + timedelta(minutes=minutes, seconds=seconds)


def moved(page_id: str, minutes: float) -> ProgressEvent:
    return ProgressEvent(1, page_id, at(minutes))


pytestmark = pytest.mark.usefixtures("isolated_session")


# --- timing maths, with fixed times ------------------------------------------------------


def test_before_the_class_starts_nothing_is_current() -> None:
    status = agenda_status(ROWS, [], at(0))
    assert status == AgendaStatus(class_minutes_left=38)
    assert not status.running
    assert status_text(ROWS, status).startswith("Not started · the plan takes 38 minutes.")


def test_on_time_in_the_first_section() -> None:
    status = agenda_status(ROWS, [moved("01-introductions", 0)], at(3, 30))
    assert (status.index, status.section_minutes_left, status.class_minutes_left, status.behind_minutes) == (
        0, 7, 35, 0)
    assert status_text(ROWS, status) == (
        "7 minutes left in I. Introductions · on schedule · 35 minutes left in the class")


def test_a_section_that_started_late_puts_the_class_behind() -> None:
    events = [moved("01-introductions", 0), moved("02-what-is-the-problem", 11), moved(
        "04-customer-service-and-policing", 21)]
    status = agenda_status(ROWS, events, at(29))
    assert status.index == 2
    assert status.section_minutes_left == 12
    assert status.behind_minutes == 3
    assert status_text(ROWS, status) == (
        "12 minutes left in IV. Customer Service and Policing · 3 minutes behind schedule"
        " · 9 minutes left in the class")


def test_moving_on_early_puts_the_class_ahead() -> None:
    status = agenda_status(ROWS, [moved("01-introductions", 0), moved("02-what-is-the-problem", 8)], at(9))
    assert status.behind_minutes == -2
    assert "2 minutes ahead of schedule" in status_text(ROWS, status)


def test_running_over_a_section_adds_the_overrun() -> None:
    status = agenda_status(ROWS, [moved("01-introductions", 0)], at(14))
    assert status.section_minutes_left == -4
    assert status.behind_minutes == 4
    assert status_text(ROWS, status).startswith("I. Introductions is 4 minutes over its time · 4 minutes behind")


def test_going_back_makes_the_earlier_section_current_again() -> None:
    events = [moved("01-introductions", 0), moved("02-what-is-the-problem", 10), moved("01-introductions", 12)]
    status = agenda_status(ROWS, events, at(13))
    assert status.index == 0
    assert status.started_at == at(0)
    assert status.behind_minutes == 12  # the introductions were planned to start at minute 0


def test_a_finished_class_reports_how_it_kept_time() -> None:
    events = [moved("01-introductions", 0), moved(FINISHED, 41)]
    status = agenda_status(ROWS, events, at(50))
    assert status.finished and not status.running
    assert status_text(ROWS, status) == "Class finished · 3 minutes behind schedule"


def test_one_minute_is_said_in_the_singular() -> None:
    status = agenda_status(ROWS, [moved("01-introductions", 0)], at(9, 30))
    assert status_text(ROWS, status).startswith("1 minute left in I. Introductions")


def test_the_agenda_marks_the_current_section_in_words() -> None:
    status = agenda_status(ROWS, [moved("01-introductions", 0), moved("02-what-is-the-problem", 10)], at(12))
    html = agenda_html(ROWS, status, ["/slides/1", "/slides/2?x=<b>", ""])
    assert '<li class="ap-agenda-done"><span class="ap-agenda-state">Done</span>' in html
    assert 'aria-current="step"><span class="ap-agenda-state">Now</span>' in html
    assert html.count("Slides<span") == 2 and "x=&lt;b&gt;" in html


def test_the_page_id_of_a_row_is_its_notebook_name() -> None:
    assert page_id_of(ROWS[2]) == "04-customer-service-and-policing"


# --- the facilitator guide -------------------------------------------------------------------

GUIDE = """# Facilitator guide

General tips that belong to no section.

## 01-introductions: I. Introductions (10 min)

**Talking points**

- Purpose of the course.
- <script>alert(1)</script> and <img src=x onerror=alert(2)>

```
## not-a-heading: inside a code block
```

### Debrief

Keep it short.

## 02-what-is-the-problem: II. What Is the Problem? (8 min)

- A.1 Negative publicity.
"""


def test_the_guide_is_split_at_its_page_headings() -> None:
    sections = guide_sections(GUIDE)
    assert list(sections) == ["01-introductions", "02-what-is-the-problem"]
    first = sections["01-introductions"]
    assert first.heading == "I. Introductions (10 min)"
    assert "### Debrief" in first.body and "not-a-heading" in first.body
    assert "General tips" not in first.body


def test_the_guide_renders_markdown_and_escapes_raw_html() -> None:
    html = guide_html(guide_sections(GUIDE)["01-introductions"])
    assert "<strong>Talking points</strong>" in html and "<li>Purpose of the course.</li>" in html
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_real_guide_has_a_part_for_every_planned_section() -> None:
    guide = guide_sections((Path(__file__).resolve().parent.parent / "solutions" / "facilitator-guide.md")
                           .read_text(encoding="utf-8"))
    for plan_id in plan.load_plans():
        for row in plan.agenda(plan_id):
            assert page_id_of(row) in guide, f"the facilitator guide has no part for {page_id_of(row)}"


# --- persistence -------------------------------------------------------------------------------


def test_progress_persists_and_is_append_only(db_url: str) -> None:
    store = ResponseStore(db_url)
    first, second = store.create_class(), store.create_class()
    store.record_progress(first.id, "01-introductions", at(0))
    store.record_progress(first.id, "02-what-is-the-problem", at(10))
    store.close()
    reopened = ResponseStore(db_url)  # a restarted server, or a second console window
    assert reopened.class_progress(first.id) == [
        ProgressEvent(first.id, "01-introductions", at(0)),
        ProgressEvent(first.id, "02-what-is-the-problem", at(10)),
    ]
    assert reopened.class_progress(second.id) == []
    with pytest.raises(sa.exc.DBAPIError):
        with reopened.engine.begin() as db:
            db.execute(schema.class_progress.delete())
    reopened.close()


def test_a_version_3_database_gains_class_progress(db_url: str) -> None:
    engine = sa.create_engine(db_url)
    schema.migrate(engine, target=3)
    assert "class_progress" not in sa.inspect(engine).get_table_names()
    engine.dispose()
    store = ResponseStore(db_url)
    with store.engine.connect() as db:
        assert schema.current_version(db) == schema.LATEST_VERSION >= 4
    course = store.create_class()
    store.record_progress(course.id, "01-introductions")
    assert [e.page_id for e in store.class_progress(course.id)] == ["01-introductions"]
    store.close()


# --- the console widget, headless ----------------------------------------------------------------


def separate_presses() -> Callable[[], float]:
    """A ticker for the console where every button press comes well after the one before."""
    return itertools.count(0.0, 10.0).__next__


@pytest.fixture
def console(store: ResponseStore) -> Iterator[Console]:
    made = Console(store=store, start_polling=False, ticker=separate_presses())
    yield made
    made.stop()


def test_the_console_starts_moves_on_and_goes_back(console: Console, store: ResponseStore) -> None:
    course = console.create_class()
    assert course is not None
    rows = plan.agenda(course.course_plan)
    assert "Not started" in console.agenda_status.value
    assert console.next_button.disabled and console.back_button.disabled
    console.start_class()
    assert [e.page_id for e in store.class_progress(course.id)] == [page_id_of(rows[0])]
    assert f"left in {rows[0].title}" in console.agenda_status.value
    assert "Talking points" in console.guide.value
    console.next_section()
    assert f"left in {rows[1].title}" in console.agenda_status.value
    guide = guide_sections((Path(__file__).resolve().parent.parent / "solutions" / "facilitator-guide.md")
                           .read_text(encoding="utf-8"))
    assert guide[page_id_of(rows[1])].heading.split(" (")[0] in console.guide.value
    console.previous_section()
    assert f"left in {rows[0].title}" in console.agenda_status.value
    assert [e.page_id for e in store.class_progress(course.id)] == [
        page_id_of(rows[0]), page_id_of(rows[1]), page_id_of(rows[0])]


def test_a_second_console_window_shows_the_same_section(console: Console, store: ResponseStore) -> None:
    course = console.create_class()
    assert course is not None
    console.start_class()
    console.next_section()
    other = Console(store=store, start_polling=False)
    try:
        other.picker.value = course.id
        other.refresh()
        assert other.agenda_status.value == console.agenda_status.value
        assert other.guide.value == console.guide.value
    finally:
        other.stop()


def test_the_last_next_finishes_the_class(console: Console, store: ResponseStore) -> None:
    course = console.create_class()
    assert course is not None
    console.start_class()
    for _ in plan.agenda(course.course_plan):
        console.next_section()
    assert store.class_progress(course.id)[-1].page_id == FINISHED
    assert "Class finished" in console.agenda_status.value
    assert console.next_button.disabled


def test_each_section_links_to_its_slides_with_the_class_code(console: Console) -> None:
    course = console.create_class()
    assert course is not None
    assert f"template=adaptive-slides&amp;class={course.code}" in console.agenda_list.value


def test_the_agenda_widgets_are_labelled_buttons(console: Console) -> None:
    labels = [w.description for w in (console.start_button, console.next_button, console.back_button)]
    assert labels == ["Start class", "Next section", "Back"]
    assert all(isinstance(w, widgets.Button) for w in (console.start_button, console.next_button))


def test_a_double_click_on_next_section_moves_on_once(store: ResponseStore) -> None:
    presses = iter([0.0, 5.0, 5.3, 5.5, 20.0])
    made = Console(store=store, start_polling=False, ticker=lambda: next(presses))
    try:
        course = made.create_class()
        assert course is not None
        rows = plan.agenda(course.course_plan)
        made.start_class()  # 0.0
        made.next_section()  # 5.0
        made.next_section()  # 5.3: the second click of a double click
        assert [e.page_id for e in store.class_progress(course.id)] == [page_id_of(rows[0]), page_id_of(rows[1])]
        made.previous_section()  # 5.5: another button, so another move
        made.next_section()  # 20.0: a new click
        assert [e.page_id for e in store.class_progress(course.id)] == [
            page_id_of(rows[0]), page_id_of(rows[1]), page_id_of(rows[0]), page_id_of(rows[1])]
    finally:
        made.stop()


def test_the_question_list_follows_the_section_with_a_switch_for_all(console: Console) -> None:
    course = console.create_class()
    assert course is not None
    rows = plan.agenda(course.course_plan)
    every = len(console.catalog)
    assert len(console.question.options) == every  # before the class starts: every question
    console.start_class()
    first = {console.catalog[p].page for _label, p in console.question.options}
    assert first == {page_id_of(rows[0])}
    assert console.question.value == console.question.options[0][1]
    console.all_questions.value = True
    assert len(console.question.options) == every
    console.all_questions.value = False
    console.next_section()
    pages = {page_id_of(rows[1])} | {page_id_of(a) for a in rows[1].activities}  # type: ignore[arg-type]
    listed = {console.catalog[p].page for _label, p in console.question.options}
    assert listed and listed <= pages
    assert console.question.value in {p for _label, p in console.question.options}
