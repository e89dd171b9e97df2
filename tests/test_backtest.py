"""The backtest runner: no leakage past an origin, identical folds for all models, scoring."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from forecast_cli.backtest import run_backtest
from forecast_cli.config import DataConfig
from forecast_cli.errors import DataError, UsageError
from forecast_cli.panel import prepare_panel
from forecast_cli.run_config import BacktestConfig as BacktestSpec
from forecast_cli.series import prepare_series

from .conftest import fast_config


def _forecasts(frame, refit):
    series = prepare_series(frame, DataConfig())
    spec = BacktestSpec(folds=3, refit=refit, models=("lstm",), baselines=True)
    result = run_backtest(series, fast_config(lookback=12, horizon=6), spec)
    return result, result.forecasts


@pytest.mark.parametrize("refit", ["never", "always"])
def test_data_after_an_origin_never_reaches_its_forecast(monthly_frame, refit):
    result, before = _forecasts(monthly_frame, refit)
    middle = result.folds[1]
    perturbed = monthly_frame.copy()
    perturbed.loc[middle.origin :, "sales"] *= 3.0  # everything at and after the middle origin
    _, after = _forecasts(perturbed, refit)
    origin_stamp = monthly_frame["month"][middle.origin - 1]
    kept = before["origin"] <= origin_stamp
    for column in ("forecast", "lo-80", "hi-80", "lo-95", "hi-95"):  # bands too: no calibration leak
        pd.testing.assert_series_equal(before.loc[kept, column], after.loc[kept, column])
    changed = ~kept & (before["model"] == "naive")
    assert not np.allclose(before.loc[changed, "forecast"], after.loc[changed, "forecast"])


@pytest.mark.parametrize("refit", ["never", "always"])
def test_a_gap_that_ends_at_an_origin_is_not_filled_from_the_origin(monthly_frame, refit):
    """Two empty cells just before the middle origin: interpolated from the origin's own
    value at load, they carried it into that fold's naive, network and bands (33 became
    516 when the rows after were 1000). A backtest carries them forward from the last
    observed value instead, so rows at and after the origin reach nothing before it."""
    result, _ = _forecasts(monthly_frame, refit)
    origin = result.folds[1].origin
    gappy = monthly_frame.copy()
    gappy.loc[origin - 2 : origin - 1, "sales"] = np.nan
    before_run, before = _forecasts(gappy, refit)
    perturbed = gappy.copy()
    perturbed.loc[origin:, "sales"] *= 3.0
    _, after = _forecasts(perturbed, refit)
    kept = before["origin"] <= monthly_frame["month"][origin - 1]
    for column in ("forecast", "lo-80", "hi-80", "lo-95", "hi-95"):
        pd.testing.assert_series_equal(before.loc[kept, column], after.loc[kept, column])
    at_origin = kept & (before["origin"] == monthly_frame["month"][origin - 1]) & (before["model"] == "naive")
    assert (before.loc[at_origin, "forecast"] == gappy["sales"][origin - 3]).all()  # the last observed
    assert any("carried forward from the last observed one" in n for n in before_run.notes)


def test_later_folds_of_one_fit_recalibrate_on_the_windows_since_it(monthly_frame):
    """refit never: the network's first fold is banded by its validation errors alone; a
    later fold also by the windows forecast since the fit whose steps are before its origin.
    So a jump in rows between the fit and a later fold's lookback widens that fold's bands
    (its point forecast reads none of them: the same) and leaves the first fold's alone."""
    spec = BacktestSpec(folds=3, origin_stride=20, refit="never", models=("lstm",), baselines=False)
    cfg = fast_config(lookback=12, horizon=6)
    cfg.model.combine = "none"  # the damped trend reads 60 rows, the jump among them
    before_run = run_backtest(prepare_series(monthly_frame, DataConfig()), cfg, spec)
    first, middle = before_run.folds[0], before_run.folds[1]
    assert middle.origin - first.origin == 20
    jumped = monthly_frame.copy()
    jumped.loc[first.origin : first.origin + 6, "sales"] += 200.0  # before the middle fold's 13-row context
    after_run = run_backtest(prepare_series(jumped, DataConfig()), cfg, spec)
    before, after = before_run.forecasts, after_run.forecasts
    at_first = before["origin"] == monthly_frame["month"][first.origin - 1]
    at_middle = before["origin"] == monthly_frame["month"][middle.origin - 1]
    assert at_first.sum() == at_middle.sum() == 6
    for column in ("forecast", "lo-80", "hi-80", "lo-95", "hi-95"):
        pd.testing.assert_series_equal(before.loc[at_first, column], after.loc[at_first, column])
    pd.testing.assert_series_equal(before.loc[at_middle, "forecast"], after.loc[at_middle, "forecast"])
    for level in ("80", "95"):
        hi, lo = f"hi-{level}", f"lo-{level}"
        wider = after.loc[at_middle, hi] - after.loc[at_middle, lo]  # (6,)
        narrower = before.loc[at_middle, hi] - before.loc[at_middle, lo]
        # never narrower, and wider at half the steps or more (a step whose band was already
        # set by larger scores than the jump's stays put: its quantile does not move)
        assert np.all(wider >= narrower - 1e-9) and np.mean(wider > narrower) >= 0.5


