"""nbgrader's gradebook at the URL ``ADAPTIVE_POLICING_GRADEBOOK_URL`` names (PostgreSQL in a department).

The package's grading, plain ``nbgrader`` commands and the formgrader (which read
``grading/nbgrader_config.py``) all use that one gradebook; a hub trainee's graded
submission reaches the roster and the console from it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.dbutil import upgrade

from adaptive_policing.config import GRADEBOOK_URL_ENV, GRADING_DIR_ENV
from adaptive_policing.content.questions import ASSIGNMENT
from adaptive_policing.data.hub import hub_trainee
from adaptive_policing.data.store import ResponseStore
from adaptive_policing.grading.course import GradingPaths, committed_config_file, copy_config
from adaptive_policing.grading.pipeline import grade, write_reports
from adaptive_policing.grading.submission import student_id
from adaptive_policing.widgets.console.assessment import class_scores

from .fixtures.assessment import submissions as fx

PARTLY_RIGHT_AUTO = 29.2
"""The partly-right answer set's autograded score (answers-partly-right.json)."""
WRITTEN = ("free_alternative_yes", "free_complaint_process")


def test_the_package_and_plain_nbgrader_read_the_gradebook_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from traitlets.config import PyFileConfigLoader

    url = "postgresql+psycopg://grader:secret@db.example:5432/gradebook"
    monkeypatch.setenv(GRADING_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(GRADEBOOK_URL_ENV, url)
    paths = GradingPaths.default()
    assert paths.db_url == url and paths.gradebook_file is None
    assert paths.for_assignment("other").db_url == url
    file = committed_config_file()
    assert PyFileConfigLoader(file.name, path=str(file.parent)).load_config().CourseDirectory.db_url == url

    monkeypatch.delenv(GRADEBOOK_URL_ENV)  # unset: SQLite in the grading folder, as before
    paths = GradingPaths.default()
    assert paths.db_url == f"sqlite:///{tmp_path.resolve() / 'gradebook.db'}"
    assert paths.gradebook_file == tmp_path.resolve() / "gradebook.db" and not paths.has_gradebook()


def _api_from_config_file(root: Path) -> NbGraderAPI:
    """nbgrader's API as the formgrader and plain ``nbgrader`` commands build it, from ``root/nbgrader_config.py``."""
    from traitlets.config import PyFileConfigLoader

    loaded = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    return NbGraderAPI(coursedir=CourseDirectory(config=loaded), config=loaded)


@pytest.mark.postgres
def test_a_hub_trainee_s_submission_is_graded_on_postgresql_and_reaches_the_roster(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres_db: str) -> None:
    monkeypatch.setenv(GRADING_DIR_ENV, str(tmp_path / "grading"))
    monkeypatch.setenv(GRADEBOOK_URL_ENV, postgres_db)
    paths = GradingPaths.default()
    copy_config(paths)
    store = ResponseStore(f"sqlite:///{tmp_path / 'responses.sqlite3'}")
    try:
        # As the course service does for a hub user in the group trainees-HUB101.
        trainee = hub_trainee(store, "jordan.doe", ["trainees-HUB101", "staff"])
        assert trainee is not None
        classroom = store.class_by_code("HUB101")
        assert classroom is not None
        sid = student_id(classroom.code, trainee.badge)
        fx.submit(paths, sid, fx.filled(fx.partly_right_answers()))

        run = grade(paths, store=store, pass_percent=70.0)
        assert [(r.student, r.status) for r in run.results] == [(sid, "graded")]
        assert run.manual_pending == [sid]

        # A grader scores the written answers in the formgrader: the same gradebook, read by URL.
        with Gradebook(postgres_db) as gb:
            submission = gb.find_submission(ASSIGNMENT, sid)
            assert float(submission.score) == pytest.approx(PARTLY_RIGHT_AUTO)
            for grade_id in WRITTEN:
                found = gb.find_grade(grade_id, "assessment", ASSIGNMENT, sid)
                found.manual_score, found.needs_manual_grade = 3, False
            gb.db.commit()
            assert float(gb.find_submission(ASSIGNMENT, sid).score) == pytest.approx(PARTLY_RIGHT_AUTO + 6)
        assert paths.has_gradebook() and not (paths.root / "gradebook.db").exists()
        upgrade(postgres_db)  # `nbgrader db upgrade`: nbgrader's alembic finds the new gradebook at its head
        # The formgrader's own view: nbgrader's API configured by the course root's nbgrader_config.py alone.
        formgrader = _api_from_config_file(paths.root)
        [listed] = [sub for sub in formgrader.get_submissions(ASSIGNMENT) if sub["student"] == sid]
        assert listed["score"] == pytest.approx(PARTLY_RIGHT_AUTO + 6) and listed["autograded"]

        roster = write_reports(paths, store, pass_percent=70.0)["roster"]
        with roster.open(newline="", encoding="utf-8") as f:
            rows = [row for row in csv.DictReader(f) if row["class_code"] == "HUB101"]
        assert [(r["trainee_name"], r["trainee_number"], r["assessment_status"], r["score"], r["max_score"],
                 r["met_standard"]) for r in rows] == [("jordan.doe", trainee.badge, "graded", "35.2", "43", "yes")]
        assert class_scores("HUB101", paths)[sid].status(70.0).score == pytest.approx(35.2)
    finally:
        store.close()
