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
from forecast_cli.phase_bands import (
    MAX_PHASES,
    MIN_PHASE_TARGETS,
    day_phases,
    usable_phases,
    window_phases,
    with_phases,
)

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
    """A sub-daily panel's backtest bands by phase (nights narrower than noon), and no fold's
    bands read a row after its origin: with every row after fold k's origin changed, folds
    0..k keep their bands to the last digit, the later folds' tables holding the errors
    since the fit (``origin`` is the last stamp a fold read)."""
    from forecast_cli.backtest import run_backtest
    from forecast_cli.run_config import BacktestConfig

    frame = _solar_panel()
    spec, config = (
        BacktestConfig(folds=3, models=("lstm",), refit="never"),
        fast_config(horizon=24, lookback=48),
    )

    def bands(changed: pd.DataFrame) -> pd.DataFrame:
        result = run_backtest(prepare_panel(changed, DataConfig(id_col="site")), config, spec)
        rows = result.forecasts[result.forecasts["model"] == "lstm"]
        return rows.sort_values(["site", "origin", "step"]).reset_index(drop=True)

    base = bands(frame)
    origins = sorted(pd.to_datetime(base["origin"]).unique())
    for k, origin in enumerate(origins[:-1]):
        changed = frame.copy()
        after = changed["ds"] > origin
        changed.loc[after, "y"] = changed.loc[after, "y"] * 3 + 50
        got = bands(changed)
        upto = pd.to_datetime(base["origin"]) <= origin
        assert upto.sum() == 4 * 24 * (k + 1)
        pd.testing.assert_frame_equal(
            got.loc[upto, ["lo-80", "hi-80", "lo-95", "hi-95"]],
            base.loc[upto, ["lo-80", "hi-80", "lo-95", "hi-95"]],
        )
    width = base["hi-80"] - base["lo-80"]
    hour = pd.to_datetime(base["timestamp"]).dt.hour
    assert width[hour <= 3].max() < 0.25 * width[hour == 12].min()


def test_steps_under_five_minutes_share_a_phase_per_five_minutes():
    """A day of 1-minute phases could never fill a table each (validation keeps 20,000
    windows: 14 a phase), and a day of seconds is 86,400 phases: finer steps share one
    phase per 5 minutes, 288 a day; 5-minute and coarser steps keep their own."""
    minutes = pd.date_range("2024-03-01 00:00", periods=3 * 1440, freq="min")
    np.testing.assert_array_equal(day_phases([minutes], "min"), (minutes.hour * 60 + minutes.minute) // 5)
    seconds = pd.date_range("2024-03-01 23:59:50", periods=3, freq="10s")
    assert day_phases([seconds], "10s").tolist() == [287, 0, 0]
    fives = pd.date_range("2024-03-01", periods=288, freq="5min")
    assert day_phases([fives], "5min").tolist() == list(range(288))
    errors = np.ones((MIN_PHASE_TARGETS, 1))
    assert usable_phases(errors, np.full((MIN_PHASE_TARGETS, 1), MAX_PHASES)) is None  # none beyond


def _labelled_by_their_hours(errors: np.ndarray, phases: np.ndarray) -> None:
    """Errors labelled with their targets' own hours: the solar panel is 0 at 06:00 and
    18:00, so their errors sit near the night's (a stale network's nights are not exactly
    0), far below those of the lit hour beside them; labels one hour early or late put a
    lit hour's errors under 06:00 or 18:00 (measured: 0.38 to 0.53 of the way from the
    night's errors to the lit neighbour's, against 0.27 at most when right)."""
    size = np.abs(np.asarray(errors, dtype=np.float64))

    def mean_at(hour: int) -> float:
        return float(np.nanmean(size[phases == hour]))

    night = float(np.median([mean_at(h) for h in (0, 1, 2, 3, 4, 20, 21, 22, 23)]))
    for edge, lit in ((6, 7), (18, 17)):
        assert (mean_at(edge) - night) / (mean_at(lit) - night) < 0.35, (
            edge,
            mean_at(edge),
            mean_at(lit),
            night,
        )


def test_every_path_labels_each_error_and_step_with_its_own_targets_hour(monkeypatch):
    """Validation's errors, predict's recalibration errors, the backtest's errors since
    the fit and every forecast step (predict's and the backtest's) carry the phase of their
    own target's stamp; a shift of one row in any of them passed every other test."""
    from forecast_cli import network_bands, prediction, recalibration
    from forecast_cli.backtest import run_backtest
    from forecast_cli.run_config import BacktestConfig

    pooled: dict[str, list] = {"recalibration": [], "backtest": [], "bands": [], "parts": []}

    def spy(name, real):
        def wrapped(table, errors, phases, usable):
            pooled[name].append((errors, phases))
            return real(table, errors, phases, usable)

        return wrapped

    monkeypatch.setattr(recalibration, "with_phases", spy("recalibration", recalibration.with_phases))
    monkeypatch.setattr(network_bands, "with_phases", spy("backtest", network_bands.with_phases))
    real_bands, real_parts = prediction.bands, network_bands.band_parts
    monkeypatch.setattr(
        prediction, "bands", lambda *a, **k: pooled["bands"].append(k["phases"]) or real_bands(*a, **k)
    )
    monkeypatch.setattr(
        "forecast_cli.backtest_fits.band_parts",
        lambda *a: pooled["parts"].append(real_parts(*a)) or pooled["parts"][-1],
    )

    config = fast_config(horizon=24, lookback=48)
    f = Forecaster(config).fit(prepare_panel(_solar_panel(), DataConfig(id_col="site")))
    _labelled_by_their_hours(f.calibration_errors_, f.calibration_phases_)
    out = f.predict(history=prepare_panel(_solar_panel(days=90), DataConfig(id_col="site")))
    (errors, phases), base = pooled["recalibration"][0], len(f.calibration_errors_)
    _labelled_by_their_hours(errors[base:], phases[base:])  # the windows since training
    hours = out.index.get_level_values(1).hour.to_numpy().reshape(-1, 24)
    np.testing.assert_array_equal(pooled["bands"][-1], hours)

    result = run_backtest(
        prepare_panel(_solar_panel(), DataConfig(id_col="site")),
        config,
        BacktestConfig(folds=6, models=("lstm",), refit="never"),
    )
    (part,) = pooled["parts"]
    errors, phases = max(pooled["backtest"], key=lambda t: len(t[0]))  # the last fold's: the most since
    since = len(part.base)
    _labelled_by_their_hours(errors[since:], phases[since:])
    rows = result.forecasts[result.forecasts["model"] == "lstm"].sort_values(["site", "origin", "step"])
    stamps = pd.to_datetime(rows["timestamp"]).dt.hour.to_numpy().reshape(-1, 24)
    np.testing.assert_array_equal(part.row_phase, stamps)
