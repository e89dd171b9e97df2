"""Validation reads series' tails a group at a time; the result must not depend on grouping."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecast_cli import validation
from forecast_cli.forecaster import Forecaster
from forecast_cli.panel import prepare_panel

from .conftest import fast_config
from .test_panel import long_panel


@given(st.lists(st.integers(1, 50), min_size=1, max_size=30), st.integers(1, 80))
def test_groups_cover_every_series_once_in_order(rows, limit):
    groups = validation.series_groups(np.array(rows), limit)
    assert [lo for lo, _ in groups] == [0] + [hi for _, hi in groups[:-1]]
    assert groups[-1][1] == len(rows)
    for lo, hi in groups:  # a group is over the limit only when it is a single series
        assert hi - lo == 1 or sum(rows[lo:hi]) <= limit


def test_validation_in_small_groups_equals_one_pass(monkeypatch):
    cfg = fast_config(lookback=12, horizon=6)
    cfg.intervals.level = ("80", "95")
    panel = prepare_panel(long_panel(lengths=(60, 84, 48, 30, 72)), cfg.data)
    whole = Forecaster(cfg).fit(panel)
    monkeypatch.setattr(validation, "GROUP_ROWS", 20)  # one series per group
    grouped = Forecaster(cfg).fit(panel)
    timeless = [
        {k: v for k, v in m.items() if k != "train_seconds"} for m in (whole.metrics_, grouped.metrics_)
    ]
    # Equal to float32 rounding, not bit for bit: with two or more input columns (the
    # target and the panel's drift input) torch's CPU kernels may sum them in an order that
    # depends on how many windows share a batch (relative differences of about 1e-8).
    assert timeless[0].keys() == timeless[1].keys()
    for key, value in timeless[0].items():
        assert timeless[1][key] == pytest.approx(value, rel=1e-6), key
    assert "val_mae" in timeless[0]
    np.testing.assert_allclose(whole.calibration_.abs_q, grouped.calibration_.abs_q, rtol=1e-6)
    np.testing.assert_allclose(whole.width_ratio_, grouped.width_ratio_, rtol=1e-6)
