"""nbgrader's formgrader for the coordinator: how ``adaptive-policing formgrader`` starts it.

JupyterLab (with nbgrader's formgrader extension) is started on the course root:

* on ``127.0.0.1`` only, on a free port unless one is given (:func:`free_loopback_port`);
* with ``--allow-root`` only when the command runs as root (uid 0), which Jupyter
  otherwise refuses;
* opening on *Manage Submissions* of the core assessment (:func:`formgrader_path`);
* with the course root's configuration (:func:`prepare_course_root` copies the
  committed ``nbgrader_config.py`` into a course root moved by
  ``ADAPTIVE_POLICING_GRADING_DIR``) and its exchange folder, so formgrader
  shows no warning about a missing exchange;
* with a token made for this run, printed in the address, and Jupyter's own
  messages kept to warnings so the address stays on screen.
"""

from __future__ import annotations

import os
import secrets
import socket
import sys
from pathlib import Path

from .. import config
from ..content.questions import ASSIGNMENT
from .course import GradingPaths, copy_config

LOOPBACK = "127.0.0.1"


def free_loopback_port() -> int:
    """A TCP port nothing listens on at :data:`LOOPBACK` right now (the system picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def formgrader_path(assignment: str = ASSIGNMENT) -> str:
    """The page formgrader opens on: *Manage Submissions* of ``assignment``."""
    return f"/formgrader/manage_submissions/{assignment}"


def formgrader_url(port: int, token: str, assignment: str = ASSIGNMENT) -> str:
    """The address to print: the *Manage Submissions* page with this run's token."""
    return f"http://{LOOPBACK}:{port}{formgrader_path(assignment)}?token={token}"


def prepare_course_root(paths: GradingPaths) -> None:
    """Give the course root its configuration file and its exchange folder (both idempotent)."""
    copy_config(paths)
    (paths.root / "exchange").mkdir(parents=True, exist_ok=True)


def formgrader_argv(paths: GradingPaths, port: int, token: str, *, open_browser: bool,
                    as_root: bool | None = None) -> list[str]:
    """The command line of the formgrader's JupyterLab (``as_root`` defaults to whether uid is 0)."""
    if as_root is None:
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    page = formgrader_path(paths.assignment)
    argv = [
        sys.executable, "-m", "jupyterlab",  # the server itself: one process, which Ctrl+C and kill reach
        f"--ServerApp.ip={LOOPBACK}", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={paths.root}", f"--IdentityProvider.token={token}",
        f"--ServerApp.default_url={page}", f"--LabApp.default_url={page}",
        "--ServerApp.log_level=WARN",
        # nbgrader's pages would set the sign-in cookie for their own folder only, so their
        # background requests to /formgrader/api/ came back unsigned; the cookie is for the whole site.
        "--IdentityProvider.cookie_options=path=/",
    ]
    if not open_browser:
        argv.append("--no-browser")
    if as_root:
        argv.append("--allow-root")
    return argv


def formgrader_env(paths: GradingPaths) -> dict[str, str]:
    """The environment for the formgrader: this Python's tools on PATH, the checkout and the course root named."""
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")  # nbgrader runs alembic as a subprocess
    env[config.HOME_ENV] = str(config.settings().home)
    env[config.GRADING_DIR_ENV] = str(paths.root)
    return env


def new_token() -> str:
    """A fresh token for one formgrader run."""
    return secrets.token_urlsafe(24)