def test_every_model_forecasts_the_same_folds(monthly_frame):
    result, forecasts = _forecasts(monthly_frame, "never")
    keys = forecasts.groupby("model")[["origin", "timestamp", "step"]].apply(
        lambda f: tuple(map(tuple, f.to_numpy()))
    )
    assert keys.nunique() == 1
    assert set(result.leaderboard.index) == {"lstm", "naive", "seasonal-naive", "drift", "mean"}
    assert len(forecasts) == 5 * 3 * 6


def test_leaderboard_is_sorted_by_mase_with_skill_against_seasonal_naive(monthly_frame):
    result, _ = _forecasts(monthly_frame, "never")
    board = result.leaderboard
    assert board["mase"].is_monotonic_increasing
    assert board.loc["seasonal-naive", "skill"] == pytest.approx(0.0)
    expected = 1 - board.loc["naive", "mase"] / board.loc["seasonal-naive", "mase"]
    assert board.loc["naive", "skill"] == pytest.approx(expected)
    assert list(board.columns) == [
        "mae",
        "rmse",
        "mape",
        "smape",
        "mase",
        "skill",
        "mase_median",
        "beats_snaive",
        "cov_80",
        "width_80",
        "winkler_80",
        "cov_95",
        "width_95",
        "winkler_95",
        "pinball",
        "crps",
        "fit_seconds",
        "predict_seconds",
    ]


def test_baseline_scores_match_a_hand_built_fold(monthly_frame):
    result, forecasts = _forecasts(monthly_frame, "never")
    y = monthly_frame["sales"].to_numpy()
    folds = result.folds
    maes, mases = [], []
    for fold in folds:
        actual = y[fold.origin : fold.test_end]
        snaive = y[fold.origin - 12 : fold.origin - 12 + 6]
        scale = np.mean(np.abs(y[12 : fold.origin] - y[: fold.origin - 12]))
        maes.append(np.mean(np.abs(actual - snaive)))
        mases.append(maes[-1] / scale)
    assert result.leaderboard.loc["seasonal-naive", "mae"] == pytest.approx(np.mean(maes))
    assert result.leaderboard.loc["seasonal-naive", "mase"] == pytest.approx(np.mean(mases))
    assert len(result.per_step["seasonal-naive"]["mae"]) == 6


def test_mape_is_skipped_with_a_note_when_the_target_has_zeros():
    frame = pd.DataFrame({"y": np.tile([0.0, 1.0, 2.0, 1.0], 10)})
    result = run_backtest(
        prepare_series(frame, DataConfig()),
        fast_config(lookback=4, horizon=4, season=("4",)),
        BacktestSpec(folds=2, models=()),
    )
    assert any("MAPE skipped" in note for note in result.notes)
    assert result.leaderboard["mape"].isna().all()


def test_too_many_folds_say_how_many_fit(monthly_frame):
    with pytest.raises(DataError, match="at most"):
        run_backtest(
            prepare_series(monthly_frame, DataConfig()),
            fast_config(lookback=12, horizon=6),
            BacktestSpec(folds=30),
        )


def test_unknown_model_lists_the_valid_ones(monthly_frame):
    with pytest.raises(UsageError, match="valid: lstm, gru, rnn, naive, seasonal-naive, drift, mean"):
        run_backtest(
            prepare_series(monthly_frame, DataConfig()), fast_config(), BacktestSpec(models=("arima",))
        )


