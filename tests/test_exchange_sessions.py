"""Exchanges whose trading weekdays change for a period keep those sessions under any pandas.

exchange_calendars builds XBOM, XKRX, XMOS and XTAE from an offset whose ``_apply`` knows the
periods; pandas 3 stopped calling it, so budget Saturdays in Mumbai were dropped as "days XBOM
is closed" and XTAE could not be built. ``exchange_sessions`` lists the same days itself.
"""

from __future__ import annotations

import inspect

import pandas as pd
import pytest

from forecast_cli.calendars import Calendar


def _days(exchange: str, first: str, last: str) -> list[str]:
    return [str(day.date()) for day in Calendar(exchange).sessions(pd.Timestamp(first), pd.Timestamp(last))]


def test_the_budget_day_saturdays_are_bombay_sessions():
    """BSE traded on Saturday 2024-01-20 (and closed Monday 2024-01-22) and on Saturday
    2025-02-01, the Union Budget; the ordinary Saturdays around them stay closed."""
    assert _days("XBOM", "2024-01-19", "2024-01-23") == ["2024-01-19", "2024-01-20", "2024-01-23"]
    assert _days("XBOM", "2025-01-31", "2025-02-09") == [
        "2025-01-31", "2025-02-01", "2025-02-03", "2025-02-04", "2025-02-05", "2025-02-06", "2025-02-07",
    ]  # fmt: skip


def test_tel_aviv_trades_sunday_to_thursday_until_2026_and_monday_to_friday_after():
    week_2025 = _days("XTAE", "2025-12-14", "2025-12-20")  # Sunday .. Saturday
    week_2026 = _days("XTAE", "2026-01-11", "2026-01-17")
    assert [pd.Timestamp(d).day_name() for d in week_2025] == [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
    ]
    assert [pd.Timestamp(d).day_name() for d in week_2026] == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
    ]


def test_seoul_traded_on_saturdays_until_december_1998():
    assert "1998-11-21" in _days("XKRX", "1998-11-16", "1998-11-22")
    assert not any(pd.Timestamp(d).day_of_week == 5 for d in _days("XKRX", "1999-01-04", "1999-03-31"))


@pytest.mark.parametrize("exchange", ["XBOM", "XKRX", "XMOS", "XTAE"])
def test_listed_sessions_equal_the_librarys_own_offset_stepped_one_day_at_a_time(exchange):
    """The library's own definition of an open day (its offset's ``is_on_offset``, period by
    period; pandas 3 skips the offset's stepping, not this) against the sessions we list,
    over 40 days either side of every period it lists: the same days under any pandas."""
    from forecast_cli.exchange_sessions import SPAN, exchange_calendar

    calendar = exchange_calendar(exchange, *SPAN)
    library_day = inspect.getattr_static(type(calendar).__mro__[1], "day")  # property or cached
    original = (getattr(library_day, "func", None) or library_day.fget)(calendar)  # the library's offset
    assert original.business_days, f"{exchange} lists no periods: nothing is tested"
    for first, last, _ in original.business_days:
        around = pd.Timestamp(first if first is not None else last) - pd.Timedelta(days=40)
        until = pd.Timestamp(last if last is not None else first) + pd.Timedelta(days=40)
        around = max(around, calendar.first_session.tz_localize(None))
        opened = [str(day.date()) for day in pd.date_range(around, until) if original.is_on_offset(day)]
        assert _days(exchange, str(around.date()), str(until.date())) == opened
