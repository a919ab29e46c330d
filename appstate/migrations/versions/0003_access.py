"""Access: people (local accounts, OIDC identities, emails pre-granted rights), their roles and régions,
sign-in throttling; the audit journal records who (user id) from where (client address).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07

The roles are written out here rather than imported: a migration describes the schema as it was.
Audit columns are added in place (`recreate="never"`), as in 0002.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ROLES = "role IN ('lecteur', 'contributeur', 'secretariat', 'admin_donnees', 'admin')"


def _by(name: str) -> sa.Column:
    return sa.Column(name, sa.String(100), nullable=False)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(100), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("oidc_sub", sa.String(255), nullable=True),
        sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _by("created_by"),
        sa.Column("last_login_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("login", name=op.f("uq_users_login")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.UniqueConstraint("oidc_sub", name=op.f("uq_users_oidc_sub")),
    )
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("granted_at", TS, nullable=False),
        _by("granted_by"),
        sa.CheckConstraint(ROLES, name=op.f("ck_user_roles_role")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_roles_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_roles")),
    )
    op.create_table(
        "user_regions",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(3), nullable=False),
        sa.Column("granted_at", TS, nullable=False),
        _by("granted_by"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_regions_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "region_code", name=op.f("pk_user_regions")),
    )
    op.create_index(op.f("ix_user_regions_region_code"), "user_regions", ["region_code"])
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(160), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", TS, nullable=False),
        sa.Column("locked_until", TS, nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    with op.batch_alter_table("audit_events", recreate="never") as batch:
        batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("remote_addr", sa.String(45), nullable=True))
        batch.create_index("ix_audit_events_user_id", ["user_id"])
        batch.create_index("ix_audit_events_action", ["action"])


def downgrade() -> None:
    with op.batch_alter_table("audit_events", recreate="never") as batch:
        batch.drop_index("ix_audit_events_action")
        batch.drop_index("ix_audit_events_user_id")
        batch.drop_column("remote_addr")
        batch.drop_column("user_id")
    for table in ("login_throttle", "user_regions", "user_roles", "users"):
        op.drop_table(table)
