"""Who is using this page: the signed-in trainee of one Voilà kernel.

A trainee signs in once on the start page and receives an opaque token. Every
link the course generates carries it as ``?t=<token>``; Voilà hands the page's
query string to the kernel as the ``QUERY_STRING`` environment variable, so
the kernel behind each page knows its trainee without asking again. The badge
number never appears in an address.

The browser also keeps its token in a cookie (:data:`COOKIE_NAME`, written by the
trainee template's ``identity.js`` once the start page shows the binding), so a
bookmark or an address typed without ``?t=`` still knows the trainee. The trainee
server hands the kernel the request's ``Cookie`` header and the client's address
(``HTTP_COOKIE`` and ``HTTP_X_ADAPTIVE_POLICING_CLIENT``, see
:mod:`adaptive_policing.serve.server`). A token works only while its device has not
signed out or been revoked.

This module answers one question for the page: who is this browser? —
:func:`current_trainee` (a trainee, or None). Department mode (JupyterHub) can
answer it from the hub's user instead.

Outside Voilà (authoring in JupyterLab, executing notebooks in tests) there is
no query string: widgets run in *preview* and save nothing, unless the
``ADAPTIVE_POLICING_TRAINEE_TOKEN`` environment variable names a trainee.
"""

from __future__ import annotations

import json
import os
import time
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs, quote, urlencode

from .. import config
from ..data.store import Trainee, open_store

TOKEN_PARAM = "t"
CLASS_PARAM = "class"
"""The slides' query parameter naming the class whose answers they show."""
TOKEN_ENV = "ADAPTIVE_POLICING_TRAINEE_TOKEN"
COOKIE_NAME = "adaptive_policing_token"
"""The cookie in which the trainee's browser keeps its token (set by ``identity.js``)."""
COOKIE_ENV = "HTTP_COOKIE"
CLIENT_ENV = "HTTP_X_ADAPTIVE_POLICING_CLIENT"
SIGNED_OUT_PARAM = "signed_out"
CODE_PARAM = "code"

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


def _cookie_token() -> str | None:
    try:
        jar = SimpleCookie(os.environ.get(COOKIE_ENV, ""))
    except CookieError:
        return None
    morsel = jar.get(COOKIE_NAME)
    return morsel.value if morsel is not None and morsel.value else None


def browser_tokens() -> list[str]:
    """Every trainee token this browser showed: the address's ``?t=``, the cookie, then the preview variable."""
    query = parse_qs(query_string())
    found = [*(query.get(TOKEN_PARAM) or [])[:1], _cookie_token(), os.environ.get(TOKEN_ENV)]
    return list(dict.fromkeys(token for token in found if token))


def page_token() -> str | None:
    """The trainee token this page was opened with (address first, then cookie), if any."""
    tokens = browser_tokens()
    return tokens[0] if tokens else None


def client_address() -> str:
    """The address of the browser that opened this page, as the trainee server saw it ("" when unknown)."""
    query_string()  # a pre-heated page learns its request's headers here
    return os.environ.get(CLIENT_ENV, "")


def current_trainee() -> Trainee | None:
    """The trainee signed in on this page, or None in preview (or when the browser's device has ended)."""
    if _signed_in is not None:
        return _signed_in
    tokens = browser_tokens()
    if not tokens:
        return None
    store = open_store()
    for token in tokens:
        trainee = store.trainee_by_token(token)
        if trainee is not None:
            return trainee
    return None


def set_current_trainee(trainee: Trainee | None) -> None:
    """Make ``trainee`` this kernel's trainee (after signing in, or in tests)."""
    global _signed_in
    _signed_in = trainee


def _render_url(path: str) -> str:
    """The address of a served notebook, with no query."""
    base = os.environ.get("VOILA_BASE_URL", "/")
    return f"{base.rstrip('/')}/voila/render/{quote(path.lstrip('/'), safe='/.-_')}"


def page_link(path: str, trainee: Trainee | None = None) -> str:
    """The address of a served notebook, with the trainee's token.

    ``path`` is relative to the serving root, e.g. ``course/02-what-is-the-problem.ipynb``.
    """
    trainee = trainee or current_trainee()
    url = _render_url(path)
    if trainee is None:
        return url
    return f"{url}?{urlencode({TOKEN_PARAM: trainee.token})}"


def sign_out_link(start_path: str, trainee: Trainee) -> str:
    """The start page's address that ends this browser's device (``signed_out=1``, with its token)."""
    return f"{_render_url(start_path)}?{urlencode({SIGNED_OUT_PARAM: '1', TOKEN_PARAM: trainee.token})}"


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
