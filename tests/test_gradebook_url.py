"""nbgrader's gradebook at the URL ``ADAPTIVE_POLICING_GRADEBOOK_URL`` names (PostgreSQL in a department).

The package's grading, plain ``nbgrader`` commands and the formgrader (which read
``grading/nbgrader_config.py``) all use that one gradebook. A hub trainee's submission graded
on PostgreSQL, scored in the formgrader through the hub and found on the roster and in the
console's scores is tested end to end in ``tests/test_hub.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from adaptive_policing.config import GRADEBOOK_URL_ENV, GRADING_DIR_ENV
from adaptive_policing.grading.course import GradingPaths, committed_config_file


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
