"""The response store's tables as they are today: the models queries are written against.

These ``Table`` objects are *not* how a database gets its tables: every
database, new or old, is built by running the Alembic migrations in
``data/migrations/versions`` (see :mod:`adaptive_policing.data.migrate`), and
``tests/test_migrations.py`` checks with Alembic's ``compare_metadata`` that a
migrated database and these definitions agree. A change to a table here is
therefore always a new migration too.

Tables that hold what trainees did are append-only: the store only inserts
into them, and a database trigger (installed by the migrations) refuses any
UPDATE or DELETE.

Two column types convert values on the way in and out, so that rows map
straight onto the store's dataclasses: :class:`UTCDateTime` hands back aware
UTC datetimes on every database (SQLite forgets the zone), and
:class:`JSONText` keeps any value as ASCII-only JSON text, so any Unicode
(emoji, right-to-left scripts, even NUL) comes back exactly as it went in.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is taken to be UTC already."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored and handed back in UTC, always with its zone (a naive one is taken as UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


class JSONText(TypeDecorator[Any]):
    """Any JSON value, stored as ASCII-only JSON text (so every byte survives every driver)."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str:
        return json.dumps(value, ensure_ascii=True)

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> Any:
        return None if value is None else json.loads(value)


metadata = sa.MetaData()

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
    sa.Column("created_at", UTCDateTime, nullable=False),
)

trainees = sa.Table(
    "trainees",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("badge", sa.String(32), nullable=False),
    # The token of the trainee's first device (see ``devices``); kept for links made before devices.
    sa.Column("token", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # The trainee's personal 4-digit PIN, salted and hashed; NULL when they chose none.
    sa.Column("pin_hash", sa.String(200), nullable=True),
    sa.UniqueConstraint("class_id", "badge", name="uq_trainees_class_badge"),
)

responses = sa.Table(
    "responses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=False),
    sa.Column("prompt_id", sa.String(120), nullable=False),
    sa.Column("value", JSONText, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # A draft is text kept while the trainee types (not saved with the Save button):
    # it never counts as the answer, and a later save or draft is a new row as usual.
    sa.Column("draft", sa.Boolean, nullable=False, server_default=sa.false()),
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
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("class_id", "name_key", name="uq_groups_class_name"),
)

group_members = sa.Table(
    "group_members",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id"), nullable=False),
    sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=False),
    sa.Column("joined_at", UTCDateTime, nullable=False),
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
    sa.Column("fields", JSONText, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("sheet_id", "owner_kind", "owner_id", "seq", name="uq_worksheet_seq"),
)

page_visits = sa.Table(
    "page_visits",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=False),
    sa.Column("page", sa.String(200), nullable=False),
    sa.Column("visited_at", UTCDateTime, nullable=False),
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
    sa.Column("changed_at", UTCDateTime, nullable=False),
    sa.Index("ix_prompt_states_class_prompt", "class_id", "prompt_id"),
)

class_progress = sa.Table(
    "class_progress",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
    # The instructor moved the class to this course page (a plan section's page id);
    # the latest row is the current section, the first row is when the class started.
    sa.Column("page_id", sa.String(120), nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Index("ix_class_progress_class", "class_id"),
)

rubric_confirmations = sa.Table(
    "rubric_confirmations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
    # The observer's rubric (one revision of a ``rubric:<scenario>`` answer) the instructor confirmed;
    # ``ratings`` is the confirmed rating per step (the observer's, or the instructor's correction).
    # The latest row per rubric wins.
    sa.Column("response_id", sa.Integer, sa.ForeignKey("responses.id"), nullable=False),
    sa.Column("ratings", JSONText, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("confirmed_at", UTCDateTime, nullable=False),
    sa.Index("ix_rubric_confirmations_class", "class_id"),
)

# --- identity: which browsers a trainee is signed in on, and every sign-in event -------------

devices = sa.Table(
    "devices",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=False),
    # The opaque token this browser keeps (``?t=`` and a cookie); valid until the device ends.
    sa.Column("token", sa.String(64), nullable=False, unique=True),
    # How the device was let in: first (the first sign-in), pin or approval.
    sa.Column("via", sa.String(20), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_devices_trainee", "trainee_id"),
)

device_ends = sa.Table(
    "device_ends",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("device_id", sa.Integer, sa.ForeignKey("devices.id"), nullable=False),
    # signed_out (from that browser) or revoked (by the instructor)
    sa.Column("reason", sa.String(20), nullable=False),
    sa.Column("ended_at", UTCDateTime, nullable=False),
    sa.Index("ix_device_ends_device", "device_id"),
)

sign_in_requests = sa.Table(
    "sign_in_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
    sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=False),
    sa.Column("name_typed", sa.String(120), nullable=False),
    sa.Column("client", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_sign_in_requests_class", "class_id"),
)

sign_in_decisions = sa.Table(
    "sign_in_decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("request_id", sa.Integer, sa.ForeignKey("sign_in_requests.id"), nullable=False, unique=True),
    sa.Column("approved", sa.Boolean, nullable=False),
    sa.Column("decided_at", UTCDateTime, nullable=False),
)

sign_in_events = sa.Table(
    "sign_in_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=True),
    sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=True),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("badge", sa.String(32), nullable=False),
    sa.Column("name_typed", sa.String(120), nullable=False),
    sa.Column("client", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_sign_in_events_class", "class_id", "created_at"),
    sa.Index("ix_sign_in_events_client", "client", "created_at"),
)

class_states = sa.Table(
    "class_states",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
    # The instructor closed (false) or reopened (true) the class for sign-ins; the latest row wins.
    sa.Column("open", sa.Boolean, nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
    sa.Index("ix_class_states_class", "class_id"),
)

spotlights = sa.Table(
    "spotlights",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
    # The instructor spotlighted this trainee's answer to this prompt (both empty: no spotlight);
    # the latest row of a class wins, on the console and on the projector slides.
    sa.Column("prompt_id", sa.String(120), nullable=True),
    sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=True),
    sa.Column("changed_at", UTCDateTime, nullable=False),
    sa.Index("ix_spotlights_class", "class_id"),
)

APPEND_ONLY_TABLES = (
    "responses", "group_members", "worksheet_revisions", "page_visits", "prompt_states", "class_progress",
    "rubric_confirmations",
    "devices", "device_ends", "sign_in_requests", "sign_in_decisions", "sign_in_events", "class_states",
    "spotlights",
)

# Kept importable from here for callers written against the old runner.
from .migrate import current_version, migrate  # noqa: E402


def __getattr__(name: str) -> int:
    # LATEST_VERSION comes from the migrations folder, read on first use.
    if name == "LATEST_VERSION":
        from . import migrate as _migrate

        return _migrate.version_number(_migrate.head_revision())
    raise AttributeError(name)

__all__ = [
    "APPEND_ONLY_TABLES", "JSONText", "UTCDateTime", "as_utc", "class_progress", "class_sessions", "class_states",
    "current_version", "device_ends", "devices", "group_members", "groups", "metadata", "migrate", "page_visits",
    "prompt_states", "responses", "rubric_confirmations", "sign_in_decisions", "sign_in_events", "sign_in_requests",
    "trainees", "utcnow", "worksheet_revisions",
]
