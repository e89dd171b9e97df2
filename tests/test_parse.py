"""Reading timestamps and numbers: one format per column, zones kept, errors that name rows."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from forecast_cli.cell_numbers import parse_numbers
from forecast_cli.config import DataConfig
from forecast_cli.errors import DataError, UsageError
from forecast_cli.panel import prepare_panel
from forecast_cli.parse import looks_like_time, parse_times
from forecast_cli.series import prepare_series


def times(*values, fmt=None):
    return parse_times(pd.Series(list(values)), "date", fmt).index


def test_a_column_mixing_two_date_layouts_is_refused_with_example_rows():
    with pytest.raises(
        DataError,
        match=r"mixes timestamp formats \('2015-01-04' on data row 1, '01/04/2015' on data row 3\).*--time-format",
    ):
        times("2015-01-04", "2015-01-05", "01/04/2015")


def test_day_first_is_decided_once_for_the_whole_column():
    assert list(times("01/02/2015", "13/02/2015")) == [pd.Timestamp("2015-02-01"), pd.Timestamp("2015-02-13")]
    assert list(times("01/02/2015", "01/13/2015")) == [pd.Timestamp("2015-01-02"), pd.Timestamp("2015-01-13")]


def test_dates_that_fit_both_orders_are_refused_not_guessed():
    with pytest.raises(
        DataError, match=r"both day-first and month-first.*--time-format %d/%m/%Y or %m/%d/%Y"
    ):
        times("01/02/2015", "02/03/2015", "03/04/2015")


def test_dotted_dates_that_fit_both_orders_are_day_first():
    """bad input: monthly dates written 01.01.1980, 01.02.1980 (German, Swiss) -> read day-first, as every locale that writes dots does; they were refused as fitting both orders, and cost those users a --time-format"""
    assert list(times("01.01.1980", "01.02.1980", "01.03.1980")) == list(
        pd.date_range("1980-01-01", periods=3, freq="MS")
    )
    with pytest.raises(DataError, match="both day-first and month-first"):
        times("01-02-2015", "02-03-2015")  # dashes are written both ways


def test_rows_needing_different_orders_are_refused():
    with pytest.raises(DataError, match="day-first dates .* and month-first dates"):
        times("13/02/2015", "02/14/2015")


def test_time_format_reads_ambiguous_dates_and_names_rows_that_do_not_match():
    assert list(times("01/02/2015", "02/02/2015", fmt="%d/%m/%Y")) == list(
        pd.to_datetime(["2015-02-01", "2015-02-02"])
    )
    with pytest.raises(DataError, match="'2015-02-03' on data row 2"):
        times("01/02/2015", "2015-02-03", fmt="%d/%m/%Y")


@pytest.mark.parametrize("layout", ["{} Q{}", "{}Q{}", "{}-Q{}", "{} q{}"])
def test_quarters_start_their_quarter(layout):
    parsed = times(layout.format(1998, 1), layout.format(1998, 3))
    assert list(parsed) == list(pd.to_datetime(["1998-01-01", "1998-07-01"]))


def test_quarterly_panel_slice_infers_quarter_starts():
    quarters = [f"{year} Q{q}" for year in range(1998, 2001) for q in range(1, 5)]
    raw = pd.DataFrame({"Date": quarters, "Takings": np.arange(12.0) + 20})
    series = prepare_series(raw, DataConfig())
    assert series.freq == "QS" and series.frame.index[-1] == pd.Timestamp("2000-10-01")


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("Q1 1998", "Q3 1998", ["1998-01-01", "1998-07-01"]),  # quarter first
        ("2015M01", "2015M12", ["2015-01-01", "2015-12-01"]),  # Eurostat's months
        ("1990:1", "1990:4", ["1990-01-01", "1990-10-01"]),  # EViews' quarters
        ("1990:01", "1990:12", ["1990-01-01", "1990-12-01"]),  # EViews' months: two digits
        ("01/2015", "12/2015", ["2015-01-01", "2015-12-01"]),  # month and year
        ("1-2015", "2-2015", ["2015-01-01", "2015-02-01"]),
    ],
)
def test_more_layouts_of_months_and_quarters_parse(first, second, expected):
    """Each was read as no time column at all: the rows were counted as steps, exit 0."""
    assert list(times(first, second)) == list(pd.to_datetime(expected))
    raw = pd.DataFrame({"period": [first, second, first], "value": [1.0, 2.0, 3.0]})
    assert looks_like_time(raw["period"])


def test_a_number_with_four_decimals_is_not_a_month_and_year():
    assert not looks_like_time(pd.Series(["12.2015", "3.1416", "n/a"]))


def test_year_month_and_iso_weeks_parse():
    assert list(times("2024-01", "2024-02")) == list(pd.to_datetime(["2024-01-01", "2024-02-01"]))
    assert list(times("2024-W01", "2024-W02")) == list(pd.to_datetime(["2024-01-01", "2024-01-08"]))


def test_mixed_offsets_across_daylight_saving_come_back_in_their_zone():
    written = ["2024-03-30T12:00:00+01:00", "2024-03-31T12:00:00+02:00", "2024-10-27T12:00:00+01:00"]
    parsed = parse_times(pd.Series(written), "date")
    assert str(parsed.index.tz) == "Europe/Berlin"
    assert [t.isoformat() for t in parsed.index] == [w for w in written]
    assert "Europe/Berlin" in parsed.note


def test_a_berlin_series_loads_in_berlin_time():
    stamps = pd.date_range("2024-03-30", periods=72, freq="h", tz="Europe/Berlin")
    raw = pd.DataFrame({"time": [t.isoformat() for t in stamps], "load": np.arange(72.0)})
    series = prepare_series(raw, DataConfig())
    assert str(series.frame.index.tz) == "Europe/Berlin" and series.freq == "h"
    assert series.frame.index.equals(stamps.rename("timestamp"))
    assert "read as time zone Europe/Berlin" in series.report.line()


def test_offsets_that_fit_no_zone_are_kept_as_one_fixed_offset():
    parsed = parse_times(pd.Series(["2024-03-30T12:00:00+05:00", "2024-03-31T12:00:00+06:00"]), "t")
    assert [t.isoformat() for t in parsed.index] == ["2024-03-30T12:00:00+05:00", "2024-03-31T11:00:00+05:00"]
    assert "fit no common time zone" in parsed.note


def test_rows_with_and_without_an_offset_are_refused():
    with pytest.raises(DataError, match="with a UTC offset .* and without"):
        times("2024-03-30T12:00:00+01:00", "2024-03-31T12:00:00+02:00", "2024-04-01T12:00:00")


def test_an_empty_timestamp_names_its_row():
    with pytest.raises(DataError, match="empty on data row 2"):
        times("2024-01-01", None, "2024-01-03")


def test_a_column_with_mixed_layouts_still_counts_as_time():
    # Detection is lenient so that parsing, not silence, reports the mix.
    assert looks_like_time(pd.Series(["2015-01-04", "01/04/2015"]))
    assert not looks_like_time(pd.Series(["1,5", "2,5"]))
    assert not looks_like_time(pd.Series(["red", "green"]))


def test_infinite_and_overflowing_numbers_name_column_row_and_value():
    column = pd.Series([1.0, float("inf"), 2.0])
    with pytest.raises(DataError, match=r"column 'value' has an infinite value \(inf on data row 2\)"):
        parse_numbers(column, "value")
    text = pd.Series(["1", "2", "1e309", "-inf"])
    with pytest.raises(DataError, match=r"has 2 infinite values \(data rows 3-4, first '1e309'\)"):
        parse_numbers(text, "value")


def test_numbers_beyond_float32_are_refused_and_its_largest_value_is_kept():
    largest = float(np.finfo(np.float32).max)
    kept = parse_numbers(pd.Series([-largest, largest, 1e-300, np.nan]), "value")
    assert kept.iloc[1] == largest and np.isnan(kept.iloc[3])
    beyond = np.nextafter(largest, np.inf)
    with pytest.raises(
        DataError, match=r"has a value too large to compute with \(-3\.40282\d+e\+38 on data row 2\)"
    ):
        parse_numbers(pd.Series([1.0, -beyond]), "value")
    with pytest.raises(
        DataError, match=r"has 2 values too large to compute with \(data rows 1-2, first '1e39'\)"
    ):
        parse_numbers(pd.Series(["1e39", "-2e300", "5"]), "value")


def test_non_numeric_values_are_counted_with_row_ranges():
    column = pd.Series([str(i) for i in range(50)])
    column[[39, 40, 41]] = "n/a?"
    with pytest.raises(
        DataError, match=r"3 non-numeric values in 'value' \(data rows 40-42, first 'n/a\?'\)"
    ):
        parse_numbers(column, "value")


def test_a_decimal_comma_value_suggests_the_decimal_option():
    with pytest.raises(DataError, match="--decimal ,"):
        parse_numbers(pd.Series(["1.5", "2,5"]), "value")


def test_bad_numbers_raise_without_numpy_warnings():
    raw = pd.DataFrame({"time": ["2024-01-01", "2024-01-02", "2024-01-03"], "y": [1.0, np.inf, 2.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DataError, match="infinite"):
            prepare_series(raw, DataConfig())
        raw = raw.assign(y=[1.0, 2.0, 3.0], f=[np.nan] * 3)
        with pytest.raises(DataError, match="feature column 'f' has no values"):
            prepare_series(raw, DataConfig(target="y", features=("f",)))


def test_an_empty_column_is_not_taken_for_the_target():
    raw = pd.DataFrame(
        {"date": ["2024-01-01", "2024-01-02", "2024-01-03"], "y": [1.0, 3, 2], "f": [np.nan] * 3}
    )
    assert prepare_series(raw, DataConfig()).target == "y"


def test_daylight_saving_offsets_in_any_layout_keep_the_zone():
    written = pd.Series(["30.03.2024 12:00 +0100", "31.03.2024 12:00 +0200"])
    for parsed in (parse_times(written, "t", "%d.%m.%Y %H:%M %z"), parse_times(written, "t")):
        assert str(parsed.index.tz) == "Europe/Berlin"
        assert [t.hour for t in parsed.index] == [12, 12]


def test_a_bad_cell_in_a_decimal_comma_column_is_named_not_the_good_ones():
    """bad input: a '-' among decimal-comma numbers read with --decimal , -> exit 2, names
    that cell and its row, not the 1,5 values the user said how to read"""
    column = pd.Series(["1,5", "2,5", "-", "1.234,5"])
    with pytest.raises(DataError, match=r"non-numeric value \('-' on data row 3\)"):
        parse_numbers(column, "value", decimal=",", thousands=".")
    read = parse_numbers(pd.Series(["1,5", "", "1.234,5"]), "value", decimal=",", thousands=".")
    assert read.iloc[[0, 2]].tolist() == [1.5, 1234.5] and np.isnan(read.iloc[1])


@pytest.mark.parametrize(
    ("values", "time_format", "first", "moved"),
    [
        (["Jan-49", "Feb-49", "Mar-49"], None, "1949-01-01", 3),  # a spreadsheet's months
        (["5-Jan-49", "6-Jan-49", "7-Jan-49"], None, "1949-01-05", 3),
        (["01/49", "02/49", "03/49"], "%m/%y", "1949-01-01", 3),
        (["Jan-98", "Feb-98", "Mar-98"], None, "1998-01-01", 0),  # already in the past: untouched
        (["Dec-68", "Jan-69", "Feb-69"], "%b-%y", "1968-12-01", 1),  # across strptime's pivot (69: 1969)
    ],
)
def test_two_digit_years_after_today_are_read_a_century_earlier_and_said(values, time_format, first, moved):
    """strptime reads 00-68 as 2000-2068: 'Jan-49' .. 'Dec-60' became 2049-2060 and the
    forecast was dated 2061, exit 0 without a word. A history is in the past: such years go
    back a century, consecutive with the rest, and the load report counts them."""
    times = parse_times(pd.Series(values), "month", time_format)
    assert times.index[0] == pd.Timestamp(first)
    assert times.index.is_monotonic_increasing and (times.index <= pd.Timestamp.now()).all()
    assert times.note.startswith(f"{moved} two-digit year(s)") if moved else times.note == ""


@pytest.mark.parametrize(
    ("values", "first", "last"),
    [
        (["Jan-19", "Feb-19", "Mar-19"], "2019-01-01", "2019-03-01"),  # Excel's mmm-yy
        (["Jan 19", "Feb 19", "Mar 19"], "2019-01-01", "2019-03-01"),
        (["Jan '19", "Feb '19", "Mar '19"], "2019-01-01", "2019-03-01"),
        (["January-19", "February-19", "March-19"], "2019-01-01", "2019-03-01"),
        (["Nov-99", "Dec-99", "Jan-00", "Feb-00"], "1999-11-01", "2000-02-01"),  # across 2000
        (["49-Jan", "49-Feb", "49-Mar"], "1949-01-01", "1949-03-01"),  # a year first: over 31
    ],
)
def test_a_month_name_and_two_digits_is_a_month_of_a_two_digit_year(values, first, last):
    """pandas' mixed mode read 'Jan-19' as 19 January of year 1: a column of months became
    a daily grid 95% empty, and --fill trained on it (exit 0); 'Jan-00' read as no date.
    Only years over 31 ('Jan-49') were years."""
    times = parse_times(pd.Series(values), "month")
    assert times.index[0] == pd.Timestamp(first) and times.index[-1] == pd.Timestamp(last)


@pytest.mark.parametrize(
    ("values", "said"),
    [
        (
            ["19-Jan", "19-Feb", "19-Mar"],
            r"a day and a month with no year, or a two-digit year .*--time-format %y-%b",
        ),
        (["5-Jan", "6-Jan", "7-Jan"], r"a date with no year \('5-Jan' on data row 1\)"),
        (["Jan 5", "Jan 6", "Jan 7"], r"a date with no year \('Jan 5' on data row 1\)"),
    ],
)
def test_a_day_and_a_month_with_no_year_is_refused(values, said):
    """bad input: dates with a month name and no year ('5-Jan', Excel's d-mmm) -> exit 2,
    names the cell and asks for the year (they were read as dates of the year 1)"""
    with pytest.raises(DataError, match=said):
        parse_times(pd.Series(values), "day")


@pytest.mark.parametrize("time_col", [None, "Date"])
def test_a_date_column_and_a_clock_column_are_one_timestamp(time_col):
    """Date,Time,demand with 2021-03-01,00:00 (loggers' and spreadsheets' hours): the dates
    repeated 24 times a day, the Time column was taken for the series id, and one hourly
    series became 24 daily ones (exit 0). The two columns are one timestamp."""
    hours = pd.date_range("2021-03-01", periods=72, freq="h")
    raw = pd.DataFrame(
        {"Date": hours.strftime("%Y-%m-%d"), "Time": hours.strftime("%H:%M"), "demand": np.arange(72.0)}
    )
    panel = prepare_panel(raw, DataConfig(time_col=time_col))
    assert len(panel) == 1 and panel.freq == "h"
    assert list(panel.members[0].frame.index) == list(hours)
    assert panel.members[0].frame["demand"].tolist() == list(np.arange(72.0))


def _clock_forms(hours: pd.DatetimeIndex) -> dict[str, list[str]]:
    """The same hours as exports write them, each form a column of text."""
    ends = hours + pd.Timedelta(hours=1)
    return {
        "12-hour": list(hours.strftime("%I:%M %p")),  # 12:00 AM, 01:00 PM
        "12-hour, bare hour": [f"{h % 12 or 12} {'pm' if h >= 12 else 'am'}" for h in hours.hour],
        "12-hour, dotted": [
            t.replace("AM", "a.m.").replace("PM", "p.m.") for t in hours.strftime("%I:%M:%S %p")
        ],
        "interval": [
            f"{a}-{b}" for a, b in zip(hours.strftime("%H:%M"), ends.strftime("%H:%M"), strict=True)
        ],
        "h notation": list(hours.strftime("%Hh")),  # 00h, 13h
        "h notation, minutes": list(hours.strftime("%Hh%M")),  # 13h00
    }


@pytest.mark.parametrize("form", list(_clock_forms(pd.date_range("2021-03-01", periods=1, freq="h"))))
def test_the_time_of_day_is_read_in_the_forms_exports_write_it(form):
    """A 12-hour clock (``01:00 PM``), an interval (``00:00-01:00``, stamped with its start)
    and the ``14h`` notation beside repeated dates were taken for the series id: one hourly
    series came back as 24 daily ones, with exit 0. Each is the time of day, exactly."""
    hours = pd.date_range("2021-03-01", periods=72, freq="h")
    raw = pd.DataFrame(
        {"Date": hours.strftime("%Y-%m-%d"), "Time": _clock_forms(hours)[form], "demand": np.arange(72.0)}
    )
    panel = prepare_panel(raw, DataConfig())
    assert len(panel) == 1 and panel.freq == "h"
    assert list(panel.members[0].frame.index) == list(hours)
    assert panel.members[0].frame["demand"].tolist() == list(np.arange(72.0))


def test_times_of_day_in_a_form_not_read_are_refused_as_the_series_id():
    """A clock column no form reads (a zone after it) would still have named 24 series:
    refused with the fix, and taken as the id only when --id-col says so."""
    hours = pd.date_range("2021-03-01", periods=48, freq="h")
    raw = pd.DataFrame(
        {"Date": hours.strftime("%Y-%m-%d"), "Time": hours.strftime("%H:%M CET"), "demand": np.arange(48.0)}
    )
    with pytest.raises(UsageError, match=r"column 'Time' holds times of day \(e.g. '00:00 CET'\)"):
        prepare_panel(raw, DataConfig())
    assert len(prepare_panel(raw, DataConfig(id_col="Time"))) == 24
    no_such_hour = raw.assign(Time=[f"{h % 24}:00 PM" for h in range(48)])  # 13:00 PM is no 12-hour time
    with pytest.raises(UsageError, match=r"holds times of day \(e.g. '0:00 PM'\)"):
        prepare_panel(no_such_hour, DataConfig())


def test_a_clock_column_beside_full_timestamps_is_left_alone():
    """Only dates without a time are joined to a clock column: a timestamp column already
    holding the time keeps it, and the other column stays a column."""
    from forecast_cli.clock_columns import joined_date_and_clock

    hours = pd.date_range("2021-03-01", periods=6, freq="h")
    raw = pd.DataFrame({"ts": hours.strftime("%Y-%m-%d %H:%M"), "shift": hours.strftime("%H:%M"), "y": 1.0})
    assert joined_date_and_clock(raw, None) is raw
    days = pd.date_range("2025-01-01", periods=6, freq="D")  # a date a row: 'peak_time' is a column
    daily = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "peak_time": ["19:06", "18:40"] * 3, "mw": 1.0})
    assert joined_date_and_clock(daily, None) is daily


def test_a_day_month_format_that_fails_names_the_swapped_one_when_that_reads_the_column():
    """The fix offered to a user who gave --time-format was 'give --time-format'."""
    with pytest.raises(
        DataError, match=r"'13/01/2012' on data row 2\); fix it, give --time-format %d/%m/%Y, or"
    ):
        times("12/01/2012", "13/01/2012", fmt="%m/%d/%Y")
    with pytest.raises(DataError, match="fix it, give a --time-format that reads it, or"):
        times("2012-01-12", "2012-01-13", fmt="%m/%d/%Y")


def test_two_digit_years_near_today_stay_and_a_split_century_is_refused():
    """Only a column reaching over ten years past today moves: a future file's 'Dec-26' ..
    'Jun-27' and hourly stamps a few hours ahead of the clock stay as read (per value, they
    split across the century). 'Jan-25' .. 'Dec-40' (2025-2040, partly past) has no one
    century that keeps it a span, and is refused (written relative to today's year)."""
    soon = pd.date_range(pd.Timestamp.now().normalize() + pd.DateOffset(months=1), periods=7, freq="MS")
    kept = parse_times(pd.Series(soon.strftime("%b-%y")), "month", "%b-%y")
    assert list(kept.index) == list(soon) and kept.note == ""
    this = pd.Timestamp.now().year  # two years back to fourteen ahead, read in 20xx
    years = pd.date_range(f"{this - 2}-01-01", f"{this + 14}-01-01", freq="YS")
    with pytest.raises(DataError, match="no century makes them one span; write four-digit years"):
        parse_times(pd.Series(years.strftime("%b-%y")), "month", "%b-%y")


@pytest.mark.parametrize("space", ["\u00a0", "\u202f"])
def test_french_numbers_grouped_by_no_break_spaces_read_exactly_with_the_options_named(tmp_path, space):
    """697 458,00 as fr-FR spreadsheets write it: the column was not even taken for numbers
    ('no numeric column to forecast', also with --decimal , --thousands given), so no hint
    ever named the options. With them, every value reads exactly."""
    from forecast_cli.io import read_data
    from forecast_cli.series import prepare_series

    values = [697458.0, 1187650.0, 1069690.5, 1078430.25]
    data = tmp_path / "fr.csv"
    cells = [f"{v:,.2f}".replace(",", space).replace(".", ",") for v in values]
    data.write_text(
        "period;value\n" + "".join(f"1980-{m:02d}-01;{c}\n" for m, c in zip(range(1, 5), cells, strict=True)),
        encoding="utf-8",
    )
    cfg = DataConfig(decimal=",", thousands=space)
    series = prepare_series(read_data(data, cfg), cfg)
    assert series.frame["value"].tolist() == values


def test_unix_time_in_milliseconds_reads_under_percent_s():
    """Loggers and JavaScript write milliseconds (1711584000000): refused before, with
    --time-format %s as the fix, which then refused them too. The unit is the column's:
    seconds and milliseconds mixed are refused, never read at 1000 times the span."""
    instants = pd.date_range("2024-03-28", periods=4, freq="5min", tz="UTC")
    ms = (instants - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta("1ms")
    read = parse_times(pd.Series(ms.astype(str)), "timestamp", "%s")
    assert list(read.index) == list(instants)
    assert list(parse_times(pd.Series((ms // 1000).astype(str)), "t", "%s").index) == list(instants)
    mixed = pd.Series([str(ms[0]), str(ms[1] // 1000), str(ms[2]), str(ms[3])])
    with pytest.raises(DataError, match="does not match --time-format '%s'"):
        parse_times(mixed, "timestamp", "%s")


def test_a_span_is_two_stamps_of_one_layout_and_a_format_that_reads_the_cell_wins():
    """ "2024-03-01 - 00:15" is a date and a clock time, not a span: read as its date it
    merged 24 hours into a day (exit 0); refused as before. A --time-format that reads the
    whole cell ("%d.%m.%Y - %H:%M") is applied to it, not to its first half."""
    with pytest.raises(DataError, match="is not a timestamp"):
        parse_times(pd.Series([f"2024-03-01 - {h:02d}:00" for h in range(5)]), "t")
    whole = parse_times(pd.Series([f"01.03.2024 - {h:02d}:00" for h in range(5)]), "t", "%d.%m.%Y - %H:%M")
    assert list(whole.index) == list(pd.date_range("2024-03-01", periods=5, freq="h"))


@pytest.mark.parametrize(
    "values", [["2000/01", "2001/02", "2002/03"], ["2018-19", "2019-20", "2020-21"], ["1999/00", "2000/01"]]
)
def test_fiscal_years_written_as_spans_are_refused_not_read_as_months(values):
    """bad input: fiscal years 2000/01, 2001/02 ... -> exit 2, "holds fiscal years ...; write
    each as a year" (read as year and month: January 2000, February 2001 ..., and the fix
    offered was --freq 396D; from 2012/13 on, no date at all)"""
    with pytest.raises(DataError, match=r"column 'year' holds fiscal years \('" + re.escape(values[0])):
        parse_times(pd.Series(values), "year")
    months = parse_times(pd.Series(["2000/01", "2000/02", "2000/03"]), "month")  # months stay months
    assert months.index[0] == pd.Timestamp("2000-01-01")


@pytest.mark.parametrize("cell", ["١٢٣", "５"])
def test_digits_of_other_scripts_are_named_not_sent_to_decimal(cell):
    """bad input: a target cell written in Arabic-Indic or full-width digits -> exit 2,
    "write its digits as 0-9" (the hint said "give --decimal , if ',' is the decimal mark"
    of a cell with no comma: Python's \\d reads those digits)"""
    with pytest.raises(DataError, match=r"write its digits as 0-9"):
        parse_numbers(pd.Series(["1.5", cell]), "value")


@pytest.mark.parametrize(
    ("cells", "said"),
    [
        (
            ["1704067200000000", "1704070800000000"],
            "these look like microseconds: divide the column by 1,000",
        ),
        (
            ["1704067200000000000", "1704070800000000000"],
            "these look like nanoseconds: divide the column by 1,000,000",
        ),
        (["1704067200", "1704070800000"], "in one unit for the whole column"),
    ],
)
def test_unix_time_percent_s_does_not_read_says_what_it_reads(cells, said):
    """bad input: --time-format %s on microseconds, nanoseconds, or seconds mixed with
    milliseconds -> exit 2, "%s reads whole seconds or milliseconds of 1973-2286" and the
    way there (it said "give a --time-format that reads it", and no format does)"""
    with pytest.raises(
        DataError, match=r"reads whole seconds or milliseconds of 1973-2286.*" + re.escape(said)
    ):
        parse_times(pd.Series(cells), "time", "%s")


def test_fractional_unix_seconds_are_told_to_be_rounded():
    """bad input: --time-format %s on 1704067200.5 -> exit 2, "round the column to whole
    seconds or milliseconds" (it said "give the layout it is written in (such as %d.%m.%Y)")"""
    raw = pd.DataFrame({"time": [1704067200.5 + 3600 * i for i in range(30)], "y": np.arange(30.0)})
    with pytest.raises(DataError, match="column 'time' holds e.g. '1704067200.5': .*round the column"):
        prepare_series(raw, DataConfig(time_format="%s"))


def test_a_month_name_and_a_day_row_after_row_is_refused_for_want_of_a_year():
    """bad input: Jan 10, Jan 11 ... (days of a month, no year) -> exit 2, "a month and a day
    with no year" (read as the Januaries of 2010 .. 2029, yearly data, exit 0); Jan-19,
    Feb-19 ... (the month changes row after row) stay months of 2019"""
    days = pd.date_range("2023-01-10", periods=20, freq="D").strftime("%b %d")
    with pytest.raises(
        DataError, match=r"holds a month and a day with no year, or a month of two-digit years"
    ):
        parse_times(pd.Series(days), "date")
    assert parse_times(pd.Series(["Jan-19", "Feb-19", "Mar-19"]), "m").index[-1] == pd.Timestamp("2019-03-01")
    yearly = pd.Series(["Jan-80", "Jan-81", "Jan-82"])  # the format it names reads them
    with pytest.raises(DataError, match=r"give --time-format '%b-%y' if the digits are years"):
        parse_times(yearly, "m")
    assert parse_times(yearly, "m", "%b-%y").index[-1] == pd.Timestamp("1982-01-01")


def test_one_month_in_every_row_is_a_month_not_fiscal_years():
    """A panel's one-step future file holds 2010-11 in every row: (2010 + 1) % 100 is 11,
    and it was refused as fiscal years. Fiscal spans step a year at a time."""
    assert parse_times(pd.Series(["2010-11", "2010-11"]), "month").index[0] == pd.Timestamp("2010-11-01")


def test_unix_microseconds_under_a_date_name_get_the_same_hint():
    """bad input: --time-format %s on microseconds in a column named timestamp -> exit 2, "these
    look like microseconds: divide the column by 1,000" (the hint reached only columns of
    other names: this one got the generic "such as %m/%Y")"""
    raw = pd.DataFrame(
        {"timestamp": [1704067200000000 + 3600 * 10**6 * i for i in range(30)], "y": np.arange(30.0)}
    )
    with pytest.raises(DataError, match="these look like microseconds: divide the column by 1,000"):
        prepare_series(raw, DataConfig(time_format="%s"))
