"""The instructor console, headless: classes, attendance, live results, escaping, live updates."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from typing import Iterator

import ipywidgets as widgets
import pytest
from markupsafe import escape

from adaptive_policing.widgets import viewer
from adaptive_policing.widgets.console.app import Console
from adaptive_policing.widgets.live import Refresher
from adaptive_policing.analysis.attendance import AWAY_AFTER
from adaptive_policing.analysis.tallies import latest_by_prompt, tally
from adaptive_policing.views.attendance import attendance_html, class_attendance
from adaptive_policing.content.prompts import PromptInfo, prompts_in_source
from adaptive_policing.views.results import bars_html
from adaptive_policing.data.records import SheetOwner
from adaptive_policing.data.store import ResponseStore, Trainee, TrainingClass
from adaptive_policing.content.prompts import SCALE_LABELS
from adaptive_policing.widgets.prompt import DiscussionPrompt

PAYLOADS = ["<script>alert('x')</script>", "<img src=x onerror=alert(1)>"]


pytestmark = pytest.mark.usefixtures("isolated_session")


@pytest.fixture
def console(store: ResponseStore) -> Iterator[Console]:
    made = Console(store=store, start_polling=False)
    yield made
    made.stop()


def html_of(console: Console) -> str:
    """Every HTML the console shows, joined."""
    parts: list[str] = []

    def walk(widget: widgets.Widget) -> None:
        if isinstance(widget, widgets.HTML):
            parts.append(widget.value)
        for child in getattr(widget, "children", ()):
            walk(child)

    walk(console)
    return "\n".join(parts)


def test_the_catalog_reads_prompt_calls_without_running_them() -> None:
    source = 'prompt("a", "Q?", kind="choice", options=["Yes", "No"])\nprompt("b", "Tell us.")\nx = prompt(1, 2)'
    assert prompts_in_source(source, "p") == [
        PromptInfo("a", "Q?", "choice", ("Yes", "No"), "p"),
        PromptInfo("b", "Tell us.", "text", (), "p"),
    ]


def test_creating_a_class_shows_its_code_large_and_selects_it(console: Console, store: ResponseStore) -> None:
    assert "No class yet" in console.code_board.value
    console.location.value = "Training room B"
    console.instructor.value = "Sgt. R. Alvarez"
    created = console.create_class()
    assert created is not None and created.location == "Training room B"
    assert console.picker.value == created.id
    assert f'<p class="ap-console-code">{created.code}</p>' in console.code_board.value
    assert store.class_by_code(created.code) == created
    assert created.code in console.create_status.text


class RefresherHeldBack:
    """The console's lock, which makes one thread (the live refresher's) wait until ``let_go`` before taking it."""

    def __init__(self, lock: threading.RLock) -> None:
        self.lock = lock
        self.held_back: threading.Thread | None = None
        self.let_go = threading.Event()

    def __enter__(self) -> bool:
        if threading.current_thread() is self.held_back:
            self.let_go.wait(10)
        return self.lock.__enter__()

    def __exit__(self, *exc: object) -> None:
        self.lock.__exit__(*exc)


def test_a_class_list_reload_started_before_a_class_is_created_does_not_choose_the_old_class_again(
    console: Console, store: ResponseStore,
) -> None:
    """Creating a class moves the store's marker, so the refresher reloads the list while the console chooses it."""
    earlier = store.create_class(location="Training room A")
    console._reload_classes()
    assert console.picker.value == earlier.id
    gate = RefresherHeldBack(console._lock)
    console._lock = gate  # type: ignore[assignment]
    gate.held_back = threading.Thread(target=console._reload_classes)
    gate.held_back.start()  # the refresher's reload, begun before the class below exists
    time.sleep(0.2)
    console.location.value = "Training room C"
    created = console.create_class()
    gate.let_go.set()
    gate.held_back.join(10)
    assert created is not None and console.picker.value == created.id
    assert created.code in console.code_board.value and earlier.code not in console.code_board.value


