"""The access tables (people, their roles and régions, sign-in throttling) as SQLAlchemy 2 models.

Rights live here, not at the identity provider: an OIDC provider says who someone is (`sub`, email), an
administrator grants what they may do. A person with no région row has the national scope.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from appstate.models import AUTHOR_LEN, CODE_LEN, Base, UTCDateTime, _one_of
from indicators.scope import ROLES

LOGIN_LEN = 100
EMAIL_LEN = 254
SUB_LEN = 255
THROTTLE_KEY_LEN = 160  # "login:<login>" or "ip:<address>"


class User(Base):
    """One person: a local account (password hash), an OIDC identity (`sub`), or an email pre-granted rights."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(LOGIN_LEN), unique=True)  # stored lower-case
    email: Mapped[str | None] = mapped_column(String(EMAIL_LEN), unique=True)  # lower-case
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(Text)  # argon2id; None: no local password
    oidc_sub: Mapped[str | None] = mapped_column(String(SUB_LEN), unique=True)
    disabled: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    must_change_password: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(AUTHOR_LEN))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list[UserRole]] = relationship(back_populates="user", cascade="all, delete-orphan",
                                                 order_by="UserRole.role", lazy="selectin")
    regions: Mapped[list[UserRegion]] = relationship(back_populates="user", cascade="all, delete-orphan",
                                                     order_by="UserRegion.region_code", lazy="selectin")


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint(_one_of("role", ROLES), name="role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    granted_by: Mapped[str] = mapped_column(String(AUTHOR_LEN))

    user: Mapped[User] = relationship(back_populates="roles")


class UserRegion(Base):
    """A région the person may see; no row at all means the national scope."""

    __tablename__ = "user_regions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(CODE_LEN), primary_key=True, index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    granted_by: Mapped[str] = mapped_column(String(AUTHOR_LEN))

    user: Mapped[User] = relationship(back_populates="regions")


class LoginThrottle(Base):
    """Failed sign-ins counted per login and per client address, in a sliding window, with a lock-out."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(THROTTLE_KEY_LEN), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
