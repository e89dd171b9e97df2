"""Dates in one column and the time of day in another, as loggers and spreadsheets export
hourly data (``Date,Time`` = ``2021-03-01,00:00``): joined into one timestamp.

Read apart, the dates repeat 24 times a day and the clock column was taken for the series
id, so one hourly series became 24 daily ones with exit 0. The clock is read in the forms
such exports write, each turned into a 24-hour ``HH:MM[:SS]`` before the join:

- ``13:00``, ``13:00:00``, ``13:00:00.5``;
- ``01:00 PM``, ``1 PM``, ``12:30 a.m.`` (12-hour, as US spreadsheets write it);
- ``00:00-01:00``: an interval, stamped with its start, as a pandas period is;
- ``14h``, ``14h30`` (French and Portuguese notation).

A clock column in any other form is refused as a series id (``refuse_clock_as_id``)
rather than read as one.
"""

from __future__ import annotations

import re
import shlex

import pandas as pd

from .errors import UsageError
from .parse import looks_like_time

_HMS = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
_24_HOUR = re.compile(rf"^\s*({_HMS})\s*$")
_12_HOUR = re.compile(r"^\s*(\d{1,2})(:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*([AaPp])\.?\s*[Mm]\.?\s*$")
_INTERVAL = re.compile(rf"^\s*({_HMS})\s*[-\u2013]\s*{_HMS}\s*$")
_H_NOTATION = re.compile(r"^\s*(\d{1,2})\s*[hH]\s*(\d{2})?\s*$")
# what a time of day starts like, in a form we read or not ("01:00 PM", "00h", "1 pm", "HE01"
# is not): a column of them beside repeated dates is the time, never the series
_CLOCK_LIKE = re.compile(r"^\s*\d{1,2}\s*(:\d{2}|[hH]\b|[hH]\d{2}|[AaPp]\.?[Mm]\b)")
_SAMPLE = 50  # first values checked before a whole column is read


def as_24_hour(column: pd.Series) -> pd.Series | None:
    """Every value of ``column`` as a 24-hour ``HH:MM[:SS]`` text, or None when one of the
    forms above does not read every value (a 12-hour hour outside 1..12 included)."""
    text = column.astype(str)
    if text.str.match(_24_HOUR).all():
        return text.str.strip()
    if text.str.match(_INTERVAL).all():
        return text.str.extract(_INTERVAL)[0]
    if text.str.match(_H_NOTATION).all():
        parts = text.str.extract(_H_NOTATION)
        return parts[0].str.zfill(2) + ":" + parts[1].fillna("00")
    if text.str.match(_12_HOUR).all():
        parts = text.str.extract(_12_HOUR)
        hour = parts[0].astype(int)
        if not hour.between(1, 12).all():
            return None
        pm = parts[2].str.lower() == "p"
        hour24 = hour % 12 + 12 * pm  # 12 AM is midnight, 12 PM noon
        return hour24.map("{:02d}".format) + parts[1].fillna(":00")
    return None


def joined_date_and_clock(raw: pd.DataFrame, time_col: str | None) -> pd.DataFrame:
    """A table whose dates and times of day sit in two columns with them joined into the
    date column, the clock column gone; otherwise ``raw`` itself. Joined only when one
    column holds dates without a time, some dates repeat (several rows a day), and exactly
    one other column holds every value as a clock time (the forms of the module's
    docstring); a daily file's 'peak_time' column stays a column."""
    if time_col == "":
        return raw
    clocks = {}
    for c in raw.columns:
        if c == time_col or raw[c].dtype.kind not in "OSUT":
            continue
        # the first values first: an id column of millions of rows is read whole only if they pass
        if as_24_hour(raw[c].head(_SAMPLE)) is None:
            continue
        whole = as_24_hour(raw[c])
        if whole is not None:
            clocks[c] = whole
    if len(clocks) != 1:
        return raw
    ((clock, clock_text),) = clocks.items()
    candidates = [time_col] if time_col is not None else [c for c in raw.columns if c != clock]
    dates = [c for c in candidates if c in raw.columns and _dates_only(raw[c])]
    if len(dates) != 1 or not raw[dates[0]].duplicated().any():
        return raw  # a date a row needs no time of day: a 'peak_time' beside it is a column
    date = dates[0]
    joined = raw[date].astype(str).str.strip() + " " + clock_text
    return raw.drop(columns=[clock]).assign(**{str(date): joined})


def refuse_clock_as_id(raw: pd.DataFrame, column: object) -> None:
    """Raise when the one text column that would name the series beside repeated
    timestamps holds times of day in a form ``as_24_hour`` does not read (``1:00 PM CET``;
    ``HE01``, which does not start like a time of day, stays an id): it is the time's other
    half, and 24 daily series made of one hourly one are a wrong answer with exit 0."""
    values = raw[column].dropna().astype(str).head(_SAMPLE)
    if values.empty or not values.str.match(_CLOCK_LIKE).all():
        return
    raise UsageError(
        f"column {column!r} holds times of day (e.g. {values.iloc[0].strip()!r}) in a form that is "
        "not read: join it into the time column yourself (such as '2021-03-01 13:00'), or pass "
        f"--id-col {shlex.quote(str(column))} if it does name the series"
    )


def _dates_only(column: pd.Series) -> bool:
    """Whether a text column holds dates with no time of day (2021-03-01, 01/03/2021)."""
    if column.dtype.kind not in "OSUT" or not looks_like_time(column):
        return False
    text = column.astype(str).str.strip()
    return bool(len(text)) and not text.str.contains(r"[T ]\d{1,2}:\d{2}", regex=True).any()
