"""Keeping a draft a second after the trainee stops typing, and when the page's kernel ends; saving after the last keystrokes.

A :class:`DraftTimer` calls its ``keep`` function about a second after the last
:meth:`~DraftTimer.touch` (each change the page sends), on :meth:`~DraftTimer.flush`
(the page is hidden or closed: :func:`flush_pending` flushes every timer of the
page), and, for anything still pending, when the kernel process ends (a closed
Voilà page shuts its kernel down). The delay runs on the kernel's own event loop,
so ``keep`` runs on the same thread as every other widget callback; where no loop
is running (a headless test) nothing is scheduled and the caller flushes.
"""

from __future__ import annotations

import asyncio
import atexit
import weakref
from typing import Callable

DRAFT_DELAY_SECONDS = 1.0
"""How long after the last keystroke a draft is kept."""

CLICK_SETTLE_SECONDS = 0.4
"""How long a Save click waits for the box's last keystrokes. The browser holds a widget's
changes back while an earlier one is on its way, so a click typed right after the text can
reach the kernel before the last characters; they follow once the kernel is idle again."""

_pending: "weakref.WeakSet[DraftTimer]" = weakref.WeakSet()


def kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop of the IPython kernel this code runs in; None outside a kernel.

    Outside a kernel (tests, nbconvert) another library's loop may be running on this
    thread, e.g. Playwright's; nothing of the page may be scheduled there.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return None
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def after_held_back_changes(action: Callable[[], object]) -> None:
    """Run ``action`` (a save) once the changes the browser held back behind a click have arrived.

    On the kernel's event loop it runs :data:`CLICK_SETTLE_SECONDS` later, after the
    click's handler has returned and the browser has sent what it held; outside a
    kernel (a headless test) it runs at once.
    """
    loop = kernel_loop()
    if loop is None:
        action()
        return
    loop.call_later(CLICK_SETTLE_SECONDS, action)


class DraftTimer:
    """Calls ``keep`` once the changes have paused for ``delay`` seconds (debounced)."""

    def __init__(self, keep: Callable[[], None], delay: float = DRAFT_DELAY_SECONDS) -> None:
        self._keep = keep
        self._delay = delay
        self._handle: asyncio.TimerHandle | None = None
        self.pending = False

    def touch(self) -> None:
        """A change arrived: keep a draft ``delay`` seconds from now unless another change comes first."""
        self.pending = True
        _pending.add(self)
        self._cancel()
        loop = kernel_loop()
        if loop is None:
            return
        self._handle = loop.call_later(self._delay, self.flush)

    def flush(self) -> None:
        """Keep the pending draft now (nothing when nothing changed since the last one)."""
        self._cancel()
        if self.pending:
            self.pending = False
            _pending.discard(self)
            self._keep()

    def cancel(self) -> None:
        """Forget the pending draft (the answer was just saved)."""
        self._cancel()
        self.pending = False
        _pending.discard(self)

    def _cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None


def flush_pending() -> None:
    """Keep every pending draft of this kernel now (the page is being hidden or closed).

    One draft that cannot be kept does not stop the others; the first such error is raised after.
    """
    problems: list[Exception] = []
    for timer in list(_pending):
        try:
            timer.flush()
        except Exception as problem:  # noqa: BLE001 - raised below, once every other draft is kept
            problems.append(problem)
    if problems:
        raise problems[0]


@atexit.register
def _flush_all() -> None:
    """Keep every pending draft as the kernel process ends."""
    for timer in list(_pending):
        try:
            timer.flush()
        except Exception:  # noqa: BLE001 - the process is ending; the device still has the text
            pass
