"""Reading CSVs however they are written: delimiters, decimal marks, compression, BOM."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import sys
import zipfile

import pandas as pd
import pytest

from forecast_cli.config import DataConfig
from forecast_cli.dialect import sniff_delimiter
from forecast_cli.errors import DataError, UsageError
from forecast_cli.io import read_csv
from forecast_cli.series import prepare_series

AIR = "month,passengers\n1949-01,112\n1949-02,118\n1949-03,132\n"


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_the_delimiter_is_detected(sep):
    frame = read_csv(io.StringIO(AIR.replace(",", sep)))
    assert list(frame.columns) == ["month", "passengers"] and frame["passengers"].tolist() == [112, 118, 132]


def test_quoted_separators_do_not_fool_detection():
    text = 'date,label,value\n2024-01-01,"a;b;c",1\n2024-01-02,"d;e;f",2\n'
    assert list(read_csv(io.StringIO(text)).columns) == ["date", "label", "value"]


def test_semicolon_file_with_decimal_commas_is_refused_by_default_and_read_with_decimal():
    text = "date;id;value\n2024-01-01;1;1,5\n2024-01-02;2;2,25\n2024-01-03;3;4\n"
    with pytest.raises(
        DataError,
        match=r"'value' holds numbers with a decimal comma \('1,5' on data row 1\); give --decimal ,",
    ):
        read_csv(io.StringIO(text))
    frame = read_csv(io.StringIO(text), decimal=",")
    assert frame["value"].tolist() == [1.5, 2.25, 4.0]
    german = "date;value\n2024-01-01;1.234,5\n2024-01-02;2.000,25\n"
    assert read_csv(io.StringIO(german), decimal=",", thousands=".")["value"].tolist() == [1234.5, 2000.25]


def test_a_decimal_comma_column_never_trains_on_another_column():
    # Even past read_csv's check (a late 1,5), the text column of numbers stays the target.
    raw = pd.DataFrame(
        {"date": ["2024-01-01", "2024-01-02", "2024-01-03"], "id": [1, 2, 3], "value": ["1", "2", "3,5"]}
    )
    with pytest.raises(UsageError, match=r"2 numeric columns \(id, value\)"):
        prepare_series(raw, DataConfig())
    with pytest.raises(DataError, match="--decimal ,"):
        prepare_series(raw, DataConfig(target="value"))


def test_explicit_delimiter_names_and_clashes():
    assert list(read_csv(io.StringIO(AIR.replace(",", "\t")), delimiter="tab").columns) == [
        "month",
        "passengers",
    ]
    with pytest.raises(UsageError, match="--decimal '.' cannot also be the thousands separator"):
        read_csv(io.StringIO(AIR), thousands=".")


def test_decimal_commas_quoted_in_a_comma_separated_file_are_read_with_decimal_comma():
    """A comma file whose decimal commas stand in quoted cells ("24278,89"): the refusal
    said to give --decimal ,, which was then refused as the delimiter. Quoted, they read;
    unquoted, the row has a field too many and is refused."""
    text = 'date,id,y\n2024-01-01,a,"24278,89"\n2024-01-02,a,"1.234,5"\n2024-01-03,a,7\n'
    with pytest.raises(DataError, match="give --decimal ,"):
        prepare_series(read_csv(io.StringIO(text)), DataConfig(target="y"))
    german = read_csv(io.StringIO(text), decimal=",", thousands=".")
    cells = prepare_series(german, DataConfig(target="y", decimal=",", thousands="."))
    assert cells.frame["y"].tolist() == [24278.89, 1234.5, 7.0]
    with pytest.raises(DataError, match="'1.234,5'"):  # a '.' where --decimal , says none may stand
        prepare_series(read_csv(io.StringIO(text), decimal=","), DataConfig(target="y", decimal=","))
    unquoted = "date,y\n2024-01-01,24278,89\n2024-01-02,3\n"
    with pytest.raises(DataError, match="one field more than the header"):
        read_csv(io.StringIO(unquoted), decimal=",")


def test_gzip_files_and_gzip_stdin_are_read(tmp_path, monkeypatch):
    path = tmp_path / "air.csv.gz"
    path.write_bytes(gzip.compress(AIR.replace(",", ";").encode()))
    assert read_csv(path)["passengers"].tolist() == [112, 118, 132]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(gzip.compress(AIR.encode()))))
    assert read_csv("-")["passengers"].tolist() == [112, 118, 132]


def test_a_damaged_gzip_file_is_a_data_error(tmp_path):
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(gzip.compress(AIR.encode() * 50)[:40])
    with pytest.raises(DataError, match="not a readable gzip"):
        read_csv(path)


def _zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


COMPRESSORS = {
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "zip": lambda data: _zipped({"air.csv": data}),
    "zip -r": lambda data: _zipped({"data/": b"", "data/air.csv": data}),  # its folder listed too
}


@pytest.mark.parametrize("kind", COMPRESSORS)
@pytest.mark.parametrize("where", ["file", "stdin"])
def test_bzip2_xz_and_one_file_zip_are_read_by_their_bytes_not_their_names(
    tmp_path, monkeypatch, kind, where
):
    """bad input: a bzip2, xz or one-file zip CSV (named .csv, or on stdin) -> read
    transparently, the same frame as the plain text; it was "not UTF-8 text", exit 2"""
    data = COMPRESSORS[kind](AIR.replace(",", ";").encode())
    if where == "file":
        path = tmp_path / "air.csv"  # the name says nothing: the first bytes do
        path.write_bytes(data)
        frame = read_csv(path)
    else:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        frame = read_csv("-")
    pd.testing.assert_frame_equal(frame, read_csv(io.StringIO(AIR)))


@pytest.mark.parametrize("where", ["file", "stdin"])
@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (bz2.compress(AIR.encode() * 50)[:60], DataError, "not a readable bz2"),
        (lzma.compress(AIR.encode() * 50)[:60], DataError, "not a readable xz"),
        (_zipped({"a.csv": b"x", "b.csv": b"y"}), DataError, "is a zip archive of 2 files (a.csv, b.csv)"),
        (
            _zipped({"forecast.json": b"{}"}),
            UsageError,
            "is a forecast model file, not data; give it with -m",
        ),
        (
            b"(\xb5/\xfd" + b"\x00" * 20,
            DataError,
            "is zstd-compressed, which is not read here; decompress it first",
        ),
        (_zipped({}), DataError, "is a zip archive of 0 files (none)"),
        (
            gzip.compress(gzip.compress(AIR.encode())),
            DataError,
            "is gzip data holding gzip data, compressed twice",
        ),
        (_zipped({"a.csv.bz2": bz2.compress(AIR.encode())}), DataError, "is zip data holding bz2 data"),
    ],
    ids=["cut-bz2", "cut-xz", "two-files", "model", "zstd", "empty-zip", "gzip-in-gzip", "bz2-in-zip"],
)
def test_unreadable_compressed_input_is_named_for_what_it_is(
    tmp_path, monkeypatch, where, data, error, message
):
    """bad input: cut-short bzip2 or xz, a zip of several files or none, a model file where
    data belongs, zstd, data compressed twice -> exit 2, one line naming what the bytes are
    (they were all "not UTF-8 text", or an unexpected ValueError, exit 1; an empty zip and a
    .gz of a .gz were "NUL bytes, as UTF-16 text")"""
    if where == "file":
        source: object = tmp_path / "in.csv"
        (tmp_path / "in.csv").write_bytes(data)
    else:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        source = "-"
    with pytest.raises(error, match=re.escape(message)):
        read_csv(source)


def test_a_byte_order_mark_is_not_part_of_the_header(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + AIR.replace(",", ";").encode())
    assert list(read_csv(path).columns) == ["month", "passengers"]


def test_a_single_column_or_ragged_sample_falls_back_to_commas():
    assert sniff_delimiter("value\n1\n2\n") == ","
    assert sniff_delimiter("a;b\n1;2;3\n4\n") == ","


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_an_excel_sep_line_names_the_separator_and_is_no_header(tmp_path, newline, bom):
    """Excel writes (and reads by) a first line ``sep=;`` where the locale's separator
    differs: read as the header, the real header became data row 1 of columns 'sep=;' and
    'Unnamed: 1', and the error blamed a non-numeric 'passengers'."""
    data = tmp_path / "air.csv"
    data.write_bytes((bom + "sep=;" + newline + AIR.replace(",", ";").replace("\n", newline)).encode())
    frame = read_csv(data)
    assert list(frame.columns) == ["month", "passengers"] and frame["passengers"].tolist() == [112, 118, 132]
    stdin = read_csv(io.StringIO("sep=|\n" + AIR.replace(",", "|")))
    assert stdin["passengers"].tolist() == [112, 118, 132]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_text_is_read_by_its_byte_order_mark(tmp_path, monkeypatch, encoding):
    """Excel's 'Unicode Text' and PowerShell's ``>`` write UTF-16 with a byte order mark;
    it was called 'a Windows or Latin-1 export' and pointed at an iconv that garbles it."""
    text = "\ufeff" + AIR if encoding == "utf-16-be" else AIR  # utf-16 writes its own mark
    data = tmp_path / "air.csv"
    data.write_bytes(text.encode(encoding))
    assert read_csv(data)["passengers"].tolist() == [112, 118, 132]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode(encoding))))
    assert read_csv("-")["passengers"].tolist() == [112, 118, 132]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_text_without_its_byte_order_mark_is_named(tmp_path, encoding):
    """bad input: UTF-16 text with no byte order mark -> exit 2, "holds NUL bytes, as UTF-16
    text without a byte order mark does; save it as UTF-8" (it said "no numeric column to
    forecast: m o n t h", or that --decimal , was the delimiter)"""
    data = tmp_path / "air.csv"
    data.write_bytes(AIR.encode(encoding))
    with pytest.raises(DataError, match="holds NUL bytes, as UTF-16 text without a byte order mark does"):
        read_csv(data)


def test_a_spreadsheets_trailing_separators_and_empty_rows_are_no_data():
    """bad input: trailing separators on every line (no header name, no values) and rows of only empty cells (,,) under the data -> read as the columns and rows they are; a glob --target took 'Unnamed: 3' for a series to refuse, and a row of empty cells ended the run"""
    text = "month,A,B,,\n1949-01,1,2,,\n1949-02,3,4,,\n,,,,\n,,,,\n"
    frame = read_csv(io.StringIO(text))
    assert list(frame.columns) == ["month", "A", "B"] and frame["B"].tolist() == [2, 4]
    assert isinstance(frame.index, pd.RangeIndex) and len(frame) == 2
    # a named column without values, and a row with one value, are data: kept as written
    kept = read_csv(io.StringIO("month,A,note\n1949-01,1,\n,,\n1949-02,,\n"))
    assert list(kept.columns) == ["month", "A", "note"] and kept["month"].tolist() == ["1949-01", "1949-02"]
    with pytest.raises(DataError, match="has a header but no data rows"):
        read_csv(io.StringIO("a,b\n,\n,\n"))
