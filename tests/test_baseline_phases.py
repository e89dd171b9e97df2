"""The baselines' bands on sub-daily data: each series lends its longest season of windows,
and each phase of the day gets its share of the errors (``phase_shares``), read only from
windows before the origin."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast_cli import baseline_bands, phase_shares
from forecast_cli.backtest import run_backtest
from forecast_cli.baseline_bands import Reach, _window_errors
from forecast_cli.baselines import BASELINE_FUNCTIONS
from forecast_cli.panel import prepare_panel
from forecast_cli.phase_shares import error_shares
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


def test_a_lender_lends_its_longest_seasons_windows_and_reads_its_shares_from_thirty_days():
    """Half-hourly rows with a weekly cycle of 336: a lender ranks its last 336 windows,
    not 50 (a day); its shares come from 30 days of windows (1440 origins, every 4th)."""
    rows = 60 * 48
    y = np.sin(np.arange(rows) * 2 * np.pi / 48) + 2 + 0.01 * np.arange(rows) % 7
    fn = BASELINE_FUNCTIONS["seasonal-naive"]
    starts, ends = np.array([0]), np.array([rows])
    errors, owner, _, shares = _window_errors(fn, y, starts, ends, Reach(4, 48, 1, 336))
    assert len(errors) == 336 and (owner == 0).all() and shares.shape == (1, 1)
    errors, _, _, shares = _window_errors(fn, y, starts, ends, Reach(4, 48, 48, 336))
    assert len(errors) == 84  # every 4th of the 336 latest origins (1440 spaced 4 apart)
    assert shares.shape == (1, 48) and not np.allclose(shares, 1.0)
    short = np.array([20 * 48])  # 20 days: too few for shares
    _, _, _, shares = _window_errors(fn, y, starts, short, Reach(4, 48, 48, 336))
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
    width = {name: (f["hi-80"] - f["lo-80"])[day].mean() for name, f in (("shared", shared), ("pooled", pooled))}
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


@pytest.mark.parametrize("freq", ["D", "MS"])
def test_daily_and_coarser_data_get_no_phase_shares(monkeypatch, freq):
    """The weekday's shares cost more than they gained on daily data: only sub-daily data
    gets them, so bands on daily data are the same with shares read from any length."""
    rng = np.random.default_rng(1)
    n = 400 if freq == "D" else 120
    raw = pd.DataFrame({"ds": pd.date_range("2020-01-01", periods=n, freq=freq), "y": rng.gamma(2, 10, n)})
    before = _snaive(raw)
    monkeypatch.setattr(baseline_bands, "PHASE_CYCLES", 1)
    monkeypatch.setattr(phase_shares, "PHASE_CYCLES", 1)
    after = _snaive(raw)
    pd.testing.assert_frame_equal(before, after)
