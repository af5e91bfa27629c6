"""Identity: one trainee, one person. Devices, PINs, approvals, sign-in events and class states.

* ``trainees.pin_hash``: the trainee's personal 4-digit PIN, salted and hashed (NULL: none chosen).
* ``devices``: each browser a trainee is signed in on, with its own token; every trainee's
  existing token becomes their first device, so links made before keep working.
* ``device_ends``: a device signed out or revoked by the instructor (its token stops working).
* ``sign_in_requests`` / ``sign_in_decisions``: a sign-in from another device waiting for
  the instructor's approval, and the instructor's answer.
* ``sign_in_events``: every sign-in, wrong code or PIN, approval, refusal, sign-out and
  revocation (the class record and the rate limits read it).
* ``class_states``: the instructor closed or reopened a class for sign-ins.

All new tables are append-only.

Revision ID: 0006_identity
Revises: 0005_rubric
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adaptive_policing.data.migrations.append_only import forbid_changes

revision = "0006_identity"
down_revision = "0005_rubric"
branch_labels = None
depends_on = None

NEW_TABLES = ("devices", "device_ends", "sign_in_requests", "sign_in_decisions", "sign_in_events", "class_states")


def upgrade() -> None:
    op.add_column("trainees", sa.Column("pin_hash", sa.String(200), nullable=True))
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=False),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("via", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_devices_trainee", "devices", ["trainee_id"])
    op.execute(
        "INSERT INTO devices (trainee_id, token, via, created_at) "
        "SELECT id, token, 'first', created_at FROM trainees ORDER BY id"
    )
    op.create_table(
        "device_ends",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("device_id", sa.Integer, sa.ForeignKey("devices.id"), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_device_ends_device", "device_ends", ["device_id"])
    op.create_table(
        "sign_in_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
        sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=False),
        sa.Column("name_typed", sa.String(120), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sign_in_requests_class", "sign_in_requests", ["class_id"])
    op.create_table(
        "sign_in_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_id", sa.Integer, sa.ForeignKey("sign_in_requests.id"), nullable=False, unique=True),
        sa.Column("approved", sa.Boolean, nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "sign_in_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=True),
        sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("badge", sa.String(32), nullable=False),
        sa.Column("name_typed", sa.String(120), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sign_in_events_class", "sign_in_events", ["class_id", "created_at"])
    op.create_index("ix_sign_in_events_client", "sign_in_events", ["client", "created_at"])
    op.create_table(
        "class_states",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
        sa.Column("open", sa.Boolean, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_class_states_class", "class_states", ["class_id"])
    for table in NEW_TABLES:
        forbid_changes(table)


def downgrade() -> None:
    for table in reversed(NEW_TABLES):
        op.drop_table(table)
    with op.batch_alter_table("trainees") as batch:
        batch.drop_column("pin_hash")
