"""Local accounts (argon2id hashes, roles, lock-out) and an audit index for the revision.

Revision ID: 0003
Revises: 0002
Create Date: 2025-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The users table; sign-ins are audited, so the revision now reads only imports/rollbacks."""
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_key", sa.String(100), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(300)),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failed_count", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True)),
        sa.Column("last_login", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_audit_action", "audit", ["action", "id"])


def downgrade() -> None:
    """Drop the accounts (sign-in is then impossible) and the audit index."""
    op.drop_index("ix_audit_action", "audit")
    op.drop_table("users")
