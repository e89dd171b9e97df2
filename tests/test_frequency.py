"""Inferring the step: exchange sessions and hours, business days, periods; checking --freq."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast_cli import exchange_days
from forecast_cli.calendars import Calendar
from forecast_cli.config import DataConfig
from forecast_cli.errors import DataError, InventedRows, UsageError
from forecast_cli.frequency import choose_frequency, infer_frequency
from forecast_cli.io import read_csv
from forecast_cli.panel import prepare_panel
from forecast_cli.series import prepare_series

REAL_CLOSURES = ("2001-09-11", "2001-09-14", "2004-06-11", "2007-01-02", "2012-10-29", "2012-10-30")


def test_real_exchange_closures_in_msft_are_no_longer_filled(sample):
    series = prepare_series(read_csv(sample / "msft_daily.csv"), DataConfig(target="Close"))
    assert series.freq == "XNYS"
    for day in REAL_CLOSURES:  # the hand-written calendar used to invent these rows
        assert pd.Timestamp(day) not in series.frame.index
    # Only the two sessions genuinely missing from the file are filled.
    assert series.report.gaps_filled == 2 and series.report.rows_dropped == 0


def test_daily_weekday_data_missing_london_holidays_is_the_london_calendar():
    sessions = Calendar("XLON").sessions(pd.Timestamp("2022-01-01"), pd.Timestamp("2023-12-31"))
    assert infer_frequency(pd.DatetimeIndex(sessions)) == "XLON"


def test_tz_aware_daily_data_uses_the_exchange_of_its_zone():
    sessions = Calendar("XTKS").sessions(pd.Timestamp("2023-01-01"), pd.Timestamp("2023-12-31"))
    assert infer_frequency(pd.DatetimeIndex(sessions).tz_localize("Asia/Tokyo")) == "XTKS"


def test_business_days_without_holiday_pattern_stay_business_days():
    assert infer_frequency(pd.DatetimeIndex(pd.bdate_range("2024-01-01", periods=30))) == "B"
    gappy = pd.bdate_range("2024-03-01", periods=60).delete([7, 23, 41])  # no exchange's holidays
    assert infer_frequency(pd.DatetimeIndex(gappy)) == "B"


def test_intraday_bars_in_exchange_hours_become_exchange_bars():
    bars = Calendar("XLON", "15min").bars(pd.Timestamp("2024-03-04"), pd.Timestamp("2024-03-08"))
    assert infer_frequency(bars.left.tz_convert("Europe/London")) == "XLON@15min"
    round_the_clock = pd.date_range("2024-03-04", periods=500, freq="15min", tz="Europe/London")
    assert infer_frequency(round_the_clock) == "15min"


@pytest.mark.parametrize("step", ["1h", "1min"])
def test_hourly_and_minute_bars_in_exchange_hours_load_and_step_in_sessions(step):
    """pandas names a one-hour step "h"; exchange_calendars refused that bare unit, so
    hourly and 1-minute NYSE bars failed with exit 1 unless --freq was given."""
    bars = Calendar("XNYS", step).bars(pd.Timestamp("2024-11-25"), pd.Timestamp("2024-11-29"))
    stamps = bars.left.tz_convert("America/New_York")
    assert infer_frequency(stamps) == f"XNYS@{step}"
    raw = pd.DataFrame(
        {"Datetime": stamps.strftime("%Y-%m-%d %H:%M:%S%z"), "Close": 100.0 + np.arange(len(stamps)) % 7}
    )
    series = prepare_series(raw, DataConfig(target="Close"))
    nxt = Calendar.parse(series.freq).following(series.frame.index[-1], 2)
    assert list(nxt.strftime("%Y-%m-%d %H:%M")) == (  # after the 13:00 close of 29 November
        ["2024-12-02 09:30", "2024-12-02 10:30"] if step == "1h" else ["2024-12-02 09:30", "2024-12-02 09:31"]
    )


@pytest.mark.parametrize(
    ("exchange", "offset", "zone"),
    [("XNYS", "UTC", "America/New_York"), ("XTKS", "+09:00", "Asia/Tokyo"), ("XLON", "UTC", "Europe/London")],
)
def test_bars_written_with_a_fixed_offset_are_placed_in_their_exchange_hours(exchange, offset, zone):
    """Bars in UTC or one fixed offset name no zone; they used to be read as round-the-clock
    5-minute data and refused ("filling would invent 80% of rows"), pointing at --fill,
    which would have invented night-time bars."""
    bars = Calendar(exchange, "5min").bars(pd.Timestamp("2024-11-11"), pd.Timestamp("2024-11-22"))
    stamps = bars.left.tz_convert(offset)
    assert infer_frequency(stamps) == f"{exchange}@5min"
    raw = pd.DataFrame(
        {"time": stamps.strftime("%Y-%m-%dT%H:%M:%S%z"), "Close": 100.0 + np.arange(len(stamps)) % 9}
    )
    series = prepare_series(raw, DataConfig(target="Close"))
    assert series.freq == f"{exchange}@5min" and series.report.gaps_filled == 0
    after = Calendar.parse(series.freq).following(series.frame.index[-1], 1)[0]
    opening = Calendar(exchange, "5min").bars(pd.Timestamp("2024-11-25"), pd.Timestamp("2024-11-25")).left[0]
    assert after == opening  # the next session's first bar, whatever the clock it is written in
    assert after.tz_convert(zone).hour < 12


def test_months_quarters_and_weeks_are_named():
    assert infer_frequency(pd.DatetimeIndex(pd.date_range("2020-01-31", periods=6, freq="ME"))) == "ME"
    assert infer_frequency(pd.DatetimeIndex(pd.date_range("2020-01-01", periods=6, freq="QS"))) == "QS"
    assert infer_frequency(pd.DatetimeIndex(pd.date_range("2020-01-05", periods=6, freq="W-SUN"))) == "W-SUN"


def test_daily_request_on_exchange_data_keeps_sessions_and_says_so():
    assert choose_frequency("D", "XNYS") == (
        "XNYS",
        "given",
        "kept XNYS steps for --freq D (no weekend rows)",
    )
    assert choose_frequency("1h", "XNYS@5min") == ("XNYS@1h", "given", "trading hours only")
    assert choose_frequency(None, "MS") == ("MS", "inferred", "")


def test_one_row_with_freq_says_the_data_is_too_short_not_give_freq():
    raw = pd.DataFrame({"date": ["2024-01-01"], "value": [1.0]})
    with pytest.raises(DataError, match="only 1 distinct timestamp") as caught:
        prepare_series(raw, DataConfig(freq="MS"))
    assert "give --freq" not in str(caught.value)


def test_given_freq_works_where_the_native_step_has_no_name():
    raw = pd.DataFrame(
        {"date": ["2024-01-15", "2024-02-15", "2024-03-15", "2024-04-15"], "value": [1.0, 2, 3, 4]}
    )
    with pytest.raises(DataError, match=r"not on its first or last \(business\) day.*give --freq MS"):
        prepare_series(raw, DataConfig())
    assert prepare_series(raw, DataConfig(freq="MS", agg="mean")).freq == "MS"


@pytest.mark.parametrize("exchange", ["XBOM", "XSHG", "XJSE", "BVMF", "XSTO", "XKRX"])
def test_daily_weekday_data_of_exchanges_beyond_the_largest_is_their_calendar(exchange):
    """Indian, Chinese, South African, Brazilian, Swedish and Korean closures used to be
    read as gaps of business days ("71 gaps filled" on five years of Bombay sessions:
    invented prices), or as a larger exchange's sessions that explained most of them."""
    sessions = Calendar(exchange).sessions(pd.Timestamp("2019-01-01"), pd.Timestamp("2023-12-31"))
    assert infer_frequency(pd.DatetimeIndex(sessions)) == exchange


