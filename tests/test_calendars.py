"""Exact future timestamps, exchange sessions and seasonal periods for every kind of step."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecast_cli.calendars import Calendar
from forecast_cli.config import ForecastConfig
from forecast_cli.errors import UsageError
from forecast_cli.plan import resolve_plan
from forecast_cli.steps import future_index, resolve_freq, seasonal_period


def stamps(*values):
    return [pd.Timestamp(v) for v in values]


def test_half_hourly_steps_cross_midnight():
    index = future_index(pd.Timestamp("2000-08-27 23:30"), "30min", 3)
    assert list(index) == stamps("2000-08-28 00:00", "2000-08-28 00:30", "2000-08-28 01:00")


def test_business_days_skip_the_weekend():
    index = future_index(pd.Timestamp("2017-11-10"), "B", 3)  # a Friday
    assert list(index) == stamps("2017-11-13", "2017-11-14", "2017-11-15")


def test_trading_days_skip_weekends_and_exchange_holidays():
    index = future_index(pd.Timestamp("2017-11-22"), "XNYS", 3)  # Thanksgiving is the 23rd
    assert list(index) == stamps("2017-11-24", "2017-11-27", "2017-11-28")
    index = future_index(pd.Timestamp("2024-12-24"), "XNYS", 2)
    assert list(index) == stamps("2024-12-26", "2024-12-27")


def test_month_starts_roll_into_the_next_year():
    index = future_index(pd.Timestamp("1960-12-01"), "MS", 2)
    assert list(index) == stamps("1961-01-01", "1961-02-01")


def test_trading_hours_jump_from_close_to_next_open():
    last = pd.Timestamp("2024-01-05 15:30", tz="America/New_York")  # Friday, last bar
    index = future_index(last, "XNYS@30min", 2)
    assert [t.isoformat() for t in index] == ["2024-01-08T09:30:00-05:00", "2024-01-08T10:00:00-05:00"]


def test_timezone_is_kept():
    index = future_index(pd.Timestamp("2024-03-01 10:00", tz="Europe/Lisbon"), "1h", 1)
    assert index[0] == pd.Timestamp("2024-03-01 11:00", tz="Europe/Lisbon")


def test_step_index_continues_counting():
    assert list(future_index(9, None, 3)) == [10, 11, 12]


@pytest.mark.parametrize(
    "freq, season",
    [
        ("30min", 48),
        ("h", 24),
        ("D", 7),
        ("B", 5),
        ("XNYS", 5),
        ("W-SUN", 52),
        ("MS", 12),
        ("QS", 4),
        (None, 1),
        ("XNYS@5min", 78),
        ("XNYS@1h", 7),  # 09:30 .. 15:30, the last bar cut short by the close
        ("XLON", 5),
    ],
)
def test_seasonal_period_follows_the_frequency(freq, season):
    assert seasonal_period(freq) == season


def test_a_session_of_bars_counts_the_trading_hours_of_the_datas_time():
    """Tokyo closed at 15:00 until 2024-11-04 and at 15:30 from the 5th: 10 half-hour bars a
    session, then 11. A season taken from 2023's hours put the seasonal lag half an hour off
    the same bar a session ago on data of 2025, and the default horizon short of the close."""
    assert seasonal_period("XTKS@30min", pd.Timestamp("2023-06-30 15:00", tz="Asia/Tokyo")) == 10
    assert seasonal_period("XTKS@30min", pd.Timestamp("2025-03-28 15:00", tz="Asia/Tokyo")) == 11
    assert seasonal_period("XTKS@5min", pd.Timestamp("2025-03-28")) == 66
    assert seasonal_period("XTKS@30min", pd.Timestamp("2024-12-10")) == 11  # a month after the change
    raw = _tokyo_bars("2025-01-06", "2025-03-28")
    plan = resolve_plan(ForecastConfig(), "XTKS@30min", [raw.to_numpy()], raw.index[-1])
    assert plan.season == 11 and plan.horizon == 11


def _tokyo_bars(first: str, last: str) -> pd.Series:
    starts = (
        Calendar("XTKS", "30min").bars(pd.Timestamp(first), pd.Timestamp(last)).left.tz_convert("Asia/Tokyo")
    )
    return pd.Series(100.0 + np.arange(len(starts)) % 7, index=starts)


def test_one_off_closures_are_not_trading_days():
    sessions = Calendar("XNYS").sessions(pd.Timestamp("2001-09-07"), pd.Timestamp("2001-09-18"))
    assert list(sessions) == stamps("2001-09-07", "2001-09-10", "2001-09-17", "2001-09-18")
    for closed in ("2012-10-29", "2012-10-30", "2018-12-05", "2025-01-09"):
        day = pd.Timestamp(closed)
        assert day not in Calendar("XNYS").sessions(day - pd.Timedelta(days=3), day + pd.Timedelta(days=3))


def test_future_trading_days_skip_one_off_closures():
    assert list(future_index(pd.Timestamp("2001-09-10"), "XNYS", 2)) == stamps("2001-09-17", "2001-09-18")
    assert list(future_index(pd.Timestamp("2025-01-08"), "XNYS", 1)) == stamps("2025-01-10")


def test_the_bar_after_an_early_close_is_the_next_sessions_open():
    last = pd.Timestamp("2024-11-29 12:30", tz="America/New_York")  # the close is 13:00 that day
    index = future_index(last, "XNYS@30min", 2)
    assert [t.isoformat() for t in index] == ["2024-12-02T09:30:00-05:00", "2024-12-02T10:00:00-05:00"]


def test_tz_naive_intraday_bars_are_exchange_wall_clock_time():
    index = future_index(pd.Timestamp("2024-01-05 15:30"), "XNYS@30min", 1)
    assert list(index) == stamps("2024-01-08 09:30")


def test_other_exchanges_use_their_own_holidays_and_hours():
    # Boxing Day closes London but not New York; Tokyo's session has a lunch break.
    assert list(future_index(pd.Timestamp("2024-12-24"), "XLON", 1)) == stamps("2024-12-27")
    last = pd.Timestamp("2024-01-04 11:00", tz="Asia/Tokyo")
    assert [t.strftime("%H:%M") for t in future_index(last, "XTKS@30min", 2)] == ["12:30", "13:00"]


def test_calendar_strings_round_trip_and_pandas_aliases_are_not_calendars():
    for text in ("XNYS", "XNYS@5min", "XLON@1h"):
        assert str(Calendar.parse(text)) == text
    assert Calendar.parse("XNYS@5min") == Calendar("XNYS", "5min")
    assert Calendar.parse("MS") is None and Calendar.parse("CBMS") is None and Calendar.parse(None) is None
    with pytest.raises(UsageError, match="under a day"):
        Calendar.parse("XNYS@2D")


@pytest.mark.parametrize(
    "text, code", [("xtks", "XTKS"), ("LSE@30min", "XLON@30min"), ("JPX@5min", "XTKS@5min"), ("NYSE", "XNYS")]
)
def test_exchange_codes_are_read_in_any_case_and_through_their_aliases(text, code):
    """exchange_calendars' own aliases (LSE, JPX) and a lower-case code name the exchange."""
    assert str(Calendar.parse(text)) == code


