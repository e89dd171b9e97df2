"""The CLI on the covariate sample sets: half-hourly demand with calendar features, and the
Australian accommodation panel with CPI as a known-future covariate."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli.cli import app

from .conftest import FAST_TRAIN, SAMPLE

runner = CliRunner()
AUS = SAMPLE / "aus_accommodation.csv"
AUS_ARGS = ["--id-col", "State", "--target", "Takings", "--future-features", "CPI"]


@pytest.fixture(scope="module")
def aus_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / "aus.fcst"
    result = runner.invoke(app, ["train", str(AUS), *AUS_ARGS, *FAST_TRAIN, "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _future_cpi(tmp_path, drop_state: str | None = None):
    states = pd.read_csv(AUS)["State"].unique()
    rows = [
        (quarter, state, cpi)
        for state in states
        for quarter, cpi in (("2016 Q3", 109.0), ("2016 Q4", 109.4), ("2017 Q1", 110.0), ("2017 Q2", 110.5))
        if not (state == drop_state and quarter >= "2017 Q1")
    ]
    path = tmp_path / "future.csv"
    pd.DataFrame(rows, columns=["Date", "State", "CPI"]).to_csv(path, index=False)
    return path


def test_taylor_defaults_see_the_week_and_the_calendar(tmp_path):
    model = tmp_path / "taylor.fcst"
    result = runner.invoke(
        app,
        ["train", str(SAMPLE / "taylor_halfhourly.csv"), *FAST_TRAIN[:-1], "-o", str(model)],
    )
    assert result.exit_code == 0, result.output
    assert "seasons 48,336 (a daily and a weekly cycle)" in result.stderr
    assert "lookback 384 (one week and one day" in result.stderr
    assert "calendar hour,dow (auto: sub-daily data)" in result.stderr
    out = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv", "--level", "none", "-q"])
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[1].startswith("2000-08-28T00:00:00,") and len(lines) == 49


def test_aus_predict_reads_cpi_from_future_data(aus_model, tmp_path):
    args = ["predict", "-m", str(aus_model), "--future-data", str(_future_cpi(tmp_path)), "-f", "csv", "-q"]
    result = runner.invoke(app, [*args, "--level", "none"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(pd.io.common.StringIO(result.stdout))
    assert list(frame.columns) == ["State", "timestamp", "Takings"] and len(frame) == 8 * 4
    assert frame["timestamp"].iloc[:4].tolist() == [
        "2016 Q3",
        "2016 Q4",
        "2017 Q1",
        "2017 Q2",
    ]  # as the file writes quarters


def test_future_data_can_come_from_stdin(aus_model, tmp_path):
    """bad input: DATA and --future-data both - (stdin) -> exit 2, asks for one file.
    ``--future-data -`` alone reads the future rows from stdin (stdin is then not the
    history): the same forecast as from the file."""
    future = _future_cpi(tmp_path)
    args = ["predict", "-m", str(aus_model), "-f", "csv", "-q", "--level", "none"]
    from_file = runner.invoke(app, [*args, "--future-data", str(future)])
    piped = runner.invoke(app, [*args, "--future-data", "-"], input=future.read_text())
    assert piped.exit_code == 0, piped.output
    assert piped.stdout == from_file.stdout
    both = runner.invoke(app, [*args, "-", "--future-data", "-"], input=future.read_text())
    assert both.exit_code == 2 and "cannot both be stdin" in both.stderr


def test_aus_predict_without_or_with_incomplete_future_data_is_refused(aus_model, tmp_path):
    """bad input: predict with a model that reads known-future columns, without --future-data
    or with forecast steps missing from it -> exit 2, naming the columns, or the series and
    the first missing timestamps"""
    bare = runner.invoke(app, ["predict", "-m", str(aus_model), "-q"])
    assert bare.exit_code == 2
    assert "CPI" in bare.stderr and "--future-data" in bare.stderr and len(bare.stderr.splitlines()) == 1
    short = _future_cpi(tmp_path, drop_state="Victoria")
    result = runner.invoke(app, ["predict", "-m", str(aus_model), "--future-data", str(short), "-q"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {short} lacks CPI for series 'Victoria' at 2017 Q1, 2017 Q2 (2 of 4 forecast steps); "
        "give a value for every forecast step"
    )  # the steps as the data names them, not as 2017-01-01


def _rewritten(path, tmp_path, stamps: dict[str, str], extra: pd.DataFrame | None = None):
    frame = pd.read_csv(path)
    frame["Date"] = frame["Date"].map(stamps)
    out = tmp_path / "rewritten.csv"
    pd.concat([frame, extra]).to_csv(out, index=False) if extra is not None else frame.to_csv(
        out, index=False
    )
    return out, frame


QUARTER_ENDS = {
    "2016 Q3": "2016-09-30",
    "2016 Q4": "2016-12-31",
    "2017 Q1": "2017-03-31",
    "2017 Q2": "2017-06-30",
}


def test_future_rows_stamped_at_quarter_ends_give_the_quarters(aus_model, tmp_path):
    """A quarterly model's steps are periods: a file that stamps each quarter on its last
    day (or any day in it) gives the same forecast as one that writes 2016 Q3."""
    labelled = _future_cpi(tmp_path)
    args = ["predict", "-m", str(aus_model), "-f", "csv", "-q", "--level", "none", "--future-data"]
    expected = runner.invoke(app, [*args, str(labelled)])
    assert expected.exit_code == 0, expected.output
    for days in (
        QUARTER_ENDS,
        {k: v.replace("-30", "-15").replace("-31", "-15") for k, v in QUARTER_ENDS.items()},
    ):
        ends, _ = _rewritten(labelled, tmp_path, days)
        result = runner.invoke(app, [*args, str(ends)])
        assert result.exit_code == 0, result.output
        assert result.stdout == expected.stdout
    # the values are read, not ignored: another CPI in one quarter changes that forecast
    ends, frame = _rewritten(labelled, tmp_path, QUARTER_ENDS)
    frame.loc[frame["Date"] == "2016-09-30", "CPI"] = 300.0
    frame.to_csv(ends, index=False)
    assert runner.invoke(app, [*args, str(ends)]).stdout != expected.stdout


def test_a_future_file_without_the_id_column_gives_every_series_its_values(aus_model, tmp_path):
    """One national CPI for every state, written once: the file lacked the State column and
    was refused, although every state's rows would repeat it. Now each series reads those
    rows (the same forecast as the file that repeats them per state), and stderr says so.
    bad input: such a file with several rows of one quarter (the ids under another name)
    -> exit 2, naming the quarter and the column that may be the ids."""
    keyed = _future_cpi(tmp_path)
    shared = tmp_path / "national.csv"
    pd.read_csv(keyed).drop(columns="State").drop_duplicates().to_csv(shared, index=False)
    args = ["predict", "-m", str(aus_model), "-f", "csv", "--future-data"]
    per_state = runner.invoke(app, [*args, str(keyed), "-q"])
    national = runner.invoke(app, [*args, str(shared)])
    assert national.exit_code == 0, national.output
    assert national.stdout == per_state.stdout
    assert f"{shared} has no State column: its values are given to every series" in national.stderr
    renamed = tmp_path / "region.csv"
    regional = pd.read_csv(keyed).rename(columns={"State": "Region"})
    regional["CPI"] += regional.groupby("Date").cumcount() * 0.5  # each state its own index
    regional.to_csv(renamed, index=False)
    wrong = runner.invoke(app, [*args, str(renamed), "-q"])
    assert wrong.exit_code == 2 and wrong.stdout == ""
    assert "different values for 2016 Q3 in several rows" in wrong.stderr
    assert "if 'Region' names the series, call that column 'State'" in wrong.stderr


def test_future_values_in_datas_trailing_rows_are_pointed_to(aus_model, tmp_path):
    """bad input: DATA whose last rows hold CPI for the forecast quarters with Takings empty,
    and no --future-data -> exit 2; the message now says those rows are not read for the
    future values and to give DATA as --future-data too, which then forecasts as the
    history stored in the model does"""
    future = pd.read_csv(_future_cpi(tmp_path))
    data = tmp_path / "with_future.csv"
    pd.concat([pd.read_csv(AUS), future]).to_csv(data, index=False)
    bare = runner.invoke(app, ["predict", "-m", str(aus_model), str(data), "-q"])
    assert bare.exit_code == 2
    assert (
        "(rows of DATA with an empty target are not read for them: give DATA as that FILE too)" in bare.stderr
    )
    both = runner.invoke(app, ["predict", "-m", str(aus_model), str(data), "--future-data", str(data), "-q"])
    stored = runner.invoke(
        app, ["predict", "-m", str(aus_model), "--future-data", str(_future_cpi(tmp_path)), "-q"]
    )
    assert both.exit_code == 0 and both.stdout == stored.stdout


def test_two_rows_of_one_quarter_that_disagree_are_refused(aus_model, tmp_path):
    """bad input: --future-data with two rows in one period of a quarterly model, neither on
    the quarter's first day (2016-09-30 and 2016-08-15), that disagree -> exit 2, naming the
    series and the quarter (a row on the step itself would speak for it)"""
    first = pd.DataFrame([("2016-08-15", "Victoria", 500.0)], columns=["Date", "State", "CPI"])
    path, _ = _rewritten(_future_cpi(tmp_path), tmp_path, QUARTER_ENDS, extra=first)
    result = runner.invoke(app, ["predict", "-m", str(aus_model), "--future-data", str(path), "-q"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {path} gives series 'Victoria' different values for 2016 Q3 in several rows (1 such period(s)); "
        "keep one row per period"
    )


def test_future_rows_of_other_steps_are_named_as_such(aus_model, tmp_path):
    """bad input: --future-data whose rows are all outside the forecast steps (a year
    later) -> exit 2, saying its rows are all after these steps, and which they are (it said
    to write them as the training data's steps, which they were)"""
    later = {k: f"{int(k[:4]) + 1}{k[4:]}" for k in QUARTER_ENDS}
    path, _ = _rewritten(_future_cpi(tmp_path), tmp_path, later)
    result = runner.invoke(app, ["predict", "-m", str(aus_model), "--future-data", str(path), "-q"])
    assert result.exit_code == 2
    assert (
        "(4 of 4 forecast steps); its rows (2017 Q3 .. 2018 Q2) are all after these steps: add the rows "
        "of these steps" in result.stderr
    )


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        (
            "CPI",
            "109,x",
            "column 'CPI' has a non-numeric value ('109,x' on data row 1); "
            "fix those cells: every forecast step needs a number",
        ),
        ("Date", "someday", "column 'Date' has a value that is not a timestamp ('someday' on data row 1)"),
    ],
)
def test_a_bad_cell_of_future_data_names_the_file(aus_model, tmp_path, cell, value, message):
    """bad input: --future-data with a non-numeric covariate or an unreadable timestamp
    -> exit 2, naming the future file (not the training data) and the cell; an empty cell is
    not suggested, as it would be a missing step"""
    path = _future_cpi(tmp_path)
    frame = pd.read_csv(path, dtype=str)
    frame.loc[0, cell] = value
    frame.to_csv(path, index=False)
    result = runner.invoke(app, ["predict", "-m", str(aus_model), "--future-data", str(path), "-q"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: {message}")


def test_future_data_for_a_model_without_future_features_is_refused(tmp_path):
    """bad input: --future-data for a model trained without --future-features -> exit 2,
    pointing at --future-features"""
    model = tmp_path / "air.fcst"
    assert (
        runner.invoke(
            app, ["train", str(SAMPLE / "airpassengers.csv"), *FAST_TRAIN, "-o", str(model)]
        ).exit_code
        == 0
    )
    result = runner.invoke(app, ["predict", "-m", str(model), "--future-data", str(_future_cpi(tmp_path))])
    assert result.exit_code == 2 and "--future-features" in result.stderr


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["--country", "XX"], "--country 'XX' is not a country the holidays package knows"),
        (["--country", "AU", "--subdiv", "ZZ"], "--subdiv 'ZZ' is not a subdivision of AU"),
        (["--calendar", "holiday"], "--calendar holiday needs a country"),
        (["--calendar", "weekday"], "--calendar weekday is unknown"),
        (["--future-features", "Nope"], "--future-features names 'Nope', which is not a column"),
        (["--country", "GB", "--calendar", "hour,holiday"], "no GB holiday falls on a training row"),
    ],
)
def test_bad_calendar_or_covariate_options_are_refused_before_training(tmp_path, args, phrase):
    """bad input: an unknown --country, --subdiv or --calendar feature, holidays without a
    country or with none on a training row, or a --future-features column that is not there -> exit 2 before training"""
    data = SAMPLE / "taylor_halfhourly.csv"
    result = runner.invoke(app, ["train", str(data), *args, *FAST_TRAIN, "-o", str(tmp_path / "m.fcst")])
    assert result.exit_code == 2, result.output
    assert phrase in result.stderr and len(result.stderr.strip().splitlines()) <= 2
    assert not (tmp_path / "m.fcst").exists()


