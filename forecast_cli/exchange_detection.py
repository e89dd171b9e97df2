"""Which exchange's hours a series' intraday bars follow, if any (``XNYS@5min``); daily
rows are ``exchange_days``'.

``frequency.infer_frequency`` asks here once the spacing says bars; the panel reader asks
which exchanges hold a series' bars. Each exchange calendar costs time to build, so
candidates are tried in a fixed order and the costly ones last.
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from .calendars import Calendar
from .clock import EXCHANGE_BY_ZONE, TRADING_DAYS, exchange_for_zone, is_intraday_step
from .errors import DataError
from .exchange_days import DAILY_CANDIDATES, MORE_CANDIDATES

STRAY_BARS = 0.01  # bars outside an exchange's hours that still leave it the data's exchange
_DAY = pd.Timedelta(days=1)


def exchange_hours(index: pd.DatetimeIndex, step: str) -> str | None:
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


def on_exchange_clock(data: pd.DataFrame, freq: str) -> tuple[pd.DataFrame, str]:
    """Bars written in UTC or one fixed offset, on an exchange's hours, moved to the
    exchange's time zone (the same instants), with a note. On a fixed offset the clock
    never changes: -04:00 bars of New York's summer stamped the winter's forecasts -04:00,
    and the hour-of-day inputs read 10:30 for the 09:30 open after the change."""
    calendar = Calendar.parse(freq)
    index = data.index
    if calendar is None or not calendar.intraday or not fixed_offset(index) or str(index.tz) == calendar.tz:
        return data, ""
    return data.set_axis(
        index.tz_convert(calendar.tz)
    ), f"{index.tz} stamps read in {calendar.tz}, the {calendar.exchange} zone"


def exchange_freqs(data: pd.DataFrame, freq: str | None) -> list[str]:
    """``--freq`` values that read ``data``'s observed rows as an exchange's bars of
    ``freq`` (``XLON@15min``), for a refusal to fill their nights and weekends."""
    observed = data.index[data.notna().any(axis=1).to_numpy()]
    if freq is None or not isinstance(observed, pd.DatetimeIndex):
        return []
    return [f"{e}@{bar_step(freq)}" for e in exchanges_holding(observed, freq)]
