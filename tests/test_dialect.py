"""Reading CSVs however they are written: delimiters, decimal marks, gzip, BOM."""

from __future__ import annotations

import gzip
import io
import sys

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
    with pytest.raises(UsageError, match=r"several numeric columns \(id, value\)"):
        prepare_series(raw, DataConfig())
    with pytest.raises(DataError, match="--decimal ,"):
        prepare_series(raw, DataConfig(target="value"))


def test_explicit_delimiter_names_and_clashes():
    assert list(read_csv(io.StringIO(AIR.replace(",", "\t")), delimiter="tab").columns) == [
        "month",
        "passengers",
    ]
    with pytest.raises(UsageError, match="--decimal"):
        read_csv(io.StringIO(AIR), delimiter=",", decimal=",")


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


def test_a_byte_order_mark_is_not_part_of_the_header(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + AIR.replace(",", ";").encode())
    assert list(read_csv(path).columns) == ["month", "passengers"]


def test_a_single_column_or_ragged_sample_falls_back_to_commas():
    assert sniff_delimiter("value\n1\n2\n") == ","
    assert sniff_delimiter("a;b\n1;2;3\n4\n") == ","
