"""The two Voilà servers: one for trainees, one for the instructor.

The trainee server serves a generated copy of the notebooks in ``course/`` and
``exercises/`` and nothing else: no solutions, no grading data, no runtime data,
no file reached through a symlink, no notebook or Python download (Voilà's file
handler only hands out images), no code cells and no tracebacks. The
instructor server adds ``solutions/`` and asks for the instructor key.

Both run Voilà's kernels with idle culling, so a page that was closed or left
gives its kernel back within about two and a half minutes (an open page keeps
its kernel), and both keep to a kernel budget (:class:`KernelBudget`): at the
budget a new page gets a short "The course is busy" page that retries by
itself, never an error or a hang. Both send a Content-Security-Policy that lets a page
load nothing from any other machine.

Settings live in two places, each key in one only. What never changes at run
time (the template, no tracebacks, no sources, which files may be served,
reveal.js from a local copy, culling of connected and busy kernels) is Voilà's
own configuration file, ``serve/config/voila.json`` (:data:`CONFIG_FILE`),
found by Voilà on :attr:`CourseVoila.config_file_paths` and read by Voilà
itself. What depends on the role, the address, the instructor key or the
command line is built here (:func:`runtime_config`).

Voilà builds a new exporter, and so a new Jinja2 environment, for every page it
renders, and would parse and compile the page template and the templates it
extends (``lab``, ``base``, ...) again each time. The servers keep the compiled
templates in memory instead (:class:`CompiledTemplates`), checked against each
template's source, so a page costs the server only rendering it.

The trainee server of ``adaptive-policing serve`` also pre-warms the class's next
section (``--prewarm``, :mod:`adaptive_policing.serve.pools`): kernels that have
already started and run the whole page ahead, waiting to fill it in for the trainee
who asks for it, sized by each of today's classes' agenda and signed-in trainees.

Only the instructor server renders a course page as projector slides
(``?template=adaptive-slides``, see :mod:`adaptive_policing.serve.slides`), with
reveal.js's style sheets served from the template's own folder; the trainee
server refuses template overrides and the slides template's files. Each server
tells its kernels its role (``ADAPTIVE_POLICING_ROLE``).
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jinja2
from jupyter_server.log import log_request
from jupyter_server.utils import url_path_join
from tornado.ioloop import PeriodicCallback
from tornado.web import HTTPError, RedirectHandler, RequestHandler
from traitlets import Float, List, Unicode, default
from traitlets.config import Config, JSONFileConfigLoader
from voila import app as voila_app
from voila import notebook_renderer
from voila.app import Voila
from voila.exporter import VoilaExporter
from voila.request_info_handler import RequestInfoSocketHandler
from voila.tornado.handler import TornadoVoilaHandler

from .. import config
from ..config import CLIENT_HEADER, HUB_GROUPS_HEADER, HUB_USER_HEADER, SLIDES_TEMPLATE
from ..data.remote import STORE_ENDPOINT_ENV, STORE_SECRET_ENV
from ..views.render import render
from .budget import KernelBudget, default_max_kernels
from .pools import (
    KERNEL_ADDRESS_ENV, NEXT_AFTER_SECONDS, PLAN_SECONDS, KernelRequestHandler, PoolPlanner, agenda_pools_factory,
    pooled_kernels,
)
from .store_calls import STORE_CALLS_PATH, StoreCallHandler, new_secret

Role = Literal["trainee", "instructor"]

#: Request headers each server hands to a page's kernel (as ``HTTP_<NAME>``): the trainee
#: server the browser's cookie (its sign-in token, see widgets/viewer.py) and the client's address.
KERNEL_HEADERS: dict[Role, tuple[str, ...]] = {
    "trainee": ("Cookie", CLIENT_HEADER),
    "instructor": (),
}
#: Behind the hub: the hub user and groups the server authenticated (never the browser's cookies,
#: which hold the hub's login), and the client's address.
HUB_KERNEL_HEADERS: tuple[str, ...] = (CLIENT_HEADER, HUB_USER_HEADER, HUB_GROUPS_HEADER)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
CONFIG_DIR = Path(__file__).resolve().parent / "config"
CONFIG_FILE = CONFIG_DIR / "voila.json"
"""Voilà's static settings for both servers; Voilà looks for ``voila.json`` / ``voila.py`` by name."""

