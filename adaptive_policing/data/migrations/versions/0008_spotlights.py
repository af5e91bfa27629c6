"""Spotlights: the answer the instructor puts in the spotlight, shown on the console and the projector slides.

Revision ID: 0008_spotlights
Revises: 0007_drafts
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adaptive_policing.data.migrations.append_only import forbid_changes

revision = "0008_spotlights"
down_revision = "0007_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "spotlights",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
        sa.Column("prompt_id", sa.String(120), nullable=True),
        sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_spotlights_class", "spotlights", ["class_id"])
    forbid_changes("spotlights")


def downgrade() -> None:
    op.drop_table("spotlights")
