"""Pre-warmed sections: kernels that have opened the class's next page before the class asks for it.

When the instructor presses *Next section*, every trainee opens the same page
within seconds, and each page needs a kernel: started, its imports done, its cells
run. The trainee server (``--prewarm``, on in ``adaptive-policing serve``) gets
those kernels ready while the class is still in the section before, using
Voilà's pre-heated kernel pools (``VoilaConfiguration.preheat_kernel``):

* **What is warmed** (:func:`wanted_pools`) follows each of today's classes in the
  store, as the instructor console moves it (``ResponseStore.record_progress``).
  Before the class starts: the start page (:data:`START_PAGE_POOL` kernels) and the
  first section's page. While section *k* runs: section *k + 1*'s page, from
  :data:`NEXT_AFTER_SECONDS` into the section (``--prewarm-after``), so the class
  opening section *k* does not share the cores with kernels warming for the next.
  One kernel per trainee signed in to the class who has not opened that page yet;
  nothing once the class has finished. At most :data:`FILL_STEP` kernels of a pool
  start at a time, so warming never takes the machine from a class at work.
* **A pool fills only for a page that is still to come.** When the instructor
  presses *Next section*, the page the class now opens keeps the kernels warmed for
  it, and its pool only shrinks: by each trainee who takes a kernel, and to the
  trainees who have not opened the page yet. A burst never starts replacement
  kernels while the class is opening the page, and the pool of a section is gone
  once the class has moved past it.
* **Within the kernel budget**: pools take at most the room the budget leaves
  after the kernels in use and a quarter of the budget kept free for pages
  nobody warmed (:func:`pool_room`).
* **How a pooled page opens**: Voilà started the kernel and ran the whole page
  ahead, each widget drawn and waiting for its trainee with its controls held off
  (:func:`adaptive_policing.widgets.viewer.when_request_arrives`); the kernel has
  opened the store and waits for its request. When a trainee asks for the page,
  Voilà takes a kernel from the pool and sends the page at once; the kernel is
  handed the request (query string and headers) and fills every widget in for
  that trainee. A cell that needs the trainee as it runs (the assessment) waits
  for the request where it stands, and the rest of that page runs after it. A
  page with no pooled kernel left opens as usual, in a new kernel.
* Voilà itself would refill a pool each time a page takes one of its kernels;
  the server's kernel manager (:func:`agenda_pools_factory`) leaves the sizing to
  the agenda.

A pooled kernel fetches its request on Voilà's ``voila/query/<kernel id>`` socket. The
request carries the trainee's token, and Voilà hands it to whoever names the kernel, so
this server opens that socket only to the address its kernels connect from
(:class:`KernelRequestHandler`).

Not warmed: the instructor server, servers behind JupyterHub (a pooled kernel
would belong to no hub user) and servers over HTTPS (a waiting kernel asks the
server for its request over plain ``ws://``).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from ipaddress import ip_address
from pathlib import Path
from typing import Any

from tornado.web import HTTPError
from voila.request_info_handler import RequestInfoSocketHandler
from voila.voila_kernel_manager import voila_kernel_manager_factory

START_PAGE = "course/00-start.ipynb"
START_PAGE_POOL = 5
"""Kernels kept ready on the start page before a class starts, for trainees arriving to sign in."""
FREE_SHARE = 4
"""A quarter (1 / FREE_SHARE) of the kernel budget is never given to pools."""
PLAN_SECONDS = 3.0
"""How often the trainee server re-reads the classes' agendas."""
NEXT_AFTER_SECONDS = 60.0
"""How long into a section the next section starts being warmed (while the class opens this one)."""
FILL_STEP = 5
"""Kernels of one pool that may be starting at the same time."""
KERNEL_ADDRESS_ENV = "VOILA_APP_IP"
"""The address this server's kernels connect to it on, for a pooled kernel's request and every kernel's store
calls; set by the trainee server (loopback when it listens on all addresses)."""


@dataclass(frozen=True)
class ClassAgenda:
    """Where one class is, for warming: its agenda's pages in order and how many trainees signed in."""

    pages: tuple[str, ...]
    """The course page of each agenda section, as served (e.g. ``course/03-what-is-customer-service.ipynb``);
    "" for a page the server does not serve."""
    section: int | None
    """The current section's position in ``pages``; None before the class starts."""
    finished: bool
    signed_in: int
    opened: Mapping[str, int] = field(default_factory=dict)
    """How many of the class's trainees have already opened each page (they need no warmed kernel for it)."""
    in_section_for: float = 0.0
    """Seconds since the current section began (0 before the class starts)."""


@dataclass(frozen=True)
class PoolTarget:
    """How many warmed kernels a page should have, and whether its pool may fill up to that or only shrink."""

    size: int
    fills: bool


