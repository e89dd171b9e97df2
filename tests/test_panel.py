"""Panels: long tables become many series, one global model learns from all of them,
each series is scaled by its own training rows, and every series gets its own forecast."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli.backtest import run_backtest
from forecast_cli.cli import app
from forecast_cli.config import DataConfig
from forecast_cli.errors import DataError, UsageError
from forecast_cli.forecaster import Forecaster
from forecast_cli.modelfile import load_model, save_model
from forecast_cli.panel import prepare_panel
from forecast_cli.run_config import BacktestConfig

from .conftest import FAST_TRAIN, fast_config

runner = CliRunner()


def long_panel(lengths=(60, 84, 48), seed=0) -> pd.DataFrame:
    """Monthly series of different lengths and levels, ending in different months."""
    rng = np.random.default_rng(seed)
    parts = []
    for i, n in enumerate(lengths):
        t = np.arange(n)
        level = 10.0 ** (i + 1)
        y = level * (1 + 0.2 * np.sin(2 * np.pi * t / 12) + 0.01 * t + 0.02 * rng.standard_normal(n))
        start = pd.Timestamp("2000-01-01") + pd.DateOffset(months=3 * i)
        parts.append(
            pd.DataFrame({"unique_id": f"S{i}", "ds": pd.date_range(start, periods=n, freq="MS"), "y": y})
        )
    return pd.concat(parts, ignore_index=True)


def test_a_long_table_becomes_one_series_per_id_with_its_own_dates():
    panel = prepare_panel(long_panel(), DataConfig())
    assert panel.ids == ("S0", "S1", "S2") and panel.id_col == "unique_id"
    assert panel.lengths.tolist() == [60, 84, 48]
    assert panel.members[1].frame.index[0] == pd.Timestamp("2000-04-01")
    assert panel.freq == "MS"


def test_repeated_timestamps_told_apart_by_one_text_column_are_a_panel_not_duplicates():
    raw = long_panel().rename(columns={"unique_id": "store"})
    panel = prepare_panel(raw, DataConfig())
    assert panel.id_col == "store" and len(panel) == 3  # never averaged into one series


def test_several_candidate_id_columns_ask_for_id_col():
    raw = long_panel().rename(columns={"unique_id": "store"})
    raw["region"] = raw["store"].map({"S0": "north", "S1": "south", "S2": "south"})
    with pytest.raises(UsageError, match="pass --id-col"):
        prepare_panel(raw, DataConfig())
    assert len(prepare_panel(raw, DataConfig(id_col="store"))) == 3


@pytest.mark.parametrize("time_col", [None, ""])
def test_without_a_time_column_a_text_column_in_runs_is_asked_about_never_joined_or_split(time_col):
    """bad input: stores one after another with no dates (or dates asked to be counted as
    steps) -> exit 2 asking for --id-col store or --id-col ''; they were joined end to end
    into one series of steps, exit 0, and a label that changed once (a regime) must not
    split one series silently either"""
    raw = long_panel((30, 40, 20)).rename(columns={"unique_id": "store"})
    raw["weather"] = np.where(np.arange(len(raw)) % 3 == 0, "rain", "sun")  # comes back: no series
    raw["note"] = [f"row {i}" for i in range(len(raw))]  # one row a value: no series
    columns = (
        ["store", "y", "weather", "note"] if time_col is None else ["store", "ds", "y", "weather", "note"]
    )
    cfg = DataConfig(target="y", time_col=time_col)
    with pytest.raises(
        UsageError, match="text in column 'store' changes 2 times.*--id-col store if .*--id-col ''"
    ):
        prepare_panel(raw[columns], cfg)
    panel = prepare_panel(raw[columns], dataclasses.replace(cfg, id_col="store"))
    assert panel.lengths.tolist() == [30, 40, 20]
    assert panel.members[1].frame["y"].tolist() == raw.loc[raw["store"] == "S1", "y"].tolist()
    one = prepare_panel(raw[columns], dataclasses.replace(cfg, id_col=""))
    assert one.id_col is None and one.lengths.tolist() == [90]
    alone = prepare_panel(raw.loc[raw["store"] == "S0", ["store", "y"]], DataConfig(target="y"))
    assert alone.id_col is None and len(alone) == 1  # one value: no question
    gap = pd.DataFrame({"phase": ["a"] * 10 + [None] + ["b"] * 10, "y": np.arange(21.0)})
    assert len(prepare_panel(gap, DataConfig(target="y"))) == 1  # an empty cell: no id column
    last = pd.DataFrame({"phase": ["a"] * 20 + ["b"], "y": np.arange(21.0)})
    assert len(prepare_panel(last, DataConfig(target="y"))) == 1  # a value of one row names no series


def test_the_id_col_offered_for_a_numbered_column_is_shell_quoted():
    """A store number column named 'store id': the offered fix read "pass --id-col store id",
    which the shell splits into the option and a stray argument."""
    raw = long_panel()
    raw["store id"] = raw["unique_id"].map({"S0": 101, "S1": 102, "S2": 103})
    with pytest.raises(UsageError, match="pass --id-col 'store id' \\(its values"):
        prepare_panel(raw.drop(columns=["unique_id"]), DataConfig())


def test_ids_restrict_the_panel_and_unknown_ids_are_named():
    assert prepare_panel(long_panel(), DataConfig(ids=("S2", "S0"))).ids == ("S2", "S0")
    with pytest.raises(UsageError, match="S9"):
        prepare_panel(long_panel(), DataConfig(ids=("S9",)))


def test_bad_values_name_their_series():
    raw = long_panel()
    raw["y"] = raw["y"].astype(object)
    raw.loc[raw.index[raw["unique_id"] == "S1"][5], "y"] = "abc"
    with pytest.raises(DataError, match="series 'S1'.*'y'"):  # exit 2, not "unexpected" exit 1
        prepare_panel(raw, DataConfig(target="y"))


def test_each_series_is_scaled_by_its_own_training_rows_only():
    """Perturbing one series' validation rows changes nothing of any scaler."""
    cfg = fast_config(lookback=12, horizon=6)
    cfg.scaling.transform = "none"
    base = long_panel()
    fitted = Forecaster(cfg).fit(prepare_panel(base, cfg.data))
    changed = base.copy()
    s1 = changed.index[changed["unique_id"] == "S1"]
    changed.loc[s1[-5:], "y"] *= 1000  # validation rows of S1 only
    refit = Forecaster(cfg).fit(prepare_panel(changed, cfg.data))
    for a, b in zip(fitted.scalers_, refit.scalers_, strict=True):
        np.testing.assert_array_equal(a.center, b.center)
        np.testing.assert_array_equal(a.scale, b.scale)
    y0 = base.loc[base["unique_id"] == "S0", "y"].to_numpy()
    train_end = 60 - round(0.15 * 60)
    assert fitted.scalers_[0].center[0] == pytest.approx(y0[:train_end].mean())
    assert fitted.scalers_[1].center[0] != pytest.approx(fitted.scalers_[0].center[0])


