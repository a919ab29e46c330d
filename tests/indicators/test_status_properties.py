"""Property-based tests of the trajectory and progress rules (indicators/status.py)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.status import assess, target_at

RANK = {"off_track": 0, "watch": 1, "on_track": 2}
values = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
start = date(2021, 1, 1)


@st.composite
def trajectories(draw):
    """A baseline and 1–4 milestones with strictly increasing dates and non-decreasing values."""
    n = draw(st.integers(1, 4))
    gaps = draw(st.lists(st.integers(1, 900), min_size=n, max_size=n))
    steps = draw(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=n, max_size=n))
    base = draw(st.floats(0, 1e6, allow_nan=False))
    points, d, v = [(start, base)], start, base
    for gap, step in zip(gaps, steps, strict=True):
        d, v = d + timedelta(days=gap), v + step
        points.append((d, v))
    return points


@given(trajectories(), st.integers(0, 4000), st.integers(0, 4000))
def test_interpolation_is_monotonic_and_flat_after_the_end(points, a, b):
    d1, d2 = sorted((start + timedelta(days=a), start + timedelta(days=b)))
    assert target_at(points, d1) <= target_at(points, d2) + 1e-6
    assert target_at(points, points[-1][0] + timedelta(days=30)) == points[-1][1]
    assert target_at(points, start - timedelta(days=1)) is None


@given(trajectories())
def test_interpolation_passes_through_every_milestone(points):
    for d, v in points:
        assert abs(target_at(points, d) - v) <= 1e-6 * max(1.0, abs(v))


@given(values, values, values, values)
def test_progress_is_clamped_and_matches_the_formula(value, baseline, target_now, final):
    a = assess(value, baseline, target_now, final, 0.95, 0.8)
    assert 0.0 <= a.progress <= 1.0
    if final != baseline:
        assert abs(a.progress_raw - (value - baseline) / (final - baseline)) <= 1e-9 * max(1.0, abs(a.progress_raw))


@settings(max_examples=300)
@given(values, values, values, values)
def test_direction_symmetry(value, baseline, target_now, final):
    """Mirroring every figure (a 'down' indicator) gives the same progress and status."""
    up = assess(value, baseline, target_now, final, 0.95, 0.8)
    down = assess(-value, -baseline, -target_now, -final, 0.95, 0.8)
    assert up.status == down.status
    assert abs(up.progress - down.progress) <= 1e-9


@given(st.floats(0, 1e6), st.floats(0, 1e6), st.floats(1, 1e6), st.floats(1, 1e6))
def test_a_higher_value_is_never_a_worse_status(v1, v2, target_now, span):
    low, high = sorted((v1, v2))
    final = target_now + span
    worse = assess(low, 0.0, target_now, final, 0.95, 0.8)
    better = assess(high, 0.0, target_now, final, 0.95, 0.8)
    assert RANK[better.status] >= RANK[worse.status]