def wanted_pools(classes: Iterable[ClassAgenda], next_after: float = NEXT_AFTER_SECONDS) -> dict[str, PoolTarget]:
    """The pool each page should have for ``classes`` (pages that need none left out).

    The next section is warmed from ``next_after`` seconds into the current one.
    """
    wanted: dict[str, PoolTarget] = {}

    def want(page: str, size: int, fills: bool) -> None:
        if page and size > 0:
            before = wanted.get(page, PoolTarget(0, False))
            wanted[page] = PoolTarget(before.size + size, before.fills or fills)

    for agenda in classes:
        if agenda.finished:
            continue
        if agenda.section is None:
            want(START_PAGE, START_PAGE_POOL, True)
        else:  # the page the class is opening now keeps what was warmed for it, for who has not opened it yet
            current = agenda.pages[agenda.section] if agenda.section < len(agenda.pages) else ""
            want(current, agenda.signed_in - agenda.opened.get(current, 0), False)
        if agenda.section is not None and agenda.in_section_for < next_after:
            continue
        upcoming = 0 if agenda.section is None else agenda.section + 1
        page = agenda.pages[upcoming] if upcoming < len(agenda.pages) else ""
        want(page, agenda.signed_in - agenda.opened.get(page, 0), True)
    if START_PAGE in wanted:  # one start page for every class of the day
        wanted[START_PAGE] = PoolTarget(min(wanted[START_PAGE].size, START_PAGE_POOL), True)
    return wanted


