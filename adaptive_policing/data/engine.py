"""SQLAlchemy engines for the response store: SQLite files in WAL mode, or any other URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event

from .rows import record, records

R = TypeVar("R")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


READ_ONLY = "adaptive_policing_read_only"  # execution option: a read that never writes


def _sqlite_begin_immediate(connection: sa.Connection) -> None:
    # Take the write lock at BEGIN so a read-then-write never fails half-way;
    # a connection marked READ_ONLY begins a plain (deferred) read transaction
    # instead, so frequent reads do not queue behind writers.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url``; SQLite files get WAL mode and their folder is created."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


class StorePart:
    """What every part of the store shares: the engine of its database, and reading records from it."""

    engine: sa.Engine

    @contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        """A transaction that only reads: on SQLite it takes no write lock, so reads never queue behind writers."""
        with self.engine.connect() as db:
            db = db.execution_options(**{READ_ONLY: True})
            with db.begin():
                yield db

    def _first(self, kind: type[R], query: sa.Select[Any]) -> R | None:
        """The first row of the SELECT ``query`` as a ``kind`` dataclass, or None."""
        with self._reading() as db:
            row = db.execute(query).first()
        return record(kind, row) if row else None

    def _all(self, kind: type[R], query: sa.Select[Any]) -> list[R]:
        """Every row of the SELECT ``query`` as a ``kind`` dataclass."""
        with self._reading() as db:
            return records(kind, db.execute(query))
