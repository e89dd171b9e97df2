"""Inferring a series' native step from its timestamps, and checking a requested one.

The step is a frequency string (see ``calendars``): a pandas alias, an exchange
calendar (``XNYS``, ``XNYS@5min``) or ``None`` for an integer step index. Which
exchange a series' bars follow is ``exchange_detection``, its trading days ``exchange_days``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .calendars import Calendar
from .clock import to_offset
from .errors import DataError
from .exchange_days import trading_days
from .exchange_detection import bar_step, exchange_hours
from .steps import resolve_freq

_DAY = pd.Timedelta(days=1)


def infer_frequency(index: pd.DatetimeIndex) -> str:
    """The native step of a sorted, duplicate-free index, robust to gaps.

    Uses the most common spacing, then recognises calendar shapes pandas' ``infer_freq``
    misses once a series has gaps: an exchange's trading sessions (daily data without
    weekends whose missing weekdays are that exchange's closures), intraday bars that
    fall in an exchange's hours (``XNYS@5min``), business days (``B``), weeks anchored on
    a weekday, month/quarter/year starts or ends.
    """
    if len(index) < 2:
        raise DataError(f"the data has only {len(index)} timestamp; a series needs at least two rows")
    # The most common spacing (the smallest of ties, as Series.mode), in the index's int64 unit:
    # a Series of Timedeltas boxes every element, a cost paid per series of a big panel.
    spacings, counts = np.unique(np.diff(index.asi8), return_counts=True)
    common = spacings[np.argmax(counts)]
    # a fifth or more of the spacings well below the most common one are that many rows a
    # step of it would put two to a bin: days with one in three missing alternate 1 and 2
    # days apart, were read as 2D, and 56 rows became 42 averaged ones with "0 duplicates
    # merged"; the finer step counts the missing days as the gaps they are
    finer = spacings * 3 <= common * 2  # (spacings,): at most two thirds of it (a month's 28 of 31 is not)
    if counts[finer].sum() * 5 >= counts.sum():
        common = spacings[finer][np.argmax(counts[finer])]
    step = pd.Timedelta(int(common), unit=index.unit)
    if step < _DAY:
        step = _jittered_step(np.diff(index.asi8), int(common), index.unit) or step
        alias = pd.tseries.frequencies.to_offset(step).freqstr
        exchange = exchange_hours(index, bar_step(alias))
        return alias if exchange is None else f"{exchange}@{bar_step(alias)}"
    weekend = int((index.day_of_week >= 5).sum())
    if step == _DAY:
        if len(index) < 10:
            return "D"
        if weekend:
            return _special_sessions(index, weekend) or "D"
        return trading_days(index) or "B"
    days = step / _DAY
    if days == 7:
        _refuse_off_grid_days(index, 7)
        return "W-" + index[0].day_name()[:3].upper()
    if 13 <= days <= 17 and (half := _half_months(index)):
        return half
    if 28 <= days <= 31:
        return _period_alias(index, "M")
    if 89 <= days <= 92:
        return _period_alias(index, "Q")
    if 365 <= days <= 366:
        return _period_alias(index, "Y")
    if (months := _whole_months(index, days)) is not None:
        return months
    if days == int(days):  # local calendar days and weeks, which keep their clock time across DST
        n = int(days)
        _refuse_off_grid_days(index, n)
        return f"{n // 7}W-{index[0].day_name()[:3].upper()}" if n % 7 == 0 else f"{n}D"
    return pd.tseries.frequencies.to_offset(step).freqstr


# Weekend rows, at most this share of daily rows, that may be an exchange's own sessions
SPECIAL_SESSIONS = 0.01


def _special_sessions(index: pd.DatetimeIndex, weekend: int) -> str | None:
    """The exchange of weekday data with a handful of weekend rows that are its own sessions
    (Bombay's budget-day Saturdays, 2024-01-20 and 2025-02-01): read as days, the weekends
    were a third of the grid to invent, refused with advice to invent them."""
    if weekend > SPECIAL_SESSIONS * len(index):
        return None
    exchange = trading_days(index[index.day_of_week < 5])
    if exchange is None:
        return None
    days = index.normalize().tz_localize(None) if index.tz is not None else index.normalize()
    sessions = Calendar(exchange).sessions(days[0], days[-1])
    return exchange if days[days.day_of_week >= 5].isin(sessions).all() else None


# Steps a logger or a meter is set to: a clock read with jitter is one of these.
_ROUND_STEPS = tuple(
    pd.Timedelta(s)
    for s in (
        "1s", "2s", "5s", "10s", "15s", "20s", "30s", "1min", "2min", "3min", "5min", "10min",
        "15min", "20min", "30min", "1h", "2h", "3h", "4h", "6h", "8h", "12h",
    )
)  # fmt: skip


def _jittered_step(spacings: np.ndarray, common: int, unit: str) -> pd.Timedelta | None:
    """The round step a jittered clock keeps, or None. A 5-minute logger whose stamps are
    up to 149 s late has no most common spacing worth the name (294 s held 1% of them), and
    the step inferred from it put 146 rows two to a period, with "--freq 294s" as the fix.
    Jitter shows as a fifth or more of the spacings no multiple of the most common one
    (gaps keep them multiples); then the step is the round one within 10% of the median
    spacing, else that median to the whole minute (whole second under a minute)."""
    if np.mean(spacings % common == 0) >= 0.8:
        return None
    median = pd.Timedelta(int(np.median(spacings)), unit=unit)
    nearest = min(_ROUND_STEPS, key=lambda s: abs(median / s - 1))
    if abs(median / nearest - 1) <= 0.1:
        return nearest
    whole = median.round("1min" if median >= pd.Timedelta("1min") else "1s")
    return whole if whole > pd.Timedelta(0) else None


def _refuse_off_grid_days(index: pd.DatetimeIndex, n: int) -> None:
    """Refuse rows a step of ``n`` days (a week, 10 days) would move: dates whose distance
    from the first row is no multiple of ``n``. Bins of such a step start at the first
    row's midnight (weeks: end on its weekday), so an off-grid date was moved into a
    neighbouring bin, averaged with that bin's row, and its own period filled as a gap:
    weeks with a holiday stamped on the Tuesday, or dekads (the 1st, 11th and 21st of each
    month, 8 to 11 days apart), changed with "0 duplicates merged"."""
    if n < 2:
        return
    wall = index.tz_localize(None) if index.tz is not None else index  # the writer's dates
    days = np.asarray((wall.normalize() - wall[0].normalize()).days)  # (rows,) days from the first
    off = np.flatnonzero(days % n)
    if not len(off):
        return
    first, before = wall[int(off[0])], wall[int(off[0]) - 1]
    shown = f"{first.date()} is {(first.normalize() - before.normalize()).days} days after {before.date()}"
    count = f"{len(off)} {'is' if len(off) == 1 else 'are'}"
    if n == 7:
        raise DataError(
            f"timestamps are a week apart on {wall[0].day_name()}s, but {count} on another day ({shown}, a "
            f"{first.day_name()}); a weekly step would average each into a neighbouring week and fill its "
            "own week as a gap: stamp every week on one weekday"
        )
    step = f"{n // 7} weeks" if n % 7 == 0 else f"{n} days"
    raise DataError(
        f"timestamps are about {step} apart, but {count} off a grid of {step} from the first ({shown}), "
        "and pandas has no step that holds them (as for dekads, the 1st, 11th and 21st of each month); "
        f"give --freq {n}D to move each onto that grid, or --time-col '' to number the rows as steps"
    )


def choose_frequency(given: str | None, native: str | None) -> tuple[str, str, str]:
    """(step, how it was chosen, a note for the report) from ``--freq`` and the native step
    (``None`` when the timestamps follow no step we can name)."""
    if given is None:
        if native is None:
            raise DataError("the timestamps follow no regular step; give --freq")
        return native, "inferred", ""
    check_freq(given)
    chosen = resolve_freq(given, native)
    assert chosen is not None
    if chosen == given:
        return given, "given", ""
    calendar = Calendar.parse(chosen)
    if calendar is not None and calendar.intraday:
        return chosen, "given", "trading hours only"
    return chosen, "given", f"kept {chosen} steps for --freq {given} (no weekend rows)"


def check_freq(freq: str) -> None:
    """Raise a ``UsageError`` naming valid forms when ``freq`` is neither alias nor calendar."""
    if Calendar.parse(freq) is None:
        to_offset(freq)


def is_trading_calendar(freq: str | None) -> bool:
    """True for exchange trading-day or trading-hour steps."""
    return Calendar.parse(freq) is not None


def _whole_months(index: pd.DatetimeIndex, days: float) -> str | None:
    """``2MS``, ``4ME``, ``6MS``...: steps of k months (k = 2 to 11) on month starts or ends
    (bi-monthly data was read as 61 days, and a row was lost to the 61-day grid)."""
    k = round(days / 30.44)
    if not 2 <= k <= 11 or not 28 * k <= days <= 31 * k:
        return None
    months = index.year * 12 + index.month
    if (np.diff(months) % k).any():
        return None
    anchor = _month_anchor(index)
    return f"{k}M{anchor}" if anchor else None


def _year_anchor(index: pd.DatetimeIndex, unit: str, anchor: str) -> str:
    """The month a quarterly or yearly step is anchored on, as pandas names it: "" for the
    calendar's own (quarters from January, years on 1 January or 31 December), ``-JUL``
    for years from 1 July, ``-JUN`` for fiscal years ending 30 June, ``-FEB`` for quarters
    of February, May, August and November. Read as calendar quarters or years, such
    stamps were moved to another month and a real first or last row was dropped as a
    partial period."""
    if unit == "M":
        return ""
    cycle = 3 if unit == "Q" else 12
    months = set((index.month - 1) % cycle)
    if len(months) != 1:
        period = "quarter" if unit == "Q" else "year"
        raise DataError(
            f"timestamps are about one {period} apart but fall in different months of the {period}; "
            f"give --freq (e.g. {unit}{anchor}) to put each on its {period}"
        )
    month = months.pop()  # 0-based within the cycle
    default = 0 if anchor == "S" else cycle - 1  # January starts, December (March...) ends
    if month == default:
        return ""
    return "-" + _MONTHS[month]  # QE-FEB ends in Feb/May/Aug/Nov, YE-JUN on 30 June


def _half_months(index: pd.DatetimeIndex) -> str | None:
    """``SMS`` for stamps on the 1st and 15th of months, ``SME`` for the 15th and the
    month's last day: read as fortnights or 15-day steps, they were averaged into bins the
    data never had, with rows invented and the last one dropped."""
    if (np.isin(index.day, (1, 15))).all():
        return "SMS"
    if ((index.day == 15) | ((index + pd.Timedelta(days=1)).day == 1)).all():
        return "SME"
    return None


def _month_anchor(index: pd.DatetimeIndex) -> str | None:
    """``S`` when every stamp is a month's first day, ``E`` when every one is its last (not
    ``is_month_end``: it follows an index's BME freq), else None."""
    if (index.day == 1).all():
        return "S"
    if ((index + pd.Timedelta(days=1)).day == 1).all():
        return "E"
    return None


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def _period_alias(index: pd.DatetimeIndex, unit: str) -> str:
    if anchor := _month_anchor(index):
        return f"{unit}{anchor}{_year_anchor(index, unit, anchor)}"
    for alias in (f"B{unit}E", f"B{unit}S"):  # last or first business day (month-end closes)
        offset = pd.tseries.frequencies.to_offset(alias)
        if all(offset.is_on_offset(t) for t in index):
            return alias
    period = dict(M="month", Q="quarter", Y="year")[unit]
    days_apart = index.normalize()[1:] - index.normalize()[:-1]
    gaps = np.unique(np.asarray(days_apart.days))  # whole days between stamps
    if len(gaps) == 1 and (index == index.normalize()).all():  # 28 days apart: a 13-period retail year
        yearly = round(365.25 / gaps[0])  # a 28-day step: 13 periods a year
        raise DataError(
            f"timestamps are every {gaps[0]} days, about one {period} apart but not on a {period}'s "
            f"days; give --freq {gaps[0]}D to step by {gaps[0]} days"
            + (f" (and --season {yearly} for its year)" if yearly >= 2 else "")
            + f"; --freq {unit}S would merge the periods that fall in one {period}"
        )
    days = sorted(set(index.day))
    where = f"on day {days[0]} of each month" if len(days) == 1 else "on varying days"
    raise DataError(
        f"timestamps are about one {period} apart, {where}, not on its first or last (business) day, "
        f"and pandas has no step for that; give --freq {unit}S to put each on its {period}'s start "
        f"(or {unit}E, its end), or write them as periods (2024-01)"
    )
