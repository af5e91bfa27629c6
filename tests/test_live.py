"""The live refresher, headless: re-reads only on change, one thread per kernel, and its end.

The change marker itself is tested with the store (tests/test_store.py).
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Iterator

import pytest

from adaptive_policing import config
from adaptive_policing.content.prompts import PromptInfo
from adaptive_policing.data.store import ResponseStore
from adaptive_policing.widgets import live
from adaptive_policing.widgets.console.app import Console
from adaptive_policing.widgets.console.slide_answers import SlideAnswers, slide_answers
from adaptive_policing.widgets.live import THREAD_NAME, Refresher

pytestmark = pytest.mark.usefixtures("isolated_session")

FAST = 0.01
"""Seconds between marker reads in these tests (the kernel's refresher uses live.CHECK_SECONDS)."""


@pytest.fixture
def refresher() -> Iterator[Refresher]:
    made = Refresher(check_seconds=FAST)
    yield made
    made.stop()


def refresher_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == THREAD_NAME]


def count_calls(monkeypatch: pytest.MonkeyPatch, store: ResponseStore, *names: str) -> dict[str, int]:
    """Count calls to the store's read methods ``names`` (a re-read of the class shows up here)."""
    calls = {name: 0 for name in names}
    for name in names:
        original = getattr(store, name)

        def counted(*args: Any, _name: str = name, _original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(store, name, counted)
    return calls


def shown_event(widget: Any, text: str) -> threading.Event:
    """An event set as soon as ``widget.value`` contains ``text``."""
    event = threading.Event()
    widget.observe(lambda change: event.set() if text in str(change["new"]) else None, names="value")
    return event


# --- the console ---------------------------------------------------------------------------


def test_the_console_rereads_nothing_until_something_is_saved_then_shows_it(
    store: ResponseStore, refresher: Refresher, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = store.create_class()
    dana = store.sign_in(course.code, "Dana Ortiz", "4821")
    calls = count_calls(monkeypatch, store, "iter_answers", "classes", "visits", "prompt_states_in")
    console = Console(store=store, refresher=refresher)
    try:
        console.question.value = "s01-about-you"
        assert refresher.wait_for_checks(2)  # the first check sees the class chosen after subscribing
        calls.update(dict.fromkeys(calls, 0))
        assert refresher.wait_for_checks(30)
        assert calls == dict.fromkeys(calls, 0), "the console re-read the store while nothing changed"

        arrived = shown_event(console.results, "Patrol, 6 years")
        store.save_answer(dana, "s01-about-you", "Patrol, 6 years")
        assert arrived.wait(10), "the save never reached the console"
        assert calls["iter_answers"] >= 1 and "Patrol, 6 years" in console.results.value
    finally:
        console.close()


def test_a_save_in_another_class_does_not_make_the_console_reread(
    store: ResponseStore, refresher: Refresher, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown, other = store.create_class(), store.create_class()
    lee = store.sign_in(other.code, "Lee Park", "5150")
    dana = store.sign_in(shown.code, "Dana Ortiz", "4821")
    console = Console(store=store, refresher=refresher)
    try:
        console.picker.value = shown.id
        assert refresher.wait_for_checks(2)
        calls = count_calls(monkeypatch, store, "iter_answers")
        store.save_answer(lee, "s01-about-you", "elsewhere")
        assert refresher.wait_for_checks(10)
        assert calls["iter_answers"] == 0
        arrived = shown_event(console.results, "here")
        store.save_answer(dana, "s01-about-you", "here")
        assert arrived.wait(10) and "elsewhere" not in console.results.value
    finally:
        console.close()


def test_a_class_created_elsewhere_appears_in_the_console_list(store: ResponseStore, refresher: Refresher) -> None:
    console = Console(store=store, refresher=refresher)
    try:
        listed = threading.Event()
        console.picker.observe(lambda _change: listed.set(), names="options")
        created = store.create_class(location="Room 9")  # e.g. from a second console window
        assert listed.wait(10)
        assert created.id in [class_id for _label, class_id in console.picker.options]
    finally:
        console.close()


def test_without_saves_the_clock_still_moves_the_agenda(store: ResponseStore) -> None:
    ticks = threading.Event()
    refresher = Refresher(check_seconds=FAST)
    subscription = refresher.subscribe(store, lambda: None, on_tick=ticks.set, tick_seconds=0.05)
    try:
        assert ticks.wait(10)
    finally:
        subscription.cancel()
        refresher.stop()


def test_a_failed_refresh_is_tried_again_at_the_next_check(store: ResponseStore, refresher: Refresher) -> None:
    course = store.create_class()
    attempts: list[int] = []
    done = threading.Event()

    def flaky() -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("database is locked")
        done.set()

    subscription = refresher.subscribe(store, flaky, class_id=course.id)
    try:
        store.sign_in(course.code, "Dana Ortiz", "4821")
        assert done.wait(10) and len(attempts) == 2
    finally:
        subscription.cancel()


# --- the thread's life -----------------------------------------------------------------------


def test_closing_the_console_ends_the_refresher_thread(store: ResponseStore, refresher: Refresher) -> None:
    console = Console(store=store, refresher=refresher)
    thread = refresher.thread
    assert thread is not None and thread.is_alive() and console.live
    console.close()
    thread.join(5)
    assert not thread.is_alive() and refresher.thread is None and not console.live


def test_closing_a_slide_prompt_ends_the_refresher_thread(store: ResponseStore, refresher: Refresher) -> None:
    course = store.create_class()
    widget = SlideAnswers(PromptInfo("s01-about-you", "About you?", "text", ()), store=store,
                          training_class=course, live=True, refresher=refresher)
    thread = refresher.thread
    assert thread is not None and thread.is_alive() and widget.live
    arrived = shown_event(widget, "Records unit")
    store.save_answer(store.sign_in(course.code, "Sam Reyes", "K-77"), "s01-about-you", "Records unit")
    assert arrived.wait(10), "the save never reached the slide"
    widget.close()
    thread.join(5)
    assert not thread.is_alive() and not widget.live
    again = Console(store=store, refresher=refresher)  # a new subscriber starts a new thread
    try:
        assert refresher.thread is not None and refresher.thread is not thread and refresher.thread.is_alive()
    finally:
        again.close()


def test_one_kernels_console_and_slides_share_one_thread(
    store: ResponseStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = store.create_class()
    monkeypatch.setenv(config.DB_URL_ENV, store.url)
    monkeypatch.setenv("QUERY_STRING", f"template=adaptive-slides&class={course.code}")
    console = Console(store=store)
    slides = [slide_answers("s01-about-you", "About you?"),
              slide_answers("s01-prior", "Prior training?", "choice", ["No", "Yes"])]
    try:
        threads = refresher_threads()
        assert len(threads) == 1
        subscriptions = [*console._subscriptions, *(slide._subscription for slide in slides)]
        assert len(subscriptions) == 4 and all(
            subscription is not None and subscription.refresher is live.refresher() for subscription in subscriptions)
        arrived = [shown_event(slides[0], "Front desk"), shown_event(console.results, "Front desk")]
        store.save_answer(store.sign_in(course.code, "Lee Park", "5150"), "s01-about-you", "Front desk")
        assert all(event.wait(10) for event in arrived)
        console.close()
        assert threads[0].is_alive(), "the slides still follow the store"
    finally:
        for view in (console, *slides):
            view.close()
    threads[0].join(5)
    assert not threads[0].is_alive() and live.refresher().thread is None


def test_the_kernels_exit_stops_the_thread(store: ResponseStore, refresher: Refresher) -> None:
    subscription = refresher.subscribe(store, lambda: None)
    thread = refresher.thread
    assert thread is not None and thread.daemon  # never holds a kernel open
    refresher.stop()  # what the kernel's atexit hook runs for the shared refresher
    assert not thread.is_alive() and not subscription.active


def test_a_view_left_open_is_caught_by_the_suites_thread_check(store: ResponseStore, refresher: Refresher) -> None:
    from .conftest import threads_still_running

    before = set(threading.enumerate())
    console = Console(store=store, refresher=refresher)
    try:
        assert threads_still_running(before, join_seconds=0.05) == [THREAD_NAME]
    finally:
        console.close()
    assert threads_still_running(before, join_seconds=5) == []
