"""The app-state tables (comments, météo, decisions, snapshots, audit trail) as SQLAlchemy 2 models.

Portable on SQLite and PostgreSQL: plain String/Text/Integer/Date types, named constraints, and every
timestamp stored in UTC and handed back timezone-aware. The schema itself is created by the Alembic
migrations in `appstate/migrations`; a test checks that these models and the migrated schema agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

COMMENT_KINDS = ("analyse", "risque", "action", "decision", "information")
METEO_LEVELS = ("securise", "atteignable", "appuis_necessaires", "compromis")
METEO_TARGETS = ("objective", "indicator")
DECISION_STATUSES = ("a_faire", "en_cours", "fait", "abandonne")
TERRITORY_LEVELS = ("region", "departement")

AUTHOR_LEN = 100
INDICATOR_ID_LEN = 16  # "USE-01", "OBJ-BUDGET"
CODE_LEN = 3  # région "84", département "2A" or "971"
COULOIR_LEN = 32  # "medecin_ville", "medico_social" (reference/couloirs.csv)
SNAPSHOT_ID_LEN = 32  # "s-20261128-abc123"

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC; naive input is refused, output is always timezone-aware (UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"timestamp without a time zone: {value.isoformat()} (use datetime.now(UTC))")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Snapshot(Base):
    """A frozen copy of the published warehouse, the catalogue and the app state, for a committee."""

    __tablename__ = "snapshots"

    id: Mapped[str] = mapped_column(String(SNAPSHOT_ID_LEN), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_by: Mapped[str] = mapped_column(String(AUTHOR_LEN))
    as_of: Mapped[date] = mapped_column(Date)  # first day of the month the figures are computed at
    warehouse_file: Mapped[str] = mapped_column(String(500))  # relative to the snapshots directory
    warehouse_sha256: Mapped[str] = mapped_column(String(64))
    catalogue_sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by: Mapped[str | None] = mapped_column(String(AUTHOR_LEN))


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint(_one_of("kind", COMMENT_KINDS), name="kind"),
        Index(None, "indicator_id", "region_code", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[str] = mapped_column(String(INDICATOR_ID_LEN))
    region_code: Mapped[str | None] = mapped_column(String(CODE_LEN))
    departement_code: Mapped[str | None] = mapped_column(String(CODE_LEN))
    snapshot_id: Mapped[str | None] = mapped_column(ForeignKey("snapshots.id"), index=True)
    couloir_code: Mapped[str | None] = mapped_column(String(COULOIR_LEN), index=True)  # migration 0002
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(AUTHOR_LEN))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # to list comments as of a past moment
    deleted_by: Mapped[str | None] = mapped_column(String(AUTHOR_LEN))

    revisions: Mapped[list[CommentRevision]] = relationship(
        back_populates="comment", order_by="CommentRevision.changed_at", cascade="all, delete-orphan")


class CommentRevision(Base):
    """One edit of a comment: the values before and after, who and when."""

    __tablename__ = "comment_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    old_body: Mapped[str] = mapped_column(Text)
    new_body: Mapped[str] = mapped_column(Text)
    old_kind: Mapped[str] = mapped_column(String(20))
    new_kind: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(AUTHOR_LEN))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    comment: Mapped[Comment] = relationship(back_populates="revisions")


class Meteo(Base):
    """A manual status (« météo ») of an objective or an indicator; the latest per target is current."""

    __tablename__ = "meteo"
    __table_args__ = (
        CheckConstraint(_one_of("target_type", METEO_TARGETS), name="target_type"),
        CheckConstraint(_one_of("level", METEO_LEVELS), name="level"),
        CheckConstraint("length(trim(justification)) > 0", name="justification"),
        Index(None, "target_type", "target_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_type: Mapped[str] = mapped_column(String(12))
    target_id: Mapped[str] = mapped_column(String(INDICATOR_ID_LEN))
    level: Mapped[str] = mapped_column(String(20))
    justification: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(AUTHOR_LEN))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(_one_of("status", DECISION_STATUSES), name="status"),
        Index(None, "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(AUTHOR_LEN))
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))
    committee_label: Mapped[str | None] = mapped_column(String(200))
    snapshot_id: Mapped[str | None] = mapped_column(ForeignKey("snapshots.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(AUTHOR_LEN))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    indicators: Mapped[list[DecisionIndicator]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="DecisionIndicator.indicator_id")
    territories: Mapped[list[DecisionTerritory]] = relationship(
        back_populates="decision", cascade="all, delete-orphan",
        order_by="(DecisionTerritory.level, DecisionTerritory.code)")
    revisions: Mapped[list[DecisionRevision]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="DecisionRevision.id")


class DecisionIndicator(Base):
    __tablename__ = "decision_indicators"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True)
    indicator_id: Mapped[str] = mapped_column(String(INDICATOR_ID_LEN), primary_key=True, index=True)

    decision: Mapped[Decision] = relationship(back_populates="indicators")


class DecisionTerritory(Base):
    __tablename__ = "decision_territories"
    __table_args__ = (
        CheckConstraint(_one_of("level", TERRITORY_LEVELS), name="level"),
        Index(None, "level", "code"),
    )

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[str] = mapped_column(String(12), primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_LEN), primary_key=True)

    decision: Mapped[Decision] = relationship(back_populates="territories")


class DecisionRevision(Base):
    """One changed field of a decision: old and new value as text (JSON for the lists of links)."""

    __tablename__ = "decision_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(30))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(AUTHOR_LEN))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    decision: Mapped[Decision] = relationship(back_populates="revisions")


class AuditEvent(Base):
    """Who did what, when: snapshots, comments, sign-ins and failed sign-ins, rights granted and revoked…

    `user_id` (migration 0003) is the signed-in person's id when there is one (no foreign key: the journal
    outlives accounts); `remote_addr` the client address of a web request."""

    __tablename__ = "audit_events"
    __table_args__ = (Index(None, "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author: Mapped[str] = mapped_column(String(AUTHOR_LEN))
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    remote_addr: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON


class AppStateVersion(Base):
    """One row (id 1): a counter every committed write bumps (appstate/version.py); caches are keyed by it."""

    __tablename__ = "app_state_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


from appstate.access_models import LoginThrottle, User, UserRegion, UserRole  # noqa: E402,F401 - same metadata
from appstate.rate_models import RateCounter  # noqa: E402,F401 - same metadata
from appstate.token_models import ApiToken  # noqa: E402,F401 - same metadata
