"""Guessing how a CSV is written: gzip or not, which field separator, which decimal mark.

Only the first lines are looked at, so a 10-million-row file costs nothing extra. A
separator is chosen only when every sampled line splits into the header's number of
fields (quotes respected); ties go to the most fields, then to the order of
``DELIMITERS``. Decimal commas are never guessed: a column of ``1,5``-like values read
with the default decimal point is reported, with the option that reads it.
"""

from __future__ import annotations

import csv
import re

import pandas as pd

from .errors import UsageError

GZIP_MAGIC = b"\x1f\x8b"
DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 64 * 1024
_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
_COMMA_NUMBER = re.compile(r"^\s*[+-]?(\d+|\d{1,3}(\.\d{3})+),\d+\s*$")
_PLAIN_NUMBER = re.compile(r"^\s*[+-]?\d+\s*$")


def is_gzip(head: bytes) -> bool:
    """True when ``head`` starts with gzip's magic bytes (1f 8b)."""
    return head[:2] == GZIP_MAGIC


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


def decimal_comma(frame: pd.DataFrame) -> tuple[str, int, str] | None:
    """(column, 0-based row, value) of a text column whose first values are all numbers
    and include one written with a decimal comma, or ``None``."""
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            continue
        sample = column.head(1000).dropna().astype(str)
        if sample.empty:
            continue
        comma = sample.str.match(_COMMA_NUMBER)
        if comma.any() and (comma | sample.str.match(_PLAIN_NUMBER)).all():
            row = int(sample.index[comma.to_numpy().argmax()])
            return str(name), row, str(column.iloc[row])
    return None