@pytest.mark.parametrize("step", ["0min", "-5min", "1ns", "30s"])
def test_bars_under_a_minute_are_refused_by_name(step):
    """bad input: --freq XTKS@0min (or a negative step, 1ns, 30s) -> exit 2, asks for a step of
    at least a minute (0 and negative steps were an unexpected ValueError; 1ns tried to
    allocate 65 TiB)"""
    with pytest.raises(UsageError, match="at least 1min and under a day"):
        Calendar.parse(f"XTKS@{step}")


def test_an_unknown_code_is_said_to_be_neither_alias_nor_exchange():
    with pytest.raises(UsageError, match="neither a pandas offset alias nor an exchange calendar code"):
        seasonal_period("XXXX")


@pytest.mark.parametrize(
    "requested, source, chosen",
    [
        (None, "XNYS", "XNYS"),
        ("D", "XNYS", "XNYS"),
        ("1D", "XLON", "XLON"),
        ("B", "XNYS", "B"),  # weekdays, as asked: the grid several exchanges share
        ("D", "XNYS@5min", "XNYS"),
        ("1h", "XNYS@5min", "XNYS@1h"),
        ("D", "B", "B"),
        ("W-FRI", "XNYS", "W-FRI"),
        ("1h", "XNYS", "1h"),  # no hours in daily bars to keep
        ("D", None, "D"),
        (None, None, None),
    ],
)
def test_trading_day_rule_lives_in_resolve_freq(requested, source, chosen):
    assert resolve_freq(requested, source) == chosen


