"""Service indicators and targets, versioned like scores (issue 23).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _set_columns(with_file: bool) -> list:
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        *([sa.Column("sha256", sa.String(64), sa.ForeignKey("files.sha256"), nullable=False)]
          if with_file else []),
        sa.Column("note", sa.Text, nullable=False),
        *([sa.Column("slices", sa.Text, nullable=False)] if with_file else []),
        sa.Column("n_rows", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        *([sa.Column("frame", sa.LargeBinary, nullable=True)] if with_file else []),
    ]


def upgrade() -> None:
    """indicator_sets, indicators, target_sets, targets."""
    op.create_table("indicator_sets", *_set_columns(True))
    op.create_table(
        "indicators",
        sa.Column("set_id", sa.Integer, sa.ForeignKey("indicator_sets.id"), nullable=False,
                  index=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("month_from", sa.Integer, nullable=False),
        sa.Column("month_to", sa.Integer, nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("block", sa.Text, nullable=False),
        sa.Column("province", sa.Text, nullable=False),
        sa.Column("parent", sa.Text, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("unit_code", sa.Text, nullable=False),
        sa.Column("measure", sa.String(40), nullable=False),
        sa.Column("value", sa.Double),
        sa.Column("max_value", sa.Double),
        sa.Column("source", sa.Text, nullable=False),
    )
    op.create_table("target_sets", *_set_columns(False))
    op.create_table(
        "targets",
        sa.Column("set_id", sa.Integer, sa.ForeignKey("target_sets.id"), nullable=False,
                  index=True),
        sa.Column("measure", sa.String(40), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("value", sa.Double, nullable=False),
    )


def downgrade() -> None:
    """Drop them."""
    for table in ("targets", "target_sets", "indicators", "indicator_sets"):
        op.drop_table(table)