def test_under_a_year_of_one_exchanges_sessions_names_it_beside_the_filled_weekdays():
    """Eight months of Stockholm sessions: too short to infer an exchange, so its 4
    holidays are filled as business-day gaps (as documented), and Christmas was forecast
    with no word of the calendar that fits; the load line now names it. Random lost
    weekdays name none."""
    sessions = Calendar("XSTO").sessions(pd.Timestamp("2024-04-02"), pd.Timestamp("2024-12-20"))
    raw = pd.DataFrame(
        {"date": sessions.strftime("%Y-%m-%d"), "close": np.linspace(200.0, 230.0, len(sessions))}
    )
    series = prepare_series(raw, DataConfig())
    assert series.freq == "B" and series.report.gaps_filled == 4
    assert (
        "(first 2024-05-01, every one an XSTO closure: --freq XSTO keeps its sessions)"
        in series.report.line()
    )
    assert prepare_series(raw, DataConfig(freq="XSTO")).report.gaps_filled == 0
    carnival = Calendar("BVMF").sessions(pd.Timestamp("2024-01-02"), pd.Timestamp("2024-08-30"))
    brazil = pd.DataFrame(
        {"date": carnival.strftime("%Y-%m-%d"), "close": np.linspace(1.0, 2.0, len(carnival))}
    )
    assert "every one a BVMF closure: --freq BVMF" in prepare_series(brazil, DataConfig()).report.line()
    weekdays = pd.bdate_range("2024-04-02", "2024-12-20")
    lost = weekdays.delete([10, 50, 90])  # no exchange closes on these three together
    other = pd.DataFrame({"date": lost.strftime("%Y-%m-%d"), "close": np.linspace(1.0, 2.0, len(lost))})
    assert "closure" not in prepare_series(other, DataConfig()).report.line()


@pytest.mark.parametrize("exchange", ["XETR", "XPAR"])
def test_under_a_year_that_several_exchanges_explain_alike_is_no_exchange_but_names_them(
    exchange, monkeypatch
):
    """Eight months of Frankfurt (or Paris) sessions miss only Christmas, New Year and
    Easter, which London shares: they were London's, forecast on 1 May (closed there) and
    not on 6 May (open). Exchanges that close on the same weekdays ahead stay one."""
    sessions = Calendar(exchange).sessions(pd.Timestamp("2023-09-01"), pd.Timestamp("2024-04-26"))
    assert infer_frequency(pd.DatetimeIndex(sessions)) == "B"
    raw = pd.DataFrame(
        {"date": sessions.strftime("%Y-%m-%d"), "close": np.linspace(50.0, 60.0, len(sessions))}
    )
    line = prepare_series(raw, DataConfig()).report.line()
    assert "every one a closure of XLON, XETR, XPAR" in line and "--freq with the data's exchange" in line
    longer = Calendar(exchange).sessions(pd.Timestamp("2023-06-01"), pd.Timestamp("2024-04-26"))
    raw = pd.DataFrame({"date": longer.strftime("%Y-%m-%d"), "close": np.linspace(50.0, 60.0, len(longer))})
    line = prepare_series(raw, DataConfig()).report.line()  # London's August bank holiday rules it out
    assert "every one a closure of XETR, XPAR, XMAD:" in line
    nyse = Calendar("XNYS").sessions(pd.Timestamp("2023-09-01"), pd.Timestamp("2024-04-26"))
    built = []
    monkeypatch.setattr(exchange_days, "Calendar", lambda name: built.append(name) or Calendar(name))
    assert infer_frequency(pd.DatetimeIndex(nyse)) == "XNYS"
    assert built == ["XNYS"]  # Thanksgiving is New York's alone: no other calendar is built


