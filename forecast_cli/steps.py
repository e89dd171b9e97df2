"""What a frequency string means for a forecast: the steps after a series' end
(``future_index``), its natural season (``seasonal_period``), and the step a request on
exchange data resolves to (``resolve_freq``).

A frequency is a pandas offset alias, an exchange calendar (``XNYS``, ``XLON@5min``, see
``calendars.Calendar``) or None for integer steps; every function here takes all three.
"""

from __future__ import annotations

import pandas as pd

from .calendars import Calendar
from .clock import DAILY_REQUESTS, is_clock_step, is_intraday_step, on_wall_clock, to_offset
from .errors import DataError, UsageError

_DAY = pd.Timedelta(days=1)


def resolve_freq(requested: str | None, source: str | None) -> str | None:
    """The step to use when data comes with the step ``source`` (a ticker's exchange
    calendar, or the step inferred from a file) and the user asked for ``requested``.

    The one place trading-day rules live:
    - nothing requested: the source's own step;
    - a daily request (``D``, ``1D``) on exchange data means the exchange's sessions,
      never weekends or holidays (``B`` data asked for ``D`` stays ``B``); ``B`` means
      weekdays, the one grid that series of several exchanges share (each exchange's
      closures are then gaps, filled and counted);
    - a sub-daily request on intraday exchange data means bars of that step in trading
      hours (``1h`` on ``XNYS@5min`` data gives ``XNYS@1h``);
    - anything else is taken as requested.
    """
    if requested is None:
        return source
    calendar = Calendar.parse(source)
    if requested in DAILY_REQUESTS:
        if calendar is not None:
            return str(calendar.daily())
        if source == "B":
            return source
        return requested
    if calendar is not None and calendar.intraday and is_intraday_step(requested):
        return str(calendar.every(requested))
    return requested


def future_index(last: pd.Timestamp | int, freq: str | None, periods: int) -> pd.Index:
    """The ``periods`` timestamps that follow ``last`` at the series' frequency.

    ``freq=None`` means an integer step index: the result is ``last+1 .. last+periods``.
    Exchange calendars skip closed hours, weekends, holidays and one-off closures.
    """
    if periods < 1:
        raise UsageError(f"--horizon must be at least 1, got {periods}")
    if freq is None:
        start = int(last) + 1
        return pd.RangeIndex(start, start + periods, name="step")
    if not isinstance(last, pd.Timestamp):
        raise DataError("the series has a frequency but no timestamps; give --time-col")
    calendar = Calendar.parse(freq)
    if calendar is not None:
        return calendar.following(last, periods)
    offset = to_offset(freq)
    if last.tz is not None and not is_clock_step(offset):
        return _wall_clock_steps(last, offset, periods)
    stamps = pd.date_range(start=last, periods=periods + 1, freq=offset)
    # When ``last`` is off the offset's anchor, date_range rolls forward to the next
    # anchor, which is then already a future step.
    stamps = stamps[:-1] if stamps[0] != last else stamps[1:]
    return pd.DatetimeIndex(stamps, name="timestamp")


def _wall_clock_steps(last: pd.Timestamp, offset: pd.DateOffset, periods: int) -> pd.DatetimeIndex:
    """Days, weeks or months after a zoned ``last`` on the local calendar. Where the clock
    skips the step's time (Santiago changes at midnight, so 2024-09-08 00:00 never happened
    there) the step is the first moment after the skip (01:00 that day); a time that
    happens twice is its first occurrence. An offset in absolute time stepped 2024-09-08
    00:00 into a ValueError."""
    local = last.tz_localize(None)
    wall = pd.date_range(start=local, periods=periods + 1, freq=offset)
    wall = wall[:-1] if wall[0] != local else wall[1:]
    return pd.DatetimeIndex(on_wall_clock(wall, last.tz), name="timestamp")


_STEPS_PER_YEAR = {
    "W": 52,
    **dict.fromkeys(("MS", "ME", "BMS", "BME"), 12),
    **dict.fromkeys(("SMS", "SME"), 24),
    **dict.fromkeys(("QS", "QE", "BQS", "BQE"), 4),
}  # by the alias' base (2W is a W step), for ``seasonal_period``


def seasonal_period(freq: str | None, until: pd.Timestamp | None = None) -> int:
    """The usual seasonal period for a frequency (1 when there is none).

    Sub-daily: one day of steps (48 for 30min, 24 hourly; exchange bars: bars per session).
    Daily 7, business/trading days 5, weekly 52, monthly 12, quarterly 4, yearly 1; a step
    of several units divides it (2W: 26, 2MS: 6) when it divides evenly, else 1.
    ``until``: the data's end, for the trading hours of exchange bars (``Calendar.season``).
    """
    if freq is None:
        return 1
    calendar = Calendar.parse(freq)
    if calendar is not None:
        return calendar.season(until)
    if freq in ("B", "C"):
        return 5
    offset = to_offset(freq)
    if offset.rule_code == "D":  # a calendar day, no longer a Tick in pandas 3
        return 7 if offset.n == 1 else 1
    if isinstance(offset, pd.offsets.Tick):
        step = pd.Timedelta(offset)
        if step < _DAY:
            per_day = _DAY / step
            return int(per_day) if float(per_day).is_integer() else 1
        return 7 if step == _DAY else 1
    per_year = _STEPS_PER_YEAR.get(offset.rule_code.split("-")[0], 1)
    # a multiple step divides the year: 2W is 26 fortnights, 2MS 6 two-month steps; a year
    # that is no whole number of steps (3W) has no seasonal lag to speak of
    return per_year // offset.n if offset.n >= 1 and per_year % offset.n == 0 else 1
