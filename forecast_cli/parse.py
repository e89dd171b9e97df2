"""Reading timestamps safely: one format per time column, and errors that name the
column, the data rows (numbered as ``cell_numbers`` says) and the values.

A time column has one format. ISO 8601 (``2024-01-31``, ``2024-01``, datetimes, UTC
offsets) is read as is; other layouts are recognised from the first value and applied
to every row, so a row in another layout is an error, never read some other way:
- ``31/01/2024``-like dates (``/``, ``.`` or ``-``) are day-first when some first field
  is above 12, month-first when some second field is, refused when every value fits
  both orders (give ``--time-format``) or when rows need different orders; dotted dates
  that fit both are day-first, the only order any locale writes with dots (``01.02.1980``
  is 1 February in German, Swiss, Russian and Scandinavian use);
- ``2024/01/31`` is year-month-day; ``01/2024`` month-year; ``2024M01`` (Eurostat's
  months) and ``2024:01`` (EViews') the month; quarters ``1998 Q1``, ``1998Q1``,
  ``1998-Q1``, ``Q1 1998`` and EViews' ``1998:1`` are the quarter's first day; ISO weeks ``2024-W01`` are that week's Monday; spans
  ``01.03.2024 00:00 - 01.03.2024 00:15`` their start (``time_spans``);
- mixed UTC offsets (daylight saving time) get their time zone back (see ``zones``).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import UTC

import numpy as np
import pandas as pd

from .cell_numbers import data_row
from .epoch_times import EPOCH_SECONDS, epoch_hint, epoch_times, reads_epoch
from .errors import DataError, UsageError
from .month_names import MONTH_NAME, mixed, named_months
from .number_times import year_column
from .time_spans import span_start, span_starts
from .two_digit_years import in_the_past
from .zones import written_zone

ISO_WEEK = re.compile(r"^\d{4}-?W\d{2}$")
QUARTER_YEAR = re.compile(r"^(\d{4})(?:\s*-?\s*Q|:)([1-4])$", re.IGNORECASE)  # 1998 Q1, EViews' 1998:1
QUARTER_FIRST = re.compile(r"^Q([1-4])\s*-?\s*(\d{4})$", re.IGNORECASE)  # Q1 1998
MONTH_CODE = re.compile(
    r"^(\d{4})(?:\s*-?\s*M|:)(\d{2})$", re.IGNORECASE
)  # Eurostat's 2015M01, EViews' 2015:01
MONTH_YEAR = re.compile(r"^\d{1,2}([-/])\d{4}$")  # 01/2015 (not 01.2015: a number with four decimals)
_YEAR_FIRST = re.compile(r"^\d{4}([-/.])\d{1,2}\1\d{1,2}$")
_YEAR_LAST = re.compile(r"^\d{1,2}([-/.])\d{1,2}\1\d{4}$")
YEAR_MONTH = re.compile(r"^\d{4}([-/.])\d{1,2}$")
_COMPACT = re.compile(r"^\d{8}$")
_CLOCK = ((re.compile(r"^\d{1,2}:\d{2}$"), "%H:%M"), (re.compile(r"^\d{1,2}:\d{2}:\d{2}$"), "%H:%M:%S"))
_FRACTION = re.compile(r"^\d{1,2}:\d{2}:\d{2}\.\d+$")
_ZONE = re.compile(r"(\s*)(Z|[+-]\d{2}:?\d{2})$")


@dataclass(frozen=True)
class Times:
    """A parsed time column, and what parsing decided (for the load report)."""

    index: pd.DatetimeIndex
    note: str = ""


def parse_times(column: pd.Series, name: str, time_format: str | None = None) -> Times:
    """The timestamps in ``column`` (see the module docstring), or a one-line ``DataError``."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return Times(pd.DatetimeIndex(column))
    if column.isna().any():
        row = data_row(column, int(np.flatnonzero(column.isna().to_numpy())[0]))
        raise DataError(f"column {name!r} is empty on data row {row}; give every row a timestamp")
    if time_format is None and year_column(column, name):  # 1960, not 1960.0 or 1970-01-01 + 1960 ns
        return Times(pd.DatetimeIndex(pd.to_datetime(column.astype("int64").astype(str), format="%Y")))
    text = column.astype(str)
    starts = span_starts(text)  # "01.03.2024 00:00 - 01.03.2024 00:15": each row's start
    if starts is not None and (
        _recognised(str(starts.iloc[0]).strip())
        if time_format is None
        else _coerce(text, time_format).isna().any()  # a format that reads the whole cell wins
    ):
        read = parse_times(starts, name, time_format)
        said = f"spans read as their starts ({text.iloc[0].strip()!r} as {starts.iloc[0]})"
        return Times(read.index, "; ".join(n for n in (said, read.note) if n))
    if time_format is not None:
        parsed = _coerce(text, time_format)
        _refuse_unparsed(text, parsed, name, f"does not match --time-format {time_format!r}", time_format)
        zoned = Times(*written_zone(text, pd.DatetimeIndex(parsed), name))
        if "%y" not in time_format.replace("%%", ""):
            return zoned
        stamps, moved = in_the_past(text, zoned.index)
        return Times(stamps, "; ".join(n for n in (zoned.note, moved) if n))
    first = text.iloc[0].strip()
    _refuse_fiscal_years(text, name)
    if ISO_WEEK.match(first):
        parsed = _coerce(text.str.strip().str.replace("-W", "W", regex=False) + "1", "%GW%V%u")
    elif QUARTER_YEAR.match(first) or QUARTER_FIRST.match(first):
        layout = QUARTER_YEAR if QUARTER_YEAR.match(first) else QUARTER_FIRST
        parts = text.str.strip().str.extract(layout)
        year, quarter = (parts[0], parts[1]) if layout is QUARTER_YEAR else (parts[1], parts[0])
        months = pd.to_numeric(quarter, errors="coerce") * 3 - 2
        parsed = _coerce(year + "-" + months.astype("Int64").astype(str), "%Y-%m")
    elif MONTH_CODE.match(first):
        parts = text.str.strip().str.extract(MONTH_CODE)
        parsed = _coerce(parts[0] + "-" + parts[1], "%Y-%m")
    else:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return Times(pd.DatetimeIndex(pd.to_datetime(text, format="ISO8601")))
        except (ValueError, TypeError):
            pass
        # ISO 8601 that reads only in UTC has several offsets, or rows with and without
        # one; written_zone sorts them out. (pandas 3 says "timezone" when it refuses them,
        # pandas 2 "Tz-aware": read in UTC, not matched on the words.)
        parsed = _coerce(text, "ISO8601")
        if parsed.isna().any():
            parsed = _by_layout(text, name)
    _refuse_unparsed(text, parsed, name, "is not a timestamp")
    if not re.search(r"\d{4}", first) and MONTH_NAME.search(first):  # Jan-49: a two-digit year
        return Times(*in_the_past(text, pd.DatetimeIndex(parsed)))
    return Times(*written_zone(text, pd.DatetimeIndex(parsed), name))


