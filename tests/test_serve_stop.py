"""``adaptive-policing serve`` stops cleanly: both servers and every kernel, the ports freed.

The real command runs on free loopback ports with a throwaway ``var/``; several
pages are opened so several kernels are alive; then the stop signal a terminal
would send goes to the command's process group.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import psutil
import pytest

from .conftest import REPO, free_port

pytestmark = pytest.mark.server

KERNELS = 6
STOP_SECONDS = 20
START_SECONDS = 120


def _env(var_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "ADAPTIVE_POLICING_HOME": str(REPO),
        "ADAPTIVE_POLICING_VAR": str(var_dir),
        "ADAPTIVE_POLICING_DB_URL": f"sqlite:///{var_dir / 'responses.sqlite3'}",
        "ADAPTIVE_POLICING_INSTRUCTOR_KEY": "stop-test-key",
    }


def _serve(var_dir: Path, port: int, instructor_port: int) -> subprocess.Popen[bytes]:
    """``adaptive-policing serve`` in its own process group, as a terminal would start it."""
    return subprocess.Popen(
        [sys.executable, "-m", "adaptive_policing.cli", "serve", "--ip", "127.0.0.1",
         "--port", str(port), "--instructor-port", str(instructor_port)],
        env=_env(var_dir), stdout=open(var_dir / "serve.out", "wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _command_line(process: psutil.Process) -> str:
    """The process's command line; empty for one that has already exited (a zombie not yet reaped)."""
    try:
        return " ".join(process.cmdline())
    except (psutil.ZombieProcess, psutil.NoSuchProcess):
        return ""


def _kernels(tree: list[psutil.Process]) -> list[psutil.Process]:
    return [p for p in tree if "ipykernel_launcher" in _command_line(p)]


def _living(processes: list[psutil.Process]) -> list[psutil.Process]:
    """The processes that are running: a child that already exited and waits to be reaped is not."""
    living = []
    for process in processes:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                living.append(process)
        except psutil.NoSuchProcess:
            pass
    return living


@dataclass
class Serving:
    """The running command, its two ports, and its process tree (collected before any signal)."""

    command: subprocess.Popen[bytes]
    port: int
    instructor_port: int
    tree: list[psutil.Process]


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[Serving]:
    """The command, serving, with ``KERNELS`` pages open; everything it started is killed afterwards."""
    port, instructor_port = free_port(), free_port()
    command = _serve(tmp_path, port, instructor_port)
    banner = tmp_path / "serve.out"
    deadline = time.monotonic() + START_SECONDS
    while "Press Ctrl+C" not in banner.read_text(errors="replace"):
        assert command.poll() is None, banner.read_text(errors="replace")
        assert time.monotonic() < deadline, "serve did not start within 120 s"
        time.sleep(0.2)
    page = f"http://127.0.0.1:{port}/voila/render/course/00-start.ipynb"
    with ThreadPoolExecutor(KERNELS) as pool:
        statuses = list(pool.map(lambda _: urllib.request.urlopen(page, timeout=90).status, range(KERNELS)))
    assert statuses == [200] * KERNELS
    root = psutil.Process(command.pid)
    tree = _living([root, *root.children(recursive=True)])
    yield Serving(command, port, instructor_port, tree)
    for process in tree:  # only after a failure is anything left
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["ctrl-c", "sigterm", "sighup"])
def test_a_stop_signal_ends_both_servers_and_every_kernel(
    serving: Serving, stop: signal.Signals
) -> None:
    assert len(_kernels(serving.tree)) >= KERNELS, [_command_line(p) for p in serving.tree]
    started = time.monotonic()

    os.killpg(serving.command.pid, stop)
    _gone, alive = psutil.wait_procs(serving.tree, timeout=STOP_SECONDS)

    assert not alive, [(p.pid, _command_line(p)) for p in alive]
    assert serving.command.wait(timeout=1) == 0
    assert _port_is_free(serving.port) and _port_is_free(serving.instructor_port)
    print(f"stopped {len(serving.tree)} processes in {time.monotonic() - started:.1f} s")


def test_a_taken_port_is_named_and_nothing_starts(tmp_path: Path) -> None:
    port, instructor_port = free_port(), free_port()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        result = subprocess.run(
            [sys.executable, "-m", "adaptive_policing.cli", "serve", "--ip", "127.0.0.1",
             "--port", str(port), "--instructor-port", str(instructor_port)],
            env=_env(tmp_path), capture_output=True, text=True, timeout=60,
        )
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert f"Port {port} is already in use by process {os.getpid()}" in said
    assert " ".join(" ".join(psutil.Process().cmdline()).split()) in said  # the holder's command line
    assert "Nothing was started" in said
    assert _port_is_free(instructor_port)
    assert not (tmp_path / "logs").exists()


def test_the_servers_and_kernels_die_with_the_command_even_when_it_is_killed(serving: Serving) -> None:
    assert len(_kernels(serving.tree)) >= KERNELS

    serving.command.kill()  # SIGKILL: the command cannot stop anything itself
    _gone, alive = psutil.wait_procs(serving.tree, timeout=STOP_SECONDS)

    assert not alive, [(p.pid, _command_line(p)) for p in alive]
    assert _port_is_free(serving.port) and _port_is_free(serving.instructor_port)
