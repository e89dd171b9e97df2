"""Bad input in one series of a panel: the error starts ``series 'ID': ``, gives the rows
as the input file numbers them (data row N = the Nth row after the header), exits 2 and
writes nothing.

The panel is long_panel(): S0 on data rows 1-60, S1 on 61-144, S2 on 145-192.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli.cli import app

from .conftest import FAST_TRAIN
from .test_cli_bad_input import refused
from .test_panel import long_panel

runner = CliRunner()


def _train(tmp_path, frame: pd.DataFrame, *extra: str, quiet: bool = True):
    data, model = tmp_path / "panel.csv", tmp_path / "m.fcst"
    frame.to_csv(data, index=False)
    options = FAST_TRAIN if quiet else [a for a in FAST_TRAIN if a != "--quiet"]
    result = runner.invoke(app, ["train", str(data), "-H", "3", *options, *extra, "-o", str(model)])
    return result, model


def _corrupt(series: str, rows: slice, column: str, value) -> pd.DataFrame:
    frame = long_panel()
    frame[column] = frame[column].astype(object)
    frame.loc[frame.index[frame["unique_id"] == series][rows], column] = value
    return frame


@pytest.mark.parametrize(
    "frame, message",
    [
        (
            _corrupt("S1", slice(5, 8), "y", "abc"),
            "series 'S1': 3 non-numeric values in 'y' (data rows 66-68, first 'abc')",
        ),
        (
            _corrupt("S1", slice(5, 6), "y", "inf"),
            "series 'S1': column 'y' has an infinite value (inf on data row 66)",
        ),
        (
            _corrupt("S2", slice(3, 4), "ds", "notadate"),
            "series 'S2': column 'ds' has a value that is not a timestamp ('notadate' on data row 148)",
        ),
    ],
    ids=["non-numeric", "infinite", "bad-timestamp"],
)
def test_a_bad_value_in_one_series_names_it_and_the_files_rows(tmp_path, frame, message):
    """bad input: non-numeric, infinite, unparseable-time or all-empty values in one series of a long panel -> exit 2, "series 'S1': ..." with the file's data rows, no model written"""
    result, model = _train(tmp_path, frame)
    refused(result, 2, message)
    assert not model.exists()


def test_a_constant_series_is_kept_and_named_and_only_an_all_constant_panel_is_refused(tmp_path):
    """bad input: every series of a panel constant -> exit 2, nothing to learn, no model
    written. One constant series (a product that never sold) is data, not an error: it no
    longer stops the panel (--local included), and the summary names it."""
    frame = _corrupt("S1", slice(None), "y", 7.0)
    for extra in ((), ("--local",)):
        result, model = _train(tmp_path, frame, *extra, quiet=False)
        assert result.exit_code == 0, result.stderr
        assert "1 constant series kept (S1)" in result.stderr and model.exists()
        model.unlink()
    flat = long_panel().assign(y=7.0)
    result, model = _train(tmp_path, flat)
    refused(result, 2, "every series' 'y' is constant; there is nothing to learn")
    assert not model.exists()


def test_a_series_constant_but_for_float_round_off_is_a_constant_series(tmp_path):
    """bad input: a price of 19.99 summed as 19.990000000000002 on half its rows -> in a panel, kept as constant and forecast at its value with a band of no width (it was forecast 7% lower, the band's lower edge on the point); alone, exit 2 "constant (19.99, to one part in 10^9)" like an exact constant"""
    rows = (long_panel()["unique_id"] == "S1").sum()
    noisy = np.where(np.arange(rows) % 2 == 0, 19.99, sum([19.99 / 30] * 30))
    assert len(set(noisy.tolist())) == 2  # float sums differ in the last digit
    frame = _corrupt("S1", slice(None), "y", noisy)
    result, model = _train(tmp_path, frame, quiet=False)
    assert result.exit_code == 0, result.stderr
    assert "1 constant series kept (S1)" in result.stderr
    out = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv", "--level", "80", "--ids", "S1"])
    assert out.exit_code == 0, out.stderr
    got = pd.read_csv(io.StringIO(out.stdout))
    assert np.allclose(got["y"], noisy[-1], rtol=1e-12, atol=0)
    assert (got["y-lo-80"] == got["y"]).all() and (got["y-hi-80"] == got["y"]).all()
    alone = tmp_path / "price.csv"
    pd.DataFrame(
        {"month": pd.date_range("2015-01-01", periods=rows, freq="MS").strftime("%Y-%m"), "price": noisy}
    ).to_csv(alone, index=False)
    result = runner.invoke(app, ["train", str(alone), *FAST_TRAIN, "-o", str(tmp_path / "p.fcst")])
    refused(result, 2, "target 'price' is constant (19.99, to one part in 10^9); there is nothing to learn")


