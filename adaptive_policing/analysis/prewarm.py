"""Which pages to have kernels ready for, and how many: the sections a class is about to open.

A class moves through its agenda together, so the trainee server can have a
page's kernel started and its notebook run before the trainees ask for it. For
each class of the day (see :func:`pool_targets`):

* **before the class starts**: its first section, once for each trainee signed
  in, and :data:`START_PAGE_POOL` kernels of the start page for those still
  arriving;
* **in section k**: section k (for those who have not opened it yet, e.g. after
  *Next section*) and section k + 1, each with its activity worksheets, once for
  each signed-in trainee who has not opened that page yet;
* **finished**: nothing.

A target counts the trainees who have *not yet* opened a page, so it falls as
they arrive and a pool is never refilled beyond need; the pages of sections
that are over get no kernel. :func:`capped` keeps the total within a budget.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..content.plan import AgendaRow
from .agenda import AgendaStatus, page_id_of

START_PAGE = "course/00-start.ipynb"
START_PAGE_POOL = 5
"""Start-page kernels kept ready while a class of the day has not started."""


@dataclass(frozen=True)
class ClassPosition:
    """One class as the pre-warming sees it: its agenda, where it is, who signed in and what they opened."""

    rows: Sequence[AgendaRow]
    status: AgendaStatus
    trainee_ids: Collection[int]
    opened: Collection[tuple[int, str]]
    """``(trainee id, page id)`` for every page a trainee of the class has opened."""


def _pages_of(row: AgendaRow) -> list[tuple[str, str]]:
    """``(page id, served path)`` of a section and of its activity worksheets."""
    return [(page_id_of(row), row.path), *[(ref.page_id, ref.path) for ref in row.activities]]


def class_targets(position: ClassPosition) -> Counter[str]:
    """Kernels to keep ready for one class, by served notebook path."""
    targets: Counter[str] = Counter()
    status, rows = position.status, position.rows
    if status.finished or not rows:
        return targets
    if not status.running:
        targets[START_PAGE] = START_PAGE_POOL
        upcoming = [rows[0]]
    else:
        index = status.index or 0
        upcoming = list(rows[index:index + 2])
    opened = set(position.opened)
    for row in upcoming:
        for page_id, path in _pages_of(row):
            waiting = sum(1 for trainee_id in position.trainee_ids if (trainee_id, page_id) not in opened)
            if waiting:
                targets[path] += waiting
    return targets


def pool_targets(classes: Iterable[ClassPosition]) -> dict[str, int]:
    """Kernels to keep ready over all of the day's classes, by served notebook path.

    The start page's pool is shared: it is the largest any class asks for, not their sum.
    """
    total: Counter[str] = Counter()
    start = 0
    for position in classes:
        targets = class_targets(position)
        start = max(start, targets.pop(START_PAGE, 0))
        total.update(targets)
    if start:
        total[START_PAGE] = start
    return dict(total)


def capped(targets: Mapping[str, int], limit: int) -> dict[str, int]:
    """``targets`` scaled down, page by page, so that they add up to at most ``limit``."""
    wanted = sum(targets.values())
    if wanted <= limit:
        return dict(targets)
    scaled = {path: count * limit // wanted for path, count in targets.items()}
    return {path: count for path, count in scaled.items() if count}
