"""Comments can be about a couloir: nullable `comments.couloir_code`, indexed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

Batch operations keep the migration portable: on PostgreSQL they are plain ALTER TABLE statements, and on
SQLite adding a nullable column needs no table copy. Dropping the column is done in place too
(`recreate="never"`, SQLite ≥ 3.35): recreating `comments` would drop the old table, and with foreign keys
on, SQLite would then delete every comment revision in cascade.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEX = "ix_comments_couloir_code"


def upgrade() -> None:
    with op.batch_alter_table("comments", recreate="never") as batch:
        batch.add_column(sa.Column("couloir_code", sa.String(32), nullable=True))
        batch.create_index(INDEX, ["couloir_code"])


def downgrade() -> None:
    with op.batch_alter_table("comments", recreate="never") as batch:
        batch.drop_index(INDEX)
        batch.drop_column("couloir_code")