def test_aus_backtest_with_cpi_as_known_future(tmp_path):
    args = ["backtest", str(AUS), *AUS_ARGS, "--models", "gru", "--folds", "2", "-f", "csv", "--no-timings"]
    result = runner.invoke(app, [*args, *FAST_TRAIN])
    assert result.exit_code == 0, result.output
    board = pd.read_csv(pd.io.common.StringIO(result.stdout)).set_index("model")
    assert {"gru", "seasonal-naive"} <= set(board.index) and board["mase"].notna().all()


def _numbered_stores(tmp_path):
    """Stores 001 and 017 with a promotion flag, and a future file in the same layout."""
    import numpy as np

    months = pd.date_range("2019-01-01", periods=36, freq="MS").strftime("%Y-%m-%d")
    rng = np.random.default_rng(3)
    rows = [
        (store, m, 100 + 10 * k + 5 * p + rng.normal(), p)
        for k, store in enumerate(("001", "017"))
        for m, p in zip(months, rng.integers(0, 2, 36), strict=True)
    ]
    data = tmp_path / "stores.csv"
    pd.DataFrame(rows, columns=["store", "month", "sales", "promo"]).to_csv(data, index=False)
    model = tmp_path / "stores.fcst"
    args = ["train", str(data), "--id-col", "store", "--target", "sales", "--future-features", "promo"]
    trained = runner.invoke(app, [*args, "-H", "2", *FAST_TRAIN, "-o", str(model)])
    assert trained.exit_code == 0, trained.output
    return model


