"""A time column of step numbers (Nixtla's integer ``ds``: 1, 2, 3 per series, as the M4
data is shipped): read as the time axis, sorted, gaps filled, and forecasts numbered on
from each series' last step, never from a count of rows.

Each regression test's docstring starts with "bad input: <what> -> <answer>", from which
docs/bad-input.md is generated (tools/bad_input_table.py).
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from forecast_cli.cli import app
from forecast_cli.config import DataConfig
from forecast_cli.panel import prepare_panel
from forecast_cli.series import prepare_series

from .conftest import FAST_TRAIN

runner = CliRunner()


def _long(tmp_path) -> tuple:
    """Two series numbered 1..30 and 11..40, their rows shuffled."""
    rng = np.random.default_rng(0)
    rows = [("A", t, 10 + t + rng.normal()) for t in range(1, 31)]
    rows += [("B", t, 50 - 0.5 * t + rng.normal()) for t in range(11, 41)]
    frame = pd.DataFrame(rows, columns=["unique_id", "ds", "y"]).sample(frac=1, random_state=1)
    path = tmp_path / "long.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_numbered_steps_are_sorted_and_their_gaps_are_gaps():
    raw = pd.DataFrame({"ds": [3, 1, 2, 6, 5], "y": [3.0, 1.0, 2.0, 6.0, 5.0]})
    series = prepare_series(raw, DataConfig())
    assert list(series.frame.index) == [1, 2, 3, 4, 5, 6] and series.freq is None
    np.testing.assert_array_equal(series.y, [1, 2, 3, 4, 5, 6])  # step 4 interpolated
    assert series.report.gaps_filled == 1
    assert "steps numbered by 'ds'" in series.report.line()


def test_whole_numbers_under_a_step_name_are_steps_even_where_they_could_be_years():
    """M5 numbers its days 1..1941 in ``ds``: a product launched on day 1200 had its days
    read as the years 1200..1941 beside the other products' steps, and the panel was
    refused as "different frequencies" with --freq refused too. Under a step name whole
    numbers are steps (a ``ds`` of 1990, 1991... still forecasts 1994, 1995...); under
    ``year`` they are years."""
    raw = pd.DataFrame({"ds": [1990, 1991, 1992, 1993], "y": [1.0, 2.0, 3.0, 5.0]})
    assert prepare_series(raw, DataConfig()).freq is None
    assert prepare_series(raw.rename(columns={"ds": "year"}), DataConfig()).freq == "YS"
    rows = [("early", d, float(d % 7)) for d in range(1, 1942)]
    rows += [("launched", d, float(d % 5)) for d in range(1200, 1942)]
    panel = prepare_panel(
        pd.DataFrame(rows, columns=["unique_id", "ds", "y"]), DataConfig(id_col="unique_id")
    )
    assert [m.freq for m in panel.members] == [None, None]
    assert [m.frame.index[0] for m in panel.members] == [1, 1200]


def test_a_panel_of_numbered_steps_forecasts_from_each_series_last_step(tmp_path):
    path, frame = _long(tmp_path)
    model = tmp_path / "m.fcst"
    result = runner.invoke(
        app, ["train", str(path), "--horizon", "3", "--lookback", "6", *FAST_TRAIN, "-o", str(model)]
    )
    assert result.exit_code == 0, result.output
    out = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv", "--level", "none"])
    assert out.exit_code == 0, out.output
    forecast = pd.read_csv(io.StringIO(out.stdout))
    assert forecast.groupby("unique_id")["step"].apply(list).to_dict() == {
        "A": [31, 32, 33],
        "B": [41, 42, 43],
    }
    # new rows keep their numbers too: B's steps 11..25 are forecast from 26
    recent = frame[(frame.unique_id == "B") & (frame.ds <= 25)]
    (tmp_path / "b.csv").write_text(recent.to_csv(index=False))
    out = runner.invoke(
        app, ["predict", str(tmp_path / "b.csv"), "-m", str(model), "-f", "csv", "--level", "none"]
    )
    assert out.exit_code == 0, out.output
    assert pd.read_csv(io.StringIO(out.stdout))["step"].tolist() == [26, 27, 28]


def test_timestamps_given_to_a_model_of_integer_steps_are_refused(tmp_path):
    """bad input: dated rows to predict with a model trained on integer steps -> exit 2, "give --time-col '' to count its rows\""""
    steps = tmp_path / "steps.csv"
    steps.write_text("y\n" + "\n".join(str(10 + i % 4) for i in range(40)) + "\n")
    model = tmp_path / "m.fcst"
    assert (
        runner.invoke(app, ["train", str(steps), "--horizon", "2", *FAST_TRAIN, "-o", str(model)]).exit_code
        == 0
    )
    dated = tmp_path / "dated.csv"
    dated.write_text("date,y\n" + "\n".join(f"2020-01-{d:02d},{10 + d % 4}" for d in range(1, 21)) + "\n")
    result = runner.invoke(app, ["predict", str(dated), "-m", str(model)])
    assert result.exit_code == 2 and result.stdout == ""
    assert "the data has timestamps but the model was trained on integer steps" in result.stderr
    assert "--time-col ''" in result.stderr