def test_nothing_of_one_class_shows_in_another(console: Console, store: ResponseStore) -> None:
    first = store.create_class(location="Room 1")
    second = store.create_class(location="Room 2")
    console._reload_classes()
    assert [class_id for _label, class_id in console.picker.options] == [second.id, first.id]
    dana = store.sign_in(first.code, "Dana Ortiz", "4821")
    store.save_answer(dana, "s01-about-you", "Patrol, 6 years")
    store.record_visit(dana, "01-introductions")
    console.picker.value = first.id
    assert "Dana Ortiz" in console.attendance.value and "Patrol, 6 years" in console.results.value
    console.picker.value = second.id
    shown = html_of(console)
    assert second.code in shown and first.code not in shown
    assert "Dana Ortiz" not in shown and "Patrol, 6 years" not in shown
    assert "Nobody has signed in yet" in console.attendance.value


def test_attendance_shows_sign_in_and_last_page(console: Console, store: ResponseStore) -> None:
    course = store.create_class()
    dana = store.sign_in(course.code, "Dana Ortiz", "4821")
    store.sign_in(course.code, "Lee Park", "5150")
    store.record_visit(dana, "00-start")
    store.record_visit(dana, "03-what-is-customer-service")
    console._reload_classes()
    table = console.attendance.value
    assert "2 signed in." in table
    dana_row = table.split("<tr>")[2]
    assert "Dana Ortiz" in dana_row and "03-what-is-customer-service" in dana_row and "00-start" not in dana_row
    lee_row = table.split("<tr>")[3]
    assert "Lee Park" in lee_row and lee_row.count("—") == 2  # never opened a page
    assert "2 here now." in table and "Left at" not in table


def test_a_trainee_inactive_for_fifteen_minutes_is_shown_as_left(store: ResponseStore) -> None:
    course = store.create_class()
    dana = store.sign_in(course.code, "Dana Ortiz", "4821")
    lee = store.sign_in(course.code, "Lee Park", "5150")
    store.record_visit(dana, "01-introductions")
    last_active = store.save_answer(lee, "s01-about-you", "Still here").created_at

    soon = {row.trainee.name: row for row in class_attendance(store, course.id, now=last_active + timedelta(minutes=5))}
    assert soon["Lee Park"].left_at is None and soon["Dana Ortiz"].left_at is None

    later = {row.trainee.name: row for row in class_attendance(store, course.id, now=last_active + AWAY_AFTER * 2)}
    assert later["Lee Park"].left_at == last_active  # his last save, not his sign-in
    assert later["Dana Ortiz"].left_at is not None and later["Dana Ortiz"].left_at <= last_active
    table = attendance_html(list(later.values()))
    assert "0 here now." in table and table.count("Left at") == 2


def test_last_seen_counts_worksheet_saves_and_answers_not_only_page_visits(store: ResponseStore) -> None:
    course = store.create_class()
    dana = store.sign_in(course.code, "Dana Ortiz", "4821")
    lee = store.sign_in(course.code, "Lee Park", "5150")
    store.record_visit(dana, "06-activity-2")
    store.record_visit(lee, "09-assessment")
    team = store.join_group(dana, "Team Blue")
    saved = store.save_worksheet("a2-comparison", SheetOwner("group", team.id), dana, {"Notes": "ours"}, None).revision
    submitted = store.save_answer(lee, "assessment-submitted:assessment", {"submitted": True}).created_at

    rows = {row.trainee.name: row for row in class_attendance(store, course.id, now=saved.created_at + AWAY_AFTER)}
    assert rows["Dana Ortiz"].last_page == "06-activity-2"
    assert rows["Dana Ortiz"].last_seen == saved.created_at  # the worksheet save, after the page visit
    assert rows["Lee Park"].last_seen == submitted
    later = saved.created_at + AWAY_AFTER + timedelta(seconds=1)
    gone = {row.trainee.name: row for row in class_attendance(store, course.id, now=later)}
    assert gone["Dana Ortiz"].left_at == saved.created_at


