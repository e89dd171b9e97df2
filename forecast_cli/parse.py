"""Reading timestamps and numbers safely: one format per time column, finite numbers,
and errors that name the column, the rows and the values.

Rows are numbered as people see them in the file: "data row N" is the Nth row after
the header, counting from 1 (line N + 1 of a file without blank lines). A column keeps
the index ``read_csv`` gave it, so a panel member's rows are numbered as in the file.

A time column has one format. ISO 8601 (``2024-01-31``, ``2024-01``, datetimes, UTC
offsets) is read as is; other layouts are recognised from the first value and applied
to every row, so a row in another layout is an error, never read some other way:
- ``31/01/2024``-like dates (``/``, ``.`` or ``-``) are day-first when some first field
  is above 12, month-first when some second field is, refused when every value fits
  both orders (give ``--time-format``) or when rows need different orders;
- ``2024/01/31`` is year-month-day; ``01/2024`` month-year; ``2024M01`` (Eurostat's
  months) the month; quarters ``1998 Q1``, ``1998Q1``, ``1998-Q1``, ``Q1 1998`` are the
  quarter's first day; ISO weeks ``2024-W01`` are that week's Monday;
- mixed UTC offsets (daylight saving time) get their time zone back (see ``zones``).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import timedelta, timezone

import numpy as np
import pandas as pd

from .errors import DataError
from .zones import infer_zone

ISO_WEEK = re.compile(r"^\d{4}-?W\d{2}$")
QUARTER_YEAR = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
QUARTER_FIRST = re.compile(r"^Q([1-4])\s*-?\s*(\d{4})$", re.IGNORECASE)  # Q1 1998
MONTH_CODE = re.compile(r"^(\d{4})\s*-?\s*M(\d{2})$", re.IGNORECASE)  # 2015M01, as Eurostat writes months
MONTH_YEAR = re.compile(r"^\d{1,2}([-/])\d{4}$")  # 01/2015 (not 01.2015: a number with four decimals)
_YEAR_FIRST = re.compile(r"^\d{4}([-/.])\d{1,2}\1\d{1,2}$")
_YEAR_LAST = re.compile(r"^\d{1,2}([-/.])\d{1,2}\1\d{4}$")
YEAR_MONTH = re.compile(r"^\d{4}([-/.])\d{1,2}$")
_COMPACT = re.compile(r"^\d{8}$")
_CLOCK = ((re.compile(r"^\d{1,2}:\d{2}$"), "%H:%M"), (re.compile(r"^\d{1,2}:\d{2}:\d{2}$"), "%H:%M:%S"))
_FRACTION = re.compile(r"^\d{1,2}:\d{2}:\d{2}\.\d+$")
_ZONE = re.compile(r"(\s*)(Z|[+-]\d{2}:?\d{2})$")
_OFFSET = re.compile(r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$")
_MONTH_NAME = re.compile(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b")


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
        row = _row(column, int(np.flatnonzero(column.isna().to_numpy())[0]))
        raise DataError(f"column {name!r} is empty on data row {row}; give every row a timestamp")
    if time_format is None and whole_years(column):  # 1960, not 1960.0 or 1970-01-01 + 1960 ns
        return Times(pd.DatetimeIndex(pd.to_datetime(column.astype("int64").astype(str), format="%Y")))
    text = column.astype(str)
    if time_format is not None:
        parsed = _coerce(text, time_format)
        _refuse_unparsed(text, parsed, name, f"does not match --time-format {time_format!r}")
        return _zoned(text, pd.DatetimeIndex(parsed), name)
    first = text.iloc[0].strip()
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
        except (ValueError, TypeError) as exc:
            mixed_zones = "timezone" in str(exc).lower()
        parsed = _coerce(text, "ISO8601") if mixed_zones else _by_layout(text, name)
    _refuse_unparsed(text, parsed, name, "is not a timestamp")
    return _zoned(text, pd.DatetimeIndex(parsed), name)


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


def reads_as(column: pd.Series, time_format: str) -> bool:
    """True when ``time_format`` reads most of the first values of a text column."""
    if pd.api.types.is_numeric_dtype(column) and "%Y" not in time_format:
        return False
    sample = column.head(200).dropna().astype(str).str.strip().head(20)
    return not sample.empty and int(_coerce(sample, time_format).notna().sum()) > len(sample) / 2


def step_numbers(column: pd.Series, time_format: str | None) -> bool:
    """True when a time column holds step numbers (1, 2, 3...: whole numbers that are not
    whole years) rather than dates, as the loader and ``--future-data`` both read them."""
    return time_format is None and whole_numbers(column) and not whole_years(column)


def whole_numbers(column: pd.Series) -> bool:
    """True for a numeric column of whole numbers only (no empty cell, no fraction)."""
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return False
    values = column.to_numpy(dtype=np.float64)
    return bool(len(values) and np.isfinite(values).all() and (values == np.round(values)).all())


def whole_years(column: pd.Series) -> bool:
    """True for a numeric column of whole numbers from 1000 to 2999 (a column of years)."""
    if not whole_numbers(column):
        return False
    values = column.to_numpy(dtype=np.float64)
    return bool(values.min() >= 1000 and values.max() <= 2999)


def looks_numeric(column: pd.Series) -> bool:
    """True for a numeric column with values, or a text column whose first values are
    mostly numbers (in any notation): it is then meant as data, and unreadable values
    are errors."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return bool(column.notna().any())  # an empty column is nobody's data
    if pd.api.types.is_datetime64_any_dtype(column):
        return False
    sample = column.head(200).dropna().astype(str).str.strip()
    if sample.empty:
        return False
    cleaned = sample.str.replace(",", ".", regex=False).str.replace(
        r"(?<=\d)[ .'](?=\d{3}\b)", "", regex=True
    )
    return bool(pd.to_numeric(cleaned, errors="coerce").notna().mean() >= 0.5)


