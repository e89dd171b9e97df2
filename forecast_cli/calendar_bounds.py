"""Exchanges whose published calendar ends: sessions after the last date it knows.

Bombay, Shanghai and Singapore set their holidays a year at a time (lunar and announced
dates), so exchange_calendars bounds their calendars at the end of the announced year,
while trading goes on after it. Past that date a session is a trading weekday that the
``holidays`` package does not list as the exchange's holiday.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import Any

import pandas as pd


@lru_cache(maxsize=64)
def known_until(name: str) -> pd.Timestamp | None:
    """The last date whose holidays exchange_calendars publishes for ``name`` (tz-naive),
    or None for a calendar whose holidays follow rules with no end."""
    import exchange_calendars as xc

    factory: Any = getattr(xc.calendar_utils, "_default_calendar_factories", {}).get(name)
    high = factory.bound_max() if factory is not None else None
    return pd.Timestamp(high).tz_localize(None).normalize() if high is not None else None


def beyond_known(name: str, first: pd.Timestamp, last: pd.Timestamp, weekmask: str) -> pd.DatetimeIndex:
    """The exchange's sessions from ``first`` to ``last``, dates past those its
    exchange_calendars calendar knows: its trading weekdays less the holidays the
    ``holidays`` package lists for the exchange (it has XBOM, XSHG and XSES; for 2024-2026
    they agree with exchange_calendars' closures but for one-off ones, such as polling
    days). A refusal there had stopped every forecast of an Indian, Chinese or Singapore
    stock in the last weeks of the announced year, and would stop all of them after it."""
    import holidays

    days = pd.bdate_range(first, last, freq="C", weekmask=weekmask)
    try:
        closed = set(holidays.financial_holidays(name, years=range(first.year, last.year + 1)))
    except NotImplementedError:  # a market the holidays package does not have: weekdays
        closed = set()
    return pd.DatetimeIndex([day for day in days if day.date() not in closed])


_SAID: set[str] = set()


def say_beyond_known(name: str, steps: pd.DatetimeIndex) -> None:
    """Say once a run that forecast steps fall past the exchange's published calendar."""
    until = known_until(name)
    if until is None or not len(steps):
        return
    last = steps[-1].tz_localize(None) if steps[-1].tz is not None else steps[-1]  # its local date
    if last.normalize() <= until:
        return
    text = (
        f"the {name} calendar of exchange_calendars ends {until.date()}; steps after it skip "
        f"the {name} holidays the holidays package lists (estimated for lunar dates), not "
        "one-off closures"
    )
    if text not in _SAID:
        _SAID.add(text)
        warnings.warn(text, stacklevel=3)