def test_bars_count_choices_ticks_and_scale_points(store: ResponseStore) -> None:
    course = store.create_class()
    people = [store.sign_in(course.code, f"T {n}", str(n)) for n in range(4)]
    for person, value in zip(people, ["Yes", "No", "Yes", "Yes"]):
        store.save_answer(person, "c", value)
    store.save_answer(people[1], "c", "Yes")  # a revision replaces, never adds
    answers = latest_by_prompt(store.iter_answers(course.id))["c"]
    assert tally(PromptInfo("c", "Q", "choice", ("Yes", "No")), answers) == [("Yes", 4), ("No", 0)]
    for person, value in zip(people, [["A", "B"], ["B"], [], ["A", "B", "C"]]):
        store.save_answer(person, "m", value)
    multi = PromptInfo("m", "Q", "multi", ("A", "B", "C"))
    assert tally(multi, latest_by_prompt(store.iter_answers(course.id))["m"]) == [("A", 2), ("B", 3), ("C", 1)]
    html = bars_html(multi, latest_by_prompt(store.iter_answers(course.id))["m"])
    assert "B: <strong>3</strong> of 4 (75%)" in html and 'style="width:75%"' in html
    for person, value in zip(people, [SCALE_LABELS[4], SCALE_LABELS[4], SCALE_LABELS[0], SCALE_LABELS[2]]):
        store.save_answer(person, "s", value)
    scale = PromptInfo("s", "Q", "scale", SCALE_LABELS)
    assert [n for _label, n in tally(scale, latest_by_prompt(store.iter_answers(course.id))["s"])] == [1, 0, 1, 0, 2]


def two_answers_about_you(store: ResponseStore) -> tuple[TrainingClass, Trainee]:
    """A class where Dana and then Lee answered s01-about-you; returns the class and Lee."""
    course = store.create_class()
    dana = store.sign_in(course.code, "Dana Ortiz", "4821")
    lee = store.sign_in(course.code, "Lee Park", "5150")
    store.save_answer(dana, "s01-about-you", "Patrol, 6 years")
    store.save_answer(lee, "s01-about-you", "Front desk, 2 years")
    return course, lee


def test_free_text_wall_is_anonymous_until_names_are_shown_and_spotlights_one(
    console: Console, store: ResponseStore
) -> None:
    course, lee = two_answers_about_you(store)
    console._reload_classes()
    console.question.value = "s01-about-you"
    assert "Answer 1" in console.results.value and "Answer 2" in console.results.value
    assert "Dana Ortiz" not in console.results.value and "Lee Park" not in console.results.value
    assert [label for label, _v in console.spotlight.options][1:] == [
        "Answer 1: Patrol, 6 years", "Answer 2: Front desk, 2 years"]
    console.spotlight.value = lee.id
    spotlight = console.results.value.split('class="ap-spotlight"')[1].split("</div>")[0]
    assert "Front desk, 2 years" in spotlight and "Patrol" not in spotlight and "Lee Park" not in spotlight
    console.show_names.value = True
    assert "Dana Ortiz" in console.results.value and "Lee Park" in spotlight_of(console)
    assert console.spotlight.value == lee.id  # still spotlighted after names are shown


def spotlight_of(console: Console) -> str:
    return console.results.value.split('class="ap-spotlight"')[1].split("</div>")[0]


