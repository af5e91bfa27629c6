"""Kernels ready before the class asks: the trainee server's pre-heated pools follow the agenda.

The trainee server runs Voilà with ``preheat_kernel`` on and every notebook's
pool empty. A pre-heated kernel has started, imported what its page uses and
run the page up to the point where it needs to know who is asking
(:func:`adaptive_policing.widgets.viewer.page_token` waits there for Voilà's
request information), so opening the page only has to finish it.

:class:`Prewarmer` reads the day's classes from the response store every
:data:`POLL_SECONDS` (only when the store changed, or once a minute for the
clock) and sizes each notebook's pool to :func:`~adaptive_policing.analysis.
prewarm.pool_targets`: the section a class is in and the next one, for the
signed-in trainees who have not opened them yet. So when the instructor
presses *Start class* or *Next section*, the next section's kernels start
warming, and the pools of sections that are over are emptied and their
kernels shut down. Pre-heated kernels take at most half the kernel budget.

Each page a trainee takes from a pool lowers that pool's size by one
(:meth:`Prewarmer.taken`), so Voilà does not start a replacement the class
does not need.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import date, datetime, timezone
from typing import Any, Callable

from tornado.ioloop import PeriodicCallback

from ..analysis.agenda import agenda_status
from ..analysis.prewarm import ClassPosition, capped, pool_targets
from ..content.plan import AgendaRow, agenda
from ..data.store import ResponseStore
from .budget import KernelBudget

POLL_SECONDS = 2.0
CLOCK_CHECK_SECONDS = 60.0
"""Look again even when nothing was saved, so a class's day and clock are followed."""

log = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Prewarmer:
    """Keeps the trainee server's pre-heated kernel pools at the size the day's classes need."""

    def __init__(
        self,
        kernel_manager: Any,
        store: ResponseStore,
        budget: KernelBudget,
        *,
        clock: Callable[[], datetime] = _utcnow,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.kernel_manager = kernel_manager
        self.store = store
        self.limit = budget.max_kernels // 2
        self.clock = clock
        self.today = today
        self._marker: object = None
        self._checked_at = float("-inf")
        self._agendas: dict[str, list[AgendaRow]] = {}
        self._callback: PeriodicCallback | None = None

    def start(self) -> None:
        """Check the classes now and every :data:`POLL_SECONDS` on the server's event loop."""
        self._callback = PeriodicCallback(self.check, POLL_SECONDS * 1000)
        self._callback.start()

    def check(self) -> None:
        """Resize the pools if the store changed (or a minute passed) since the last look."""
        try:
            marker = self.store.change_marker()
            if marker == self._marker and time.monotonic() - self._checked_at < CLOCK_CHECK_SECONDS:
                return
            self._marker, self._checked_at = marker, time.monotonic()
            self.resize(capped(pool_targets(self.positions()), self.limit))
        except Exception:  # a store being migrated or a plan being edited must not stop the server
            log.exception("Could not update the pre-heated kernels")

    def positions(self) -> list[ClassPosition]:
        """Where each of today's classes stands."""
        now, today = self.clock(), self.today()
        found = []
        for training_class in self.store.classes():
            if training_class.class_date != today:
                continue
            rows = self._agenda(training_class.course_plan)
            status = agenda_status(rows, self.store.class_progress(training_class.id), now)
            trainees = [trainee.id for trainee in self.store.trainees_in(training_class.id)]
            opened = {(trainee.id, page) for trainee, page, _ in self.store.visits(training_class.id)}
            found.append(ClassPosition(rows, status, trainees, opened))
        return found

    def _agenda(self, plan_id: str) -> list[AgendaRow]:
        if plan_id not in self._agendas:
            try:
                self._agendas[plan_id] = agenda(plan_id)
            except KeyError:  # a class of a plan this checkout does not have
                self._agendas[plan_id] = []
        return self._agendas[plan_id]

    # the pools --------------------------------------------------------------------------------------

    def pool_sizes(self) -> dict[str, int]:
        """The number of pre-heated kernels (ready or starting) of each notebook that has any."""
        return {name: len(pool) for name, pool in self._pools().items() if pool}

    def _pools(self) -> dict[str, list[asyncio.Future[Any]]]:
        # Voilà keeps its pools here and offers no public way to shrink them.
        return self.kernel_manager._pools  # type: ignore[no-any-return]

    def _set_size(self, name: str, size: int) -> None:
        pools_config = dict(self.kernel_manager.kernel_pools_config)
        pools_config[name] = {**pools_config.get(name, {}), "pool_size": max(0, size)}
        self.kernel_manager.kernel_pools_config = pools_config

    def resize(self, targets: dict[str, int]) -> None:
        """Make each notebook's pool ``targets[name]`` kernels (0 for a notebook not named)."""
        pools = self._pools()
        for name in set(pools) | set(targets):
            wanted = targets.get(name, 0)
            self._set_size(name, wanted)
            pool = pools.get(name, [])
            if len(pool) < wanted:
                self.kernel_manager.fill_if_needed(delay=0, notebook_name=name)
            for task in pool[wanted:]:
                pool.remove(task)
                task.add_done_callback(self._shut_down)

    def _shut_down(self, task: asyncio.Future[Any]) -> None:
        """Shut down the kernel of a pool entry that is no longer wanted, once it has started."""
        if task.cancelled() or task.exception() is not None:
            return
        entry = task.result()
        entry["task"].cancel()  # its page was waiting for a request that will not come
        asyncio.ensure_future(self.kernel_manager.shutdown_kernel(entry["kernel_id"], now=True))

    def taken(self, name: str) -> None:
        """A page is being opened from ``name``'s pool: do not start a replacement for it."""
        if self.kernel_manager.get_pool_size(name) > 0:
            size = self.kernel_manager.kernel_pools_config.get(name, {}).get("pool_size", 0)
            self._set_size(name, size - 1)