def test_a_series_of_one_row_is_put_on_the_panels_step_and_forecast_without_a_band(tmp_path):
    """A product sold once so far stopped the whole panel ("only 1 distinct timestamp").
    One row tells no step, but the panel's series share one: the series is kept on it and
    forecast by its last value, and its band is left empty (one row shows no change),
    where a band of no width would claim certainty; the other series are untouched."""
    frame = long_panel()
    frame = frame.drop(frame.index[frame["unique_id"] == "S1"][1:])
    one = frame.loc[frame["unique_id"] == "S1"].iloc[0]
    result, model = _train(tmp_path, frame, quiet=False)
    assert result.exit_code == 0, result.stderr
    assert "length min/median/max 1/" in result.stderr and "freq MS (inferred)" in result.stderr
    assert "1 too short for a training window" in result.stderr
    result = runner.invoke(app, ["predict", "-m", str(model), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    rows = pd.DataFrame(json.loads(result.stdout))
    alone, others = rows[rows["unique_id"] == "S1"], rows[rows["unique_id"] != "S1"]
    assert list(alone["y"]) == [one["y"]] * 3
    assert list(alone["timestamp"]) == [
        (one["ds"] + pd.DateOffset(months=k)).strftime("%Y-%m-%d") for k in (1, 2, 3)
    ]  # the panel's monthly step
    assert alone[["y-lo-80", "y-hi-80", "y-lo-95", "y-hi-95"]].isna().all().all()
    assert (
        others[["y-lo-80", "y-hi-95"]].notna().all().all() and (others["y-hi-80"] > others["y-lo-80"]).all()
    )
    assert "series 'S1': 1 row, fewer than the" in result.stderr and "with no band" in result.stderr


def test_a_panel_whose_series_all_have_one_row_is_refused_naming_where(tmp_path):
    """bad input: a panel whose every series has a single row (--id-col given) -> exit 2, "series 'S0': the data has only 1 distinct timestamp ... (the series is on data rows 1)", no model written"""
    frame = long_panel().groupby("unique_id").head(1)
    result, model = _train(tmp_path, frame, "--id-col", "unique_id")
    refused(
        result, 2, "series 'S0': the data has only 1 distinct timestamp", "(the series is on data rows 1)"
    )
    assert not model.exists()


def test_a_bad_cell_of_a_wide_table_names_its_column_and_file_row(tmp_path):
    """bad input: --target a,b of a wide table with a non-numeric cell in b -> exit 2, "series 'b': ... data row N" of the file"""
    t = np.arange(40)
    wide = pd.DataFrame(
        {
            "month": pd.date_range("2000-01-01", periods=40, freq="MS"),
            "a": 10 + np.sin(t),
            "b": 20 + np.cos(t),
        }
    )
    wide["b"] = wide["b"].astype(object)
    wide.loc[30, "b"] = "n/a?"
    result, _ = _train(tmp_path, wide, "--target", "a,b")
    refused(result, 2, "series 'b': column 'b' has a non-numeric value ('n/a?' on data row 31)")


def test_a_series_with_no_values_is_left_out_and_named_unless_asked_for(tmp_path):
    """bad input: --ids S2 of a long panel whose series S2 has rows but no value -> exit 2
    naming it; without --ids the panel trains without it and the load line names it (one
    dead meter stopped the whole panel, and the fix offered was to list every other id)"""
    frame = _corrupt("S2", slice(None), "y", np.nan)
    result, _ = _train(tmp_path, frame, quiet=False)
    assert result.exit_code == 0, result.output
    assert "1 series with no 'y' values left out (S2)" in result.stderr
    result, _ = _train(tmp_path, frame, "--ids", "S1,S2")
    refused(
        result,
        2,
        "series 'S2': target column 'y' has no values (all empty or NaN); leave the series out "
        "(--ids or --ids-file, or delete its rows) (the series is on data rows 145-192)",
    )
    dead = long_panel()
    dead["y"] = np.nan  # every series empty: the first one's refusal, not a panel of none
    result, _ = _train(tmp_path, dead, "--target", "y")
    refused(result, 2, "series 'S0': target column 'y' has no values (all empty or NaN)")
    wide = pd.DataFrame({"month": pd.date_range("2000-01-01", periods=40, freq="MS"), "a": np.arange(40.0)})
    wide["b"], wide["c"] = np.nan, "  "
    result, _ = _train(tmp_path, wide, "--target", "*", quiet=False)
    assert result.exit_code == 0 and "2 series with no values left out (b, c)" in result.stderr, result.output


def _thinned(frame: pd.DataFrame, series: dict[str, int]) -> pd.DataFrame:
    """``frame`` without every ``n``-th row but the first of each series named, so a fill
    would invent 1/n of that series' grid."""
    keep = pd.Series(True, index=frame.index)
    for key, every in series.items():
        rows = frame.index[frame["unique_id"] == key]
        keep[rows[1::every]] = False
    return frame[keep]


def test_series_a_fill_would_invent_much_of_are_named_together_the_step_being_the_others(tmp_path):
    """bad input: two of a panel's three series with over a fifth of their months absent ->
    exit 2 naming both with their shares, worst first, and --fill or --ids (the first one's
    refusal alone said to check --freq, though the third series shows the step is right, and
    hid the second); every series that gappy -> the first's own refusal, naming --freq;
    predict with a model of the default fill -> exit 2 naming both, and --ids"""
    gappy = _thinned(long_panel(), {"S0": 4, "S2": 3})
    result, _ = _train(tmp_path, gappy)
    refused(
        result,
        2,
        "filling would invent over 20% of the rows of 2 of 3 series ('S2' 33%, 'S0' 25%), where the "
        "other fills on the step; accept it with an explicit --fill interpolate|ffill|zero|drop",
        "or leave them out with --ids or --ids-file",
    )
    result, _ = _train(tmp_path, _thinned(long_panel(), {"S0": 4, "S1": 4, "S2": 3}))
    refused(
        result,
        2,
        "series 'S0': filling would invent 15 of 60 rows (25%",
        "check --freq",
        "(the series is on data rows",
    )
    result, _ = _train(tmp_path, gappy, "--fill", "interpolate")
    assert result.exit_code == 0, result.output
    result, model = _train(tmp_path, long_panel())
    gappy.to_csv(tmp_path / "gappy.csv", index=False)
    result = runner.invoke(app, ["predict", str(tmp_path / "gappy.csv"), "-m", str(model)])
    refused(
        result,
        2,
        "of 2 of 3 series ('S2' 33%, 'S0' 25%)",
        ": give their rows at every MS step, or leave them out with --ids",
    )


def test_predict_warns_of_a_trained_series_whose_rows_have_no_values(tmp_path):
    """predict with rows where a trained series' target is all empty -> the others forecast,
    and a warning (not only the load line's note, which reads as loading news) names the
    trained series not forecast; an untrained empty series is the load line's alone"""
    result, model = _train(tmp_path, long_panel())
    assert result.exit_code == 0, result.output
    frame = _corrupt("S2", slice(None), "y", np.nan)
    extra = long_panel().query("unique_id == 'S0'").assign(unique_id="S9", y=np.nan)
    pd.concat([frame, extra]).to_csv(tmp_path / "empty.csv", index=False)
    result = runner.invoke(app, ["predict", str(tmp_path / "empty.csv"), "-m", str(model), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(io.StringIO(result.stdout))["unique_id"]) == {"S0", "S1"}
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: 1 trained series has no 'y' value in the rows given and is not forecast (S2)"
    ]
    assert "2 series with no 'y' values left out (S2, S9)" in result.stderr


def test_a_series_split_off_by_a_stray_space_is_named_with_its_twin_when_refused(tmp_path):
    """bad input: every third row of S1 written ' S1' -> a refusal in ' S1' names the twin it
    differs from only by spaces (one such refusal offered --freq for a grid of 639 days, and
    the load line's note of such twins came after it, never said); S1, left gappy, is
    refused with the pair named"""
    frame = long_panel()
    rows = frame.index[frame["unique_id"] == "S1"]
    frame.loc[rows[::3], "unique_id"] = " S1"
    frame["y"] = frame["y"].astype(object)
    frame.loc[rows[3], "y"] = "n.a."  # refused in ' S1', read first
    result, _ = _train(tmp_path, frame)
    twin = "series ' S1' (its id differs from 'S1' only by spaces around it: trim the ids in the file): "
    refused(result, 2, twin)
    frame = long_panel()
    frame.loc[rows[::3], "unique_id"] = " S1"  # S1 a third gappy, ' S1' on a grid of quarters
    result, _ = _train(tmp_path, frame)
    refused(
        result,
        2,
        "('S1' 33%)",
        "; 'S1' and ' S1' differ only by spaces around them: trim the ids in the file",
    )


def test_an_empty_column_of_a_wide_table_is_left_out_by_target_not_by_deleting_rows(tmp_path):
    """bad input: --target a,b of a wide table whose column b is empty -> exit 2, naming the
    series and --target; the fix offered was to delete its rows, which would delete a's too"""
    wide = pd.DataFrame({"month": pd.date_range("2000-01-01", periods=40, freq="MS"), "a": np.arange(40.0)})
    wide["b"] = np.nan
    result, _ = _train(tmp_path, wide, "--target", "a,b")
    refused(
        result,
        2,
        "series 'b': target column 'b' has no values (all empty or NaN); leave the series out "
        "(--ids or --ids-file, or drop the column from --target)",
    )


def test_one_typo_in_a_time_column_is_refused_not_read_as_integer_steps(tmp_path):
    """bad input: one unparseable timestamp among the first rows of a single series -> exit 2 naming it and its row (was: the column silently stopped being the time axis)"""
    frame = long_panel()
    frame = frame[frame["unique_id"] == "S0"].drop(columns="unique_id")
    frame["ds"] = frame["ds"].dt.strftime("%Y-%m-%d")
    frame.iloc[3, 0] = "2000-13-45"
    result, _ = _train(tmp_path, frame)
    refused(result, 2, "column 'ds' has a value that is not a timestamp ('2000-13-45' on data row 4)")


def test_duplicates_and_nans_in_one_series_are_handled_as_for_one_series_and_named(tmp_path):
    """bad input: a repeated timestamp and NaNs within one series of a panel -> merged with --agg and interpolated, as for a single series; the panel line names the series"""
    frame = long_panel()
    s1 = frame.index[frame["unique_id"] == "S1"]
    frame.loc[s1[6], "ds"] = frame.loc[s1[5], "ds"]
    frame.loc[s1[20:22], "y"] = np.nan
    result, model = _train(tmp_path, frame, quiet=False)
    assert result.exit_code == 0, result.stderr
    assert model.exists()
    assert "1 duplicates merged (in S1)" in result.stderr and "2 NaNs filled (in S1)" in result.stderr


def test_predict_forecasts_an_unseen_series_too_short_for_the_network_by_a_baseline(tmp_path):
    """predict with data holding a series the model never saw and fewer rows than the lookback
    -> exit 0: the others from the network, that one by naive from its own rows, said on
    stderr (it was refused with exit 2, stopping every other series' forecast too)"""
    trained, model = _train(tmp_path, long_panel(), "-L", "12")
    assert trained.exit_code == 0, trained.stderr
    new = long_panel(lengths=(40, 8), seed=3)
    new["unique_id"] = new["unique_id"].map({"S0": "NEW", "S1": "TINY"})
    data = tmp_path / "new.csv"
    new.to_csv(data, index=False)
    result = runner.invoke(app, ["predict", str(data), "-m", str(model), "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert (
        "warning: series 'TINY': 8 rows, fewer than the 12 the network reads; forecast by naive"
        in result.stderr
    )
    rows = pd.read_csv(io.StringIO(result.stdout))
    assert set(rows["unique_id"]) == {"NEW", "TINY"} and rows.notna().all().all()
    last = new.loc[new["unique_id"] == "TINY", "y"].iloc[-1]
    assert (rows.loc[rows["unique_id"] == "TINY", "y"] == last).all()


def test_a_panel_that_no_fold_fits_names_the_option_at_fault(tmp_path):
    """bad input: backtest --window sliding --train-size 5 on a panel -> exit 2, the longest
    series' own reason (--train-size below the rows one model needs), not 'lower --folds or
    --horizon', which would not have helped; too many folds name the longest series' count"""
    data = tmp_path / "panel.csv"
    panel = long_panel()
    panel.to_csv(data, index=False)
    longest = panel["unique_id"].value_counts().idxmax()
    args = ["backtest", str(data), "--window", "sliding", "--train-size", "5", "--models", "naive", "-k", "1"]
    refused(
        runner.invoke(app, args),
        2,
        f"no series fits the folds; the longest, {longest!r}: --train-size 5 is below",
    )
    rows = int(panel["unique_id"].value_counts().max())
    many = ["backtest", str(data), "--models", "naive", "-H", "3", "-k", str(rows)]
    refused(runner.invoke(app, many), 2, f"the longest, {longest!r}:", f"the series has {rows};")


@pytest.mark.parametrize("name", ["model", "origin", "timestamp", "actual", "lo-80"])
def test_an_id_column_named_like_a_backtest_column_is_refused_before_any_fit(tmp_path, name):
    """bad input: a series id column named like a column the backtest writes (model, origin,
    timestamp, actual, lo-80) -> exit 2, "rename it in the data" (--predictions-out wrote the
    model names over the ids, exit 0, and --plot drew 'series lstm')"""
    data = tmp_path / "panel.csv"
    long_panel().rename(columns={"unique_id": name}).to_csv(data, index=False)
    result = runner.invoke(
        app, ["backtest", str(data), "--id-col", name, "--models", "lstm", "--epochs", "1", "-H", "3", "-q"]
    )
    refused(result, 2, f"the series id column {name!r} has the name of a column the backtest writes")


@pytest.mark.parametrize("role", ["id", "target"])
def test_an_id_or_target_named_timestamp_is_refused_before_training(tmp_path, role):
    """bad input: a series id or target column named 'timestamp', as predict names its time
    column -> exit 2, "rename it in the data" (predict wrote two 'timestamp' columns in CSV,
    and failed with exit 1 in JSON)"""
    frame = long_panel().rename(columns={"ds": "date"})
    frame = frame.rename(columns={"unique_id": "timestamp"} if role == "id" else {"y": "timestamp"})
    extra = ["--id-col", "timestamp"] if role == "id" else ["--target", "timestamp"]
    result, model = _train(tmp_path, frame, "--time-col", "date", *extra)
    refused(result, 2, "as the forecasts' time column is written; rename it in the data")
    assert not model.exists()


def test_an_empty_known_future_column_names_its_own_flag(tmp_path):
    """bad input: a --future-features column with no values in one series -> exit 2, "give it
    values, or train without it (--future-features)" (it said "drop it from --features", a
    flag the user had not given)"""
    frame = long_panel().assign(promo=1.0)
    frame.loc[frame["unique_id"] == "S1", "promo"] = np.nan
    result, model = _train(tmp_path, frame, "--future-features", "promo")
    refused(result, 2, "series 'S1'", "'promo' has no values", "train without it (--future-features)")
    assert not model.exists()


@pytest.mark.parametrize("freq", ["YS", "YS-JUL"])
def test_a_month_calendar_on_yearly_data_is_refused(tmp_path, freq):
    """bad input: --calendar month on yearly data, where every step falls in one month ->
    exit 2, "leave it out for yearly data" (it trained on a constant input, exit 0)"""
    frame = long_panel()
    frame["ds"] = (
        frame.groupby("unique_id")
        .cumcount()
        .map(lambda i: pd.date_range("1900-01-01", periods=100, freq=freq)[i])
    )
    result, model = _train(tmp_path, frame, "--calendar", "month")
    refused(result, 2, "--calendar month describes the month of the year", "leave it out for yearly data")
    assert not model.exists()


def test_a_trained_series_given_one_row_keeps_its_band_and_the_warning_says_no_otherwise(tmp_path):
    """A series the model was trained on, given a single row at predict, is forecast by its
    last value with a band sized by its training rows. The warning said 'with no band (one
    row shows no change)' over rows that had bands."""
    frame = long_panel()
    _, model = _train(tmp_path, frame)
    one = tmp_path / "one.csv"
    given = pd.concat([frame[frame["unique_id"] == "S0"].tail(1), frame[frame["unique_id"] == "S1"]])
    given.to_csv(one, index=False)
    result = runner.invoke(app, ["predict", str(one), "-m", str(model), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    rows = pd.DataFrame(json.loads(result.stdout)).query("unique_id == 'S0'")
    assert rows[["y-lo-80", "y-hi-80"]].notna().all().all() and (rows["y-hi-80"] > rows["y-lo-80"]).all()
    said = [line for line in result.stderr.splitlines() if "series 'S0': 1 row" in line]
    assert said and "no band" not in said[0]


def test_flat_or_single_rows_of_trained_series_are_forecast_alike_whatever_else_the_file_holds(tmp_path):
    """Rows a trained model forecasts from may be flat (a product whose last sales did not
    move) or one row long: predict refused a flat series with 'nothing to learn', a
    training concern, and refused one row of a series given alone while it forecast the
    same row given beside another series."""
    frame = long_panel()
    _, model = _train(tmp_path, frame)
    last = frame[frame["unique_id"] == "S0"].tail(3)
    outputs = {}
    for name, rows in {
        "flat": last.assign(y=last["y"].iloc[-1]),
        "one": last.tail(1),
        "one beside another": pd.concat([last.tail(1), frame[frame["unique_id"] == "S1"]]),
    }.items():
        path = tmp_path / f"{name}.csv"
        rows.to_csv(path, index=False)
        result = runner.invoke(app, ["predict", str(path), "-m", str(model), "--ids", "S0", "-f", "csv"])
        assert result.exit_code == 0, (name, result.stderr)
        outputs[name] = result.stdout
    assert outputs["one"] == outputs["one beside another"] == outputs["flat"]  # last value 3 times
    assert outputs["one"].count(f",{float(last['y'].iloc[-1])!r},") == 3


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["-t", "y", "--future-features", "y"], "'y' is the target; leave it out of --future-features"),
        (
            ["-t", "y", "--features", "temp", "--future-features", "temp"],
            "temp is in --features and --future-features",
        ),
        (["-t", "y", "--features", "price"], "--features names 'price', which is not a column"),
    ],
)
def test_a_feature_flag_at_odds_with_the_columns_is_refused_for_the_panel_before_any_series(
    tmp_path, monkeypatch, flags, message
):
    """bad input: a panel with --future-features naming the target, a column in both feature flags, or a column the table lacks -> exit 2, the option's error, not one series' (no 'series ...:' prefix), raised before any series is read"""
    import forecast_cli.panel as panel_module

    def no_series(*_args, **_kwargs):
        raise AssertionError("a series was read before the options were checked")

    monkeypatch.setattr(panel_module, "prepare_series", no_series)
    frame = long_panel().assign(temp=1.0)
    result, model = _train(tmp_path, frame, *flags)
    line = refused(result, 2, message)
    assert "series '" not in line and "data rows" not in line
    assert not model.exists()


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--features", "temp,temp"], "--features names 'temp' twice; name each column once"),
        (["--future-features", "temp, temp"], "--future-features names 'temp' twice"),
        (["--static-cols", "region,region"], "--static-cols names 'region' twice"),
    ],
)
@pytest.mark.parametrize("command", ["train", "backtest"])
def test_a_column_named_twice_in_a_column_list_is_refused(tmp_path, flags, message, command):
    """bad input: a column named twice in --features, --future-features or --static-cols -> exit 2 naming it, no model written (was: train saved a model predict crashed on, exit 1)"""
    frame = long_panel().assign(temp=1.0, region="north")
    data, model = tmp_path / "p.csv", tmp_path / "m.fcst"
    frame.to_csv(data, index=False)
    out = ["-o", str(model)] if command == "train" else []
    result = runner.invoke(app, [command, str(data), "-t", "y", "-H", "3", *FAST_TRAIN, *flags, *out])
    refused(result, 2, message)
    assert not model.exists()


