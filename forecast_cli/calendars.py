"""Step calendars: what the next timestamps after a series are.

A model stores its frequency as a string: a pandas offset alias (``30min``, ``MS``,
``B``, ``W-SUN``), ``XNYS`` for New York Stock Exchange trading days, or ``None`` for a
plain integer step index. ``future_index`` turns that string and the last observed
timestamp into the real timestamps a forecast belongs to, so users never have to work
out "what comes after the end of my data" themselves.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
from dateutil.relativedelta import MO
from pandas.tseries.holiday import (
    AbstractHolidayCalendar,
    GoodFriday,
    Holiday,
    USLaborDay,
    USMemorialDay,
    USPresidentsDay,
    USThanksgivingDay,
    nearest_workday,
    sunday_to_monday,
)
from pandas.tseries.offsets import DateOffset

from .errors import DataError, UsageError

TRADING_DAYS = "XNYS"
NYSE_TZ = "America/New_York"
NYSE_OPEN = "09:30"
NYSE_CLOSE = "16:00"


class NYSEHolidayCalendar(AbstractHolidayCalendar):
    """Full-day NYSE closures from the exchange's standing rules (not one-off closures).

    New Year's Day moves to Monday when on a Sunday but is not observed on the Friday
    before when on a Saturday; other fixed holidays move to the nearest weekday.
    """

    rules = [
        Holiday("New Year's Day", month=1, day=1, observance=sunday_to_monday),
        Holiday(
            "Martin Luther King Jr. Day",
            month=1,
            day=1,
            start_date="1998-01-01",
            offset=DateOffset(weekday=MO(3)),  # third Monday of January
        ),
        USPresidentsDay,
        GoodFriday,
        USMemorialDay,
        Holiday("Juneteenth", month=6, day=19, start_date="2022-01-01", observance=nearest_workday),
        Holiday("Independence Day", month=7, day=4, observance=nearest_workday),
        USLaborDay,
        USThanksgivingDay,
        Holiday("Christmas Day", month=12, day=25, observance=nearest_workday),
    ]


@lru_cache(maxsize=1)
def trading_day_offset() -> pd.offsets.CustomBusinessDay:
    """One NYSE trading day: weekdays that are not exchange holidays."""
    return pd.offsets.CustomBusinessDay(calendar=NYSEHolidayCalendar())


def to_offset(freq: str) -> pd.DateOffset:
    """The pandas offset for a stored frequency string, with a clear error for a bad one."""
    if freq == TRADING_DAYS:
        return trading_day_offset()
    try:
        return pd.tseries.frequencies.to_offset(freq)
    except ValueError:
        raise UsageError(
            f"--freq {freq!r} is not a pandas offset alias; use e.g. 5min, 30min, 1h, 1D, B, "
            f"W-SUN, MS or {TRADING_DAYS} (NYSE trading days)"
        ) from None


def nyse_holidays(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """NYSE holiday dates (tz-naive, midnight) between two timestamps inclusive."""
    return NYSEHolidayCalendar().holidays(start.tz_localize(None), end.tz_localize(None))


def future_index(last: pd.Timestamp | int, freq: str | None, periods: int) -> pd.Index:
    """The ``periods`` timestamps that follow ``last`` at the series' frequency.

    ``freq=None`` means an integer step index: the result is ``last+1 .. last+periods``.
    Intraday trading frequencies (``XNYS@30min``) skip closed hours, weekends and holidays.
    """
    if periods < 1:
        raise UsageError(f"--horizon must be at least 1, got {periods}")
    if freq is None:
        start = int(last) + 1
        return pd.RangeIndex(start, start + periods, name="step")
    if not isinstance(last, pd.Timestamp):
        raise DataError("the series has a frequency but no timestamps; give --time-col")
    if freq.startswith(TRADING_DAYS + "@"):
        return _future_trading_intraday(last, freq.split("@", 1)[1], periods)
    offset = to_offset(freq)
    stamps = pd.date_range(start=last, periods=periods + 1, freq=offset)
    # When ``last`` is off the offset's anchor, date_range rolls forward to the next
    # anchor, which is then already a future step.
    stamps = stamps[:-1] if stamps[0] != last else stamps[1:]
    return pd.DatetimeIndex(stamps, name="timestamp")


def trading_sessions_intraday(start: pd.Timestamp, end: pd.Timestamp, step: str) -> pd.DatetimeIndex:
    """Every bar start of ``step`` during NYSE regular hours between two dates, in exchange time."""
    days = pd.date_range(
        start.tz_localize(None).normalize(), end.tz_localize(None).normalize(), freq=trading_day_offset()
    )
    bars = pd.timedelta_range("0min", pd.Timedelta("6h30min") - pd.Timedelta(step), freq=step)
    open_offset = pd.Timedelta(hours=9, minutes=30)
    stamps = (days.values[:, None] + (open_offset + bars).values[None, :]).ravel()
    return pd.DatetimeIndex(stamps).tz_localize(NYSE_TZ)


def _future_trading_intraday(last: pd.Timestamp, step: str, periods: int) -> pd.DatetimeIndex:
    tz = last.tz
    local = last.tz_convert(NYSE_TZ) if tz is not None else last.tz_localize(NYSE_TZ)
    bars_per_day = int(pd.Timedelta("6h30min") / pd.Timedelta(step))
    days_needed = periods // max(bars_per_day, 1) + 10
    end = local + pd.Timedelta(days=int(days_needed * 7 / 5) + 10)
    grid = trading_sessions_intraday(local, end, step)
    nxt = grid[grid > local][:periods]
    nxt = nxt.tz_localize(None) if tz is None else nxt.tz_convert(tz)
    return pd.DatetimeIndex(nxt, name="timestamp")


def seasonal_period(freq: str | None) -> int:
    """The usual seasonal period for a frequency (1 when there is none).

    Sub-daily: one day of steps (48 for 30min, 24 hourly; trading hours: bars per session).
    Daily 7, business/trading days 5, weekly 52, monthly 12, quarterly 4, yearly 1.
    """
    if freq is None:
        return 1
    if freq.startswith(TRADING_DAYS + "@"):
        step = pd.Timedelta(freq.split("@", 1)[1])
        return max(1, int(pd.Timedelta("6h30min") // step))
    if freq in (TRADING_DAYS, "B", "C"):
        return 5
    offset = to_offset(freq)
    if offset.rule_code == "D":  # a calendar day, no longer a Tick in pandas 3
        return 7 if offset.n == 1 else 1
    if isinstance(offset, pd.offsets.Tick):
        step = pd.Timedelta(offset)
        if step < pd.Timedelta(days=1):
            per_day = pd.Timedelta(days=1) / step
            return int(per_day) if float(per_day).is_integer() else 1
        return 7 if step == pd.Timedelta(days=1) else 1
    name = offset.rule_code.split("-")[0]
    return {"W": 52, "MS": 12, "ME": 12, "SMS": 24, "SME": 24, "QS": 4, "QE": 4, "BMS": 12, "BME": 12}.get(
        name, 1
    )