#: Folders each server's generated tree copies from the checkout.
SERVED_FOLDERS: dict[Role, tuple[str, ...]] = {
    "trainee": ("course", "exercises"),
    "instructor": ("course", "exercises", "solutions"),
}
#: Folders left out of a role's tree: trainees take the assessment through its
#: page (course/09-assessment-of-learning), never by opening the released notebook.
EXCLUDED_FOLDERS: dict[Role, tuple[str, ...]] = {
    "trainee": ("exercises/assessment",),
    "instructor": (),
}
#: The page ``/`` leads to.
LANDING_PAGES: dict[Role, str] = {
    "trainee": "course/00-start.ipynb",
    "instructor": "solutions/instructor-console.ipynb",
}
SERVED_SUFFIXES = {".ipynb", ".png", ".jpg", ".jpeg", ".gif", ".svg"}
#: Voilà templates a server may switch a page to with ``?template=``; the trainee server none.
TEMPLATE_OVERRIDES: dict[Role, tuple[str, ...]] = {
    "trainee": (),
    "instructor": (SLIDES_TEMPLATE,),
}

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'self'",
        "form-action 'self'",
        "base-uri 'self'",
    ]
)


KEY_CHECK_SECONDS = 1.0
"""How often the instructor server re-reads its key file (``instructor-key --rotate``)."""

CELL_OUTPUT_WAIT_SECONDS = 60
"""How long Voilà waits for a cell's output after the kernel has said the cell is done.

A kernel sends a cell's output and its "done" on different channels. On a loaded server
(a class of 30 opening a page at once on two cores) the output can arrive many seconds
after the "done"; nbclient's default of 4 seconds then drops the output without a word,
and the page opens with its widgets missing. Voilà stops waiting as soon as the output
is complete, so the longer wait costs nothing on a quiet server.
"""


@dataclass(frozen=True)
class KernelCulling:
    """When Voilà shuts down the kernel of a page nobody has open.

    Only kernels with no open page are culled (``cull_connected`` is off in
    :data:`CONFIG_FILE`), so a closed or left page gives its kernel back after
    at most ``idle_seconds + interval_seconds`` (150 s by default), while a page
    that stays open keeps its kernel however long the trainee reads.
    """

    idle_seconds: int = 120
    interval_seconds: int = 30


def build_serving_tree(settings: config.Settings, role: Role) -> Path:
    """Copy what ``role`` may see into ``var/serve/<role>`` and return that folder.

    Only regular files with a served suffix are copied; symlinks, hidden files
    and folders, and anything else are left out, so the served tree cannot
    reach outside itself.
    """
    target = settings.serve_dir / role
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for folder in SERVED_FOLDERS[role]:
        source = settings.home / folder
        if not source.is_dir() or source.is_symlink():
            continue
        for directory, subdirs, files in os.walk(source, followlinks=False):
            here = Path(directory)
            subdirs[:] = [
                name
                for name in subdirs
                if not name.startswith(".")
                and not (here / name).is_symlink()
                and (here / name).relative_to(settings.home).as_posix() not in EXCLUDED_FOLDERS[role]
            ]
            for name in files:
                path = here / name
                if name.startswith(".") or path.is_symlink() or path.suffix.lower() not in SERVED_SUFFIXES:
                    continue
                destination = target / folder / path.relative_to(source)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, destination)
    return target


class NotFoundHandler(RequestHandler):
    """A plain 404 for addresses the course never serves."""

    def prepare(self) -> None:
        raise HTTPError(404)