def parse_numbers(
    column: pd.Series, name: str, decimal: str = ".", thousands: str | None = None
) -> pd.Series:
    """``column`` as float64 (empty cells are NaN); non-numeric or infinite values are a
    ``DataError`` naming the rows and values.

    A text column is read with the file's ``decimal`` mark and ``thousands`` separator: the
    CSV reader leaves a whole column as text when one cell in it is not a number, and the
    error must then name that cell, not the ``1,5`` written as the user said it would be."""
    if pd.api.types.is_numeric_dtype(column):
        values = column.astype(np.float64)
    else:
        text = column.astype("string").str.strip()
        if thousands:
            text = text.str.replace(thousands, "", regex=False)
        if decimal != ".":
            text = text.str.replace(decimal, ".", regex=False)
        values = pd.Series(pd.to_numeric(text, errors="coerce"), index=column.index).astype(np.float64)
        bad = values.isna() & column.notna() & (column.astype(str).str.strip() != "")
        if bad.any():
            raise DataError(_not_numbers(column, np.flatnonzero(bad.to_numpy()), name, decimal, thousands))
    infinite = np.flatnonzero(np.isinf(values.to_numpy()))
    if len(infinite):
        written = column.iloc[infinite[0]]
        example = repr(written) if isinstance(written, str) else f"{written}"
        where = (
            f"has an infinite value ({example} on data row {_row(column, infinite[0])})"
            if len(infinite) == 1
            else f"has {len(infinite)} infinite values (data rows {rows_text(data_rows(column.index, infinite))}, "
            f"first {example})"
        )
        raise DataError(
            f"column {name!r} {where}; numbers must be finite "
            "(beyond about 1.8e308 they overflow to inf): fix or remove those rows"
        )
    return values


def data_rows(index: pd.Index, positions) -> np.ndarray:
    """0-based data rows of ``positions`` in a column: its integer labels (``read_csv``'s
    RangeIndex, or a panel member's slice of it), else the positions themselves."""
    positions = np.asarray(positions, dtype=np.int64)
    if pd.api.types.is_integer_dtype(index.dtype):
        return index.to_numpy()[positions].astype(np.int64)
    return positions