def test_weekday_sessions_with_an_exchanges_own_saturday_sessions_are_that_exchange():
    """Bombay's budget-day Saturdays (2024-01-20, 2025-02-01) are sessions of its calendar:
    with them the file was read as days and refused with advice to invent every weekend.
    A Saturday row that is no session of the exchange leaves the data days, as before."""
    sessions = Calendar("XBOM").sessions(pd.Timestamp("2023-01-02"), pd.Timestamp("2025-12-31"))
    assert (sessions.day_of_week >= 5).sum() == 2
    assert infer_frequency(pd.DatetimeIndex(sessions)) == "XBOM"
    stray = pd.DatetimeIndex(
        sessions[sessions.day_of_week < 5].append(pd.DatetimeIndex(["2024-03-02"]))
    ).sort_values()
    assert infer_frequency(stray) == "D"


def test_sunday_to_thursday_sessions_are_pointed_at_an_exchanges_freq_not_a_fill():
    """bad input: daily rows from Sunday to Thursday (Tel Aviv's week) -> exit 2 naming the
    days no row falls on and --freq XTAE; it offered --fill interpolate, which invents every
    Friday and Saturday"""
    days = pd.date_range("2024-01-07", "2024-12-26", freq="D")
    days = days[~days.day_of_week.isin([4, 5])]
    raw = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "close": np.linspace(10.0, 12.0, len(days))})
    with pytest.raises(
        InventedRows, match="no row falls on a Friday or Saturday: .* --freq \\(Sunday to Thursday: XSAU"
    ):
        prepare_series(raw, DataConfig())
    fridays = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "close": np.linspace(10.0, 12.0, len(days))})
    fridays = pd.concat([fridays, pd.DataFrame({"date": ["2024-03-08"], "close": [11.0]})])  # a Friday row
    with pytest.raises(InventedRows, match="no row falls on a Saturday: "):
        prepare_series(fridays, DataConfig())
    few = raw.iloc[:20]  # under four weeks: too few rows to say which days never come
    with pytest.raises(InventedRows) as refused:
        prepare_series(few, DataConfig())
    assert "no row falls" not in str(refused.value)
    weekdays = pd.bdate_range("2024-01-01", "2024-12-31")
    spotty = weekdays[np.arange(len(weekdays)) % 3 != 0].append(pd.DatetimeIndex(["2024-06-01"]))
    lost = pd.DataFrame({"date": spotty.strftime("%Y-%m-%d"), "close": np.linspace(1.0, 2.0, len(spotty))})
    with pytest.raises(InventedRows) as refused:  # days of every kind absent: the fill advice stands
        prepare_series(lost, DataConfig())
    assert "no row falls" not in str(refused.value)


def test_weekend_rows_that_repeat_friday_are_said_with_the_freq_that_drops_them():
    """Closes exported for every calendar day carry Friday's over the weekend: read as days
    with no word, a network learned two flat days a week no market had. A random walk, and
    a series flat on weekdays too (mostly zeros), say nothing."""
    days = pd.date_range("2024-01-01", "2024-06-30", freq="D")
    walk = np.cumsum(np.random.default_rng(0).normal(0, 1, len(days))) + 100
    carried = walk.copy()
    for i in np.flatnonzero(days.day_of_week >= 5):
        carried[i] = carried[i - 1]

    def line(values) -> str:
        raw = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "close": values})
        return prepare_panel(raw, DataConfig()).members[0].report.line()

    assert "52 of 52 weekend days repeat the day before: if these are an exchange's sessions" in line(carried)
    assert "--freq B" in line(carried) and "weekend days" not in line(walk)
    zeros = np.where(np.arange(len(days)) % 30 == 0, 3.0, 0.0)
    assert "weekend days" not in line(zeros)
    asked = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "close": carried})
    assert "weekend days" not in prepare_panel(asked, DataConfig(freq="D")).members[0].report.line()
    # a panel is read as one, whichever series comes first (its series share one load)
    for first, second in ((walk, carried), (carried, walk), (carried, carried)):
        stores = pd.DataFrame(
            {"store": np.repeat(["A", "B"], len(days)), "date": np.tile(days.strftime("%Y-%m-%d"), 2)}
        )
        stores["close"] = np.r_[first, second]
        said = prepare_panel(stores, DataConfig(id_col="store")).summary_line()
        assert ("104 of 104 weekend days" in said) == (first is second), said


