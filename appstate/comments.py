"""Typed comments on an indicator (optionally a territory or a snapshot), with the full edit history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from appstate import validate
from appstate.audit import record_event
from appstate.models import COMMENT_KINDS, Comment, CommentRevision, utcnow


@dataclass(frozen=True)
class CommentView:
    """A comment as it read at a given moment (detached from the session: safe to keep and to serialise)."""

    id: int
    indicator_id: str
    region_code: str | None
    departement_code: str | None
    snapshot_id: str | None
    kind: str
    body: str
    author: str
    created_at: datetime
    updated_at: datetime
    edited: bool
    deleted: bool
    couloir_code: str | None = None  # the couloir the comment is about (couloir scorecard of the pack)


@dataclass(frozen=True)
class RevisionView:
    changed_at: datetime
    author: str
    old_kind: str
    new_kind: str
    old_body: str
    new_body: str


def add_comment(session: Session, indicator_id: str, kind: str, body: str, author: str, *,
                region: str | None = None, departement: str | None = None, snapshot_id: str | None = None,
                couloir: str | None = None, catalogue=None, now: datetime | None = None) -> Comment:
    """Write a comment; every input is checked (kind, body, author, indicator, territory, couloir, snapshot)."""
    comment = Comment(
        indicator_id=validate.indicator_id(indicator_id, catalogue),
        kind=validate.choice(kind, COMMENT_KINDS, "type de commentaire"),
        body=validate.text(body, "commentaire"),
        author=validate.author(author),
    )
    comment.region_code, comment.departement_code = validate.territory(region, departement)
    comment.couloir_code = validate.couloir(couloir)
    comment.snapshot_id = validate.snapshot_id(session, snapshot_id)
    comment.created_at = comment.updated_at = validate.moment(now) or utcnow()
    session.add(comment)
    session.flush()
    return comment


def _get(session: Session, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise ValueError(f"commentaire introuvable (n° {comment_id})")
    if comment.deleted:
        raise ValueError(f"le commentaire n° {comment_id} a été supprimé : il ne peut plus être modifié")
    return comment


def get_comment(session: Session, comment_id: int) -> CommentView | None:
    """One comment as it reads now (None when unknown): who wrote it and where, to check a write's rights."""
    comment = session.get(Comment, comment_id)
    return _as_of(comment, None) if comment is not None else None


def edit_comment(session: Session, comment_id: int, author: str, *, body: str | None = None,
                 kind: str | None = None, now: datetime | None = None) -> Comment:
    """Change a comment's text and/or kind; the old and new values are kept as a revision."""
    author = validate.author(author)
    comment = _get(session, comment_id)
    new_body = validate.text(body, "commentaire") if body is not None else comment.body
    new_kind = validate.choice(kind, COMMENT_KINDS, "type de commentaire") if kind is not None else comment.kind
    if new_body == comment.body and new_kind == comment.kind:
        raise ValueError("aucune modification : le texte et le type sont inchangés")
    when = validate.moment(now) or utcnow()
    session.add(CommentRevision(comment_id=comment.id, old_body=comment.body, new_body=new_body,
                                old_kind=comment.kind, new_kind=new_kind, author=author, changed_at=when))
    comment.body, comment.kind, comment.updated_at = new_body, new_kind, when
    session.flush()
    return comment


def delete_comment(session: Session, comment_id: int, author: str, *, now: datetime | None = None) -> Comment:
    """Hide a comment (kept in the database and in the audit trail, still listed as of earlier moments)."""
    author = validate.author(author)
    comment = _get(session, comment_id)
    when = validate.moment(now) or utcnow()
    comment.deleted, comment.deleted_at, comment.deleted_by = True, when, author
    record_event(session, author, "comment.delete", "comment", str(comment.id),
                 {"indicator_id": comment.indicator_id, "kind": comment.kind, "body": comment.body}, now=when)
    session.flush()
    return comment


def _as_of(comment: Comment, as_of: datetime | None) -> CommentView:
    kind, body, updated = comment.kind, comment.body, comment.updated_at
    revisions = list(comment.revisions)
    if as_of is not None:
        later = [r for r in revisions if r.changed_at > as_of]
        if later:
            kind, body = later[0].old_kind, later[0].old_body
        earlier = [r for r in revisions if r.changed_at <= as_of]
        revisions = earlier
        updated = earlier[-1].changed_at if earlier else comment.created_at
    deleted = comment.deleted and (as_of is None or comment.deleted_at <= as_of)
    return CommentView(comment.id, comment.indicator_id, comment.region_code, comment.departement_code,
                       comment.snapshot_id, kind, body, comment.author, comment.created_at, updated,
                       bool(revisions), deleted, comment.couloir_code)


def list_comments(session: Session, indicator_id: str | None = None, region: str | None = None,
                  snapshot_id: str | None = None, as_of: datetime | None = None, *,
                  departement: str | None = None, kinds: tuple[str, ...] | None = None,
                  since: datetime | None = None, include_deleted: bool = False, couloir: str | None = None,
                  indicator_ids: tuple[str, ...] | list[str] | None = None) -> list[CommentView]:
    """Comments, newest first, as they read at `as_of` (default: now).

    `region`/`departement` keep the comments of that territory, `couloir` those about that couloir,
    `indicator_ids` those on any of these indicators; `since` keeps those written after it.
    """
    validate.moment(as_of, "as_of")
    validate.moment(since, "since")
    stmt = select(Comment).options(selectinload(Comment.revisions))
    if indicator_id:
        stmt = stmt.where(Comment.indicator_id == indicator_id)
    if region:
        stmt = stmt.where(Comment.region_code == region)
    if departement:
        stmt = stmt.where(Comment.departement_code == departement)
    if indicator_ids is not None:
        stmt = stmt.where(Comment.indicator_id.in_(list(indicator_ids)))
    if couloir:
        stmt = stmt.where(Comment.couloir_code == couloir)
    if snapshot_id:
        stmt = stmt.where(Comment.snapshot_id == snapshot_id)
    if as_of is not None:
        stmt = stmt.where(Comment.created_at <= as_of)
        if not include_deleted:
            stmt = stmt.where(or_(Comment.deleted_at.is_(None), Comment.deleted_at > as_of))
    elif not include_deleted:
        stmt = stmt.where(Comment.deleted.is_(False))
    if since is not None:
        stmt = stmt.where(Comment.created_at > since)
    stmt = stmt.order_by(Comment.created_at.desc(), Comment.id.desc())
    views = [_as_of(c, as_of) for c in session.scalars(stmt)]
    return [v for v in views if kinds is None or v.kind in kinds]


def comment_history(session: Session, comment_id: int) -> list[RevisionView]:
    """Every edit of a comment, oldest first."""
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise ValueError(f"commentaire introuvable (n° {comment_id})")
    return [RevisionView(r.changed_at, r.author, r.old_kind, r.new_kind, r.old_body, r.new_body)
            for r in comment.revisions]
