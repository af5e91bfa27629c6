"""How many kernels a course server may run at once.

Each open page holds a kernel of 80–100 MB. A laptop serving a class of 30 for
several sections must not run out of memory, so each server keeps to a budget:
at the budget a new page gets the "course is busy" page, which retries by itself
(see :class:`adaptive_policing.serve.server.CourseRenderHandler`).
"""

from __future__ import annotations

from dataclasses import dataclass

import psutil

KERNEL_MEGABYTES = 100
"""Memory set aside per kernel when sizing the budget: a section kernel holds about
55–100 MB (``python -m bench classroom``); the servers themselves are in the reserve."""
RESERVED_MEGABYTES = 2048
"""Memory left for the system, the browser on the laptop and the instructor's server."""
MINIMUM_KERNELS = 10


def default_max_kernels(total_bytes: int | None = None) -> int:
    """How many kernels a server may run at once on a machine with ``total_bytes`` of memory.

    16 GB gives 143, 8 GB gives 61; never fewer than :data:`MINIMUM_KERNELS`.
    """
    if total_bytes is None:
        total_bytes = psutil.virtual_memory().total
    spare = total_bytes // 2**20 - RESERVED_MEGABYTES
    return max(MINIMUM_KERNELS, spare // KERNEL_MEGABYTES)


@dataclass(frozen=True)
class KernelBudget:
    """At most ``max_kernels`` live kernels; a page asked for beyond that waits ``retry_seconds`` and retries.

    Kernels are freed when culling runs, so the wait is at most one culling interval (and at most 15 s).
    """

    max_kernels: int
    retry_seconds: int = 15
