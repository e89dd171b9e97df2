"""Unix time, ``--time-format %s``: whole seconds since 1970-01-01 UTC, or milliseconds.

A column of numbers is time only when asked (``%s``): a row count or a price would read
as some instant too. Seconds and milliseconds are told apart by the column, not by each
value: seconds from 1973 to 2286 are 9 to 10 digits, milliseconds of those years 12 to
13 (JavaScript's ``Date.now()``, most loggers' exports), and no real series spans both.
A column that is neither (a mix, or values of no year between) is left unread, and the
caller refuses it naming the column and a value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

EPOCH_SECONDS = "%s"  # --time-format for Unix time: read as UTC instants, written back as ISO 8601
EPOCH_LIMIT = 1e10  # seconds: the year 2286; larger values are milliseconds or finer, not seconds
_UNITS = (("s", 1e8, EPOCH_LIMIT), ("ms", 1e11, EPOCH_LIMIT * 1e3))  # (unit, from, below)


def epoch_unit(values: pd.Series) -> str | None:
    """``s`` or ``ms`` when every value is a whole number of that unit in 1973-2286."""
    values = values[np.isfinite(values)]
    if not len(values) or not bool((values == values.round()).all()):
        return None
    for unit, low, high in _UNITS:
        if bool(((values.abs() >= low) & (values.abs() < high)).all()):
            return unit
    return None


def reads_epoch(column: pd.Series) -> bool:
    """True when the first values of ``column`` are Unix time in one unit."""
    return epoch_unit(pd.to_numeric(column.head(200), errors="coerce").dropna()) is not None


def epoch_times(text: pd.Series) -> pd.Series:
    """UTC instants of Unix time cells, NaT where a cell is no number or the column has no
    one unit (then every cell is unread: milliseconds mixed with seconds are refused)."""
    numbers = pd.to_numeric(text.str.strip(), errors="coerce")
    unit = epoch_unit(numbers.dropna())
    if unit is None:  # milliseconds (1.3e12) read as seconds are the year 43,000: refused
        plausible = np.isfinite(numbers) & (numbers.abs() < EPOCH_LIMIT)
        return pd.to_datetime(numbers.where(plausible), unit="s", utc=True)
    return pd.to_datetime(numbers, unit=unit, utc=True)


def epoch_hint(cell: str) -> str | None:
    """Why Unix time ``cell`` is not read, where it is a number: the units and years ``%s``
    reads, and how to get there (a column of microseconds was told only "give a
    --time-format that reads it", and no format does)."""
    try:
        value = float(cell.strip())
    except ValueError:
        return None
    reads = "--time-format %s reads whole seconds or milliseconds of 1973-2286"
    if value != round(value):
        return f"{reads}; round the column to whole seconds or milliseconds"
    size = abs(value)
    if size >= EPOCH_LIMIT * 1e3:  # past milliseconds of 2286: micro- or nanoseconds
        unit, divide = ("microseconds", "1,000") if size < EPOCH_LIMIT * 1e6 else ("nanoseconds", "1,000,000")
        return f"{reads}; these look like {unit}: divide the column by {divide}"
    return f"{reads}, in one unit for the whole column"
