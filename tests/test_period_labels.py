"""Timestamps written back in the layout the data named its periods by (period_labels)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from forecast_cli.cli import app
from forecast_cli.parse import parse_times
from forecast_cli.period_labels import labelled, layout_of, period_labels, said, step_layout

from .conftest import FAST_TRAIN

runner = CliRunner()


@pytest.mark.parametrize(
    ("first", "layout"),
    [
        ("1998 Q1", "%Y Q%q"),
        ("1998Q1", "%YQ%q"),
        ("1998-q1", "%Y-q%q"),
        ("Q1 1998", "Q%q %Y"),
        ("2015M01", "%YM%m"),
        ("2015-M01", "%Y-M%m"),
        ("1990:1", "%Y:%q"),
        ("1990:01", "%Y:%m"),
        ("2024-W05", "%G-W%V"),
        ("2024W05", "%GW%V"),
        ("1949-01", "%Y-%m"),
        ("1949/01", "%Y/%m"),
        ("01/1949", "%m/%Y"),
        ("1998", "%Y"),
        ("1998-01-01", ""),  # a date: ISO 8601
        ("01/02/1998", ""),
        ("1998-01-01 10:00", ""),
    ],
)
def test_the_layout_is_read_from_the_first_value(first, layout):
    assert layout_of(pd.Series([first, first])) == layout


def test_numbers_are_years_only_when_they_are_whole_years():
    assert layout_of(pd.Series([1998, 1999])) == "%Y"
    assert layout_of(pd.Series([1, 2, 3])) == ""  # step numbers have no calendar
    assert layout_of(pd.Series(pd.to_datetime(["1998-01-01"]))) == ""


def test_a_given_time_format_is_kept_only_without_days_or_clock():
    assert layout_of(pd.Series(["Jan 1998"]), "%b %Y") == "%b %Y"
    assert layout_of(pd.Series(["01/02/1998"]), "%d/%m/%Y") == ""
    assert layout_of(pd.Series(["1998-01-01 10"]), "%Y-%m-%d %H") == ""


QUARTER_LAYOUTS = ["1998 Q1", "1998Q1", "Q1 1998", "1998-Q1", "1998:1"]


@settings(max_examples=60, deadline=None)
@given(
    example=st.sampled_from(
        QUARTER_LAYOUTS + ["2015M01", "2015:01", "1949-01", "01/1949", "2024-W05", "1998"]
    ),
    start=st.integers(1900, 2090),
    steps=st.integers(1, 30),
)
def test_labels_read_back_as_the_same_timestamps_in_the_datas_own_text(example, start, steps):
    layout = layout_of(pd.Series([example]))
    freq = {"%Y": "YS", "%G-W%V": "W-MON"}.get(layout, "QS" if "%q" in layout else "MS")
    first = parse_times(pd.Series([example]), "t").index[0].replace(year=start)
    if freq == "W-MON":
        first = first - pd.Timedelta(days=first.day_of_week)
    stamps = pd.date_range(first, periods=steps, freq=freq)
    labels = period_labels(stamps, layout)
    assert labels is not None
    assert parse_times(pd.Series(labels), "t").index.equals(stamps)  # exact round trip
    # each label is written as the data wrote its first one, digits aside
    shape = pd.Series(labels).str.replace(r"\d", "9", regex=True)
    assert set(shape) == {pd.Series([example]).str.replace(r"\d", "9", regex=True)[0]}


def test_a_layout_that_cannot_name_every_step_leaves_the_column_iso():
    months = pd.date_range("1998-01-01", periods=4, freq="MS")
    assert period_labels(months, "%Y Q%q") is None  # three months would be '1998 Q1'
    assert period_labels(pd.date_range("1998-01-01", periods=3, freq="D"), "%Y-%m") is None
    assert period_labels(pd.date_range("1998-01-01", periods=3, freq="YS", tz="UTC"), "%Y") is None
    frame = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0]}, index=months.rename("timestamp"))
    assert labelled(frame, "%Y Q%q", "QS").index.equals(months)  # unchanged, not half-labelled


def test_labels_name_only_a_step_of_their_own_period():
    """Quarters summed into years (--freq YS) would read back exactly as '2017 Q1' and
    still say a quarter where the row is a year."""
    assert step_layout("%Y Q%q", "QS") == "%Y Q%q" and step_layout("%Y Q%q", "YS") == ""
    assert step_layout("%Y-%m", "MS") == "%Y-%m" and step_layout("%Y-%m", "QS") == ""
    assert step_layout("%Y-%m", "2MS") == "" and step_layout("%Y", "YS") == "%Y"
    assert step_layout("%G-W%V", "W-MON") == "%G-W%V" and step_layout("%Y", None) == ""
    assert step_layout("%Y", "XNYS") == "" and step_layout("", "MS") == ""
    years = pd.DataFrame({"y": [1.0]}, index=pd.DatetimeIndex(["2017-01-01"], name="timestamp"))
    assert labelled(years, "%Y Q%q", "YS").index[0] == pd.Timestamp("2017-01-01")
    assert labelled(years, "%Y", "YS").index[0] == "2017"


def test_labels_apply_to_the_timestamp_level_of_a_panel_index_and_named_columns():
    stamps = pd.date_range("2016-07-01", periods=2, freq="QS")
    index = pd.MultiIndex.from_arrays([["A", "A"], stamps], names=["State", "timestamp"])
    frame = pd.DataFrame({"y": [1.0, 2.0], "origin": [stamps[0]] * 2}, index=index)
    out = labelled(frame, "%Y Q%q", "QS", ("origin",))
    assert list(out.index.get_level_values("timestamp")) == ["2016 Q3", "2016 Q4"]
    assert list(out.index.get_level_values("State")) == ["A", "A"]
    assert list(out["origin"]) == ["2016 Q3", "2016 Q3"]


@pytest.fixture(scope="module")
def quarterly_panel(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quarters")
    rows = ["Quarter,store,sales"]
    for store, level in (("north", 100.0), ("south", 300.0)):
        for i in range(40):
            rows.append(f"{1990 + i // 4} Q{i % 4 + 1},{store},{level + i + 10 * (i % 4)}")
    path = folder / "q.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_predict_writes_the_quarters_the_data_named(quarterly_panel, tmp_path):
    model = tmp_path / "q.fcst"
    trained = runner.invoke(
        app, ["train", str(quarterly_panel), "--id-col", "store", *FAST_TRAIN, "-o", str(model)]
    )
    assert trained.exit_code == 0, trained.output
    out = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv", "-H", "2"])
    assert out.exit_code == 0, out.output
    lines = out.stdout.strip().splitlines()
    assert [line.split(",")[:2] for line in lines[1:]] == [
        ["north", "2000 Q1"],
        ["north", "2000 Q2"],
        ["south", "2000 Q1"],
        ["south", "2000 Q2"],
    ]
    wide = runner.invoke(app, ["predict", "-m", str(model), "-f", "json", "-H", "1", "--wide"])
    assert [row["timestamp"] for row in json.loads(wide.stdout)] == ["2000 Q1"]
    info = json.loads(runner.invoke(app, ["info", str(model), "-f", "json"]).stdout)
    assert info["time_labels"] == "%Y Q%q"


def test_a_local_model_keeps_the_layout_for_every_member(quarterly_panel, tmp_path):
    model = tmp_path / "local.fcst"
    args = ["train", str(quarterly_panel), "--id-col", "store", "--local", *FAST_TRAIN, "-o", str(model)]
    assert runner.invoke(app, args).exit_code == 0
    out = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv", "-H", "1", "--ids", "south", "-q"])
    assert out.stdout.splitlines()[1].startswith("south,2000 Q1,")
    info = json.loads(runner.invoke(app, ["info", str(model), "-f", "json"]).stdout)
    assert info["time_labels"] == "%Y Q%q"


def test_backtest_writes_origins_and_steps_as_quarters(quarterly_panel, tmp_path):
    out = tmp_path / "folds.csv"
    result = runner.invoke(
        app,
        ["backtest", str(quarterly_panel), "--id-col", "store", "--models", "naive", "--folds", "1", "-q"]
        + ["-f", "csv", "--predictions-out", str(out)],
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype=str)
    assert set(frame["origin"]) == {"1998 Q4"} and list(frame["timestamp"][:2]) == ["1999 Q1", "1999 Q2"]


def test_messages_name_steps_as_the_outputs_write_them(quarterly_panel, tmp_path):
    """The backtest's fold line named quarterly steps 1999-01-01 beside a CSV of 1999 Q1; a
    line and the file it describes now agree. Dates that are days stay dates."""
    result = runner.invoke(
        app, ["backtest", str(quarterly_panel), "--id-col", "store", "--models", "naive", "--folds", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "first forecast steps 1998 Q1 .. 1999 Q1 (" in result.stderr, result.stderr
    from .conftest import SAMPLE

    air = runner.invoke(app, ["backtest", str(SAMPLE / "airpassengers.csv"), "--models", "naive", "-k", "1"])
    assert "data: 144 rows read -> 144 rows, 1949-01 .. 1960-12, freq MS" in air.stderr, air.stderr
    assert said(pd.Timestamp("1999-01-01"), "%Y Q%q", "QS-JAN") == "1999 Q1"
    assert said(pd.Timestamp("1999-01-01"), "%Y Q%q", "YS-JAN") == "1999-01-01"  # not one step
    assert said(pd.Timestamp("1999-02-01"), "%Y Q%q", "QS-FEB") == "1999-02-01"  # no exact label
    assert said(pd.Timestamp("1999-01-01 10:00"), "", "h") == "1999-01-01 10:00:00"
    assert said(12, "%Y Q%q", None) == "12"


def test_a_column_of_years_is_written_back_as_years(tmp_path):
    data = tmp_path / "years.csv"
    data.write_text("year,v\n" + "".join(f"{y},{(y * 7) % 13 + y - 1900}\n" for y in range(1950, 2000)))
    model = tmp_path / "y.fcst"
    trained = runner.invoke(app, ["train", str(data), "--horizon", "2", *FAST_TRAIN, "-o", str(model)])
    assert trained.exit_code == 0, trained.output
    out = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv", "-q"])
    assert [line.split(",")[0] for line in out.stdout.strip().splitlines()[1:]] == ["2000", "2001"]
