"""The app-state version: one counter that every write to the app-state database bumps, in the same transaction.

Caches of what the app state shows (rendered callback answers, a session's Scope: dashboard/response_cache.py,
dashboard/auth/gate.py) are keyed by this number, read once per request (`read`). Two app instances on one
PostgreSQL database therefore see each other's writes on their next request, not after a cache lifetime.

The bump is automatic: `watch(sessionmaker)` (done by `appstate.db.session_factory`) makes every session
that flushed an insert, an update or a delete, or ran a DML statement, increment the counter right before
it commits (the last statement of the transaction: the row lock is held for the commit only). Reading the
version *before* rendering keeps a cache entry at least as new as its version: a write committed meanwhile
carries a higher number, so nobody is served the older answer once it is visible.

`quiet(session)` exempts a session's *updates* (never its inserts or deletes) from the bump: for
book-keeping no cached answer shows at once (a token's last use, shown on « Mon compte » with up to the
response cache's lifetime of lag).

`bookkeeping(session)` exempts everything the session writes, inserts included: for the sign-in journal rows,
last sign-in times and failure throttles that a committee morning writes by the hundred. Cached answers never
show them: the pages that do (journal, administration, « Mon compte ») are never cached
(`dashboard.response_cache.LIVE_PATHS`). `loud(session)` undoes it for a sign-in that changes rights (an OIDC
identity claiming its pre-granted account).
"""

from __future__ import annotations

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, sessionmaker

from appstate.models import AppStateVersion

ROW_ID = 1
_WROTE, _QUIET, _INSERTED = "appstate.version.wrote", "appstate.version.quiet", "appstate.version.inserted"
_BOOKKEEPING = "appstate.version.bookkeeping"


def read(session: Session) -> int:
    """The current app-state version (0 when the row is missing: a database migrated by hand)."""
    return session.scalar(select(AppStateVersion.version).where(AppStateVersion.id == ROW_ID)) or 0


def bump(session: Session) -> None:
    """Increment the version inside the session's transaction (done for you at commit by `watch`)."""
    session.execute(update(AppStateVersion).where(AppStateVersion.id == ROW_ID)
                    .values(version=AppStateVersion.version + 1))


def quiet(session: Session) -> None:
    """This session's updates do not bump the version (its inserts and deletes still do)."""
    session.info[_QUIET] = True


def bookkeeping(session: Session) -> None:
    """Nothing this session commits bumps the version (sign-in journal rows, throttles, last sign-in times)."""
    session.info[_BOOKKEEPING] = True


def loud(session: Session) -> None:
    """This session's writes bump the version again, whatever `quiet` or `bookkeeping` said."""
    session.info.pop(_BOOKKEEPING, None)
    session.info.pop(_QUIET, None)


def _after_flush(session: Session, flush_context) -> None:
    if session.new or session.deleted:
        session.info[_INSERTED] = True
    if session.new or session.deleted or session.dirty:
        session.info[_WROTE] = True


def _do_orm_execute(state) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and state.statement.table is not \
            AppStateVersion.__table__:
        state.session.info[_WROTE] = True
        state.session.info[_INSERTED] = True  # a DML statement is never taken as quiet book-keeping


def _before_commit(session: Session) -> None:
    session.flush()  # commit flushes after this hook: flush now so that its writes are counted
    info = session.info
    wrote, loud = info.pop(_WROTE, False), info.pop(_INSERTED, False) or not info.get(_QUIET)
    if wrote and loud and not info.get(_BOOKKEEPING):
        bump(session)


def _after_end(session: Session, *_args) -> None:
    session.info.pop(_WROTE, None)
    session.info.pop(_INSERTED, None)


def watch(factory: sessionmaker) -> None:
    """Make every session of `factory` bump the version when it commits a write."""
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _do_orm_execute)
    event.listen(factory, "before_commit", _before_commit)
    event.listen(factory, "after_rollback", _after_end)
