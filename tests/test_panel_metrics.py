"""The panel benchmark's metrics (benchmarks/panel_metrics.py) against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from benchmarks import panel_metrics as pm
from forecast_cli import metrics


def test_smape_is_the_m4_definition_in_percent():
    # 200 * 10 / 210 and 200 * 20 / 380
    assert pm.smape([100, 200], [110, 180]) == pytest.approx((2000 / 210 + 4000 / 380) / 2)
    assert pm.smape([0, 10], [0, 10]) == 0.0  # 0/0 counts as 0


def test_mase_scales_by_the_in_sample_seasonal_naive_mae():
    insample = [1, 3, 2, 5, 4]  # lag-2 differences 1, 2, 2: scale 5/3
    assert pm.mase_scale(insample, 2) == pytest.approx(5 / 3)
    assert pm.mase([6, 7], [5, 9], insample, 2) == pytest.approx(1.5 / (5 / 3))


def test_mase_falls_back_to_lag_one_when_the_series_is_one_season_or_shorter():
    assert pm.scale_lag(3, 4) == 1 and pm.scale_lag(5, 4) == 4
    assert pm.mase_scale([1, 3, 2], 4) == pytest.approx(1.5)  # |3-1|, |2-3|
    assert math.isnan(pm.mase([1], [1], [2, 2, 2], 1))  # zero scale


def test_point_metrics_agree_with_the_tools_own_metrics():
    rng = np.random.default_rng(0)
    insample, actual, forecast = rng.gamma(5, 10, 40), rng.gamma(5, 10, 8), rng.gamma(5, 10, 8)
    assert pm.smape(actual, forecast) == pytest.approx(metrics.smape(actual, forecast))
    assert pm.mase(actual, forecast, insample, 4) == pytest.approx(
        metrics.mase(actual, forecast, insample, 4)
    )


def test_coverage_and_interval_score_by_hand():
    y, lo, hi = [1, 5, 10], [0, 6, 8], [2, 7, 9]
    assert pm.coverage(y, lo, hi) == pytest.approx(1 / 3)
    # level 80: 2 / a = 10; widths 2, 1, 1; misses by 1 below and 1 above
    assert pm.interval_score(y, lo, hi, 80) == pytest.approx((2 + 11 + 11) / 3)


def test_owa_is_the_mean_of_the_two_ratios_to_naive2():
    assert pm.owa(10.0, 1.0, 12.5, 1.25) == pytest.approx(0.8)


def test_naive2_reseasonalises_the_last_adjusted_value():
    y = np.tile([5.0, 15.0], 6)  # level 10, indices 0.5 and 1.5, n = 12
    assert pm.is_seasonal(y, 2)  # acf_2 = 0.833 > 1.645 sqrt((1 + 2 * 0.917^2) / 12) = 0.778
    assert pm.seasonal_indices(y, 2) == pytest.approx([0.5, 1.5])
    assert pm.naive2(y, 3, 2) == pytest.approx([5.0, 15.0, 5.0])


def test_naive2_is_naive_when_the_seasonality_test_fails():
    y = np.tile([5.0, 15.0], 3)  # n = 6: acf_2 = 0.667 < limit 1.04
    assert not pm.is_seasonal(y, 2)
    assert pm.naive2(y, 3, 2) == pytest.approx([15.0, 15.0, 15.0])
    assert not pm.is_seasonal(np.tile([5.0, 15.0], 2), 2)  # n < 3m: not tested


def test_score_pair_scales_width_and_winkler_like_mase_and_summarize_averages():
    insample = [1, 3, 2, 5, 4]  # scale 5/3 at lag 2
    row = pm.score_pair([1, 5, 10], [1, 6, 9], insample, 2, {80: ([0, 6, 8], [2, 7, 9])})
    assert row["cov_80"] == pytest.approx(1 / 3)
    assert row["width_80"] == pytest.approx((4 / 3) / (5 / 3))
    assert row["winkler_80"] == pytest.approx(8 / (5 / 3))
    summary = pm.summarize([row, {**row, "mase": float("nan"), "scale_lag": 1}])
    assert summary["n_pairs"] == 2 and summary["scale_lag1_pairs"] == 1
    assert summary["mase"] == pytest.approx(row["mase"]) and summary["mase_nan_pairs"] == 1
