"""Who is using this page: the signed-in trainee of one Voilà kernel.

A trainee signs in once on the start page and receives an opaque token. Every
link the course generates carries it as ``?t=<token>``; Voilà hands the page's
query string to the kernel as the ``QUERY_STRING`` environment variable, so
the kernel behind each page knows its trainee without asking again. The badge
number never appears in an address.

Outside Voilà (authoring in JupyterLab, executing notebooks in tests) there is
no query string: widgets run in *preview* and save nothing, unless the
``ADAPTIVE_POLICING_TRAINEE_TOKEN`` environment variable names a trainee.
"""

from __future__ import annotations

import json
import os
import time
from urllib.parse import parse_qs, quote, urlencode

from .. import config
from ..data.store import Trainee, open_store

TOKEN_PARAM = "t"
CLASS_PARAM = "class"
"""The slides' query parameter naming the class whose answers they show."""
TOKEN_ENV = "ADAPTIVE_POLICING_TRAINEE_TOKEN"

_signed_in: Trainee | None = None


_request_arrived = False
PREHEAT_ENV = "VOILA_PREHEAT"
"""Set to ``True`` by Voilà in a kernel pre-heated before anybody asked for its page."""
REQUEST_ATTEMPTS = 5


def _request_info_url() -> str:
    """Where Voilà hands a pre-heated kernel its request (its ``voila/query/<kernel id>`` websocket)."""
    port = os.environ.get("VOILA_APP_PORT", "8866")
    base = os.environ.get("VOILA_WS_BASE_URL") or os.environ.get("VOILA_SERVER_URL") or "/"
    return f"ws://127.0.0.1:{port}{base}voila/query/{os.environ.get('VOILA_KERNEL_ID', '')}"


def _receive_request_info() -> dict[str, str]:
    """Block until Voilà passes this pre-heated kernel the request that takes it.

    Voilà's own ``wait_for_request`` gives up silently when the connection takes
    more than 5 s (a busy server) and its keep-alive pings can drop a connection
    that waits for minutes before the class opens the page; this wait has neither
    limit. It runs on a thread of its own: the kernel's event loop is busy running
    the page.
    """
    import asyncio
    import threading

    import websockets

    async def receive() -> str | bytes:
        async with websockets.connect(_request_info_url(), open_timeout=None, ping_interval=None,
                                      close_timeout=1) as socket:
            return await socket.recv()

    received: list[str | bytes] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            received.append(asyncio.run(receive()))
        except BaseException as error:  # handed to the waiting page below
            failures.append(error)

    thread = threading.Thread(target=run, name="voila-request-info", daemon=True)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]
    return {str(key): str(value) for key, value in json.loads(received[0]).items()}


def query_string() -> str:
    """The query string the page was opened with.

    A pre-heated kernel (see :mod:`adaptive_policing.serve.prewarm`) runs its page
    before the request arrives; it waits here, once, for Voilà to pass the request
    on, and then has the request's variables (``QUERY_STRING``, ``VOILA_REQUEST_URL``…)
    in its environment like any other page's kernel. A dropped connection (the
    server restarting) is tried again a few times.
    """
    global _request_arrived
    if os.environ.get(PREHEAT_ENV) == "True" and not _request_arrived:
        from websockets.exceptions import WebSocketException

        for attempt in range(REQUEST_ATTEMPTS):
            try:
                os.environ.update(_receive_request_info())
                break
            except (OSError, ValueError, WebSocketException):
                if attempt == REQUEST_ATTEMPTS - 1:
                    raise
                time.sleep(1)
        _request_arrived = True
    return os.environ.get("QUERY_STRING", "")


def served_by_voila() -> bool:
    """Whether this page was opened through a Voilà server (not executed by a test or by nbconvert)."""
    return "VOILA_REQUEST_URL" in os.environ or os.environ.get(PREHEAT_ENV) == "True"


def page_token() -> str | None:
    """The trainee token this page was opened with, if any."""
    query = parse_qs(query_string())
    values = query.get(TOKEN_PARAM) or []
    return values[0] if values else os.environ.get(TOKEN_ENV) or None


def current_trainee() -> Trainee | None:
    """The trainee signed in on this page, or None in preview."""
    if _signed_in is not None:
        return _signed_in
    token = page_token()
    return open_store().trainee_by_token(token) if token else None


def set_current_trainee(trainee: Trainee | None) -> None:
    """Make ``trainee`` this kernel's trainee (after signing in, or in tests)."""
    global _signed_in
    _signed_in = trainee


def page_link(path: str, trainee: Trainee | None = None) -> str:
    """The address of a served notebook, with the trainee's token.

    ``path`` is relative to the serving root, e.g. ``course/02-what-is-the-problem.ipynb``.
    """
    trainee = trainee or current_trainee()
    base = os.environ.get("VOILA_BASE_URL", "/")
    url = f"{base.rstrip('/')}/voila/render/{quote(path.lstrip('/'), safe='/.-_')}"
    if trainee is None:
        return url
    return f"{url}?{urlencode({TOKEN_PARAM: trainee.token})}"


def slides_link(path: str, class_code: str | None = None) -> str:
    """The address of ``path`` (e.g. ``course/03-x.ipynb``) as slides, for one class."""
    query = {"template": config.SLIDES_TEMPLATE}
    if class_code:
        query[CLASS_PARAM] = class_code
    return f"{page_link(path, None)}?{urlencode(query)}"


def is_instructor_view() -> bool:
    """Whether this kernel serves a page on the instructor server.

    The instructor server starts its kernels with ``ADAPTIVE_POLICING_ROLE=instructor``;
    there, course pages (and their slides) show the class's live answers instead of
    answer boxes. Everywhere else (the trainee server, JupyterLab, tests) this is False.
    """
    return os.environ.get(config.ROLE_ENV, "") == "instructor"


def page_param(name: str) -> str | None:
    """One parameter of the address this page was opened with (e.g. ``class``), if given."""
    values = parse_qs(os.environ.get("QUERY_STRING", "")).get(name) or []
    return values[0] if values else None
