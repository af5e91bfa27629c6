"""Grading workers: a worker that hangs is killed at its time limit, one that dies costs only its own item.

The units of work here are small module-level functions (spawned workers
import this module, so it stays light); the real unit of work, one nbgrader
autograde, is tested end to end in ``test_grading_pipeline.py``.
"""

from __future__ import annotations

import os
import subprocess
import time
from functools import partial
from pathlib import Path

import psutil

from adaptive_policing.grading.pool import Lost, run_in_processes

LIMIT = 8.0
"""Seconds per item: far above the quick items' time (a spawned worker starts in well under a second)."""


def _work(folder: str, item: str) -> str:
    """Quick items answer at once; ``hang`` starts a child (as a kernel would) and never returns; ``die`` exits."""
    if item.startswith("hang"):
        child = subprocess.Popen(["sleep", "600"])
        Path(folder, f"{item}.pid").write_text(str(child.pid))
        time.sleep(600)
    if item == "die":
        os._exit(3)
    if item == "raise":
        raise ValueError("a bug in the unit of work")
    Path(folder, f"{item}.done").write_text(str(os.getpid()))
    return item.upper()


def _children() -> set[int]:
    """This process's descendants, without multiprocessing's long-lived resource tracker."""
    found = set()
    for process in psutil.Process().children(recursive=True):
        try:
            if "resource_tracker" not in " ".join(process.cmdline()):
                found.add(process.pid)
        except psutil.NoSuchProcess:
            continue
    return found


def test_a_hung_worker_and_its_children_are_killed_at_the_limit_and_the_others_are_graded(tmp_path: Path) -> None:
    before = _children()
    seen: list[str] = []
    started = time.monotonic()
    results = run_in_processes(partial(_work, str(tmp_path)), ["a", "hang", "b", "c", "d"], workers=2, limit=LIMIT,
                               on_result=lambda item, _result: seen.append(item))
    took = time.monotonic() - started

    assert results == {"a": "A", "b": "B", "c": "C", "d": "D",
                       "hang": Lost(f"it was still running after {LIMIT:.0f} s and was stopped")}
    assert sorted(seen) == ["a", "b", "c", "d", "hang"]
    assert LIMIT <= took < LIMIT + 30
    kernel_like = int((tmp_path / "hang.pid").read_text())
    assert not psutil.pid_exists(kernel_like) or psutil.Process(kernel_like).status() == psutil.STATUS_ZOMBIE
    assert _children() <= before


def test_a_worker_that_dies_costs_only_its_own_item(tmp_path: Path) -> None:
    results = run_in_processes(partial(_work, str(tmp_path)), ["a", "die", "b", "c", "raise"], workers=2, limit=LIMIT)

    assert results["die"] == Lost("the grading worker stopped before grading it")
    assert results["raise"] == Lost("the grading worker failed (ValueError)")
    assert {item: results[item] for item in "abc"} == {"a": "A", "b": "B", "c": "C"}


def test_workers_run_side_by_side_in_fresh_processes(tmp_path: Path) -> None:
    before = _children()
    items = [f"s{n}" for n in range(6)]
    results = run_in_processes(partial(_work, str(tmp_path)), items, workers=2, limit=LIMIT)

    assert results == {item: item.upper() for item in items}
    workers = {(tmp_path / f"{item}.done").read_text() for item in items}
    assert 1 <= len(workers) <= 2 and str(os.getpid()) not in workers
    assert _children() <= before
