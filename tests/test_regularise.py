"""Putting one series on its grid: binning, exchange hours, and the two guards."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast_cli.config import DataConfig
from forecast_cli.errors import DataError
from forecast_cli.regularise import MAX_GRID_ROWS, grid_rows, regularise
from forecast_cli.series import prepare_series


def frame(index, values=None) -> pd.DataFrame:
    values = np.arange(len(index), dtype=float) if values is None else values
    return pd.DataFrame({"value": values}, index=pd.DatetimeIndex(index, name="timestamp"))


def test_a_huge_grid_is_refused_before_it_is_built():
    monthly = frame(pd.date_range("1949-01-01", periods=144, freq="MS"))
    assert grid_rows(monthly.index, "1s") > MAX_GRID_ROWS
    with pytest.raises(
        DataError, match=r"would have 376,012,801 rows .* coarser --freq, such as the data's own MS"
    ):
        regularise(monthly, "1s", "mean", native="MS")


def test_default_fill_refuses_to_invent_most_of_the_series():
    raw = pd.DataFrame({"month": pd.date_range("2020-01-01", periods=24, freq="MS"), "y": np.arange(24.0)})
    with pytest.raises(DataError, match=r"filling would invent .* rows \(9\d%, over 20%: .*explicit --fill"):
        prepare_series(raw, DataConfig(freq="D"))
    series = prepare_series(raw, DataConfig(freq="D", fill="interpolate"))
    assert series.report.gaps_filled == len(series.frame) - 24


def test_a_few_gaps_are_still_filled_by_default():
    days = pd.date_range("2024-01-01", periods=20, freq="D").delete([5, 11])
    series = prepare_series(pd.DataFrame({"day": days, "y": np.arange(18.0)}), DataConfig())
    assert series.report.gaps_filled == 2 and len(series.frame) == 20


def test_bars_follow_early_closes_and_drop_rows_after_the_close():
    # 2024-11-29 closes at 13:00; a stray 14:00 print falls outside trading hours.
    stamps = [
        "2024-11-29 12:00",
        "2024-11-29 12:30",
        "2024-11-29 14:00",
        "2024-12-02 09:30",
        "2024-12-02 10:00",
    ]
    result = regularise(frame(pd.to_datetime(stamps).tz_localize("America/New_York")), "XNYS@30min", "last")
    assert [t.strftime("%m-%d %H:%M") for t in result.frame.index] == [
        "11-29 12:00",
        "11-29 12:30",
        "12-02 09:30",
        "12-02 10:00",
    ]
    assert result.dropped == 1 and result.gaps == 0


def test_rows_inside_a_bar_are_combined_and_empty_bars_are_gaps():
    stamps = pd.to_datetime(["2024-01-08 09:30", "2024-01-08 09:45", "2024-01-08 11:10"])  # naive: New York
    result = regularise(frame(stamps, np.array([1.0, 3.0, 5.0])), "XNYS@1h", "sum")
    assert list(result.frame.index) == list(pd.to_datetime(["2024-01-08 09:30", "2024-01-08 10:30"]))
    assert result.frame["value"].tolist() == [4.0, 5.0] and result.gaps == 0


def test_regularise_works_on_each_series_alone():
    a = frame(pd.date_range("2024-01-01", periods=5, freq="D"))
    b = frame(pd.date_range("2023-06-01", periods=3, freq="D"), np.array([7.0, 8.0, 9.0]))
    first, second, again = regularise(a, "D", "mean"), regularise(b, "D", "mean"), regularise(a, "D", "mean")
    assert first.frame.equals(again.frame)
    assert second.frame["value"].tolist() == [7.0, 8.0, 9.0]


def test_sums_mark_empty_periods_missing_not_zero():
    stamps = pd.to_datetime(["2024-01-01 00:10", "2024-01-01 02:10"])
    result = regularise(frame(stamps), "1h", "sum")
    assert np.isnan(result.frame["value"].iloc[1]) and result.gaps == 1


def _daily(start: str, end: str, freq: str = "D") -> pd.DataFrame:
    days = pd.date_range(start, end, freq=freq)
    return pd.DataFrame(
        {"date": days.strftime("%Y-%m-%d"), "sales": np.arange(len(days), dtype=float) % 7 + 1}
    )


def test_a_sum_drops_the_periods_the_data_covers_only_in_part():
    """Daily sales summed into months, ending on 15 January: that January is half a month of
    sales, read as a month whose sales halved (exit 0, and the model learnt the fall)."""
    raw = _daily("2020-03-10", "2021-01-15")
    series = prepare_series(raw, DataConfig(freq="MS", agg="sum"))
    index = series.frame.index
    assert index[0] == pd.Timestamp("2020-04-01") and index[-1] == pd.Timestamp("2020-12-01")
    by_month = raw.assign(month=pd.to_datetime(raw["date"]).dt.to_period("M")).groupby("month")["sales"].sum()
    assert series.y.tolist() == by_month.iloc[1:-1].tolist()  # the whole months, unchanged
    note = series.report.line()
    assert (
        "the first period (labelled 2020-03-01) dropped: the data covers only part of it, from 2020-03-10"
        in note
    )
    assert (
        "the last period (labelled 2021-01-01) dropped: the data covers only part of it, up to 2021-01-15"
        in note
    )


def test_whole_periods_keep_every_period():
    whole = prepare_series(_daily("2020-03-01", "2020-12-31"), DataConfig(freq="MS", agg="sum"))
    assert len(whole.frame) == 10 and "dropped" not in whole.report.line()
    # business days ending on a Friday, 29 May: the weekend after it is no part of May's data
    weekdays = prepare_series(_daily("2020-01-01", "2020-05-29", "B"), DataConfig(freq="MS", agg="sum"))
    assert weekdays.frame.index[-1] == pd.Timestamp("2020-05-01")


@pytest.mark.parametrize(
    ("agg", "first", "last"),
    [
        ("mean", "2020-04-01", "2020-12-01"),  # a mean of part of a month is not the month's
        ("max", "2020-04-01", "2020-12-01"),
        ("last", "2020-03-01", "2020-12-01"),  # March's last value is March's: only January goes
        ("first", "2020-04-01", "2021-01-01"),  # January's first value is January's: only March goes
    ],
)
def test_every_aggregation_drops_the_end_it_cannot_know_whole(agg, first, last):
    """Daily values from 10 March to 15 January into months: a partial month's mean, max or
    last value is not that month's (a last close on the 15th labelled as January's would
    also make the forecast skip January). The load line says which period went and why."""
    series = prepare_series(_daily("2020-03-10", "2021-01-15"), DataConfig(freq="MS", agg=agg))
    index = series.frame.index
    assert (index[0], index[-1]) == (pd.Timestamp(first), pd.Timestamp(last))
    note = series.report.line()
    assert ("covers only part of it, from 2020-03-10" in note) == (agg != "last")
    assert ("covers only part of it, up to 2021-01-15" in note) == (agg != "first")
    assert f"the {agg} of part of a period is not that period's {agg}" in note


def test_a_weekly_close_taken_midweek_is_dropped_and_the_forecast_starts_with_that_week():
    """The sweep's case: closes to Wednesday 8 November 2017 into Friday weeks with --agg last."""
    days = pd.bdate_range("2017-06-01", "2017-11-08")
    raw = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "close": np.arange(len(days), dtype=float)})
    series = prepare_series(raw, DataConfig(freq="W-FRI", agg="last"))
    assert series.frame.index[-1] == pd.Timestamp("2017-11-03")
    assert series.y[-1] == raw.loc[raw["date"] == "2017-11-03", "close"].item()
    assert (
        "the last period (labelled 2017-11-10) dropped: the data covers only part of it, up to 2017-11-08"
        in series.report.line()
    )


