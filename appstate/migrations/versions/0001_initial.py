"""Initial app-state schema: snapshots, comments (+ revisions), météo, decisions (+ links, revisions), audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)  # stored in UTC (appstate.models.UTCDateTime)


def _author(name: str = "author", nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(100), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _author("created_by"),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("warehouse_file", sa.String(500), nullable=False),
        sa.Column("warehouse_sha256", sa.String(64), nullable=False),
        sa.Column("catalogue_sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("deleted_at", TS, nullable=True),
        _author("deleted_by", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshots")),
    )
    op.create_index(op.f("ix_snapshots_created_at"), "snapshots", ["created_at"])

    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.String(16), nullable=False),
        sa.Column("region_code", sa.String(3), nullable=True),
        sa.Column("departement_code", sa.String(3), nullable=True),
        sa.Column("snapshot_id", sa.String(32), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _author(),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("deleted_at", TS, nullable=True),
        _author("deleted_by", nullable=True),
        sa.CheckConstraint("kind IN ('analyse', 'risque', 'action', 'decision', 'information')",
                           name=op.f("ck_comments_kind")),
        sa.ForeignKeyConstraint(["snapshot_id"], ["snapshots.id"], name=op.f("fk_comments_snapshot_id_snapshots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    op.create_index(op.f("ix_comments_created_at"), "comments", ["created_at"])
    op.create_index(op.f("ix_comments_indicator_id_region_code_created_at"), "comments",
                    ["indicator_id", "region_code", "created_at"])
    op.create_index(op.f("ix_comments_snapshot_id"), "comments", ["snapshot_id"])

    op.create_table(
        "comment_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("old_body", sa.Text(), nullable=False),
        sa.Column("new_body", sa.Text(), nullable=False),
        sa.Column("old_kind", sa.String(20), nullable=False),
        sa.Column("new_kind", sa.String(20), nullable=False),
        _author(),
        sa.Column("changed_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], ondelete="CASCADE",
                                name=op.f("fk_comment_revisions_comment_id_comments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_revisions")),
    )
    op.create_index(op.f("ix_comment_revisions_comment_id"), "comment_revisions", ["comment_id"])

    op.create_table(
        "meteo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(12), nullable=False),
        sa.Column("target_id", sa.String(16), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        _author(),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint("target_type IN ('objective', 'indicator')", name=op.f("ck_meteo_target_type")),
        sa.CheckConstraint("level IN ('securise', 'atteignable', 'appuis_necessaires', 'compromis')",
                           name=op.f("ck_meteo_level")),
        sa.CheckConstraint("length(trim(justification)) > 0", name=op.f("ck_meteo_justification")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meteo")),
    )
    op.create_index(op.f("ix_meteo_target_type_target_id_created_at"), "meteo",
                    ["target_type", "target_id", "created_at"])

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("committee_label", sa.String(200), nullable=True),
        sa.Column("snapshot_id", sa.String(32), nullable=True),
        _author("created_by"),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint("status IN ('a_faire', 'en_cours', 'fait', 'abandonne')",
                           name=op.f("ck_decisions_status")),
        sa.ForeignKeyConstraint(["snapshot_id"], ["snapshots.id"], name=op.f("fk_decisions_snapshot_id_snapshots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    op.create_index(op.f("ix_decisions_created_at"), "decisions", ["created_at"])
    op.create_index(op.f("ix_decisions_snapshot_id"), "decisions", ["snapshot_id"])
    op.create_index(op.f("ix_decisions_status_due_date"), "decisions", ["status", "due_date"])

    op.create_table(
        "decision_indicators",
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"], ondelete="CASCADE",
                                name=op.f("fk_decision_indicators_decision_id_decisions")),
        sa.PrimaryKeyConstraint("decision_id", "indicator_id", name=op.f("pk_decision_indicators")),
    )
    op.create_index(op.f("ix_decision_indicators_indicator_id"), "decision_indicators", ["indicator_id"])

    op.create_table(
        "decision_territories",
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(12), nullable=False),
        sa.Column("code", sa.String(3), nullable=False),
        sa.CheckConstraint("level IN ('region', 'departement')", name=op.f("ck_decision_territories_level")),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"], ondelete="CASCADE",
                                name=op.f("fk_decision_territories_decision_id_decisions")),
        sa.PrimaryKeyConstraint("decision_id", "level", "code", name=op.f("pk_decision_territories")),
    )
    op.create_index(op.f("ix_decision_territories_level_code"), "decision_territories", ["level", "code"])

    op.create_table(
        "decision_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(30), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        _author(),
        sa.Column("changed_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"], ondelete="CASCADE",
                                name=op.f("fk_decision_revisions_decision_id_decisions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_revisions")),
    )
    op.create_index(op.f("ix_decision_revisions_decision_id"), "decision_revisions", ["decision_id"])

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        _author(),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("object_type", sa.String(30), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_created_at"), "audit_events", ["created_at"])
    op.create_index(op.f("ix_audit_events_object_type_object_id"), "audit_events", ["object_type", "object_id"])


def downgrade() -> None:
    for table in ("audit_events", "decision_revisions", "decision_territories", "decision_indicators",
                  "decisions", "meteo", "comment_revisions", "comments", "snapshots"):
        op.drop_table(table)  # drops the table's indexes with it
