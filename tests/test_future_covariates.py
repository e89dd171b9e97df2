"""Known-future covariates: they reach the network over the forecast steps, their absence
is refused by name, the backtest reads nothing else after an origin, and models without
them give exactly the numbers they gave before."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from forecast_cli import weight_average
from forecast_cli.backtest import run_backtest
from forecast_cli.config import DataConfig, ForecastConfig, ModelConfig, TrainConfig, WindowConfig
from forecast_cli.errors import DataError, UsageError
from forecast_cli.forecaster import Forecaster
from forecast_cli.future_data import FutureTable, read_future
from forecast_cli.modelfile import load_model, save_model
from forecast_cli.panel import prepare_panel
from forecast_cli.run_config import BacktestConfig
from forecast_cli.series import load_series

from .conftest import SAMPLE, windows_read


def _driven_panel(rows: int = 240) -> pd.DataFrame:
    """Two daily series driven by a random, known-in-advance covariate: unforecastable without it."""
    rng = np.random.default_rng(0)
    frames = []
    for name, base in (("a", 50.0), ("b", 80.0)):
        promo = rng.integers(0, 2, rows).astype(float)
        frames.append(
            pd.DataFrame(
                {
                    "id": name,
                    "day": pd.date_range("2020-01-01", periods=rows, freq="D").strftime("%Y-%m-%d"),
                    "sales": base + 20 * promo + rng.normal(0, 0.5, rows),
                    "promo": promo,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _config(future=(), **data) -> ForecastConfig:
    return ForecastConfig(
        data=DataConfig(
            target="sales", id_col="id", future_features=tuple(future), calendar=("none",), **data
        ),
        window=WindowConfig(lookback=7, horizon=3),
        model=ModelConfig(hidden=8),
        train=TrainConfig(epochs=20, batch_size=32, lr=1e-2),
    )


def _future(frame: pd.DataFrame, start: int) -> FutureTable:
    tail = frame.groupby("id").nth(list(range(start, start + 3)))
    return read_future(tail, ("promo",), "id", "day")


def test_a_known_future_covariate_reaches_the_forecast_steps():
    raw = _driven_panel()
    history = raw.groupby("id").head(230).reset_index(drop=True)
    actual = raw.groupby("id").nth([230, 231, 232])["sales"].to_numpy()
    errors = {}
    for future in ((), ("promo",)):
        cfg = _config(future)
        fitted = Forecaster(cfg).fit(prepare_panel(history, cfg.data))
        table = _future(raw, 230) if future else None
        pred = fitted.predict(levels=(), future=table)["sales"].to_numpy()
        errors[future] = np.mean(np.abs(pred - actual))
    assert errors[("promo",)] < 0.5 * errors[()]  # the promo swings sales by 20


def test_missing_future_values_name_the_series_and_first_missing_steps():
    raw = _driven_panel(120)
    cfg = _config(("promo",))
    fitted = Forecaster(dataclasses.replace(cfg, train=TrainConfig(epochs=1))).fit(
        prepare_panel(raw, cfg.data)
    )
    with pytest.raises(UsageError, match="--future-data"):
        fitted.predict(levels=())
    future = pd.DataFrame(
        {
            "id": ["a", "a", "a", "b"],
            "day": ["2020-04-30", "2020-05-01", "2020-05-02", "2020-04-30"],
            "promo": 1.0,
        }
    )
    with pytest.raises(DataError, match=r"lacks promo for series 'b' at 2020-05-01.*2020-05-02 \(2 of 3"):
        fitted.predict(levels=(), future=read_future(future, ("promo",), "id", "day"))
    complete = pd.concat(
        [future, future.iloc[3:].assign(day="2020-05-01"), future.iloc[3:].assign(day="2020-05-02")]
    )
    out = fitted.predict(levels=(), future=read_future(complete, ("promo",), "id", "day"))
    assert out.shape == (6, 1) and np.isfinite(out.to_numpy()).all()
    renamed = complete.assign(id=complete["id"].map({"a": "shop_a", "b": "shop_b"}))
    with pytest.raises(  # ids the file holds, which the data names otherwise
        DataError, match=r"has no rows for series 'a' \(its ids: 'shop_a', 'shop_b'\); add its future values"
    ):
        fitted.predict(levels=(), future=read_future(renamed, ("promo",), "id", "day"))


def test_backtest_reads_only_known_future_columns_after_an_origin():
    raw = _driven_panel(150)
    cfg = dataclasses.replace(_config(("promo",)), train=TrainConfig(epochs=2))
    spec = BacktestConfig(folds=2, models=("gru",), baselines=False)
    first = run_backtest(prepare_panel(raw, cfg.data), cfg, spec)
    changed = raw.copy()
    last = changed.groupby("id").tail(3).index  # the last fold's target rows
    changed.loc[last, "sales"] += 1000.0
    second = run_backtest(prepare_panel(changed, cfg.data), cfg, spec)
    np.testing.assert_array_equal(first.forecasts["forecast"], second.forecasts["forecast"])


def test_calendar_model_round_trips_through_its_file(tmp_path):
    """Taylor's last 24 days, moved three weeks on so that their training rows hold the
    English August bank holiday (28 August 2000): a holiday input needs one to learn from."""
    series = load_series(SAMPLE / "taylor_halfhourly.csv", DataConfig())
    frame = series.frame.iloc[-24 * 48 :]
    frame = frame.set_axis(frame.index + pd.Timedelta(days=21))
    series = dataclasses.replace(series, frame=frame)
    cfg = ForecastConfig(
        data=DataConfig(calendar=("hour", "dow", "holiday"), country="GB", subdiv="ENG"),
        window=WindowConfig(lookback=96, horizon=48),
        model=ModelConfig(hidden=8),
        train=TrainConfig(epochs=1),
    )
    fitted = Forecaster(cfg).fit(series)
    assert fitted.plan_.calendar == ("hour", "dow", "holiday") and fitted.future_inputs == 5
    save_model(fitted, tmp_path / "m.fcst")
    loaded = load_model(tmp_path / "m.fcst")
    assert loaded.plan_.calendar == fitted.plan_.calendar
    pd.testing.assert_frame_equal(loaded.predict(levels=()), fitted.predict(levels=()))


def test_recursive_strategy_rolls_calendar_features_forward_past_the_trained_horizon(monkeypatch):
    """Each rolled step reads its own step's hour. With a lookback of one day of
    half-hours, the window for step t starts at t - 48, the same hour of day, so its first
    and last rows must carry the same calendar values at every one of the 60 steps (15
    times the trained horizon), and those values must change from step to step. A roll
    that reused step 1's hour moved the forecasts by up to 38,000 (of about 5,400) while
    the forecasts stayed finite."""
    series = load_series(SAMPLE / "taylor_halfhourly.csv", DataConfig())
    series = dataclasses.replace(series, frame=series.frame.iloc[-14 * 48 :])
    cfg = ForecastConfig(
        data=DataConfig(calendar=("hour",)),
        window=WindowConfig(lookback=48, horizon=4),
        model=ModelConfig(hidden=8, strategy="recursive"),
        train=TrainConfig(epochs=1),
    )
    fitted = Forecaster(cfg).fit(series)
    seen = windows_read(fitted, monkeypatch)
    out = fitted.predict(horizon=60, levels=())
    assert len(out) == 60 and np.isfinite(out.to_numpy()).all()
    assert len(seen) == 60 and all(x.shape[1] == 49 for x in seen)  # one window per step: 48 + its own row
    for x in seen:
        np.testing.assert_array_equal(x[:, 0, 1:].numpy(), x[:, -1, 1:].numpy())
    hours = {tuple(x[0, -1, 1:].tolist()) for x in seen}
    assert len(hours) == 48  # 60 steps cover every half-hour of the day


def test_a_model_without_known_future_inputs_predicts_as_before(monkeypatch):
    """Numbers recorded from the code before known-future inputs existed (same seed), which
    kept the live weights: with the weight average off, training is that code's (bit for bit
    on this machine and torch build; within 1e-6 relative on another)."""
    monkeypatch.setattr(weight_average, "HALF_LIFE_EPOCHS", 0.0)
    series = load_series(SAMPLE / "airpassengers.csv", DataConfig())
    cfg = ForecastConfig(model=ModelConfig(hidden=8, combine="none"), train=TrainConfig(epochs=3, seed=7))
    fitted = Forecaster(cfg).fit(series)  # the network alone, as then (no damped trend)
    assert fitted.future_inputs == 0
    expected = [
        512.5804365314355, 436.7327761142493, 519.5472832088271, 458.9492410590359,
        518.8963693660281, 557.6242131253182, 757.9725889210728, 748.1945321888327,
        550.8347354116803, 450.5504003463059, 448.97788985055183, 541.0041032264091,
    ]  # fmt: skip
    # bit for bit on this project's torch and machine; another build's float32 kernels
    # differ in the last digits (5e-8 relative on a GPU host's Xeon with torch 2.11), while
    # any change to the training moves these by orders of magnitude more
    np.testing.assert_allclose(fitted.predict(levels=()).iloc[:, 0], expected, rtol=1e-6, atol=0)


def test_future_rows_repeating_an_hour_of_a_clock_change_are_told_to_write_offsets():
    """bad input: a --future-data file in local time without offsets, whose 01:00 repeats
    when the clocks go back (two rows, two values) -> exit 2, "write the rows with their
    UTC offsets" (it said "keep one row per timestamp", and both rows are needed); a
    conflict on another night keeps that advice"""
    from forecast_cli.future_data import _refuse_conflicts

    def part(stamp: str) -> pd.DataFrame:
        index = pd.DatetimeIndex(["2023-10-29 00:00", stamp, stamp, "2023-10-29 02:00"])
        return pd.DataFrame({"temp": [1.0, 2.0, 3.0, 4.0]}, index=index)

    with pytest.raises(
        DataError, match=r"if the hour repeats at a clock change, write the rows with their UTC offsets"
    ):
        _refuse_conflicts(part("2023-10-29 01:00"), "", "fut.csv")
    with pytest.raises(DataError, match=r"keep one row per timestamp$"):
        _refuse_conflicts(part("2023-10-25 01:00").sort_index(), "", "fut.csv")