_FISCAL = re.compile(r"^\s*(\d{4})\s*[/-]\s*(\d{2})\s*$")  # 2000/01, 2019-20


def _refuse_fiscal_years(text: pd.Series, name: str) -> None:
    """Refuse fiscal years written as a span (``2000/01``: the year from April 2000): read as
    year and month, 2000/01 was January 2000 and 2001/02 February 2001, and the refusal
    offered --freq 396D; from 2012/13 on they were no date at all. Every cell must be one,
    so a first cell that is not ends it: no pass over a column of millions of dates."""
    if not _FISCAL.match(str(text.iloc[0])):
        return
    parts = text.str.extract(_FISCAL)
    if parts.isna().any().any():
        return
    start, end = pd.to_numeric(parts[0]), pd.to_numeric(parts[1])
    # fiscal spans step a year at a time: rows of one month (2010-11 alone, a panel's
    # one-step future file) are that month
    if start.nunique() > 1 and ((start + 1) % 100 == end).all():
        raise DataError(
            f"column {name!r} holds fiscal years ({text.iloc[0].strip()!r} on data row {data_row(text, 0)}): "
            "write each as a year (2000 for 2000/01) or a date, or give --time-col '' to count rows as steps"
        )


def looks_like_time(column: pd.Series) -> bool:
    """True when most of the first values of a text column are timestamps in a layout we
    read: a typo in one of them is then reported by ``parse_times`` with its row, instead
    of the column silently not being the time axis."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return True
    if pd.api.types.is_numeric_dtype(column):
        return False
    sample = column.head(200).dropna().astype(str).str.strip().head(20)
    return not sample.empty and sum(_recognised(value) for value in sample) > len(sample) / 2


def check_time_format(time_format: str) -> None:
    """Refuse a ``--time-format`` that strptime cannot apply (a directive it lacks, a stray
    ``%``, ISO weeks without a weekday) as a usage error naming it: pandas' ValueError went
    out as an unexpected error (exit 1). Checked by formatting a known day and reading it
    back. ``%q`` (quarters) and ``%G-W%V`` (ISO weeks) are what people try for the period
    layouts the reader recognises with no format at all, so the message says that."""
    if time_format == EPOCH_SECONDS:
        return
    from datetime import datetime

    day = datetime(2001, 2, 5, 13, 4, 5, tzinfo=UTC)  # a Monday; no field equal to another
    try:
        datetime.strptime(day.strftime(time_format), time_format)
    except ValueError as exc:
        if str(exc).startswith(
            ("time data", "unconverted data")
        ):  # the format is fine; the day is not its data
            return
        hint = (
            "quarters (1998 Q1) and ISO weeks (2024-W05) are read with no --time-format"
            if any(d in time_format for d in ("%q", "%Q", "%G", "%V"))
            else "give a strptime format such as %d/%m/%Y"
        )
        raise UsageError(f"--time-format {time_format!r} cannot be read ({exc}); {hint}") from None


def reads_as(column: pd.Series, time_format: str) -> bool:
    """True when ``time_format`` reads most of the first values of a text column."""
    if time_format == EPOCH_SECONDS:  # whole seconds or milliseconds of 1973-2286 only
        return reads_epoch(column)
    if pd.api.types.is_numeric_dtype(column) and "%Y" not in time_format:
        return False
    sample = column.head(200).dropna().astype(str).str.strip().head(20)
    if (starts := span_starts(sample)) is not None and _coerce(sample, time_format).isna().any():
        sample = starts  # "start - end" cells the format does not read whole: their starts
    return not sample.empty and int(_coerce(sample, time_format).notna().sum()) > len(sample) / 2


def _by_layout(text: pd.Series, name: str) -> pd.Series:
    """Parse with the one layout the first value has; rows in another layout stay NaT."""
    first = text.iloc[0].strip()
    formats = _formats(first)
    if formats is None:
        return named_months(text, name)
    stripped = text.str.strip()
    if len(formats) == 1:
        return _coerce(stripped, formats[0])
    day_first, month_first = _coerce(stripped, formats[0]), _coerce(stripped, formats[1])
    day_ok, month_ok = day_first.notna(), month_first.notna()
    if day_ok.all() and month_ok.all() and formats[0].startswith("%d."):
        return day_first  # dotted dates are day-first wherever they are written (DIN 5008)
    if day_ok.all() and month_ok.all():
        raise DataError(
            f"column {name!r} reads both day-first and month-first (every value, e.g. {first!r} on data "
            f"row {data_row(text, 0)}, fits both); give --time-format {formats[0]} or {formats[1]}"
        )
    if day_ok.all() or month_ok.all():
        return day_first if day_ok.all() else month_first
    either = day_ok | month_ok
    if either.all():
        a, b = int(np.flatnonzero(~month_ok)[0]), int(np.flatnonzero(~day_ok)[0])
        raise DataError(
            f"column {name!r} has day-first dates ({text.iloc[a]!r} on data row {data_row(text, a)}) and "
            f"month-first dates ({text.iloc[b]!r} on data row {data_row(text, b)}); fix the column or give --time-format"
        )
    return day_first.where(day_ok, month_first)


def _formats(value: str) -> list[str] | None:
    """The strptime formats a value's layout allows (two when day and month may swap)."""
    date, sep, clock = value.partition("T" if re.match(r"^\d{4}-\d{2}-\d{2}T", value) else " ")
    zone = ""
    if clock and (offset := _ZONE.search(clock)):
        clock, zone = clock[: offset.start()], offset.group(1) + "%z"
    time_format = ""
    if clock:
        found = [fmt for pattern, fmt in _CLOCK if pattern.match(clock)]
        if _FRACTION.match(clock):
            found = ["%H:%M:%S.%f"]
        if not found:
            return None
        time_format = sep + found[0] + zone
    if match := _YEAR_FIRST.match(date):
        s = match.group(1)
        return [f"%Y{s}%m{s}%d{time_format}"]
    if match := _YEAR_LAST.match(date):
        s = match.group(1)
        return [f"%d{s}%m{s}%Y{time_format}", f"%m{s}%d{s}%Y{time_format}"]
    if (match := YEAR_MONTH.match(date)) and not clock:
        return [f"%Y{match.group(1)}%m"]
    if (match := MONTH_YEAR.match(date)) and not clock:
        return [f"%m{match.group(1)}%Y"]
    if _COMPACT.match(date):
        return [f"%Y%m%d{time_format}"]
    return None


