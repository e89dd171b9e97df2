"""--id-embedding: a learned per-series embedding (off by default) that tells the network
what a short history cannot, and refuses series it never saw."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli.backtest import run_backtest
from forecast_cli.cli import app
from forecast_cli.config import DataConfig, ForecastConfig, ModelConfig, TrainConfig, WindowConfig
from forecast_cli.errors import UsageError
from forecast_cli.forecaster import Forecaster
from forecast_cli.modelfile import load_model, save_model
from forecast_cli.panel import prepare_panel
from forecast_cli.run_config import BacktestConfig

from .conftest import FAST_TRAIN, windows_read

runner = CliRunner()


def _drifting(rows: int = 200) -> pd.DataFrame:
    """Three series whose drift (+1, -1, 0 a step) is hidden by noise in a 4-step lookback."""
    rng = np.random.default_rng(0)
    days = pd.date_range("2020-01-01", periods=rows, freq="D").strftime("%Y-%m-%d")
    return pd.concat(
        [
            pd.DataFrame({"id": name, "t": days, "y": 500 + drift * np.arange(rows) + rng.normal(0, 4, rows)})
            for name, drift in (("up", 1.0), ("down", -1.0), ("flat", 0.0))
        ],
        ignore_index=True,
    )


def _config(embedding: int, **model) -> ForecastConfig:
    """The drift input and the damped-trend average are off: they too tell these series apart."""
    return ForecastConfig(
        data=DataConfig(target="y", id_col="id", calendar=("none",)),
        window=WindowConfig(lookback=4, horizon=10),
        model=ModelConfig(hidden=8, id_embedding=embedding, **{"drift": "off", "combine": "none", **model}),
        train=TrainConfig(epochs=20, lr=1e-2, batch_size=32),
    )


def test_the_embedding_learns_what_a_short_history_does_not_show():
    raw = _drifting()
    history = raw.groupby("id").head(190).reset_index(drop=True)
    actual = raw.groupby("id").nth(list(range(190, 200))).sort_values("id", kind="stable")["y"].to_numpy()
    errors = {}
    for embedding in (0, 4):
        cfg = _config(embedding)
        pred = Forecaster(cfg).fit(prepare_panel(history, cfg.data)).predict(levels=())["y"].to_numpy()
        errors[embedding] = np.mean(np.abs(pred - actual))
    # seeds 0-3: 3.2-3.3 against 5.2-5.3; 3.19 = E|N(0, 4)| is the noise floor, so the embedding
    # learns all there is (with the drift input on, the model without it gets 3.6-3.8)
    assert errors[4] < 0.8 * errors[0]


def test_unseen_series_are_refused_and_the_model_file_keeps_the_embedding(tmp_path):
    raw = _drifting(80)
    cfg = dataclasses.replace(_config(3), train=TrainConfig(epochs=1))
    fitted = Forecaster(cfg).fit(prepare_panel(raw, cfg.data))
    save_model(fitted, tmp_path / "m.fcst")
    loaded = load_model(tmp_path / "m.fcst")
    pd.testing.assert_frame_equal(loaded.predict(levels=()), fitted.predict(levels=()))
    renamed = prepare_panel(raw.replace({"id": {"up": "new"}}), cfg.data)
    with pytest.raises(UsageError, match=r"series 'new' was not in training: a model with --id-embedding"):
        loaded.predict(renamed, levels=())


def test_recursive_strategy_and_backtest_carry_the_series_index(monkeypatch):
    """Every row of every rolled window carries its series' index, past the lookback too
    (the network reads the first row's): a roll that wrote 0 into new rows gave series 1
    and 2 series 0's embedding from step 5 on, and their forecasts stayed finite."""
    raw = _drifting(80)
    cfg = dataclasses.replace(_config(2, strategy="recursive"), train=TrainConfig(epochs=1))
    fitted = Forecaster(cfg).fit(prepare_panel(raw, cfg.data))
    seen = windows_read(fitted, monkeypatch)
    out = fitted.predict(horizon=15, levels=())
    assert out.shape == (45, 1) and np.isfinite(out.to_numpy()).all()
    assert len(seen) == 15  # one window per step, the 3 series batched (and padded after them)
    for x in seen:
        np.testing.assert_array_equal(
            x[:3, :, -1].numpy(), np.repeat([[0.0], [1.0], [2.0]], x.shape[1], axis=1)
        )
    result = run_backtest(prepare_panel(raw, cfg.data), cfg, BacktestConfig(folds=2, models=("gru",)))
    assert np.isfinite(result.leaderboard.loc["gru", "mase"])


def test_cli_predict_on_an_unseen_series_names_it(tmp_path):
    """bad input: predict on a series the model never saw when it was trained with
    --id-embedding -> exit 2, naming the series"""
    data, other = tmp_path / "d.csv", tmp_path / "other.csv"
    raw = _drifting(80)
    raw.to_csv(data, index=False)
    raw.replace({"id": {"flat": "fresh"}}).to_csv(other, index=False)
    model = tmp_path / "m.fcst"
    args = ["train", str(data), "--target", "y", "--id-embedding", "2", "-L", "4", "-H", "3", *FAST_TRAIN]
    assert runner.invoke(app, [*args, "-o", str(model)]).exit_code == 0
    result = runner.invoke(app, ["predict", str(other), "-m", str(model), "-q"])
    assert result.exit_code == 2
    assert "series 'fresh' was not in training" in result.stderr


def test_an_embedding_on_one_series_is_warned_about(tmp_path):
    """One series has nothing for a series id to tell apart, and the embedding makes predict
    refuse every other series: train says so (and still trains); a panel hears nothing."""
    data = tmp_path / "d.csv"
    raw = _drifting(80)
    raw[raw["id"] == "flat"].drop(columns="id").to_csv(data, index=False)
    fast = [a for a in FAST_TRAIN if a != "--quiet"]
    args = ["train", str(data), "--target", "y", "-L", "4", "-H", "3", *fast, "-o", str(tmp_path / "m.fcst")]
    one = runner.invoke(app, [*args, "--id-embedding", "2"])
    assert one.exit_code == 0, one.output
    assert "warning: --id-embedding on one series learns nothing" in one.stderr
    panel = tmp_path / "p.csv"
    raw.to_csv(panel, index=False)
    many = runner.invoke(app, ["train", str(panel), *args[2:], "--id-embedding", "2"])
    assert many.exit_code == 0 and "--id-embedding on one series" not in many.stderr


def test_a_series_too_short_for_a_window_takes_the_trained_series_mean_embedding():
    """No window of 'short' reaches the loss, so its embedding row kept its random start and
    its forecasts read noise (retraining on other values of it gave bit-identical weights).
    It now takes the mean of the rows that trained, and the plan says so; the others keep
    theirs."""
    raw = _drifting(80)
    short = raw[raw["id"] == "flat"].head(12).assign(id="short")  # lookback 4 + horizon 10 + validation > 12
    cfg = dataclasses.replace(_config(3), train=TrainConfig(epochs=2))
    fitted = Forecaster(cfg).fit(prepare_panel(pd.concat([raw, short]), cfg.data))
    weight = fitted.network_.embed.weight.detach().numpy()  # (series, 3), in the panel's id order
    at = list(fitted.ids_).index("short")
    others = np.delete(weight, at, axis=0)
    np.testing.assert_allclose(weight[at], others.mean(axis=0), rtol=1e-6)
    assert len({tuple(row) for row in others}) == len(others)  # the trained rows stay their own
    assert fitted.plan_.reasons["series"] == (
        "1 too short for a training window, forecast from their own history and the trained series' mean embedding"
    )
