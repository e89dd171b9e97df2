"""The baselines' bands on sub-daily data: each series lends its longest season of windows,
and each phase of the day gets its share of the errors (``phase_shares``), read only from
windows before the origin."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast_cli import baseline_bands
from forecast_cli.backtest import run_backtest
from forecast_cli.baseline_bands import Reach, _window_errors
from forecast_cli.baselines import BASELINE_FUNCTIONS
from forecast_cli.panel import prepare_panel
from forecast_cli.phase_shares import error_shares, row_phases
from forecast_cli.run_config import BacktestConfig

from .conftest import fast_config


def solar(days: int = 45, seed: int = 0) -> pd.DataFrame:
    """Hourly output of a solar panel: 0 from 19:00 to 05:00, a bell by day scaled by the
    day's clouds."""
    rng = np.random.default_rng(seed)
    hour = np.arange(days * 24) % 24
    bell = np.clip(np.sin(np.pi * (hour - 6) / 12), 0, None)
    clouds = np.repeat(rng.beta(4, 1.5, days), 24)
    y = np.round(100 * bell * clouds * (1 + 0.1 * rng.standard_normal(days * 24)).clip(0), 3)
    return pd.DataFrame({"ds": pd.date_range("2023-04-01", periods=days * 24, freq="h"), "y": y})


def _snaive(raw: pd.DataFrame, folds: int = 6) -> pd.DataFrame:
    cfg = fast_config(horizon=24)
    result = run_backtest(
        prepare_panel(raw, cfg.data), cfg, BacktestConfig(folds=folds, origin_stride=7, models=())
    )
    rows = result.forecasts.query("model == 'seasonal-naive'").reset_index(drop=True)
    return rows.assign(hour=pd.to_datetime(rows["timestamp"]).dt.hour)


def test_error_shares_are_each_phases_mean_error_over_the_mean_at_every_phase():
    """Lender 0: phase 0 holds |1| and |0|, phase 1 holds |-3| and |2|; the mean of all
    four is 1.5, so the shares are 0.5 / 1.5 and 2.5 / 1.5. Lender 1 is not eligible (too
    few days): ones. A NaN error counts nowhere."""
    scores = np.array([[1.0, -3.0], [2.0, 0.0], [5.0, np.nan]])
    owner = np.array([0, 0, 1])
    phase = np.array([[0, 1], [1, 0], [0, 1]])
    shares = error_shares(scores, owner, phase, 2, 2, np.array([True, False]))
    np.testing.assert_allclose(shares, [[1 / 3, 5 / 3], [1.0, 1.0]])


def test_a_lender_ranks_its_longest_seasons_windows_and_reads_its_shares_at_every_phase():
    """Half-hourly rows with a weekly cycle of 336: a lender ranks its last 336 windows, not
    50 (a day), with phase shares or without; the shares are read from 30 days of windows
    spaced to reach all 48 phases, also at horizon 1 (spaced 4 apart they reached 12)."""
    rows = 60 * 48
    t = np.arange(rows)
    y = np.sin(t * 2 * np.pi / 48) + 2 + (t % 7) * 0.01 * (1 + (t % 48 > 20))
    fn = BASELINE_FUNCTIONS["seasonal-naive"]
    starts, ends = np.array([0]), np.array([rows])
    for horizon in (1, 4):
        errors, owner, _, shares = _window_errors(fn, y, starts, ends, Reach(horizon, 48, 336))
        assert len(errors) == 336 and (owner == 0).all() and shares.shape == (1, 1)
        phased = Reach(horizon, 48, 336, t % 48)
        errors, _, _, shares = _window_errors(fn, y, starts, ends, phased)
        assert len(errors) == 336 and shares.shape == (1, 48)
        assert not np.allclose(shares, 1.0) and np.isclose(shares.mean(), 1.0)
    short = np.array([20 * 48])  # 20 days: too few for shares
    _, _, _, shares = _window_errors(fn, y, starts, short, Reach(4, 48, 336, t % 48))
    np.testing.assert_array_equal(shares, 1.0)


def test_a_lender_missing_a_phase_keeps_no_shares():
    """A phase none of a lender's errors fell at would keep a share of 1 while the others'
    errors shrank: the lender keeps no shares at all."""
    scores = np.array([[1.0, 2.0], [3.0, 4.0]])
    shares = error_shares(scores, np.array([0, 0]), np.array([[0, 1], [1, 0]]), 1, 3, np.array([True]))
    np.testing.assert_array_equal(shares, 1.0)


def test_solar_nights_get_bands_of_no_width_and_the_days_wider_ones_than_pooled(monkeypatch):
    """Night output is exactly 0 and seasonal naive's night errors are 0: with phase
    shares its night bands have no width; the day's, no longer ranked with the nights'
    zeros, are wider than the pooled table gave them (which covered the day 0.57 of the
    time at 80% in the sweep that found it)."""
    shared = _snaive(solar())
    night = shared["hour"].isin([0, 1, 2, 3, 22, 23])
    day = shared["hour"].between(9, 15)
    np.testing.assert_array_equal(shared.loc[night, "lo-80"], shared.loc[night, "hi-80"])
    assert (shared.loc[night, "hi-95"] == 0).all()
    monkeypatch.setattr(baseline_bands, "PHASE_CYCLES", 10**6)  # no series is long enough
    pooled = _snaive(solar())
    assert (pooled.loc[night, "hi-80"] > 0).all()  # the old band: width on exact zeros
    width = {
        name: (f["hi-80"] - f["lo-80"])[day].mean() for name, f in (("shared", shared), ("pooled", pooled))
    }
    assert width["shared"] > 1.2 * width["pooled"]