def _row(column: pd.Series, position: int) -> int:
    """The 1-based data row of ``position`` in ``column``."""
    return int(data_rows(column.index, [position])[0]) + 1


def rows_text(positions: np.ndarray, groups: int = 3) -> str:
    """0-based positions as 1-based data row ranges: ``40-42, 57, ...``."""
    rows = np.asarray(positions) + 1
    starts = np.concatenate([[0], np.flatnonzero(np.diff(rows) != 1) + 1])
    ends = np.concatenate([starts[1:] - 1, [len(rows) - 1]])
    parts = [f"{rows[a]}" if a == b else f"{rows[a]}-{rows[b]}" for a, b in zip(starts, ends, strict=True)]
    return ", ".join(parts[:groups]) + (", ..." if len(parts) > groups else "")


def _not_numbers(
    column: pd.Series, bad: np.ndarray, name: str, decimal: str = ".", thousands: str | None = None
) -> str:
    example = column.iloc[bad[0]]
    if len(bad) == 1:
        text = f"column {name!r} has a non-numeric value ({example!r} on data row {_row(column, bad[0])})"
    else:
        rows = rows_text(data_rows(column.index, bad))
        text = f"{len(bad)} non-numeric values in {name!r} (data rows {rows}, first {example!r})"
    return f"{text}; {number_hint(str(example).strip(), decimal, thousands)}"


def number_hint(example: str, decimal: str, thousands: str | None) -> str:
    """The option(s) that read ``example`` as a number, beside the ``decimal`` mark and
    ``thousands`` separator already in force (``1.234,56`` once ``--decimal ,`` is given
    needs ``--thousands .``, not ``--decimal ,`` again); else the generic advice."""
    other = "." if decimal == "," else ","
    if other != thousands and _reads(example, other, thousands):
        also = thousands != other and other in example and _reads(example, decimal, other)
        return f"give --decimal {other} if {other!r} is the decimal mark" + (
            f", or --thousands {other} if it separates thousands" if also else ""
        )
    for sep in (",", ".", " ", "'"):
        if sep not in (thousands, decimal) and sep in example and _reads(example, decimal, sep):
            return f"if {sep!r} separates thousands give --thousands {_shell(sep)}"
    for mark, sep in ((",", "."), (",", " "), (".", ",")):
        if (mark, sep) != (decimal, thousands) and sep in example and _reads(example, mark, sep):
            return f"give --decimal {mark} --thousands {_shell(sep)} (how this file writes numbers)"
    return "fix or empty those cells (empty cells are filled like missing rows)"


def _reads(example: str, mark: str, sep: str | None) -> bool:
    """Whether ``example`` is a number written with decimal ``mark`` and thousands ``sep``
    (groups of three digits only, so ``1.23456`` is no thousands-separated number)."""
    m = re.escape(mark)
    whole = rf"\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+|\d+" if sep else r"\d+"
    return re.fullmatch(rf"[+-]?(?:(?:{whole})(?:{m}\d*)?|{m}\d+)", example) is not None


def _shell(text: str) -> str:
    return f"'{text}'" if text in (" ", "'") else text