def test_season_gives_numbered_steps_their_cycle(tmp_path):
    """Step numbers have no frequency to say their cycle; ``--season`` sets it, and with it
    the default horizon and lookback, in train and in backtest alike."""
    path, _ = _long(tmp_path)
    model = tmp_path / "m.fcst"
    result = runner.invoke(app, ["train", str(path), "--season", "4", *FAST_TRAIN, "-o", str(model)])
    assert result.exit_code == 0, result.output
    info = runner.invoke(app, ["info", str(model), "-f", "json"])
    plan = json.loads(info.stdout)
    assert (plan["season"], plan["horizon"], plan["lookback"]) == (
        "4 (given)",
        "4 (one season)",
        "8 (two seasons of 4)",
    )
    out = runner.invoke(
        app, ["backtest", str(path), "--season", "4", "--folds", "2", "--models", "", "-f", "json"]
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["config"]["season"] == 4
    assert "horizon 4" in out.stderr


def test_freq_for_numbered_steps_is_refused(tmp_path):
    """bad input: --freq for a time column of step numbers -> exit 2, "numbers steps (1, 2, 3...), not dates; drop --freq\""""
    path, _ = _long(tmp_path)
    result = runner.invoke(
        app, ["train", str(path), "--freq", "D", *FAST_TRAIN, "-o", str(tmp_path / "m.fcst")]
    )
    assert result.exit_code == 2 and result.stdout == ""
    assert "--freq D: 'ds' numbers steps (1, 2, 3...), not dates; drop --freq" in result.stderr
    assert "series 'A'" not in result.stderr  # the panel's error, not one series'
    assert not (tmp_path / "m.fcst").exists()


def test_step_numbers_given_to_a_dated_model_name_the_model_frequency(tmp_path, sample):
    """bad input: step numbers (or no time column) to predict with a model of dated steps -> exit 2, "the model steps in MS timestamps\""""
    model = tmp_path / "air.fcst"
    train = ["train", str(sample / "airpassengers.csv"), *FAST_TRAIN, "-o", str(model)]
    assert runner.invoke(app, train).exit_code == 0
    steps = tmp_path / "steps.csv"
    steps.write_text("ds,passengers\n" + "\n".join(f"{t},{100 + t}" for t in range(1, 40)) + "\n")
    result = runner.invoke(app, ["predict", str(steps), "-m", str(model)])
    assert result.exit_code == 2 and result.stdout == ""
    assert "the model steps in MS timestamps, but" in result.stderr and "--freq" not in result.stderr


def _with_promo(tmp_path) -> tuple:
    """Two numbered series whose value jumps by 20 at every step with promo = 1."""
    rows = []
    for name, start in (("A", 1), ("B", 5)):
        for t in range(start, start + 60):
            promo = int(t % 5 == 0)
            rows.append((name, t, 50.0 + 20.0 * promo + (t % 3), promo))
    frame = pd.DataFrame(rows, columns=["unique_id", "ds", "y", "promo"])
    path = tmp_path / "promo.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_future_data_of_numbered_steps_is_read_by_step_number(tmp_path):
    path, frame = _with_promo(tmp_path)
    model = tmp_path / "m.fcst"
    train = ["train", str(path), "--target", "y", "--future-features", "promo", "--horizon", "3"]
    assert runner.invoke(app, [*train, *FAST_TRAIN, "-o", str(model)]).exit_code == 0
    ends = frame.groupby("unique_id")["ds"].max()
    future = pd.DataFrame(
        [(name, end + k, int(k == 2)) for name, end in ends.items() for k in (1, 2, 3)],
        columns=["unique_id", "ds", "promo"],
    ).sample(frac=1, random_state=0)  # rows in any order: matched by series and step number
    (tmp_path / "future.csv").write_text(future.to_csv(index=False))
    out = runner.invoke(
        app, ["predict", "-m", str(model), "--future-data", str(tmp_path / "future.csv"), "-f", "csv"]
    )
    assert out.exit_code == 0, out.output
    got = pd.read_csv(io.StringIO(out.stdout))
    assert got.groupby("unique_id")["step"].apply(list).to_dict() == {"A": [61, 62, 63], "B": [65, 66, 67]}
    short = future[future.ds != ends["B"] + 3]
    (tmp_path / "short.csv").write_text(short.to_csv(index=False))
    out = runner.invoke(app, ["predict", "-m", str(model), "--future-data", str(tmp_path / "short.csv")])
    assert out.exit_code == 2 and f"for series 'B' at {ends['B'] + 3}" in out.stderr


def test_dated_future_data_for_a_model_of_numbered_steps_is_refused(tmp_path):
    """bad input: --future-data with dates for a model of step numbers -> exit 2, "has timestamps but the model's series have step numbers\""""
    path, frame = _with_promo(tmp_path)
    model = tmp_path / "m.fcst"
    train = ["train", str(path), "--target", "y", "--future-features", "promo", "--horizon", "3"]
    assert runner.invoke(app, [*train, *FAST_TRAIN, "-o", str(model)]).exit_code == 0
    dated = pd.DataFrame(
        {"unique_id": ["A"] * 3 + ["B"] * 3, "ds": ["2020-01-01", "2020-01-02", "2020-01-03"] * 2, "promo": 0}
    )
    (tmp_path / "dated.csv").write_text(dated.to_csv(index=False))
    out = runner.invoke(app, ["predict", "-m", str(model), "--future-data", str(tmp_path / "dated.csv")])
    assert out.exit_code == 2 and out.stdout == ""
    assert "has timestamps but the model's series have step numbers" in out.stderr


def test_several_seasons_give_the_lookback_and_the_highway_every_cycle(tmp_path):
    """``--season 4,12`` (a day and a week, say, of numbered steps): the first is the
    season, the lookback spans the longest plus one of the first, and the plan keeps both
    cycles for the highway, as half-hourly data gets its day and week by default."""
    path, _ = _long(tmp_path)
    model = tmp_path / "m.fcst"
    result = runner.invoke(app, ["train", str(path), "--season", "12,4", *FAST_TRAIN, "-o", str(model)])
    assert result.exit_code == 0, result.output
    plan = json.loads(runner.invoke(app, ["info", str(model), "-f", "json"]).stdout)
    assert plan["season"] == "4 (given)" and plan["horizon"] == "4 (one season)"
    assert plan["lookback"] == "16 (the longest cycle of 12 steps once, plus one of 4)"
    assert plan["seasons"].startswith("4,12 ")


def test_a_season_that_is_not_a_whole_number_is_refused(tmp_path):
    """bad input: --season 0, 1.5 or x -> exit 2, "is not a whole number of steps\""""
    path, _ = _long(tmp_path)
    for bad in ("0", "1.5", "x", "12,-1"):
        result = runner.invoke(
            app, ["train", str(path), "--season", bad, *FAST_TRAIN, "-o", str(tmp_path / "m")]
        )
        assert result.exit_code == 2 and result.stdout == "", bad
        assert "is not a whole number of steps (e.g. 12, or 24,168)" in result.stderr, bad
        assert not (tmp_path / "m").exists()


def test_rows_without_a_step_column_are_said_to_be_numbered_by_their_order(tmp_path):
    """A model of ds = 1..60 given the same rows without ds: they are numbered 0..59 by
    their order, and it warned "the rows given end before the model's training rows (59
    against 60) ... at steps the model has already seen", comparing a position with a step
    number. It says what the numbering is, and a model trained on positions says nothing."""
    values = 100 + 10 * np.sin(np.arange(60) / 3) + np.arange(60)
    with_steps, without = tmp_path / "steps.csv", tmp_path / "rows.csv"
    pd.DataFrame({"ds": np.arange(1, 61), "y": values}).to_csv(with_steps, index=False)
    pd.DataFrame({"y": values}).to_csv(without, index=False)
    for data, said in ((with_steps, True), (without, False)):
        model = tmp_path / f"{data.stem}.fcst"
        assert (
            runner.invoke(app, ["train", str(data), "-H", "3", *FAST_TRAIN, "-o", str(model)]).exit_code == 0
        )
        out = runner.invoke(app, ["predict", "-m", str(model), str(without), "--level", "none"])
        assert out.exit_code == 0, out.output
        assert "end before the model's training rows" not in out.stderr
        assert ("its rows are numbered 0..59 by their order" in out.stderr) is said
        if said:
            assert "the model's training steps end at 60" in out.stderr
        # ten newer rows: a model trained without a step column has none to ask for
        longer = tmp_path / "longer.csv"
        pd.DataFrame({"y": np.concatenate([values, values[:10] + 60])}).to_csv(longer, index=False)
        more = runner.invoke(app, ["predict", "-m", str(model), str(longer), "--level", "none"])
        assert more.exit_code == 0 and ("by their order" in more.stderr) is said, more.output
