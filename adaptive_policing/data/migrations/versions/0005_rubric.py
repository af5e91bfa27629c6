"""Rubric confirmations: the instructor confirms (or corrects) an observer's Activity 3 rubric.

Revision ID: 0005_rubric
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adaptive_policing.data.migrations.append_only import forbid_changes

revision = "0005_rubric"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rubric_confirmations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
        sa.Column("response_id", sa.Integer, sa.ForeignKey("responses.id"), nullable=False),
        sa.Column("ratings", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_rubric_confirmations_class", "rubric_confirmations", ["class_id"])
    forbid_changes("rubric_confirmations")


def downgrade() -> None:
    op.drop_table("rubric_confirmations")
