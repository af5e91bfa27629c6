"""The response store's tables and the numbered migrations that build them.

The ``Table`` objects describe the *current* schema and are what queries use.
Each migration describes one step from the version before it, written with
Alembic's operations so the same step runs on SQLite and PostgreSQL. An
existing database is brought up to date by running the steps it has not had,
in order, each in its own transaction; ``schema_migrations`` records them.

Tables that hold what trainees did are append-only: the store only inserts
into them, and a database trigger refuses any UPDATE or DELETE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

metadata = sa.MetaData()

schema_migrations = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)

class_sessions = sa.Table(
    "class_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(12), nullable=False, unique=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("course_plan", sa.String(64), nullable=False),
    sa.Column("class_date", sa.Date, nullable=False),
    sa.Column("location", sa.String(200), nullable=False),
    sa.Column("instructor", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

trainees = sa.Table(
    "trainees",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("badge", sa.String(32), nullable=False),
    sa.Column("token", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("class_id", "badge", name="uq_trainees_class_badge"),
)

responses = sa.Table(
    "responses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=False),
    sa.Column("prompt_id", sa.String(120), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_responses_trainee_prompt", "trainee_id", "prompt_id"),
    sa.Index("ix_responses_prompt", "prompt_id"),
)

groups = sa.Table(
    "groups",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
    sa.Column("name", sa.String(60), nullable=False),
    sa.Column("name_key", sa.String(60), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("class_id", "name_key", name="uq_groups_class_name"),
)

group_members = sa.Table(
    "group_members",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id"), nullable=False),
    sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=False),
    sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_group_members_trainee", "trainee_id"),
)

worksheet_revisions = sa.Table(
    "worksheet_revisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sheet_id", sa.String(120), nullable=False),
    sa.Column("owner_kind", sa.String(10), nullable=False),
    sa.Column("owner_id", sa.Integer, nullable=False),
    # Position in the sheet's history; NULL for a save that conflicted and was
    # kept aside (never lost) until its author merged it by saving again.
    sa.Column("seq", sa.Integer, nullable=True),
    sa.Column("parent_id", sa.Integer, nullable=True),
    sa.Column("author_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=False),
    sa.Column("fields", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("sheet_id", "owner_kind", "owner_id", "seq", name="uq_worksheet_seq"),
)

page_visits = sa.Table(
    "page_visits",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=False),
    sa.Column("page", sa.String(200), nullable=False),
    sa.Column("visited_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_page_visits_trainee", "trainee_id"),
)

prompt_states = sa.Table(
    "prompt_states",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
    sa.Column("prompt_id", sa.String(120), nullable=False),
    # The instructor opened (true) or closed (false) the prompt; the latest row wins.
    sa.Column("open", sa.Boolean, nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_prompt_states_class_prompt", "class_id", "prompt_id"),
)

class_progress = sa.Table(
    "class_progress",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
    # The instructor moved the class to this course page (a plan session's page id);
    # the latest row is the current section, the first row is when the class started.
    sa.Column("page_id", sa.String(120), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_class_progress_class", "class_id"),
)

APPEND_ONLY_TABLES = (
    "responses", "group_members", "worksheet_revisions", "page_visits", "prompt_states", "class_progress",
)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# --- migrations -------------------------------------------------------------


def _forbid_changes(op: Operations, table: str) -> None:
    """Install a trigger that refuses UPDATE and DELETE on ``table``."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION ap_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ap_append_only()"
        )


def _create(op: Operations, *tables: sa.Table) -> None:
    """Create ``tables`` as they are defined above, with their indexes.

    A migration may create a table from its definition above only while that
    definition is unchanged since the migration was written; a later change to
    a table is a new migration (``op.add_column`` and friends), and
    ``tests/test_store.py`` checks that a migrated database matches the
    definitions.
    """
    for table in tables:
        table.create(op.get_bind())


def _v1_core(op: Operations) -> None:
    _create(op, class_sessions, trainees, responses, groups, group_members, worksheet_revisions)
    for table in ("responses", "group_members", "worksheet_revisions"):
        _forbid_changes(op, table)


def _v2_page_visits(op: Operations) -> None:
    _create(op, page_visits)
    _forbid_changes(op, "page_visits")


def _v3_prompt_states(op: Operations) -> None:
    _create(op, prompt_states)
    _forbid_changes(op, "prompt_states")


def _v4_class_progress(op: Operations) -> None:
    _create(op, class_progress)
    _forbid_changes(op, "class_progress")


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Operations], None]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "classes, trainees, responses, groups and worksheets", _v1_core),
    Migration(2, "page visits, for attendance", _v2_page_visits),
    Migration(3, "prompt states: the instructor opens and closes prompts", _v3_prompt_states),
    Migration(4, "class progress: the instructor moves the class through the agenda", _v4_class_progress),
)
LATEST_VERSION = MIGRATIONS[-1].version


def current_version(connection: sa.Connection) -> int:
    """The schema version of the database behind ``connection`` (0 when empty)."""
    if not sa.inspect(connection).has_table("schema_migrations"):
        return 0
    found = connection.execute(sa.select(sa.func.max(schema_migrations.c.version))).scalar()
    return int(found or 0)


def migrate(engine: sa.Engine, target: int = LATEST_VERSION) -> int:
    """Apply every migration up to ``target`` that the database has not had.

    Each step runs in its own transaction together with its bookkeeping row, so
    a step either happens completely or not at all. Returns the new version.
    """
    with engine.begin() as connection:
        schema_migrations.create(connection, checkfirst=True)
    for step in MIGRATIONS:
        if step.version > target:
            break
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Two processes opening a new database at once take turns.
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(2320)"))
            if current_version(connection) >= step.version:
                continue
            step.apply(Operations(MigrationContext.configure(connection)))
            connection.execute(
                schema_migrations.insert().values(
                    version=step.version, description=step.description, applied_at=utcnow()
                )
            )
    with engine.connect() as connection:
        return current_version(connection)
