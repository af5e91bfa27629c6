"""One autograding worker process: ``python -m adaptive_policing.grading.worker ROOT SOURCE RELEASE STUDENT...``.

Autogrades the named students one after another with nbgrader's API and prints
one JSON line per student (``{"student", "status", "problems"}``) for the
pipeline's progress bar. ``adaptive-policing grade --workers N`` runs N of them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from .course import GradingPaths, nbgrader_api
    from .pipeline import _autograde_one

    root, source, release, *students = argv
    paths = GradingPaths(Path(root), Path(source), Path(release))
    api = nbgrader_api(paths)
    for sid in students:
        try:
            outcome = _autograde_one(api, paths, sid)
        except Exception as problem:  # keep going: one bad submission must not stop the others
            outcome = {"status": "error", "problems": [f"nbgrader could not grade it: {problem.__class__.__name__}"]}
        print(json.dumps({"student": sid, **outcome}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
