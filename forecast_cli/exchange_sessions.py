"""Exchange calendars from ``exchange_calendars``, built once per process over a wide span.

One fix is ours. Four exchanges change their trading weekdays for a period: XTAE traded
Sunday to Thursday until 2026-01-04, XKRX on Saturdays until 1998-12-06, XBOM and XMOS on
one-off Saturdays (India's budget days 2024-01-20 and 2025-02-01). exchange_calendars
builds their sessions from a ``CustomBusinessDay`` subclass whose own ``_apply`` knows the
periods, and pandas 3 no longer calls a subclass's ``_apply`` when it adds the offset to a
date: under pandas 3 the budget Saturdays vanished (a user's real rows "on days XBOM is
closed" were dropped) and XTAE could not be built at all. ``_listed_sessions`` computes the
same open days with numpy's business-day calendars, period by period, and hands the library
a plain ``CustomBusinessDay`` open every day but the closed ones, which every pandas
steps through alike (tested equal to the library under pandas 2, where both agree).
"""

from __future__ import annotations

import warnings
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from .errors import DataError

SPAN = (1970, 2049)  # years every exchange calendar covers at least (where the exchange allows)
_DAY = pd.Timedelta(days=1)


@lru_cache(maxsize=64)
def canonical(name: str) -> str | None:
    """The exchange_calendars code ``name`` stands for, in any case and through the
    package's aliases (``xtks``, ``JPX`` -> XTKS; ``LSE`` -> XLON); None for no exchange."""
    import exchange_calendars as xc

    known = {n.upper(): n for n in xc.get_calendar_names()}
    try:
        return xc.resolve_alias(known[name.upper()]) if name.upper() in known else None
    except Exception:  # an alias the registry lists but cannot resolve
        return None


@lru_cache(maxsize=16)
def exchange_calendar(name: str, first_year: int, last_year: int):
    """One ``exchange_calendars`` calendar over whole years, built once per process
    (building costs ~0.2 s whatever the span, so one wide span serves every series)."""
    import exchange_calendars as xc

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecations inside exchange_calendars
        factories = getattr(xc.calendar_utils, "_default_calendar_factories", {})
        cls = factories.get(name) or type(xc.get_calendar(name))
        start, end = pd.Timestamp(f"{first_year}-01-01"), pd.Timestamp(f"{last_year}-12-31")
        low, high = cls.bound_min(), cls.bound_max()
        start = max(start, low) if low is not None else start
        end = min(end, high) if high is not None else end
        try:
            return _build(cls, start, end)
        except Exception as exc:  # a calendar the installed exchange_calendars cannot build
            reason = " ".join(str(exc).split())
            reason = reason if len(reason) <= 120 else reason[:117] + "..."
            raise DataError(
                f"exchange_calendars {xc.__version__} cannot build the {name} calendar "
                f"({type(exc).__name__}: {reason}); give --freq B (weekdays) instead"
            ) from None


def covering(name: str, first: pd.Timestamp, last: pd.Timestamp):
    cal = exchange_calendar(name, min(first.year, SPAN[0]), max(last.year + 1, SPAN[1]))
    if (
        first < cal.first_session.tz_localize(None) - _DAY * 7
        or last > cal.last_session.tz_localize(None) + _DAY * 7
    ):
        raise DataError(
            f"the {name} calendar covers {cal.first_session.date()} .. {cal.last_session.date()} only; "
            f"dates {first.date()} .. {last.date()} are outside it, give --freq B (weekdays) instead"
        )
    return cal


def _build(cls, start: pd.Timestamp, end: pd.Timestamp):
    """``cls`` over ``start .. end``, its sessions listed day by day when its trading
    weekdays change by period (see the module's docstring)."""

    class Listed(cls):  # type: ignore[valid-type,misc]
        @cached_property
        def day(self):
            day = super().day
            periods = getattr(day, "business_days", ())
            return _listed_sessions(day, periods, start, end) if periods else day

    Listed.__name__ = Listed.__qualname__ = cls.__name__
    return Listed(start=start, end=end)


def _listed_sessions(day, periods, start: pd.Timestamp, end: pd.Timestamp):
    """A plain ``CustomBusinessDay`` open on exactly the days ``day`` opens from ``start``
    to ``end``: ``day``'s own weekdays and holidays, overridden inside each (first, last,
    offset) period by that period's. Outside the span it opens every day, and the library
    never steps there: its sessions are computed over the span alone."""
    from pandas.tseries.offsets import CustomBusinessDay

    days = pd.date_range(start.normalize(), end.normalize(), freq="D").to_numpy().astype("datetime64[D]")
    open_ = np.is_busday(days, busdaycal=day.calendar)
    for first, last, offset in periods:
        inside = np.ones(len(days), dtype=bool)
        if first is not None:
            inside &= days >= np.datetime64(pd.Timestamp(first).date())
        if last is not None:
            inside &= days <= np.datetime64(pd.Timestamp(last).date())
        open_[inside] = np.is_busday(days[inside], busdaycal=offset.calendar)
    return CustomBusinessDay(weekmask="1111111", holidays=days[~open_])
