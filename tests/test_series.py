"""Loading end to end: columns, time, duplicates, gaps, the report, and errors."""

from __future__ import annotations

import re
import shlex

import numpy as np
import pandas as pd
import pytest

from forecast_cli.config import DataConfig
from forecast_cli.errors import DataError, UsageError
from forecast_cli.io import read_csv
from forecast_cli.panel import prepare_panel
from forecast_cli.series import load_series, prepare_series


def frame(times, values, **extra) -> pd.DataFrame:
    return pd.DataFrame({"time": times, "value": values, **extra})


def test_month_strings_parse_as_month_starts(sample):
    series = prepare_series(read_csv(sample / "airpassengers.csv"), DataConfig())
    assert series.freq == "MS"
    assert series.frame.index[0] == pd.Timestamp("1949-01-01")
    assert series.target == "passengers" and len(series.frame) == 144


def test_iso_week_strings_parse_as_mondays():
    series = prepare_series(frame(["2024-W01", "2024-W02", "2024-W03"], [1.0, 2.0, 4.0]), DataConfig())
    assert list(series.frame.index) == list(pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-15"]))
    assert series.freq == "W-MON"


def test_timezone_aware_timestamps_keep_their_zone():
    times = ["2024-03-01T00:00:00+01:00", "2024-03-01T01:00:00+01:00", "2024-03-01T02:00:00+01:00"]
    series = prepare_series(frame(times, [1.0, 2.0, 3.0]), DataConfig())
    assert series.frame.index.tz is not None
    assert series.freq == "h"


def test_rows_are_sorted_and_duplicates_merged_with_the_aggregation():
    times = ["2024-01-03", "2024-01-01", "2024-01-02", "2024-01-02"]
    series = prepare_series(frame(times, [3.0, 1.0, 2.0, 4.0]), DataConfig(agg="mean"))
    assert series.frame["value"].tolist() == [1.0, 3.0, 3.0]
    assert series.report.duplicates_merged == 1
    assert "1 duplicates merged" in series.report.line()


def test_gaps_are_interpolated_and_counted():
    times = ["2024-01-01", "2024-01-02", "2024-01-04", "2024-01-05"] + [
        f"2024-01-{d:02d}" for d in range(6, 13)
    ]
    values = [0.0, 1.0, 3.0, 4.0] + list(range(5, 12))
    series = prepare_series(frame(times, [float(v) for v in values]), DataConfig())
    assert series.freq == "D"
    assert series.frame.loc["2024-01-03", "value"] == pytest.approx(2.0)
    assert series.report.gaps_filled == 1


def test_fill_error_refuses_gaps():
    with pytest.raises(DataError, match="--fill"):
        prepare_series(
            frame(["2024-01-01", "2024-01-02", "2024-01-04"], [1.0, 2.0, 3.0]),
            DataConfig(freq="D", fill="error"),
        )


def test_freq_resamples_with_the_chosen_aggregation():
    times = pd.date_range("2024-01-01", periods=48, freq="30min")
    series = prepare_series(frame(times, np.arange(48.0)), DataConfig(freq="1h", agg="sum"))
    assert len(series.frame) == 24
    assert series.frame["value"].tolist() == [float(4 * i + 1) for i in range(24)]  # 0+1, 2+3, ...


def test_msft_is_inferred_as_nyse_trading_days_without_weekends(sample):
    series = prepare_series(read_csv(sample / "msft_daily.csv"), DataConfig(target="Close"))
    assert series.freq == "XNYS"
    assert not (series.frame.index.day_of_week >= 5).any()
    assert pd.Timestamp("2016-12-26") not in series.frame.index  # Christmas observed on Monday
    assert series.report.rows_dropped == 0


def test_daily_request_on_stock_data_keeps_trading_days(sample):
    series = prepare_series(read_csv(sample / "msft_daily.csv"), DataConfig(target="Close", freq="1D"))
    assert series.freq == "XNYS"
    assert "no weekend rows" in series.report.line()


def test_no_time_column_gives_an_integer_step_index():
    series = prepare_series(pd.DataFrame({"y": [1.0, 2.0, 3.0, 5.0]}), DataConfig())
    assert series.freq is None
    assert list(series.frame.index) == [0, 1, 2, 3]


def test_non_numeric_target_names_the_value_and_row():
    with pytest.raises(DataError, match=r"non-numeric value \('abc' on data row 2\)"):
        prepare_series(
            frame(["2024-01-01", "2024-01-02", "2024-01-03"], ["1", "abc", "3"]), DataConfig(target="value")
        )


def test_missing_target_column_lists_the_columns():
    with pytest.raises(UsageError, match="--target 'nope' is not a column; columns: time, value"):
        prepare_series(frame(["2024-01-01", "2024-01-02"], [1.0, 2.0]), DataConfig(target="nope"))


def test_ambiguous_target_asks_for_target():
    raw = frame(["2024-01-01", "2024-01-02"], [1.0, 2.0], other=[3.0, 4.0])
    with pytest.raises(UsageError, match="choose one with --target"):
        prepare_series(raw, DataConfig())


def test_constant_target_is_refused():
    with pytest.raises(DataError, match="target 'value' is constant"):
        prepare_panel(frame(["2024-01-01", "2024-01-02", "2024-01-03"], [5.0, 5.0, 5.0]), DataConfig())


def test_all_nan_target_is_refused():
    with pytest.raises(DataError, match="no values"):
        prepare_series(frame(["2024-01-01", "2024-01-02"], [np.nan, np.nan]), DataConfig(target="value"))


def test_bad_timestamp_names_the_column_and_row():
    with pytest.raises(DataError, match="not a timestamp"):
        prepare_series(
            frame(["2024-01-01", "soon", "2024-01-03"], [1.0, 2.0, 3.0]), DataConfig(time_col="time")
        )


def test_empty_file_is_a_data_error(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataError, match="empty"):
        read_csv(empty)
    header_only = tmp_path / "header.csv"
    header_only.write_text("time,value\n")
    with pytest.raises(DataError, match="no data rows"):
        read_csv(header_only)


def test_values_are_float64_so_large_numbers_survive_exactly():
    big = 2.0**24 + 1  # float32 would round it to 2**24
    series = prepare_series(
        frame(["2024-01-01", "2024-01-02", "2024-01-03"], [big, big + 2, big + 4]), DataConfig()
    )
    assert series.values.dtype == np.float64 and series.values[0, 0] == big
    assert series.values[:, 0].tolist() == series.y.tolist()


def test_load_series_reads_with_the_configured_notation(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text("Datum;Wert\n01.02.2024;1.234,5\n02.02.2024;1.300,0\n03.02.2024;1.250,25\n")
    cfg = DataConfig(decimal=",", thousands=".", time_format="%d.%m.%Y")
    series = load_series(path, cfg)
    assert series.y.tolist() == [1234.5, 1300.0, 1250.25]
    assert series.frame.index[0] == pd.Timestamp("2024-02-01") and series.freq == "D"


def test_daily_readings_keep_their_clock_time_and_calendar_days_start_at_midnight():
    """Daily readings at 09:00 are not relabelled to midnight (the forecast would be stamped
    at an hour nobody measured); rows at several times of day resampled with --freq D still
    form calendar days from midnight."""
    stamps = pd.date_range("2024-01-01 09:00", periods=6, freq="D").delete(3)  # a gap on the 4th
    series = prepare_series(frame(stamps.strftime("%Y-%m-%d %H:%M"), [1.0, 2.0, 3.0, 5.0, 6.0]), DataConfig())
    assert list(series.frame.index) == list(pd.date_range("2024-01-01 09:00", periods=6, freq="D"))
    assert series.y.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0] and series.freq == "D"
    hours = pd.DatetimeIndex(["2024-01-01 09:00", "2024-01-01 21:00", "2024-01-02 09:00", "2024-01-02 21:00"])
    days = prepare_series(frame(hours.strftime("%Y-%m-%d %H:%M"), [1.0, 3.0, 5.0, 9.0]), DataConfig(freq="D"))
    assert list(days.frame.index) == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-02")]
    assert days.y.tolist() == [2.0, 7.0]


def test_many_numeric_columns_are_counted_and_a_glob_offered():
    """bad input: 40 numeric columns and no --target -> exit 2, the count, 8 names and "and
    32 more" (the message had listed all 40), and --target 'sensor_*' for one series each"""
    raw = pd.DataFrame(
        {
            "date": pd.date_range("2024-01-01", periods=3),
            **{f"sensor_{i}": [1.0, 2.0, 3.0] for i in range(40)},
        }
    )
    with pytest.raises(UsageError) as caught:
        prepare_series(raw, DataConfig())
    assert str(caught.value) == (
        "40 numeric columns (sensor_0, sensor_1, sensor_2, sensor_3, sensor_4, sensor_5, sensor_6, sensor_7 "
        "and 32 more); choose one with --target, or several (--target 'sensor_*') for one series each"
    )


def test_a_column_of_whole_years_named_year_is_the_time_axis():
    """Yearly data is often written as 1960, 1961...: under a name that says so it is time
    (year starts); the same numbers under another name, or non-years, are not guessed at."""
    raw = pd.DataFrame({"Year": [1998, 1999, 2000, 2002], "gdp": [1.0, 2.0, 3.0, 5.0]})
    series = prepare_series(raw, DataConfig())
    assert list(series.frame.index) == list(pd.date_range("1998-01-01", periods=5, freq="YS"))
    assert series.freq == "YS" and series.y.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    with pytest.raises(UsageError, match="2 numeric columns"):
        prepare_series(raw.rename(columns={"Year": "count"}), DataConfig())
    steps = prepare_series(raw.assign(Year=[1, 2, 3, 4]), DataConfig(target="gdp"))
    assert steps.freq is None  # 1, 2, 3, 4 are not years: integer steps, the column unused


def test_zoned_daily_readings_keep_their_local_clock_across_a_clock_change():
    """Berlin readings at 09:00 through the spring clock change (31 March 2024), one day
    missing: the grid stays at 09:00 local time, +01:00 before and +02:00 after."""
    stamps = pd.date_range("2024-03-28 09:00", periods=6, freq="D", tz="Europe/Berlin").delete(2)
    series = prepare_series(frame([s.isoformat() for s in stamps], [1.0, 2.0, 4.0, 5.0, 6.0]), DataConfig())
    index = series.frame.index
    assert [s.strftime("%d %H:%M%z") for s in index] == [
        "28 09:00+0100",
        "29 09:00+0100",
        "30 09:00+0100",
        "31 09:00+0200",
        "01 09:00+0200",
        "02 09:00+0200",
    ]
    assert series.y.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def test_time_format_finds_the_time_column_it_reads():
    """``--time-format %m/%Y`` was ignored when looking for the time column, so a column
    only that format reads was dropped and the rows counted as steps (exit 0)."""
    raw = pd.DataFrame({"when": [f"{m}|2015" for m in range(1, 13)], "value": np.arange(12.0) + 1})
    series = prepare_series(raw, DataConfig(time_format="%m|%Y"))
    assert series.freq == "MS" and series.frame.index[0] == pd.Timestamp("2015-01-01")


@pytest.mark.parametrize(
    ("fmt", "answer"),
    [(None, "it is in no layout we read"), ("%Y-%m", "--time-format '%Y-%m' does not read it")],
)
def test_a_time_named_column_nothing_reads_is_refused_not_dropped(fmt, answer):
    """bad input: a text column named month/date/... that no layout (or --time-format) reads -> exit 2, "looks like the time column, but it is in no layout we read\""""
    raw = pd.DataFrame({"month": [f"{m}|2015" for m in range(1, 13)], "value": np.arange(12.0) + 1})
    with pytest.raises(
        DataError, match="column 'month' looks like the time column, but " + re.escape(answer)
    ):
        prepare_series(raw, DataConfig(time_format=fmt))
    assert prepare_series(raw.drop(columns="month"), DataConfig()).freq is None  # no such column: steps


@pytest.mark.parametrize("name", ["Time (CET/CEST)", "MTU", "Datum", "Date time", "Periode"])
def test_a_text_column_that_says_it_holds_time_is_refused_when_nothing_reads_it(name):
    """bad input: a column "Time (CET/CEST)" = "01.03.2024 00h00", under that or another
    time-like header (a word of the name, or cells written as dates) -> exit 2, "looks like
    the time column"; only the exact names were refused, and it trained as numbered steps"""
    starts = pd.date_range("2024-03-01", periods=96, freq="15min")
    raw = pd.DataFrame({name: starts.strftime("%d.%m.%Y %Hh%M"), "load": np.arange(96.0) + 1})
    with pytest.raises(
        DataError, match=re.escape(f"column {name!r} looks like the time column, but it is in no")
    ):
        prepare_series(raw, DataConfig())


@pytest.mark.parametrize("name", ["Year", "Fiscal Year", "FY", "Jahr"])
def test_a_year_column_of_fiscal_years_nothing_reads_is_refused(name):
    """bad input: a column "Year" or "Fiscal Year" of FY2010, FY2011, ... -> exit 2, "looks
    like the time column"; 'year' was no time word, so the column was dropped and the rows
    trained as numbered steps, exit 0"""
    raw = pd.DataFrame({name: [f"FY{2010 + i}" for i in range(12)], "revenue": np.arange(12.0) + 100})
    with pytest.raises(
        DataError, match=re.escape(f"column {name!r} looks like the time column, but it is in no")
    ):
        prepare_series(raw, DataConfig())


@pytest.mark.parametrize("fmt", [None, "%d.%m.%Y %H:%M"])
def test_time_cells_written_as_spans_are_read_as_their_starts(fmt):
    """An ENTSO-E export's "01.03.2024 00:00 - 01.03.2024 00:15": no layout reads it (a
    directive may not appear twice), so it trained as 4,316 numbered steps; each row is
    now stamped with its span's start, and the load report says so."""
    starts = pd.date_range("2024-03-01", periods=96, freq="15min")
    cells = [
        f"{a:%d.%m.%Y %H:%M} - {b:%d.%m.%Y %H:%M}"
        for a, b in zip(starts, starts + pd.Timedelta("15min"), strict=True)
    ]
    series = prepare_series(
        pd.DataFrame({"MTU": cells, "load": np.arange(96.0) + 1}), DataConfig(time_format=fmt)
    )
    assert series.freq == "15min" and list(series.frame.index) == list(starts)
    assert "spans read as their starts ('01.03.2024 00:00 - 01.03.2024 00:15' as 01.03.2024 00:00)" in (
        series.report.line()
    )


def test_text_and_number_columns_that_are_not_time_are_left_as_they_are():
    """A number column whose name holds a time word is data (travel_time is a target, not
    stamps), and a text label beside numbered steps is a label."""
    raw = pd.DataFrame({"travel_time": np.arange(24.0) + 1, "weather": ["rain", "sun"] * 12})
    series = prepare_series(raw, DataConfig())
    assert series.freq is None and series.target == "travel_time"
    labels = pd.DataFrame({"day_type": ["workday", "weekend"] * 12, "load": np.arange(24.0) + 1})
    assert prepare_series(labels, DataConfig()).freq is None  # a time word, but no digit in a cell


def test_a_time_format_that_reads_no_column_is_refused_not_dropped():
    """bad input: --time-format %Y-%m-%d on a file whose dates, in a column not named like time, are 01.01.1949 -> exit 2, naming the format, the column and a value; the column was dropped and the rows trained as steps 0..143 with exit 0"""
    months = pd.date_range("1949-01-01", periods=24, freq="MS")
    raw = pd.DataFrame({"Periode": months.strftime("%d.%m.%Y"), "Umsatz": np.arange(24.0) + 1})
    with pytest.raises(
        DataError,
        match=re.escape("--time-format '%Y-%m-%d' reads no column; column 'Periode' holds e.g. '01.01.1949'"),
    ):
        prepare_series(raw, DataConfig(time_format="%Y-%m-%d"))
    assert prepare_series(raw, DataConfig(time_format="%d.%m.%Y")).freq == "MS"
    numbers = pd.DataFrame({"a": np.arange(24.0), "b": np.arange(24.0) + 1})
    with pytest.raises(DataError, match=r"--time-format '%Y' reads no column; give the layout"):
        prepare_series(numbers, DataConfig(time_format="%Y", target="b"))


def test_a_text_column_named_like_time_is_no_error_when_step_numbers_are_the_time():
    """The refusal of an unread time-named column comes after every way of finding the
    time column: here ``ds`` numbers the steps and ``day`` is a label beside it."""
    raw = pd.DataFrame(
        {"ds": range(1, 21), "day": ["Mon", "Tue", "Wed", "Thu", "Fri"] * 4, "y": np.arange(20.0)}
    )
    series = prepare_series(raw, DataConfig(target="y"))
    assert series.freq is None and list(series.frame.index[:2]) == [1, 2]


def test_the_load_line_names_the_first_gap_it_filled():
    """A count alone ("1 gaps filled") cannot be checked against the data: the first
    period filled is named, so a closure a calendar lacks (Hong Kong's 2023-09-08
    rainstorm) is found in the line."""
    days = pd.date_range("2024-01-01", periods=30, freq="D").delete([4, 9])
    frame = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "y": np.arange(len(days), dtype=float)})
    series = prepare_series(frame, DataConfig())
    assert "2 gaps filled (first 2024-01-05)" in series.report.line()
    whole = pd.DataFrame(
        {"date": pd.date_range("2024-01-01", periods=30).strftime("%Y-%m-%d"), "y": 1.0 + np.arange(30)}
    )
    assert "0 gaps filled," in prepare_series(whole, DataConfig()).report.line()
    # a row read with an empty cell is no gap: the first gap is the first period no row had
    # (it named the empty cell's row, 2024-01-03)
    y = np.arange(len(days), dtype=float)
    y[2] = np.nan
    holed = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "y": y})
    assert (
        "2 gaps filled (first 2024-01-05), 1 NaNs filled" in prepare_series(holed, DataConfig()).report.line()
    )
    steps = pd.DataFrame({"t": [1, 2, 3, 5, 6, 7, 8, 9, 10, 11], "y": [1, np.nan, 3, 5, 6, 7, 8, 9, 10, 11]})
    assert "1 gaps filled (first 4)" in prepare_series(steps, DataConfig()).report.line()


