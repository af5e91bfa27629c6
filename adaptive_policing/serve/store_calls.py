"""The trainee server's side of its page kernels' store (:mod:`adaptive_policing.data.remote`).

``POST <base>/adaptive-policing/store`` with ``{"method", "args", "kwargs"}`` makes one
of :data:`~adaptive_policing.data.remote.PAGE_CALLS` on the server's own store, in a
worker thread (the database never blocks the server's other requests), and answers
``{"result": …}`` or, when something typed cannot be saved, ``{"error": [kind,
message]}``. Only the server's kernels may call: the request must come from an
address they connect from (:func:`.pools.kernels_connect_from`) and carry the secret
the server gave them; anyone else gets 403, and a method that is not a page's 404.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tornado.log import app_log
from tornado.web import HTTPError, RequestHandler

from ..data import wire
from ..data.records import StoreError
from ..data.remote import PAGE_CALLS, SECRET_HEADER
from .pools import kernels_connect_from

STORE_CALLS_PATH = "adaptive-policing/store"
STORE_THREADS = 4
"""Worker threads for store calls: reads go side by side; SQLite takes writes one at a time anyway."""


def new_secret() -> str:
    """A fresh secret for one server's kernels."""
    return secrets.token_urlsafe(32)


class StoreCallHandler(RequestHandler):
    """One store call of a page kernel, made on the server's store."""

    executor = ThreadPoolExecutor(STORE_THREADS, thread_name_prefix="store-call")

    def initialize(self, secret: str) -> None:
        self.secret = secret

    def check_xsrf_cookie(self) -> None:
        """Kernels send no cookie: the secret header is their proof (checked in :meth:`post`)."""

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not kernels_connect_from(self.request.remote_ip or "") or not hmac.compare_digest(given, self.secret):
            raise HTTPError(403)
        try:
            call = json.loads(self.request.body)
            method, args, kwargs = call["method"], wire.decode(call["args"]), wire.decode(call["kwargs"])
            if not isinstance(args, list) or not isinstance(kwargs, dict):
                raise wire.WireError("arguments must be a list and a dictionary")
        except (KeyError, TypeError, ValueError) as error:
            raise HTTPError(400, "not a store call") from error
        if method not in PAGE_CALLS:
            raise HTTPError(404, f"no store call {method!r} for pages")
        try:
            result = await asyncio.get_running_loop().run_in_executor(self.executor, _call, method, args, kwargs)
            answer: dict[str, Any] = {"result": wire.encode(result)}
        except StoreError as error:
            answer = wire.error_message(error)
        except Exception:
            app_log.exception("A page's store call %s failed", method)  # in the server's log
            raise HTTPError(500, "the store call failed") from None
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(answer))


def _call(method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    from ..data.store import open_store

    return getattr(open_store(), method)(*args, **kwargs)