def test_a_panel_of_two_exchanges_shares_weekdays_with_freq_b():
    """bad input: a daily panel of NYSE and London closes with --freq 1D -> exit 2, "--freq 1D left the series on different steps ...: on an exchange's data it keeps that exchange's trading days; give --freq B to put them on one grid of weekdays\""""
    rows = []
    for name, exchange in (("MSFT", "XNYS"), ("VOD.L", "XLON")):
        days = Calendar(exchange).sessions(pd.Timestamp("2022-01-03"), pd.Timestamp("2023-12-29"))
        rows += [(name, d.date().isoformat(), 100.0 + i % 11) for i, d in enumerate(days)]
    raw = pd.DataFrame(rows, columns=["ticker", "Date", "Close"])
    with pytest.raises(
        DataError,
        match=r"--freq 1D left the series on different steps \(XNYS: MSFT; XLON: VOD.L\): on an exchange's "
        r"data it keeps that exchange's trading days; give --freq B to put them on one grid",
    ):
        prepare_panel(raw, DataConfig(target="Close", freq="1D"))
    panel = prepare_panel(raw, DataConfig(target="Close", freq="B"))
    assert panel.freq == "B"
    for member, exchange in zip(panel.members, ("XNYS", "XLON"), strict=True):
        sessions = Calendar(exchange).sessions(pd.Timestamp("2022-01-03"), pd.Timestamp("2023-12-29"))
        weekdays = pd.bdate_range(sessions[0], sessions[-1])  # London was closed on 3 January 2022
        assert list(member.frame.index) == list(weekdays)
        closed = len(weekdays) - len(sessions)
        assert member.report.gaps_filled == closed > 0  # each exchange's own closures, counted


@pytest.mark.parametrize(("step", "alias"), [("2D", "2D"), ("3D", "3D"), ("2W-WED", "2W-WED")])
def test_multi_day_steps_in_a_time_zone_keep_local_midnight_across_dst(step, alias):
    """Readings every 2 or 3 days or every other week at local midnight in Berlin, across
    several clock changes: the step is local days or weeks, not 48/72/336 hours, so no gap
    is invented and no value moves to the previous period's label (with fixed hours, the
    summer rows were binned an hour off: each value took the label before it, exit 0)."""
    index = pd.date_range("2022-01-05", periods=120, freq=step, tz="Europe/Berlin")
    assert infer_frequency(index) == alias
    frame = pd.DataFrame({"date": [t.isoformat() for t in index], "y": np.arange(120.0) + 100})
    series = prepare_series(frame, DataConfig())
    assert series.freq == alias and series.report.gaps_filled == 0
    assert (series.frame.index == index).all()
    np.testing.assert_array_equal(series.y, frame["y"].to_numpy())


def test_month_end_closes_on_business_days_are_business_month_ends():
    """Monthly closes on the last business day (2015-01-30, 2015-02-27...) are BME, as pandas
    names them; they were refused with 'give --freq'."""
    index = pd.date_range("2015-01-01", periods=72, freq="BME")
    assert infer_frequency(index) == "BME"
    assert infer_frequency(pd.date_range("2015-01-01", periods=24, freq="BMS")) == "BMS"


def test_mid_month_dates_are_refused_with_a_fix_that_works():
    """Monthly dates on the 15th have no pandas step: refused naming the day and --freq MS
    (which puts each on its month's start), not a bare 'give --freq'."""
    index = pd.DatetimeIndex([f"{2015 + m // 12}-{m % 12 + 1:02d}-15" for m in range(48)])
    with pytest.raises(DataError, match="on day 15 of each month.*give --freq MS"):
        infer_frequency(index)
    frame = pd.DataFrame({"date": index.strftime("%Y-%m-%d"), "y": np.arange(48.0)})
    series = prepare_series(frame, DataConfig(freq="MS"))
    assert series.freq == "MS" and len(series.y) == 48


@pytest.mark.parametrize(
    ("step", "alias", "season"), [("2MS", "2MS", 6), ("4ME", "4ME", 3), ("6MS", "6MS", 2)]
)
def test_steps_of_several_months_are_named_and_keep_every_row(step, alias, season):
    """Bi-monthly data was read as a 61-day step: a row was lost to that grid and the last
    date moved (2024-11-01 became 2024-09-12), exit 0. A year of such steps is the season."""
    from forecast_cli.steps import seasonal_period

    index = pd.date_range("2010-01-01", periods=90, freq=step)
    assert infer_frequency(index) == alias and seasonal_period(alias) == season
    frame = pd.DataFrame({"date": index.strftime("%Y-%m-%d"), "y": np.arange(90.0)})
    series = prepare_series(frame, DataConfig())
    assert (series.frame.index == index).all() and series.report.gaps_filled == 0


def test_a_multiple_step_divides_the_yearly_season():
    """2W was given 52 (two years back for seasonal naive), 2MS 12; a year that is no whole
    number of steps has no season."""
    from forecast_cli.steps import seasonal_period

    assert [seasonal_period(f) for f in ("W-SUN", "2W-SUN", "4W-MON", "3W-SUN", "MS", "3MS")] == [
        52,
        26,
        13,
        1,
        12,
        4,
    ]


def test_daily_closes_stamped_at_the_close_are_the_exchanges_sessions():
    """London closes stamped 16:30 (a data vendor's daily bars) are XLON sessions: their
    missing weekdays are holidays, not gaps to interpolate (weekdays 'B' invented 14 closes),
    and the load line says the times name the sessions."""
    import warnings

    import exchange_calendars as xc

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecations inside exchange_calendars
        cal = xc.get_calendar("XLON")
    sessions = cal.sessions_in_range("2023-01-04", "2024-12-20")
    closes = pd.DatetimeIndex(cal.schedule.loc[sessions, "close"].dt.tz_convert("Europe/London").array)
    frame = pd.DataFrame({"t": [t.isoformat() for t in closes], "y": 100 + np.arange(len(closes)) % 9})
    series = prepare_series(frame, DataConfig())
    assert series.freq == "XLON" and series.report.gaps_filled == 0
    assert "rows at 16:30 read as their XLON sessions (dates)" in series.report.line()
    assert len(series.frame) == len(sessions)


