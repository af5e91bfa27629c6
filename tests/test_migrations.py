"""The store's schema is built and upgraded by its Alembic migrations, on SQLite and PostgreSQL.

A version-1 database with rows in it (made by revision 0001, and a real file
made by the store's first, pre-Alembic runner) upgrades to head, keeps its rows,
and then matches the table definitions exactly (Alembic's ``compare_metadata``).
A new database is built only by the migrations, with its append-only triggers.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from adaptive_policing.data import migrate as migrations
from adaptive_policing.data import schema
from adaptive_policing.data.store import ResponseStore, SheetOwner, create_engine

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Made by the store's first version (commit 3dedc44, its own ``schema.migrate(engine, target=1)``) with two
# trainees, their answers, a group and a worksheet revision; it has ``schema_migrations``, not ``alembic_version``.
LEGACY_V1_FILE = FIXTURES / "store-v1.sqlite3"
WHEN = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)


def differences(engine: sa.Engine) -> list[object]:
    with engine.connect() as db:
        return compare_metadata(MigrationContext.configure(db), schema.metadata)


def alembic_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as db:
        return migrations.current_revision(db)


def trigger_tables(engine: sa.Engine) -> set[str]:
    """The tables that have append-only triggers."""
    with engine.connect() as db:
        if db.dialect.name == "sqlite":
            rows = db.exec_driver_sql("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'")
        else:
            rows = db.exec_driver_sql(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
        return {row[0] for row in rows}


def assert_append_only(engine: sa.Engine, table: str) -> None:
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with engine.begin() as db:
                db.exec_driver_sql(statement)


def fill_version_1(engine: sa.Engine) -> None:
    """Rows in every version-1 table, written as version 1 wrote them (JSON text, plain SQL)."""
    with engine.begin() as db:
        insert = lambda sql, **values: db.execute(sa.text(sql), values)  # noqa: E731
        insert("INSERT INTO class_sessions (id, code, title, course_plan, class_date, location, instructor, created_at)"
               " VALUES (1, 'OLD123', 'Earlier class', 'adaptive-policing', :day, 'Room 1', 'Sgt. Early', :at)",
               day=date(2026, 3, 2), at=WHEN)
        insert("INSERT INTO trainees (id, class_id, name, badge, token, created_at)"
               " VALUES (1, 1, 'Pat Early', '1001', 'old-token-pat', :at)", at=WHEN)
        insert("INSERT INTO responses (id, trainee_id, prompt_id, value, created_at)"
               " VALUES (1, 1, 's01-about-you', :value, :at)", value='"from version 1 \\u2013 caf\\u00e9"', at=WHEN)
        insert("INSERT INTO groups (id, class_id, name, name_key, created_at)"
               " VALUES (1, 1, 'Team Blue', 'team blue', :at)", at=WHEN)
        insert("INSERT INTO group_members (id, group_id, trainee_id, joined_at) VALUES (1, 1, 1, :at)", at=WHEN)
        insert("INSERT INTO worksheet_revisions (id, sheet_id, owner_kind, owner_id, seq, parent_id, author_id,"
               " fields, created_at) VALUES (1, 'a2', 'group', 1, 1, NULL, 1, :fields, :at)",
               fields='{"Goals": "serve"}', at=WHEN)
        if db.dialect.name == "postgresql":  # explicit ids: move the sequences past them, as version 1 did
            for table in ("class_sessions", "trainees", "responses", "groups", "group_members", "worksheet_revisions"):
                db.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 1)")


def assert_upgraded_with_rows(url: str, answer: str) -> None:
    """Opening the store upgrades the database to head; the version-1 rows survive and new rows go in."""
    store = ResponseStore(url)
    assert alembic_revision(store.engine) == migrations.head_revision()
    assert not sa.inspect(store.engine).has_table(migrations.LEGACY_VERSION_TABLE)
    assert differences(store.engine) == []
    course = store.class_by_code("OLD123")
    assert course is not None and course.class_date == date(2026, 3, 2) and course.created_at == WHEN
    pat = store.trainee_by_token("old-token-pat")
    assert pat is not None and pat.name == "Pat Early" and pat.created_at == WHEN
    assert store.latest_answer(pat, "s01-about-you").value == answer
    group = store.group_of(pat)
    assert group is not None and group.name == "Team Blue"
    sheet = store.latest_worksheet("a2", SheetOwner("group", group.id))
    assert sheet is not None and sheet.fields["Goals"] == "serve" and sheet.author_name == "Pat Early"
    # The later tables work, and so do new rows in the old ones.
    store.record_visit(pat, "01-introductions")
    store.set_prompt_open(course.id, "s01-about-you", False)
    store.record_progress(course.id, "01-introductions")
    assert store.save_worksheet("a2", SheetOwner("group", group.id), pat, {"Goals": "serve all"}, 1).status == "saved"
    assert [page for _, page, _ in store.visits(course.id)] == ["01-introductions"]
    newcomer = store.sign_in("OLD123", "New Person", "2002")  # ids go on after the old rows
    assert newcomer.id > pat.id and newcomer.class_id == course.id
    assert trigger_tables(store.engine) == set(schema.APPEND_ONLY_TABLES)
    assert_append_only(store.engine, "responses")
    store.close()


def test_a_version_1_database_with_rows_upgrades_to_head_and_matches_the_models(db_url: str) -> None:
    engine = create_engine(db_url)
    assert migrations.migrate(engine, target=1) == 1
    assert alembic_revision(engine) == "0001"
    assert set(sa.inspect(engine).get_table_names()) == {
        "alembic_version", "class_sessions", "trainees", "responses", "groups", "group_members", "worksheet_revisions",
    }
    fill_version_1(engine)
    engine.dispose()
    assert_upgraded_with_rows(db_url, "from version 1 – café")


def test_a_database_made_by_the_old_runner_is_adopted_and_upgraded(db_url: str) -> None:
    """The old runner's bookkeeping (``schema_migrations``, version 1) is replaced by Alembic's."""
    engine = create_engine(db_url)
    migrations.migrate(engine, target=1)
    fill_version_1(engine)
    with engine.begin() as db:  # what the old runner left: its own version table, no alembic_version
        db.exec_driver_sql("DROP TABLE alembic_version")
        db.exec_driver_sql("CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, "
                           "description VARCHAR(200) NOT NULL, applied_at TIMESTAMP WITH TIME ZONE NOT NULL)"
                           if db.dialect.name == "postgresql" else
                           "CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, "
                           "description VARCHAR(200) NOT NULL, applied_at DATETIME NOT NULL)")
        db.execute(sa.text("INSERT INTO schema_migrations VALUES (1, 'classes, trainees, responses, groups and "
                           "worksheets', :at)"), {"at": WHEN})
    with engine.connect() as db:
        assert migrations.current_version(db) == 1
    engine.dispose()
    assert_upgraded_with_rows(db_url, "from version 1 – café")


def test_the_first_stores_own_version_1_file_upgrades_and_keeps_its_rows(tmp_path: Path) -> None:
    """A real SQLite file written by the first version of the store (its runner and its code)."""
    copy = tmp_path / "responses.sqlite3"
    shutil.copy(LEGACY_V1_FILE, copy)
    url = f"sqlite:///{copy}"
    engine = create_engine(url)
    assert sa.inspect(engine).has_table("schema_migrations") and not sa.inspect(engine).has_table("alembic_version")
    engine.dispose()
    store = ResponseStore(url)
    assert alembic_revision(store.engine) == migrations.head_revision()
    assert differences(store.engine) == []
    ana = store.trainee_by_token("old-token-ana")
    assert ana is not None and ana.name == "Ana Río"
    assert store.latest_answer(ana, "s01-about-you").value == "Café 🚓"
    assert [a.value for _, a in store.iter_answers(1)] == ["from version 1", "Café 🚓"]
    store.close()
    assert_upgraded_with_rows(url, "from version 1")


def test_a_new_database_is_built_by_running_every_migration(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    real_create = sa.Table.create

    def refuse(table: sa.Table | sa.MetaData, *args: object, **kwargs: object) -> None:
        if table is schema.metadata or getattr(table, "metadata", None) is schema.metadata:
            raise AssertionError("a new database must be built by the migrations, not from the table definitions")
        real_create(table, *args, **kwargs)  # type: ignore[arg-type]  # Alembic's own alembic_version table

    monkeypatch.setattr(sa.MetaData, "create_all", refuse)
    monkeypatch.setattr(sa.Table, "create", refuse)
    applied: list[str] = []
    real_upgrade = command.upgrade
    monkeypatch.setattr(command, "upgrade", lambda config, revision, **kw: (applied.append(revision),
                                                                            real_upgrade(config, revision, **kw)))
    store = ResponseStore(db_url)
    assert applied == [migrations.head_revision()]
    assert alembic_revision(store.engine) == migrations.head_revision()
    assert migrations.version_number(migrations.head_revision()) == schema.LATEST_VERSION
    assert differences(store.engine) == []
    assert trigger_tables(store.engine) == set(schema.APPEND_ONLY_TABLES)
    trainee = store.sign_in(store.create_class().code, "Lee Park", "77")
    rubric = store.save_answer(trainee, "p", "x")
    store.confirm_rubric(trainee.class_id, rubric, {"intro": "done"})
    group = store.join_group(trainee, "Table 1")
    store.save_worksheet("a2", SheetOwner("group", group.id), trainee, {"Goals": "x"}, None)
    store.record_visit(trainee, "page")
    store.set_prompt_open(trainee.class_id, "p", True)
    store.record_progress(trainee.class_id, "page")
    store.set_spotlight(trainee.class_id, "p", trainee.id)
    store.decide_request(store.request_approval(trainee, "Lee Park", "10.0.0.9"), True)
    store.record_sign_in_event("signed_in", class_id=trainee.class_id, trainee_id=trainee.id)
    store.set_class_open(trainee.class_id, False)
    store.end_device(trainee.token, "signed_out")
    for table in schema.APPEND_ONLY_TABLES:
        assert_append_only(store.engine, table)
    ResponseStore(db_url).close()  # opening it again runs nothing
    assert applied == [migrations.head_revision()]
    store.close()


def test_every_migration_downgrades_to_empty_and_upgrades_again(db_url: str) -> None:
    engine = create_engine(db_url)
    migrations.migrate(engine)
    with engine.begin() as db:
        command.downgrade(migrations.alembic_config(db), "base")
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    assert trigger_tables(engine) == set()
    assert migrations.migrate(engine) == schema.LATEST_VERSION
    assert differences(engine) == []
    engine.dispose()


def test_processes_opening_a_new_database_at_once_take_turns(db_url: str) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def open_it() -> None:
        try:
            barrier.wait()
            ResponseStore(db_url).close()
        except BaseException as problem:  # surfaced below
            errors.append(problem)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    engine = create_engine(db_url)
    assert alembic_revision(engine) == migrations.head_revision()
    engine.dispose()


def test_the_alembic_config_works_by_url_as_from_a_shell(db_url: str) -> None:
    """``alembic_config(url=...)`` is what ``alembic`` commands need: upgrade, check, current."""
    config = migrations.alembic_config(url=db_url)
    command.upgrade(config, "head")
    command.check(config)  # raises if the migrated database and the models differ
    engine = create_engine(db_url)
    assert alembic_revision(engine) == migrations.head_revision()
    assert trigger_tables(engine) == set(schema.APPEND_ONLY_TABLES)
    engine.dispose()


def test_the_newest_script_by_name_is_alembics_head() -> None:
    assert migrations.newest_numbered_script() == migrations.head_revision()


def test_a_page_that_opens_an_up_to_date_store_does_not_load_alembic(tmp_path: Path) -> None:
    """Every page opens the store; only a database that needs a migration loads Alembic."""
    url = f"sqlite:///{tmp_path / 'responses.sqlite3'}"
    ResponseStore(url).close()  # built by the migrations
    probe = (
        "import sys\n"
        "from adaptive_policing import page_header, prompt, worksheet, case_study, role_play\n"
        "from adaptive_policing.data.store import ResponseStore\n"
        f"ResponseStore({url!r}).close()\n"
        "heavy = ['alembic', 'jsonschema', 'matplotlib', 'nbgrader', 'sqlalchemy.dialects.postgresql', 'nbconvert']\n"
        "print(' '.join(name for name in heavy if name in sys.modules))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []
