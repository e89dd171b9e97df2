"""The long-run drift input: its value by hand, no leakage past the origin or across series,
the plan's rule, and the same number in training, validation, predict and a loaded model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from forecast_cli import origin_forecasts
from forecast_cli.backtest import run_backtest
from forecast_cli.config import DataConfig, ForecastConfig, ModelConfig, TrainConfig, WindowConfig
from forecast_cli.drift import drift, with_drift
from forecast_cli.forecaster import Forecaster
from forecast_cli.modelfile import load_model, save_model
from forecast_cli.panel import prepare_panel
from forecast_cli.plan import resolve_plan
from forecast_cli.recalibration import window_errors
from forecast_cli.run_config import BacktestConfig
from forecast_cli.windows import panel_split

from .conftest import fast_config
from .test_panel import long_panel


def test_drift_is_the_mean_change_over_the_span_times_the_horizon():
    target = np.array([1.0, 2.0, 4.0, 7.0, 11.0, 100.0, 200.0, 300.0])  # two series: rows 0-4, 5-7
    origins = np.array([5, 3, 2, 8, 6])
    starts = np.array([0, 0, 0, 5, 5])
    got = drift(target, origins, starts, rows=3, horizon=2)
    # origin 5: rows 1..4, (11 - 2) / 3 * 2 = 6; origin 3: only 2 rows back, (4 - 1) / 2 * 2 = 3;
    # origin 2: (2 - 1) / 1 * 2 = 2; origin 8: (300 - 100) / 2 * 2 = 200; origin 6: no row back, 0
    np.testing.assert_allclose(got, [6.0, 3.0, 2.0, 200.0, 0.0])
    as_torch = drift(torch.tensor(target), torch.tensor(origins), torch.tensor(starts), 3, 2)
    np.testing.assert_allclose(as_torch.numpy(), got)


@given(
    st.lists(st.floats(-1e3, 1e3), min_size=12, max_size=40),
    st.integers(1, 11),
    st.integers(1, 20),
)
def test_drift_reads_only_its_span_before_the_origin(values, origin, rows):
    """Changing any row at or after the origin, or before the span, changes nothing."""
    y = np.array(values)
    base = drift(y, np.array([origin]), np.array([0]), rows, 3)
    used = set(range(max(0, origin - 1 - rows), origin))
    for r in range(len(y)):
        if r in (origin - 1, max(0, origin - 1 - rows)):
            continue
        bumped = y.copy()
        bumped[r] += 1e6
        after = drift(bumped, np.array([origin]), np.array([0]), rows, 3)
        if r not in used:
            assert after[0] == base[0]


def test_with_drift_puts_the_value_in_column_1_on_every_step():
    windows = np.arange(2 * 3 * 2, dtype=np.float32).reshape(2, 3, 2)  # (batch, steps, features)
    out = with_drift(windows, np.array([[7.0], [9.0]]))
    assert out.shape == (2, 3, 3) and out.dtype == np.float32
    np.testing.assert_array_equal(out[..., 0], windows[..., 0])
    np.testing.assert_array_equal(out[..., 2], windows[..., 1])
    assert (out[0, :, 1] == 7).all() and (out[1, :, 1] == 9).all()
    as_torch = with_drift(torch.from_numpy(windows), torch.tensor([[7.0], [9.0]]))
    np.testing.assert_array_equal(as_torch.numpy(), out)


@pytest.mark.parametrize(
    ("drift_option", "series", "transform", "rows"),
    [
        ("auto", 3, "auto", 48),
        ("auto", 1, "auto", 0),
        ("on", 1, "auto", 48),
        ("off", 3, "auto", 0),
        ("on", 3, "diff", 0),
    ],
)
def test_the_plan_gives_panels_the_drift_over_four_lookbacks(drift_option, series, transform, rows):
    cfg = fast_config(lookback=12, horizon=6)
    cfg.model.drift = drift_option
    cfg.model.combine = "none"  # the smoother reads rows of its own (test_damped_trend)
    cfg.scaling.transform = transform
    ys = [np.linspace(10, 20, 80)] * series
    plan = resolve_plan(cfg, "MS", ys)
    assert plan.drift_rows == rows
    assert plan.history_rows == max(plan.context_rows, rows + 1 + plan.first_row)
    assert ("drift rows" in "; ".join(plan.lines())) == bool(rows)


def _rising_and_falling(n_series: int, rows: int, seed: int) -> pd.DataFrame:
    """Series that rise or fall by 1 a day, hidden by noise in a 4-step lookback."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2020-01-01", periods=rows, freq="D")
    parts = []
    for i in range(n_series):
        step = 1.0 if i % 2 == 0 else -1.0
        y = 300 + 20 * i + step * np.arange(rows) + rng.normal(0, 4, rows)
        parts.append(pd.DataFrame({"id": f"s{i}", "t": days, "y": y}))
    return pd.concat(parts, ignore_index=True)