def test_weekdays_at_one_clock_time_keep_it():
    """Business-day readings at 09:30 New York stay at 09:30 (they were relabelled to
    midnight, 9.5 hours off every real instant), like daily readings at a clock time."""
    index = pd.date_range("2023-06-01 09:30", "2024-03-28 09:30", freq="B", tz="America/New_York")
    frame = pd.DataFrame({"t": [t.isoformat() for t in index], "y": np.arange(len(index), dtype=float)})
    series = prepare_series(frame, DataConfig())
    assert series.freq == "B"
    assert (series.frame.index == index).all()


def _bars(exchange: str, first: str, last: str, step: str = "30min") -> pd.DatetimeIndex:
    return Calendar(exchange, step).bars(pd.Timestamp(first), pd.Timestamp(last)).left


@pytest.mark.parametrize(
    "case, exchange",
    [("sydney in utc", "XASX"), ("tokyo with a pre-open print", "XTKS"), ("tokyo without a zone", "XTKS")],
)
def test_exchange_bars_are_recognised_where_the_data_hides_the_exchange(case, exchange):
    """Sydney's summer bars written in UTC (its Monday open is Sunday 23:00 UTC), Tokyo bars
    with one 08:30 pre-open print among 410, and Tokyo bars without a zone (09:00-15:00 fits
    London's hours too, but fills only two thirds of London's bars) are their exchange's
    bars; each fell to a plain 30min grid and a call to --fill that invented thousands."""
    if case == "sydney in utc":
        index = _bars("XASX", "2024-11-01", "2024-12-20").tz_convert("UTC")
    elif case.startswith("tokyo with"):
        index = _bars("XTKS", "2023-10-02", "2023-11-30").tz_convert("Asia/Tokyo")
        index = index.append(
            pd.DatetimeIndex([pd.Timestamp("2023-11-15 08:30", tz="Asia/Tokyo")])
        ).sort_values()
    else:
        index = _bars("XTKS", "2025-01-06", "2025-03-28").tz_convert("Asia/Tokyo").tz_localize(None)
    assert infer_frequency(index) == f"{exchange}@30min"


def test_naive_bars_that_several_exchanges_could_hold_are_not_guessed():
    """Naive 10:00-12:00 bars fit many exchanges' hours and fill none: no exchange is picked."""
    days = pd.bdate_range("2024-03-04", "2024-03-29")
    index = pd.DatetimeIndex([d + pd.Timedelta(hours=h) for d in days for h in (10, 10.5, 11, 11.5)])
    assert infer_frequency(index) == "30min"


def test_xetra_bars_in_utc_are_not_londons():
    """Frankfurt's half-hour bars written in UTC share London's hours for months; the
    holidays tell them apart only if no stray is allowed before an exact fit is looked for
    (London's hours took them, 26 August called a stray and Christmas Eve filled)."""
    index = _bars("XETR", "2024-06-03", "2024-12-30").tz_convert("UTC")
    assert infer_frequency(index) == "XETR@30min"


@pytest.mark.parametrize("hours", [range(9, 17), range(8, 17)])
def test_weekday_office_hours_without_a_zone_are_no_exchange(hours):
    """Hourly weekday rows 09:00-16:00 fit Johannesburg's hours (08:00-16:00 London's), but
    have rows on those exchanges' holidays (21 March in South Africa): no exchange is guessed."""
    days = pd.bdate_range("2024-02-05", periods=30)
    index = pd.DatetimeIndex([d + pd.Timedelta(hours=h) for d in days for h in hours])
    assert infer_frequency(index) == "h"


def test_daily_rows_in_a_zone_that_skips_midnight_are_read():
    """Santiago's clocks skip 00:00 on 2024-09-08 (that day starts at 01:00): daily rows over
    the change were an unexpected ValueError in training, not only in predict."""
    index = pd.date_range(
        "2024-08-01", "2024-09-20", freq="D", tz="America/Santiago", nonexistent="shift_forward"
    )
    frame = pd.DataFrame({"t": [t.isoformat() for t in index], "y": np.arange(len(index), dtype=float)})
    series = prepare_series(frame, DataConfig())
    assert series.freq == "D" and len(series.frame) == len(index) and series.report.gaps_filled == 0
    assert str(series.frame.index[38]) == "2024-09-08 01:00:00-03:00"


@pytest.mark.parametrize(
    ("step", "alias", "season"),
    [
        ("YS-JUL", "YS-JUL", 1),  # mid-year estimates on 1 July
        ("YE-JUN", "YE-JUN", 1),  # fiscal years ending 30 June
        ("QS-FEB", "QS-FEB", 4),  # quarters of February, May, August, November
        ("QS-MAR", "QS-MAR", 4),
        ("QE-JAN", "QE-JAN", 4),
        ("YS", "YS", 1),  # the calendar's own anchors keep their short names
        ("QE", "QE", 4),
        ("SMS", "SMS", 24),  # the 1st and 15th
        ("SME", "SME", 24),  # the 15th and the month's last day
    ],
)
def test_years_quarters_and_half_months_keep_their_anchor_and_every_row(step, alias, season):
    """Read as calendar years or quarters, stamps of 1 July were moved to 1 January and the
    first real row dropped as a 'partial period'; fiscal years lost their last row; the 1st
    and 15th of months were averaged into Sunday fortnights with rows invented (exit 0)."""
    from forecast_cli.steps import seasonal_period

    index = pd.date_range("1990-01-01", periods=60, freq=step)
    assert infer_frequency(index) == alias and seasonal_period(alias) == season
    frame = pd.DataFrame({"date": index.strftime("%Y-%m-%d"), "y": np.arange(60.0) + 1})
    series = prepare_series(frame, DataConfig())
    assert list(series.frame.index) == list(index) and series.report.gaps_filled == 0
    assert series.report.note == "" and series.y.tolist() == (np.arange(60.0) + 1).tolist()
    given = prepare_series(frame, DataConfig(freq=alias))  # the same alias given keeps every row too
    assert list(given.frame.index) == list(index) and given.report.note == ""