def test_phase_shares_read_no_row_at_or_after_the_origin():
    """Tripling every row from an origin on leaves that origin's bands as they were."""
    raw = solar()
    before = _snaive(raw)
    origin = sorted(before["origin"].unique())[0]
    changed = raw.assign(y=np.where(raw["ds"] > pd.Timestamp(origin), raw["y"] * 3, raw["y"]))
    after = _snaive(changed)
    at = before["origin"] == origin
    bands = ["lo-80", "hi-80", "lo-95", "hi-95"]
    np.testing.assert_array_equal(before.loc[at, bands].to_numpy(), after.loc[at, bands].to_numpy())
    assert not np.allclose(before.loc[~at, bands].to_numpy(), after.loc[~at, bands].to_numpy())


@pytest.mark.parametrize(("horizon", "folds", "stride"), [(1, 120, 1), (24, 20, 7)])
def test_solar_days_are_covered_near_their_level_at_any_horizon(monkeypatch, horizon, folds, stride):
    """At horizon 1 as at a day: the day's hours (09-15) covered 0.64 to 0.66 of the time at
    80% with shares, 0.29 to 0.40 ranked with the nights (seed 0). Spaced 2 rows apart, the
    share windows never reached a horizon-1 forecast's own hour: 0.39 in the review that
    found it."""

    def day_coverage() -> float:
        cfg = fast_config(horizon=horizon)
        spec = BacktestConfig(folds=folds, origin_stride=stride, models=())
        rows = run_backtest(prepare_panel(solar(60), cfg.data), cfg, spec).forecasts
        rows = rows.query("model == 'seasonal-naive'")
        day = pd.to_datetime(rows["timestamp"]).dt.hour.between(9, 15)
        inside = (rows["actual"] >= rows["lo-80"]) & (rows["actual"] <= rows["hi-80"])
        return float(inside[day].mean())

    shared = day_coverage()
    monkeypatch.setattr(baseline_bands, "PHASE_CYCLES", 10**6)
    assert shared >= 0.6 and shared - day_coverage() >= 0.2


def test_row_phases_are_read_from_the_stamps():
    """The hour of the day on local clocks (a clock change shifts no later phase); an
    exchange bar's time of day over its step, the same on a half day as on any other (its
    later bars are missing, not shifted); none for days, months or numbered steps."""
    hours = pd.date_range("2024-10-26", periods=72, freq="h", tz="Europe/Berlin")  # 27 Oct: 25 hours
    np.testing.assert_array_equal(row_phases([hours], "h"), hours.hour)
    bars = pd.DatetimeIndex(
        [
            *pd.date_range("2023-11-24 09:30", "2023-11-24 12:30", freq="30min"),  # a half day
            *pd.date_range("2023-11-27 09:30", "2023-11-27 15:30", freq="30min"),
        ],
        tz="America/New_York",
    )
    np.testing.assert_array_equal(row_phases([bars], "XNYS@30min"), [*range(19, 26), *range(19, 32)])
    days = pd.date_range("2020-01-01", periods=10, freq="D")
    assert row_phases([days], "D") is None and row_phases([days], "MS") is None
    assert row_phases([pd.RangeIndex(10)], None) is None


@pytest.mark.parametrize("freq", ["D", "MS"])
def test_daily_and_coarser_data_get_no_phase_shares(freq):
    """The weekday's shares were no gain on daily data: only sub-daily data gets phases,
    so a daily backtest's bands are those of no phases at all."""
    rng = np.random.default_rng(1)
    n = 400 if freq == "D" else 120
    raw = pd.DataFrame({"ds": pd.date_range("2020-01-01", periods=n, freq=freq), "y": rng.gamma(2, 10, n)})
    panel = prepare_panel(raw, fast_config().data)
    assert row_phases([m.frame.index for m in panel.members], panel.freq) is None


def test_exchange_bars_count_their_days_by_the_bars_a_session_has():
    """35 sessions of 13 half-hour bars (phases 19 to 31 of the clock's 48): enough days for
    shares. Counted against 32 phase values, 30 days read as 960 rows, 74 sessions."""
    sessions, bars = 35, 13
    phases = np.tile(np.arange(19, 19 + bars), sessions)
    rng = np.random.default_rng(3)
    y = 100 + np.cumsum(rng.standard_normal(len(phases)) * (1 + (phases == 19) * 4))  # a wild open
    fn = BASELINE_FUNCTIONS["naive"]
    reach = Reach(2, 13, 50, phases)
    _, _, _, shares = _window_errors(fn, y, np.array([0]), np.array([len(y)]), reach)
    assert reach.day_rows == 13 and shares.shape == (1, 32)
    assert shares[0, 19] > 1.5  # the open moves most: its share of the errors is the largest