def test_predict_forecasts_every_series_after_its_own_end_and_survives_the_model_file(tmp_path):
    cfg = fast_config(lookback=12, horizon=6)
    panel = prepare_panel(long_panel(), cfg.data)
    fitted = Forecaster(cfg).fit(panel)
    out = fitted.predict()
    assert out.index.names == ["unique_id", "timestamp"] and len(out) == 18
    first = {i: out.xs(i).index[0] for i in panel.ids}
    assert first == {
        "S0": pd.Timestamp("2005-01-01"),
        "S1": pd.Timestamp("2007-04-01"),
        "S2": pd.Timestamp("2004-07-01"),
    }
    loaded = load_model(save_model(fitted, tmp_path / "p.fcst"))
    pd.testing.assert_frame_equal(loaded.predict(), out)


def test_same_seed_same_panel_model():
    cfg = fast_config(lookback=12, horizon=6)
    panel = prepare_panel(long_panel(), cfg.data)
    a = Forecaster(cfg).fit(panel).predict()
    b = Forecaster(cfg).fit(panel).predict()
    pd.testing.assert_frame_equal(a, b)


def test_unseen_series_is_forecast_from_its_own_history_and_by_a_baseline_when_too_short():
    cfg = fast_config(lookback=12, horizon=6)
    fitted = Forecaster(cfg).fit(prepare_panel(long_panel(), cfg.data))
    new = long_panel(lengths=(40, 8), seed=3)
    new["unique_id"] = new["unique_id"].map({"S0": "NEW", "S1": "TINY"})
    out = fitted.predict(prepare_panel(new[new["unique_id"] == "NEW"], cfg.data))
    assert set(out.index.get_level_values(0)) == {"NEW"}
    assert np.isfinite(out.to_numpy()).all()
    # said: a forecaster assumes a series is forecast by a model that saw it
    assert "1 of 1 series were not in training ('NEW')" in " ".join(out.attrs["notes"])
    known = fitted.predict(prepare_panel(long_panel(), cfg.data))
    assert not any("not in training" in note for note in known.attrs["notes"])
    # too short for the network: its own last value (fewer rows than a season), said; it
    # was refused (exit 2), and the whole panel's forecast with it
    both = fitted.predict(prepare_panel(new, cfg.data))
    tiny = new[new["unique_id"] == "TINY"]["y"].to_numpy()
    np.testing.assert_array_equal(both.loc["TINY"].iloc[:, 0].to_numpy(), np.full(6, tiny[-1]))
    assert np.isfinite(both.loc["NEW"].to_numpy()).all()
    assert (
        "series 'TINY': 8 rows, fewer than the 12 the network reads; forecast by naive" in both.attrs["notes"]
    )
    assert any(note.startswith("1 of 2 series were not in training ('NEW'):") for note in both.attrs["notes"])


