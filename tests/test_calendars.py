"""Exact future timestamps and seasonal periods for every kind of step."""

from __future__ import annotations

import pandas as pd
import pytest

from forecast_cli.calendars import future_index, seasonal_period


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
    ],
)
def test_seasonal_period_follows_the_frequency(freq, season):
    assert seasonal_period(freq) == season
