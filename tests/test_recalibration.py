"""Bands recalibrated on the windows since training: at predict they equal the backtest's
band for the same fold, grow with errors the model never saw, and survive the model file."""

from __future__ import annotations

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from forecast_cli import prediction
from forecast_cli.backtest import run_backtest
from forecast_cli.cli import app
from forecast_cli.config import DataConfig
from forecast_cli.forecaster import Forecaster
from forecast_cli.modelfile import load_model, save_model
from forecast_cli.run_config import BacktestConfig
from forecast_cli.series import prepare_series

from .conftest import FAST_TRAIN, fast_config

BANDS = ["sales-lo-80", "sales-hi-80", "sales-lo-95", "sales-hi-95"]


def _series(frame, rows):
    return prepare_series(frame.iloc[:rows], DataConfig())


def test_predict_on_newer_rows_gives_the_backtest_band_of_that_fold(monthly_frame):
    """refit never: the backtest's third fold is forecast by the model fitted at the first
    origin; ``predict`` with that model and the history up to the third origin gives the
    same band, so the coverage a backtest reports is the coverage ``predict`` delivers."""
    cfg = fast_config(lookback=12, horizon=6)
    spec = BacktestConfig(folds=3, refit="never", models=("lstm",), baselines=False)
    result = run_backtest(_series(monthly_frame, 120), cfg, spec)
    first, last = result.folds[0], result.folds[2]
    fitted = Forecaster(cfg).fit(_series(monthly_frame, first.origin))
    out = fitted.predict(_series(monthly_frame, last.origin))
    fold = result.forecasts[result.forecasts["origin"] == monthly_frame["month"][last.origin - 1]]
    # rtol 1e-6: the backtest forecasts every fold in one batch and predict one window, and
    # torch's float32 CPU kernels sum in a batch-size-dependent order (about 1e-8 relative);
    # a band from other calibration windows would differ by percents
    for column in ("forecast", "lo-80", "hi-80", "lo-95", "hi-95"):
        got = out["sales" if column == "forecast" else f"sales-{column}"].to_numpy()
        np.testing.assert_allclose(got, fold[column].to_numpy(), rtol=1e-6)
    assert out.attrs["recalibrated_windows"] == last.origin - first.origin


def test_errors_the_model_never_saw_widen_the_band_not_the_forecast(monthly_frame, tmp_path, monkeypatch):
    # 90 rows calibrate on fewer windows than a 95% band needs, so the model alone would
    # take seasonal naive's band on the history, jump included (``naive_floor``): compared
    # here is the calibration, without that floor
    monkeypatch.setattr(prediction, "thin", lambda table: False)
    fitted = Forecaster(fast_config(lookback=12, horizon=6)).fit(_series(monthly_frame, 90))
    jumped = monthly_frame.copy()
    jumped.loc[90:101, "sales"] += 60.0  # a year after training, then back to normal
    history = _series(jumped, 120)
    recalibrated = fitted.predict(history)
    kept = fitted.calibration_errors_
    fitted.calibration_errors_ = None  # a model that kept only its table
    plain = fitted.predict(history)
    fitted.calibration_errors_ = kept
    pd.testing.assert_series_equal(recalibrated["sales"], plain["sales"])
    # 12 of the 30 new windows' errors at each step are the jump's: past 5%, so the 95%
    # band takes one of them (the 80% band may narrow: the other new errors are small)
    widths = lambda f: (f["sales-hi-95"] - f["sales-lo-95"]).to_numpy()  # noqa: E731
    assert np.all(widths(recalibrated) > widths(plain))
    assert plain.attrs["recalibrated_windows"] == 0 and recalibrated.attrs["recalibrated_windows"] == 30
    loaded = load_model(save_model(fitted, tmp_path / "m.fcst"))
    pd.testing.assert_frame_equal(loaded.predict(history), recalibrated)


def test_the_training_history_itself_changes_nothing(monthly_frame):
    fitted = Forecaster(fast_config(lookback=12, horizon=6)).fit(_series(monthly_frame, 100))
    stored = fitted.predict()
    again = fitted.predict(_series(monthly_frame, 100))
    pd.testing.assert_frame_equal(again[BANDS], stored[BANDS])
    assert again.attrs["notes"] == [] and again.attrs["recalibrated_windows"] == 0


def _trained_on_first_100(tmp_path, monthly_csv):
    """(the CSV's lines, the first 100 rows' file, a model trained on them by the CLI)."""
    lines = monthly_csv.read_text().splitlines()
    older = tmp_path / "older.csv"
    older.write_text("\n".join(lines[:101]) + "\n")  # header + 100 rows
    model = tmp_path / "m.fcst"
    trained = CliRunner().invoke(
        app, ["train", str(older), "-H", "6", "-L", "12", *FAST_TRAIN, "-o", str(model), "-q"]
    )
    assert trained.exit_code == 0, trained.stderr
    return lines, older, model


def test_the_cli_says_on_stderr_how_many_windows_joined(tmp_path, monthly_csv):
    _, older, model = _trained_on_first_100(tmp_path, monthly_csv)
    runner = CliRunner()
    out = runner.invoke(app, ["predict", "-m", str(model), str(monthly_csv), "-f", "csv"])
    assert out.exit_code == 0, out.stderr
    assert "bands: 20 window(s) after the training data joined its validation errors" in out.stderr
    assert out.stdout.splitlines()[1].startswith("2020-01,")  # after the newer data's end
    same = runner.invoke(app, ["predict", "-m", str(model), str(older), "-f", "csv"])
    assert "window(s) after the training data" not in same.stderr


def test_a_gap_after_training_skips_the_windows_that_read_it(monthly_frame):
    fitted = Forecaster(fast_config(lookback=12, horizon=6)).fit(_series(monthly_frame, 90))
    history = _series(monthly_frame, 120)
    history.frame.iloc[100, 0] = np.nan  # row 100: read by the windows at origins 101..113
    out = fitted.predict(history)
    assert out.attrs["recalibrated_windows"] == 30 - fitted.context_rows
    assert np.isfinite(out.to_numpy()).all()


def test_filled_rows_are_no_actuals_for_the_windows_since_training(tmp_path, monthly_csv):
    """bad input: newer rows with a gap (filled by the loader) given to predict -> the bands join only windows with a step that was read, as the backtest scores only read steps (was: errors against the fill's straight line)"""
    lines, _, model = _trained_on_first_100(tmp_path, monthly_csv)
    gappy = tmp_path / "gappy.csv"
    gappy.write_text("\n".join(lines[:101] + lines[-1:]) + "\n")  # then only the 120th month
    out = CliRunner().invoke(app, ["predict", "-m", str(model), str(gappy), "-f", "csv"])
    assert out.exit_code == 0, out.stderr
    assert "19 gaps filled" in out.stderr
    # windows from months 101..120 whose six steps reach month 120: those from 115 on
    assert "bands: 6 window(s) after the training data joined its validation errors" in out.stderr
