"""The caches of a serving process are bounded: the least recently used values go, results stay the same."""

from __future__ import annotations

import pytest

from indicators import compute
from indicators.lru import MISSING, LruCache
from indicators.query import ViewFilters


def test_least_recently_used_goes_first():
    cache = LruCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recently used…
    cache.put("c", 3)  # …so "b" goes
    assert list(cache) == ["a", "c"]
    assert cache.get("b") is MISSING and cache.get("b", None) is None
    cache.put("a", 10)  # replacing keeps one entry
    assert len(cache) == 2 and cache.get("a") == 10
    cache.clear()
    assert len(cache) == 0 and "a" not in cache


def test_a_bound_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        LruCache(0)


def test_a_small_engine_cache_stays_bounded_and_gives_the_same_results(engine, monkeypatch):
    monkeypatch.setattr(compute, "ENGINE_CACHE_ENTRIES", 12)
    small = compute.Engine(engine.db, engine.catalogue, today=engine.today)
    views = [ViewFilters(), ViewFilters(region="11"), ViewFilters(couloir="biologie")]
    for _ in range(2):  # the second round recomputes what was evicted
        for view in views:
            for ind in engine.catalogue.indicators:
                got = small.compute(ind.id, "2024-03", view, with_forecast=False)
                want = engine.compute(ind.id, "2024-03", view, with_forecast=False)
                assert [p.value for p in got.series] == [p.value for p in want.series], ind.id
                assert got.status == want.status, ind.id
                assert len(small._cache) <= 12
