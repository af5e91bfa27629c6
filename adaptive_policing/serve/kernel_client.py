"""The servers' kernel client: it reaches a kernel that is still starting within 10 ms of its socket.

Voilà connects a page's client to the kernel as soon as the kernel's process has started, long
before the kernel has bound its sockets (Unix sockets here, see
:func:`adaptive_policing.serve.server.runtime_config`). Each refused connection is tried again
after ZeroMQ's reconnect interval, 100 ms by default, so a page opened late by up to 100 ms on
every one of its channels: measured on this machine, one page of two took 0.15–0.2 s longer.
This client tries every 10 ms at first, slowing to the usual 100 ms, so a kernel that has
gone away is not called more often than before.
"""

from __future__ import annotations

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from traitlets import default

FIRST_RECONNECT_MS = 10
LATEST_RECONNECT_MS = 100


class QuickConnectKernelClient(AsyncKernelClient):
    """Jupyter's asynchronous kernel client, trying a starting kernel's sockets again every 10 ms at first."""

    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        self._created_context = True
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.RECONNECT_IVL, FIRST_RECONNECT_MS)  # every socket made from it
        context.setsockopt(zmq.RECONNECT_IVL_MAX, LATEST_RECONNECT_MS)
        return context
