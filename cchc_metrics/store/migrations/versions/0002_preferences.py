"""Remembered choices (e.g. how the columns of a known header layout were mapped).

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """A small key → JSON value table; not score data, so it is neither audited nor versioned."""
    op.create_table(
        "preferences",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Forget the remembered choices."""
    op.drop_table("preferences")