class CourseRenderHandler(TornadoVoilaHandler):
    """Voilà's page handler, keeping to the kernel budget and to the templates this server offers.

    A page asked for while the server runs its budget's worth of kernels (pre-warmed ones not counted) gets
    the "course is busy" page (HTTP 503 with ``Retry-After``), which the browser
    reloads by itself; no kernel is started for it. A ``?template=`` value this
    server does not offer is a 404 (Voilà itself would silently fall back to the
    default template, or switch to any installed template, e.g. its reveal
    template that loads from a CDN).
    A page's GET sets the ``_xsrf`` cookie, so that the page can have its kernel shut down
    when it is left or closed (Voilà's page sends that request with the cookie's value).
    It also puts the client's address in the :data:`CLIENT_HEADER` request header,
    which the trainee server hands to the page's kernel (Voilà passes no client
    address of its own; the sign-in rate limits count per address).
    """

    async def prepare(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        # The page's kernel learns the client's address from this header (see http_header_envs);
        # whatever a client sent under that name is replaced.
        self.request.headers[CLIENT_HEADER] = self.request.remote_ip or ""
        for header in (HUB_USER_HEADER, HUB_GROUPS_HEADER):  # only ever the server's own values
            self.request.headers[header] = ""
        await super().prepare(*args, **kwargs)  # the instructor key (or the hub login) is checked first
        if self.settings.get("ap_hub") and self.current_user is not None:
            from .hub import hub_headers

            for header, value in hub_headers(self.current_user).items():
                self.request.headers[header] = value
        template = self.get_argument("template", None)
        if template is not None and template not in self.settings.get("ap_template_overrides", ()):
            raise HTTPError(404)
        if self.request.method == "GET":
            # Reading the token sets the ``_xsrf`` cookie. A page that is left or closed sends it back
            # with Voilà's request to shut its kernel down; without it the server refuses (403) and
            # the kernel waits for culling.
            self.xsrf_token
        budget: KernelBudget | None = self.settings.get("ap_kernel_budget")
        if self.request.method == "GET" and budget is not None:
            in_use = len(self.kernel_manager.list_kernel_ids()) - pooled_kernels(self.kernel_manager)
            if in_use >= budget.max_kernels:
                self.set_status(503)
                self.set_header("Retry-After", str(budget.retry_seconds))
                self.set_header("Cache-Control", "no-store")
                self.finish(render("busy.html.j2", seconds=budget.retry_seconds))


class CompiledTemplates(jinja2.BytecodeCache):
    """Page templates compiled once per server and shared by every request's Jinja2 environment.

    Jinja2 checks each entry against the template's current source (its checksum),
    so an edited template is compiled again; entries are keyed by template name and
    file, so two templates of the same name in different folders never mix.
    """

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)  # ignored when the source has changed since

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


class CompiledTemplatesExporter(VoilaExporter):
    """Voilà's exporter, with the server's :class:`CompiledTemplates`."""

    compiled_templates = CompiledTemplates()
    """One store for the whole server process: every page's environment is set up the same way."""

    def _create_environment(self) -> jinja2.Environment:
        environment = super()._create_environment()
        environment.bytecode_cache = self.compiled_templates
        return environment


def share_compiled_templates() -> None:
    """Make Voilà render every page with :class:`CompiledTemplatesExporter` (it names its exporter class directly)."""
    notebook_renderer.VoilaExporter = CompiledTemplatesExporter  # type: ignore[misc]


