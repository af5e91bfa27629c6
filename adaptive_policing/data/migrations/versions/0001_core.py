"""Classes, trainees, responses, groups and worksheets: the store's first schema.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

The tables as the first version of the store created them (its ``schema.py``
version 1); later revisions build on them and never change this file.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adaptive_policing.data.migrations.append_only import drop_function, forbid_changes

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = ("responses", "group_members", "worksheet_revisions")


def upgrade() -> None:
    op.create_table(
        "class_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(12), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("course_plan", sa.String(64), nullable=False),
        sa.Column("class_date", sa.Date, nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("instructor", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "trainees",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("badge", sa.String(32), nullable=False),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("class_id", "badge", name="uq_trainees_class_badge"),
    )
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=False),
        sa.Column("prompt_id", sa.String(120), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_responses_trainee_prompt", "responses", ["trainee_id", "prompt_id"])
    op.create_index("ix_responses_prompt", "responses", ["prompt_id"])
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("name_key", sa.String(60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("class_id", "name_key", name="uq_groups_class_name"),
    )
    op.create_table(
        "group_members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id"), nullable=False),
        sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_group_members_trainee", "group_members", ["trainee_id"])
    op.create_table(
        "worksheet_revisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sheet_id", sa.String(120), nullable=False),
        sa.Column("owner_kind", sa.String(10), nullable=False),
        sa.Column("owner_id", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=True),
        sa.Column("parent_id", sa.Integer, nullable=True),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=False),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("sheet_id", "owner_kind", "owner_id", "seq", name="uq_worksheet_seq"),
    )
    for table in APPEND_ONLY:
        forbid_changes(table)


def downgrade() -> None:
    for table in ("worksheet_revisions", "group_members", "groups", "responses", "trainees", "class_sessions"):
        op.drop_table(table)  # its indexes and triggers go with it
    drop_function()
