"""Delay from a trainee's save to the instructor console showing it, with 3 and 30 trainees.

Simulated trainees save from threads, 0.05 s apart, into a SQLite store while a
live console shows the prompt. The console follows the store through the
kernel's one live refresher (:mod:`adaptive_policing.widgets.live`), which reads
the change marker every ``CHECK_SECONDS`` and re-reads the class only when it
moved. Prints, for each class size, the delay per answer (max and mean), the
same run's baseline (the store's own save-to-readable time, which bounds what
any console could do) and the ratio of the two. The target: every answer on
the console within 0.5 s of its save at 30 trainees.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from adaptive_policing.analysis.tallies import latest_by_prompt  # noqa: E402
from adaptive_policing.data.store import ResponseStore  # noqa: E402
from adaptive_policing.widgets import live  # noqa: E402
from tests.test_console import measure_delays  # noqa: E402

SIZES = (3, 30)
TARGET_SECONDS = 0.5


def store_round_trip(store: ResponseStore, trainees: int) -> list[float]:
    """Seconds from each save until a fresh read of the class's answers holds it."""
    course = store.create_class()
    people = [store.sign_in(course.code, f"Baseline {n}", f"R{n}") for n in range(trainees)]
    seconds = []
    for n, person in enumerate(people):
        started = time.monotonic()
        store.save_answer(person, "s01-about-you", f"baseline-{n}")
        while not any(a.value == f"baseline-{n}" for _t, a in latest_by_prompt(store.iter_answers(course.id))["s01-about-you"]):
            time.sleep(0.001)
        seconds.append(time.monotonic() - started)
    return seconds


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ap-bench-console-") as scratch:
        store = ResponseStore(f"sqlite:///{Path(scratch) / 'responses.sqlite3'}")
        print(f"live refresher: one thread, change marker read every {live.CHECK_SECONDS} s")
        print(f"{'trainees':>9}{'console max s':>15}{'console mean s':>16}{'store max s':>13}{'store mean s':>14}"
              f"{'max ratio':>11}{'mean ratio':>12}")
        worst = 0.0
        for size in SIZES:
            delays = measure_delays(store, size)  # the kernel's shared refresher
            baseline = store_round_trip(store, size)
            if size == SIZES[-1]:
                worst = max(delays)
            print(f"{size:>9}{max(delays):15.3f}{statistics.mean(delays):16.3f}"
                  f"{max(baseline):13.3f}{statistics.mean(baseline):14.3f}"
                  f"{max(delays) / max(baseline):11.1f}{statistics.mean(delays) / statistics.mean(baseline):12.1f}")
        store.close()
    verdict = "met" if worst <= TARGET_SECONDS else "NOT met"
    print(f"target: every answer on the console within {TARGET_SECONDS} s of its save at {SIZES[-1]} trainees: "
          f"{verdict} (worst {worst:.3f} s)")


if __name__ == "__main__":
    main()
