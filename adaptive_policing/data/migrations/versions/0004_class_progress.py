"""Class progress: the instructor moves the class through the agenda.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adaptive_policing.data.migrations.append_only import forbid_changes

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "class_progress",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
        sa.Column("page_id", sa.String(120), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_class_progress_class", "class_progress", ["class_id"])
    forbid_changes("class_progress")


def downgrade() -> None:
    op.drop_table("class_progress")
