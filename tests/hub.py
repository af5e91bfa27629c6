"""A real JupyterHub on loopback for the hub tests and the hub benchmark: start it, log in, kill it.

One module imported by tests/test_hub.py and bench/bench_hub.py; it holds no tests. The
hub runs ``deploy/jupyterhub/jupyterhub_config.py`` as ``make hub`` does, with the
shared-password authenticator, the groups given, free loopback ports, the response
store at the URL given, nbgrader's course root in the work folder (never the checkout's
``grading/``) and its gradebook at the URL given (SQLite in that course root otherwise).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
import requests

from adaptive_policing.config import GRADEBOOK_URL_ENV, GRADING_DIR_ENV
from adaptive_policing.data.store import ResponseStore

from .conftest import REPO, free_port, kill_processes

CONFIG = REPO / "deploy" / "jupyterhub" / "jupyterhub_config.py"
PASSWORD = "hub-test-password"
SERVICES = ("/services/course/", "/services/console/", "/services/formgrader/")
START_SECONDS = 90.0


@dataclass
class Hub:
    """A running hub: its public address, the course's store, nbgrader's course root and gradebook, the hub process and its log."""

    url: str
    store_url: str
    grading: Path
    gradebook_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def login(self, user: str) -> requests.Session:
        """A browser-like HTTP session logged in to the hub as ``user`` (not yet through any service)."""
        session = requests.Session()
        form = session.get(self.url + "/hub/login")
        response = session.post(self.url + "/hub/login", allow_redirects=False,
                                data={"username": user, "password": PASSWORD, "_xsrf": form.cookies["_xsrf"]})
        if response.status_code != 302:
            raise RuntimeError(f"{user} could not log in to the hub: HTTP {response.status_code}")
        return session

    def store(self) -> ResponseStore:
        return ResponseStore(self.store_url)

    def processes(self) -> dict[str, list[psutil.Process]]:
        """The hub's process tree by part: hub, proxy, course, console, formgrader, idle-culler, their kernels."""
        parts: dict[str, list[psutil.Process]] = {"hub": [psutil.Process(self.process.pid)]}
        for child in psutil.Process(self.process.pid).children():
            line = " ".join(child.cmdline())
            name = ("proxy" if "configurable-http-proxy" in line else "idle-culler" if "idle_culler" in line
                    else "formgrader" if "jupyterhub.singleuser" in line
                    else "course" if " trainee " in line else "console" if " instructor " in line else "other")
            parts.setdefault(name, []).append(child)
            parts.setdefault(f"{name} kernels", []).extend(child.children(recursive=True))
        return parts


def _status(url: str) -> int:
    try:
        return requests.get(url, allow_redirects=False, timeout=5).status_code
    except requests.RequestException:
        return 0


def kill_tree(process: subprocess.Popen[bytes]) -> None:
    """Kill the hub, its proxy, its services and their kernels at once (their data is thrown away)."""
    try:
        tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    kill_processes(tree)


@contextmanager
def running_hub(work: Path, groups: dict[str, list[str]], store_url: str, *,
                kernel_cull_idle: int = 30, gradebook_url: str | None = None) -> Iterator[Hub]:
    """Start the hub in ``work`` and wait until its services are routed; kill it all after."""
    groups_file = work / "groups.json"
    groups_file.write_text(json.dumps(groups))
    grading = work / "grading"
    port = free_port()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p),
        "ADAPTIVE_POLICING_HOME": str(REPO),
        "ADAPTIVE_POLICING_VAR": str(work / "var"),
        "ADAPTIVE_POLICING_DB_URL": store_url,
        GRADING_DIR_ENV: str(grading),  # the course service writes submissions there, never in the checkout
        **({GRADEBOOK_URL_ENV: gradebook_url} if gradebook_url else {}),
        "ADAPTIVE_POLICING_HUB_GROUPS": str(groups_file),
        "ADAPTIVE_POLICING_HUB_PASSWORD": PASSWORD,
        "ADAPTIVE_POLICING_HUB_PORT": str(port),
        "ADAPTIVE_POLICING_KERNEL_CULL_IDLE": str(kernel_cull_idle),
        "ADAPTIVE_POLICING_KERNEL_CULL_INTERVAL": "5",
        **{f"ADAPTIVE_POLICING_HUB_{part}_PORT": str(free_port()) for part in ("API", "PROXY_API", "COURSE", "CONSOLE", "FORMGRADER")},
    }
    log = work / "hub.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], cwd=work, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    hub = Hub(f"http://127.0.0.1:{port}", store_url, grading, gradebook_url or f"sqlite:///{grading / 'gradebook.db'}",
              process, log)
    try:
        deadline = time.monotonic() + START_SECONDS
        # The services are routed once the hub has seen them up: their "/" then leads to their first page.
        while any(_status(hub.url + path) not in (301, 302) for path in SERVICES):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the hub did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield hub
    finally:
        kill_tree(process)
