"""Criterion scores, versioned per unit and year like the indicators (issue 24).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """criterion_sets and criteria."""
    op.create_table(
        "criterion_sets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("files.sha256"), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("slices", sa.Text, nullable=False),
        sa.Column("n_rows", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("frame", sa.LargeBinary, nullable=True),
    )
    op.create_table(
        "criteria",
        sa.Column("set_id", sa.Integer, sa.ForeignKey("criterion_sets.id"), nullable=False,
                  index=True),
        *[sa.Column(c, sa.Integer if c == "year" else sa.String(20) if c == "level" else
                    sa.String(40) if c == "criterion" else sa.Text, nullable=False)
          for c in ("year", "level", "block", "province", "parent", "unit", "unit_code", "field",
                    "criterion", "criterion_name")],
        sa.Column("max_points", sa.Double),
        sa.Column("self_points", sa.Double),
        sa.Column("points", sa.Double),
        sa.Column("source", sa.Text, nullable=False),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("criteria")
    op.drop_table("criterion_sets")