def _config(drift_option: str) -> ForecastConfig:
    return ForecastConfig(
        data=DataConfig(target="y", id_col="id", calendar=("none",)),
        window=WindowConfig(lookback=4, horizon=10),
        model=ModelConfig(hidden=8, drift=drift_option, combine="none"),  # the network's drift alone
        train=TrainConfig(epochs=20, lr=1e-2, batch_size=32),
    )


def test_the_drift_tells_rising_series_from_falling_ones_the_window_cannot():
    """What the input is for: a 4-step window cannot tell a +1 a day series from a -1 one
    under noise of 4; the drift over 16 steps can, also for series never seen."""
    train = _rising_and_falling(8, 120, seed=0)
    new = _rising_and_falling(6, 130, seed=1)
    history = new.groupby("id").head(120).reset_index(drop=True)
    actual = new.groupby("id").nth(list(range(120, 130)))["y"].to_numpy()
    errors = {}
    for option in ("off", "auto"):
        cfg = _config(option)
        fitted = Forecaster(cfg).fit(prepare_panel(train, cfg.data))
        pred = fitted.predict(prepare_panel(history, cfg.data), levels=())["y"].to_numpy()
        errors[option] = np.mean(np.abs(pred - actual))
    assert errors["auto"] < 0.8 * errors["off"]  # measured 0.66; 0.51-0.81 over three seed pairs


def test_predict_from_the_stored_history_equals_predict_from_the_whole_series(tmp_path):
    """The model keeps the rows the drift spans, so forecasting from what it stored (and
    from a loaded file) is forecasting from the whole series."""
    cfg = fast_config(lookback=12, horizon=6)
    panel = prepare_panel(long_panel(lengths=(60, 84, 48, 30, 72)), cfg.data)
    fitted = Forecaster(cfg).fit(panel)
    assert fitted.plan_.drift_rows == 48
    stored = fitted.predict(levels=())
    pd.testing.assert_frame_equal(stored, fitted.predict(panel, levels=()))
    loaded = load_model(save_model(fitted, tmp_path / "m.fcst"))
    pd.testing.assert_frame_equal(loaded.predict(levels=()), stored)
    shortened = fitted.predict(
        prepare_panel(long_panel(lengths=(60, 84, 48, 30, 72)).groupby("unique_id").tail(20), cfg.data),
        levels=(),
    )
    assert not np.allclose(shortened.to_numpy(), stored.to_numpy(), rtol=1e-6)  # the span matters
    assert any(
        "fewer rows than the 60 a forecast reads (the long-run drift input's 48 steps, the damped trend's 60 rows)"
        in n
        for n in shortened.attrs["notes"]
    )
    assert not any("drift" in n for n in stored.attrs["notes"])  # short series' own rows are all kept


def test_validation_forecasts_read_the_whole_drift_span():
    """Validation reads each series' tail only; the tail must reach back as far as the
    drift does, or its errors (and the bands ranked from them) come from other forecasts
    than the model makes from the whole series."""
    cfg = fast_config(lookback=12, horizon=6)
    panel = prepare_panel(long_panel(lengths=(60, 84, 48, 30, 72)), cfg.data)
    fitted = Forecaster(cfg).fit(panel)
    split = panel_split(panel.lengths, 12, 6, cfg.window.val_fraction, cfg.window.window_stride)
    members = split.series_of_val
    errors = window_errors(
        fitted,
        fitted.inputs(panel),
        split.val_origins,
        split.bounds,
        members,
        members,
        clamp_future=True,
        series=np.arange(len(panel)),
        statics=fitted.train_statics(),
    )
    np.testing.assert_allclose(errors, fitted.calibration_errors_, rtol=1e-5, atol=1e-6)


def test_a_panel_predict_on_newer_rows_gives_the_backtest_band_of_that_fold():
    """With the drift input, recalibration must read the rows the drift spans before each
    new window, as the backtest does from the start of each series: then ``predict`` with
    the model fitted at the first origin and the history up to the third gives the
    backtest's third fold, forecast and band."""
    rng = np.random.default_rng(0)
    t = np.arange(96)
    raw = pd.concat(
        pd.DataFrame(
            {
                "unique_id": f"S{i}",
                "ds": pd.date_range("2000-01-01", periods=96, freq="MS"),
                "y": 10.0 ** (i + 1) * (1 + 0.2 * np.sin(2 * np.pi * t / 12) + 0.01 * (i + 1) * t)
                + 0.2 * 10.0**i * rng.standard_normal(96),
            }
        )
        for i in range(3)
    )
    cfg = fast_config(lookback=12, horizon=6)
    spec = BacktestConfig(folds=3, refit="never", models=("lstm",), baselines=False)
    result = run_backtest(prepare_panel(raw, DataConfig()), cfg, spec)
    first, last = result.folds[0].origin, result.folds[2].origin  # rows; every series ends together
    up_to = raw.groupby("unique_id").head
    fitted = Forecaster(cfg).fit(prepare_panel(up_to(first).reset_index(drop=True), DataConfig()))
    assert fitted.plan_.drift_rows == 48
    out = fitted.predict(prepare_panel(up_to(last).reset_index(drop=True), DataConfig()))
    fold = result.forecasts[result.forecasts["origin"] == raw["ds"].iloc[last - 1]]
    for column in ("forecast", "lo-80", "hi-80", "lo-95", "hi-95"):
        got = out["y" if column == "forecast" else f"y-{column}"].to_numpy()
        np.testing.assert_allclose(got, fold[column].to_numpy(), rtol=1e-6)
    assert out.attrs["recalibrated_windows"] == 3 * (last - first)