def test_quantiles_are_band_edges_in_the_forecasts_and_join_the_pinball_loss(monthly_frame):
    """``--quantiles`` in a backtest wrote no column and changed no score. Each is now the
    edge of its band (q0.9 is hi-80; q0.05 the lower edge of a 90% band computed for it),
    and the pinball loss averages it with the levels' edges and the median."""
    series = prepare_series(monthly_frame, DataConfig())
    spec = BacktestSpec(folds=2, models=("lstm",), baselines=True)
    cfg = fast_config(lookback=12, horizon=6)
    cfg.intervals.quantiles = ("0.05", "0.5", "0.9")
    result = run_backtest(series, cfg, spec)
    rows = result.forecasts
    assert list(rows.columns[-7:]) == ["lo-80", "hi-80", "lo-95", "hi-95", "q0.05", "q0.5", "q0.9"]
    pd.testing.assert_series_equal(rows["q0.9"], rows["hi-80"], check_names=False)
    pd.testing.assert_series_equal(rows["q0.5"], rows["forecast"], check_names=False)
    assert (rows["lo-95"] <= rows["q0.05"]).all() and (rows["q0.05"] <= rows["lo-80"]).all()
    for model, group in rows.groupby("model"):
        y = group["actual"].to_numpy()
        edges = {"forecast": 0.5, "lo-80": 0.1, "hi-80": 0.9, "lo-95": 0.025, "hi-95": 0.975, "q0.05": 0.05}
        scale = _mase_scales(result, monthly_frame)[group["origin"].map(_fold_index(result, monthly_frame))]
        losses = [np.maximum(p * (y - group[c]), (p - 1) * (y - group[c])) / scale for c, p in edges.items()]
        assert result.leaderboard.loc[model, "pinball"] == pytest.approx(np.mean(losses), rel=1e-12)


def _mase_scales(result, frame):
    """Each fold's MASE scale: the mean absolute seasonal change of the rows before its origin."""
    y = frame["sales"].to_numpy()
    return np.array([np.mean(np.abs(y[12 : f.origin] - y[: f.origin - 12])) for f in result.folds])


def _fold_index(result, frame):
    return {frame["month"][f.origin - 1]: k for k, f in enumerate(result.folds)}


def test_first_origin_is_named_as_the_forecasts_name_origins(monthly_frame):
    """The JSON's first_origin was the first forecast step, one row after the ``origin``
    column of --predictions-out (the last row a forecast reads); first_step is that step.
    Each is written as the predictions write it: midnights as dates (the config wrote
    ``2010-01-01T00:00:00`` beside predictions of ``2010-01-01``)."""
    result, rows = _forecasts(monthly_frame, "never")
    assert result.config["first_origin"] == rows["origin"].min().date().isoformat()
    assert result.config["last_origin"] == rows["origin"].max().date().isoformat()
    assert result.config["first_step"] == rows.loc[rows["step"] == 1, "timestamp"].min().date().isoformat()
    assert result.config["last_step"] == rows.loc[rows["step"] == 1, "timestamp"].max().date().isoformat()
    steps = monthly_frame.drop(columns="month")  # integer steps: numbers, as the predictions write them
    numbered = run_backtest(
        prepare_series(steps, DataConfig()),
        fast_config(lookback=12, horizon=6),
        BacktestSpec(folds=2, models=(), baselines=True),
    )
    assert {type(numbered.config[k]) for k in ("first_origin", "last_origin", "first_step", "last_step")} == {
        int
    }


def test_filled_values_are_not_scored_as_actuals():
    """A gap and an empty cell in the test periods are filled for the inputs, but they were
    never observed: the backtest leaves them empty as actuals and scores the other steps
    (seasonal naive's MAE by hand: fold 1 scores only 1960-08, |606 - 559| = 47; fold 2
    all three, (54 + 28 + 27) / 3; the leaderboard is the mean of the two folds)."""
    from .conftest import SAMPLE

    raw = pd.read_csv(SAMPLE / "airpassengers.csv")
    raw = raw.drop(index=140)  # 1960-09 absent
    raw.loc[138, "passengers"] = np.nan  # 1960-07 empty
    series = prepare_series(raw, DataConfig())
    assert series.report.gaps_filled == 1 and series.report.nans_filled == 1
    result = run_backtest(series, fast_config(horizon=3), BacktestSpec(folds=2, models=("seasonal-naive",)))
    frame = result.forecasts
    rows = frame[frame["model"] == "seasonal-naive"].set_index("timestamp")
    assert np.isnan(rows.loc[pd.Timestamp("1960-07-01"), "actual"])
    assert np.isnan(rows.loc[pd.Timestamp("1960-09-01"), "actual"])
    assert rows.loc[pd.Timestamp("1960-08-01"), "actual"] == 606.0
    assert result.leaderboard.loc["seasonal-naive", "mae"] == pytest.approx((47 + (54 + 28 + 27) / 3) / 2)
    row = result.by_series.set_index("model").loc["seasonal-naive"]  # one series: its row is the board's
    assert row["mae"] == pytest.approx(result.leaderboard.loc["seasonal-naive", "mae"])
    assert any("2 of 6 forecast steps fall on filled values" in n for n in result.notes)


