"""Data outputs read back exactly: floats to the last bit, timestamps with their offset.

Each regression test's docstring starts with "bad input: <what> -> <answer>", from which
the table of bad inputs is generated.
"""

from __future__ import annotations

import bz2
import datetime as dt
import gzip
import io
import json
import lzma
import re
import sys
import tempfile
import zipfile
import zoneinfo
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from forecast_cli.dialect import EXACT_FLOATS
from forecast_cli.io import read_csv
from forecast_cli.writers import format_float, frame_to_csv, frame_to_records, write_json, write_jsonl

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Europe/Amsterdam",
    "UTC",
]

finite_floats = st.floats(allow_nan=False, allow_infinity=False)


def _csv(frame: pd.DataFrame) -> str:
    stream = io.StringIO()
    frame_to_csv(frame, stream)
    return stream.getvalue()


def _same_bits(a, b) -> bool:
    return np.array_equal(np.asarray(a, np.float64).view(np.int64), np.asarray(b, np.float64).view(np.int64))


@settings(max_examples=300, deadline=None)
@given(st.lists(finite_floats, min_size=1, max_size=20))
@example([98765432.1, 1e-300, 1e308, -0.0, 0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308])
@example([0.1, 1 / 3, 123456789012345678.0, -2.5e-320])
def test_csv_floats_read_back_bit_for_bit(values):
    """bad input: a target near 98,765,432.1 (or 1e-300, -0.0, a subnormal) -> written exactly, not 9.87656e+07"""
    frame = pd.DataFrame({"y": values}, index=pd.RangeIndex(len(values), name="step"))
    back = read_csv(io.StringIO(_csv(frame)))  # ours: pandas 2's default reader is off by an ulp
    assert _same_bits(back["y"].to_numpy(), values)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(finite_floats, min_size=1, max_size=10).flatmap(
        lambda v: st.tuples(
            st.just(v), st.lists(finite_floats | st.just(float("nan")), min_size=len(v), max_size=len(v))
        )
    )
)
def test_json_and_jsonl_floats_read_back_bit_for_bit(pair):
    forecast, actual = pair
    frame = pd.DataFrame({"forecast": forecast, "actual": actual})
    text, lines = io.StringIO(), io.StringIO()
    write_json(frame_to_records(frame), text)
    write_jsonl(frame, lines)
    for rows in (json.loads(text.getvalue()), [json.loads(line) for line in lines.getvalue().splitlines()]):
        assert _same_bits([r["forecast"] for r in rows], forecast)
        back = [np.nan if r["actual"] is None else r["actual"] for r in rows]
        assert _same_bits(back, [a if a == a else np.nan for a in actual])


def _aware_datetimes():
    return st.sampled_from(ZONES).flatmap(
        lambda zone: st.lists(
            st.datetimes(
                min_value=dt.datetime(1900, 1, 1),
                max_value=dt.datetime(2100, 1, 1),
                timezones=st.just(zoneinfo.ZoneInfo(zone)),
                allow_imaginary=False,
            ),
            min_size=1,
            max_size=8,
        )
    )


def _expected_text(stamp: dt.datetime, column: list[dt.datetime]) -> str:
    """The stamp's ISO text at the precision the finest stamp of its column needs (the
    standard library's spelling); in UTC when its offset has seconds (no ISO spelling)."""
    micros = [t.microsecond for t in column]
    spec = (
        "seconds" if not any(micros) else "microseconds" if any(m % 1000 for m in micros) else "milliseconds"
    )
    offset = stamp.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        stamp = stamp.astimezone(dt.UTC)
    return stamp.isoformat(timespec=spec)


