"""The baselines' bands in a backtest pool their calibration windows by date: no row dated
at or after a forecast's origin reaches its band from any series, also where the series
end on different dates (their folds are counted from each series' own end)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast_cli import baseline_bands
from forecast_cli.backtest import run_backtest
from forecast_cli.baseline_bands import baseline_bounds, cut_at_zero
from forecast_cli.baselines import BASELINE_FUNCTIONS
from forecast_cli.panel import prepare_panel
from forecast_cli.run_config import BacktestConfig

from .conftest import fast_config
from .test_panel import long_panel

BANDS = ["lo-80", "hi-80", "lo-95", "hi-95"]


def _baseline_rows(raw: pd.DataFrame, folds: int = 3) -> pd.DataFrame:
    cfg = fast_config(horizon=6)
    result = run_backtest(prepare_panel(raw, cfg.data), cfg, BacktestConfig(folds=folds, models=()))
    return result.forecasts.query("model == 'seasonal-naive'").reset_index(drop=True)


def test_a_series_rows_after_another_series_origin_never_reach_that_origins_baseline_bands():
    """S1 ends 27 months after S0 (``long_panel``). At each of S0's origins, tripling every
    S1 row dated after it leaves S0's bands at that origin as they were, while S1's own
    bands move. Pooled by fold index, S0's fold was banded with S1's last windows before
    S1's own origin, dated years later, and moved with them."""
    raw = long_panel()
    before = _baseline_rows(raw)
    s0 = before.query("unique_id == 'S0'")
    for origin in sorted(s0["origin"].unique()):
        changed = raw.copy()
        changed.loc[(changed["unique_id"] == "S1") & (changed["ds"] > origin), "y"] *= 3
        after = _baseline_rows(changed)
        at = "unique_id == 'S0' and origin == @origin"
        assert len(before.query(at)) == 6
        np.testing.assert_array_equal(before.query(at)[BANDS].to_numpy(), after.query(at)[BANDS].to_numpy())
        s1_before, s1_after = before.query("unique_id == 'S1'"), after.query("unique_id == 'S1'")
        assert not np.allclose(s1_before[BANDS].to_numpy(), s1_after[BANDS].to_numpy())


def test_a_panel_ending_on_one_date_gets_the_same_bands_by_date_as_by_fold():
    """Where every series ends together, a fold's origin is one stamp for every series: the
    windows before it are the ones a fold index picked, so the bands are identical."""
    raw = long_panel(lengths=(60, 84, 48))
    end = pd.Timestamp("2006-12-01")
    for _, part in raw.groupby("unique_id"):
        raw.loc[part.index, "ds"] = pd.date_range(end=end, periods=len(part), freq="MS")
    panel = prepare_panel(raw, fast_config().data)
    y = panel.stacked()[:, 0]
    offsets, horizon, season = panel.offsets, 6, 12
    origins = np.concatenate(
        [
            offsets[i] + np.array([len(m.y) - 18, len(m.y) - 12, len(m.y) - 6])
            for i, m in enumerate(panel.members)
        ]
    )
    starts = np.repeat(offsets[:-1], 3)
    fold_of = np.tile(np.arange(3), 3)
    series_of = np.repeat(np.arange(3), 3)
    stamps = np.concatenate([m.frame.index.as_unit("us").asi8 for m in panel.members])
    fn = cut_at_zero(BASELINE_FUNCTIONS["seasonal-naive"])
    point = fn(y, origins, horizon, season=season, starts=starts)
    by_fold = baseline_bounds(fn, point, y, origins, starts, fold_of, horizon, season, (80.0, 95.0))
    by_date = baseline_bounds(
        fn, point, y, origins, starts, fold_of, horizon, season, (80.0, 95.0), stamps, series_of
    )
    assert by_fold.keys() == by_date.keys()
    for key in by_fold:
        assert np.isfinite(by_fold[key]).all()
        np.testing.assert_array_equal(by_fold[key], by_date[key])


def test_past_the_table_cap_a_row_takes_an_earlier_checkpoint_never_a_later_one(monkeypatch):
    """With more distinct origin stamps than ``MAX_DATED_TABLES``, rows take the table of the
    latest checkpoint at or before their origin: still nothing dated after it."""
    monkeypatch.setattr(baseline_bands, "MAX_DATED_TABLES", 2)
    raw = long_panel()
    before = _baseline_rows(raw)
    assert before["origin"].nunique() > 2
    first = before.query("unique_id == 'S0'")["origin"].min()
    changed = raw.copy()
    changed.loc[(changed["unique_id"] == "S1") & (changed["ds"] > first), "y"] *= 3
    after = _baseline_rows(changed)
    at = "unique_id == 'S0' and origin == @first"
    np.testing.assert_array_equal(before.query(at)[BANDS].to_numpy(), after.query(at)[BANDS].to_numpy())


@pytest.mark.parametrize("name", ["naive", "drift", "mean"])
def test_every_baseline_pools_by_date(name):
    """The same hold for each baseline, whose calibration windows are its own forecasts."""
    raw = long_panel()
    cfg = fast_config(horizon=6)
    spec = BacktestConfig(folds=2, models=())
    before = run_backtest(prepare_panel(raw, cfg.data), cfg, spec).forecasts.query("model == @name")
    first = before.query("unique_id == 'S0'")["origin"].min()
    changed = raw.copy()
    changed.loc[(changed["unique_id"] == "S1") & (changed["ds"] > first), "y"] *= 3
    after = run_backtest(prepare_panel(changed, cfg.data), cfg, spec).forecasts.query("model == @name")
    at = "unique_id == 'S0' and origin == @first"
    assert len(before.query(at)) == 6
    np.testing.assert_array_equal(before.query(at)[BANDS].to_numpy(), after.query(at)[BANDS].to_numpy())


def test_a_short_series_ending_first_borrows_the_other_series_rows_before_its_origin():
    """S2 (30 months) ends years before S0 and S1 and is too short to lend a window of its
    own at its first origin: its table reads S0's and S1's rows before that origin, each
    series' scale from those rows, so it is banded, and no row of theirs after it counts."""
    raw = long_panel((60, 84, 30))
    before = _baseline_rows(raw, folds=4)
    s2 = before.query("unique_id == 'S2'")
    assert len(s2) == 12 and np.isfinite(s2[BANDS].to_numpy()).all()
    origin = s2["origin"].min()
    changed = raw.copy()
    changed.loc[(changed["unique_id"] != "S2") & (changed["ds"] > origin), "y"] *= 3
    after = _baseline_rows(changed, folds=4)
    at = "unique_id == 'S2' and origin == @origin"
    np.testing.assert_array_equal(before.query(at)[BANDS].to_numpy(), after.query(at)[BANDS].to_numpy())
    known = (changed["unique_id"] != "S2") & (changed["ds"] <= origin)
    changed.loc[known, "y"] *= 1 + 0.3 * np.random.default_rng(1).standard_normal(known.sum())
    earlier = _baseline_rows(changed, folds=4)  # what it does read
    assert not np.allclose(before.query(at)[BANDS].to_numpy(), earlier.query(at)[BANDS].to_numpy())
