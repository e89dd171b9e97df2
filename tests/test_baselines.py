"""Baselines against their definitions on y = 1, 2, ..., 10 and a seasonal series."""

from __future__ import annotations

import numpy as np

from forecast_cli.baselines import drift, mean, naive, seasonal_naive

Y = np.arange(1.0, 11.0)  # row i holds i + 1
ORIGIN = np.array([6])  # rows 0..5 (values 1..6) are known


def test_naive_repeats_the_last_value():
    assert naive(Y, ORIGIN, 3).tolist() == [[6.0, 6.0, 6.0]]


def test_seasonal_naive_repeats_the_last_season():
    assert seasonal_naive(Y, ORIGIN, 4, season=3).tolist() == [[4.0, 5.0, 6.0, 4.0]]
    week = np.tile([10.0, 20.0, 30.0], 4)
    assert seasonal_naive(week, np.array([9]), 5, season=3).tolist() == [[10.0, 20.0, 30.0, 10.0, 20.0]]


def test_drift_follows_the_line_from_first_to_last_point():
    assert drift(Y, ORIGIN, 3).tolist() == [[7.0, 8.0, 9.0]]  # slope (6 - 1) / 5 = 1
    assert drift(Y, ORIGIN, 2, starts=np.array([3])).tolist() == [[7.0, 8.0]]  # from y_3 = 4


def test_mean_is_the_training_mean():
    assert mean(Y, ORIGIN, 2).tolist() == [[3.5, 3.5]]
    assert mean(Y, ORIGIN, 1, starts=np.array([4])).tolist() == [[5.5]]


def test_many_origins_at_once():
    out = naive(Y, np.array([2, 5, 9]), 2)
    assert out.tolist() == [[2.0, 2.0], [5.0, 5.0], [9.0, 9.0]]


def test_seasonal_naive_repeats_the_season_from_an_origin_exactly_one_season_in():
    """An origin with exactly one season before it repeats that season (1, 2, 3, 1), not
    the last value (the naive fallback is for fewer rows than a season)."""
    y = np.arange(1.0, 11.0)
    np.testing.assert_array_equal(seasonal_naive(y, np.array([3]), 4, season=3), [[1.0, 2.0, 3.0, 1.0]])
    np.testing.assert_array_equal(seasonal_naive(y, np.array([2]), 2, season=3), [[2.0, 2.0]])


def test_the_mean_of_a_window_reads_its_own_rows_only_to_the_last_bit():
    """A running sum over the stacked panel made each window's mean move in its last bits
    (1e-13) when rows before it changed, other series' included: the backtest's 'no row
    outside the window reaches the forecast' held only approximately."""
    rng = np.random.default_rng(0)
    y = rng.normal(100, 5, 300)
    starts, origins = np.array([0, 120, 200]), np.array([100, 180, 300])
    before = mean(y, origins, 2, starts=starts)
    changed = y.copy()
    changed[:100] = rng.normal(1e9, 1e6, 100)  # the first window's rows, before the others
    after = mean(changed, origins, 2, starts=starts)
    assert (before[1:] == after[1:]).all()  # bit for bit
    expected = [np.mean(y[s:o]) for s, o in zip(starts, origins, strict=True)]
    np.testing.assert_allclose(before[:, 0], expected, rtol=1e-15)
