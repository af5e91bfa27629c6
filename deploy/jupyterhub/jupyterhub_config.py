"""JupyterHub for the Adaptive Policing course: one machine, loopback by default (``make hub``).

Shape: the hub serves no Jupyter server to users. Hub-managed services do the work; the
first two are each one shared Voilà server run from this checkout
(``python -m adaptive_policing.serve.server ROLE --hub``):

* ``course`` — the trainee pages, for every logged-in user (``/services/course/``);
* ``console`` — the instructor console and slides, only for the hub group ``instructors``
  (``/services/console/``);
* ``formgrader`` — nbgrader's formgrader in ``grading/`` (a Jupyter server without terminals), only
  for the hub group ``formgrade-adaptive-policing`` (``/services/formgrader/formgrader``);
* ``idle-culler`` — ``jupyterhub-idle-culler``, which stops any single-user server left
  idle (there are none in this shape unless an administrator adds some) and keeps the
  hub's activity records tidy.

Every service logs in through the hub's OAuth; a page's kernel is its hub user's
own. Classes are hub groups: ``trainees-<class code>`` (the trainees of one class) and
``instructors-<class code>`` (the instructors who see it); ``instructors`` opens the
console at all. Everything is set by environment variables (``make hub`` sets the
first ones), so the same file serves a department:

====================================  ===============================================
``ADAPTIVE_POLICING_HOME``            the checkout (default: the one holding this file)
``ADAPTIVE_POLICING_VAR``             runtime data; the hub keeps its own under ``hub/``
``ADAPTIVE_POLICING_DB_URL``          the response store (e.g. PostgreSQL), shared by both services
``ADAPTIVE_POLICING_HUB_DB_URL``      the hub's own database (default SQLite under ``var/hub/``)
``ADAPTIVE_POLICING_GRADEBOOK_URL``   nbgrader's gradebook (e.g. PostgreSQL), for the formgrader and the
                                      console's Assessment tab (default SQLite ``gradebook.db`` in the
                                      course root)
``ADAPTIVE_POLICING_GRADING_DIR``     nbgrader's course root (default ``grading/`` in the checkout): the
                                      course service's page kernels write each submission under its
                                      ``submitted/``, the formgrader serves it, the console reads it
``ADAPTIVE_POLICING_HUB_IP`` /
``ADAPTIVE_POLICING_HUB_PORT``        where the hub's proxy listens (``127.0.0.1:8000``)
``ADAPTIVE_POLICING_HUB_GROUPS``      a YAML or JSON file ``{group: [users]}`` loaded into the hub
                                      (default: ``groups.example.yaml`` beside this file)
``ADAPTIVE_POLICING_HUB_PASSWORD``    the shared password of the out-of-the-box login (``make hub`` makes one)
``ADAPTIVE_POLICING_HUB_CONFIG``      a further config file read last: the department's authenticator
                                      (LDAP, OAuth), TLS, admin users (see deploy/README.md)
``ADAPTIVE_POLICING_HUB_ADMINS``      comma-separated admin users
``ADAPTIVE_POLICING_HUB_CULL_IDLE``   seconds before the idle culler stops an idle server (3600)
``ADAPTIVE_POLICING_KERNEL_CULL_IDLE``  seconds before a closed page's kernel is shut down (120)
``ADAPTIVE_POLICING_HUB_KUBERNETES``  ``1`` under Zero to JupyterHub: the chart sets addresses, the
                                      hub database, the authenticator and the culler
``ADAPTIVE_POLICING_HUB_SERVICE_IP`` /
``ADAPTIVE_POLICING_HUB_SERVICE_HOST``  where the course services listen / the name the proxy reaches
                                      them by (both 127.0.0.1 on one machine)
``ADAPTIVE_POLICING_HUB_*_PORT``      internal ports: ``API`` (8081), ``PROXY_API`` (8001), ``COURSE``
                                      (8868), ``CONSOLE`` (8869), ``FORMGRADER`` (8870), on 127.0.0.1
====================================  ===============================================
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner

from adaptive_policing.config import FORMGRADE_GROUP, GRADING_DIR_ENV, INSTRUCTORS_GROUP  # the course's env
from adaptive_policing.data.store import ResponseStore
from adaptive_policing.grading.course import GradingPaths
from adaptive_policing.grading.formgrader import prepare_course_root

c = get_config()  # type: ignore[name-defined]  # noqa: F821  (provided by JupyterHub)

HERE = Path(__file__).resolve().parent
HOME = Path(os.environ.get("ADAPTIVE_POLICING_HOME") or HERE.parent.parent).resolve()
VAR = Path(os.environ.get("ADAPTIVE_POLICING_VAR") or HOME / "var").resolve()
HUB_VAR = VAR / "hub"
HUB_VAR.mkdir(parents=True, exist_ok=True)
STORE_URL = os.environ.get("ADAPTIVE_POLICING_DB_URL") or f"sqlite:///{HUB_VAR / 'responses.sqlite3'}"
# nbgrader's course root, one for all three services: submissions written, graded and read there.
GRADING = GradingPaths.under(HOME)
if os.environ.get(GRADING_DIR_ENV):
    GRADING = replace(GRADING, root=Path(os.environ[GRADING_DIR_ENV]).resolve())
LOOPBACK = "127.0.0.1"


def _port(name: str, default: int) -> int:
    return int(os.environ.get(f"ADAPTIVE_POLICING_HUB_{name}_PORT") or default)


COURSE_PORT, CONSOLE_PORT, FORMGRADER_PORT = _port("COURSE", 8868), _port("CONSOLE", 8869), _port("FORMGRADER", 8870)

# On Kubernetes (Zero to JupyterHub, deploy/kubernetes/values.yaml) the chart's own configuration
# sets the addresses, the hub's database and the idle culler; this file adds the course to it.
ON_KUBERNETES = os.environ.get("ADAPTIVE_POLICING_HUB_KUBERNETES") == "1"
# Where the course services listen, and the name the proxy reaches them by.
SERVICE_IP = os.environ.get("ADAPTIVE_POLICING_HUB_SERVICE_IP") or LOOPBACK
SERVICE_HOST = os.environ.get("ADAPTIVE_POLICING_HUB_SERVICE_HOST") or LOOPBACK

# --- where it listens ------------------------------------------------------------------
if not ON_KUBERNETES:
    c.JupyterHub.ip = os.environ.get("ADAPTIVE_POLICING_HUB_IP") or LOOPBACK
    c.JupyterHub.port = int(os.environ.get("ADAPTIVE_POLICING_HUB_PORT") or 8000)
    c.JupyterHub.hub_ip = LOOPBACK
    c.JupyterHub.hub_port = _port("API", 8081)
    c.ConfigurableHTTPProxy.api_url = f"http://{LOOPBACK}:{_port('PROXY_API', 8001)}"
    c.ConfigurableHTTPProxy.pid_file = str(HUB_VAR / "proxy.pid")
    c.JupyterHub.db_url = (os.environ.get("ADAPTIVE_POLICING_HUB_DB_URL")
                           or f"sqlite:///{HUB_VAR / 'jupyterhub.sqlite'}")
    c.JupyterHub.cookie_secret_file = str(HUB_VAR / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(HUB_VAR / "jupyterhub.pid")
# After login everyone lands on the course's start page.
c.JupyterHub.default_url = "/services/course/"


# --- classes and instructors are groups ----------------------------------------------------
def _read_groups(path: Path) -> dict[str, list[str]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        import yaml

        data = yaml.safe_load(text) or {}
    else:
        data = json.loads(text)
    return {str(name): [str(user) for user in (users or [])] for name, users in data.items()}


GROUPS = _read_groups(Path(os.environ.get("ADAPTIVE_POLICING_HUB_GROUPS") or HERE / "groups.example.yaml"))
GROUPS.setdefault(INSTRUCTORS_GROUP, [])
GROUPS.setdefault(FORMGRADE_GROUP, [])
c.JupyterHub.load_groups = {name: {"users": users} for name, users in GROUPS.items()}

# --- nobody gets a Jupyter server: the course is the two services --------------------------
c.JupyterHub.load_roles = [
    {
        # Every user: log in, be identified (name and groups) by the services, open the course.
        # No `servers!user`: a trainee cannot start a server, so no JupyterLab, terminal,
        # file browser or kernel API of their own.
        "name": "user",
        "scopes": ["read:users:name!user", "read:users:groups!user", "access:services!service=course"],
    },
    {
        "name": "course-instructor",
        "description": "Open the instructor console and the projector slides",
        "scopes": ["access:services!service=console"],
        "groups": [INSTRUCTORS_GROUP],
    },
    {
        "name": "course-coordinator",
        "description": "Grade the assessment in nbgrader's formgrader",
        "scopes": ["access:services!service=formgrader"],
        "groups": [FORMGRADE_GROUP],
    },
    *([] if ON_KUBERNETES else [{
        "name": "idle-culler",
        "description": "Stop idle servers",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }]),
]


class NoServerSpawner(LocalProcessSpawner):
    """Refuses to start a single-user server: the course runs as hub services only."""

    async def start(self) -> tuple[str, int]:
        raise RuntimeError("This hub serves the course as services; it starts no Jupyter server for users.")


c.JupyterHub.spawner_class = NoServerSpawner  # also on Kubernetes: no user pods, the course is the services
c.JupyterHub.allow_named_servers = False
# Limits for a per-user server, should an administrator ever switch one on (honoured by
# KubeSpawner on Kubernetes; see deploy/kubernetes/values.yaml). The shared services are
# limited by their kernel budget instead (from the machine's memory, see serve/budget.py).
c.Spawner.mem_limit = os.environ.get("ADAPTIVE_POLICING_HUB_MEM_LIMIT") or "512M"
c.Spawner.cpu_limit = float(os.environ.get("ADAPTIVE_POLICING_HUB_CPU_LIMIT") or 1.0)

# --- who may log in ----------------------------------------------------------------------------
if not ON_KUBERNETES:  # on Kubernetes the chart's hub.config names the department's authenticator
    # One shared password (8 characters or more) for the listed users: JupyterHub's workshop login.
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = os.environ.get("ADAPTIVE_POLICING_HUB_PASSWORD") or ""
# Only the people on some class's or the instructors' list; the department's own
# authenticator config (ADAPTIVE_POLICING_HUB_CONFIG) may widen this.
c.Authenticator.allowed_users = {user for users in GROUPS.values() for user in users}
c.Authenticator.admin_users = {name.strip() for name in (os.environ.get("ADAPTIVE_POLICING_HUB_ADMINS") or "").split(",")
                               if name.strip()}

# --- the services ----------------------------------------------------------------------------------
# The store's schema is brought up to date once, here, before two services and their kernels race to.
ResponseStore(STORE_URL).close()

SERVICE_ENV = {
    "ADAPTIVE_POLICING_HOME": str(HOME),
    "ADAPTIVE_POLICING_DB_URL": STORE_URL,
    "HOME": os.environ.get("HOME", str(HUB_VAR)),
    GRADING_DIR_ENV: str(GRADING.root),
    **{name: os.environ[name] for name in ("ADAPTIVE_POLICING_PASS_PERCENT", "ADAPTIVE_POLICING_GRADEBOOK_URL")
       if name in os.environ},
}
KERNEL_CULL = ["--cull-idle", os.environ.get("ADAPTIVE_POLICING_KERNEL_CULL_IDLE") or "120",
               "--cull-interval", os.environ.get("ADAPTIVE_POLICING_KERNEL_CULL_INTERVAL") or "30"]


def course_service(name: str, role: str, port: int) -> dict[str, object]:
    """One shared Voilà server of the course, run by the hub as a service behind its OAuth."""
    return {
        "name": name,
        "url": f"http://{SERVICE_HOST}:{port}",
        "command": [sys.executable, "-m", "adaptive_policing.serve.server", role, "--hub",
                    "--ip", SERVICE_IP, "--port", str(port), *KERNEL_CULL],
        "environment": {**SERVICE_ENV, "ADAPTIVE_POLICING_VAR": str(HUB_VAR / name)},
        "cwd": str(HOME),
        "oauth_no_confirm": True,
        "display": True,
    }


# The formgrader serves the course root, with its nbgrader_config.py and exchange folder (as `make formgrader`).
try:
    prepare_course_root(GRADING)
except OSError:  # a read-only course root (an image): nbgrader_config.py copes, formgrader names what is missing
    pass
c.JupyterHub.services = [
    course_service("course", "trainee", COURSE_PORT),
    course_service("console", "instructor", CONSOLE_PORT),
    {
        # nbgrader's formgrader for the coordinators (the hub group formgrade-adaptive-policing): the
        # Jupyter server `make formgrader` opens, in grading/, behind the hub's OAuth, without terminals.
        "name": "formgrader",
        "url": f"http://{SERVICE_HOST}:{FORMGRADER_PORT}",
        "command": [sys.executable, "-m", "jupyterhub.singleuser", f"--ServerApp.ip={SERVICE_IP}",
                    f"--ServerApp.port={FORMGRADER_PORT}", "--ServerApp.terminals_enabled=False",
                    *(["--ServerApp.allow_root=True"] if os.geteuid() == 0 else [])],
        "environment": {**SERVICE_ENV, "ADAPTIVE_POLICING_VAR": str(VAR), "JUPYTERHUB_DEFAULT_URL": "/formgrader"},
        "cwd": str(GRADING.root),  # nbgrader reads nbgrader_config.py from here; the server's root is here too
        "oauth_no_confirm": True,
        "display": True,
    },
]
if not ON_KUBERNETES:  # the chart runs its own culler (`cull:` in values.yaml)
    c.JupyterHub.services.append({
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                    f"--timeout={os.environ.get('ADAPTIVE_POLICING_HUB_CULL_IDLE') or 3600}",
                    f"--cull-every={os.environ.get('ADAPTIVE_POLICING_HUB_CULL_EVERY') or 300}"],
    })

# --- the department's own settings, read last ---------------------------------------------------
EXTRA = os.environ.get("ADAPTIVE_POLICING_HUB_CONFIG")
if EXTRA:
    load_subconfig(EXTRA)  # type: ignore[name-defined]  # noqa: F821  (provided by JupyterHub)
