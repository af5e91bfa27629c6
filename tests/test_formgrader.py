"""``adaptive-policing formgrader`` (``make formgrader``): loopback, a free port it prints, root allowed.

One test starts the real command (JupyterLab with nbgrader's formgrader) on a
fresh course root, reads the address it prints, asks it over HTTP and stops it.
"""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest

from adaptive_policing.content.questions import ASSIGNMENT
from adaptive_policing.grading.course import GRADING_DIR_ENV, GradingPaths
from adaptive_policing.grading.formgrader import formgrader_argv

START_SECONDS = 90.0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None


def _printed_url(process: subprocess.Popen[bytes], deadline: float) -> str:
    """The formgrader address from the command's output (waits for it, never longer than the deadline)."""
    assert process.stdout is not None
    seen = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=deadline - time.monotonic()):
                break
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                break
            seen += chunk
            found = re.search(rb"http://\S+/formgrader/\S+", seen)
            if found and seen.endswith(b"\n"):
                return found.group(0).decode()
    raise AssertionError(f"the command printed no formgrader address: {seen!r}")


def _get(url: str, deadline: float, opener: urllib.request.OpenerDirector | None = None) -> tuple[int, str, str]:
    """Status, Location header and body of ``url``, asking again until the server answers."""
    opener = opener or urllib.request.build_opener(_NoRedirect)
    while True:
        try:
            # The first request may wait for nbgrader to build the gradebook: up to the test's deadline.
            with opener.open(url, timeout=max(10.0, deadline - time.monotonic())) as response:
                return response.status, "", response.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.headers.get("Location", ""), answer.read().decode(errors="replace")
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_allow_root_is_passed_only_when_running_as_root(tmp_path: Path) -> None:
    paths = GradingPaths(tmp_path, tmp_path, tmp_path)
    assert "--allow-root" in formgrader_argv(paths, 9999, "t", open_browser=False, as_root=True)
    plain = formgrader_argv(paths, 9999, "t", open_browser=True, as_root=False)
    assert "--allow-root" not in plain and "--no-browser" not in plain
    assert "--ServerApp.ip=127.0.0.1" in plain and "--ServerApp.port=9999" in plain


def test_formgrader_starts_on_a_free_loopback_port_it_prints_and_opens_on_manage_submissions(tmp_path: Path) -> None:
    root = tmp_path / "grading"
    env = {**os.environ, GRADING_DIR_ENV: str(root), "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen(
        [sys.executable, "-c", "from adaptive_policing.cli import cli; cli()", "formgrader", "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env,
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        url = _printed_url(process, deadline)
        parts = urlsplit(url)
        assert parts.hostname == "127.0.0.1" and parts.port not in (None, 8888)
        assert parts.path == f"/formgrader/manage_submissions/{ASSIGNMENT}"
        token = parts.query
        status, location, _ = _get(f"http://127.0.0.1:{parts.port}/?{token}", deadline)
        assert status == 302 and parts.path in location
        browser = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPCookieProcessor(CookieJar()))
        status, _, page = _get(url, deadline, browser)
        assert status == 200 and "Manage Submissions" in page
        # The page's own requests (signed in by the cookie the page set, as in a browser) get the list.
        status, location, listed = _get(f"http://127.0.0.1:{parts.port}/formgrader/api/submissions/{ASSIGNMENT}",
                                        deadline, browser)
        assert (status, location, listed) == (200, "", "[]")
        status, _, page = _get(f"http://127.0.0.1:{parts.port}/formgrader/manage_assignments?{token}", deadline)
        assert status == 200 and "warning-exchange" not in page and "alert-warning" not in page
        listening = {c.laddr.ip for c in psutil.Process(process.pid).net_connections(kind="tcp")
                     if c.status == psutil.CONN_LISTEN and c.laddr.port == parts.port}
        assert listening == {"127.0.0.1"}
        as_root = os.geteuid() == 0
        assert ("--allow-root" in psutil.Process(process.pid).cmdline()) == as_root
        assert (root / "exchange").is_dir() and (root / "nbgrader_config.py").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()


def test_grading_s_runtime_data_moves_with_its_variable_for_the_package_and_plain_nbgrader(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from traitlets.config import PyFileConfigLoader

    from adaptive_policing.grading.course import committed_config_file
    from adaptive_policing.grading.submission import grading_dir

    moved = tmp_path / "elsewhere"
    monkeypatch.setenv(GRADING_DIR_ENV, str(moved))
    assert GradingPaths.default().root == moved.resolve() == grading_dir()
    assert GradingPaths.default().db_url == f"sqlite:///{moved.resolve() / 'gradebook.db'}"
    file = committed_config_file()
    loaded = PyFileConfigLoader(file.name, path=str(file.parent)).load_config()
    assert loaded.CourseDirectory.root == str(moved)
    assert loaded.CourseDirectory.db_url == f"sqlite:///{moved / 'gradebook.db'}"
    assert loaded.Exchange.root == str(moved / "exchange") and (moved / "exchange").is_dir()
