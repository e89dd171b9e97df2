"""How a CSV is written: compressed or not (``compressed``), which field separator, which
decimal mark.

``io.read_csv`` asks this module how to read an input. Only the first lines are looked
at, so a 10-million-row file costs nothing extra. A separator is chosen only when every
sampled line splits into the header's number of fields (quotes respected); ties go to
the most fields, then to the order of ``DELIMITERS``. Decimal commas are never guessed:
a column of ``1,5``-like values read with the default decimal point is refused, with
the option that reads it.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import IO, Any

import pandas as pd

from .cell_numbers import number_hint
from .compressed import decompressed, file_compression, open_text, unreadable
from .errors import DataError, UsageError
from .parse import looks_like_time
from .text_bytes import decoded, is_utf16

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 64 * 1024
_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
_COMMA_NUMBER = re.compile(r"^\s*[+-]?(\d+|\d{1,3}(\.\d{3})+),\d+\s*$")
_PLAIN_NUMBER = re.compile(r"^\s*[+-]?\d+\s*$")
# pandas 2's default float parser misreads about one value in seven by an ulp (3 million
# normal draws: 461,520 differ); "round_trip" reads every one exactly, at 2.4x the read
# time. pandas 3 reads exactly by default and deprecates the option.
EXACT_FLOATS: dict[str, Any] = (
    {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}
)


_EXCEL_SEP_LINE = re.compile(r"^\ufeff?sep=(.)\r?$")


def is_utf16_file(path: Path) -> bool:
    """Whether a file starts with a UTF-16 byte order mark."""
    with open(path, "rb") as handle:
        return is_utf16(handle.read(2))


def excel_separator(sample: str) -> str | None:
    """The separator a first line ``sep=;`` names (Excel writes it, and reads a file by it,
    where the locale's separator differs), or None. The line is no header: read as one, it
    made the real header a data row and the columns ``sep=;`` and ``Unnamed: 1``."""
    first = sample.split("\n", 1)[0]
    match = _EXCEL_SEP_LINE.match(first)
    return match.group(1) if match else None


def delimiter_option(text: str | None) -> str | None:
    """A ``--delimiter`` value as one character (``tab`` and ``\\t`` are a tab)."""
    if text is None:
        return None
    value = _NAMES.get(text.lower(), text)
    if len(value) != 1:
        raise UsageError(f"--delimiter {text!r} must be one character: , ; tab or |")
    return value


def sniff_delimiter(sample: str) -> str:
    """The separator of a CSV from its first whole lines."""
    lines = [line for line in sample.lstrip("\ufeff").splitlines() if line.strip()][:50]
    best, most = ",", 1
    for candidate in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=candidate)]
        if counts and counts[0] > most and all(c == counts[0] for c in counts):
            best, most = candidate, counts[0]
    return best


def read_options(sample: str, delimiter: str | None, decimal: str, thousands: str | None) -> dict[str, Any]:
    """``pandas.read_csv`` keywords for an input whose first whole lines are ``sample``.

    pandas strips a thousands separator from every column, dates too (``01.02.2024``
    becomes 1022024), so columns that look like time are read as text then.
    """
    sep = delimiter_option(delimiter) or sniff_delimiter(sample)
    if decimal == thousands:
        raise UsageError(f"--decimal {decimal!r} cannot also be the thousands separator")
    # a decimal mark that is the delimiter too stands in quoted cells ("24278,89"), which
    # pandas leaves as text for parse_numbers to read; pandas refuses the two alike
    quoted = decimal == sep
    options: dict[str, Any] = {
        "sep": sep,
        "decimal": "." if quoted else decimal,
        "thousands": None if quoted else thousands,
        **EXACT_FLOATS,
    }
    if thousands is not None:
        head = pd.read_csv(io.StringIO(sample.lstrip("\ufeff")), sep=sep, dtype=str, nrows=200)
        options["dtype"] = {str(c): str for c in head.columns if looks_like_time(head[c])}
    return options


def peek(path: Path) -> tuple[str | None, str]:
    """(pandas compression, first whole lines) of a file, plain or compressed."""
    compression = file_compression(path)
    try:
        with open_text(path, compression) as head:
            sample = head.read(SAMPLE_BYTES)
            return compression, _whole_lines(sample, complete=not head.read(1))
    except unreadable(compression) as exc:
        raise DataError(f"{path} is not a readable {compression} file ({exc or 'cut short'})") from None


def head_of(text: str) -> str:
    """The first whole lines of an input held in memory."""
    return _whole_lines(text[:SAMPLE_BYTES], complete=len(text) <= SAMPLE_BYTES)


def read_text(stream: IO[Any], name: str) -> str:
    """The whole of a stream (stdin) as text, decompressed when its first bytes say it is
    compressed; bytes are read through ``.buffer`` where the stream has one."""
    data = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
    if isinstance(data, str):
        return data
    data = decompressed(data, name)
    try:
        return decoded(data)
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{name} is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"
        ) from None


def refuse_decimal_commas(frame: pd.DataFrame, decimal: str, thousands: str | None, name: str) -> None:
    """Refuse a text column whose first values are all numbers, some with a decimal comma,
    when the frame was read with the default decimal point: it is data, not text."""
    if decimal != "." or thousands is not None:
        return
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
            continue
        sample = values.head(1000).dropna().astype(str)
        comma = sample.str.match(_COMMA_NUMBER)
        if len(sample) and comma.any() and (comma | sample.str.match(_PLAIN_NUMBER)).all():
            row = int(sample.index[comma.to_numpy().argmax()])
            raise DataError(
                f"{name}: column {column!r} holds numbers with a decimal comma ({values.iloc[row]!r} on data "
                f"row {row + 1}); {number_hint(str(values.iloc[row]).strip(), '.', None)}"
            )


def _whole_lines(sample: str, complete: bool) -> str:
    """A sample without a last line that the sample cut short."""
    return sample if complete or "\n" not in sample else sample[: sample.rfind("\n") + 1]
