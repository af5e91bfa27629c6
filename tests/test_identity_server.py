"""The instructor key over HTTP: ``instructor-key --rotate`` shuts old console links out of a running
server, and the key never appears in the servers' logs."""

from __future__ import annotations

import http.client
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from adaptive_policing.cli import cli

from .conftest import LiveServer, start_server, stop_process_tree

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("identity-key-server")]

LISTING = "/voila/api/contents/course"  # an address that needs the instructor key, cheap to answer


def status_of(server: LiveServer, path: str) -> int:
    where = urlsplit(server.base_url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.fixture
def keyed_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    """An instructor server whose key is kept in its var/instructor.key (not set by the environment)."""
    monkeypatch.delenv("ADAPTIVE_POLICING_INSTRUCTOR_KEY", raising=False)
    server = start_server("instructor", tmp_path)
    yield server
    stop_process_tree(server.process)


def test_rotating_the_key_stops_old_links_and_no_key_reaches_the_logs(keyed_server: LiveServer) -> None:
    key_file = keyed_server.var_dir / "instructor.key"
    old = key_file.read_text().strip()
    assert status_of(keyed_server, f"{LISTING}?token={old}") == 200
    assert status_of(keyed_server, f"{LISTING}?token=wrong") in (302, 401, 403)
    result = CliRunner().invoke(cli, ["instructor-key", "--rotate"],
                                env={"ADAPTIVE_POLICING_VAR": str(keyed_server.var_dir),
                                     "ADAPTIVE_POLICING_INSTRUCTOR_KEY": None})
    assert result.exit_code == 0, result.output
    new = key_file.read_text().strip()
    assert new != old and new in result.output
    deadline = time.monotonic() + 30
    while status_of(keyed_server, f"{LISTING}?token={old}") == 200 and time.monotonic() < deadline:
        time.sleep(0.2)  # polls until the running server has taken the new key up
    assert status_of(keyed_server, f"{LISTING}?token={old}") in (302, 401, 403)
    assert status_of(keyed_server, f"{LISTING}?token={new}") == 200
    log = (keyed_server.var_dir / "instructor-server.log").read_text(encoding="utf-8", errors="replace")
    assert "rotated" in log
    assert old not in log and new not in log


def test_rotating_a_key_set_by_the_environment_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["instructor-key", "--rotate"],
                                env={"ADAPTIVE_POLICING_VAR": str(tmp_path),
                                     "ADAPTIVE_POLICING_INSTRUCTOR_KEY": "chosen-key"})
    assert result.exit_code != 0 and "ADAPTIVE_POLICING_INSTRUCTOR_KEY" in result.output


def test_certfile_and_keyfile_serve_over_https(tmp_path: Path) -> None:
    """``--certfile/--keyfile`` (passed on by ``serve``) make a server answer over HTTPS, and only HTTPS."""
    import shutil
    import ssl
    import subprocess
    import sys
    import urllib.error
    import urllib.request

    from .conftest import free_port

    openssl = shutil.which("openssl")
    assert openssl, "openssl is needed to make a test certificate"
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    port = free_port()
    env = {**__import__("os").environ, "ADAPTIVE_POLICING_VAR": str(tmp_path / "var"),
           "ADAPTIVE_POLICING_DB_URL": f"sqlite:///{tmp_path / 'var' / 'responses.sqlite3'}"}
    with open(tmp_path / "server.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "adaptive_policing.serve.server", "trainee", "--ip", "127.0.0.1",
             "--port", str(port), "--certfile", str(cert), "--keyfile", str(key)],
            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        context = ssl.create_default_context(cafile=str(cert))
        context.check_hostname = False
        url = f"https://127.0.0.1:{port}/voila/templates/adaptive/static/course.css"
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url, context=context, timeout=5) as response:
                    assert response.status == 200
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                assert process.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() < deadline, "the HTTPS server did not answer"
                time.sleep(0.3)  # polls until the server listens
        with pytest.raises((urllib.error.URLError, ConnectionError, http.client.HTTPException)):
            urllib.request.urlopen(url.replace("https://", "http://"), timeout=5)
    finally:
        stop_process_tree(process)
