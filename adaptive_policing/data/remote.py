"""The store of a page's kernel: reached through the trainee server that started the kernel.

A class of 30 opens a page at once, so each page kernel is kept small: it does not
load SQLAlchemy, connect to the database or check its schema. The trainee server
(plain HTTP, not behind the hub) tells its kernels where to send store calls
(:data:`STORE_ENDPOINT_ENV`) and a secret that proves a call comes from one of them
(:data:`STORE_SECRET_ENV`); :func:`page_store` then hands out a :class:`RemoteStore`.
Each call is one HTTP POST on the machine itself, answered by the server's own
store (:mod:`adaptive_policing.serve.store_calls`), with the values sent as tagged
JSON (:mod:`.wire`). Anywhere else (the instructor's server, a server behind the
hub or over HTTPS, tests, a notebook in JupyterLab) :func:`page_store` is the
database itself (:func:`.store.open_store`).

A page may make only the calls in :data:`PAGE_CALLS`: what trainees' pages read and
save. The instructor's actions (opening a class, confirming a rubric, deciding a
sign-in request) are not among them.
"""

from __future__ import annotations

import functools
import http.client
import json
import os
from typing import TYPE_CHECKING, Any, Callable, cast
from urllib.parse import urlsplit

from . import wire
from .records import StoreError

if TYPE_CHECKING:
    from .store import ResponseStore

STORE_ENDPOINT_ENV = "ADAPTIVE_POLICING_STORE_ENDPOINT"
"""Set by the trainee server for its kernels: the address of its store calls (``http://…/adaptive-policing/store``)."""
STORE_SECRET_ENV = "ADAPTIVE_POLICING_STORE_SECRET"
"""Set with :data:`STORE_ENDPOINT_ENV`: a random secret, new at every server start, that each call carries."""
SECRET_HEADER = "X-Adaptive-Policing-Store-Secret"
CALL_TIMEOUT_SECONDS = 120.0
"""How long a call may wait for its answer: the store itself waits up to 30 s for a busy SQLite file."""
UNREACHABLE_MESSAGE = (
    "The course server did not answer, so this was not saved or read. Try again in a moment; "
    "nothing you saved before is lost."
)
FAILED_MESSAGE = (
    "The course server could not save or read this just now. Try again in a moment; "
    "nothing you saved before is lost."
)

PAGE_CALLS = frozenset({
    # who the trainee is, and their class
    "trainee_by_token", "trainee_by_id", "trainee_by_badge", "class_by_code", "class_by_id", "class_state",
    # signing in and out at the start page (the rules are in .sign_in)
    "enroll", "has_pin", "pin_is", "add_device", "end_device", "request_approval", "request_by_id",
    "request_decision", "record_sign_in_event", "event_times", "kinds_since_last",
    # a page's visit, answers, prompts' states, groups and worksheets
    "record_visit", "latest_revisions", "prompt_states_in", "prompt_is_open", "latest_answer", "latest_entry",
    "save_answer", "group_of", "join_group", "latest_worksheet", "save_worksheet",
    # live views
    "change_marker",
})
"""The store's methods a page kernel may call through its server."""


class StoreUnreachable(StoreError):
    """The server did not answer a store call (it stopped, or the call timed out), or could not make it."""


class RemoteStore:
    """The store's page methods (:data:`PAGE_CALLS`), each one call to the server at ``endpoint``.

    It answers as :class:`~.store.ResponseStore` does: the same values, and the same
    :class:`~.records.StoreError` (with its message) when something typed cannot be
    saved. A call that gets no answer, or that the server could not make, raises :class:`StoreUnreachable`.
    """

    def __init__(self, endpoint: str, secret: str) -> None:
        parts = urlsplit(endpoint)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"a page's store is reached over plain HTTP on this machine, not {endpoint!r}")
        self.url = endpoint
        self._host, self._port, self._path = parts.hostname, parts.port or 80, parts.path
        self._secret = secret

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name not in PAGE_CALLS:
            raise AttributeError(f"a page's store has no call {name!r}")
        return functools.partial(self.call, name)

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """``store.method(*args, **kwargs)``, made by the server; its result, or its error raised here."""
        body = json.dumps({"method": method, "args": wire.encode(list(args)), "kwargs": wire.encode(kwargs)})
        connection = http.client.HTTPConnection(self._host, self._port, timeout=CALL_TIMEOUT_SECONDS)
        try:
            connection.request("POST", self._path, body=body.encode(), headers={
                "Content-Type": "application/json", SECRET_HEADER: self._secret})
            response = connection.getresponse()
            status, reply = response.status, response.read()
        except OSError as error:
            raise StoreUnreachable(UNREACHABLE_MESSAGE) from error
        finally:
            connection.close()
        if status != 200:  # the details are in the server's log
            raise StoreUnreachable(FAILED_MESSAGE)
        answer = json.loads(reply)
        if "error" in answer:
            raise wire.error_from(answer["error"])
        return wire.decode(answer["result"])


@functools.lru_cache(maxsize=None)
def _remote_store(endpoint: str, secret: str) -> RemoteStore:
    return RemoteStore(endpoint, secret)


def page_store() -> ResponseStore:
    """The store this kernel's pages read and save in: the server's, when it offers it, else the database.

    The same object every time for the same server (a page's widgets compare stores by identity).
    """
    endpoint, secret = os.environ.get(STORE_ENDPOINT_ENV), os.environ.get(STORE_SECRET_ENV)
    if not endpoint or not secret:
        from .store import open_store

        return open_store()
    # A RemoteStore makes the same calls with the same results; pages use no other.
    return cast("ResponseStore", _remote_store(endpoint, secret))
