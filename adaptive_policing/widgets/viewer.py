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
:func:`current_trainee` (a trainee, or None). A course page's header looks the
tokens up as the page opens; the page's widgets are then given that trainee
(:func:`adaptive_policing.widgets.opening.trainee_for`) rather than each asking again.

Department mode (JupyterHub, ``ADAPTIVE_POLICING_HUB=1`` in the server's and so the
kernel's environment) answers it from the hub instead, and from nothing else: the
server authenticated the request through the hub's OAuth and overwrote the request
headers :data:`~adaptive_policing.config.HUB_USER_HEADER` and
:data:`~adaptive_policing.config.HUB_GROUPS_HEADER`, which reach the kernel as
``HTTP_X_ADAPTIVE_POLICING_HUB_USER`` / ``..._GROUPS``. The trainee is the hub user on
the roster of the class of their ``trainees-<code>`` group
(:func:`adaptive_policing.data.hub.hub_trainee`); tokens in the address or a cookie
are ignored, links carry none, and signing out is the hub's logout. The console
shows an instructor only the classes of their ``instructors-<code>`` groups
(:func:`visible_classes`).

A pre-warmed kernel (:mod:`adaptive_policing.serve.pools`) starts and runs its page
before anybody asks for it, so its environment holds no request yet. A widget that
shows a trainee's own things asks for them through :func:`when_request_arrives`: in
such a kernel the page is drawn ahead with its widgets waiting, and they are filled in
for the trainee when the server hands the kernel the request
(:mod:`adaptive_policing.widgets.prewarmed`). Every other read of the request goes
through :func:`request_variable`, which waits for it there and then: nothing is read
about a trainee before their request has arrived. Anywhere else both happen at once.

Outside Voilà (authoring in JupyterLab, executing notebooks in tests) there is
no query string: widgets run in *preview* and save nothing, unless the
``ADAPTIVE_POLICING_TRAINEE_TOKEN`` environment variable names a trainee.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING, Callable
from urllib.parse import parse_qs, quote, urlencode

from . import opening, prewarmed
from .. import config
from ..data import hub
from ..data.records import Trainee, TrainingClass
from ..data.remote import page_store

if TYPE_CHECKING:
    from ..data.store import ResponseStore

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
HUB_USER_ENV = config.kernel_env_name(config.HUB_USER_HEADER)
HUB_GROUPS_ENV = config.kernel_env_name(config.HUB_GROUPS_HEADER)

_signed_in: Trainee | None = None
_request_arrived = False
_waiting_for_request: list[Callable[[], None]] = []
log = logging.getLogger(__name__)


def request_arrived() -> bool:
    """Whether the page's request is known: always, except in a pre-warmed kernel still waiting for its trainee."""
    return _request_arrived or not prewarmed.pre_warmed()


def _take_request() -> None:
    """The request is in the environment: run what waited for it, in the order it was asked for."""
    global _request_arrived
    if _request_arrived:
        return
    _request_arrived = True
    while _waiting_for_request:
        callback = _waiting_for_request.pop(0)
        try:
            callback()
        except Exception:  # one widget that cannot open for its trainee leaves the others to open
            log.exception("A widget could not open for the page's trainee")


def when_request_arrives(callback: Callable[[], None]) -> None:
    """Call ``callback`` once the page's request is known: at once, or in a pre-warmed kernel when it arrives.

    A pre-warmed kernel draws its page ahead, each widget waiting for its trainee. When the
    server hands over the request, the callbacks fill the widgets in for that trainee, in the
    order they were given, on the kernel's own thread, between its messages: before the
    browser can ask for any widget's state. The first call opens the store while the kernel waits.
    """
    if request_arrived():
        callback()
        return
    _waiting_for_request.append(callback)
    if len(_waiting_for_request) > 1:
        return
    page_store()
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not in a kernel: run them on the thread that receives the request
        prewarmed.fetch_request(on_arrival=_take_request)
    else:
        prewarmed.fetch_request(on_arrival=lambda: loop.call_soon_threadsafe(_take_request))


def request_variable(name: str, default: str = "") -> str:
    """One variable of the page's request as Voilà hands it to the kernel (``QUERY_STRING``, ``HTTP_COOKIE``, ...).

    In a pre-warmed kernel the first call before the request has arrived opens the store, waits
    until the server hands the request over, and runs what was waiting for it.
    """
    if not request_arrived():
        page_store()  # done while the kernel waits, not after the trainee asked for the page
        prewarmed.wait_for_request()
        _take_request()
    return os.environ.get(name, default)


def query_string() -> str:
    """The query string the page was opened with (Voilà hands it to the kernel's environment)."""
    return request_variable("QUERY_STRING")


def served_by_voila() -> bool:
    """Whether this page was opened through a Voilà server (not executed by a test or by nbconvert)."""
    return "VOILA_REQUEST_URL" in os.environ or prewarmed.pre_warmed()


def _cookie_token() -> str | None:
    try:
        jar = SimpleCookie(request_variable(COOKIE_ENV))
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
    return request_variable(CLIENT_ENV)


def hub_user() -> tuple[str, list[str]] | None:
    """Department mode: the hub user who opened this page and their groups; None otherwise or when unknown."""
    if not config.hub_mode():
        return None
    name = request_variable(HUB_USER_ENV).strip()
    if not name:
        return None
    try:
        groups = json.loads(request_variable(HUB_GROUPS_ENV) or "[]")
    except ValueError:
        groups = []
    return name, [group for group in groups if isinstance(group, str)] if isinstance(groups, list) else []


def visible_classes(store: ResponseStore) -> list[TrainingClass]:
    """The classes this page may show, newest first: every class, or behind the hub the instructor's own."""
    if not config.hub_mode():
        return store.classes()
    user = hub_user()
    return hub.instructor_classes(store, user[1]) if user is not None else []


def current_trainee() -> Trainee | None:
    """The trainee signed in on this page, or None in preview (or when the browser's device has ended)."""
    if _signed_in is not None:
        return _signed_in
    if config.hub_mode():
        # The kernel's hub user is fixed when its page opens: look it up once for the kernel.
        user = hub_user()
        trainee = hub.hub_trainee(page_store(), *user) if user is not None else None
        set_current_trainee(trainee)
        return trainee
    tokens = browser_tokens()
    if not tokens:
        return None
    found_as_page_opened = opening.trainee_for(tokens)  # the page header looked these tokens up a moment ago
    if found_as_page_opened is not None:
        return found_as_page_opened
    store = page_store()
    for token in tokens:
        trainee = store.trainee_by_token(token)
        if trainee is not None:
            return trainee
    return None


def set_current_trainee(trainee: Trainee | None) -> None:
    """Make ``trainee`` this kernel's trainee (after signing in, or in tests)."""
    global _signed_in
    _signed_in = trainee


def page_address(path: str) -> str:
    """The address of a served notebook, with no query (no trainee token)."""
    base = os.environ.get("VOILA_BASE_URL", "/")
    return f"{base.rstrip('/')}/voila/render/{quote(path.lstrip('/'), safe='/.-_')}"


def page_link(path: str, trainee: Trainee | None = None) -> str:
    """The address of a served notebook, with the trainee's token.

    ``path`` is relative to the serving root, e.g. ``course/02-what-is-the-problem.ipynb``.
    """
    trainee = trainee or current_trainee()
    url = page_address(path)
    if trainee is None or config.hub_mode():  # behind the hub the page knows its trainee without a token
        return url
    return f"{url}?{urlencode({TOKEN_PARAM: trainee.token})}"


def sign_out_link(start_path: str, trainee: Trainee) -> str:
    """The start page's address that ends this browser's device (``signed_out=1``, with its token).

    Behind the hub it is the hub's logout instead.
    """
    if config.hub_mode():
        return os.environ.get("JUPYTERHUB_BASE_URL", "/").rstrip("/") + "/hub/logout"
    return f"{page_address(start_path)}?{urlencode({SIGNED_OUT_PARAM: '1', TOKEN_PARAM: trainee.token})}"


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
    values = parse_qs(query_string()).get(name) or []
    return values[0] if values else None
