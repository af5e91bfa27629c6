"""A pre-warmed kernel's request, fetched from the Voilà server that started the kernel.

A kernel of a pre-warmed pool (:mod:`adaptive_policing.serve.pools`) starts before
anybody asks for its page, so Voilà cannot put the page's request (query string and
headers) in its environment. When a trainee asks for the page, the server sends the
request as one message on its ``voila/query/<kernel id>`` websocket; the kernel sets
it in its environment, as Voilà would have when starting it.

Voilà's own ``voila.utils.wait_for_request`` does the same, but importing ``voila``
loads Jupyter Server, JupyterLab Server and nbconvert into the kernel: about 25 MB
and a third of a second of CPU more in every pre-warmed kernel. This module uses the
Tornado the kernel already has.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from typing import Callable

PREHEAT_ENV = "VOILA_PREHEAT"
"""Set to ``True`` by Voilà in the environment of a kernel it starts for a pool."""
REQUEST_MARK = "SCRIPT_NAME"
"""A variable Voilà sends with every request (the page's path)."""
CONNECT_TIMEOUT_SECONDS = 5.0
RETRY_SECONDS = 1.0


def pre_warmed() -> bool:
    """Whether this kernel was started ahead of its page's request, for a pool of pre-warmed kernels."""
    return os.environ.get(PREHEAT_ENV) == "True"


def query_url() -> str:
    """The server's websocket that hands this kernel its request, from what Voilà put in the environment."""
    protocol = os.environ.get("VOILA_WS_PROTOCOL", "ws")
    host = os.environ.get("VOILA_APP_IP", "127.0.0.1")
    port = os.environ.get("VOILA_APP_PORT", "8866")
    base = os.environ.get("VOILA_WS_BASE_URL", os.environ.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{host}:{port}{base}voila/query/{os.environ.get('VOILA_KERNEL_ID', '')}"


async def _receive(url: str) -> str | None:
    from tornado.websocket import websocket_connect

    try:
        connection = await websocket_connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS)
    except (OSError, asyncio.TimeoutError, ValueError):
        return None
    try:
        message = await connection.read_message()
    finally:
        connection.close()
    return message if isinstance(message, str) else None


def _receive_request(url: str) -> str | None:
    """One connection to the server's request socket, and the one message it sends (None if there was none)."""
    return asyncio.run(_receive(url))


_arrived = threading.Event()
_on_arrival: list[Callable[[], None]] = []
_fetching = False
_fetch_lock = threading.Lock()


def _fetch() -> None:
    url = query_url()
    while True:
        message = _receive_request(url)
        try:
            request = json.loads(message) if message is not None else {}
        except ValueError:
            request = {}
        if isinstance(request, dict) and REQUEST_MARK in request:
            break
        time.sleep(RETRY_SECONDS)
    for name, value in request.items():
        if isinstance(name, str) and isinstance(value, str):
            os.environ[name] = value
    _arrived.set()
    with _fetch_lock:
        hooks = list(_on_arrival)
    for hook in hooks:
        hook()


def fetch_request(on_arrival: Callable[[], None] | None = None) -> None:
    """Wait for this kernel's request in the background, and put it into the environment when it comes.

    The wait has a thread of its own: the kernel's event loop goes on serving the page. A
    connection the busy server did not accept in time, or that closed without a message,
    is tried again: running the page without its request would show a page for nobody. A
    request that arrives while the kernel is not connected is kept by the server for it.
    ``on_arrival`` is called on that thread once the request is in the environment (at once
    if it already is). There is one wait per kernel, however often this is called: the
    server hands a kernel's request to one connection only.
    """
    global _fetching
    with _fetch_lock:
        if on_arrival is not None and not _arrived.is_set():
            _on_arrival.append(on_arrival)
            on_arrival = None
        if not _fetching:
            _fetching = True
            threading.Thread(target=_fetch, name="voila-request", daemon=True).start()
    if on_arrival is not None:
        on_arrival()


def wait_for_request() -> None:
    """Block until the server hands this kernel its request, and put the request into the environment."""
    fetch_request()
    _arrived.wait()
