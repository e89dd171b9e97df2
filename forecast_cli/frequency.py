"""Inferring a series' native step from its timestamps, and checking a requested one.

The step is a frequency string (see ``calendars``): a pandas alias, an exchange
calendar (``XNYS``, ``XNYS@5min``) or ``None`` for an integer step index.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from .calendars import Calendar
from .clock import EXCHANGE_BY_ZONE, TRADING_DAYS, exchange_for_zone, is_intraday_step, to_offset
from .errors import DataError
from .steps import resolve_freq

# Exchanges tried, in order, for tz-naive daily data without weekends: the largest first;
# then, only when those explain too little and the missing weekdays look like holidays
# (``_holiday_like``), the next largest markets with holidays of their own. Each calendar
# costs 0.05-0.1 s to build, so not every exchange is tried: Euronext's members share
# XPAR's closures. Korea's lunar calendar alone costs 2 s, so XKRX comes last, built only
# for data no other exchange explains (zoned data and ``.KS`` tickers get it directly, see
# ``clock.EXCHANGE_BY_ZONE``); without it Korean holidays were gaps to fill.
DAILY_CANDIDATES = ("XNYS", "XLON", "XETR", "XTKS", "XHKG", "XTSE", "XASX", "XPAR", "XSWX")
MORE_CANDIDATES = (
    "XSHG",
    "XBOM",
    "XTAI",
    "XSES",
    "BVMF",
    "XJSE",
    "XMEX",
    "XSTO",
    "XMIL",
    "XMAD",
    "XNZE",
    "XKRX",
)
HOLIDAY_SHARE = 0.1  # more missing weekdays than this are not an exchange's closures (at most ~7%)
# Share of missing weekdays an exchange's closures must explain (with rows on its closed days: 0.9).
EXPLAINED = 0.5
STRAY_BARS = 0.01  # bars outside an exchange's hours that still leave it the data's exchange
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
    step = pd.Timedelta(int(spacings[np.argmax(counts)]), unit=index.unit)
    if step < _DAY:
        alias = pd.tseries.frequencies.to_offset(step).freqstr
        exchange = _exchange_hours(index, bar_step(alias))
        return alias if exchange is None else f"{exchange}@{bar_step(alias)}"
    weekend = bool((index.day_of_week >= 5).any())
    if step == _DAY:
        if weekend or len(index) < 10:
            return "D"
        return _trading_days(index) or "B"
    days = step / _DAY
    if days == 7:
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
        return f"{n // 7}W-{index[0].day_name()[:3].upper()}" if n % 7 == 0 else f"{n}D"
    return pd.tseries.frequencies.to_offset(step).freqstr


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


def _exchange_hours(index: pd.DatetimeIndex, step: str) -> str | None:
    """The exchange whose hours hold the bars: the exchange of the data's zone; for
    tz-naive bars NYSE (read as New York wall-clock time), else the one exchange whose
    local hours the bars fill and whose holidays they skip (office hours on weekdays fit
    London's hours and fill them too, but do not stop on its holidays); for bars written
    with a fixed UTC offset (``+00:00``, or ``-05:00`` all winter) the exchange whose hours
    hold all but strays with the fewest misfits: bars outside its hours plus its bars the
    data lacks (``_misfits``).

    A fixed offset names no zone, but the instants are exact: NYSE bars written in UTC
    fall in NYSE's hours and no other's (Sydney's Monday open is a Sunday in UTC, so
    weekends are judged on the exchange's clock). Exchanges with the same hours in UTC
    (London and Frankfurt in winter) are told apart by their holidays when the data spans
    one. "Hold" allows a stray bar in a hundred (a pre-open print), which the grid then
    drops and the load line names.
    """
    if index[-1] - index[0] < 2 * _DAY:  # under two days of bars could be anything, unless zoned
        zoned = exchange_for_zone(index.tz) if index.tz is not None else None
        return zoned if _within(zoned, index) else None
    if index.tz is None:
        if (index.day_of_week >= 5).any():
            return None
        if _within(TRADING_DAYS, index):
            return TRADING_DAYS
        filled = [
            e for e in exchanges_holding(index, step) if e != TRADING_DAYS and _skips_holidays(e, index)
        ]
        return filled[0] if len(filled) == 1 else None  # naive Tokyo bars: Tokyo, if no other fits
    zoned = exchange_for_zone(index.tz)
    if zoned is not None:
        return zoned if _within(zoned, index) else None
    if not fixed_offset(index):
        return None
    shares = {e: Calendar(e).share_within_hours(index) for e in _daytime_exchanges(index)}
    fits = [e for e, share in shares.items() if share >= 1 - STRAY_BARS]  # as ``_within``
    # the fewest misfits, not the first exact fit: a stray NYSE print on Thanksgiving fits
    # Toronto's hours exactly (Toronto trades that day), which then filled 25 bars of a
    # session the data never had; nor the first fit with strays allowed, which let London's
    # hours take Xetra bars in UTC (their 26 August a stray, Christmas Eve filled)
    if len(fits) < 2:
        return next(iter(fits), None)
    return min(fits, key=lambda e: _misfits(e, step, index, shares[e]))


def _misfits(exchange: str, step: str, index: pd.DatetimeIndex, share: float) -> int:
    """Bars outside ``exchange``'s hours (``share`` of them inside) plus its bars of
    ``step`` over the data's days that hold no bar of the data: what reading the data on
    its grid would drop and fill."""
    outside = round((1 - share) * len(index))
    days = index.tz_convert(Calendar(exchange).tz).tz_localize(None).normalize()
    try:
        expected = len(Calendar(exchange, step).bars(days[0], days[-1]))
    except DataError:
        return len(index)
    return outside + max(expected - (len(index) - outside), 0)


def bar_step(alias: str) -> str:
    """An intraday step as an exchange's bar is named: ``XNYS@1h``, not ``XNYS@h``."""
    return alias if alias[0].isdigit() else "1" + alias


def exchanges_holding(index: pd.DatetimeIndex, step: str) -> list[str]:
    """The exchanges whose trading hours hold ``index``'s bars of ``step`` and which the
    bars fill: what a refusal can name when no exchange was inferred (tz-naive London bars
    over a span without a London holiday give no evidence beyond their hours)."""
    if len(index) < 2 or not is_intraday_step(step) or (index.day_of_week >= 5).any():
        return []
    return [e for e in _daytime_exchanges(index) if _within(e, index) and _fills(e, step, index)]


def _fills(exchange: str, step: str, index: pd.DatetimeIndex) -> bool:
    """Whether the bars fill nine in ten of ``exchange``'s bars of ``step`` over their days:
    naive 09:00-15:00 bars fall inside London's hours too, but fill only two thirds of them
    (and none of Tokyo's lunch break is missing from Tokyo's)."""
    days = index.normalize()
    try:
        expected = len(Calendar(exchange, step).bars(days[0], days[-1]))
    except DataError:
        return False
    return expected > 0 and len(index) >= 0.9 * expected


def _skips_holidays(exchange: str, index: pd.DatetimeIndex) -> bool:
    """Whether the data has weekdays the exchange is closed on in its span, and no row on
    any of them: the evidence a zone-less guess needs beyond matching hours."""
    days = index.normalize()
    weekdays = pd.bdate_range(days[0], days[-1])
    try:
        closed = weekdays.difference(Calendar(exchange).sessions(days[0], days[-1]))
    except DataError:
        return False
    return len(closed) > 0 and not days.isin(closed).any()


def _within(exchange: str | None, index: pd.DatetimeIndex) -> bool:
    """Whether ``exchange``'s trading hours hold all but a stray bar in a hundred."""
    return exchange is not None and Calendar(exchange).share_within_hours(index) >= 1 - STRAY_BARS


def fixed_offset(index: pd.DatetimeIndex) -> bool:
    """True for stamps in UTC or a fixed offset, which name no time zone."""
    return index.tz is not None and index[0].utcoffset() == index[-1].utcoffset() and "/" not in str(index.tz)


def _daytime_exchanges(index: pd.DatetimeIndex) -> list[str]:
    """Candidate exchanges whose local clock puts nearly every bar within the exchange's
    widest regular hours (its earliest open to its latest close, read off the calendar's
    class, so nothing is built) and, for a non-zero offset, whose zone had that offset: a
    cheap test before any calendar is built (each costs ~0.1 s)."""
    offset = index[0].utcoffset() if index.tz is not None else None
    zone_of = {exchange: zone for zone, exchange in reversed(EXCHANGE_BY_ZONE.items())}
    out = []
    for exchange in (*DAILY_CANDIDATES, *MORE_CANDIDATES):
        local = index.tz_convert(zone_of[exchange]) if index.tz is not None else index  # naive: its own clock
        if offset and (local[0].utcoffset() != offset or local[-1].utcoffset() != offset):
            continue
        minutes = local.hour * 60 + local.minute
        opens, closes = _regular_hours(exchange)
        if ((minutes >= opens) & (minutes < closes)).mean() >= 1 - STRAY_BARS:
            out.append(exchange)
    return out


@functools.lru_cache(maxsize=64)
def _regular_hours(exchange: str) -> tuple[int, int]:
    """(earliest open, latest close) of ``exchange`` over its history, minutes after midnight;
    (7:00, 18:00), where no exchange trades outside, when its class does not say."""
    import exchange_calendars as xc

    factory: Any = getattr(xc.calendar_utils, "_default_calendar_factories", {}).get(exchange)
    try:
        opens = [t.hour * 60 + t.minute for _, t in factory.open_times]
        closes = [t.hour * 60 + t.minute for _, t in factory.close_times]
        return min(opens), max(closes)
    except (AttributeError, TypeError, ValueError):
        return 7 * 60, 18 * 60


def _trading_days(index: pd.DatetimeIndex) -> str | None:
    """The exchange whose closures best explain the weekdays missing from daily data."""
    days = index.normalize()
    if not days.is_unique:  # several rows a day are bars, not sessions
        return None
    naive = days.tz_localize(None) if days.tz is not None else days
    missing = pd.bdate_range(naive[0], naive[-1]).difference(naive)
    if len(missing) == 0:
        return None
    zoned = exchange_for_zone(index.tz) if index.tz is not None else None
    candidates: tuple[str, ...] = (zoned,) if zoned else DAILY_CANDIDATES
    if not zoned and _holiday_like(missing, naive):
        candidates += MORE_CANDIDATES
    best, best_score = None, 0.0
    for exchange in candidates:
        try:
            sessions = Calendar(exchange).sessions(naive[0], naive[-1])
        except DataError:  # the exchange's calendar does not reach back to the data
            continue
        closed = pd.bdate_range(naive[0], naive[-1]).difference(sessions)
        contradicting = int(naive.isin(closed).sum())  # rows on days it was closed: dropped if taken
        score = int(missing.isin(closed).sum()) / (len(missing) + contradicting)
        if contradicting and score < 0.9:
            continue  # only a near-perfect match may drop a row (taken at half the missing
            # days explained, a US federal calendar was NYSE's, and its real rows on Good
            # Fridays were dropped; one stray row in real NYSE data still leaves it NYSE)
        if score >= 0.9:
            return exchange
        if score >= EXPLAINED and score > best_score:
            best, best_score = exchange, score
    return best


def _holiday_like(missing: pd.DatetimeIndex, rows: pd.DatetimeIndex) -> bool:
    """Whether the missing weekdays could be an exchange's closures, worth building the
    less common exchanges' calendars for: few enough, over at least a year (a year holds
    every regular holiday once; fewer closures cannot tell the exchanges apart)."""
    return len(missing) <= HOLIDAY_SHARE * (len(missing) + len(rows)) and rows[-1] - rows[0] >= 365 * _DAY


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
