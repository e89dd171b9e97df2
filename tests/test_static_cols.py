"""--static-cols: per-series categories as one-hot inputs, known for every step; they carry
over to series the model never saw, and a column that is not static is refused."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli.cli import app
from forecast_cli.config import DataConfig, ForecastConfig, ModelConfig, TrainConfig, WindowConfig
from forecast_cli.errors import DataError, UsageError
from forecast_cli.forecaster import Forecaster
from forecast_cli.modelfile import load_model, save_model
from forecast_cli.panel import prepare_panel
from forecast_cli.series_inputs import one_hot

from .conftest import FAST_TRAIN, rewrite_model

runner = CliRunner()
DAYS = pd.date_range("2020-01-01", periods=120, freq="D").strftime("%Y-%m-%d")


def _series(name: str, kind: str, start: float, rng) -> pd.DataFrame:
    drift = 1.0 if kind == "rising" else -1.0
    y = start + drift * np.arange(len(DAYS)) + rng.normal(0, 4, len(DAYS))
    return pd.DataFrame({"id": name, "kind": kind, "t": DAYS, "y": y})


def _panel() -> pd.DataFrame:
    """Eight series whose drift (+1 or -1 a step, hidden by noise in a 4-step lookback) is
    told by their static ``kind``."""
    rng = np.random.default_rng(0)
    return pd.concat(
        [_series(f"s{i}", ("rising", "falling")[i % 2], 300 + 20 * i, rng) for i in range(8)],
        ignore_index=True,
    )


def _config(static=(), epochs: int = 20, drift: str = "off") -> ForecastConfig:
    """Without the drift input by default: it would tell rising from falling by itself
    (tests/test_drift.py), and so would the damped-trend average; here only the static column may."""
    return ForecastConfig(
        data=DataConfig(target="y", id_col="id", calendar=("none",), static_cols=tuple(static)),
        window=WindowConfig(lookback=4, horizon=10),
        model=ModelConfig(hidden=8, drift=drift, combine="none"),
        train=TrainConfig(epochs=epochs, lr=1e-2, batch_size=32),
    )


def test_one_hot_layout_and_unseen_categories_are_zeros():
    levels = {"kind": ("falling", "rising"), "region": ("n", "s", "w")}
    block = one_hot([("rising", "w"), ("new", "n")], levels)
    assert block.tolist() == [[0, 1, 0, 0, 1], [0, 0, 1, 0, 0]]


def test_a_static_category_carries_over_to_series_never_seen():
    rng = np.random.default_rng(1)
    kinds = ("rising", "falling") * 3
    new = pd.concat([_series(f"n{j}", kind, 250, rng) for j, kind in enumerate(kinds)], ignore_index=True)
    history = new.groupby("id").head(110).reset_index(drop=True)
    actual = new.groupby("id").nth(list(range(110, 120)))["y"].to_numpy()
    errors = {}
    for static in ((), ("kind",)):
        cfg = _config(static)
        fitted = Forecaster(cfg).fit(prepare_panel(_panel(), cfg.data))
        pred = fitted.predict(prepare_panel(history, cfg.data), levels=())["y"].to_numpy()
        errors[static] = np.mean(np.abs(pred - actual))
    assert errors[("kind",)] < 0.85 * errors[()]  # new series drawn with seeds 0-3: ratios 0.61-0.79


def test_a_category_never_seen_in_training_is_said_at_predict():
    """An unseen static value reads as none of the known categories (all zeros): the
    forecast depends on it, so predict says so, naming the series and the value."""
    rng = np.random.default_rng(2)
    new = pd.concat([_series("n0", "steady", 250, rng), _series("n1", "rising", 260, rng)], ignore_index=True)
    cfg = _config(("kind",), epochs=2)
    fitted = Forecaster(cfg).fit(prepare_panel(_panel(), cfg.data))
    notes = fitted.predict(prepare_panel(new, cfg.data), levels=()).attrs["notes"]
    assert any("series 'n0': static value(s) not in training (first kind='steady'" in n for n in notes)
    assert not any("not in training" in n for n in fitted.predict(levels=()).attrs["notes"])


def test_a_trained_series_whose_static_value_changed_is_said_at_predict():
    """Series s1 was 'falling' in training and is 'rising' in the data given: the forecast
    follows the new value (it moves), which may be a data mistake, so predict names it."""
    cfg = _config(("kind",), epochs=2)
    panel = _panel()
    fitted = Forecaster(cfg).fit(prepare_panel(panel, cfg.data))
    same = fitted.predict(prepare_panel(panel, cfg.data), levels=())
    assert not any("differ from training" in n for n in same.attrs["notes"])
    moved = panel.assign(kind=np.where(panel["id"] == "s1", "rising", panel["kind"]))
    out = fitted.predict(prepare_panel(moved, cfg.data), levels=())
    assert (
        "series 's1': static value(s) differ from training (first kind 'falling' -> 'rising' for 's1'); "
        "the forecast reads the new value" in out.attrs["notes"]
    )
    assert not np.allclose(out.loc["s1"].to_numpy(), same.loc["s1"].to_numpy())


def test_static_values_round_trip_through_the_model_file(tmp_path):
    cfg = _config(("kind",), epochs=1)
    fitted = Forecaster(cfg).fit(prepare_panel(_panel(), cfg.data))
    assert fitted.static_levels_ == {"kind": ("falling", "rising")} and fitted.static_width == 2
    save_model(fitted, tmp_path / "m.fcst")
    loaded = load_model(tmp_path / "m.fcst")
    assert loaded.statics_ == fitted.statics_
    pd.testing.assert_frame_equal(loaded.predict(levels=()), fitted.predict(levels=()))


def test_static_levels_edited_short_of_the_stored_codes_are_a_damaged_file(tmp_path):
    """bad input: a model file whose static levels were edited down to one value, while the
    series' stored codes still name two -> exit 3 naming the mismatch, not an IndexError
    with exit 1 at predict."""

    from forecast_cli.errors import ModelFileError

    cfg = _config(("kind",), epochs=1)
    path = save_model(Forecaster(cfg).fit(prepare_panel(_panel(), cfg.data)), tmp_path / "m.fcst")
    rewrite_model(path, edit_meta=lambda meta: meta.update(static_levels={"kind": ["falling"]}))
    with pytest.raises(ModelFileError, match="static codes name values its static levels lack"):
        load_model(path)


def test_a_column_that_changes_within_a_series_or_a_single_series_is_refused():
    """bad input: a --static-cols column whose value changes within a series, or
    --static-cols on a single series -> exit 2, naming the column and the series"""
    raw = _panel()
    raw.loc[5, "kind"] = "falling"  # s0 is rising
    with pytest.raises(DataError, match=r"static column 'kind' changes \(falling, rising\) in series 's0'"):
        prepare_panel(raw, _config(("kind",)).data)
    one = _panel().query("id == 's0'").drop(columns="id")
    with pytest.raises(UsageError, match="--static-cols needs a panel"):
        prepare_panel(one, dataclasses.replace(_config(("kind",)).data, id_col=None))


def test_cli_train_and_predict_with_a_static_column(tmp_path):
    data = tmp_path / "panel.csv"
    _panel().to_csv(data, index=False)
    model = tmp_path / "m.fcst"
    args = ["train", str(data), "--target", "y", "--static-cols", "kind", "-L", "4", "-H", "3", *FAST_TRAIN]
    assert runner.invoke(app, [*args, "-o", str(model)]).exit_code == 0
    out = runner.invoke(app, ["predict", str(data), "-m", str(model), "--level", "none", "-f", "csv", "-q"])
    assert out.exit_code == 0, out.output
    assert len(out.stdout.splitlines()) == 1 + 8 * 3
    bare = tmp_path / "bare.csv"
    _panel().drop(columns="kind").to_csv(bare, index=False)
    refused = runner.invoke(app, ["predict", str(bare), "-m", str(model), "-q"])
    assert refused.exit_code == 2 and "no column 'kind', the static column of model" in refused.stderr
