"""Run the two course servers as child processes and stop them, and every kernel, cleanly.

``adaptive-policing serve`` starts ``python -m adaptive_policing.serve.server ROLE``
twice. Each server runs in its own session, so a Ctrl+C or a closed terminal
reaches only the command, which then stops both servers (each shuts down its
kernels) and finally kills whatever of the process tree is still alive. On
Linux each server also dies with the command (``PR_SET_PDEATHSIG``), even when
the command itself is killed outright; the kernels die with their server (see
:func:`adaptive_policing.serve.server.run_server`).
"""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import psutil

#: Seconds the servers get to shut their kernels down before everything left is killed.
GRACE_SECONDS = 12.0
#: Seconds to wait for both servers to accept connections.
START_SECONDS = 120.0
PR_SET_PDEATHSIG = 1


class PortTaken(RuntimeError):
    """A port the course needs is already in use; the message says by whom."""


@dataclass(frozen=True)
class ServerSpec:
    """One server to start: its role, its port and where its output goes."""

    role: str
    port: int
    log: Path
    options: tuple[str, ...] = ()
    """More command-line options for the server, e.g. ``("--max-kernels", "40")``."""


def port_holder(port: int) -> str:
    """Describe, in plain words, the process listening on TCP ``port`` (or say it is unknown)."""
    try:
        connections = psutil.net_connections(kind="tcp")
    except psutil.AccessDenied:
        connections = []
    for conn in connections:
        if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN:
            if conn.pid is None:
                return "a process of another user (its number is hidden from you)"
            try:
                process = psutil.Process(conn.pid)
                command = " ".join(process.cmdline()) or process.name()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                command = "command line hidden"
            return f"process {conn.pid} ({command})"
    return "an unknown process"


def check_ports_free(ip: str, ports: Sequence[int]) -> None:
    """Raise :class:`PortTaken` naming the holder of the first of ``ports`` that cannot be listened on."""
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((ip, port))
            except OSError as error:
                if error.errno != errno.EADDRINUSE:
                    raise PortTaken(f"Port {port} on {ip} cannot be used: {error.strerror}.") from error
                raise PortTaken(
                    f"Port {port} is already in use by {port_holder(port)}. Stop that program, "
                    f"or choose another port (--port / --instructor-port). Nothing was started."
                ) from error


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child get SIGTERM when this process dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    parent = os.getpid()

    def preexec() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the line above
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


def start_servers(ip: str, specs: Sequence[ServerSpec]) -> list[subprocess.Popen[bytes]]:
    """Start one server per spec, each in its own session, its output appended to its log."""
    preexec = _die_with_parent()
    children = []
    for spec in specs:
        spec.log.parent.mkdir(parents=True, exist_ok=True)
        with open(spec.log, "ab") as log:
            children.append(
                subprocess.Popen(
                    [sys.executable, "-m", "adaptive_policing.serve.server", spec.role,
                     "--ip", ip, "--port", str(spec.port), *spec.options],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True, preexec_fn=preexec,
                )
            )
    return children


def wait_until_listening(ip: str, ports: Sequence[int], children: Sequence[subprocess.Popen[bytes]]) -> bool:
    """Wait until every port accepts connections; False if a server exits or time runs out first."""
    host = "127.0.0.1" if ip in ("0.0.0.0", "") else ip
    waiting = list(ports)
    deadline = time.monotonic() + START_SECONDS
    while waiting and time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            return False
        try:
            socket.create_connection((host, waiting[0]), timeout=1).close()
            waiting.pop(0)
        except OSError:
            time.sleep(0.2)
    return not waiting


def process_tree(children: Sequence[subprocess.Popen[bytes]]) -> list[psutil.Process]:
    """The servers and everything they started (their kernels), as they are now."""
    tree: list[psutil.Process] = []
    for child in children:
        try:
            server = psutil.Process(child.pid)
            tree += [server, *server.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
    return tree


def stop_servers(children: Sequence[subprocess.Popen[bytes]], grace: float = GRACE_SECONDS) -> None:
    """Ask each server to stop (it shuts its kernels down), then kill whatever of the tree is left."""
    tree = process_tree(children)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    left = [*tree, *process_tree(children)]
    for process in left:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(left, timeout=5)
