"""Rate counters in the app-state database: one count for every process (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from appstate import db
from appstate.rate_store import AppStateStorage
from dashboard.rate_limits import RateLimited, Rates

ROOT = __import__("settings").ROOT
# Each process tries 6 export requests as alice against a 5-per-day allowance (a day: no window boundary while
# the test runs) and prints how many were let through.
TRY = textwrap.dedent("""
    import json, sys
    from dashboard.rate_limits import RateLimited, Rates
    rates = Rates("5/day", "1000/day", sys.argv[1], sys.argv[2])
    allowed = 0
    for _ in range(6):
        try:
            rates.check("alice", "export")
            allowed += 1
        except RateLimited:
            pass
    print(json.dumps(allowed))
""")


def _two_processes(storage_uri: str, db_url: str) -> list[int]:
    procs = [subprocess.Popen([sys.executable, "-c", TRY, storage_uri, db_url], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=120)
        assert p.returncode == 0, stderr
        out.append(json.loads(stdout))
    return out


def test_two_processes_share_the_counters_the_sixth_request_is_refused(db_url):
    db.session_factory(db_url)  # migrated once, before both processes start
    allowed = _two_processes("appstate://", db_url)
    assert sum(allowed) == 5, allowed  # 12 tries across two processes, 5 allowed in all
    with pytest.raises(RateLimited, match=r"au plus 5 par jour par personne\) ; réessayez dans \d+ s"):
        Rates("5/day", "1000/day", "appstate://", db_url).check("alice", "export")
    Rates("5/day", "1000/day", "appstate://", db_url).check("bob", "export")  # another person still may


def test_per_process_counters_would_let_twice_as_many_through(db_url):
    """The case the shared storage fixes: with memory:// each process counts alone."""
    assert _two_processes("memory://", db_url) == [5, 5]


def test_the_overall_limit_is_shared_too(db_url):
    first, second = (Rates("10/day", "3/day", "appstate://", db_url) for _ in range(2))
    first.check("a", "export")
    second.check("b", "export")
    first.check("c", "export")
    with pytest.raises(RateLimited, match="Le serveur reçoit trop de demandes d'export"):
        second.check("d", "export")


def test_the_storage_serves_the_fixed_window_strategy_and_expires(db_url):
    storage = storage_from_string("appstate://", url=db_url)
    assert isinstance(storage, AppStateStorage) and storage.check()
    limiter, three = FixedWindowRateLimiter(storage), parse("3/day")
    assert [limiter.hit(three, "k") for _ in range(4)] == [True, True, True, False]
    assert storage.get(three.key_for("k")) == 4 and storage.get_expiry(three.key_for("k")) > 0
    assert storage.incr("short", expiry=-1) == 1 and storage.get("short") == 0  # an expired counter reads 0
    assert storage.incr("short", expiry=60) == 1  # and starts again from 1
    storage.clear(three.key_for("k"))
    assert limiter.hit(three, "k")
    assert storage.reset() >= 2 and storage.get("short") == 0


def test_an_unknown_storage_is_a_clear_setting_error():
    from settings import load_settings

    with pytest.raises(SystemExit, match="SEGUR_RATE_STORAGE='nope://x' : attendu appstate://, memory://"):
        load_settings({"SEGUR_RATE_STORAGE": "nope://x"})