def test_hours_summed_into_days_drop_the_part_days_at_either_end():
    hours = pd.date_range("2020-01-01 03:00", "2020-01-10 17:00", freq="h")
    raw = pd.DataFrame({"t": hours.strftime("%Y-%m-%d %H:%M"), "y": np.ones(len(hours))})
    series = prepare_series(raw, DataConfig(freq="D", agg="sum"))
    assert series.y.tolist() == [24.0] * 8  # 2 to 9 January, each a whole day
    assert "covers only part of it, from 2020-01-01 03:00" in series.report.line()


def test_a_close_only_ohlc_keeps_a_partial_first_period_and_a_short_series_says_what_it_kept():
    """ohlc maps Close to last: like --agg last, only a partial last period goes. When
    dropping would leave fewer than two whole periods the partial ones stay, and the load
    line says so rather than passing half a month off as a month."""
    closes = _daily("2020-03-10", "2021-01-15").rename(columns={"sales": "Close"})
    bars = prepare_series(closes, DataConfig(freq="MS", agg="ohlc"))
    assert bars.frame.index[0] == pd.Timestamp("2020-03-01") and bars.frame.index[-1] == pd.Timestamp(
        "2020-12-01"
    )
    short = prepare_series(_daily("2020-03-10", "2020-05-15"), DataConfig(freq="MS", agg="mean"))
    assert len(short.frame) == 3
    assert (
        "the first and last period covered only in part (kept: too few whole periods)" in short.report.line()
    )


@pytest.mark.parametrize("freq", ["XNYS", "W-FRI"])
def test_intraday_bars_that_stop_midsession_drop_that_day_or_week(freq):
    """30-minute NYSE bars to Wednesday 20 March 2024, 12:00: that day's (and week's) last
    price is no close. Through the exchange's own calendar the next bar (12:30) is still in
    the period, so it goes; bars that run to the close keep their last session."""
    stamps = pd.date_range("2024-03-04 09:30", "2024-03-20 15:30", freq="30min", tz="America/New_York")
    stamps = stamps[(stamps.hour * 60 + stamps.minute >= 570) & (stamps.hour < 16) & (stamps.day_of_week < 5)]
    whole = pd.DataFrame(
        {"ts": stamps.strftime("%Y-%m-%dT%H:%M:%S%z"), "close": np.arange(len(stamps), dtype=float)}
    )
    noon = whole[stamps <= pd.Timestamp("2024-03-20 12:00", tz="America/New_York")]
    cut = prepare_series(noon, DataConfig(freq=freq, agg="last"))
    last = {"XNYS": "2024-03-19", "W-FRI": "2024-03-15"}[freq]
    assert cut.frame.index[-1].strftime("%Y-%m-%d") == last
    assert "the data covers only part of it, up to 2024-03-20 12:00" in cut.report.line()
    if freq == "XNYS":
        kept = prepare_series(whole, DataConfig(freq=freq, agg="last"))
        assert (
            kept.frame.index[-1].strftime("%Y-%m-%d") == "2024-03-20" and "dropped" not in kept.report.line()
        )


