"""Bands by time of day on sub-daily data (``phase_bands``): each phase's errors ranked on
their own, where the validation windows reach enough days; pooled everywhere else."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast_cli.config import DataConfig
from forecast_cli.forecaster import Forecaster
from forecast_cli.intervals import CalibrationTable, conformal_rank
from forecast_cli.modelfile import load_model, save_model
from forecast_cli.panel import prepare_panel
from forecast_cli.phase_bands import MIN_PHASE_TARGETS, usable_phases, window_phases, with_phases

from .conftest import fast_config


def _two_phases(n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """(errors, phases), horizon 1: phase 0's errors 0.1 .. 0.1 n, phase 1's 1 .. n."""
    errors = np.concatenate([0.1 * np.arange(1, n + 1), np.arange(1.0, n + 1)])[:, None]
    phases = np.repeat([0, 1], n)[:, None]
    return errors, phases


def test_each_phase_is_banded_by_its_own_ranked_errors():
    """At one step the step's scale cancels: a phase's band is the conformal quantile of its
    own errors, ceil((n + 1) 0.8) = 33rd of 40, so 3.3 and 33; a step of no known phase
    keeps the pooled band (the 65th of all 80 errors)."""
    errors, phases = _two_phases()
    usable = usable_phases(errors, phases)
    assert usable is not None and usable.tolist() == [True, True]
    pooled = CalibrationTable.from_errors(errors)
    table = with_phases(pooled, errors, phases, usable)
    got = table.band_for(80, 1, np.array([[0], [1], [-1]]))
    ranked = np.sort(errors[:, 0])
    assert conformal_rank(40, 80) == 33 and conformal_rank(80, 80) == 65
    np.testing.assert_allclose(got[:, 0], [3.3, 33.0, ranked[64]])
    np.testing.assert_allclose(table.band_for(80, 1)[0], pooled.band(80, 1))  # no phases: pooled


def test_later_steps_scale_the_phase_ratios_by_their_own_pooled_band():
    """Two steps, the second's errors twice the first's: each phase's ratios pool both
    steps, and step 2's band at a phase is twice step 1's."""
    errors, phases = _two_phases()
    errors2 = np.hstack([errors, 2 * errors])
    phases2 = np.hstack([phases, phases])
    table = with_phases(
        CalibrationTable.from_errors(errors2), errors2, phases2, usable_phases(errors2, phases2)
    )
    got = table.band_for(80, 2, np.array([[0, 0], [1, 1]]))
    np.testing.assert_allclose(got[:, 1], 2 * got[:, 0])
    assert got[1, 0] > 5 * got[0, 0]


def test_a_phase_needs_thirty_distinct_targets_not_thirty_errors():
    """A phase counts the most errors at one step: each window's step h has its own target,
    and the 48 steps of one series' 11 days are 528 errors of 11 targets (counting errors,
    one half-hourly series switched to tables by phase and its bands changed)."""
    n = MIN_PHASE_TARGETS
    errors = np.ones((n - 1, 48))
    phases = np.zeros((n - 1, 48), dtype=np.int64)
    assert usable_phases(errors, phases) is None  # 29 targets at every step: 1,392 errors
    errors, phases = np.ones((n, 1)), np.zeros((n, 1), dtype=np.int64)
    assert usable_phases(errors, phases).tolist() == [True]
    errors[0, 0] = np.nan  # an error past a series' end is no target
    assert usable_phases(errors, phases) is None


def test_window_phases_read_each_step_from_its_own_row_and_stop_at_the_segment_end():
    row_phase = np.array([5, 6, 7, 0, 2, 3])  # a clock change or a closed hour: not +1 each row
    got = window_phases(row_phase, np.array([1, 4]), np.array([6, 6]), 3)
    assert got.tolist() == [[6, 7, 0], [2, 3, -1]]


def test_phase_tables_hold_each_phase_at_its_level_where_pooled_bands_do_not():
    """Split-conformal by phase on errors whose spread is 10 times larger by day: every
    phase covers new errors within sampling error of 80%, where the pooled table covers the
    day about half the time and the night always."""
    rng = np.random.default_rng(0)
    spread = np.where(np.arange(24) % 24 >= 12, 10.0, 1.0)  # (phases,)

    def draw(days: int) -> tuple[np.ndarray, np.ndarray]:
        phases = np.tile(np.arange(24), days)[:, None]
        return rng.standard_normal((24 * days, 1)) * spread[phases], phases

    errors, phases = draw(300)
    usable = usable_phases(errors, phases)
    assert usable is not None and usable.all()
    table = with_phases(CalibrationTable.from_errors(errors), errors, phases, usable)
    fresh, at = draw(2000)
    for half in (table.band_for(80, 1, at), table.band_for(80, 1)):
        inside = np.abs(fresh) <= half
        by_phase = np.array([inside[at == p].mean() for p in range(24)])
        if half.shape[0] > 1:  # a quantile of 300 errors: coverage's sd about 0.023 a phase
            assert np.abs(by_phase - 0.8).max() < 0.08 and abs(by_phase.mean() - 0.8) < 0.02
        else:
            assert by_phase[:12].min() > 0.99 and by_phase[12:].max() < 0.65


def _solar_panel(days: int = 80, sites: int = 4) -> pd.DataFrame:
    """Hourly output of ``sites`` solar sites: 0 every night, a day bell times daily clouds."""
    rng = np.random.default_rng(1)
    parts = []
    for k in range(sites):
        stamps = pd.date_range("2023-04-01", periods=days * 24, freq="h")
        bell = np.clip(np.sin(np.pi * (stamps.hour.to_numpy() - 6) / 12), 0, None)
        clouds = np.repeat(rng.uniform(0.3, 1.0, days), 24)
        y = (40 + 10 * k) * bell * clouds * (1 + 0.1 * rng.standard_normal(len(stamps)))
        parts.append(pd.DataFrame({"site": f"s{k}", "ds": stamps, "y": np.where(bell > 0, y, 0.0)}))
    return pd.concat(parts, ignore_index=True)


def test_an_hourly_panel_bands_its_nights_apart_and_keeps_them_through_a_model_file(tmp_path):
    """A fit whose validation reaches 30 days of targets per hour (4 sites x 12 days) gets
    tables by phase: the
    night's band (its errors near 0) is narrower than noon's, which a pooled table gave the
    same width per unit of normaliser; saved and loaded, the bands are the same to the last
    digit. A daily model keeps the pooled table."""
    panel = prepare_panel(_solar_panel(), DataConfig(id_col="site"))
    f = Forecaster(fast_config(horizon=24, lookback=48)).fit(panel)
    assert f.calibration_.by_phase is not None and f.metrics_["phase_tables"] >= 12
    out = f.predict()
    width = out["y-hi-80"] - out["y-lo-80"]
    hour = out.index.get_level_values(1).hour
    assert width[(hour <= 3)].max() < 0.25 * width[hour == 12].min()
    path = tmp_path / "solar.fcst"
    save_model(f, path)
    pd.testing.assert_frame_equal(load_model(path).predict(), out)
    from typer.testing import CliRunner

    from forecast_cli.cli import app

    shown = CliRunner().invoke(app, ["info", str(path)])
    assert f"{f.metrics_['phase_tables']} phases of the day ranked apart" in shown.stdout
    # two days of newer rows join each phase's table (``recalibration``), as in the backtest
    later = _solar_panel(days=82)
    newer = load_model(path).predict(history=prepare_panel(later, DataConfig(id_col="site")))
    assert newer.attrs["recalibrated_windows"] > 0
    width = newer["y-hi-80"] - newer["y-lo-80"]
    hour = newer.index.get_level_values(1).hour
    assert width[(hour <= 3)].max() < 0.25 * width[hour == 12].min()

    daily = _solar_panel(days=200, sites=1).set_index("ds").resample("D").sum(numeric_only=True).reset_index()
    d = Forecaster(fast_config(horizon=7)).fit(prepare_panel(daily, DataConfig()))
    assert d.calibration_.by_phase is None and "phase_tables" not in d.metrics_


def test_a_short_sub_daily_series_keeps_the_pooled_table():
    """One site's validation tail reaches fewer than 30 days: pooled, as before."""
    one = _solar_panel(days=60, sites=1).drop(columns="site")
    f = Forecaster(fast_config(horizon=24, lookback=48)).fit(prepare_panel(one, DataConfig()))
    assert f.calibration_.by_phase is None and f.calibration_phases_ is None


