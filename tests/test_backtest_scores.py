"""Backtest scores per series: hand-computed values, the leaderboard's summary columns, and
a panel's per-series rows equal to single-series backtests of the same folds."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli.backtest import run_backtest
from forecast_cli.backtest_scores import score, series_summary, series_table
from forecast_cli.cli import app
from forecast_cli.config import DataConfig
from forecast_cli.panel import prepare_panel
from forecast_cli.run_config import BacktestConfig

from .conftest import fast_config
from .test_panel import long_panel

runner = CliRunner()

# two series x two folds x two steps, series-major rows
ACTUAL = np.array([[10.0, 12.0], [14.0, 16.0], [100.0, 100.0], [100.0, 100.0]])
SCALES = np.array([2.0, 2.0, 10.0, 0.0])  # the last pair's scale is zero: MASE undefined
FORECASTS = {
    "lstm": np.array([[11.0, 12.0], [14.0, 13.0], [90.0, 110.0], [100.0, 100.0]]),
    "seasonal-naive": np.array([[10.0, 10.0], [12.0, 12.0], [95.0, 95.0], [100.0, 101.0]]),
}


def _table(levels=()):
    bounds = {name: {} for name in FORECASTS}
    return series_table(("A", "B"), "store", ACTUAL, FORECASTS, bounds, SCALES, levels)


def test_a_series_row_averages_its_own_folds_only():
    table = _table().set_index(["store", "model"])
    # lstm on A: |errors| 1, 0 | 0, 3 -> MAE 1; fold MASE (0.5 / 2, 1.5 / 2) -> 0.5
    assert table.loc[("A", "lstm"), "mae"] == pytest.approx(1.0)
    assert table.loc[("A", "lstm"), "mase"] == pytest.approx(0.5)
    assert table.loc[("A", "lstm"), "rmse"] == pytest.approx((np.sqrt(0.5) + np.sqrt(4.5)) / 2)
    # seasonal naive on A: |errors| 0, 2 | 2, 4 -> fold MASE 0.5, 1.5 -> 1.0; lstm's skill 0.5
    assert table.loc[("A", "seasonal-naive"), "mase"] == pytest.approx(1.0)
    assert table.loc[("A", "lstm"), "skill"] == pytest.approx(0.5)
    # B: the second fold has no scale, so B's MASE is its first fold's: 10 / 10 and 5 / 10
    assert table.loc[("B", "lstm"), "mase"] == pytest.approx(1.0)
    assert table.loc[("B", "seasonal-naive"), "mase"] == pytest.approx(0.5)
    assert list(table.index.get_level_values(0)) == ["A", "A", "B", "B"]  # series-major


def test_summary_is_the_median_and_the_share_of_series_beating_seasonal_naive():
    summary = series_summary(_table())
    assert summary.loc["lstm", "mase_median"] == pytest.approx((0.5 + 1.0) / 2)
    assert summary.loc["lstm", "beats_snaive"] == pytest.approx(0.5)  # wins on A, loses on B
    assert np.isnan(summary.loc["seasonal-naive", "beats_snaive"])  # not compared with itself


def test_an_undefined_mase_pair_is_left_out_of_the_mean_not_spread_to_it():
    overall, _ = score(ACTUAL, FORECASTS["lstm"], SCALES)
    assert overall["mase"] == pytest.approx((0.25 + 0.75 + 1.0) / 3)


def test_interval_scores_per_series_use_that_series_rows():
    lo = FORECASTS["lstm"] - 1.0
    hi = FORECASTS["lstm"] + 1.0
    bounds = {"lstm": {"lo-80": lo, "hi-80": hi}, "seasonal-naive": {"lo-80": lo, "hi-80": hi}}
    table = series_table(("A", "B"), "store", ACTUAL, FORECASTS, bounds, SCALES, (80,))
    row = table.set_index(["store", "model"]).loc[("A", "lstm")]
    # A's lstm errors 1, 0, 0, 3 against a band of +-1: inside 3 of 4; width 2 / scale 2
    assert row["cov_80"] == pytest.approx(0.75) and row["width_80"] == pytest.approx(1.0)
    # Winkler: width 2 everywhere, plus 2 / 0.2 * 2 for the miss by 2: (8 + 20) / 4 / scale 2
    assert row["winkler_80"] == pytest.approx(28 / 4 / 2)


def test_panel_series_rows_of_the_baselines_equal_single_series_backtests():
    raw = long_panel()
    spec = BacktestConfig(folds=2, models=())
    result = run_backtest(prepare_panel(raw, DataConfig()), fast_config(horizon=6, season=("12",)), spec)
    rows = result.by_series.set_index(["unique_id", "model"])
    for sid, part in raw.groupby("unique_id"):
        single = run_backtest(
            prepare_panel(part.drop(columns="unique_id"), DataConfig()),
            fast_config(horizon=6, season=("12",)),
            spec,
        ).leaderboard
        for model in ("naive", "seasonal-naive", "drift"):
            for column in ("mae", "rmse", "mape", "smape", "mase", "skill"):  # bands pool the panel
                assert rows.loc[(sid, model), column] == pytest.approx(single.loc[model, column], rel=1e-12)
    board = result.leaderboard
    mase = result.by_series.pivot(index="unique_id", columns="model", values="mase")
    assert board.loc["naive", "mase"] == pytest.approx(mase["naive"].mean(), rel=1e-12)  # equal folds
    assert board.loc["naive", "mase_median"] == pytest.approx(mase["naive"].median(), rel=1e-12)
    wins = (mase["drift"] < mase["seasonal-naive"]).mean()
    assert board.loc["drift", "beats_snaive"] == pytest.approx(wins)


def test_cli_by_series_writes_one_row_per_series_and_model_and_json_always_has_them(tmp_path):
    data = tmp_path / "panel.csv"
    long_panel().to_csv(data, index=False)
    args = ["backtest", str(data), "-H", "6", "--folds", "2", "--models", "naive,mean", "--no-baselines"]
    out = runner.invoke(app, [*args, "--by-series", "-f", "csv", "--no-timings"])
    assert out.exit_code == 0, out.output
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("unique_id,model,mae,rmse,mape,smape,mase,skill,cov_80")
    assert [line.split(",")[:2] for line in lines[1:]] == [
        [s, m] for s in ("S0", "S1", "S2") for m in ("naive", "mean")
    ]
    payload = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    assert [(r["unique_id"], r["model"]) for r in payload["series"]][:2] == [("S0", "naive"), ("S0", "mean")]
    assert len(payload["series"]) == 6 and payload["leaderboard"][0]["beats_snaive"] is None  # no reference
    table = runner.invoke(app, [*args, "--by-series", "-f", "table"])
    assert "by series" in table.stdout and "S2" in table.stdout and "mase_median" in table.stdout


def test_a_single_series_table_leaves_out_the_panel_summary(sample):
    out = runner.invoke(
        app, ["backtest", str(sample / "airpassengers.csv"), "--models", "naive", "-f", "table"]
    )
    assert out.exit_code == 0, out.output
    assert "mase_median" not in out.stdout and "beats_snaive" not in out.stdout
    csv = runner.invoke(
        app, ["backtest", str(sample / "airpassengers.csv"), "--models", "naive", "-f", "csv"]
    )
    frame = pd.read_csv(pd.io.common.StringIO(csv.stdout)).set_index("model")
    assert frame.loc["naive", "mase_median"] == pytest.approx(frame.loc["naive", "mase"])
    assert frame.loc["naive", "beats_snaive"] in (0.0, 1.0)