def test_closing_a_question_is_stored_shown_and_can_be_undone(console: Console, store: ResponseStore) -> None:
    course = store.create_class()
    console._reload_classes()
    console.question.value = "s01-prior-training"
    assert console.open_button.description == "Close this question"
    console.open_button.click()
    assert store.prompt_is_open(course.id, "s01-prior-training") is False
    assert console.open_button.description == "Reopen this question"
    assert 'data-prompt="s01-prior-training"' in console.results.value and "closed" in console.results.value
    again = Console(store=store, start_polling=False)  # a reloaded console reads the stored state
    again.question.value = "s01-prior-training"
    assert again.open_button.description == "Reopen this question"
    console.open_button.click()
    assert store.prompt_is_open(course.id, "s01-prior-training") is True
    other = store.create_class()
    assert store.prompt_is_open(other.id, "s01-prior-training")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_trainee_text_is_escaped_everywhere_the_console_shows_it(
    console: Console, store: ResponseStore, payload: str
) -> None:
    console.location.value = payload
    console.instructor.value = payload
    course = console.create_class()
    assert course is not None
    person = store.sign_in(course.code, f"Name {payload}", "7")
    store.save_answer(person, "s01-about-you", f"Answer {payload}")
    store.save_answer(person, "s01-prior-training", payload)  # a value outside the options
    store.save_answer(person, "s01-why-this-class", [payload])
    store.save_answer(person, "free-prompt", {"field": payload})
    store.save_answer(person, "case:window-stolen-bike", {"path": [payload]})
    store.record_visit(person, payload)
    console.show_names.value = True
    console.question.value = "s01-about-you"
    console.spotlight.value = person.id
    console.export()
    shown = html_of(console)
    assert payload not in shown
    assert "<script" not in shown and "<img" not in shown
    escaped = str(escape(payload))
    assert shown.count(escaped) >= 8  # name, answer, spotlight, bars, ticks, dict answer, visit, location…
    assert any(payload in label for label, _v in console.spotlight.options)  # plain text in a dropdown