@settings(max_examples=60)
@given(
    st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(70, 400),
    st.sampled_from(["sum", "mean", "last", "first", "max"]),
)
def test_a_month_is_kept_exactly_when_the_days_cover_it_or_its_aggregation_is_whole(start, days, agg):
    """Daily rows into months: the first month goes when the data starts after its 1st
    (unless --agg last), the last when it ends before its last day (unless --agg first),
    unless fewer than two whole months would be left; every month kept holds the
    aggregation of its days, unchanged."""
    first_day = pd.Timestamp(start)
    raw = _daily(str(first_day.date()), str((first_day + pd.Timedelta(days=days - 1)).date()))
    series = prepare_series(raw, DataConfig(freq="MS", agg=agg))
    stamps = pd.to_datetime(raw["date"])
    lead = agg != "last" and stamps.iloc[0].day != 1
    trail = agg != "first" and not stamps.iloc[-1].is_month_end
    months = pd.date_range(stamps.iloc[0].to_period("M").to_timestamp(), stamps.iloc[-1], freq="MS")
    if len(months) - lead - trail < 2:  # too few whole months: all kept, and said
        lead = trail = False
    expected = months[int(lead) : len(months) - int(trail)]
    assert list(series.frame.index) == list(expected)
    by_month = raw.assign(m=stamps.dt.to_period("M").dt.to_timestamp()).groupby("m")["sales"].agg(agg)
    np.testing.assert_array_equal(series.y, by_month.loc[expected].to_numpy())


def _nyse_bars(first: str, last: str, label: str = "left") -> pd.DatetimeIndex:
    from forecast_cli.calendars import Calendar

    bars = Calendar("XNYS", "30min").bars(pd.Timestamp(first), pd.Timestamp(last))
    return getattr(bars, label).tz_convert("America/New_York")


def test_bars_stamped_by_their_end_are_refused():
    """bad input: 30-minute NYSE bars stamped by their end (10:00 for 09:30-10:00) with
    --freq XNYS@30min -> exit 2, naming the rows at the closes and asking for start stamps
    (each value went silently into the next bar's slot; the closing bar was dropped)"""
    from forecast_cli.series import prepare_series

    ends = _nyse_bars("2024-10-01", "2024-10-31", "right")
    frame = pd.DataFrame({"t": [t.isoformat() for t in ends], "y": np.arange(len(ends), dtype=float)})
    with pytest.raises(DataError, match="rows sit at XNYS closes or breaks .* stamped by their end"):
        prepare_series(frame, DataConfig(freq="XNYS@30min"))
    starts = _nyse_bars("2024-10-01", "2024-10-31")
    closing = pd.DataFrame({"t": ["2024-10-01T16:00:00-04:00"], "y": [1.0]})  # one auction print
    frame = pd.concat([pd.DataFrame({"t": [t.isoformat() for t in starts], "y": 2.0}), closing])
    series = prepare_series(frame, DataConfig(freq="XNYS@30min"))
    assert "1 rows dropped (outside XNYS trading hours, first 2024-10-01 16:00" in series.report.line()


def test_bars_on_one_fixed_offset_move_to_the_exchanges_zone():
    """NYSE bars written -04:00 (a summer's export) are read in America/New_York: the same
    instants, but the forecast after the clock change is stamped -05:00 at the 09:30 open
    (it read 10:30-04:00), and hour-of-day inputs see the open at 9."""
    from forecast_cli.series import prepare_series
    from forecast_cli.steps import future_index

    starts = _nyse_bars("2024-09-03", "2024-11-01")
    fixed = starts.tz_convert("-04:00")
    frame = pd.DataFrame({"t": [t.isoformat() for t in fixed], "y": np.arange(len(fixed), dtype=float)})
    series = prepare_series(frame, DataConfig())
    assert str(series.frame.index.tz) == "America/New_York" and (series.frame.index == starts).all()
    assert "UTC-04:00 stamps read in America/New_York, the XNYS zone" in series.report.line()
    after = future_index(series.frame.index[-1], series.freq, 1)
    assert str(after[0]) == "2024-11-04 09:30:00-05:00"


def test_a_panel_of_two_exchanges_bars_names_a_fix_that_works():
    """bad input: a long panel of Tokyo and London 30-minute bars, both written in UTC ->
    exit 2, naming both exchanges and --ids (the old advice, --freq 30min, gave each series
    its exchange's bars again and the same error); --freq B puts them on one grid"""
    from forecast_cli.calendars import Calendar
    from forecast_cli.panel import prepare_panel

    def bars(exchange: str, key: str) -> pd.DataFrame:
        starts = Calendar(exchange, "30min").bars(pd.Timestamp("2024-10-01"), pd.Timestamp("2024-11-29")).left
        utc = starts.tz_convert("UTC")
        return pd.DataFrame(
            {"id": key, "t": [t.isoformat() for t in utc], "y": 1.0 + np.arange(len(utc)) % 5}
        )

    long = pd.concat([bars("XTKS", "7203.T"), bars("XLON", "VOD.L")])
    with pytest.raises(
        DataError, match=r"bars of different exchanges \(XTKS@30min: 7203.T; XLON@30min: VOD.L\).*--ids"
    ):
        prepare_panel(long, DataConfig(id_col="id"))
    assert prepare_panel(long, DataConfig(id_col="id", freq="B")).freq == "B"