def pool_room(max_kernels: int, kernels_in_use: int) -> int:
    """How many kernels pools may hold: the budget, less the kernels in use and the share kept free."""
    return max(0, max_kernels - max_kernels // FREE_SHARE - kernels_in_use)


def within_room(wanted: Mapping[str, PoolTarget], room: int, held: Mapping[str, int]) -> dict[str, PoolTarget]:
    """``wanted`` cut down to ``room`` kernels in all, given the kernels each pool ``held`` already.

    A pool that only shrinks counts no more than it holds. Pools already warmed keep their room
    first, then the start page, then the other pages in order.
    """
    sized: dict[str, PoolTarget] = {}
    for page in sorted(wanted, key=lambda name: (wanted[name].fills, name != START_PAGE, name)):
        target = wanted[page]
        size = target.size if target.fills else min(target.size, held.get(page, 0))
        sized[page] = PoolTarget(min(size, room), target.fills)
        room -= sized[page].size
    return sized


def todays_agendas(store: Any, served_root: Path, today: date | None = None) -> list[ClassAgenda]:
    """The agendas of the classes in ``store`` held today whose pages ``served_root`` serves."""
    from ..analysis.agenda import agenda_status, page_id_of
    from ..content.plan import agenda

    today = today or date.today()
    now = datetime.now(timezone.utc)
    agendas = []
    for training_class in store.classes():
        if training_class.class_date != today:
            continue
        try:
            rows = agenda(training_class.course_plan)
        except Exception:  # a plan being edited, or one this checkout does not have: warm nothing for it
            continue
        status = agenda_status(rows, store.class_progress(training_class.id), now)
        if status.finished:
            continue
        visitors: dict[str, set[int]] = {}
        for trainee, page_id, _at in store.visits(training_class.id):
            visitors.setdefault(page_id, set()).add(trainee.id)
        agendas.append(ClassAgenda(
            pages=tuple(row.path if (served_root / row.path).is_file() else "" for row in rows),
            section=status.index,
            finished=status.finished,
            signed_in=len(store.trainees_in(training_class.id)),
            opened={row.path: len(visitors.get(page_id_of(row), ())) for row in rows},
            in_section_for=(now - status.section_started_at).total_seconds() if status.section_started_at else 0.0,
        ))
    return agendas


def agenda_pools_factory(
    base_class: type, preheat_kernel: bool, default_pool_size: int, page_config_hook: Any = None,
) -> type:
    """Voilà's kernel manager factory, with pools sized by :meth:`AgendaPools.resize_pools` only.

    :class:`adaptive_policing.serve.server.CourseVoila` puts it in place of
    ``voila.app.voila_kernel_manager_factory``; without pre-heating it returns Voilà's own class.
    """
    voila_class = voila_kernel_manager_factory(base_class, preheat_kernel, default_pool_size, page_config_hook)
    if not preheat_kernel:
        return voila_class

    class AgendaPools(voila_class):  # type: ignore[misc, valid-type]
        """Voilà's pre-heating kernel manager, whose pools change size only when the agenda says so."""

        _resizing = False

        def fill_if_needed(self, delay: float | None = None, notebook_name: str | None = None,
                           extra_kernel_env_variables: dict[str, str] | None = None, **kwargs: Any) -> None:
            # Voilà calls this at start and after each page takes a pooled kernel; only resize_pools fills.
            # (Voilà would also hand a refill the request's address: a kernel for the next trainee.)
            if self._resizing:
                super().fill_if_needed(delay=0, notebook_name=notebook_name, **kwargs)

        def pool_sizes(self) -> dict[str, int]:
            """The kernels waiting in each page's pool (started or starting)."""
            return {name: len(pool) for name, pool in self._pools.items()}

        def pooled(self) -> int:
            """Kernels waiting in pools (started or starting)."""
            return sum(self.pool_sizes().values())

        def warmed_kernel_ids(self) -> set[str]:
            """The kernels waiting in pools that have started."""
            return {task.result()["kernel_id"] for pool in self._pools.values() for task in pool
                    if task.done() and not task.cancelled() and task.exception() is None}

        async def cull_kernel_if_idle(self, kernel_id: str) -> None:
            # A warmed kernel has run its page and waits, idle and with no page open, for its trainee: kept.
            state = getattr(self._kernels.get(kernel_id), "execution_state", None)
            if state == "dead" or kernel_id not in self.warmed_kernel_ids():
                await super().cull_kernel_if_idle(kernel_id)

        async def resize_pools(self, targets: Mapping[str, PoolTarget]) -> None:
            """Bring each page's pool to its target: filled only where it ``fills``; a page not named is emptied."""
            for name in sorted(set(self._pools) | set(targets)):
                target = targets.get(name, PoolTarget(0, False))
                pool = self._pools.setdefault(name, [])
                size = max(0, target.size)
                if len(pool) < size:
                    starting = sum(not task.done() for task in pool)
                    size = min(size, len(pool) + max(0, FILL_STEP - starting)) if target.fills else len(pool)
                self.kernel_pools_config[name] = {"pool_size": size}
                if len(pool) < size:
                    self.log.info("Warming %d kernel(s) for %s", size - len(pool), name)
                    self._resizing = True
                    try:
                        self.fill_if_needed(notebook_name=name)
                    finally:
                        self._resizing = False
                elif len(pool) > size:
                    surplus = pool[size:]
                    del pool[size:]
                    self.log.info("Letting %d warmed kernel(s) of %s go", len(surplus), name)
                    await asyncio.gather(*(self._discard(task) for task in surplus))

        async def _discard(self, task: asyncio.Task[Any]) -> None:
            try:
                content = await task
            except Exception:  # a kernel that failed to start: nothing to shut down
                return
            content["task"].cancel()
            if content["kernel_id"] in self:
                await self.shutdown_kernel(content["kernel_id"], now=True)

    return AgendaPools


class PoolPlanner:
    """Re-reads today's agendas every :data:`PLAN_SECONDS` and sizes the server's pools to them."""

    def __init__(self, kernel_manager: Any, served_root: Path, max_kernels: int,
                 next_after: float = NEXT_AFTER_SECONDS) -> None:
        self.kernel_manager = kernel_manager
        self.served_root = served_root
        self.max_kernels = max_kernels
        self.next_after = next_after
        self._running = False

    def _read(self) -> list[ClassAgenda]:
        from ..data.store import open_store

        return todays_agendas(open_store(), self.served_root)

    async def plan(self) -> None:
        """One round: read the agendas (in a worker thread) and resize the pools."""
        if self._running:  # the last round is still waiting for kernels to go
            return
        self._running = True
        try:
            agendas = await asyncio.get_running_loop().run_in_executor(None, self._read)
            in_use = len(self.kernel_manager.list_kernel_ids()) - self.kernel_manager.pooled()
            room = pool_room(self.max_kernels, in_use)
            sized = within_room(wanted_pools(agendas, self.next_after), room, self.kernel_manager.pool_sizes())
            await self.kernel_manager.resize_pools(sized)
        except Exception:
            self.kernel_manager.log.exception("Could not size the pre-warmed kernel pools")
        finally:
            self._running = False


def pooled_kernels(kernel_manager: Any) -> int:
    """Kernels a server keeps in pools (0 when it does not pre-warm)."""
    pooled = getattr(kernel_manager, "pooled", None)
    return pooled() if callable(pooled) else 0



def kernels_connect_from(remote_ip: str) -> bool:
    """Whether ``remote_ip`` is an address this server's kernels connect from: loopback, or the one they are given."""
    try:
        address = ip_address(remote_ip)
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped is not None:  # an IPv4 client of a server listening on "::"
        address = address.ipv4_mapped
    return address.is_loopback or str(address) == os.environ.get(KERNEL_ADDRESS_ENV)


class KernelRequestHandler(RequestInfoSocketHandler):
    """Voilà's ``voila/query/<kernel id>`` socket, refused to every address but the kernels' own.

    A pooled kernel fetches its page's request here: the query string and headers, with the
    trainee's token. Voilà's own handler gives it to anyone who names the kernel, and keeps
    it for the server's lifetime; a device on the classroom network gets 403 here.
    """

    async def get(self, *args: Any, **kwargs: Any) -> None:
        if not kernels_connect_from(self.request.remote_ip or ""):
            raise HTTPError(403)
        await super().get(*args, **kwargs)