def test_the_offered_target_list_pastes_into_a_shell():
    """bad input: three numeric columns named with spaces and no --target -> the --target the message offers is quoted as a shell reads it; pasted bare, 'New South Wales' split into extra arguments"""
    raw = pd.DataFrame(
        {
            "Date": pd.date_range("2024-01-01", periods=3),
            **{
                name: [1.0, 2.0, 3.0]
                for name in ("Australian Capital Territory", "New South Wales", "Victoria")
            },
        }
    )
    with pytest.raises(UsageError) as caught:
        prepare_series(raw, DataConfig())
    offered = str(caught.value).split("(--target ", 1)[1].rsplit(")", 1)[0]
    assert shlex.split(offered) == ["Australian Capital Territory,New South Wales,Victoria"]


@pytest.mark.parametrize("index", ["datetime", "period", "named"])
def test_a_frame_indexed_by_time_is_read_as_its_column_would_be(monthly_frame, index):
    """pandas' usual form of a series, timestamps as the index: the library read it as
    integer steps (no season, forecasts stamped step 144)."""
    as_column = prepare_series(monthly_frame, DataConfig())
    stamps = pd.DatetimeIndex(monthly_frame["month"])
    by_index = {
        "datetime": stamps,
        "period": stamps.to_period("M"),
        "named": stamps.rename("month"),
    }[index]
    framed = pd.DataFrame({"sales": monthly_frame["sales"].to_numpy()}, index=by_index)
    got = prepare_series(framed, DataConfig())
    assert got.freq == as_column.freq == "MS"
    np.testing.assert_array_equal(got.frame.index.asi8, as_column.frame.index.asi8)
    np.testing.assert_array_equal(got.y, as_column.y)
    assert prepare_series(framed, DataConfig(time_col="")).freq is None  # integer steps, as asked


