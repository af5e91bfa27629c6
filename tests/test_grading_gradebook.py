"""A new gradebook is created at nbgrader's schema in this process, without running ``alembic heads``."""

from __future__ import annotations

import nbgrader.api
import pytest
from nbgrader.api import Gradebook, get_alembic_version
from sqlalchemy import create_engine, inspect, text

from adaptive_policing.grading.course import create_gradebook, tools_on_path


def _schema(url: str) -> tuple[list[str], list]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return (sorted(inspect(connection).get_table_names()),
                    connection.execute(text("SELECT version_num FROM alembic_version")).all())
    finally:
        engine.dispose()


def test_a_new_gradebook_is_nbgrader_s_own_without_a_subprocess(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    tools_on_path()
    theirs = f"sqlite:///{tmp_path / 'nbgrader.db'}"
    Gradebook(theirs).close()  # nbgrader's way: runs `alembic heads`
    head = get_alembic_version()
    monkeypatch.setattr(nbgrader.api.sp, "check_output", lambda *a, **kw: pytest.fail("ran a subprocess"))
    ours = f"sqlite:///{tmp_path / 'ours.db'}"
    create_gradebook(ours)
    with Gradebook(ours) as gb:  # nbgrader finds it complete
        gb.update_or_create_student("A-b1")
    assert _schema(ours) == _schema(theirs) and _schema(ours)[1] == [(head,)]


def test_an_existing_gradebook_is_left_as_it_is(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    create_gradebook(url)
    with Gradebook(url) as gb:
        gb.update_or_create_student("A-b1")
    create_gradebook(url)
    with Gradebook(url) as gb:
        assert [s.id for s in gb.students] == ["A-b1"]
