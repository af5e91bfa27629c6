"""Drafts: answer revisions kept while a trainee types, marked so they never count as the answer.

Revision ID: 0007_drafts
Revises: 0006_identity
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_drafts"
down_revision = "0006_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Adding a column rewrites no row, so the append-only triggers stay as they are.
    op.add_column("responses", sa.Column("draft", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("responses", "draft")
