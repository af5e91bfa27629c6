"""Change-driven live views: one refresher per kernel for the console and the slides.

A live view (the instructor console, a prompt's answers on a projector slide)
subscribes to the kernel's one :class:`Refresher` with a callback. Every
:data:`CHECK_SECONDS` the refresher's single background thread reads a cheap
change marker (:func:`change_marker`: the highest row ids of the tables that
record what happens in a class) once per store and class watched, and calls a
subscriber only when its marker moved, so nothing is re-read while nothing
changes. A subscriber whose view also depends on the clock (the agenda's
"12 minutes left") may ask for an extra ``on_tick`` call every so many seconds.

The thread starts with the first subscription and ends when the last one is
cancelled: a live widget cancels its subscription in ``close()``. At the
kernel's exit (``atexit``) the thread is stopped; it is a daemon thread, so it
never holds a kernel open either.

Callbacks run on the refresher's thread: ipywidgets sends trait changes made
from a thread over the kernel's IOPub thread, which is how the console has
always updated the page.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Union

if TYPE_CHECKING:
    from ..data.store import ResponseStore

CHECK_SECONDS = 0.2
"""How often the refresher reads the change marker (one small indexed query per store and class)."""
THREAD_NAME = "live-refresher"

Marker = tuple[int | None, ...]
ClassChoice = Union[int, None, Callable[[], Union[int, None]]]
"""The class a subscriber watches: an id, ``None`` for every class, or a function read at each check."""

log = logging.getLogger(__name__)


def change_marker(store: ResponseStore, class_id: int | None = None) -> Marker:
    """A value that moves whenever something is recorded in ``class_id`` (anywhere in the store when ``None``).

    The store's own marker (:meth:`ResponseStore.change_marker`): the highest
    ids of the append-only tables, read in one indexed query without the
    write lock, on SQLite and PostgreSQL alike.
    """
    return store.change_marker(class_id)


@dataclass(eq=False)
class Subscription:
    """One live view's interest in one store (and class); :meth:`cancel` ends it."""

    refresher: "Refresher"
    store: ResponseStore
    on_change: Callable[[], None]
    class_choice: ClassChoice = None
    on_tick: Callable[[], None] | None = None
    tick_seconds: float | None = None
    seen: tuple[int | None, Marker] | None = None
    ticked_at: float = field(default_factory=time.monotonic)

    def class_id(self) -> int | None:
        """The class watched right now."""
        return self.class_choice() if callable(self.class_choice) else self.class_choice

    @property
    def active(self) -> bool:
        """Whether the refresher still calls this subscriber."""
        return self.refresher.has(self)

    def cancel(self) -> None:
        """Stop calling this subscriber (the refresher's thread ends with its last subscriber)."""
        self.refresher.unsubscribe(self)


class Refresher:
    """One background thread that calls each subscriber when its store's change marker moves."""

    def __init__(self, check_seconds: float = CHECK_SECONDS,
                 marker: Callable[[ResponseStore, int | None], Marker] = change_marker) -> None:
        self.check_seconds = check_seconds
        self.marker = marker
        self.checks = 0
        """How many times the markers have been read (tests wait on it instead of sleeping)."""
        self._subscriptions: list[Subscription] = []
        self._lock = threading.Lock()
        self._checked = threading.Condition(self._lock)
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # subscribing -------------------------------------------------------------

    def subscribe(self, store: ResponseStore, on_change: Callable[[], None], *, class_id: ClassChoice = None,
                  on_tick: Callable[[], None] | None = None, tick_seconds: float | None = None) -> Subscription:
        """Call ``on_change()`` whenever something is recorded in the watched class of ``store``.

        The marker is read now, before this returns, so a view that reads the
        store after subscribing misses nothing: any later change moves the
        marker. ``on_tick()`` (if given) is also called every ``tick_seconds``.
        """
        subscription = Subscription(self, store, on_change, class_id, on_tick, tick_seconds)
        watched = subscription.class_id()
        subscription.seen = (watched, self.marker(store, watched))
        with self._lock:
            self._subscriptions.append(subscription)
            if self._thread is None:
                self._wake.clear()
                self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
                self._thread.start()
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Stop calling ``subscription``; with no subscriber left the thread ends at once."""
        with self._lock:
            if subscription in self._subscriptions:
                self._subscriptions.remove(subscription)
            if not self._subscriptions:
                self._wake.set()

    def has(self, subscription: Subscription) -> bool:
        with self._lock:
            return subscription in self._subscriptions

    @property
    def thread(self) -> threading.Thread | None:
        """The running thread, if any subscriber is left."""
        with self._lock:
            return self._thread

    def stop(self, timeout: float = 2.0) -> None:
        """Drop every subscriber and wait for the thread to end (the kernel's exit calls this)."""
        with self._lock:
            self._subscriptions.clear()
            thread = self._thread
            self._wake.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def wait_for_checks(self, count: int, timeout: float = 10.0) -> bool:
        """Block until the markers have been read ``count`` more times (False on timeout)."""
        deadline = time.monotonic() + timeout
        with self._checked:
            target = self.checks + count
            while self.checks < target:
                left = deadline - time.monotonic()
                if left <= 0 or self._thread is None:
                    return False
                self._checked.wait(left)
        return True

    # the thread ---------------------------------------------------------------

    def _run(self) -> None:
        while True:
            self._wake.wait(self.check_seconds)
            with self._lock:
                subscriptions = list(self._subscriptions)
                if not subscriptions:
                    self._thread = None
                    self._checked.notify_all()
                    return
                self._wake.clear()  # a subscriber came back after the last one left: keep the pace
            self.check(subscriptions)

    def check(self, subscriptions: list[Subscription] | None = None) -> None:
        """Read each watched marker once and call the subscribers whose marker moved."""
        if subscriptions is None:
            with self._lock:
                subscriptions = list(self._subscriptions)
        markers: dict[tuple[str, int | None], Marker] = {}
        for subscription in subscriptions:
            try:
                watched = subscription.class_id()
                key = (subscription.store.url, watched)
                if key not in markers:
                    markers[key] = self.marker(subscription.store, watched)
                if not subscription.active:
                    continue
                now = (watched, markers[key])
                if now != subscription.seen:
                    subscription.on_change()
                    subscription.seen = now  # only once shown: a failed refresh is tried again
                    subscription.ticked_at = time.monotonic()
                elif subscription.on_tick is not None and subscription.tick_seconds is not None and (
                        time.monotonic() - subscription.ticked_at >= subscription.tick_seconds):
                    subscription.ticked_at = time.monotonic()
                    subscription.on_tick()
            except Exception:  # a busy database or a view that failed: try again at the next check
                log.debug("live view refresh failed", exc_info=True)
        with self._checked:
            self.checks += 1
            self._checked.notify_all()


_shared: Refresher | None = None
_shared_lock = threading.Lock()


def refresher() -> Refresher:
    """The kernel's one refresher, shared by its console and every slide prompt."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Refresher()
            atexit.register(_shared.stop)
        return _shared
