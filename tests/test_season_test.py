"""The damped trend's test for a season (``has_seasons``): it must find a season under a
trend, and not find one in a random walk, at the window lengths a forecast reads.

The lag-m autocorrelation of the levels, the M4 benchmarks' test, fails at both: a trend
makes every lag's autocorrelation large, which both hides the season (the airline series'
five-season windows were found seasonal at 59% of origins) and fakes one (random walks of
50 quarters were called seasonal 66% of the time).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast_cli.damped_trend import window_rows
from forecast_cli.seasonal_factors import has_seasons


def has_season(y: np.ndarray, m: int) -> bool:
    """``has_seasons`` of one series."""
    return bool(has_seasons(np.asarray(y, dtype=np.float64)[None, :], m)[0])


def _windows(y: np.ndarray, rows: int) -> np.ndarray:
    """(windows, rows) every run of ``rows`` consecutive values of ``y``."""
    return np.lib.stride_tricks.sliding_window_view(y, rows)


def test_the_airline_season_is_found_at_every_origin():
    """Trend times season (the sample airline data): every window a monthly forecast reads."""
    y = pd.read_csv("sample_data/airpassengers.csv")["passengers"].to_numpy(np.float64)
    windows = _windows(y, window_rows(12))
    assert has_seasons(windows, 12).all()
    assert has_seasons(np.log(windows), 12).all()


@pytest.mark.parametrize(("m", "rows"), [(4, 50), (5, 50), (7, 50), (12, 60)])
def test_a_random_walk_is_called_seasonal_no_more_than_the_test_level_allows(m, rows):
    """A 90% test: about one random walk in ten may pass, by chance; the levels' test passed
    66% of them at m = 4 and 35% at m = 5 (a trading week)."""
    rng = np.random.default_rng(m)
    walks = np.cumsum(rng.normal(size=(3000, rows)), axis=1)
    assert has_seasons(walks, m).mean() < 0.12
    trend = 0.5 * np.arange(rows) + rng.normal(size=(3000, rows))  # a straight trend with noise
    assert has_seasons(trend, m).mean() < 0.12


@pytest.mark.parametrize("m", [4, 12])
def test_a_season_under_a_steep_trend_or_a_random_walk_is_found(m):
    rng = np.random.default_rng(0)
    t = np.arange(window_rows(m))
    season = 10 * np.sin(2 * np.pi * t / m)
    assert has_season(100 + 5 * t + season + rng.normal(0, 1, len(t)), m)
    assert has_season(100 + np.cumsum(rng.normal(0, 1, len(t))) + season, m)


def test_no_season_is_tested_for_without_three_of_them_or_with_a_gap():
    rng = np.random.default_rng(1)
    pattern = np.tile(100 + 30 * np.sin(2 * np.pi * np.arange(12) / 12), 5)
    assert has_season(pattern + rng.normal(0, 1, 60), 12)
    assert not has_season(pattern[: 3 * 12 - 1], 12)  # under three seasons: no test
    gap = pattern.copy()
    gap[30] = np.nan
    assert not has_season(gap, 12)
    assert not has_seasons(np.tile(pattern, (2, 1)), 1).any()  # m = 1: nothing to find
