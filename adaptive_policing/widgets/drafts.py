"""Keeping a draft a second after the trainee stops typing, and when the page's kernel ends.

A :class:`DraftTimer` calls its ``keep`` function about a second after the last
:meth:`~DraftTimer.touch` (each change the page sends), on :meth:`~DraftTimer.flush`
(the page is hidden or closed), and, for anything still pending, when the kernel
process ends (a closed Voilà page shuts its kernel down). The delay runs on the
kernel's own event loop, so ``keep`` runs on the same thread as every other widget
callback; where no loop is running (a headless test) nothing is scheduled and the
caller flushes.
"""

from __future__ import annotations

import asyncio
import atexit
import weakref
from typing import Callable

DRAFT_DELAY_SECONDS = 1.0
"""How long after the last keystroke a draft is kept."""

_pending: "weakref.WeakSet[DraftTimer]" = weakref.WeakSet()


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
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
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


@atexit.register
def _flush_all() -> None:
    """Keep every pending draft as the kernel process ends."""
    for timer in list(_pending):
        try:
            timer.flush()
        except Exception:  # noqa: BLE001 - the process is ending; the device still has the text
            pass