def test_a_known_series_too_short_for_the_network_is_forecast_by_the_baseline_and_said_so():
    cfg = fast_config(lookback=12, horizon=6)
    fitted = Forecaster(cfg).fit(prepare_panel(long_panel(), cfg.data))
    short = long_panel(lengths=(8,), seed=3)  # series S0, known to the model, 8 rows
    out = fitted.predict(prepare_panel(short, cfg.data))
    assert np.isfinite(out.to_numpy()).all()
    assert any("'S0'" in note and "naive" in note for note in out.attrs["notes"])


def test_panel_baseline_backtest_averages_the_single_series_backtests():
    raw = long_panel()
    spec = BacktestConfig(folds=2, models=())
    board = run_backtest(
        prepare_panel(raw, DataConfig()), fast_config(horizon=6, season=("12",)), spec
    ).leaderboard
    singles = [
        run_backtest(
            prepare_panel(part.drop(columns="unique_id"), DataConfig()),
            fast_config(horizon=6, season=("12",)),
            spec,
        ).leaderboard
        for _, part in raw.groupby("unique_id")
    ]
    for model in ("naive", "seasonal-naive"):
        expected = np.mean([s.loc[model, "mase"] for s in singles])
        assert board.loc[model, "mase"] == pytest.approx(expected, rel=1e-12)


def test_panel_bands_of_a_fold_read_no_series_past_its_own_origin():
    """Each series' folds count from its own end. A later fold is recalibrated on windows
    forecast since the fit, each series' cut at its own origin of that fold: rows of one
    series at or after its middle origin move no band of the first two folds of any series
    (the shortest series: one cut for all, at the longest series' origin, would read it)."""
    raw = long_panel()
    spec = BacktestConfig(folds=3, models=("lstm",), baselines=False)
    cfg = fast_config(lookback=12, horizon=6)
    before = run_backtest(prepare_panel(raw, DataConfig()), cfg, spec).forecasts
    s2 = raw["unique_id"] == "S2"
    middle = raw.index[s2][-12]  # S2's middle origin: its last two folds of 6 rows follow
    changed = raw.copy()
    changed.loc[middle : raw.index[s2][-1], "y"] *= 3.0
    after = run_backtest(prepare_panel(changed, DataConfig()), cfg, spec).forecasts
    origins = sorted(before["origin"].unique())
    fold = before.groupby("unique_id")["origin"].rank(method="dense").astype(int)  # 1, 2, 3 per series
    early = fold <= 2
    assert early.sum() == 3 * 2 * 6 and len(origins) > 3  # origins differ between series
    for column in ("forecast", "lo-80", "hi-80", "lo-95", "hi-95"):
        pd.testing.assert_series_equal(before.loc[early, column], after.loc[early, column])
    last_s2 = ~early & (before["unique_id"] == "S2")
    assert not np.allclose(before.loc[last_s2, "lo-80"], after.loc[last_s2, "lo-80"])


def test_cli_trains_a_panel_and_predicts_long_csv(tmp_path):
    data = tmp_path / "panel.csv"
    long_panel().to_csv(data, index=False)
    model = tmp_path / "p.fcst"
    trained = runner.invoke(app, ["train", str(data), "-H", "6", "-L", "12", *FAST_TRAIN, "-o", str(model)])
    assert trained.exit_code == 0, trained.stderr
    out = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv", "--ids", "S2,S0"])
    assert out.exit_code == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("unique_id,timestamp,y,y-lo-80,") and len(lines) == 1 + 12
    assert lines[1].startswith("S2,2004-07-01,") and lines[7].startswith("S0,2005-01-01,")
    # the history line speaks of the series predicted, not of the whole panel's span
    one = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv", "--ids", "S2"])
    assert f"continuing from the history stored in {model} (ends 2004-06-01)" in one.stderr, one.stderr
    every = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv"])
    assert "(ends 2004-06-01 .. 2007-03-01)" in every.stderr, every.stderr  # S1 ends last