def test_clock_bins_start_at_the_rows_earliest_phase():
    """A logger's minutes written 0-2 seconds late each stay in their own minute: binned from
    the first row's second (:02), a row at 00:01:01 shared a bin with 00:00:02, and 690 pairs
    of real minutes were averaged while 689 minutes were invented. Readings at :30 past the
    hour keep their :30."""
    rng = np.random.default_rng(0)
    minutes = pd.date_range("2000-06-05", periods=300, freq="min")
    late = minutes + pd.to_timedelta(rng.integers(0, 3, 300), unit="s")
    late = late.insert(0, minutes[0] + pd.Timedelta(seconds=2)).delete(1)  # the first row 2 s late
    frame = pd.DataFrame({"y": np.arange(300.0)}, index=late)
    regular = regularise(frame, "min", "mean")
    assert list(regular.frame.index) == list(minutes) and regular.gaps == 0
    assert regular.frame["y"].tolist() == list(np.arange(300.0))  # no row merged with another
    half_past = pd.date_range("2021-01-01 00:30", periods=48, freq="h")
    kept = regularise(pd.DataFrame({"y": np.arange(48.0)}, index=half_past), "h", "mean")
    assert list(kept.frame.index) == list(half_past)


def test_clock_rows_a_few_seconds_either_side_of_the_grid_each_keep_their_own_step():
    """5-minute readings written up to 2 seconds early or late: their phases sit on both
    sides of 0, so the earliest phase was 23:59:58's and the bins started at the first row
    (00:00:02); 333 of 2,000 rows shared a bin with a neighbour and were averaged, with a
    gap invented beside each (refused now that an inferred step may not combine rows, but
    nothing was wrong with the rows). Read from half a step before, the phases are one
    cluster: every row keeps its own step, labelled on the grid, its value unchanged."""
    rng = np.random.default_rng(0)
    grid = pd.date_range("2024-01-01", periods=2000, freq="5min")
    stamps = grid + pd.to_timedelta(rng.integers(-2, 3, 2000), unit="s")
    frame = pd.DataFrame({"y": np.arange(2000.0)}, index=stamps)
    regular = regularise(frame, "5min", "mean")
    assert list(regular.frame.index) == list(grid) and regular.gaps == 0 and regular.combined == 0
    assert regular.frame["y"].tolist() == list(np.arange(2000.0))
    raw = pd.DataFrame({"t": stamps.strftime("%Y-%m-%d %H:%M:%S"), "y": np.arange(2000.0)})
    assert prepare_series(raw, DataConfig()).freq == "5min"  # inferred, nothing refused
    hours = pd.date_range("2024-01-01", periods=600, freq="h")
    late = hours.where(~np.isin(np.arange(600), (100, 300, 500)), hours + pd.Timedelta(minutes=40))
    kept = regularise(pd.DataFrame({"y": np.arange(600.0)}, index=late), "h", "mean")  # no cluster: its hour
    assert list(kept.frame.index) == list(hours) and kept.frame["y"].tolist() == list(np.arange(600.0))


def test_business_days_drop_and_count_weekend_rows_instead_of_averaging_them_into_friday():
    """A shop open Monday to Saturday under --freq B: pandas binned each Saturday into the
    Friday before it, so Friday 2023-05-12 read 107.6, the mean of Friday's 97.1 and
    Saturday's 118.1, with '0 duplicates merged'. B means weekdays: the Saturdays are
    dropped and counted, and every weekday keeps its own value. One stray Saturday in
    weekday data no longer makes the last Friday 'partial' (it was dropped, and predict
    started on a day the data already had)."""
    days = pd.date_range("2023-05-01", "2023-05-27", freq="D")
    days = days[days.day_of_week != 6]  # closed on Sundays
    values = np.arange(len(days), dtype=float) * 10 + 5
    raw = pd.DataFrame({"date": days, "sales": values})
    series = prepare_series(raw, DataConfig(freq="B"))
    weekdays = days[days.day_of_week < 5]
    assert list(series.frame.index) == list(weekdays)
    assert series.frame["sales"].to_numpy().tolist() == values[days.day_of_week < 5].tolist()
    assert series.report.rows_dropped == 4 and series.report.dropped_why == "on weekends, first 2023-05-06"
    assert "4 rows dropped (on weekends, first 2023-05-06)" in series.report.line()

    stray = pd.DataFrame(
        {"date": [*weekdays, pd.Timestamp("2023-05-13")], "v": np.arange(len(weekdays) + 1.0)}
    )
    kept = prepare_series(stray.sort_values("date"), DataConfig(freq="B"))
    assert kept.frame.index[-1] == pd.Timestamp("2023-05-26") and kept.report.rows_dropped == 1
    assert "dropped: the data covers only part" not in kept.report.line()


