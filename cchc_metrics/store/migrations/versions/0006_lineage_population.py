"""Lineage: the former unit's population, when the crosswalk gives it (weights an area's series).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """A nullable population column: crosswalks stored before keep none."""
    with op.batch_alter_table("lineage") as batch:
        batch.add_column(sa.Column("population", sa.Float, nullable=True))


def downgrade() -> None:
    """Drop it (the area's series is then a mean or pooled)."""
    with op.batch_alter_table("lineage") as batch:
        batch.drop_column("population")
