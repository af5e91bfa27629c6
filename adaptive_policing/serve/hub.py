"""A course server behind JupyterHub: authenticated by the hub's OAuth, each kernel its user's own.

Department mode runs the trainee server and the instructor server each as one
hub-managed service (``deploy/jupyterhub/jupyterhub_config.py``), shared by every
user the hub lets in, instead of one Jupyter server per user. This module is the glue:

* :class:`HubIdentityProvider` — Jupyter Server's identity provider for the hub
  (:class:`jupyterhub.singleuser.extension.JupyterHubIdentityProvider`, HubOAuth),
  adapted to Voilà: Voilà hands it a ``token`` it must not set, and registers its
  ``/oauth_callback`` and ``/logout`` without the service's prefix. A request without a
  hub login is sent to the hub's login; a logged-in user without the hub's
  ``access:services!service=<name>`` permission (e.g. a trainee at the instructor
  console) gets 403.
* :class:`KernelOwnerAuthorizer` — a kernel belongs to the hub user whose page
  started it (the hub user header the server put into the kernel's environment): nobody
  else may open its websocket, ask about it, restart or shut it down, even knowing its id.
* :class:`OwnKernelShutdownHandler` — Voilà's "page closed" shutdown, through that rule.
* :func:`hub_headers` — what the server writes into the request headers that reach a
  page's kernel: the hub user and their groups, replacing whatever the browser sent.

The hub's own API token is read once and removed from the environment, so no page's
kernel inherits it.
"""

from __future__ import annotations

import json
import os
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.utils import url_path_join
from jupyterhub.singleuser.extension import JupyterHubIdentityProvider
from tornado.web import HTTPError, authenticated
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

from .. import config

HUB_USER_ENV = config.kernel_env_name(config.HUB_USER_HEADER)
SECRET_ENV = ("JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN")
"""The service's hub credentials: read by :class:`HubIdentityProvider`, then kept from the kernels."""


class HubIdentityProvider(JupyterHubIdentityProvider):
    """The hub's OAuth as Voilà's identity provider (a hub-managed service)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("token", None)  # Voilà passes its own token; the hub's API token is the one here
        super().__init__(**kwargs)
        # Read the credentials now, then take them out of the environment the kernels inherit.
        _ = self.hub_auth.api_token
        for name in SECRET_ENV:
            os.environ.pop(name, None)

    def get_handlers(self) -> list[tuple[Any, ...]]:
        """The OAuth callback and logout, under the service's prefix (where the hub sends the browser)."""
        prefix = getattr(self.parent, "base_url", "/")
        return [(url_path_join(prefix, pattern), *rest) for pattern, *rest in super().get_handlers()]


def hub_headers(user: Any) -> dict[str, str]:
    """The request headers that tell a page's kernel its hub user: name and groups (JSON), or empty."""
    model = getattr(user, "hub_user", None) or {}
    name = model.get("name") or ""
    groups = [group for group in model.get("groups") or [] if isinstance(group, str)]
    return {config.HUB_USER_HEADER: name, config.HUB_GROUPS_HEADER: json.dumps(groups) if name else "[]"}


def kernel_owner(kernel_manager: Any, kernel_id: str) -> str | None:
    """The hub user whose page started ``kernel_id`` (None for an unknown kernel or one with no owner)."""
    try:
        kernel = kernel_manager.get_kernel(kernel_id)
    except KeyError:
        return None
    launched = getattr(kernel, "_launch_args", None) or {}
    return (launched.get("env") or {}).get(HUB_USER_ENV) or None


class KernelOwnerAuthorizer(Authorizer):
    """Anything about a kernel is allowed only to the hub user whose page started it."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        if resource != "kernels":
            return True
        kernel_id = getattr(handler, "kernel_id", None) or handler.path_kwargs.get("kernel_id")
        owner = kernel_owner(handler.kernel_manager, kernel_id) if kernel_id else None
        return owner is not None and user is not None and owner == user.username


class OwnKernelShutdownHandler(VoilaShutdownKernelHandler):
    """Voilà's shutdown of a closed page's kernel, allowed only to whoever may act on that kernel."""

    @authenticated
    async def post(self, kernel_id: str) -> None:
        self.kernel_id = kernel_id
        allowed = await ensure_async(self.authorizer.is_authorized(self, self.current_user, "write", "kernels"))
        if not allowed:
            raise HTTPError(403)
        await super().post(kernel_id)