@settings(max_examples=300, deadline=None)
@given(_aware_datetimes())
@example([dt.datetime(1920, 6, 1, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam"))])
@example([dt.datetime(2024, 3, 31, h, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")) for h in (0, 1, 3, 4)])
@example(
    [dt.datetime(2024, 10, 27, 2, 30, fold=f, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")) for f in (0, 1)]
)
@example([dt.datetime(2024, m, 1, tzinfo=zoneinfo.ZoneInfo("America/New_York")) for m in (1, 2, 3)])
def test_aware_timestamps_keep_their_offset_and_instant(stamps):
    """bad input: a Berlin series across the DST change -> 2024-03-31T03:00:00+02:00 back, not UTC"""
    index = pd.DatetimeIndex([pd.Timestamp(t) for t in stamps], name="timestamp")
    frame = pd.DataFrame({"y": np.arange(len(index), dtype=float)}, index=index)
    back = pd.read_csv(io.StringIO(_csv(frame)), dtype={"timestamp": str})
    assert back["timestamp"].tolist() == [_expected_text(t, stamps) for t in stamps]
    instants = pd.to_datetime(back["timestamp"], format="ISO8601", utc=True)
    assert (pd.DatetimeIndex(instants) == index.tz_convert("UTC")).all()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 1, 1)), min_size=1))
@example([dt.datetime(2024, 1, 31), dt.datetime(2024, 2, 29), dt.datetime(2023, 12, 31)])
@example([dt.datetime(35, 1, 1), dt.datetime(1999, 1, 1)])  # strftime wrote the year 35 as "35"
@example([dt.datetime(2024, 1, 31, 23, 59, 59, 999999)])
@example([dt.datetime(2000, 1, 1, 0, 1, 12, 500000), dt.datetime(2000, 1, 1, 0, 1, 13)])
def test_naive_timestamps_stay_naive_and_exact(stamps):
    """One format per column, the finest any stamp needs: 500-millisecond steps came out as
    00:01:12.500000 beside 00:01:13, which pd.to_datetime without a format refused. Years
    before 1000 keep four digits (dates were written as "35-01-01")."""
    index = pd.DatetimeIndex(stamps, name="timestamp")
    frame = pd.DataFrame({"y": np.zeros(len(index))}, index=index)
    back = pd.read_csv(io.StringIO(_csv(frame)), dtype={"timestamp": str})
    assert not any("+" in t or t.endswith("Z") for t in back["timestamp"])
    assert len({len(t) for t in back["timestamp"]}) == 1
    assert (pd.DatetimeIndex(pd.to_datetime(back["timestamp"], format="ISO8601")) == index).all()


def test_monthly_index_is_written_as_dates():
    frame = pd.DataFrame(
        {"sales": [1.5, 2.25]}, index=pd.date_range("2024-01-31", periods=2, freq="ME", name="month")
    )
    assert _csv(frame) == "month,sales\n2024-01-31,1.5\n2024-02-29,2.25\n"


def test_berlin_hour_after_the_spring_change_reads_plus_two():
    """bad input: tz-aware output timestamps -> ISO 8601 with the local offset, T separator"""
    index = pd.date_range("2024-03-31 01:00", periods=2, freq="h", tz="Europe/Berlin", name="timestamp")
    frame = pd.DataFrame({"load": [98765432.1, np.nan]}, index=index)
    assert _csv(frame) == "timestamp,load\n2024-03-31T01:00:00+01:00,98765432.1\n2024-03-31T03:00:00+02:00,\n"
    rows = frame_to_records(frame)
    assert rows == [
        {"timestamp": "2024-03-31T01:00:00+01:00", "load": 98765432.1},
        {"timestamp": "2024-03-31T03:00:00+02:00", "load": None},
    ]


def test_nanoseconds_survive():
    index = pd.DatetimeIndex([pd.Timestamp("2024-01-01 00:00:00.000000001", tz="UTC")], name="t")
    text = _csv(pd.DataFrame({"y": [1.0]}, index=index))
    assert "2024-01-01T00:00:00.000000001+00:00" in text


def test_backtest_shaped_frame_writes_every_timestamp_column_and_the_actuals_exactly():
    """bad input: backtest --predictions-out with actuals near 1e8 -> every digit kept, both time columns ISO"""
    origin = pd.Timestamp("2024-03-30 23:00", tz="Europe/Berlin")
    frame = pd.DataFrame(
        {
            "timestamp": pd.date_range("2024-03-31 00:00", periods=3, freq="h", tz="Europe/Berlin"),
            "step": [1, 2, 3],
            "model": ["lstm", "naive", "lstm"],
            "forecast": np.array([98765432.1, 98765432.125, 1e-7], dtype=np.float32).astype(np.float64),
            "actual": [98765432.1, 98765433.7, np.nan],
        },
        index=pd.Index([origin] * 3, name="origin"),
    )
    back = pd.read_csv(io.StringIO(_csv(frame)), dtype={"origin": str, "timestamp": str}, **EXACT_FLOATS)
    assert back["origin"].tolist() == ["2024-03-30T23:00:00+01:00"] * 3
    assert back["timestamp"].tolist()[-1] == "2024-03-31T03:00:00+02:00"
    assert _same_bits(back["forecast"], frame["forecast"]) and _same_bits(back["actual"], frame["actual"])
    assert back["model"].tolist() == ["lstm", "naive", "lstm"]


def test_non_finite_numbers_become_null_in_json_and_text_in_csv():
    """bad input: a metric that is infinite (MAPE with a zero actual) -> JSON null, not an exit-1 crash"""
    stream = io.StringIO()
    write_json({"mape": float("inf"), "per_step": [np.float64("nan"), np.float32(0.5)]}, stream)
    assert json.loads(stream.getvalue()) == {"mape": None, "per_step": [None, 0.5]}
    assert format_float(float("inf")) == "inf" and format_float(float("nan")) == ""


def test_jsonl_is_one_compact_object_per_line():
    frame = pd.DataFrame({"y": [1.5, 2.0]}, index=pd.date_range("2024-01-01", periods=2, name="timestamp"))
    stream = io.StringIO()
    write_jsonl(frame, stream)
    assert stream.getvalue() == '{"timestamp":"2024-01-01","y":1.5}\n{"timestamp":"2024-01-02","y":2.0}\n'


def test_json_rows_write_timestamps_as_the_csv_does():
    """A timestamp column reads back in one format: one precision for the column (each
    stamp on its own gave 00:02:30 beside 00:02:30.500000, which pd.to_datetime refuses as
    one column), bare dates for naive midnights, null for NaT; the CSV's text exactly."""
    index = pd.DatetimeIndex(["2024-01-01 00:02:30", "2024-01-01 00:02:30.5", None], name="timestamp")
    frame = pd.DataFrame({"y": [1.0, 2.0, 3.0], "s": ["a", "b", "c"]}, index=index)
    records = frame_to_records(frame)
    assert [r["timestamp"] for r in records] == ["2024-01-01T00:02:30.000", "2024-01-01T00:02:30.500", None]
    assert pd.to_datetime([r["timestamp"] for r in records[:2]]).equals(index[:2].rename(None))
    csv = io.StringIO()
    frame_to_csv(frame, csv)
    assert [line.split(",")[0] for line in csv.getvalue().splitlines()[1:3]] == [
        r["timestamp"] for r in records[:2]
    ]
    daily = pd.DataFrame({"y": [1.0]}, index=pd.DatetimeIndex(["2024-03-01"], name="timestamp"))
    assert frame_to_records(daily) == [{"timestamp": "2024-03-01", "y": 1.0}]
    zoned = pd.DataFrame(
        {"y": [1.0]}, index=pd.DatetimeIndex(["2024-03-01"], name="timestamp").tz_localize("Europe/Berlin")
    )
    assert frame_to_records(zoned) == [{"timestamp": "2024-03-01T00:00:00+01:00", "y": 1.0}]
    stream = io.StringIO()
    write_jsonl(iter([{"a": np.int64(1)}, {"a": None}]), stream)
    assert stream.getvalue() == '{"a":1}\n{"a":null}\n'


def test_offset_with_seconds_is_written_in_utc():
    """bad input: a timestamp in local mean time (Amsterdam 1920, +01:19:32) -> its instant in UTC"""
    # zoneinfo's offset to the second: pandas 2's default zones (pytz) round it to +01:00
    index = pd.DatetimeIndex(
        [pd.Timestamp("1920-06-01 12:00", tz=zoneinfo.ZoneInfo("Europe/Amsterdam"))], name="t"
    )
    assert _csv(pd.DataFrame({"y": [1.0]}, index=index)) == "t,y\n1920-06-01T10:40:28+00:00,1.0\n"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(finite_floats, min_size=1, max_size=30),
    st.sampled_from(["gzip", "bz2", "xz", "zip"]),
    st.sampled_from(["file", "stdin"]),
)
def test_compressed_csv_reads_back_bit_for_bit_as_the_plain_text(values, kind, where):
    """Any CSV we write, compressed in any of the formats read by content, comes back as
    the plain text does, from a file or from stdin."""
    text = _csv(pd.DataFrame({"y": values}, index=pd.RangeIndex(len(values), name="step"))).encode()
    if kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("data.csv", text)
        data = buffer.getvalue()
    else:
        data = {"gzip": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}[kind](text)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.csv"
        path.write_bytes(data)
        if where == "file":
            back = read_csv(path)
        else:
            saved = sys.stdin
            sys.stdin = io.TextIOWrapper(io.BytesIO(data))
            try:
                back = read_csv("-")
            finally:
                sys.stdin = saved
    assert _same_bits(back["y"].to_numpy(), values)


def test_stamps_of_several_zones_in_one_column_are_written_as_iso_8601_each_with_its_offset():
    """Tokyo's and New York's bars in one fetched table share no dtype (an object column):
    they were written by str(), with a space, where one zone's column gets a 'T'."""
    import io as _io

    from forecast_cli.writers import frame_to_csv

    stamps = [
        pd.Timestamp("2025-04-28 09:00", tz="Asia/Tokyo"),
        pd.Timestamp("2025-04-28 09:30", tz="America/New_York"),
    ]
    frame = pd.DataFrame({"ticker": ["7203.T", "MSFT"], "timestamp": stamps, "Close": [1.5, 2.0]})
    out = _io.StringIO()
    frame_to_csv(frame.set_index(["ticker", "timestamp"]), out)
    assert out.getvalue().splitlines()[1:] == [
        "7203.T,2025-04-28T09:00:00+09:00,1.5",
        "MSFT,2025-04-28T09:30:00-04:00,2.0",
    ]


def test_codes_with_leading_zeros_are_read_as_written_in_any_column():
    """Products '007' and '7' under 'sku' (not named like an id) were read as the number 7:
    one series, its rows of a date averaged as duplicates, exit 0. Three or more digits
    with a leading zero are a code; two (hours, months written '01') and the target stay
    numbers."""
    from forecast_cli.config import DataConfig
    from forecast_cli.io import read_data
    from forecast_cli.panel import prepare_panel

    months = pd.date_range("2020-01-01", periods=12, freq="MS").strftime("%Y-%m-%d")
    rows = [
        f"{s},{m},{h:02d},{v + i:04d}"
        for i, m in enumerate(months)
        for s, h, v in (("007", 1, 101), ("7", 2, 497))
    ]
    text = "sku,ds,hour,y\n" + "\n".join(rows) + "\n"
    frame = read_data(io.StringIO(text), DataConfig(target="y"))
    assert frame["sku"].tolist()[:2] == ["007", "7"]
    assert frame["hour"].dtype.kind == "i" and frame["y"].tolist()[:2] == [101, 497]
    panel = prepare_panel(frame, DataConfig(target="y"))
    assert sorted(panel.ids) == ["007", "7"] and panel.members[0].frame.index.is_unique


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(
        st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=20,
    ),
    style=st.sampled_from([(",", "."), (".", ","), (" ", ","), ("'", ".")]),
)
@example(values=[979535186588.6643, -999999999999.9999], style=(",", "."))
def test_numbers_with_thousands_separators_read_back_exactly(values, style):
    """--thousands sent every cell through pandas' thousands-aware parser, which misrounds
    some values of 16 and 17 digits (979,535,186,588.6643 read as ...6644): 41 of 300
    generated files. Each value written with separators reads back as the same float."""
    thousands, decimal = style

    def written(v: float) -> str:
        whole, _, frac = repr(abs(v)).partition(".")
        if "e" in whole or "e" in frac:
            whole, frac = f"{abs(v):.6f}".split(".")
        groups = f"{int(whole):,}".replace(",", thousands)
        return ("-" if v < 0 else "") + groups + (decimal + frac if frac else "")

    expected = [float(written(v).replace(thousands, "").replace(decimal, ".")) for v in values]
    sep = ";" if "," in (thousands, decimal) else ","
    text = f"month{sep}y\n" + "".join(
        f'2000-{i % 12 + 1:02d}{sep}"{written(v)}"\n' for i, v in enumerate(values)
    )
    frame = read_csv(io.StringIO(text), thousands=thousands, decimal=decimal)
    assert [float(v) for v in frame["y"]] == expected


def test_zero_padded_step_numbers_and_a_header_of_decimals_read_as_before(tmp_path):
    """ds = 001, 002 ... are step numbers (read as codes, they were refused, even with
    --time-col ds), and a header of decimal numbers (sensor depths 0.5,1.0,1.5) is a header
    (0.5 looked like a date and the first line was refused as data)."""
    from forecast_cli.config import DataConfig
    from forecast_cli.io import read_data
    from forecast_cli.panel import prepare_panel

    steps = "ds,y\n" + "".join(f"{i:03d},{100 + i % 7}\n" for i in range(1, 61))
    panel = prepare_panel(read_data(io.StringIO(steps), DataConfig()), DataConfig())
    assert panel.freq is None and list(panel.members[0].frame.index[[0, -1]]) == [1, 60]
    depths = tmp_path / "depths.csv"
    depths.write_text("0.5,1.0,1.5\n" + "".join(f"{i},{i + 1.5},{i * 2.0}\n" for i in range(40)))
    assert list(read_csv(depths).columns) == ["0.5", "1.0", "1.5"]


def test_a_column_named_twice_with_thousands_is_refused_for_its_name():
    """bad input: a header naming a column twice, read with --thousands -> exit 2, "the header
    names column 'a' 2 times" (the exact second reading asked pandas for 'a.1', a column the
    file does not name: a ValueError, exit 1)"""
    import pytest

    from forecast_cli.errors import DataError

    text = 'month,a,a\n2000-01,"1,000.5","2,000.5"\n2000-02,"1,001.5","2,001.5"\n'
    with pytest.raises(DataError, match="the header names column 'a' 2 times"):
        read_csv(io.StringIO(text), thousands=",")


@pytest.mark.parametrize(
    "text, options, first, hint",
    [
        # --decimal , on a file whose '.' separates thousands: 112.000 was read as 112
        ("m;y\n2000-01;112.000\n2000-02;118.000\n", {"decimal": ","}, "112.000", "or --thousands . if it"),
        # --thousands , on decimal commas: 24278,89 was read as 2427889, pandas' integer
        (
            "m;y\n2000-01;24278,89\n2000-02;24279,5\n",
            {"thousands": ","},
            "24278,89",
            "give --decimal , instead",
        ),
        # --thousands , on German numbers: 112.000,25 was read as 112.00025
        (
            "m;y\n2000-01;112.000,25\n2000-02;118.000,25\n",
            {"thousands": ","},
            "112.000,25",
            "--decimal , --thousands .",
        ),
        # --decimal , --thousands . on a plain decimal point: 1.5 was read as 15
        ("m;y\n2000-01;1.5\n2000-02;2.25\n", {"decimal": ",", "thousands": "."}, "1.5", "give --decimal ."),
    ],
    ids=[
        "decimal-comma-on-thousands-dots",
        "thousands-comma-on-decimal-commas",
        "thousands-comma-on-german",
        "german-on-points",
    ],
)
def test_a_cell_not_written_in_the_notation_given_is_refused_not_rescaled(text, options, first, hint):
    """bad input: numbers not written as --decimal/--thousands say -> exit 2 naming the
    first cell and the options that read it; each was read 100 to 1000 times off, exit 0"""
    from forecast_cli.config import DataConfig
    from forecast_cli.errors import DataError
    from forecast_cli.series import prepare_series

    with pytest.raises(DataError, match=rf"first {re.escape(repr(first))}\); .*{re.escape(hint)}"):
        prepare_series(read_csv(io.StringIO(text), **options), DataConfig(target="y", **options))


@settings(max_examples=200, deadline=None)
@given(
    number=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
    style=st.sampled_from(
        [(".", None), (",", None), (",", "."), (".", ","), (".", " "), (",", " "), (".", "'")]
    ),
    grouped=st.booleans(),
)
def test_every_number_written_in_a_notation_fits_it_and_reads_back(number, style, grouped):
    """A number written with a decimal mark and (or not) its thousands groups is no misfit
    of that notation, and reads back as written; with the marks swapped, a grouped number
    with decimals is one (the 24278,89 read as 2427889)."""
    from forecast_cli.cell_numbers import misfits, parse_numbers

    decimal, thousands = style
    whole, _, frac = f"{abs(number):.4f}".partition(".")
    groups = f"{int(whole):,}".replace(",", thousands) if thousands and grouped else whole
    cell = ("-" if number < 0 else "") + groups + decimal + frac
    column = pd.Series([cell])
    assert not misfits(column, decimal, thousands).any()
    assert parse_numbers(column, "y", decimal, thousands).iloc[0] == float(
        f"{number:.4f}".replace("-0.0000", "0")
    )
    if thousands in (",", ".") and int(whole) >= 1000 and grouped:
        assert misfits(column, thousands, decimal if decimal != thousands else None).any()
