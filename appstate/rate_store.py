"""A `limits` storage over the app-state database: rate counters shared by every worker and app instance.

Registered with `limits` under the scheme `appstate://` (a Storage subclass with STORAGE_SCHEME registers
itself); `storage_from_string("appstate://", url=SEGUR_APP_DB)` opens it. It serves the fixed-window and
sliding-window-counter strategies: one row per key and window (`rate_counters`), incremented by one atomic
INSERT … ON CONFLICT DO UPDATE … RETURNING (SQLite ≥ 3.35 and PostgreSQL), so two processes can never both
take the last place. Expired rows are deleted by the process that notices them, at most once a minute.
"""

from __future__ import annotations

import threading
import time

from limits.errors import ConfigurationError
from limits.storage.base import SlidingWindowCounterSupport, Storage, TimestampedSlidingWindow
from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from appstate.models import RateCounter  # models first: it registers every table on one metadata
from appstate.rate_models import KEY_LEN

TABLE = RateCounter.__table__
INSERTS = {"sqlite": sqlite_insert, "postgresql": pg_insert}
PURGE_S = 60.0


class AppStateStorage(Storage, SlidingWindowCounterSupport, TimestampedSlidingWindow):
    """Counters in the `rate_counters` table of the app-state database at `url` (migrated on first use)."""

    STORAGE_SCHEME = ["appstate"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, url: str = "", **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        if not url:
            raise ConfigurationError("appstate:// : l'adresse de la base de l'état applicatif (url=…) manque")
        self.url = url
        self._engine = None
        self._lock = threading.Lock()
        self._purged = 0.0

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    @property
    def engine(self):
        """The app-state engine, opened (and migrated) on the first counted request, not at start-up."""
        if self._engine is None:
            from appstate import db

            with self._lock:
                if self._engine is None:
                    engine = db.session_factory(self.url).kw["bind"]
                    if engine.dialect.name not in INSERTS:
                        raise ConfigurationError(f"compteurs de débit : base {engine.dialect.name} non prise en "
                                                 "charge (SQLite ou PostgreSQL)")
                    self._engine = engine
        return self._engine

    # -- counters ------------------------------------------------------------------------------------------

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add `amount` to the live counter of `key` (a new one, expiring in `expiry` s, if none); its value."""
        now = time.time()
        stmt = INSERTS[self.engine.dialect.name](TABLE).values(key=_key(key), count=amount, expires_at=now + expiry)
        live = TABLE.c.expires_at > now
        stmt = stmt.on_conflict_do_update(index_elements=[TABLE.c.key], set_={
            "count": case((live, TABLE.c.count + amount), else_=amount),
            "expires_at": case((live, TABLE.c.expires_at), else_=now + expiry),
        }).returning(TABLE.c.count)
        with self.engine.begin() as conn:
            count = conn.execute(stmt).scalar_one()
        self._purge(now)
        return count

    def decr(self, key: str, amount: int = 1) -> int:
        now = time.time()
        with self.engine.begin() as conn:
            conn.execute(update(TABLE).where(TABLE.c.key == _key(key), TABLE.c.expires_at > now)
                         .values(count=case((TABLE.c.count > amount, TABLE.c.count - amount), else_=0)))
        return self.get(key)

    def get(self, key: str) -> int:
        return self._live([key], time.time()).get(_key(key), (0, 0.0))[0]

    def get_expiry(self, key: str) -> float:
        now = time.time()
        return self._live([key], now).get(_key(key), (0, now))[1]

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(TABLE).where(TABLE.c.key == _key(key)))

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            n = conn.execute(select(func.count()).select_from(TABLE)).scalar_one()
            conn.execute(delete(TABLE))
        return n

    def check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(select(1))
            return True
        except SQLAlchemyError:
            return False

    # -- sliding window counter ----------------------------------------------------------------------------

    def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        now = time.time()
        previous_key, current_key = self.sliding_window_keys(key, expiry, now)
        rows = self._live([previous_key, current_key], now)
        return _window(rows.get(_key(previous_key), (0, 0.0))[0], rows.get(_key(current_key), (0, 0.0))[0],
                       expiry, now)

    def acquire_sliding_window_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Count `amount` in the current window if the weighted count stays within `limit`: the increment is
        atomic and undone when a concurrent request took the last place first."""
        if amount > limit:
            return False
        now = time.time()
        previous_key, current_key = self.sliding_window_keys(key, expiry, now)
        rows = self._live([previous_key, current_key], now)
        previous, _, current, _ = _window(rows.get(_key(previous_key), (0, 0.0))[0],
                                          rows.get(_key(current_key), (0, 0.0))[0], expiry, now)
        weight = _previous_weight(previous, expiry, now)
        if int(weight + current) + amount > limit:
            return False
        current = self.incr(current_key, 2 * expiry, amount)  # kept while it is some window's "previous"
        if int(weight + current) > limit:
            self.decr(current_key, amount)
            return False
        return True

    def clear_sliding_window(self, key: str, expiry: int) -> None:
        previous_key, current_key = self.sliding_window_keys(key, expiry, time.time())
        with self.engine.begin() as conn:
            conn.execute(delete(TABLE).where(TABLE.c.key.in_([_key(previous_key), _key(current_key)])))

    # -- helpers -------------------------------------------------------------------------------------------

    def _live(self, keys: list[str], now: float) -> dict[str, tuple[int, float]]:
        """{key: (count, expires_at)} of the keys' unexpired rows, in one query."""
        stmt = select(TABLE.c.key, TABLE.c.count, TABLE.c.expires_at).where(
            TABLE.c.key.in_([_key(k) for k in keys]), TABLE.c.expires_at > now)
        with self.engine.connect() as conn:
            return {k: (c, e) for k, c, e in conn.execute(stmt)}

    def _purge(self, now: float) -> None:
        if now - self._purged < PURGE_S:
            return
        self._purged = now
        with self.engine.begin() as conn:
            conn.execute(delete(TABLE).where(TABLE.c.expires_at <= now))


def _key(key: str) -> str:
    return key[:KEY_LEN]


def _previous_weight(previous: int, expiry: int, now: float) -> float:
    """The previous window's count weighted by the share of it still inside the sliding window."""
    return previous * (1 - ((now - expiry) / expiry) % 1) if previous else 0.0


def _window(previous: int, current: int, expiry: int, now: float) -> tuple[int, float, int, float]:
    """(previous count, its time left, current count, its time left), as `limits` strategies read them."""
    previous_ttl = (1 - ((now - expiry) / expiry) % 1) * expiry if previous else 0.0
    return previous, previous_ttl, current, (1 - (now / expiry) % 1) * expiry + expiry