def test_forecasts_without_bands_are_said_and_left_out_of_every_interval_score(sample):
    """A 48-month horizon leaves the first of two folds on the airline series too few windows
    before its origin to calibrate bands: the backtest says so, and pinball/CRPS leave that
    fold out as coverage does (the median's loss alone made CRPS equal MASE, 3.04 for drift)."""
    from forecast_cli.io import read_csv

    series = prepare_series(read_csv(sample / "airpassengers.csv"), DataConfig())
    spec = BacktestSpec(folds=2, models=(), baselines=True)
    cfg = fast_config(horizon=48)
    result = run_backtest(series, cfg, spec)
    assert any(n.startswith("no bands for 1 of 2 (series, fold) forecasts of") for n in result.notes)
    first_fold = result.forecasts[result.forecasts["origin"] == result.forecasts["origin"].min()]
    assert first_fold["lo-80"].isna().all()
    one = run_backtest(series, fast_config(horizon=100), BacktestSpec(folds=1, models=(), baselines=True))
    board = one.leaderboard
    assert board["cov_80"].isna().all() and board["crps"].isna().all()
    assert any("no bands for 1 of 1" in n for n in one.notes)


def test_a_panel_too_short_for_the_default_lookback_gets_the_longest_that_fits_a_fold():
    """A panel of 51 months: one fold of 12 at the default lookback of 24 needs 54 rows,
    and the backtest was refused although `train` on the same rows cuts its lookback and
    trains. The default is now cut to the longest that leaves a fold a training window
    (21, the lookback the refusal offered); a lookback given, or a lone series, is kept
    and refused as before."""
    t = np.arange(51)
    frames = [
        pd.DataFrame(
            {
                "id": f"s{k}",
                "month": pd.date_range("2000-01-01", periods=51, freq="MS"),
                "sales": 100 + 10 * k + 20 * np.sin(2 * np.pi * t / 12 + k),
            }
        )
        for k in range(4)
    ]
    panel = prepare_panel(pd.concat(frames), DataConfig(id_col="id"))
    spec = BacktestSpec(folds=1, models=("lstm",), baselines=False)
    result = run_backtest(panel, fast_config(horizon=12), spec)
    plan = result.plans["lstm"]["plan"]
    assert plan["lookback"] == 21
    assert (
        plan["reasons"]["lookback"]
        == "two seasons of 12, cut to 21: the longest that leaves a fold a training window"
    )
    with pytest.raises(DataError, match="--lookback 21 fits one"):
        run_backtest(panel, fast_config(horizon=12, lookback=24), spec)
    with pytest.raises(DataError, match="--lookback 21 fits one"):
        run_backtest(panel.subset([0]), fast_config(horizon=12), spec)


def test_a_past_features_gap_is_carried_forward_and_a_known_future_one_is_not():
    """The target's gap was carried forward while a --features column in the same missing
    rows still read the value after them (1000 at the origin: 224 .. 845 in the gap)."""
    from forecast_cli.backtest_fill import carried_forward

    days = pd.date_range("2024-01-01", periods=100, freq="D")
    frame = pd.DataFrame({"date": days, "y": 50 + np.sin(np.arange(100.0)), "x": np.arange(100.0)})
    frame.loc[75:, "x"] = 1000.0
    frame["promo"] = frame["x"]
    gappy = frame.drop(index=range(70, 75))  # rows 70..74 absent
    data = DataConfig(target="y", features=("x",), future_features=("promo",))
    panel, changed = carried_forward(prepare_panel(gappy, data), "interpolate", ("promo",))
    got = panel.members[0].frame
    assert (
        got["x"].iloc[70:75].tolist() == [69.0] * 5 and got["y"].iloc[70:75].tolist() == [frame["y"][69]] * 5
    )
    assert got["promo"].iloc[74] > 69.0  # known over the horizon: the loader's interpolation kept
    assert changed == 10
    carried = dataclasses.replace(data, fill="ffill")  # a fill that reads no later row: nothing to undo
    assert carried_forward(prepare_panel(gappy, carried), "ffill")[1] == 0


def test_the_per_series_crps_is_twice_its_pinball_as_on_the_leaderboard():
    """CRPS is twice the mean pinball loss over the quantiles, on the leaderboard and in
    each series' row; with every series holding every fold, the leaderboard's is the mean of
    the series' (by_series is what `--per-series` writes)."""
    rng = np.random.default_rng(2)
    t = np.arange(60)
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "id": name,
                    "month": pd.date_range("2015-01-01", periods=60, freq="MS"),
                    "y": 50 + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 2, 60) + k * 20,
                }
            )
            for k, name in enumerate(("a", "b"))
        ]
    )
    panel = prepare_panel(long, DataConfig(id_col="id"))
    result = run_backtest(panel, fast_config(horizon=6), BacktestSpec(folds=2, models=()))
    table = result.by_series
    np.testing.assert_allclose(table["crps"], 2 * table["pinball"])
    board = result.leaderboard  # indexed by model
    for model, rows in table.groupby("model"):
        assert rows["crps"].mean() == pytest.approx(board.loc[model, "crps"])
