"""What several benchmarks share: the bare Voilà baseline server and the kernels a server holds.

The baseline every page benchmark compares against, in the same run, is a bare Voilà
page holding one widget, served by plain ``voila`` (see /work/shared/DESIGN.md's
measurements). Kernels are found as the ``ipykernel`` processes under a server.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.conftest import LiveServer, free_port, kernel_processes, stop_process_tree  # noqa: E402

#: The one cell of the bare baseline page: a single text widget.
BARE_CELL = "import ipywidgets\nipywidgets.Text(description='Name')"
BARE_START_SECONDS = 60
WARMING_DEADLINE_SECONDS = 900


@dataclass(frozen=True)
class BareVoila:
    """A running plain ``voila`` serving the one-widget page at ``url``."""

    url: str
    process: subprocess.Popen[bytes]


@contextmanager
def bare_voila(folder: Path) -> Iterator[BareVoila]:
    """Serve a one-widget notebook with plain ``voila`` from ``folder``; stop it and its kernels after.

    Waits until the port accepts connections, without requesting the page (which would start a kernel).
    """
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(BARE_CELL)]
    path = folder / "bare.ipynb"
    nbformat.write(notebook, path)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "voila", "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}", str(path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield BareVoila(f"http://127.0.0.1:{port}/", process)
    finally:
        stop_process_tree(process)


def wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    """Return once ``port`` on loopback accepts a connection; fail if ``process`` exits or it takes too long."""
    deadline = time.monotonic() + BARE_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"voila exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"voila did not listen on port {port} within {BARE_START_SECONDS} s")


def cpu_seconds(process: psutil.Process) -> float | None:
    """User and system CPU seconds ``process`` has used so far, or None if it has exited.

    Unlike wall time it does not grow when other work shares the cores, so it compares
    two servers fairly on a loaded machine.
    """
    try:
        times = process.cpu_times()
    except psutil.Error:
        return None
    return times.user + times.system


def resident_mb(process: psutil.Process) -> float | None:
    """Resident memory of one process in MB, or None if it has exited."""
    try:
        return process.memory_info().rss / 2**20
    except psutil.Error:
        return None


def kernel_memory_mb(server_pid: int) -> list[float]:
    """Resident memory of each live kernel under ``server_pid``, in MB."""
    sizes = (resident_mb(kernel) for kernel in kernel_processes(server_pid))
    return [size for size in sizes if size is not None]


def total_resident_mb(processes: list[psutil.Process]) -> float:
    """Summed resident memory of ``processes`` in MB; those that have exited count nothing."""
    return sum(size for size in map(resident_mb, processes) if size is not None)


def tree_resident_mb(root_pid: int) -> float:
    """Resident memory of a server and every process under it, in MB."""
    try:
        root = psutil.Process(root_pid)
        return total_resident_mb([root, *root.children(recursive=True)])
    except psutil.Error:
        return 0.0


def settle_kernels(server_pid: int, quiet_seconds: float = 2.0) -> None:
    """Wait until the server's kernels together use under a tenth of a CPU second in ``quiet_seconds``."""
    deadline = time.monotonic() + WARMING_DEADLINE_SECONDS

    def used() -> float:
        return sum(filter(None, map(cpu_seconds, kernel_processes(server_pid))))

    before = used()
    while time.monotonic() < deadline:
        time.sleep(quiet_seconds)
        now = used()
        if now - before < 0.1:
            return
        before = now
    raise RuntimeError(f"the kernels did not settle within {WARMING_DEADLINE_SECONDS} s")


def wait_until_warmed(server: LiveServer, page: str, count: int) -> None:
    """Wait until a ``--prewarm`` trainee server has warmed ``count`` kernels for ``page`` and they wait, idle."""
    started = time.monotonic()
    filled = f"Kernel pool of {page} is filled with {count} kernel"
    log = server.var_dir / "trainee-server.log"
    while filled not in log.read_text(errors="replace"):
        if time.monotonic() - started > WARMING_DEADLINE_SECONDS:
            raise RuntimeError(f"{page} was not warmed within {WARMING_DEADLINE_SECONDS} s")
        time.sleep(1)
    settle_kernels(server.process.pid)  # every warmed kernel has run its page and waits for its trainee