def test_weeks_of_one_weekday_are_not_moved_onto_another_weekdays_grid():
    """bad input: weekly rows stamped on Mondays (W-MON) given --freq W-SUN -> exit 2,
    naming both weekdays; pandas binned the week ending Monday 2016-01-04 into the one
    ending Sunday 2016-01-10, every value six days late and the forecast a week late, with
    no word. Daily rows onto W-SUN, and weeks onto months, still aggregate."""
    mondays = pd.date_range("2015-06-01", periods=40, freq="W-MON")
    raw = pd.DataFrame({"week": mondays, "y": np.arange(40.0)})
    with pytest.raises(
        DataError,
        match=r"weeks stamped on Mondays \(W-MON\); a W-SUN grid would move each to the Sunday 6 days after it",
    ):
        prepare_series(raw, DataConfig(freq="W-SUN"))
    assert len(prepare_series(raw, DataConfig(freq="W-MON")).frame) == 40
    daily = pd.DataFrame({"day": pd.date_range("2015-06-01", periods=70, freq="D"), "y": np.arange(70.0)})
    assert prepare_series(daily, DataConfig(freq="W-SUN")).frame.index[0] == pd.Timestamp("2015-06-07")


def test_a_panel_of_weeks_on_different_weekdays_names_no_grid_that_moves_them():
    """bad input: a long panel with one series of Sunday weeks and one of Monday weeks ->
    exit 2; the old advice, 'give --freq to put them on one grid', led to the six-day move"""
    from forecast_cli.panel import prepare_panel

    parts = [
        pd.DataFrame(
            {"id": name, "week": pd.date_range("2015-06-01", periods=30, freq=f), "y": np.arange(30.0)}
        )
        for name, f in (("sun", "W-SUN"), ("mon", "W-MON"))
    ]
    with pytest.raises(
        DataError, match="weeks stamped on different weekdays .*stamp every series' weeks on one weekday"
    ):
        prepare_panel(pd.concat(parts), DataConfig(id_col="id"))


def test_gaps_that_all_fall_on_one_weekday_are_said_to():
    """A shop closed on Sundays, read as days: 71 Sundays were filled with only a count
    ('71 gaps filled (first 2022-01-09)'); the load line now says every one is a Sunday.
    Gaps on mixed weekdays keep the bare count."""
    days = pd.date_range("2022-01-03", periods=70, freq="D")
    open_days = days[days.day_of_week != 6]
    closed = prepare_series(
        pd.DataFrame({"d": open_days, "y": np.arange(len(open_days), dtype=float)}), DataConfig()
    )
    assert "9 gaps filled (first 2022-01-09, every one a Sunday)" in closed.report.line()
    lost = days.delete([6, 13, 22, 40])  # a Sunday, a Sunday, a Tuesday, a Sunday
    mixed = prepare_series(pd.DataFrame({"d": lost, "y": np.arange(len(lost), dtype=float)}), DataConfig())
    assert "4 gaps filled (first 2022-01-09), " in mixed.report.line()


def test_a_panel_of_shops_closed_on_one_weekday_says_so_in_its_line():
    """The panel's line counts gaps over its series; each series' 'every one a Sunday' was
    lost in that count, and four shops closed on Sundays had every Sunday filled with only
    '204 gaps filled (in S0, S1, S2 ...)'. Said once when every series with gaps agrees;
    a series whose gaps are mixed keeps the bare count."""
    from forecast_cli.panel import prepare_panel

    days = pd.date_range("2022-01-03", periods=70, freq="D")
    open_days = days[days.day_of_week != 6]
    shops = pd.concat(
        pd.DataFrame({"shop": f"S{i}", "d": open_days, "y": np.arange(len(open_days), dtype=float) + i})
        for i in range(4)
    )
    panel = prepare_panel(shops, DataConfig(id_col="shop"))
    assert "36 gaps filled (in S0, S1, S2 ..., every one a Sunday)" in panel.summary_line()
    lost = days.delete([6, 13, 22, 40])  # a Tuesday among the Sundays
    mixed = pd.concat([shops, pd.DataFrame({"shop": "T", "d": lost, "y": np.arange(len(lost), dtype=float)})])
    assert (
        "40 gaps filled (in S0, S1, S2 ...), "
        in prepare_panel(mixed, DataConfig(id_col="shop")).summary_line()
    )


@pytest.mark.parametrize(
    ("shift_seconds", "said"),
    [
        ([0, 2, -3, 1, 0, -1], "192 stamps put on the 5min grid (up to 3s off it)"),
        ([0, 0.5, 0, 0, 0, 0], "48 stamps put on the 5min grid (up to 500ms off it)"),
        ([0, 0, 0, 0, 0, 0], None),
    ],
)
def test_stamps_moved_onto_the_grid_are_counted(shift_seconds, said):
    """A logger's stamps a few seconds either side of 5-minute marks are labelled by the
    marks: values kept, stamps changed, and the load line did not say so."""
    marks = pd.date_range("2024-05-01", periods=288, freq="5min")
    shifts = pd.to_timedelta(np.resize(shift_seconds, len(marks)), unit="s")
    raw = pd.DataFrame({"time": (marks + shifts).strftime("%Y-%m-%d %H:%M:%S.%f"), "temp": np.arange(288.0)})
    series = prepare_series(raw, DataConfig())
    assert list(series.frame.index) == list(marks) and series.y.tolist() == list(np.arange(288.0))
    line = series.report.line()
    assert (said in line) if said else ("stamps put on" not in line)


def test_a_daily_row_off_midnight_is_counted_as_moved():
    """One daily row at 13:00 among midnights is put on its day, and the load line says so
    (it said nothing, and the README promises every stamp moved is counted)."""
    days = pd.date_range("2021-02-01", periods=20, freq="D")
    stamps = days.where(days != days[9], days[9] + pd.Timedelta(hours=13))
    raw = pd.DataFrame({"date": stamps.strftime("%Y-%m-%d %H:%M"), "y": np.arange(20.0)})
    series = prepare_series(raw, DataConfig())
    assert list(series.frame.index) == list(days) and series.y.tolist() == list(np.arange(20.0))
    assert "1 stamp put on the D grid (up to 13h off it)" in series.report.line()