def test_yearly_stamps_in_different_months_are_refused_with_the_fix():
    index = pd.DatetimeIndex(
        ["2001-01-01", "2002-01-01", "2003-01-01", "2004-02-01", "2005-02-01", "2006-02-01"]
    )
    with pytest.raises(
        DataError, match="about one year apart but fall in different months of the year; give --freq"
    ):
        infer_frequency(index)


def test_a_multi_day_grid_bins_from_the_datas_first_day_and_keeps_its_first_bin():
    """--freq 2D on daily rows: the first 2-day bin (the data's first two days) is whole. Its
    probe for 'partial' was binned from the day before the data, a day off, so the first
    bin was dropped as 'covered only from' its own first day."""
    index = pd.date_range("2021-01-01", periods=10, freq="D")
    frame = pd.DataFrame({"date": index.strftime("%Y-%m-%d"), "y": np.arange(10.0)})
    series = prepare_series(frame, DataConfig(freq="2D"))
    assert series.frame.index[0] == pd.Timestamp("2021-01-01") and series.y.tolist() == [
        0.5,
        2.5,
        4.5,
        6.5,
        8.5,
    ]
    assert "dropped" not in series.report.note  # no partial period: only how rows were combined
    assert (
        series.report.note
        == "D rows combined into 2D periods by mean (the default: --agg sum for totals, last for prices)"
    )


def test_weekdays_with_rows_on_days_an_exchange_was_closed_are_not_that_exchange():
    """US federal business days (Good Friday open, Columbus Day shut) half-matched NYSE's
    closures, were taken for XNYS, and six real rows on Good Fridays and the days of
    Hurricane Sandy were dropped as closed days. An exchange closed on a day the data has a
    row is not the data's exchange: every observed row stays."""
    from pandas.tseries.holiday import USFederalHolidayCalendar

    days = pd.bdate_range("2012-01-01", "2015-12-31")
    days = days.difference(USFederalHolidayCalendar().holidays("2012-01-01", "2015-12-31"))
    assert pd.Timestamp("2012-04-06") in days  # Good Friday: NYSE closed, federal offices open
    assert infer_frequency(days) == "B"
    frame = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "y": np.arange(len(days), dtype=float)})
    series = prepare_series(frame, DataConfig())
    assert series.report.rows_dropped == 0 and set(days) <= set(series.frame.index)


def test_one_stray_row_on_a_closed_day_leaves_real_exchange_data_its_exchange():
    """NYSE sessions with one row on Good Friday: NYSE's closures explain every missing
    weekday, so it stays NYSE, the stray row dropped and counted (as B, its 40 holidays
    would be invented)."""
    sessions = Calendar("XNYS").sessions(pd.Timestamp("2021-01-01"), pd.Timestamp("2024-12-31"))
    days = pd.DatetimeIndex(sessions).union(pd.DatetimeIndex(["2024-03-29"]))  # Good Friday
    assert infer_frequency(days) == "XNYS"
    frame = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "y": np.arange(len(days), dtype=float)})
    series = prepare_series(frame, DataConfig())
    assert series.report.rows_dropped == 1 and series.report.gaps_filled == 0


def test_a_model_file_with_a_retired_alias_reads_it_in_todays_spelling():
    """A model trained when pandas took --freq M (month ends) was called damaged: pandas 3
    refuses 'M'. A stored plan reads it as ME; a --freq typed today is still refused."""
    from forecast_cli.plan_record import Plan

    raw = {"freq": "M", "season": 12, "horizon": 3, "lookback": 24, "transform": "none",
           "level_norm": True, "patch": 2, "strategy": "direct", "train_rows": 10, "val_rows": 2}  # fmt: skip
    assert Plan.from_dict(raw).freq == "ME" and Plan.from_dict({**raw, "freq": "15T"}).freq == "15min"
    with pytest.raises(UsageError, match="'M' is the spelling pandas 2.2 retired; write ME"):
        choose_frequency("M", "MS")


def _opening_hours() -> pd.DataFrame:
    """Hourly demand at 08:00-17:00 on weekdays only, as shops and call centres log it."""
    hours = pd.date_range("2024-01-01", "2024-03-31 23:00", freq="h")
    kept = hours[(hours.day_of_week < 5) & (hours.hour >= 8) & (hours.hour <= 17)]
    return pd.DataFrame({"ts": kept.strftime("%Y-%m-%d %H:%M"), "y": np.arange(len(kept), dtype=float)})


def test_opening_hours_data_is_pointed_at_rows_as_steps_when_a_fill_would_invent_most_of_it():
    """Filling the nights and weekends would invent three rows in four; the refusal said only
    'accept it with --fill', none of which repairs data that exists at some hours only."""
    with pytest.raises(
        DataError,
        match=r"explicit --fill .*; if rows exist only at some times \(opening hours\), --time-col '' counts",
    ):
        prepare_series(_opening_hours(), DataConfig())