def test_the_only_numeric_column_given_as_a_feature_is_named_as_the_targets_conflict(tmp_path):
    """bad input: the one numeric column named in --features, no --target -> exit 2 saying it cannot be both the target and an input (was: 'no numeric column to forecast')"""
    data = tmp_path / "air.csv"
    data.write_text("month,passengers\n1949-01,112\n1949-02,118\n1949-03,132\n")
    result = runner.invoke(
        app, ["train", str(data), "--features", "passengers", "-o", str(tmp_path / "m.fcst")]
    )
    line = refused(result, 2, "passengers, the only numeric column, is named in --features")
    assert "no numeric column" not in line


def test_a_log_transform_of_a_panel_with_values_below_zero_names_the_series(tmp_path):
    """bad input: --transform log on a panel where two of five series go below zero -> exit 2 naming them and the first such value (it said 'it has values <= 0' with no series), nothing written"""
    panel = long_panel(lengths=(40, 40, 40, 40, 40), seed=4)
    for name, shift in (("S1", -1e6), ("S3", -1e6)):
        panel.loc[panel["unique_id"] == name, "y"] += shift
    data = tmp_path / "mixed.csv"
    panel.to_csv(data, index=False)
    model = tmp_path / "m.fcst"
    result = runner.invoke(app, ["train", str(data), "--transform", "log", "-o", str(model)])
    line = refused(
        result,
        2,
        "--transform log needs a strictly positive target, but 2 of 5 series",
        "('S1', 'S3'; 'S1' has",
    )
    assert "--ids" in line and not model.exists()
