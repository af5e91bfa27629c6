"""Prompt states: the instructor opens and closes prompts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adaptive_policing.data.migrations.append_only import forbid_changes

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prompt_states",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("class_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
        sa.Column("prompt_id", sa.String(120), nullable=False),
        sa.Column("open", sa.Boolean, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_prompt_states_class_prompt", "prompt_states", ["class_id", "prompt_id"])
    forbid_changes("prompt_states")


def downgrade() -> None:
    op.drop_table("prompt_states")