def test_fill_drop_counts_the_periods_it_left_out_and_says_what_that_does_to_a_season():
    """--fill drop kept every row read and reported '1354 rows dropped' (none were), and
    the plan's 24-hour season then counted rows that are no longer hours, unsaid. Now the
    periods left out are counted as such, per series on a panel, and a drop of more of the
    grid than a fill may invent says what a season then counts."""
    data = _opening_hours()
    series = prepare_series(data, DataConfig(fill="drop"))
    grid = pd.date_range(data["ts"].iloc[0], data["ts"].iloc[-1], freq="h")
    r = series.report
    assert (r.rows_read, r.rows, r.rows_dropped) == (len(data), len(data), 0)
    assert r.missing_dropped == len(grid) - len(data)
    line = r.line()
    assert f"{len(grid) - len(data)} periods with a missing value dropped by --fill drop" in line
    assert (
        f"--fill drop left out {(len(grid) - len(data)) / len(grid):.0%} of the h grid: a season now counts rows"
        in line
    )
    hours = pd.DataFrame({"ts": pd.date_range("2024-01-01", periods=48, freq="h"), "y": np.arange(48.0)})
    two_missing = hours.drop(index=[5, 40]).assign(id="a")  # two hours of a day: counted, no warning
    panel = prepare_panel(
        pd.concat([two_missing, hours.assign(id="b")]), DataConfig(id_col="id", fill="drop")
    )
    line = panel.summary_line()
    assert "2 periods with a missing value dropped by --fill drop (in a)" in line and "grid" not in line


@pytest.mark.parametrize("stray", ["2023-11-23 10:00", "2023-11-24 14:00"])
def test_a_stray_nyse_bar_on_a_us_holiday_does_not_make_the_bars_torontos(stray):
    """NYSE bars at -05:00 with one print on Thanksgiving (or after the next day's 13:00
    close) fit Toronto's hours exactly, since Toronto trades then: the first exact fit took
    them as XTSE's, filled Thanksgiving's 25 other bars and forecast hours NYSE was shut.
    The exchange with the fewest misfits is New York, the stray dropped and counted."""
    bars = _bars("XNYS", "2023-11-13", "2023-11-24", "15min").tz_convert("-05:00")
    index = bars.append(pd.DatetimeIndex([pd.Timestamp(stray, tz="-05:00")])).sort_values()
    assert infer_frequency(index) == "XNYS@15min"


def _clock_hours(exchange: str, zone: str, hours: tuple[int, ...]) -> pd.DataFrame:
    days = Calendar(exchange).sessions(pd.Timestamp("2023-03-01"), pd.Timestamp("2023-03-20"))
    stamps = pd.DatetimeIndex([d + pd.Timedelta(hours=h) for d in days for h in hours]).tz_localize(zone)
    return pd.DataFrame(
        {"time": stamps.strftime("%Y-%m-%dT%H:%M:%S%z"), "Close": 100.0 + np.arange(len(stamps))}
    )


@pytest.mark.parametrize(
    ("exchange", "zone", "hours", "first"),
    [
        ("XTKS", "Asia/Tokyo", (9, 10, 11, 13, 14), "13:00:00+09:00, in the bar from 12:30"),  # after lunch
        ("XNYS", "America/New_York", (10, 11, 12, 13, 14, 15), "10:00:00-05:00, in the bar from 09:30"),
    ],
)
def test_hourly_bars_on_the_clock_hour_are_not_moved_onto_an_exchanges_bars(exchange, zone, hours, first):
    """Tokyo's afternoon 1h bars start at 12:30 and NYSE's at half past: rows on the clock
    hour were binned into them, each value moved half an hour earlier and a bar a day
    filled (70 rows read -> 83, exit 0). Refused, naming the first row and its bar."""
    with pytest.raises(DataError) as refused:
        prepare_series(_clock_hours(exchange, zone, hours), DataConfig(target="Close", freq=f"{exchange}@1h"))
    said = f"rows sit inside {exchange}'s 1h bars, not at their starts (first 2023-03-01 {first})"
    assert said in str(refused.value)


def test_finer_rows_summed_into_an_exchanges_bars_are_still_binned():
    """Five-minute rows given --freq XNYS@30min sit inside the half-hour bars by design:
    several rows a bar are aggregation, not misplaced bars."""
    bars = _bars("XNYS", "2024-03-04", "2024-03-08", "5min")
    raw = pd.DataFrame(
        {"time": bars.tz_convert("America/New_York").strftime("%Y-%m-%dT%H:%M:%S%z"), "v": 1.0}
    )
    series = prepare_series(raw, DataConfig(target="v", freq="XNYS@30min", agg="sum"))
    assert series.freq == "XNYS@30min" and (series.frame["v"] == 6.0).all()


def test_events_at_scattered_times_are_still_counted_into_an_exchanges_bars():
    """Sparse events (a row an hour at most, at any minute) given --freq XNYS@1h --agg sum
    sit inside the bars at no one offset: counted into them, not refused as misplaced bars."""
    rng = np.random.default_rng(0)
    starts = _bars("XNYS", "2024-03-04", "2024-03-15", "1h")
    stamps = starts + pd.to_timedelta(rng.integers(1, 30, len(starts)), unit="min")
    raw = pd.DataFrame(
        {"time": stamps.tz_convert("America/New_York").strftime("%Y-%m-%dT%H:%M:%S%z"), "n": 1.0}
    )
    series = prepare_series(raw, DataConfig(target="n", freq="XNYS@1h", agg="sum"))
    assert series.freq == "XNYS@1h" and len(series.frame) == len(starts)


