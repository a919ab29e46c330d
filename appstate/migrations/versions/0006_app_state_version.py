"""The app-state version: one counter every write bumps (appstate/version.py), read by the app's caches.

Revision ID: 0006
Revises: 0005_rate_counters
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005_rate_counters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "app_state_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_state_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])


def downgrade() -> None:
    op.drop_table("app_state_version")