class CourseVoila(Voila):
    """Voilà with ``/`` leading to the course's landing page, and nothing but notebooks rendered."""

    landing_page = Unicode("course/00-start.ipynb", config=True, help="Notebook that / redirects to.")
    refused_templates = List(Unicode(), config=True, help="Templates whose files this server never serves.")
    certfile = Unicode("", config=True, help="TLS certificate (PEM): serve over HTTPS with keyfile.")
    keyfile = Unicode("", config=True, help="TLS private key (PEM) of certfile.")
    key_file = Unicode("", config=True, help="The instructor key's file, re-read so a rotated key applies at once.")
    prewarm_after = Float(NEXT_AFTER_SECONDS, config=True, help="Seconds into a section before the next is warmed.")

    def listen(self) -> None:
        """Listen as Voilà does (over HTTPS when a certificate is configured), following the key file and the agendas."""
        if self.certfile:
            import functools
            import ssl

            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.certfile, self.keyfile or None)
            self.app.listen = functools.partial(self.app.listen, ssl_options=context)  # type: ignore[method-assign]
        if self.key_file:
            PeriodicCallback(self._follow_key_file, KEY_CHECK_SECONDS * 1000).start()
        if self.voila_configuration.preheat_kernel:  # the trainee server's pools (runtime_config's ``prewarm``)
            budget: KernelBudget = self.tornado_settings["ap_kernel_budget"]
            planner = PoolPlanner(self.kernel_manager, Path(self.root_dir), budget.max_kernels, self.prewarm_after)
            PeriodicCallback(planner.plan, PLAN_SECONDS * 1000).start()
        super().listen()

    def _follow_key_file(self) -> None:
        """Take up a rotated instructor key: the old key and the sessions it opened stop working."""
        try:
            key = Path(self.key_file).read_text(encoding="utf-8").strip()
        except OSError:
            return
        if key and key != self.identity_provider.token:
            self.identity_provider.token = key
            self.app.settings["cookie_secret"] = os.urandom(32)  # login cookies signed before are refused
            self.log.info("The instructor key was rotated; earlier console links no longer work.")

    def initialize(self, argv: Any = None) -> None:
        # Voilà names its kernel manager factory directly: pools are then sized by the agenda alone.
        voila_app.voila_kernel_manager_factory = agenda_pools_factory  # type: ignore[attr-defined]
        super().initialize(argv)
        share_compiled_templates()

    @default("config_file_paths")
    def _config_file_paths_default(self) -> list[str]:
        """The course's ``voila.json`` first (it wins), then where Voilà looks by default."""
        return [str(CONFIG_DIR), *super()._config_file_paths_default()]

    def init_handlers(self) -> list[Any]:
        landing = url_path_join(self.server_url, "voila/render", self.landing_page)
        refused = [
            *[url_path_join(self.server_url, f"voila/templates/{name}/.*") for name in self.refused_templates],
            # Voilà would redirect any other file to its file handler; render only notebooks.
            url_path_join(self.server_url, r"voila/render/(?!.*\.ipynb$).*"),
            # Template assets are addressed as <template>/static/<file>, never with "..".
            url_path_join(self.server_url, r"voila/templates/(?![\w-]+/static/(?!.*\.\.).+$).*"),
        ]
        replaced: dict[Any, Any] = {TornadoVoilaHandler: CourseRenderHandler,
                                    RequestInfoSocketHandler: KernelRequestHandler}
        if self.tornado_settings.get("ap_hub"):
            from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

            from .hub import OwnKernelShutdownHandler

            replaced[VoilaShutdownKernelHandler] = OwnKernelShutdownHandler
        handlers = [(pattern, replaced.get(handler, handler), *rest) for pattern, handler, *rest in super().init_handlers()]
        store_secret = self.tornado_settings.get("ap_store_secret")
        store_calls = [(url_path_join(self.server_url, STORE_CALLS_PATH), StoreCallHandler, {"secret": store_secret})]
        return [
            (self.server_url, RedirectHandler, {"url": landing}),
            *[(pattern, NotFoundHandler) for pattern in refused],
            *(store_calls if store_secret else []),
            *handlers,
        ]


def file_config() -> Config:
    """The static settings of both servers, as Voilà reads them from :data:`CONFIG_FILE`."""
    return JSONFileConfigLoader(CONFIG_FILE.name, path=str(CONFIG_DIR)).load_config()


def runtime_config(
    *, role: Role, root: Path, ip: str, port: int, key: str | None, culling: KernelCulling,
    budget: KernelBudget | None = None,
    tls: tuple[str, str] | None = None, key_file: Path | None = None, hub_prefix: str | None = None,
    prewarm: bool = False, prewarm_after: float = NEXT_AFTER_SECONDS, store_secret: str | None = None,
) -> Config:
    """The settings of one server that depend on its role, address, key and command line.

    ``tls`` is (certificate, private key) to serve over HTTPS; ``key_file`` is the
    instructor key's file when the key comes from one (it is re-read, so a rotated key
    applies to the running server). ``hub_prefix`` (e.g. ``/services/course/``) serves
    behind JupyterHub as a hub-managed service under that prefix: the hub's OAuth instead
    of a key, and each kernel reachable only by the hub user whose page started it
    (:mod:`adaptive_policing.serve.hub`). ``prewarm`` keeps kernels ready for the next
    section of today's classes (:mod:`adaptive_policing.serve.pools`), from ``prewarm_after`` seconds into a section.
    ``store_secret`` answers the kernels' store calls that carry it (:mod:`adaptive_policing.serve.store_calls`).
    """
    c = Config()
    if hub_prefix is not None:
        c.Voila.base_url = hub_prefix
        c.Voila.identity_provider_class = "adaptive_policing.serve.hub.HubIdentityProvider"
        c.Voila.authorizer_class = "adaptive_policing.serve.hub.KernelOwnerAuthorizer"
    if tls:
        c.CourseVoila.certfile, c.CourseVoila.keyfile = tls
    if key_file is not None:
        c.CourseVoila.key_file = str(key_file)
    c.Voila.ip = ip
    c.Voila.port = port
    c.Voila.port_retries = 0  # a taken port is an error, never a silent move to another port
    c.Voila.root_dir = str(root)
    c.Voila.token = key or None
    c.Voila.tornado_settings = {
        "headers": {"Content-Security-Policy": CONTENT_SECURITY_POLICY},
        # Requests are logged with the instructor key (``token``) and trainee tokens (``t``) scrubbed.
        "log_function": log_request,
        "extra_log_scrub_param_keys": ["t"],
        "ap_template_overrides": list(TEMPLATE_OVERRIDES[role]),
        "ap_kernel_budget": budget or KernelBudget(default_max_kernels()),
        "ap_hub": hub_prefix is not None,
        "ap_store_secret": store_secret,
    }
    c.CourseVoila.landing_page = LANDING_PAGES[role]
    c.CourseVoila.prewarm_after = prewarm_after
    c.VoilaConfiguration.preheat_kernel = prewarm
    c.VoilaConfiguration.default_pool_size = 0  # pools are sized by the agenda (pools.PoolPlanner)
    c.CourseVoila.refused_templates = [SLIDES_TEMPLATE] if not TEMPLATE_OVERRIDES[role] else []
    # ``?template=`` is honoured only on the instructor server (for the slides).
    c.VoilaConfiguration.allow_template_override = "YES" if TEMPLATE_OVERRIDES[role] else "NO"
    c.VoilaConfiguration.http_header_envs = list(HUB_KERNEL_HEADERS if hub_prefix is not None else KERNEL_HEADERS[role])
    c.MappingKernelManager.cull_idle_timeout = culling.idle_seconds
    c.MappingKernelManager.cull_interval = culling.interval_seconds
    # Kernels talk to the server over Unix sockets in the runtime folder, not loopback TCP ports:
    # a TCP port picked for a new kernel can be taken by another process before the kernel binds
    # it (the kernel then dies and its page never loads), and any local user can reach a TCP port.
    c.KernelManager.transport = "ipc"
    c.KernelManager.client_class = "adaptive_policing.serve.kernel_client.QuickConnectKernelClient"
    c.VoilaExecutor.iopub_timeout = CELL_OUTPUT_WAIT_SECONDS
    return c