def test_cli_backtest_of_a_panel_writes_ids_beside_forecasts(tmp_path):
    data = tmp_path / "panel.csv"
    long_panel().to_csv(data, index=False)
    preds = tmp_path / "folds.csv"
    args = [
        "backtest",
        str(data),
        "-H",
        "6",
        "-L",
        "12",
        "--folds",
        "2",
        "--models",
        "gru",
        "--hidden",
        "8",
        "--epochs",
        "2",
        "-q",
        "-f",
        "csv",
        "--predictions-out",
        str(preds),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(preds)
    assert list(frame.columns) == [
        "origin", "unique_id", "timestamp", "step", "model", "forecast", "actual", "lo-80", "hi-80", "lo-95", "hi-95"
    ]  # fmt: skip
    assert set(frame["unique_id"]) == {"S0", "S1", "S2"} and set(frame["model"]) >= {"gru", "naive"}


def test_wide_columns_become_series_and_predict_can_write_them_wide(tmp_path):
    index = pd.date_range("2000-01-01", periods=60, freq="MS")
    t = np.arange(60)
    wide = pd.DataFrame(
        {"month": index, "sensor_a": 10 + np.sin(t / 2), "sensor_b": 50 + np.cos(t / 3), "other": t * 1.0}
    )
    panel = prepare_panel(wide, DataConfig(target="sensor_*"))
    assert panel.ids == ("sensor_a", "sensor_b") and panel.target == "value"
    np.testing.assert_array_equal(panel.members[1].y, wide["sensor_b"].to_numpy())
    data = tmp_path / "wide.csv"
    wide.to_csv(data, index=False)
    model = tmp_path / "w.fcst"
    args = [
        "train",
        str(data),
        "--target",
        "sensor_a,sensor_b",
        "-H",
        "3",
        "-L",
        "12",
        *FAST_TRAIN,
        "-o",
        str(model),
    ]
    assert runner.invoke(app, args).exit_code == 0
    out = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv", "--wide", "--level", "none"])
    lines = out.stdout.strip().splitlines()
    assert (
        lines[0] == "timestamp,sensor_a,sensor_b" and lines[1].startswith("2005-01-01,") and len(lines) == 4
    )
    banded = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv", "--wide", "--level", "80"])
    frame = pd.read_csv(io.StringIO(banded.stdout), index_col=0)
    assert list(frame.columns) == [f"sensor_{s}{c}" for s in "ab" for c in ("", "-lo-80", "-hi-80")]
    long = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv", "--level", "80"])
    rows = pd.read_csv(io.StringIO(long.stdout)).set_index(["series", "timestamp"])
    assert frame.loc["2005-02-01", "sensor_b-hi-80"] == rows.loc[("sensor_b", "2005-02-01"), "value-hi-80"]


def test_a_wide_tables_series_keep_the_order_target_names_them_in():
    """--target 'b,c,a' forecasts b, c, a (as tickers keep the order given); a glob takes
    the columns in the file's order; --ids still picks and orders; a long table is by id."""
    index = pd.date_range("2000-01-01", periods=30, freq="MS")
    t = np.arange(30.0)
    wide = pd.DataFrame({"month": index, "s_c": 5 + t, "s_a": 1 + t, "s_b": 9 - 0.1 * t})
    assert prepare_panel(wide, DataConfig(target="s_b,s_c,s_a")).ids == ("s_b", "s_c", "s_a")
    assert prepare_panel(wide, DataConfig(target="s_*")).ids == ("s_c", "s_a", "s_b")
    assert prepare_panel(wide, DataConfig(target="s_b,s_c,s_a", ids=("s_a", "s_b"))).ids == ("s_a", "s_b")
    long = wide.melt(id_vars="month", var_name="id", value_name="y")
    assert prepare_panel(long, DataConfig(id_col="id", target="y")).ids == ("s_a", "s_b", "s_c")


def test_bad_cells_of_a_wide_table_name_the_users_column_and_blame_no_series_for_a_shared_one():
    """bad input: three non-numeric cells in wide target column sensor_b -> exit 2, "series
    'sensor_b': 3 non-numeric values in 'sensor_b'" (it named the melted column 'value');
    one in a --features column every series shares -> the column alone, not "series
    'sensor_a'", the first series that happened to read it"""
    t = np.arange(30, dtype=float)
    wide = pd.DataFrame(
        {
            "day": pd.date_range("2024-01-01", periods=30),
            "sensor_a": t,
            "sensor_b": (2 * t).astype(str),
            "temp": t.astype(str),
        }
    )
    wide.loc[[3, 4, 9], "sensor_b"] = ["x", "y", "z"]
    with pytest.raises(DataError) as caught:
        prepare_panel(wide, DataConfig(target="sensor_*"))
    assert str(caught.value).startswith(
        "series 'sensor_b': 3 non-numeric values in 'sensor_b' (data rows 4-5, 10,"
    )
    wide["sensor_b"] = 2 * t
    wide.loc[7, "temp"] = "warm"
    with pytest.raises(DataError) as caught:
        prepare_panel(wide, DataConfig(target="sensor_*", features=("temp",)))
    assert str(caught.value).startswith("column 'temp' has a non-numeric value ('warm' on data row 8)")


def test_a_model_trained_on_a_wide_table_predicts_from_a_wide_file_or_its_long_layout(tmp_path):
    """predict has no --target: a wide model melts a wide DATA file with the columns it was
    trained on (the same forecasts as from its stored history, which is that file), reads the
    long layout its melt made, and refuses a file with none of its columns, naming them."""
    index = pd.date_range("2000-01-01", periods=60, freq="MS")
    t = np.arange(60)
    wide = pd.DataFrame({"month": index, "sensor_a": 10 + np.sin(t / 2), "sensor_b": 50 + np.cos(t / 3)})
    data, model = tmp_path / "wide.csv", tmp_path / "w.fcst"
    wide.to_csv(data, index=False)
    trained = runner.invoke(
        app,
        ["train", str(data), "--target", "sensor_*", "-H", "3", "-L", "12", *FAST_TRAIN, "-o", str(model)],
    )
    assert trained.exit_code == 0, trained.output
    base = ["predict", "-m", str(model), "-f", "csv", "--level", "80"]
    stored = runner.invoke(app, base)
    from_wide = runner.invoke(app, [*base, str(data)])
    assert from_wide.exit_code == 0, from_wide.output
    assert from_wide.stdout == stored.stdout
    long = wide.melt(id_vars="month", var_name="series", value_name="value")
    long.to_csv(tmp_path / "long.csv", index=False)
    assert runner.invoke(app, [*base, str(tmp_path / "long.csv")]).stdout == stored.stdout
    newer = pd.concat([wide, wide.tail(1).assign(month=pd.Timestamp("2005-01-01"), sensor_a=11.0)])
    newer.to_csv(tmp_path / "newer.csv", index=False)
    moved = pd.read_csv(io.StringIO(runner.invoke(app, [*base, str(tmp_path / "newer.csv")]).stdout))
    assert moved["timestamp"].iloc[0] == "2005-02-01" and set(moved["series"]) == {"sensor_a", "sensor_b"}
    wide.rename(columns={"sensor_a": "x", "sensor_b": "y"}).to_csv(tmp_path / "other.csv", index=False)
    refused = runner.invoke(app, [*base, str(tmp_path / "other.csv")])
    assert refused.exit_code == 2
    assert "none of the columns 'sensor_*'" in refused.output and "(series, value)" in refused.output


def _wide_promo_model(tmp_path):
    """A model trained on wide columns a and b with a shared known-future column promo."""
    index = pd.date_range("2000-01-01", periods=48, freq="MS")
    rng = np.random.default_rng(0)
    promo = (rng.random(48) < 0.4).astype(float)
    wide = pd.DataFrame({"month": index, "promo": promo, "a": 10 + 5 * promo, "b": 20 + 5 * promo})
    data, model = tmp_path / "wide.csv", tmp_path / "w.fcst"
    wide.to_csv(data, index=False)
    args = ["train", str(data), "--target", "a,b", "--future-features", "promo", "-H", "2", "-L", "6"]
    assert runner.invoke(app, [*args, *FAST_TRAIN, "-o", str(model)]).exit_code == 0
    return model


def test_a_wide_model_with_a_future_feature_reads_a_future_file_without_an_id_column(tmp_path):
    """The melt gave every series the shared future column, so a wide future file (time and
    that column, no id) supplies it to every series; its values change the forecasts."""
    model = _wide_promo_model(tmp_path)
    outs = []
    for flag in (0.0, 1.0):
        future = pd.DataFrame({"month": pd.date_range("2004-01-01", periods=2, freq="MS"), "promo": flag})
        future.to_csv(tmp_path / "future.csv", index=False)
        out = runner.invoke(
            app,
            [
                "predict",
                "-m",
                str(model),
                "--future-data",
                str(tmp_path / "future.csv"),
                "-f",
                "csv",
                "--level",
                "none",
            ],
        )
        assert out.exit_code == 0, out.output
        outs.append(pd.read_csv(io.StringIO(out.stdout)))
    assert list(outs[0]["series"]) == ["a", "a", "b", "b"]
    assert not np.allclose(outs[0]["value"], outs[1]["value"])


def test_a_wide_models_future_file_keyed_by_another_column_names_the_fix(tmp_path):
    """bad input: --future-data for a wide model whose rows are keyed by a column other than
    the model's id ('sensor' for 'series'), so two series' rows meet at one timestamp -> exit 2,
    saying to call that column 'series'; renamed, the same file forecasts."""
    model = _wide_promo_model(tmp_path)
    steps = pd.date_range("2004-01-01", periods=2, freq="MS")
    keyed = pd.DataFrame(
        {"month": [*steps, *steps], "sensor": ["a", "a", "b", "b"], "promo": [0.0, 1.0, 1.0, 0.0]}
    )
    keyed.to_csv(tmp_path / "future.csv", index=False)
    predict = ["predict", "-m", str(model), "-f", "csv", "--future-data"]
    out = runner.invoke(app, [*predict, str(tmp_path / "future.csv")])
    assert out.exit_code == 2
    assert out.stderr.strip().endswith(
        "keep one row per timestamp; if 'sensor' names the series, call that column 'series'"
    )
    keyed.rename(columns={"sensor": "series"}).to_csv(tmp_path / "future.csv", index=False)
    assert runner.invoke(app, [*predict, str(tmp_path / "future.csv")]).exit_code == 0


def test_a_wide_model_refuses_a_file_missing_one_of_its_columns(tmp_path):
    """bad input: predict DATA for a model trained on wide columns a,b, without column b -> exit 2, names 'b' and the model's columns"""
    index = pd.date_range("2000-01-01", periods=48, freq="MS")
    wide = pd.DataFrame({"month": index, "a": np.arange(48.0), "b": np.arange(48.0) ** 0.5})
    data, model = tmp_path / "wide.csv", tmp_path / "w.fcst"
    wide.to_csv(data, index=False)
    args = ["train", str(data), "--target", "a,b", "-H", "2", "-L", "6", *FAST_TRAIN, "-o", str(model)]
    assert runner.invoke(app, args).exit_code == 0
    wide.drop(columns="b").to_csv(tmp_path / "no_b.csv", index=False)
    out = runner.invoke(app, ["predict", "-m", str(model), str(tmp_path / "no_b.csv")])
    assert out.exit_code == 2
    assert "no column for 'b', one of the columns 'a,b'" in out.output
    only_a = runner.invoke(
        app, ["predict", "-m", str(model), str(tmp_path / "no_b.csv"), "--ids", "a", "-f", "csv"]
    )
    assert only_a.exit_code == 0 and set(pd.read_csv(io.StringIO(only_a.stdout))["series"]) == {"a"}
    wide.assign(b=np.nan).to_csv(tmp_path / "empty_b.csv", index=False)
    empty = runner.invoke(app, ["predict", "-m", str(model), str(tmp_path / "empty_b.csv")])
    assert empty.exit_code == 2 and "column 'b', the series column of model" in empty.output
    assert "--target" not in empty.output  # predict has no --target to blame


def test_a_series_named_value_in_a_wide_table_is_melted_not_a_crash():
    """bad input: --target 'a,value' (a series column named like the melted target) -> read as two series, not exit 1"""
    index = pd.date_range("2000-01-01", periods=30, freq="MS")
    wide = pd.DataFrame({"t": index, "a": np.arange(30.0), "value": np.arange(30.0) * 2})
    panel = prepare_panel(wide, DataConfig(target="a,value"))
    assert panel.ids == ("a", "value") and panel.members[1].y[:3].tolist() == [0.0, 2.0, 4.0]


def test_a_target_pattern_matching_nothing_names_the_columns():
    with pytest.raises(UsageError, match="matches no column"):
        prepare_panel(long_panel(), DataConfig(target="temp_*"))


def test_a_series_forecast_does_not_depend_on_which_other_windows_share_its_pass():
    """Every forward pass has one batch shape (origin_forecasts.fixed_chunk): the CPU kernels pick
    their blocking, and so their rounding, by batch size, and without it one series' forecast
    alone and beside 300 other windows differed in the last digits (--ids S1 vs --ids S2,S1)."""
    import dataclasses

    cfg = fast_config(lookback=12, horizon=6)
    cfg = dataclasses.replace(cfg, model=dataclasses.replace(cfg.model, hidden=64))
    panel = prepare_panel(long_panel(), DataConfig())
    f = Forecaster(cfg).fit(panel)
    values = np.concatenate([f._inputs(m.frame) for m in panel.members])
    offsets = panel.offsets
    first = offsets[0] + f.context_rows
    alone = f.forecast_origins(values, np.array([first]), offsets)
    every = np.concatenate(
        [np.arange(a + f.context_rows, b + 1) for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
    )
    crowd = f.forecast_origins(values, every, offsets)  # (about 160 windows, horizon)
    assert every[0] == first and len(every) > 150 and np.array_equal(alone[0], crowd[0])
    last = np.array([offsets[1], offsets[2], offsets[3]])
    np.testing.assert_array_equal(
        f.forecast_origins(values, last[1:2], offsets)[0], f.forecast_origins(values, last, offsets)[1]
    )


def test_an_unseen_series_bands_are_scaled_by_its_own_history(monkeypatch):
    """A series the model never saw has no stored calibration scale: its own (the mean
    absolute change of its rows, 2 for y = 100 + 2t) must set its bands' width, not the
    median of the training series' scales (6.86 here, a band three times too wide)."""
    from forecast_cli import prediction

    cfg = fast_config(lookback=12, horizon=6)
    fitted = Forecaster(cfg).fit(prepare_panel(long_panel(), cfg.data))
    seen = {}
    original = prediction._forecast_frames

    def spy(*args, **kwargs):
        out = original(*args, **kwargs)
        seen["scales"] = out[2]
        return out

    monkeypatch.setattr(prediction, "_forecast_frames", spy)
    new = pd.DataFrame(
        {
            "unique_id": "NEW",
            "ds": pd.date_range("2001-01-01", periods=40, freq="MS"),
            "y": 100 + 2.0 * np.arange(40),
        }
    )
    fitted.predict(prepare_panel(new, cfg.data))
    assert seen["scales"] == [2.0]


def test_a_known_series_of_exactly_one_season_is_forecast_by_seasonal_naive():
    """12 monthly rows, fewer than the 24 the network reads: the forecast repeats that one
    season (its first 6 values), and the note says seasonal naive, as it is."""
    cfg = fast_config(lookback=24, horizon=6)
    fitted = Forecaster(cfg).fit(prepare_panel(long_panel(), cfg.data))
    one_season = long_panel(lengths=(12,), seed=3)  # series S0, known to the model
    out = fitted.predict(prepare_panel(one_season, cfg.data))
    np.testing.assert_array_equal(out["y"].to_numpy(), one_season["y"].to_numpy()[:6])
    assert any(
        "'S0': 12 rows" in note and "forecast by seasonal naive" in note for note in out.attrs["notes"]
    )


def test_many_short_series_are_named_in_one_note_per_method():
    """Six series too short for the network (lengths 12-17 under a lookback of 24): one note
    for the six, counting them, naming the first five and the span of lengths, not one
    warning per series (68 lines on M1 monthly under --lookback 60). Each still gets its
    own seasonal-naive forecast."""
    cfg = fast_config(lookback=24, horizon=6)
    fitted = Forecaster(cfg).fit(prepare_panel(long_panel(lengths=(48,) * 6), cfg.data))
    short = long_panel(lengths=(12, 13, 14, 15, 16, 17), seed=3)
    out = fitted.predict(prepare_panel(short, cfg.data))
    notes = [n for n in out.attrs["notes"] if "fewer than the 24" in n]
    assert notes == [
        "6 series ('S0', 'S1', 'S2', 'S3', 'S4' and 1 more): 12 to 17 rows, fewer than the 24 "
        "the network reads; forecast by seasonal naive"
    ]
    for sid, group in out.groupby("unique_id"):
        own = short[short["unique_id"] == sid]["y"].to_numpy()
        np.testing.assert_array_equal(group["y"].to_numpy(), own[len(own) - 12 :][:6])


def test_a_target_glob_never_takes_the_time_column_or_a_named_input():
    """`--target '*'` on year,ya,yb took 'year' as a third series and lost the time axis
    (integer steps); a glob picks series only. A column named outright is still taken."""
    wide = pd.DataFrame(
        {"year": np.arange(1900, 1960), "ya": np.arange(60.0) + 5, "yb": np.arange(60.0) * 2 + 1}
    )
    wide["temp"] = np.sin(np.arange(60.0))
    panel = prepare_panel(wide, DataConfig(target="*", features=("temp",)))
    assert panel.ids == ("ya", "yb")
    assert panel.freq in ("YS", "YS-JAN")  # the years stay the time axis
    assert prepare_panel(wide, DataConfig(target="y*")).ids == ("ya", "yb")


def test_a_panel_whose_series_end_at_different_dates_is_warned_that_later_rows_train_its_folds():
    """Folds count from each series' own end, so one fold's global network trains on other
    series' rows dated after that series' origin: changing S1's rows after S0's first
    origin moves S0's forecast at that origin. The backtest says so (it said nothing, and
    the README claimed no later value reaches a forecast); a panel ending on one date, the
    baselines alone and a --local backtest have nothing to say."""
    cfg = fast_config(lookback=12, horizon=6)
    raw = long_panel()  # S0 ends 2004-12, S1 2007-03, S2 2004-06
    spec = BacktestConfig(folds=2, models=("lstm",))
    result = run_backtest(prepare_panel(raw, cfg.data), cfg, spec)
    said = [n for n in result.notes if n.startswith("series end at different dates")]
    note = (
        "series end at different dates (2004-06-01 .. 2007-03-01): folds are counted from each series' own "
        "end, so a fold's network trains on other series' rows dated after that fold's origin; where the "
        "series share a calendar, cut the data at one end date for a backtest that no later row reaches"
    )
    assert said == [note]
    # without bands the network still trains on later rows: said the same
    unbanded = dataclasses.replace(cfg, intervals=dataclasses.replace(cfg.intervals, level=("none",)))
    quiet = run_backtest(prepare_panel(raw, cfg.data), unbanded, BacktestConfig(folds=2, models=("lstm",)))
    assert [n for n in quiet.notes if n.startswith("series end at different dates")] == [note]
    # baselines alone pool their bands by date (``baseline_bands``): nothing later reaches them
    alone = run_backtest(prepare_panel(raw, cfg.data), cfg, BacktestConfig(folds=2, models=()))
    assert not [n for n in alone.notes if n.startswith("series end at different dates")]
    first = result.forecasts.query("unique_id == 'S0' and model == 'lstm'")["origin"].min()
    changed = raw.copy()
    later = (changed["unique_id"] == "S1") & (changed["ds"] > first)
    changed.loc[later, "y"] *= 3
    moved = run_backtest(prepare_panel(changed, cfg.data), cfg, spec).forecasts
    at = "unique_id == 'S0' and model == 'lstm' and origin == @first"
    assert not np.allclose(
        result.forecasts.query(at)["forecast"], moved.query(at)["forecast"]
    )  # what it warns of
    same_end = long_panel(lengths=(60, 60, 60))
    same_end["ds"] = np.tile(pd.date_range("2000-01-01", periods=60, freq="MS"), 3)
    assert not [
        n for n in run_backtest(prepare_panel(same_end, cfg.data), cfg, spec).notes if "different dates" in n
    ]


def test_predict_with_ids_and_data_recalibrates_on_the_series_it_read_and_says_so(tmp_path):
    """--ids with DATA reads only those series (a series that cannot be read can be left
    out that way), so only their windows since training join the calibration: the bands
    can differ from a run over the whole file, and stderr names the --ids that chose them."""
    full = long_panel()
    older = full[full.groupby("unique_id").cumcount(ascending=False) >= 10]  # each series' last 10 rows out
    train_csv, new_csv, model = tmp_path / "older.csv", tmp_path / "newer.csv", tmp_path / "p.fcst"
    older.to_csv(train_csv, index=False)
    full.to_csv(new_csv, index=False)
    trained = runner.invoke(
        app, ["train", str(train_csv), "-H", "3", "-L", "12", *FAST_TRAIN, "-o", str(model)]
    )
    assert trained.exit_code == 0, trained.stderr
    every = runner.invoke(app, ["predict", str(new_csv), "-m", str(model), "-f", "csv"])
    one = runner.invoke(app, ["predict", str(new_csv), "-m", str(model), "-f", "csv", "--ids", "S1"])
    assert every.exit_code == one.exit_code == 0, every.stderr + one.stderr
    assert (
        "bands: 30 window(s) after the training data joined its validation errors (recalibrated)\n"
        in every.stderr
    )
    assert (
        "bands: 10 window(s) after the training data joined its validation errors (recalibrated), from the series --ids read"
        in one.stderr
    )


def test_a_file_of_years_names_its_first_gap_as_a_year_as_its_span_and_outputs_do():
    raw = pd.DataFrame({"year": [2001, 2002, 2003, 2005, 2006, 2007, 2008, 2009], "v": np.arange(8.0) + 5})
    line = prepare_panel(raw, DataConfig()).members[0].report.line()
    assert "2001 .. 2009" in line and "1 gaps filled (first 2004)" in line, line


def test_the_panel_line_says_what_loading_did_to_single_series():
    """Daily sales summed into months: series A's part-months at either end are dropped, as
    one series' load line says; the panel's line said only its counts. B covers whole
    months and has no note."""
    a = pd.date_range("2022-01-05", "2022-12-15", freq="D")
    b = pd.date_range("2022-01-01", "2022-12-31", freq="D")
    raw = pd.concat(
        [
            pd.DataFrame({"store": "A", "ds": a, "y": np.ones(len(a))}),
            pd.DataFrame({"store": "B", "ds": b, "y": np.ones(len(b))}),
        ]
    )
    line = prepare_panel(raw, DataConfig(freq="MS", agg="sum")).summary_line()
    assert "A: the first period (labelled 2022-01-01) dropped: the data covers only part of it" in line
    assert "B:" not in line
    # said once, for both: what every series shares; and no count of rows "combined into
    # another's period", the wording for rows of the data's own step that share one
    assert line.count("D rows combined into MS periods by sum") == 1
    assert "combined into another's period" not in line


def test_the_panel_line_counts_the_notes_past_the_first_two():
    parts = []
    for k in range(5):  # each series starts on another day of January: five distinct notes
        days = pd.date_range(f"2022-01-0{k + 2}", "2022-12-31", freq="D")
        parts.append(pd.DataFrame({"store": f"S{k}", "ds": days, "y": np.ones(len(days))}))
    line = prepare_panel(pd.concat(parts), DataConfig(freq="MS", agg="sum")).summary_line()
    assert "S0: the first period" in line and "S1: the first period" in line
    assert "S2:" not in line and line.endswith("and notes on 3 more series")


def test_a_series_combined_into_one_row_by_the_freq_is_left_out_not_the_panel():
    """Two daily rows of S9 make one W-SUN week: S9 is kept as a series of one row, as one
    of one timestamp is, and the backtest leaves it out, naming it. It stopped the whole
    panel ("series 'S9': only 1 usable rows after cleaning", exit 2)."""
    from forecast_cli.backtest import run_backtest
    from forecast_cli.run_config import BacktestConfig

    rng = np.random.default_rng(0)
    days = pd.date_range("2020-01-01", periods=120, freq="D")
    parts = [pd.DataFrame({"id": f"S{k}", "ds": days, "y": rng.gamma(3, 10, 120)}) for k in range(3)]
    parts.append(
        pd.DataFrame({"id": "S9", "ds": pd.to_datetime(["2020-02-28", "2020-02-29"]), "y": [3.0, 4.0]})
    )
    panel = prepare_panel(pd.concat(parts), DataConfig(id_col="id", freq="W-SUN"))
    assert panel.lengths.tolist() == [16, 16, 16, 1]
    result = run_backtest(panel, fast_config(horizon=2), BacktestConfig(folds=2, models=()))
    assert set(result.forecasts["unique_id" if "unique_id" in result.forecasts else "id"]) == {
        "S0",
        "S1",
        "S2",
    }
    assert any("'S9'" in note for note in result.notes)