def test_the_backtest_bands_each_fold_by_phase_from_rows_before_its_origin_only():
    """A sub-daily panel's backtest bands by phase (nights narrower than noon) and a fold's
    bands read nothing at or after its origin: the rows from the first origin on changed,
    the first fold's bands are the same to the last digit."""
    from forecast_cli.backtest import run_backtest
    from forecast_cli.run_config import BacktestConfig

    frame = _solar_panel()
    spec = BacktestConfig(folds=2, models=("lstm",), refit="never")
    got = []
    for bump in (0.0, 7.0):
        changed = frame.copy()
        later = changed["ds"] >= changed["ds"].max() - pd.Timedelta(hours=47)  # both folds' steps
        changed.loc[later, "y"] += bump
        result = run_backtest(
            prepare_panel(changed, DataConfig(id_col="site")), fast_config(horizon=24, lookback=48), spec
        )
        rows = result.forecasts[result.forecasts["model"] == "lstm"]
        got.append(rows.sort_values(["site", "origin", "step"]).reset_index(drop=True))
    first = got[0]["origin"] == got[0]["origin"].min()
    pd.testing.assert_frame_equal(
        got[0].loc[first, ["lo-80", "hi-80"]], got[1].loc[first, ["lo-80", "hi-80"]]
    )
    width = got[0]["hi-80"] - got[0]["lo-80"]
    hour = pd.to_datetime(got[0]["timestamp"]).dt.hour
    assert width[hour <= 3].max() < 0.25 * width[hour == 12].min()
