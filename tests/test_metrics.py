"""Metrics against numbers computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from forecast_cli import metrics as m

ACTUAL = np.array([1.0, 2.0, 3.0, 4.0])
FORECAST = np.array([2.0, 2.0, 2.0, 2.0])  # errors -1, 0, 1, 2


def test_mae():
    assert m.mae(ACTUAL, FORECAST) == pytest.approx((1 + 0 + 1 + 2) / 4)


def test_rmse():
    assert m.rmse(ACTUAL, FORECAST) == pytest.approx(math.sqrt((1 + 0 + 1 + 4) / 4))


def test_mape_in_percent():
    assert m.mape(ACTUAL, FORECAST) == pytest.approx(100 * (1 / 1 + 0 / 2 + 1 / 3 + 2 / 4) / 4)  # 45.833


def test_mape_is_nan_when_an_actual_is_zero():
    assert math.isnan(m.mape(np.array([0.0, 1.0]), np.array([1.0, 1.0])))


def test_smape_in_percent_with_zero_over_zero_as_zero():
    assert m.smape(ACTUAL, FORECAST) == pytest.approx(100 * (2 / 3 + 0 + 2 / 5 + 4 / 6) / 4)  # 43.333
    assert m.smape(np.array([0.0, 2.0]), np.array([0.0, 1.0])) == pytest.approx(100 * (0 + 2 / 3) / 2)


def test_smape_leaves_a_missing_actual_out_as_the_other_metrics_do():
    """A filled step is no actual: its term was 0, so a fold of (empty, 13, 14) against a
    naive 11 scored 13.56 (0, 16.7, 24 over three), not 20.33 over the two observed."""
    terms = m.smape_terms(np.array([np.nan, 13.0, 14.0]), np.array([11.0, 11.0, 11.0]))
    assert np.isnan(terms[0]) and terms[1:] == pytest.approx([2 * 2 / 24, 2 * 3 / 25])
    assert 100 * np.nanmean(terms) == pytest.approx(100 * (4 / 24 + 6 / 25) / 2)  # 20.333


def test_mase_scales_by_in_sample_seasonal_naive_mae():
    insample = np.array([1.0, 3.0, 2.0, 6.0])  # season 2: |2-1| = 1, |6-3| = 3, scale 2
    assert m.seasonal_naive_scale(insample, 2) == pytest.approx(2.0)
    assert m.mase(ACTUAL, FORECAST, insample, season=2) == pytest.approx(1.0 / 2.0)
    # season 1 is the naive scale: |3-1|, |2-3|, |6-2| -> mean 7/3
    assert m.mase(ACTUAL, FORECAST, insample, season=1) == pytest.approx(1.0 / (7 / 3))


def test_mase_scale_uses_the_season_as_soon_as_one_lag_exists():
    """season + 1 rows (the fewest a backtest fold trains on) give one seasonal difference:
    |2 - 1| = 1. Falling back to lag 1 there gave (|3 - 1| + |2 - 3|) / 2 = 1.5."""
    assert m.seasonal_naive_scale(np.array([1.0, 3.0, 2.0]), 2) == 1.0
    assert m.seasonal_naive_scale(np.array([1.0, 3.0]), 2) == 2.0  # one season only: lag 1