def _write_future(tmp_path, rows):
    path = tmp_path / "future.csv"
    pd.DataFrame(rows, columns=["store", "month", "promo"]).to_csv(path, index=False)
    return path


def test_future_data_reads_the_models_ids_as_written(tmp_path):
    """Ids 001 and 017 in --future-data stay 001 and 017 (they were read as the numbers 1 and
    17, and predict said the file had no rows for series '001')."""
    model = _numbered_stores(tmp_path)
    future = _write_future(
        tmp_path, [(s, m, 1) for s in ("001", "017") for m in ("2022-01-01", "2022-02-01")]
    )
    out = runner.invoke(app, ["predict", "-m", str(model), "--future-data", str(future), "-f", "csv", "-q"])
    assert out.exit_code == 0, out.output
    assert [line.split(",")[0] for line in out.stdout.splitlines()[1:]] == ["001", "001", "017", "017"]


def test_future_data_with_two_different_values_for_one_step_is_refused(tmp_path):
    """bad input: --future-data giving one series' step twice with different values (promo 1,
    then 0) -> exit 2, names the series and the step; the last row used to win silently.
    The same row repeated is one row."""
    model = _numbered_stores(tmp_path)
    rows = [(s, m, 1) for s in ("001", "017") for m in ("2022-01-01", "2022-02-01")]
    args = ["predict", "-m", str(model), "-f", "csv", "-q", "--future-data"]
    twice = runner.invoke(app, [*args, str(_write_future(tmp_path, [*rows, rows[0]]))])
    assert twice.exit_code == 0, twice.output
    conflict = runner.invoke(app, [*args, str(_write_future(tmp_path, [*rows, ("001", "2022-01-01", 0)]))])
    assert conflict.exit_code == 2 and conflict.stdout == ""
    assert "series '001' different values for 2022-01-01 in several rows" in conflict.stderr