@pytest.mark.parametrize("step", ["15min", "1h"])
def test_naive_exchange_bars_no_holiday_names_are_pointed_at_the_exchanges_freq(step):
    """Tz-naive London 15-minute or hourly bars over two weeks without a London holiday give no
    evidence beyond their hours, so no exchange is inferred; the refusal to fill nights
    and weekends named --fill and --time-col '' but not the --freq that reads them."""
    bars = _bars("XLON", "2023-03-13", "2023-03-24", step).tz_convert("Europe/London").tz_localize(None)
    raw = pd.DataFrame({"time": bars.strftime("%Y-%m-%d %H:%M"), "v": np.arange(len(bars), dtype=float)})
    with pytest.raises(DataError) as refused:
        prepare_series(raw, DataConfig(target="v"))
    said = f"; if they are XLON trading hours, give --freq XLON@{step}; if rows exist only"  # 1h, as inferred
    assert said in str(refused.value)
    series = prepare_series(raw, DataConfig(target="v", freq=f"XLON@{step}"))
    assert series.report.gaps_filled == 0 and len(series.frame) == len(bars)


def test_a_13_period_retail_calendar_is_pointed_at_its_own_step_not_at_months():
    """Stamps every 28 days read as 'about one month apart', and the hint (--freq MS) merged
    the five periods a year that share a month, while --freq 28D reads them all."""
    stamps = pd.date_range("2015-01-31", periods=65, freq="28D")
    with pytest.raises(
        DataError,
        match=r"every 28 days, .*give --freq 28D to step by 28 days \(and --season 13 for its year\); --freq MS would merge",
    ):
        infer_frequency(pd.DatetimeIndex(stamps.to_list()))  # no freq attached: read from the stamps


def test_days_with_one_in_three_missing_are_days_with_gaps_not_two_day_steps():
    """bad input: daily rows with every third day absent (spacings 2, 1, 2, 1 ...) -> the step is D and the missing days are gaps (the default fill refuses to invent a third of them); it was read as 2D, and 56 rows became 42 averaged ones with "0 duplicates merged", exit 0"""
    days = pd.date_range("2021-01-04", periods=84, freq="D")
    holey = days[np.arange(84) % 3 != 1]
    assert infer_frequency(holey) == "D"
    # months (28 to 31 days apart) and a few stray rows closer together keep their step
    assert infer_frequency(pd.date_range("2000-01-01", periods=60, freq="MS")) == "MS"
    fortnights = pd.date_range("2021-01-04", periods=40, freq="14D")
    assert infer_frequency(fortnights) == "2W-MON"
    raw = pd.DataFrame({"date": holey.strftime("%Y-%m-%d"), "sales": np.arange(len(holey), dtype=float)})
    with pytest.raises(InventedRows, match="28 absent periods on the D grid"):
        prepare_series(raw, DataConfig())


def test_dates_written_as_numbers_under_a_step_name_are_named_with_their_format():
    """bad input: ds = 20200125, 20200126, ... (dates without separators under a step name)
    -> exit 2, "69 step numbers skipped; the steps look like dates written without
    separators: give --time-format %Y%m%d" (it said "absent periods on the None grid" and
    offered --freq, refused on steps, and --fill, which invented 69 steps); step numbers
    that skip are told to check the step column"""
    days = pd.date_range("2020-01-25", periods=11, freq="D")
    raw = pd.DataFrame({"ds": days.strftime("%Y%m%d").astype(int), "y": np.arange(11.0)})
    with pytest.raises(
        InventedRows,
        match=r"\(86%: 69 step numbers skipped\); the steps look like dates written without separators: "
        r"give --time-format %Y%m%d$",
    ):
        prepare_series(raw, DataConfig())
    assert prepare_series(raw, DataConfig(time_format="%Y%m%d")).freq == "D"
    steps = pd.DataFrame({"ds": [1, 2, 3, 40, 41, 42], "y": np.arange(6.0)})
    with pytest.raises(InventedRows, match=r"36 step numbers skipped\); check the step column, or accept it"):
        prepare_series(steps, DataConfig())


def test_a_jittered_clock_keeps_its_round_step():
    """A 5-minute logger whose stamps are 0 to 149 s late: the most common spacing (294 s,
    1% of them) was taken as the step, 146 rows fell two to a period, and the fix offered
    was --freq 294s. Spacings mostly not multiples of the most common one are jitter; the
    step is the round one near their median. Gaps on an exact grid stay what they were."""
    rng = np.random.default_rng(6)
    grid = pd.date_range("2024-05-01", periods=2016, freq="5min")
    late = grid + pd.to_timedelta(rng.integers(0, 150, len(grid)), unit="s")
    assert infer_frequency(pd.DatetimeIndex(late)) == "5min"
    either_side = grid + pd.to_timedelta(rng.integers(-3, 4, len(grid)), unit="s")
    assert infer_frequency(pd.DatetimeIndex(either_side)) == "5min"
    gappy = grid[np.sort(rng.choice(len(grid), 1200, replace=False))]  # multiples of 5 min
    assert infer_frequency(gappy) == "5min"
    odd = pd.date_range("2024-05-01", periods=200, freq="7min")  # a step of its own, kept
    assert infer_frequency(odd + pd.to_timedelta(np.tile([0, 1], 100), unit="s")) == "7min"