def _by_layout(text: pd.Series, name: str) -> pd.Series:
    """Parse with the one layout the first value has; rows in another layout stay NaT."""
    first = text.iloc[0].strip()
    formats = _formats(first)
    if formats is None:
        return _named_months(text, name)
    stripped = text.str.strip()
    if len(formats) == 1:
        return _coerce(stripped, formats[0])
    day_first, month_first = _coerce(stripped, formats[0]), _coerce(stripped, formats[1])
    day_ok, month_ok = day_first.notna(), month_first.notna()
    if day_ok.all() and month_ok.all():
        raise DataError(
            f"column {name!r} reads both day-first and month-first (every value, e.g. {first!r} on data "
            f"row {_row(text, 0)}, fits both); give --time-format {formats[0]} or {formats[1]}"
        )
    if day_ok.all() or month_ok.all():
        return day_first if day_ok.all() else month_first
    either = day_ok | month_ok
    if either.all():
        a, b = int(np.flatnonzero(~month_ok)[0]), int(np.flatnonzero(~day_ok)[0])
        raise DataError(
            f"column {name!r} has day-first dates ({text.iloc[a]!r} on data row {_row(text, a)}) and "
            f"month-first dates ({text.iloc[b]!r} on data row {_row(text, b)}); fix the column or give --time-format"
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


def _named_months(text: pd.Series, name: str) -> pd.Series:
    """Dates with month names (``Jan 5, 2024``): one shape for every row, then pandas."""
    if not _MONTH_NAME.search(text.iloc[0]):
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    shapes = text.str.strip().str.replace(r"[A-Za-z]+", "a", regex=True).str.replace(r"\d+", "9", regex=True)
    if shapes.nunique() > 1:
        raise _mixed(text, name, 0, int(np.flatnonzero((shapes != shapes.iloc[0]).to_numpy())[0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.to_datetime(text, format="mixed", errors="coerce")


def _zoned(text: pd.Series, index: pd.DatetimeIndex, name: str) -> Times:
    """Timestamps read with UTC offsets (in UTC) back on the writer's clock: one offset is
    kept as a fixed offset, mixed offsets (daylight saving time) get their zone back."""
    if index.tz is None or str(index.tz) != "UTC":
        return Times(index)
    offsets = text.str.strip().str.extract(_OFFSET)[0]
    if offsets.isna().all():
        return Times(index)  # written in UTC without an offset, e.g. by --time-format
    if offsets.isna().any():
        naive = int(np.flatnonzero(offsets.isna().to_numpy())[0])
        aware = int(np.flatnonzero(offsets.notna().to_numpy())[0])
        raise DataError(
            f"column {name!r} mixes timestamps with a UTC offset ({text.iloc[aware]!r} on data row "
            f"{_row(text, aware)}) and without ({text.iloc[naive]!r} on data row {_row(text, naive)}); "
            "give every row an offset, or none"
        )
    minutes = offsets.map({o: _minutes(o) for o in offsets.unique()}).to_numpy(dtype=np.int64)
    if (minutes == minutes[0]).all():
        return Times(index.tz_convert(timezone(timedelta(minutes=int(minutes[0])))))
    zone, note = infer_zone(index, minutes)
    return Times(index.tz_convert(zone), note)


def _minutes(offset: str) -> int:
    if offset == "Z":
        return 0
    digits = offset[1:].replace(":", "")
    value = int(digits[:2]) * 60 + int(digits[2:])
    return -value if offset[0] == "-" else value


def _recognised(value: str) -> bool:
    if any(p.match(value) for p in (ISO_WEEK, QUARTER_YEAR, QUARTER_FIRST, MONTH_CODE)) or _formats(value):
        return True
    if _MONTH_NAME.search(value) and re.search(r"\d", value):
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
    so that rows with different offsets can be read at all (``_zoned`` restores them)."""
    utc = fmt == "ISO8601" or "%z" in fmt
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.to_datetime(text, format=fmt, errors="coerce", utc=utc)


def _refuse_unparsed(text: pd.Series, parsed: pd.Series, name: str, problem: str) -> None:
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if not len(bad):
        return
    row = int(bad[0])
    first_layout, other_layout = _formats(text.iloc[0].strip()), _formats(text.iloc[row].strip())
    if row > 0 and other_layout is not None and other_layout != first_layout:
        raise _mixed(text, name, 0, row)
    raise DataError(
        f"column {name!r} has a value that {problem} ({text.iloc[row]!r} on data row {_row(text, row)}); "
        "fix it, give --time-format, or name the right column with --time-col"
    )


def _mixed(text: pd.Series, name: str, a: int, b: int) -> DataError:
    return DataError(
        f"column {name!r} mixes timestamp formats ({text.iloc[a]!r} on data row {_row(text, a)}, "
        f"{text.iloc[b]!r} on data row {_row(text, b)}); write every row the same way or give --time-format"
    )