def test_a_daily_future_file_gives_a_quarterly_model_its_quarter_starts(aus_model, tmp_path):
    """A row stamped on the step itself speaks for its period: a daily file of CPI values
    (the first of each quarter among them) forecasts as the quarterly file does; matching
    by period alone refused it, every quarter holding 90 rows that disagree."""
    labelled = _future_cpi(tmp_path)
    args = ["predict", "-m", str(aus_model), "-f", "csv", "-q", "--level", "none", "--future-data"]
    expected = runner.invoke(app, [*args, str(labelled)]).stdout
    quarters = pd.read_csv(labelled)
    starts = {
        "2016 Q3": "2016-07-01",
        "2016 Q4": "2016-10-01",
        "2017 Q1": "2017-01-01",
        "2017 Q2": "2017-04-01",
    }
    rows = []
    for _, r in quarters.iterrows():
        for day in pd.date_range(starts[r["Date"]], periods=60, freq="D"):
            rows.append(
                (
                    day.strftime("%Y-%m-%d"),
                    r["State"],
                    r["CPI"] + (0 if day.day == 1 and day.month in (1, 4, 7, 10) else 7.0),
                )
            )
    daily = tmp_path / "daily.csv"
    pd.DataFrame(rows, columns=["Date", "State", "CPI"]).to_csv(daily, index=False)
    result = runner.invoke(app, [*args, str(daily)])
    assert result.exit_code == 0, result.output
    assert result.stdout == expected


