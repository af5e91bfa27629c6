"""Units of work in worker processes, each with a wall-clock limit.

:func:`run_in_processes` runs ``work(item)`` for every item on a
:class:`concurrent.futures.ProcessPoolExecutor` and reports each result as it
arrives. Workers are started with the ``spawn`` method: the calling process
may hold threads (a progress bar), ZeroMQ contexts and event loops from
earlier kernels (the test suite, a notebook), none of which survives ``fork``
safely; a spawned worker imports what it needs afresh, as a new ``python``
would.

Two things a plain executor does not do, done here so that no submission can
stop or hang a whole run:

* **a time limit per item.** At most ``workers`` items are in flight, so each
  one starts as it is handed over; one still unfinished ``limit`` seconds later
  has hung. Its worker is killed with everything it started (a notebook's
  kernel included), the item is reported as :class:`Lost`, and the other items
  in flight go on in a fresh pool.
* **a worker that dies** breaks the executor for every item in flight; the
  culprit is unknown, so each of them is tried again alone, one after
  another, in a fresh pool; the item whose worker dies then is reported as
  :class:`Lost`, and the rest go on.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Callable, Generic, Hashable, Sequence, TypeVar

import psutil

Item = TypeVar("Item", bound=Hashable)
Result = TypeVar("Result")

START_METHOD = "spawn"


@dataclass(frozen=True)
class Lost:
    """An item that gave no result: its worker hung past the limit and was killed, or died."""

    reason: str


class _Round(Generic[Item, Result]):
    """One executor's life: it ends when every item is done, or when the executor must be replaced."""

    def __init__(self, work: Callable[[Item], Result], workers: int, limit: float, quiet: bool) -> None:
        context = multiprocessing.get_context(START_METHOD)
        self.started = context.SimpleQueue()
        self.executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_announce, initargs=(self.started, quiet)
        )
        self.work = work
        self.workers = workers
        self.limit = limit
        self.in_flight: dict[Future[Result], tuple[Item, float]] = {}

    def fill(self, pending: deque[Item]) -> None:
        while pending and len(self.in_flight) < self.workers:
            item = pending.popleft()
            self.in_flight[self.executor.submit(self.work, item)] = (item, time.monotonic() + self.limit)

    def next_done(self) -> set[Future[Result]]:
        earliest = min(deadline for _item, deadline in self.in_flight.values())
        done, _ = wait(self.in_flight, timeout=max(0.0, earliest - time.monotonic()), return_when=FIRST_COMPLETED)
        return done

    def overdue(self) -> list[Item]:
        now = time.monotonic()
        late = [future for future, (_item, deadline) in self.in_flight.items() if deadline <= now and not future.done()]
        return [self.in_flight.pop(future)[0] for future in late]

    def close(self, kill: bool) -> list[Item]:
        """Stop the executor (killing its workers first if ``kill`` or items are in flight); return those items."""
        left = [item for item, _deadline in self.in_flight.values()]
        if kill or left:
            _kill_workers(self.started)
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.started.close()
        return left


def run_in_processes(
    work: Callable[[Item], Result],
    items: Sequence[Item],
    *,
    workers: int,
    limit: float,
    on_result: Callable[[Item, Result | Lost], None] | None = None,
    quiet: bool = True,
) -> dict[Item, Result | Lost]:
    """``work(item)`` for every item in ``workers`` processes, at most ``limit`` seconds each.

    ``work`` must be picklable (a module-level function, or a
    :func:`functools.partial` of one) and should report its own failures in
    its result: an exception it raises is reported as :class:`Lost`. Returns
    every item's result; ``on_result(item, result)`` is called in this process
    as each one arrives. ``quiet`` silences the workers' standard error.
    """
    report = on_result or (lambda _item, _result: None)
    results: dict[Item, Result | Lost] = {}
    pending: deque[Item] = deque(items)
    suspects: deque[Item] = deque()

    def finish(item: Item, result: Result | Lost) -> None:
        results[item] = result
        report(item, result)

    while pending or suspects:
        alone = bool(suspects)  # after a death, each suspect runs alone, so a death names its item
        queue = suspects if alone else pending
        width = 1 if alone else max(1, min(workers, len(queue)))
        current: _Round[Item, Result] = _Round(work, width, limit, quiet)
        broken = False
        died: list[Item] = []
        try:
            while not broken and (queue or current.in_flight):
                current.fill(queue)
                for future in current.next_done():
                    item, _deadline = current.in_flight.pop(future)
                    try:
                        finish(item, future.result())
                    except BrokenProcessPool:
                        broken = True
                        died.append(item)
                    except Exception as problem:  # noqa: BLE001 (reported, and the others go on)
                        finish(item, Lost(f"the grading worker failed ({problem.__class__.__name__})"))
                for item in current.overdue():
                    broken = True
                    finish(item, Lost(f"it was still running after {limit:.0f} s and was stopped"))
        finally:
            still_running = current.close(kill=broken)
        if alone:
            for item in died:
                finish(item, Lost("the grading worker stopped before grading it"))
            suspects.extendleft(reversed(still_running))
        elif died:
            suspects.extend([*died, *still_running])
        else:
            pending.extendleft(reversed(still_running))
    return results


def _announce(started: multiprocessing.SimpleQueue, quiet: bool) -> None:  # type: ignore[type-arg]
    """Run in each new worker: tell the parent its process id, so a hung worker can be killed.

    ``quiet`` sends the worker's standard error (and so its kernels') to
    ``/dev/null``: their warnings would break into the caller's progress bar.
    """
    if quiet:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    started.put(os.getpid())


def _kill_workers(started: multiprocessing.SimpleQueue) -> None:  # type: ignore[type-arg]
    """Kill every worker of this executor and everything each started (a notebook's kernel)."""
    doomed: list[psutil.Process] = []
    while not started.empty():
        pid = started.get()
        try:
            worker = psutil.Process(pid)
            if worker.ppid() != os.getpid():  # gone, and its id reused by someone else's process
                continue
            doomed += [worker, *worker.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
    for process in doomed:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(doomed, timeout=10)