def test_one_trainees_token_never_reads_anothers_answers(
    store: ResponseStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = store.create_class()
    dana = store.sign_in(course.code, "Dana Ortiz", "4821")
    lee = store.sign_in(course.code, "Lee Park", "5150")
    store.save_answer(dana, "s01-about-you", "Dana's private answer")
    store.save_answer(lee, "s01-about-you", "Lee's private answer")
    monkeypatch.setenv("ADAPTIVE_POLICING_DB_URL", store.url)
    for who, mine in ((dana, "Dana's"), (lee, "Lee's")):
        viewer.set_current_trainee(None)
        monkeypatch.setenv(viewer.TOKEN_ENV, who.token)  # the page's ?t= token
        widget = DiscussionPrompt("s01-about-you", "Who are you?", store=store)
        assert widget.participant.trainee == who
        assert widget.text.value == f"{mine} private answer"  # never the other trainee's
        widget.value = f"{mine} second answer"
        assert widget.save()
    assert store.latest_answer(dana, "s01-about-you").value == "Dana's second answer"
    assert store.latest_answer(lee, "s01-about-you").value == "Lee's second answer"
    assert [a.value for a in store.answer_history(lee, "s01-about-you")] == [
        "Lee's private answer", "Lee's second answer"]


def measure_delays(store: ResponseStore, trainees: int, refresher: Refresher | None = None) -> list[float]:
    """Seconds from each simulated trainee's save to the live console showing it.

    The trainees save from threads, 0.05 s apart, into a console that follows the
    store live (``refresher``: the kernel's one by default); nothing here calls
    ``refresh()``. Each delay runs from the moment the save is called.
    """
    course = store.create_class()
    people = [store.sign_in(course.code, f"Trainee {n}", f"B{n}") for n in range(trainees)]
    console = Console(store=store, refresher=refresher)
    try:
        console._reload_classes(select=course.id)
        console.question.value = "s01-about-you"
        markers = [f"marker-{n}-{time.monotonic_ns()}" for n in range(trainees)]
        saved_at: dict[str, float] = {}
        seen_at: dict[str, float] = {}
        all_seen = threading.Event()

        def seen(change: dict[str, object]) -> None:
            now, shown = time.monotonic(), str(change["new"])
            for marker in markers:
                if marker not in seen_at and marker in shown:
                    seen_at[marker] = now
            if len(seen_at) == trainees:
                all_seen.set()

        console.results.observe(seen, names="value")

        def answer(n: int) -> None:
            time.sleep(0.05 * n)  # the class's saves, staggered as trainees press Save
            saved_at[markers[n]] = time.monotonic()
            store.save_answer(people[n], "s01-about-you", markers[n])

        threads = [threading.Thread(target=answer, args=(n,)) for n in range(trainees)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        all_seen.wait(10)
        assert len(seen_at) == trainees, f"only {len(seen_at)} of {trainees} answers appeared"
        assert all(marker in console.results.value for marker in markers)
        return [seen_at[m] - saved_at[m] for m in markers]
    finally:
        console.close()


@pytest.mark.parametrize("trainees", [3, 30])
def test_every_answer_saved_after_the_console_opened_is_shown_without_a_refresh(
    store: ResponseStore, trainees: int
) -> None:
    """Answers arrive through the live refresher alone (the delay is measured by bench/bench_console.py)."""
    delays = measure_delays(store, trainees, Refresher())
    assert len(delays) == trainees


def test_the_console_opens_on_todays_class_the_one_serve_announced(store: ResponseStore) -> None:
    announced = store.create_class()  # what `make serve` opens and prints
    store.create_class(class_date=date.today() - timedelta(days=1))  # a newer row, for another day
    made = Console(store=store, start_polling=False)
    try:
        assert made.current_class is not None and made.current_class.id == announced.id
        assert announced.code in made.code_board.value
    finally:
        made.stop()


def test_a_second_class_for_the_same_day_and_room_asks_first(store: ResponseStore) -> None:
    announced = store.create_class()  # no location yet, as `make serve` opens it
    made = Console(store=store, start_polling=False)
    try:
        made.location.value = "Training room B"
        made.instructor.value = "Sgt. R. Alvarez"
        assert made.create_class() is None
        assert len(store.classes()) == 1
        assert made.same_day.layout.display != "none" and announced.code in made.same_day_note.value
        chosen = made.use_todays_class()
        assert chosen is not None and chosen.id == announced.id
        assert (chosen.location, chosen.instructor) == ("Training room B", "Sgt. R. Alvarez")
        assert made.current_class is not None and made.current_class.id == announced.id
        assert "Training room B" in made.code_board.value and announced.code in made.code_board.value
        assert made.create_class() is None  # asked again: same day, same room
        second = made.create_class(second=True)
        assert second is not None and len(store.classes()) == 2
        assert made.current_class is not None and made.current_class.id == second.id
        assert second.code in made.code_board.value
        made.location.value = "Room 4"  # another room the same day: no question
        made.class_date.value = date.today()
        assert store.todays_class(location="Room 4") is None
    finally:
        made.stop()


def test_the_spotlighted_answer_shows_on_the_projector_slides_and_in_a_second_console(
    console: Console, store: ResponseStore
) -> None:
    from adaptive_policing.widgets.console.slide_answers import SlideAnswers

    course, lee = two_answers_about_you(store)
    console._reload_classes(select=course.id)
    console.question.value = "s01-about-you"
    slide = SlideAnswers(console.catalog["s01-about-you"], store=store, training_class=course)
    assert 'class="ap-spotlight"' not in slide.value
    console.spotlight.value = lee.id
    slide.refresh()
    shown = slide.value.split('class="ap-spotlight"')[1].split("</div>")[0]
    assert "Front desk, 2 years" in shown and "Lee Park" not in slide.value  # anonymous on the projector
    other = Console(store=store, start_polling=False)
    try:
        other._reload_classes(select=course.id)
        other.question.value = "s01-about-you"
        assert other.spotlight.value == lee.id and "Front desk, 2 years" in spotlight_of(other)
    finally:
        other.stop()
    another = next(p for p in console.catalog if p != "s01-about-you")
    console.question.value = another  # choosing another question leaves the spotlight where it is
    assert console.spotlight.value is None and store.spotlight(course.id) == ("s01-about-you", lee.id)
    console.question.value = "s01-about-you"
    assert console.spotlight.value == lee.id
    console.spotlight.value = None
    slide.refresh()
    assert 'class="ap-spotlight"' not in slide.value and store.spotlight(course.id) is None