@pytest.mark.parametrize(
    ("zone", "times"),
    [
        ("Europe/London", "00:00 and 23:00"),
        ("Europe/Berlin", "22:00 and 23:00"),
    ],
)
def test_daily_values_stamped_at_local_midnight_in_utc_keep_their_dates(zone, times):
    """An API's daily values stamped with the UTC instant of local midnight (London: 23:00Z in
    summer, 00:00Z in winter): binned by the UTC date, every summer day took the date before
    its own and a day the file has was filled as a gap (Berlin's every day), exit 0
    without a word. Each row takes the date of its nearest midnight, and the load line
    says why."""
    local = pd.date_range("2021-09-15", "2021-11-30", freq="D", tz=zone)
    raw = pd.DataFrame(
        {
            "date": local.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ"),
            "y": np.arange(len(local), dtype=float),
        }
    )
    series = prepare_series(raw, DataConfig())
    assert [t.date() for t in series.frame.index] == [t.date() for t in local]
    assert series.y.tolist() == list(np.arange(len(local), dtype=float))
    line = series.report.line()
    assert "0 gaps filled" in line and f"daily stamps at {times} UTC read as local midnights" in line


@pytest.mark.parametrize(
    ("zone", "start", "said"),
    [
        (
            "Europe/London",
            "2021-10-20",
            "the repeated hours fall on clock-change nights (first 2021-10-31 01:00)",
        ),
        (
            "Europe/London",
            "2021-03-20",
            "the missing hours fall on clock-change nights (first 2021-03-28 01:00)",
        ),
        (
            "America/New_York",
            "2021-10-25",
            "the repeated hours fall on clock-change nights (first 2021-11-07 01:00)",
        ),
    ],
)
def test_naive_local_hours_repeated_or_skipped_by_a_clock_change_are_named(zone, start, said):
    """Hourly readings written in local time without their offset: the autumn's repeated
    hour was merged as a duplicate and the spring's missing one filled as a gap, counted
    but unexplained. The load line names the clock change and the fix."""
    local = pd.date_range(start, periods=24 * 21, freq="h", tz=zone)
    raw = pd.DataFrame({"time": local.strftime("%Y-%m-%d %H:%M"), "load": np.arange(len(local), dtype=float)})
    line = prepare_series(raw, DataConfig()).report.line()
    assert said in line and "stamps with their offset, or in UTC, keep every hour" in line
    hours = pd.date_range(start, periods=24 * 21, freq="h")  # a naive clock with no change: nothing said
    plain = pd.DataFrame(
        {"time": hours.strftime("%Y-%m-%d %H:%M"), "load": np.arange(len(hours), dtype=float)}
    )
    assert "clock-change" not in prepare_series(plain, DataConfig()).report.line()


@pytest.mark.parametrize(
    ("zone", "hour"),
    [("Europe/London", 12), ("America/New_York", 16), ("Australia/Sydney", 0), ("Europe/London", 23.5)],
)
def test_daily_readings_far_from_midnight_in_utc_keep_the_dates_they_fall_on(zone, hour):
    """London's noon (11:00 and 12:00 UTC) and New York's 16:00 close (20:00 and 21:00 UTC)
    also alternate by an hour with summer time; read as local midnights, noon's rows were
    refused as two to a day and the close's all dated a day late. Only times within two
    hours of midnight are midnights; the rest keep the UTC dates they fall on, as before
    (Sydney's midnights, 13:00 and 14:00 UTC, cannot be told from a noon: they too), and
    only whole hours: London's 23:30 readings are 22:30 and 23:30 UTC."""
    local = pd.date_range("2023-01-01", "2024-12-31", freq="D", tz=zone) + pd.Timedelta(hours=hour)
    utc = local.tz_convert("UTC")
    raw = pd.DataFrame({"date": utc.strftime("%Y-%m-%dT%H:%M:%SZ"), "y": np.arange(len(utc), dtype=float)})
    series = prepare_series(raw, DataConfig())
    assert [t.date() for t in series.frame.index] == [t.date() for t in utc]
    assert series.y.tolist() == list(np.arange(len(utc), dtype=float))
    assert "local midnights" not in series.report.line()


@pytest.mark.parametrize(("start", "freq"), [("2024-03-01 00:10", "5min"), ("2000-06-05 00:30", "30min")])
def test_finer_rows_summed_into_hours_are_binned_on_the_clock_not_from_the_first_row(start, freq):
    """5-minute rows from 00:10 (or half-hours from 00:30) into hours: each hour is 00:00 to
    01:00 on the clock, the part-hour at the start dropped and said. Binned from the first
    row, the "hours" ran 00:10-01:05 (and 23:30-00:30, across midnight), and the forecast
    was stamped at 23:10."""
    index = pd.date_range(start, "2024-03-03 23:55" if freq == "5min" else "2000-06-07 23:30", freq=freq)
    raw = pd.DataFrame({"t": index.strftime("%Y-%m-%d %H:%M"), "y": np.arange(len(index), dtype=float)})
    series = prepare_series(raw, DataConfig(freq="h", agg="sum"))
    assert (series.frame.index.minute == 0).all()
    assert series.frame.index[0] == pd.Timestamp(start).ceil("h")
    by_hour = raw.assign(h=pd.to_datetime(raw["t"]).dt.floor("h")).groupby("h")["y"].sum()
    assert series.y.tolist() == by_hour.iloc[1:].tolist()  # every clock hour but the part-hour
    assert f"dropped: the data covers only part of it, from {start}" in series.report.line()


