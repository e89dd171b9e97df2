"""A ranked pool that windows join and leave gives the table ranked from scratch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast_cli.intervals import CalibrationTable
from forecast_cli.ranked_pool import RankedPool


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    horizon=st.integers(1, 6),
    moves=st.lists(st.tuples(st.integers(0, 7), st.booleans()), min_size=1, max_size=25),
)
def test_a_pool_kept_ranked_equals_the_table_ranked_from_its_windows(seed, horizon, moves):
    """Groups of windows (ties, NaN windows of a flat series among them) join and leave in
    any order; after every move the pool's table equals ``CalibrationTable.from_errors`` of
    the windows in it, to the last digit, or says it cannot (too few windows a step)."""
    rng = np.random.default_rng(seed)
    groups = [np.round(rng.standard_normal((int(rng.integers(1, 12)), horizon)), 1) for _ in range(8)]
    groups[3][:] = np.nan  # a flat series' windows: out of every pool
    pool, inside = RankedPool(horizon), set()
    for g, join in moves:
        if join and g not in inside:
            pool.add(groups[g])
            inside.add(g)
        elif not join and g in inside:
            pool.remove(groups[g])
            inside.discard(g)
        windows = np.concatenate([groups[k] for k in sorted(inside)] or [np.empty((0, horizon))])
        whole = windows[np.isfinite(windows).all(axis=1)]
        assert len(pool) == len(whole)
        table = pool.table()
        if table is None:
            assert len(whole) < 20
            continue
        expected = CalibrationTable.from_errors(windows)
        np.testing.assert_array_equal(table.abs_q, expected.abs_q)
        assert (table.windows, table.bare_steps, table.own_windows) == (
            expected.windows,
            expected.bare_steps,
            expected.own_windows,
        )
