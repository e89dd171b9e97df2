"""Dates written with month names: ``Jan 5, 2024``, ``January 2015``, Excel's ``Jan-19``.

pandas reads them in its "mixed" mode, which guesses per cell. Given a month name and two
digits it takes the digits for the day and, with no year, the year 1: Excel's ``mmm-yy``
export ``Jan-19`` (January 2019) became 19 January of year 1, a column of months a daily
grid with 95% of its rows missing, and ``Jan-00`` no date at all. Only years over 31
(``Jan-49``) read as years. So the shapes with two digits are read here:

- a month name, then two digits (``Jan-19``, ``Jan 19``, ``Jan '19``): a two-digit year, as
  strptime's ``%y`` reads it (the caller puts a column that reaches past today a century
  back, ``two_digit_years``), unless most rows keep the month of the row before: days of
  that month (``Jan 10``, ``Jan 11``), refused for want of a year;
- two digits, then a month name (``19-Jan``): Excel's ``d-mmm`` (a day, no year) or a year
  first; a year only where some value is over 31, otherwise refused, naming the format that
  reads it as years;
- any other reading that leaves no year (``Jan 5``) is refused: a date needs one.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from .cell_numbers import data_row
from .errors import DataError

MONTH_NAME = re.compile(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b")
_MONTH_YY = re.compile(r"^([A-Za-z]{3,9})\.?[\s\-/.]*'?(\d{2})$")
_YY_MONTH = re.compile(r"^(\d{2})[\s\-/.]*([A-Za-z]{3,9})\.?$")


def named_months(text: pd.Series, name: str) -> pd.Series:
    """Dates with month names, one shape for every row (else a ``mixed`` refusal), NaT where
    a cell is none; NaT everywhere when the first cell names no month."""
    if not MONTH_NAME.search(text.iloc[0]):
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    stripped = text.str.strip()
    shapes = stripped.str.replace(r"[A-Za-z]+", "a", regex=True).str.replace(r"\d+", "9", regex=True)
    if shapes.nunique() > 1:
        raise mixed(text, name, 0, int(np.flatnonzero((shapes != shapes.iloc[0]).to_numpy())[0]))
    if (month_first := stripped.str.extract(_MONTH_YY)).notna().all().all():
        months = month_first[0].str[:3].str.lower()
        if len(months) > 1 and (months.to_numpy()[1:] == months.to_numpy()[:-1]).mean() > 0.5:
            # row after row the same month and other digits: days of it (Jan 10, Jan 11 ...),
            # read as the Januaries of 2010, 2011 ... (a month's rows of mmm-yy change the month)
            layout = re.sub(r"\d{2}$", "%y", re.sub(r"^[A-Za-z]+", "%b", stripped.iloc[0]))
            raise DataError(
                f"column {name!r} holds a month and a day with no year, or a month of two-digit years "
                f"({text.iloc[0].strip()!r} on data row {data_row(text, 0)}); write the year, or give "
                f"--time-format '{layout}' if the digits are years"
            )
        return _month_and_year(month_first[0], month_first[1])
    if (year_first := stripped.str.extract(_YY_MONTH)).notna().all().all():
        if (pd.to_numeric(year_first[0]) > 31).any():
            return _month_and_year(year_first[1], year_first[0])
        raise DataError(
            f"column {name!r} holds a day and a month with no year, or a two-digit year and a month "
            f"({text.iloc[0].strip()!r} on data row {data_row(text, 0)}); give --time-format %y-%b if the "
            "digits are years, or write the year"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(text, format="mixed", errors="coerce")
    yearless = np.flatnonzero((parsed.dt.year < 1000).to_numpy())  # pandas' year 1: none written
    if len(yearless):
        row = int(yearless[0])
        raise DataError(
            f"column {name!r} has a date with no year ({text.iloc[row].strip()!r} on data row "
            f"{data_row(text, row)}); write the year, or give --time-format"
        )
    return parsed


def _month_and_year(month: pd.Series, year: pd.Series) -> pd.Series:
    """Month names (their first three letters) and two-digit years as the first of each
    month; NaT where a word is no month."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.to_datetime(month.str[:3].str.title() + " " + year, format="%b %y", errors="coerce")


def mixed(text: pd.Series, name: str, a: int, b: int) -> DataError:
    """The refusal of a column whose rows ``a`` and ``b`` are written in two layouts."""
    return DataError(
        f"column {name!r} mixes timestamp formats ({text.iloc[a]!r} on data row {data_row(text, a)}, "
        f"{text.iloc[b]!r} on data row {data_row(text, b)}); write every row the same way or give --time-format"
    )
