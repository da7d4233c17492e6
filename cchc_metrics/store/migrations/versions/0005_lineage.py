"""Lineage: crosswalks of the 2025 mergers, versioned like scores (a new one supersedes).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The lineage_sets and lineage tables."""
    op.create_table(
        "lineage_sets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("files.sha256"), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("levels", sa.Text, nullable=False),
        sa.Column("n_rows", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "lineage",
        sa.Column("set_id", sa.Integer, sa.ForeignKey("lineage_sets.id"), nullable=False,
                  index=True),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("successor", sa.Text, nullable=False),
        sa.Column("predecessor", sa.Text, nullable=False),
        sa.Column("effective", sa.Date, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
    )


def downgrade() -> None:
    """Drop them (profiles then show no predecessors)."""
    op.drop_table("lineage")
    op.drop_table("lineage_sets")