@pytest.mark.parametrize(
    ("native", "freq", "dates", "kept"),
    [  # 16 half-years / 48 two-month periods of whole months: nothing is partial
        ("MS", "6MS", ("2015-01-01", "2022-12-01"), ("2015-01-01", "2022-07-01", 16)),
        ("MS", "2MS", ("2015-01-01", "2022-12-01"), ("2015-01-01", "2022-11-01", 48)),
        # Sunday weeks into fortnights: a one-week fortnight at either end is partial
        ("W-SUN", "2W-SUN", ("2020-01-05", "2022-12-25"), ("2020-01-19", "2022-12-18", 77)),
    ],
)
def test_multiples_of_anchored_steps_judge_the_ends_by_the_data_own_bins(native, freq, dates, kept):
    """Whether an end period is partial is read off the bins the data was put in. Two
    probes binned on their own started pandas' multi-month bins at the first probe: two
    whole half-years were dropped as partial, and one-week ends kept as fortnights (the
    last labelled a week after the data ended)."""
    index = pd.date_range(*dates, freq=native)
    raw = pd.DataFrame({"t": index.strftime("%Y-%m-%d"), "y": np.ones(len(index))})
    series = prepare_series(raw, DataConfig(freq=freq, agg="sum"))
    first, last, rows = kept
    assert (series.frame.index[0], series.frame.index[-1], len(series.frame)) == (
        pd.Timestamp(first),
        pd.Timestamp(last),
        rows,
    )
    whole = 6 if freq == "6MS" else 2
    assert (series.y == whole).all()


@pytest.mark.parametrize(
    ("dates", "native", "freq", "said"),
    [
        (("2000-01-01", "2014-10-01"), "QS", "QS-FEB", "quarters starting in Jan, Apr, Jul, Oct (QS)"),
        (
            ("2000-03-31", "2014-12-31"),
            "QE",
            "QE-NOV",
            "the periods of a QE-NOV grid start in Mar, Jun, Sep, Dec",
        ),
        (("1970-01-01", "2020-01-01"), "YS", "YS-JUL", "years starting in Jan (YS)"),
        (("2000-02-01", "2014-11-01"), "QS-FEB", "YS", "quarters starting in Feb, May, Aug, Nov"),
    ],
)
def test_periods_are_not_moved_into_periods_they_only_overlap(dates, native, freq, said):
    """bad input: quarters under --freq QS-FEB (years under YS-JUL) -> exit 2, "... would move into a period it only overlaps: step them as QS" (each value was relabelled two months back, silently)"""
    index = pd.date_range(*dates, freq=native)
    raw = pd.DataFrame({"t": index.strftime("%Y-%m-%d"), "y": np.arange(len(index), dtype=float)})
    with pytest.raises(DataError, match="would move into a period it only overlaps") as refused:
        prepare_series(raw, DataConfig(freq=freq, agg="sum"))
    assert said in str(refused.value)


@pytest.mark.parametrize(
    ("native", "freq", "agg"),
    [("QS", "YS-JUL", "sum"), ("MS", "QS-FEB", "sum"), ("QS", "QE", "mean"), ("W-SUN", "MS", "mean")],
)
def test_periods_that_nest_are_combined(native, freq, agg):
    """Quarters into July years, months into February quarters, quarters relabelled by their
    ends, a month's mean of its weeks: every row lies inside one period."""
    index = pd.date_range("2001-01-01", "2012-12-31", freq=native)
    raw = pd.DataFrame({"t": index.strftime("%Y-%m-%d"), "y": np.ones(len(index))})
    assert len(prepare_series(raw, DataConfig(freq=freq, agg=agg)).frame) > 10


def test_weeks_summed_into_months_are_refused():
    """bad input: Sunday weeks under --freq MS --agg sum -> exit 2, "no whole number of weeks fits a MS period" (4 or 5 weeks were summed per month, silently)"""
    index = pd.date_range("2020-01-05", "2022-12-25", freq="W-SUN")
    raw = pd.DataFrame({"t": index.strftime("%Y-%m-%d"), "y": np.ones(len(index))})
    for freq in ("MS", "QS", "YS", "2MS"):
        with pytest.raises(
            DataError, match=rf"weeks \(W-SUN\), and no whole number of weeks fits a {freq} period"
        ):
            prepare_series(raw, DataConfig(freq=freq, agg="sum"))