def test_a_sliding_window_backtest_forecasts_as_the_window_trained_model_predicts():
    """--window sliding: each fold's model trains on the last --train-size rows, and its
    forecast reads no older row (the drift and the damped trend span more than the window here), so the fold
    equals that model's own ``predict`` from the rows it was trained on."""
    frame = long_panel(lengths=(96, 96, 96))
    frame["ds"] = np.tile(pd.date_range("2000-01-01", periods=96, freq="MS"), 3)  # end together
    cfg = fast_config(lookback=6, horizon=6)
    spec = BacktestConfig(
        folds=2, refit="always", window="sliding", train_size=20, models=("lstm",), baselines=False
    )
    result = run_backtest(prepare_panel(frame, DataConfig()), cfg, spec)
    fold = result.folds[1]
    assert fold.train_start > 0
    window = frame.groupby("unique_id").nth(list(range(fold.train_start, fold.origin))).reset_index(drop=True)
    fitted = Forecaster(cfg).fit(prepare_panel(window, DataConfig()))
    assert fitted.plan_.drift_rows == 24 and fitted.plan_.damped_rows == fitted.plan_.history_rows == 50
    want = fitted.predict(levels=())["y"].to_numpy()
    got = result.forecasts[result.forecasts["origin"] == frame["ds"].iloc[fold.origin - 1]]["forecast"]
    np.testing.assert_allclose(got.to_numpy(), want, rtol=1e-6)


def test_training_windows_read_the_same_drift_as_forecasts_for_the_same_origins(monkeypatch):
    """The batches training draws and the windows ``forecast_origins`` builds carry the
    same drift column, to the bit, for the same origins (a drift that read the origin's
    own row in training only, or ignored where a series starts, would differ)."""
    from forecast_cli.window_batches import WindowBatches

    cfg = fast_config(lookback=12, horizon=6)
    panel = prepare_panel(long_panel(lengths=(60, 84, 48, 30, 72)), cfg.data)
    fitted = Forecaster(cfg).fit(panel)
    values = fitted.inputs(panel)
    scaled = np.concatenate(
        [
            fitted.scalers_[i].transform(fitted._transformed(values[panel.offsets[i] : panel.offsets[i + 1]]))
            for i in range(len(panel))
        ]
    ).astype(np.float32)
    bounds = np.asarray(panel.offsets)
    origins = np.concatenate([bounds[i] + np.arange(12, panel.lengths[i] - 6) for i in range(len(panel))])
    batches = WindowBatches(
        torch.from_numpy(scaled), 12, 6, torch.as_tensor(bounds), drift_rows=48, drift_horizon=6
    )
    x, _, _ = batches.get(torch.as_tensor(origins, dtype=torch.int32))  # (windows, lookback, features + 1)
    seen = []
    real = origin_forecasts.run_network

    def spy(f, windows, horizon, spread=False):
        seen.append(windows.copy())
        return real(f, windows, horizon, spread)

    monkeypatch.setattr(origin_forecasts, "run_network", spy)
    fitted.forecast_origins(
        values, origins, bounds, series=np.arange(len(panel)), statics=fitted.train_statics()
    )
    built = np.concatenate(seen)[: len(origins)]  # passes are padded to one batch shape
    np.testing.assert_array_equal(built[..., 1], x[..., 1].numpy())
    assert np.unique(x[:, 0, 1].numpy()).size > len(panel)  # it varies within a series too


def test_a_single_series_given_fewer_rows_than_kept_is_called_the_data_not_series_blank(monthly_frame):
    """A model of one series has no id: the note said "series '': fewer rows than ..."."""
    from forecast_cli.series import prepare_series

    fitted = Forecaster(fast_config(lookback=12, horizon=6)).fit(prepare_series(monthly_frame, DataConfig()))
    assert fitted.plan_.history_rows > 20
    notes = fitted.predict(prepare_series(monthly_frame.tail(20), DataConfig()), levels=()).attrs["notes"]
    assert any(
        n.startswith(f"the data: fewer rows than the {fitted.plan_.history_rows} a forecast reads")
        for n in notes
    ), notes
    assert not any("series ''" in n for n in notes)