def test_a_panel_indexed_by_time_is_read_as_its_column_would_be(monthly_frame):
    long = pd.concat([monthly_frame.assign(store=s) for s in ("a", "b")]).set_index("month")
    panel = prepare_panel(long, DataConfig(id_col="store"))
    assert panel.freq == "MS" and len(panel.members[0].frame) == len(monthly_frame)


def test_a_panel_indexed_by_id_and_time_reads_as_its_columns_would(monthly_frame):
    """pandas' usual form of a panel, ``set_index([id, time])``: the levels become the
    columns a file would have, so the id and the time are found the same way."""
    long = pd.concat([monthly_frame.assign(store=s) for s in ("a", "b")])
    by_columns = prepare_panel(long, DataConfig())
    by_index = prepare_panel(long.set_index(["store", "month"]), DataConfig())
    assert by_index.ids == by_columns.ids == ("a", "b") and by_index.id_col == "store"
    for left, right in zip(by_index.members, by_columns.members, strict=True):
        pd.testing.assert_frame_equal(left.frame, right.frame)


def test_columns_of_several_levels_are_refused_before_training():
    """bad input: a library frame whose columns have two levels -> UsageError naming the
    levels and how to flatten them (it trained, then predict raised a bare KeyError)"""
    framed = pd.DataFrame(
        {("shop", "sales"): [1.0, 2.0, 4.0]}, index=pd.date_range("2024-01-01", periods=3, name="day")
    )
    with pytest.raises(UsageError, match=r"columns have 2 levels \(such as \('shop', 'sales'\)\); give each"):
        prepare_series(framed, DataConfig())
    with pytest.raises(UsageError, match="columns have 2 levels"):
        prepare_panel(framed, DataConfig())


@pytest.mark.parametrize(("unit", "scale"), [("seconds", 1), ("milliseconds", 1000)])
def test_unix_time_without_a_format_is_named_as_such(unit, scale):
    """bad input: a 'timestamp' column of 1711584000 (or 1711584000000) and no --time-format -> exit 2, "they look like Unix time (seconds since 1970): give --time-format %s\""""
    first = 1711584000 * scale
    raw = pd.DataFrame({"timestamp": first + np.arange(12) * 300 * scale, "load": np.arange(12.0)})
    with pytest.raises(
        DataError, match=re.escape(f"they look like Unix time ({unit} since 1970): give --time-format %s")
    ):
        prepare_series(raw, DataConfig())
    assert prepare_series(raw, DataConfig(time_format="%s")).freq == "5min"