def test_exchange_calendars_is_imported_only_when_a_calendar_is_used():
    code = (
        "import sys, pandas as pd\n"
        "from forecast_cli.steps import future_index, seasonal_period\n"
        "future_index(pd.Timestamp('2024-01-01'), 'MS', 3); seasonal_period('30min')\n"
        "assert 'exchange_calendars' not in sys.modules\n"
        "future_index(pd.Timestamp('2024-01-02'), 'XNYS', 1)\n"
        "assert 'exchange_calendars' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)


def test_daily_steps_cross_a_midnight_clock_change():
    """Santiago's clocks skip from 00:00 to 01:00 on 2024-09-08: the day's step is 01:00,
    not a ValueError, and the days after keep midnight; steps elsewhere keep their clock."""
    steps = future_index(pd.Timestamp("2024-09-06", tz="America/Santiago"), "D", 4)
    assert [str(t) for t in steps] == [
        "2024-09-07 00:00:00-04:00",
        "2024-09-08 01:00:00-03:00",
        "2024-09-09 00:00:00-03:00",
        "2024-09-10 00:00:00-03:00",
    ]
    london = future_index(pd.Timestamp("2024-10-25", tz="Europe/London"), "D", 4)
    assert [t.hour for t in london] == [0, 0, 0, 0] and str(london[-1].tz) == "Europe/London"


def test_weekly_steps_from_a_date_off_the_weeks_anchor_start_at_the_next_anchor():
    """A Wednesday last row of Sunday-anchored weeks: the next steps are the coming Sunday and
    the one after, as from that Sunday's own row the steps are one week later."""
    assert future_index(pd.Timestamp("2024-01-03"), "W", 2).tolist() == [
        pd.Timestamp("2024-01-07"),
        pd.Timestamp("2024-01-14"),
    ]
    assert future_index(pd.Timestamp("2024-01-07"), "W", 2)[0] == pd.Timestamp("2024-01-14")


def test_a_currency_pairs_hours_run_round_the_clock_on_weekdays_only():
    """EURUSD=X's hourly bars (``24/5@1h``): Friday's last bar is followed by Monday's first,
    in UTC, with every night hour between (London's stock-market hours kept a third)."""
    steps = future_index(pd.Timestamp("2025-10-24 22:00", tz="UTC"), "24/5@1h", 4)
    assert [str(t) for t in steps] == [
        "2025-10-24 23:00:00+00:00",
        "2025-10-27 00:00:00+00:00",
        "2025-10-27 01:00:00+00:00",
        "2025-10-27 02:00:00+00:00",
    ]


def test_past_the_end_of_an_exchanges_published_calendar_sessions_skip_the_holidays_package_ones():
    """XBOM, XSHG and XSES publish a year of holidays at a time: exchange_calendars stops on
    2026-12-31. Steps after it are the exchange's weekdays less the holidays package's
    closures for it (Republic Day, 2027-01-26; New Year's Day in Shanghai), said once; it
    had refused every forecast whose look-ahead crossed that date."""
    from forecast_cli import calendar_bounds

    calendar_bounds._SAID.clear()
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        within = future_index(pd.Timestamp("2026-11-20"), "XBOM", 8)  # looks past 2026, steps do not
        assert not said
        days = future_index(pd.Timestamp("2027-01-22"), "XBOM", 3)
        bars = future_index(pd.Timestamp("2026-12-31 14:00"), "XSHG@1h", 5)
    assert within[0] == pd.Timestamp("2026-11-23") and pd.Timestamp("2026-11-24") not in within  # Guru Nanak
    assert [d.strftime("%m-%d") for d in days] == ["01-25", "01-27", "01-28"]
    # Shanghai's hours and lunch break, copied from its last published session; 1 January closed
    assert [b.strftime("%m-%d %H:%M") for b in bars] == [
        "01-04 09:30",
        "01-04 10:30",
        "01-04 13:00",
        "01-04 14:00",
        "01-05 09:30",
    ]
    assert [str(w.message) for w in said] == [
        "the XBOM calendar of exchange_calendars ends 2026-12-31; steps after it skip the XBOM "
        "holidays the holidays package lists (estimated for lunar dates), not one-off closures",
        "the XSHG calendar of exchange_calendars ends 2026-12-31; steps after it skip the XSHG "
        "holidays the holidays package lists (estimated for lunar dates), not one-off closures",
    ]


@pytest.mark.parametrize("exchange", ["XBOM", "XSHG", "XSES"])
def test_the_holidays_packages_closures_equal_exchange_calendars_in_a_year_both_know(exchange):
    """What stands in for exchange_calendars past its end, held equal to it where both speak:
    2025's weekday sessions of each exchange (XBOM's one-off closures fell in 2024 and 2026;
    its budget-day Saturday, 2025-02-01, is a session no list of holidays can add)."""
    from forecast_cli.calendar_bounds import beyond_known

    first, last = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31")
    library = Calendar(exchange).sessions(first, last)  # exchange_calendars' own sessions
    library = library[library.day_of_week < 5]
    assert len(library) > 240 and list(beyond_known(exchange, first, last, "1111100")) == list(library)


def test_a_calendar_the_library_cannot_build_is_one_short_line(monkeypatch):
    """exchange_calendars 4.13.2 under pandas 3 failed to build XTAE with a ValueError listing
    every special date since 1970 (140 KB): it reached the user as "unexpected ValueError",
    exit 1. XTAE builds now (test_exchange_sessions); any calendar that fails still says so
    in one line."""
    import exchange_calendars as xc

    from forecast_cli import exchange_sessions
    from forecast_cli.errors import DataError

    def broken(cls, start, end):
        raise ValueError("Special dates " + "[Timestamp('1970-01-04 13:40:00+0000')] " * 3000)

    exchange_sessions.exchange_calendar.cache_clear()
    monkeypatch.setattr(exchange_sessions, "_build", broken)
    with pytest.raises(DataError) as caught:
        Calendar("XTAE").sessions(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01"))
    exchange_sessions.exchange_calendar.cache_clear()
    message = str(caught.value)
    assert len(message) < 300 and message.endswith("); give --freq B (weekdays) instead")
    assert message.startswith(
        f"exchange_calendars {xc.__version__} cannot build the XTAE calendar (ValueError: "
    )


def test_zoned_steps_from_a_date_off_the_anchor_start_at_the_next_anchor():
    """As the naive case, on the local calendar (``_wall_clock_steps``): a Wednesday of
    Sunday weeks steps to the coming Sunday, the 15th of month starts to the 1st after."""
    zone = "America/Santiago"
    assert future_index(pd.Timestamp("2024-01-03", tz=zone), "W", 2).tolist() == [
        pd.Timestamp("2024-01-07", tz=zone),
        pd.Timestamp("2024-01-14", tz=zone),
    ]
    assert future_index(pd.Timestamp("2024-01-15", tz=zone), "MS", 1).tolist() == [
        pd.Timestamp("2024-02-01", tz=zone)
    ]


def test_data_from_days_before_an_exchange_calendars_first_session_loads():
    """Daily rows from 2 January 1997 under --freq XTKS, whose calendar starts on the 6th:
    the days before it hold no session. exchange_calendars raised on them (exit 1, also
    for weekday data of 1997 whose closures were checked against XTKS)."""
    from forecast_cli.config import DataConfig
    from forecast_cli.series import prepare_series

    days = pd.date_range("1997-01-02", periods=60, freq="D")
    raw = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "y": np.arange(60.0)})
    series = prepare_series(raw, DataConfig(freq="XTKS"))
    assert series.frame.index[0] == pd.Timestamp("1997-01-06")
    weekdays = pd.bdate_range("1997-02-03", periods=40).delete([5, 17])
    raw = pd.DataFrame({"date": weekdays.strftime("%Y-%m-%d"), "y": np.arange(38.0)})
    assert len(prepare_series(raw, DataConfig()).frame) >= 38