def test_a_panel_of_quarters_starting_in_different_months_names_the_fix_that_works():
    """bad input: a panel of QS and QS-FEB quarters -> exit 2, "stamp every series' quarters on the same months" (its advice, give --freq, led to a silent move)"""
    from forecast_cli.panel import prepare_panel

    a = pd.date_range("2000-01-01", periods=40, freq="QS")
    b = pd.date_range("2000-02-01", periods=40, freq="QS-FEB")
    raw = pd.concat([pd.DataFrame({"id": k, "ds": d, "y": np.arange(40.0)}) for k, d in (("A", a), ("B", b))])
    with pytest.raises(DataError, match="quarters starting in different months .* on the same months"):
        prepare_panel(raw, DataConfig(id_col="id"))
    same = pd.concat(
        [
            pd.DataFrame({"id": "A", "ds": a, "y": np.arange(40.0)}),
            pd.DataFrame({"id": "B", "ds": a + pd.offsets.QuarterEnd(0), "y": np.arange(40.0)}),
        ]
    )
    with pytest.raises(DataError, match="different frequencies .* give --freq"):
        prepare_panel(same, DataConfig(id_col="id"))  # QS and QE: the same quarters, labelled apart


@pytest.mark.parametrize(
    ("agg", "said"), [(None, "by mean (the default: --agg sum for totals"), ("sum", "by sum")]
)
def test_the_load_line_names_how_rows_were_combined_into_coarser_periods(agg, said):
    """Daily sales into months by the default mean are the mean day's sales, not the
    month's: the load line said only its row counts, and only ``info -f json`` the agg."""
    days = pd.date_range("2020-01-01", "2020-12-31", freq="D")
    raw = pd.DataFrame({"t": days.strftime("%Y-%m-%d"), "y": np.ones(len(days))})
    line = prepare_series(raw, DataConfig(freq="MS", agg=agg)).report.line()
    assert f"D rows combined into MS periods {said}" in line


def test_inner_periods_combined_from_part_of_their_rows_are_counted():
    """Daily values into months by mean, seven June days missing: June is the mean of its 23
    days, kept (the best guess at June's), and the load line counts it; it said nothing."""
    days = pd.date_range("2023-01-01", "2023-12-31", freq="D")
    days = days[~((days >= "2023-06-10") & (days < "2023-06-17"))]
    raw = pd.DataFrame({"t": days.strftime("%Y-%m-%d"), "y": np.arange(len(days), dtype=float)})
    series = prepare_series(raw, DataConfig(freq="MS", agg="mean"))
    assert len(series.frame) == 12 and series.report.gaps_filled == 0
    assert "1 period combined from part of its rows (first labelled 2023-06-01: 23 of 30 D rows)" in (
        series.report.line()
    )
    whole = pd.date_range("2023-01-01", "2023-12-31", freq="D")
    full = pd.DataFrame({"t": whole.strftime("%Y-%m-%d"), "y": np.ones(len(whole))})
    assert "part of" not in prepare_series(full, DataConfig(freq="MS", agg="mean")).report.line()


@pytest.mark.parametrize(
    ("start", "end", "step", "freq", "first", "last"),
    [  # daily rows at 09:00, whole months: none is partial
        ("2024-01-01 09:00", "2024-06-30 09:00", "D", "ME", "2024-01-31", "2024-06-30"),
        # hours from New Year to noon on 31 March: March misses 11 hours, January is whole
        ("2024-01-01 00:00", "2024-03-31 12:00", "h", "ME", "2024-01-31", "2024-02-29"),
        # hours from 10:00 on 31 January: that "January" holds 14 hours
        ("2024-01-31 10:00", "2024-04-30 23:00", "h", "ME", "2024-02-29", "2024-04-30"),
        ("2024-01-03 10:00", "2024-03-31 23:00", "h", "W-SUN", "2024-01-14", "2024-03-31"),
    ],
)
def test_end_labelled_periods_hold_their_whole_label_day(start, end, step, freq, first, last):
    """pandas closes a month ending on the 31st at the end of that day: 09:00 on 31 January
    is January's. Read as closing at midnight, whole first months were dropped as partial
    and a March missing 11 hours was kept."""
    index = pd.date_range(start, end, freq=step)
    raw = pd.DataFrame({"t": index.strftime("%Y-%m-%d %H:%M"), "y": np.ones(len(index))})
    series = prepare_series(raw, DataConfig(freq=freq, agg="sum"))
    assert (series.frame.index[0], series.frame.index[-1]) == (pd.Timestamp(first), pd.Timestamp(last))
    by_period = raw.assign(p=pd.to_datetime(raw["t"])).groupby(pd.Grouper(key="p", freq=freq))["y"].sum()
    assert series.y.tolist() == by_period.loc[first:last].tolist()


@pytest.mark.parametrize(("native", "freq"), [("MS", "BMS"), ("YE", "BYE"), ("ME", "BQE")])
def test_calendar_stamped_periods_are_not_put_on_a_business_day_grid(native, freq):
    """bad input: calendar years (YE) under --freq BYE -> exit 2, "labels each by its business day ... step them as YE" (a year stamped on a Saturday 31 December moved into the next, and a gap was invented)"""
    index = pd.date_range("2000-01-01", "2019-12-31", freq=native)
    raw = pd.DataFrame({"t": index.strftime("%Y-%m-%d"), "y": np.arange(len(index), dtype=float)})
    with pytest.raises(
        DataError,
        match=rf"stamped by the calendar \({native}\); a {freq} grid labels each by its business day",
    ):
        prepare_series(raw, DataConfig(freq=freq, agg="sum"))
    if freq == "BQE":
        return
    business = pd.date_range("2000-01-01", "2019-12-31", freq=freq)  # the other way round nests
    raw = pd.DataFrame({"t": business.strftime("%Y-%m-%d"), "y": np.ones(len(business))})
    assert len(prepare_series(raw, DataConfig(freq=native, agg="sum")).frame) == len(business)
