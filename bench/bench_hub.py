"""Department mode's sizing: a local JupyterHub with 2 classes × 5 trainees driven at once.

Starts the hub as ``make hub`` does (``deploy/jupyterhub/jupyterhub_config.py``, on
loopback, the store on a SQLite file), then:

1. one trainee alone logs in and opens the start page (the same run's baseline);
2. the other nine log in and open the start page at the same moment;
3. every trainee moves on to section I, closing the start page as a browser does
   (Voilà's shutdown call), so each active trainee holds one page kernel;
4. both classes' instructors open the console.

Prints the memory of each part (the sum of resident memory, RSS, and of proportional
memory, PSS, which counts shared pages once), the memory per active trainee (their share
of the course service plus their page kernel), and the time from submitting the hub's
login form to the start page fully executed: alone, and ten at once, with their ratio.
deploy/README.md's sizing table is computed from these figures.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import requests

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.hub import Hub, running_hub  # noqa: E402

CLASSES = {"HUBA1": ["ana", "ben", "cai", "dee", "eli"], "HUBB2": ["fay", "gus", "hal", "ida", "jay"]}
INSTRUCTORS = {"HUBA1": "ivy", "HUBB2": "jon"}
START = "/services/course/voila/render/course/00-start.ipynb"
SECTION_I = "/services/course/voila/render/course/01-introductions.ipynb"
CONSOLE = "/services/console/voila/render/solutions/instructor-console.ipynb"
KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]{36})"')


def groups() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"instructors": list(INSTRUCTORS.values())}
    for code, users in CLASSES.items():
        found[f"trainees-{code}"] = users
        found[f"instructors-{code}"] = [INSTRUCTORS[code]]
    return found


def memory_mb(processes: list[psutil.Process]) -> tuple[float, float]:
    """(RSS, PSS) of these processes together, in MB."""
    rss = pss = 0
    for process in processes:
        try:
            info = process.memory_full_info()
        except psutil.NoSuchProcess:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss / 2**20, pss / 2**20


def log_in_and_start(hub: Hub, user: str) -> tuple[float, requests.Session, str]:
    """Log ``user`` in and open the start page: (seconds from the login form to the executed page, session, kernel)."""
    clicked = time.monotonic()
    session = hub.login(user)
    page = session.get(hub.url + START)
    page.raise_for_status()
    if f"Welcome, {user}." not in page.text and "jupyter-widgets" not in page.text:
        raise RuntimeError(f"{user}'s start page did not render")
    seconds = time.monotonic() - clicked
    found = KERNEL_ID.search(page.text)
    if found is None:
        raise RuntimeError(f"{user}'s start page has no kernel")
    return seconds, session, found.group(1)


def move_to_section_i(hub: Hub, session: requests.Session, start_kernel: str) -> None:
    """Open section I and close the start page as the browser does when it leaves it."""
    session.get(hub.url + SECTION_I).raise_for_status()
    closed = session.post(hub.url + f"/services/course/voila/api/shutdown/{start_kernel}",
                          headers={"X-XSRFToken": session.cookies.get("_xsrf", path="/services/course/") or ""})
    if closed.status_code != 204:
        raise RuntimeError(f"closing the start page's kernel: HTTP {closed.status_code}")


def report(name: str, processes: list[psutil.Process]) -> tuple[float, float]:
    rss, pss = memory_mb(processes)
    print(f"  {name:<28} {len(processes):>3} processes  RSS {rss:7.0f} MB  PSS {pss:7.0f} MB")
    return rss, pss


def main() -> None:
    trainees = [user for users in CLASSES.values() for user in users]
    with tempfile.TemporaryDirectory(prefix="bench-hub-") as folder:
        work = Path(folder)
        booted = time.monotonic()
        with running_hub(work, groups(), f"sqlite:///{work / 'responses.sqlite3'}", kernel_cull_idle=900) as hub:
            print(f"hub, proxy and every service up in {time.monotonic() - booted:.1f} s")
            parts = hub.processes()
            print("at rest (no user):")
            overhead = {name: report(name, parts.get(name, [])) for name in ("hub", "proxy", "idle-culler", "formgrader")}
            course_rest = report("course service", parts["course"])
            console_rest = report("console service", parts["console"])

            alone, first_session, first_kernel = log_in_and_start(hub, trainees[0])
            with ThreadPoolExecutor(max_workers=len(trainees) - 1) as pool:
                rest = list(pool.map(lambda user: log_in_and_start(hub, user), trainees[1:]))
            together = [seconds for seconds, _session, _kernel in rest]
            sessions = [(first_session, first_kernel), *[(session, kernel) for _s, session, kernel in rest]]
            with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
                list(pool.map(lambda pair: move_to_section_i(hub, *pair), sessions))
            with ThreadPoolExecutor(max_workers=len(INSTRUCTORS)) as pool:
                list(pool.map(lambda user: hub.login(user).get(hub.url + CONSOLE).raise_for_status(),
                              INSTRUCTORS.values()))

            parts = hub.processes()
            print(f"{len(trainees)} trainees on section I (one page kernel each), {len(INSTRUCTORS)} consoles open:")
            course = report("course service + kernels", parts["course"] + parts.get("course kernels", []))
            console = report("console service + kernels", parts["console"] + parts.get("console kernels", []))
            for name in ("hub", "proxy", "idle-culler", "formgrader"):
                report(name, parts.get(name, []))

            per_trainee = [(course[i] - course_rest[i]) / len(trainees) for i in (0, 1)]
            per_console = [(console[i] - console_rest[i]) / len(INSTRUCTORS) for i in (0, 1)]
            fixed = [sum(part[i] for part in overhead.values()) + course_rest[i] + console_rest[i] for i in (0, 1)]
            print(f"memory per active trainee (service share + page kernel): RSS {per_trainee[0]:.0f} MB, "
                  f"PSS {per_trainee[1]:.0f} MB")
            print(f"memory per open console: RSS {per_console[0]:.0f} MB, PSS {per_console[1]:.0f} MB")
            print(f"fixed: hub + proxy + culler + formgrader + both course services at rest: RSS {fixed[0]:.0f} MB, PSS {fixed[1]:.0f} MB")
            median = statistics.median(together)
            print(f"login → start page executed: alone {alone:.2f} s (baseline); {len(together)} at once: "
                  f"median {median:.2f} s, max {max(together):.2f} s (median {median / alone:.1f}× the baseline)")


if __name__ == "__main__":
    main()