def test_future_rows_of_a_series_nobody_has_are_named_as_unused(aus_model, tmp_path):
    """A misspelt id in the future file ('Victorai') fed nothing, and exit 0 said nothing."""
    path = _future_cpi(tmp_path)
    future = pd.read_csv(path)
    extra = future[future["State"] == "Victoria"].assign(State="Victorai")
    pd.concat([future, extra]).to_csv(path, index=False)
    result = runner.invoke(app, ["predict", "-m", str(aus_model), "--future-data", str(path), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert (
        f"warning: {path} has rows for series not in the data or the model, left unused: 'Victorai'"
        in result.stderr
    )


@pytest.mark.parametrize("misspelt", [False, True])
def test_a_local_model_says_only_of_future_rows_no_series_has(tmp_path, misspelt):
    """--local: each member read the whole file and named every other series' rows as
    unused, one warning per series, when all of them were used."""
    model = tmp_path / "local.fcst"
    trained = runner.invoke(app, ["train", str(AUS), *AUS_ARGS, "--local", *FAST_TRAIN, "-o", str(model)])
    assert trained.exit_code == 0, trained.output
    path = _future_cpi(tmp_path)
    if misspelt:
        future = pd.read_csv(path)
        extra = future[future["State"] == "Victoria"].assign(State="Victorai")
        pd.concat([future, extra]).to_csv(path, index=False)
    result = runner.invoke(app, ["predict", "-m", str(model), "--future-data", str(path), "-f", "csv"])
    assert result.exit_code == 0, result.output
    unused = [line for line in result.stderr.splitlines() if "left unused" in line]
    assert unused == (
        [f"warning: {path} has rows for series not in the data or the model, left unused: 'Victorai'"]
        if misspelt
        else []
    )


def test_info_lists_a_known_future_column_once_as_such(aus_model):
    """The file keeps known-future columns among its features (the lookback reads them); info
    showed CPI under features and future_features both, which read as two inputs."""
    info = json.loads(runner.invoke(app, ["info", str(aus_model), "-f", "json"]).stdout)
    assert info["future_features"] == "CPI" and "CPI" not in info["features"].split(",")


def test_backtest_json_echoes_the_data_options_a_panel_run_was_given():
    """The JSON echoes the options given so a run can be read and repeated; it left out
    --id-col, --ids, --future-features (merged into "features"), --static-cols, --country and
    --fill, so a covariate run could not be told from one without them."""
    args = ["backtest", str(AUS), "--id-col", "State", "--target", "Takings", "--future-features", "CPI"]
    args += ["--ids", "Victoria,Tasmania", "--fill", "ffill", "--models", "", "-f", "json", "-q"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["config"]["data"]
    assert data["id_col"] == "State" and data["ids"] == ["Victoria", "Tasmania"]
    assert data["future_features"] == ["CPI"] and data["features"] == [] and data["fill"] == "ffill"
