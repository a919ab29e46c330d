"""The app-state version: one counter that every write to the app-state database bumps, in the same transaction.

Caches of what the app state shows (rendered callback answers, a session's Scope: dashboard/response_cache.py,
dashboard/auth/gate.py) are keyed by this number, read once per request (`read`). Two app instances on one
PostgreSQL database therefore see each other's writes on their next request, not after a cache lifetime.

The bump is automatic: `watch(sessionmaker)` (done by `appstate.db.session_factory`) makes every session
that flushed an insert, an update or a delete, or ran a DML statement, increment the counter right before
it commits (the last statement of the transaction: the row lock is held for the commit only). Reading the
version *before* rendering keeps a cache entry at least as new as its version: a write committed meanwhile
carries a higher number, so nobody is served the older answer once it is visible.

`bookkeeping(session)` exempts what the session writes in its current transaction: for the sign-in journal rows,
last sign-in times, failure throttles and a token's last use, which a committee morning writes by the hundred.
Cached answers never show them: the pages that do (journal, administration, « Mon compte ») are never cached
(`dashboard.response_cache.LIVE_PATHS`). `loud(session)` undoes it for a sign-in that changes an account (an
OIDC identity claiming its pre-granted account). The exemption ends with the transaction.
"""

from __future__ import annotations

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, sessionmaker

from appstate.models import AppStateVersion

ROW_ID = 1
_WROTE, _BOOKKEEPING = "appstate.version.wrote", "appstate.version.bookkeeping"


def read(session: Session) -> int:
    """The current app-state version (0 when the row is missing: a database migrated by hand)."""
    return session.scalar(select(AppStateVersion.version).where(AppStateVersion.id == ROW_ID)) or 0


def bump(session: Session) -> None:
    """Increment the version inside the session's transaction (done for you at commit by `watch`)."""
    session.execute(update(AppStateVersion).where(AppStateVersion.id == ROW_ID)
                    .values(version=AppStateVersion.version + 1))


def bookkeeping(session: Session) -> None:
    """Nothing this session commits in its current transaction bumps the version."""
    session.info[_BOOKKEEPING] = True


def loud(session: Session) -> None:
    """This transaction's writes bump the version again, whatever `bookkeeping` said."""
    session.info.pop(_BOOKKEEPING, None)


def _after_flush(session: Session, flush_context) -> None:
    if session.new or session.deleted or session.dirty:
        session.info[_WROTE] = True


def _do_orm_execute(state) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and state.statement.table is not \
            AppStateVersion.__table__:
        state.session.info[_WROTE] = True


def _before_commit(session: Session) -> None:
    session.flush()  # commit flushes after this hook: flush now so that its writes are counted
    if session.info.pop(_WROTE, False) and not session.info.get(_BOOKKEEPING):
        bump(session)


def _after_end(session: Session, *_args) -> None:
    """A transaction ended (committed or rolled back): what it noted does not carry over to the next."""
    session.info.pop(_WROTE, None)
    session.info.pop(_BOOKKEEPING, None)


def watch(factory: sessionmaker) -> None:
    """Make every session of `factory` bump the version when it commits a write."""
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _do_orm_execute)
    event.listen(factory, "before_commit", _before_commit)
    event.listen(factory, "after_commit", _after_end)
    event.listen(factory, "after_rollback", _after_end)
