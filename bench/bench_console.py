"""Delay from a trainee's save to the instructor console showing it, with 3 and 30 trainees.

Simulated trainees save at once from threads into a SQLite store while a live
console (its one-second polling thread running) shows the prompt. Prints, for
each class size, the delay per answer (max and mean), and as the same-run
baseline the store's own save-to-readable time, which bounds what any console
could do; the issue's target is 2 s.
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
from tests.test_console import measure_delays  # noqa: E402

SIZES = (3, 30)


def store_round_trip(store: ResponseStore, trainees: int) -> list[float]:
    """Seconds from each save until a fresh read of the class's answers holds it."""
    course = store.create_class()
    people = [store.sign_in(course.code, f"Baseline {n}", f"R{n}") for n in range(trainees)]
    seconds = []
    for n, person in enumerate(people):
        started = time.monotonic()
        store.save_answer(person, "s01-about-you", f"baseline-{n}")
        while not any(a.value == f"baseline-{n}" for _t, a in latest_by_prompt(store, course.id)["s01-about-you"]):
            time.sleep(0.001)
        seconds.append(time.monotonic() - started)
    return seconds


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ap-bench-console-") as scratch:
        store = ResponseStore(f"sqlite:///{Path(scratch) / 'responses.sqlite3'}")
        print(f"{'trainees':>9}{'console max s':>15}{'console mean s':>16}{'store max s':>13}{'store mean s':>14}")
        for size in SIZES:
            delays = measure_delays(store, size)
            baseline = store_round_trip(store, size)
            print(f"{size:>9}{max(delays):15.2f}{statistics.mean(delays):16.2f}"
                  f"{max(baseline):13.3f}{statistics.mean(baseline):14.3f}")
        store.close()
    print("target: every answer on the console within 2 s of its save (polling every 1 s)")


if __name__ == "__main__":
    main()
