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

import os
from urllib.parse import parse_qs, quote, urlencode

from .. import config
from ..data.store import Trainee, open_store

TOKEN_PARAM = "t"
CLASS_PARAM = "class"
"""The slides' query parameter naming the class whose answers they show."""
TOKEN_ENV = "ADAPTIVE_POLICING_TRAINEE_TOKEN"

_signed_in: Trainee | None = None


def page_token() -> str | None:
    """The trainee token this page was opened with, if any."""
    query = parse_qs(os.environ.get("QUERY_STRING", ""))
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
