"""Bring any response database to the current schema with Alembic's own API.

Every database is built by the migrations in ``data/migrations/versions``,
run by :func:`alembic.command.upgrade` with a :class:`alembic.config.Config`
made here in code (no ``alembic.ini`` is needed; the same ``Config`` works
from a shell through :func:`alembic_config`). A new, empty database runs every
migration from the first: its tables never come from the current table
definitions in :mod:`.schema`.

Revisions are numbered ``0001``, ``0002``, … (a later one may carry its topic,
``0005_rubric``), so a schema version is still a plain number, the revision's
first four digits (:func:`current_version`, :data:`LATEST_VERSION`).

The whole upgrade runs in one transaction on the caller's connection: on
PostgreSQL under an advisory lock, on SQLite under the write lock that the
store's ``BEGIN IMMEDIATE`` takes, so two processes opening a new database at
once take turns and the second finds it already up to date. A SQLite file is
also guarded by an operating-system lock on ``<file>.migrate-lock`` while it is
checked and upgraded: a connection's first ``PRAGMA journal_mode=WAL`` on a new
file can fail with "database is locked" without waiting, so the processes take
turns before they connect. DDL is
transactional on both, so an upgrade happens completely or not at all.

Databases made by the store's earlier, hand-made runner
-------------------------------------------------------
Before Alembic, the store recorded its schema version in its own table,
``schema_migrations`` (one row per applied step, versions 1 to 4). Those
steps created exactly the tables, indexes and triggers that Alembic revisions
``0001`` to ``0004`` create, so such a database is *adopted*: when it has a
``schema_migrations`` table and no ``alembic_version`` table, it is stamped
with the revision of its highest recorded version, ``schema_migrations`` is
dropped (``alembic_version`` replaces it, and a fresh database never has it),
and the upgrade then runs the revisions it has not had. All of that happens in
the same transaction as the upgrade. A ``schema_migrations`` table with no
rows means the old runner never finished its first step, so nothing else
exists and the database is built from empty.
"""

from __future__ import annotations

import contextlib
import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import sqlalchemy as sa

from .engine import READ_ONLY

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
LEGACY_VERSION_TABLE = "schema_migrations"
_PG_LOCK_KEY = 2320  # the advisory lock that makes concurrent upgrades take turns


def alembic_config(connection: sa.Connection | None = None, url: str | None = None) -> Config:
    """An Alembic ``Config`` for the store's migrations, on ``connection`` or ``url``.

    With neither, ``env.py`` uses the configured store URL.
    """
    from alembic.config import Config  # Alembic loads only when a migration runs (not on every page)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def head_revision() -> str:
    """The newest revision in ``versions/``."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


_NUMBERED_SCRIPT = re.compile(r"^(\d{4})_\w+\.py$")
_REVISION_LINE = re.compile(r"^revision\s*=\s*[\"']([\w-]+)[\"']", re.MULTILINE)


def version_number(revision: str) -> int:
    """The schema version of a revision id: its first four digits (``"0005_rubric"`` is 5)."""
    return int(revision[:4])


@functools.cache
def newest_numbered_script() -> str:
    """The revision id of the newest script by name (``0004_class_progress.py`` holds ``"0004"``).

    Read from the script's ``revision = "..."`` line, so this equals
    :func:`head_revision` (a test checks it) without loading Alembic: opening a
    store that is up to date, as every page does, stays cheap.
    """
    newest = max(path for path in (MIGRATIONS_DIR / "versions").iterdir() if _NUMBERED_SCRIPT.match(path.name))
    found = _REVISION_LINE.search(newest.read_text(encoding="utf-8"))
    assert found is not None, f"{newest.name} has no revision line"
    return found.group(1)


def _recorded_revision(connection: sa.Connection) -> str | None:
    """The revision in ``alembic_version``, read with SQLAlchemy alone (None when there is none)."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def revision_for(version: int | str) -> str:
    """The Alembic revision of a schema version: ``3`` is ``"0003"``; ``"head"`` stays itself."""
    return f"{version:04d}" if isinstance(version, int) else version


def current_revision(connection: sa.Connection) -> str | None:
    """The Alembic revision the database is at (None when Alembic has not run on it)."""
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def current_version(connection: sa.Connection) -> int:
    """The schema version of the database behind ``connection`` (0 when empty)."""
    revision = current_revision(connection)
    if revision is None:
        return _legacy_version(connection) or 0
    return version_number(revision)


def _legacy_version(connection: sa.Connection) -> int | None:
    """The version the old runner recorded, or None when it never ran here."""
    if not sa.inspect(connection).has_table(LEGACY_VERSION_TABLE):
        return None
    found = connection.execute(sa.text(f"SELECT MAX(version) FROM {LEGACY_VERSION_TABLE}")).scalar()
    return int(found or 0)


def _adopt_legacy(connection: sa.Connection) -> None:
    """Stamp a database made by the old runner with its Alembic revision (see the module docstring)."""
    inspector = sa.inspect(connection)
    if inspector.has_table("alembic_version"):
        return
    version = _legacy_version(connection)
    if version is None:
        return
    connection.execute(sa.text(f"DROP TABLE {LEGACY_VERSION_TABLE}"))
    if version > 0:
        from alembic import command

        command.stamp(alembic_config(connection), revision_for(version))


@contextlib.contextmanager
def _sqlite_file_turn(engine: sa.Engine) -> Iterator[None]:
    """Hold an exclusive OS lock beside a SQLite database file (nothing for other databases)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        yield
        return
    try:
        import fcntl
    except ImportError:  # Windows: SQLite's own locks only
        yield
        return
    lock_path = Path(url.database).with_name(Path(url.database).name + ".migrate-lock")
    with open(lock_path, "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def migrate(engine: sa.Engine, target: int | str = "head") -> int:
    """Upgrade the database behind ``engine`` to ``target`` (default: the newest revision).

    ``target`` is a schema version number or an Alembic revision. Returns the
    schema version the database is at afterwards.
    """
    wanted = revision_for(target)
    if wanted == "head":
        wanted = newest_numbered_script()
    with _sqlite_file_turn(engine):
        return _upgrade(engine, wanted)


def _upgrade(engine: sa.Engine, wanted: str) -> int:
    with engine.connect() as connection:
        with connection.execution_options(**{READ_ONLY: True}).begin():
            if _recorded_revision(connection) == wanted:  # the usual case: nothing to do, no write lock
                return version_number(wanted)
    from alembic import command

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})"))
        _adopt_legacy(connection)
        command.upgrade(alembic_config(connection), wanted)
        return current_version(connection)


def __getattr__(name: str) -> int:
    # LATEST_VERSION is read from versions/ on first use, not at import.
    if name == "LATEST_VERSION":
        return version_number(head_revision())
    raise AttributeError(name)