KERNEL_CONFIG = """\
# Written by adaptive_policing.serve.server for the kernels of the course's servers (IPYTHONDIR).
# A page's cells are the course's own one-line calls. Keeping their history would only make
# every kernel open, lock and write one SQLite file as it starts (30 at once when a class opens
# a page) and the file grow with every page opened.
c.HistoryManager.enabled = False
"""


def kernel_profile(settings: config.Settings) -> Path:
    """The IPython folder of the servers' kernels (``var/ipython``), holding :data:`KERNEL_CONFIG`."""
    folder = settings.var_dir / "ipython"
    config_file = folder / "profile_default" / "ipython_kernel_config.py"
    if not config_file.is_file() or config_file.read_text(encoding="utf-8") != KERNEL_CONFIG:
        config_file.parent.mkdir(parents=True, exist_ok=True)
        config_file.write_text(KERNEL_CONFIG, encoding="utf-8")
    return folder


def prepare_environment(settings: config.Settings, role: Role | None = None) -> None:
    """Environment that this server and the kernels it starts inherit."""
    if role is not None:
        os.environ[config.ROLE_ENV] = role
    os.environ["IPYTHONDIR"] = str(kernel_profile(settings))
    os.environ[config.HOME_ENV] = str(settings.home)
    os.environ[config.VAR_ENV] = str(settings.var_dir)
    os.environ[config.DB_URL_ENV] = settings.db_url
    search_path = os.environ.get("JUPYTER_PATH", "")
    if str(TEMPLATES_DIR) not in search_path.split(os.pathsep):
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATES_DIR), search_path) if p)
    # nbgrader and the kernels find their tools next to this Python.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def offer_store(ip: str, port: int) -> str:
    """Tell this server's kernels to reach the store through it (:mod:`adaptive_policing.data.remote`); the secret.

    They connect to the address the server listens on (loopback when it listens on all of
    them), which is also where a pre-warmed kernel fetches its page's request (Voilà's
    ``voila/query`` socket).
    """
    host = "127.0.0.1" if ip in ("", "0.0.0.0", "::") else ip
    os.environ[KERNEL_ADDRESS_ENV] = host
    secret = new_secret()
    os.environ[STORE_ENDPOINT_ENV] = f"http://{f'[{host}]' if ':' in host else host}:{port}/{STORE_CALLS_PATH}"
    os.environ[STORE_SECRET_ENV] = secret
    return secret


def withhold_store() -> None:
    """This server's kernels open the database themselves."""
    os.environ.pop(STORE_ENDPOINT_ENV, None)
    os.environ.pop(STORE_SECRET_ENV, None)


def run_server(
    role: Role, *, ip: str, port: int, culling: KernelCulling | None = None, budget: KernelBudget | None = None,
    tls: tuple[str, str] | None = None, hub: bool = False, prewarm: bool = False,
    prewarm_after: float = NEXT_AFTER_SECONDS,
) -> None:
    """Build the serving tree and run one server until it is stopped (blocking).

    With ``hub``, it runs as a JupyterHub service (the hub starts it with
    ``JUPYTERHUB_SERVICE_PREFIX`` and its OAuth client in the environment), with no
    instructor key, and tells its kernels they are behind the hub (``ADAPTIVE_POLICING_HUB``).
    ``prewarm`` applies to the trainee server on a laptop over HTTP only (see :mod:`adaptive_policing.serve.pools`).
    """
    settings = config.settings()
    prepare_environment(settings, role)
    hub_prefix = None
    if hub:
        hub_prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "")
        if not hub_prefix:
            raise SystemExit("--hub: run this server as a JupyterHub service (JUPYTERHUB_SERVICE_PREFIX is not set).")
        os.environ[config.HUB_ENV] = "1"
    else:
        os.environ.pop(config.HUB_ENV, None)
    # Each kernel exits when this server is gone, even if it was killed outright
    # (ipykernel polls for a change of parent; on its own it only notices being adopted by init).
    os.environ["JPY_PARENT_PID"] = str(os.getpid())
    # The trainee server over plain HTTP, not behind the hub, serves its kernels' store calls and pools.
    plain_trainee_server = role == "trainee" and not hub and not tls
    prewarm = prewarm and plain_trainee_server
    store_secret = offer_store(ip, port) if plain_trainee_server else withhold_store()
    root = build_serving_tree(settings, role)
    key = config.instructor_key(settings) if role == "instructor" and not hub else None
    key_file = config.instructor_key_file(settings) if role == "instructor" and not hub else None
    app = CourseVoila(
        config=runtime_config(
            role=role, root=root, ip=ip, port=port, key=key, culling=culling or KernelCulling(), budget=budget,
            tls=tls, key_file=key_file, hub_prefix=hub_prefix, prewarm=prewarm, prewarm_after=prewarm_after,
            store_secret=store_secret,
        )
    )
    app.initialize([])  # Voilà reads CONFIG_FILE here
    if hub:
        import signal

        # The hub stops a service with SIGINT first: stop at once, as on SIGTERM (never ask on a terminal).
        signal.signal(signal.SIGINT, app._handle_signal_stop)
    app.start()


def main(argv: list[str] | None = None) -> None:
    """``python -m adaptive_policing.serve.server ROLE --ip IP --port PORT [--cull-idle S --cull-interval S]
    [--max-kernels N] [--certfile PEM --keyfile PEM] [--hub] [--prewarm [--prewarm-after S]]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="adaptive_policing.serve.server")
    parser.add_argument("role", choices=["trainee", "instructor"])
    parser.add_argument("--ip", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cull-idle", type=int, default=KernelCulling.idle_seconds)
    parser.add_argument("--cull-interval", type=int, default=KernelCulling.interval_seconds)
    parser.add_argument("--max-kernels", type=int, default=None, help="default: from the machine's memory")
    parser.add_argument("--certfile", default="", help="TLS certificate (PEM): serve over HTTPS")
    parser.add_argument("--keyfile", default="", help="TLS private key (PEM) of --certfile")
    parser.add_argument("--hub", action="store_true", help="run as a JupyterHub service, behind the hub's login")
    parser.add_argument("--prewarm", action="store_true", help="keep kernels ready for the next section of today's classes")
    parser.add_argument("--prewarm-after", type=float, default=NEXT_AFTER_SECONDS,
                        help="seconds into a section before the next section is warmed")
    args = parser.parse_args(argv)
    run_server(
        args.role,
        ip=args.ip,
        port=args.port,
        culling=KernelCulling(args.cull_idle, args.cull_interval),
        budget=KernelBudget(
            args.max_kernels or default_max_kernels(), retry_seconds=min(15, max(2, args.cull_interval))
        ),
        tls=(args.certfile, args.keyfile) if args.certfile else None,
        hub=args.hub,
        prewarm=args.prewarm,
        prewarm_after=args.prewarm_after,
    )


if __name__ == "__main__":
    main()