def _recognised(value: str) -> bool:
    start = span_start(value)
    if start is not None and start != value:
        return _recognised(start)
    if any(p.match(value) for p in (ISO_WEEK, QUARTER_YEAR, QUARTER_FIRST, MONTH_CODE)) or _formats(value):
        return True
    if MONTH_NAME.search(value) and re.search(r"\d", value):
        return True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pd.to_datetime(value, format="ISO8601")
    except (ValueError, TypeError):
        return False
    return bool(re.search(r"\d{4}", value))


def _coerce(text: pd.Series, fmt: str) -> pd.Series:
    """Parse with one format (unparsed rows NaT); formats with offsets come back in UTC
    so that rows with different offsets can be read at all (``zones.written_zone`` restores them)."""
    if fmt == EPOCH_SECONDS:  # instants since 1970-01-01 UTC (GNU date +%s), or milliseconds
        return epoch_times(text)
    utc = fmt == "ISO8601" or "%z" in fmt
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.to_datetime(text, format=fmt, errors="coerce", utc=utc)


def _refuse_unparsed(
    text: pd.Series, parsed: pd.Series, name: str, problem: str, time_format: str | None = None
) -> None:
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if not len(bad):
        return
    row = int(bad[0])
    first_layout, other_layout = _formats(text.iloc[0].strip()), _formats(text.iloc[row].strip())
    if row > 0 and other_layout is not None and other_layout != first_layout:
        raise mixed(text, name, 0, row)
    fix = "give --time-format"
    if time_format == EPOCH_SECONDS and (hint := epoch_hint(str(text.iloc[row]))):
        raise DataError(
            f"column {name!r} has a value that {problem} ({text.iloc[row]!r} on data row {data_row(text, row)}): {hint}"
        )
    if time_format is not None:  # given already: name one that reads the column, if swapping does
        swapped = _swapped_day_month(time_format)
        reads = swapped is not None and _coerce(text, swapped).notna().all()
        fix = f"give --time-format {swapped}" if reads else "give a --time-format that reads it"
    raise DataError(
        f"column {name!r} has a value that {problem} ({text.iloc[row]!r} on data row {data_row(text, row)}); "
        f"fix it, {fix}, or name the right column with --time-col"
    )


def _swapped_day_month(time_format: str) -> str | None:
    """``%m/%d/%Y`` -> ``%d/%m/%Y`` (and back): the other order of a day-and-month format."""
    if "%d" not in time_format or "%m" not in time_format:
        return None
    return time_format.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
