"""Ticker data: shape normalisation, cache behaviour, limits and failures (no network)."""

from __future__ import annotations

import pandas as pd
import pytest
import yfinance

from forecast_cli.config import DataConfig
from forecast_cli.errors import SourceError, UsageError
from forecast_cli.series import prepare_series
from forecast_cli.sources import fetch_ticker, resolve_range
from forecast_cli.ticker_exchanges import calendar_for
from forecast_cli.yahoo_download import normalise_bars

from .yahoo_fake import FakeYahoo

NOW = pd.Timestamp("2017-11-13 18:00", tz="UTC")  # a Monday, after the sample's last bar


def test_multiindex_frame_is_normalised_to_plain_columns_and_dates(yahoo):
    raw = yahoo.download("MSFT", start="2017-01-03", end="2017-01-10", interval="1d")
    assert isinstance(raw.columns, pd.MultiIndex)
    frame, tz = normalise_bars(raw, "MSFT", "1d", adjusted=False)
    assert list(frame.columns) == ["Open", "High", "Low", "Close", "Volume"]
    assert frame.index.name == "timestamp" and frame.index.tz is None
    assert tz == "America/New_York"
    adjusted, _ = normalise_bars(raw, "MSFT", "1d", adjusted=True)
    assert "Adj Close" in adjusted.columns


def test_daily_fetch_reads_the_range_and_knows_the_exchange(yahoo, tmp_path):
    result = fetch_ticker("msft", "1d", start="2017-01-01", end="2017-02-01", cache_dir=tmp_path, now=NOW)
    assert result.frame.index[0] == pd.Timestamp("2017-01-03") and result.frame.index[-1] == pd.Timestamp(
        "2017-01-31"
    )
    assert calendar_for("1d", result.exchange_tz) == "XNYS"
    assert "0 from cache" in result.notes[0] and "downloaded" in result.notes[0]


def test_second_call_is_served_from_the_cache(yahoo, tmp_path):
    fetch_ticker("MSFT", "1d", start="2017-01-01", end="2017-06-01", cache_dir=tmp_path, now=NOW)
    again = fetch_ticker("MSFT", "1d", start="2017-02-01", end="2017-05-01", cache_dir=tmp_path, now=NOW)
    assert len(yahoo.calls) == 1
    assert "0 downloaded" in again.notes[0]
    assert again.frame.index[0] == pd.Timestamp("2017-02-01")


def test_a_longer_range_fetches_only_the_gap(yahoo, tmp_path):
    first = fetch_ticker("MSFT", "1d", start="2017-01-01", end="2017-06-01", cache_dir=tmp_path, now=NOW)
    wider = fetch_ticker("MSFT", "1d", start="2017-01-01", end="2017-09-01", cache_dir=tmp_path, now=NOW)
    assert len(yahoo.calls) == 2
    assert yahoo.calls[1]["start"] == "2017-06-01"
    assert len(wider.frame) > len(first.frame)
    assert wider.frame.index.is_unique and wider.frame.index.is_monotonic_increasing


def test_offline_with_an_empty_cache_fails_clearly(yahoo, tmp_path):
    with pytest.raises(SourceError, match="--offline, but nothing is cached for MSFT 1d"):
        fetch_ticker(
            "MSFT", "1d", start="2017-01-01", end="2017-02-01", cache_dir=tmp_path, offline=True, now=NOW
        )
    assert yahoo.calls == []


def test_offline_serves_the_cache_and_says_what_it_lacks(yahoo, tmp_path):
    fetch_ticker("MSFT", "1d", start="2017-01-01", end="2017-02-01", cache_dir=tmp_path, now=NOW)
    result = fetch_ticker(
        "MSFT", "1d", start="2017-01-01", end="2017-03-01", cache_dir=tmp_path, offline=True, now=NOW
    )
    assert len(yahoo.calls) == 1
    assert any("not refreshed" in note for note in result.notes)


def test_no_network_is_one_clear_error_and_stdout_stays_clean(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(yfinance, "download", FakeYahoo("offline").download)
    with pytest.raises(SourceError, match="cannot reach Yahoo Finance for MSFT"):
        fetch_ticker("MSFT", "1d", start="2017-01-01", end="2017-02-01", cache_dir=tmp_path, now=NOW)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_unknown_symbol_and_rate_limit_are_named(monkeypatch, yahoo, tmp_path):
    with pytest.raises(SourceError, match="ZZZZ: unknown or delisted symbol"):
        fetch_ticker("ZZZZ", "1d", start="2017-01-01", end="2017-02-01", cache_dir=tmp_path, now=NOW)
    monkeypatch.setattr(yfinance, "download", FakeYahoo("ratelimit").download)
    with pytest.raises(SourceError, match="rate limiting"):
        fetch_ticker("MSFT", "1d", start="2017-01-01", end="2017-02-01", cache_dir=tmp_path, now=NOW)


def test_intraday_limits_are_checked_before_calling_out(yahoo):
    with pytest.raises(UsageError, match="--interval 5m reaches back only 60 days"):
        resolve_range("5m", "2017-01-01", None, None, now=NOW)
    with pytest.raises(UsageError, match="--interval"):
        resolve_range("7m", None, None, None, now=NOW)
    assert yahoo.calls == []


def test_intraday_bars_keep_exchange_time_and_trading_hours(yahoo, tmp_path):
    result = fetch_ticker("MSFT", "5m", start="2017-11-06", end="2017-11-11", cache_dir=tmp_path, now=NOW)
    frame = result.frame
    assert str(frame.index.tz) == "America/New_York"
    assert frame.index[0] == pd.Timestamp("2017-11-06 09:30", tz="America/New_York")
    assert len(frame) == 5 * 78
    series = prepare_series(frame.reset_index(), DataConfig(target="Close", time_col="timestamp"))
    assert series.freq == "XNYS@5min" and len(series.frame) == 5 * 78  # no overnight or weekend rows
    cached = fetch_ticker("MSFT", "5m", start="2017-11-06", end="2017-11-11", cache_dir=tmp_path, now=NOW)
    assert len(yahoo.calls) == 1 and cached.frame.index.equals(frame.index)


def test_intraday_start_and_end_dates_are_the_exchanges_days(yahoo, tmp_path):
    """--start 2017-11-06 --end 2017-11-08 on Sydney bars is the sessions of 6 and 7 November,
    Sydney time: a UTC midnight cut the first hour of the first day (10:00 in Sydney is 23:00
    UTC the day before) and let the first hour of the excluded 8th in."""
    frame = fetch_ticker(
        "BHP.AX", "30m", start="2017-11-06", end="2017-11-08", cache_dir=tmp_path, now=NOW
    ).frame
    sydney = "Australia/Sydney"
    assert frame.index[0] == pd.Timestamp("2017-11-06 10:00", tz=sydney)
    assert frame.index[-1] == pd.Timestamp("2017-11-07 15:30", tz=sydney)
    assert len(frame) == 2 * 12
    # a bound with a time of day is an instant, as before
    later = fetch_ticker(
        "BHP.AX", "30m", start="2017-11-06T00:00:00Z", end="2017-11-08", cache_dir=tmp_path, now=NOW
    ).frame
    assert later.index[0] == pd.Timestamp("2017-11-06 11:00", tz=sydney)


def test_intraday_date_bounds_resolve_where_the_exchanges_clock_skips_midnight(yahoo, tmp_path, monkeypatch):
    """--start 2017-08-13 on Santiago bars: that day's midnight never happened there (the
    clocks went 00:00 -> 01:00), and localising the date was an unexpected ValueError."""
    from . import yahoo_fake

    monkeypatch.setitem(yahoo_fake.SERVED, "SQM-B.SN", 1.0)
    monkeypatch.setitem(yahoo_fake.HOURS, "SQM-B.SN", ("America/Santiago", "10h", "6h"))
    frame = fetch_ticker(
        "SQM-B.SN", "60m", start="2017-08-13", end="2017-08-16", cache_dir=tmp_path, now=NOW
    ).frame
    assert frame.index[0] == pd.Timestamp("2017-08-14 10:00", tz="America/Santiago")


def test_intraday_coarsens_to_hourly_bars_ohlc_aware(yahoo, tmp_path):
    frame = fetch_ticker(
        "MSFT", "5m", start="2017-11-06", end="2017-11-07", cache_dir=tmp_path, now=NOW
    ).frame
    cfg = DataConfig(
        target="Close", features=("High", "Low", "Volume"), time_col="timestamp", freq="1h", agg="ohlc"
    )
    hourly = prepare_series(frame.reset_index(), cfg)
    assert hourly.freq == "XNYS@1h"
    first_hour = frame.iloc[:12]  # 09:30 .. 10:25
    row = hourly.frame.iloc[0]
    assert row["High"] == pytest.approx(first_hour["High"].max())
    assert row["Low"] == pytest.approx(first_hour["Low"].min())
    assert row["Volume"] == pytest.approx(first_hour["Volume"].sum())
    assert row["Close"] == pytest.approx(first_hour["Close"].iloc[-1])


@pytest.mark.parametrize(
    "symbol, interval, zone, calendar",
    [
        ("MSFT", "1d", "America/New_York", "XNYS"),
        ("MSFT", "5m", "America/New_York", "XNYS@5min"),
        ("VOD.L", "1d", "Europe/London", "XLON"),
        ("SAP.DE", "1h", "Europe/Berlin", "XETR@1h"),
        ("7203.T", "1d", "Asia/Tokyo", "XTKS"),
        ("0700.HK", "1d", "Asia/Hong_Kong", "XHKG"),
        ("RY.TO", "1d", "America/Toronto", "XTSE"),
        ("BHP.AX", "1d", "Australia/Sydney", "XASX"),
        ("^FTSE", "1d", "Europe/London", "XLON"),  # no suffix: the zone decides
        ("RELIANCE.NS", "1d", "Asia/Kolkata", "XBOM"),
        ("600519.SS", "1d", "Asia/Shanghai", "XSHG"),
        ("000001.SZ", "1d", "Asia/Shanghai", "XSHG"),
        ("^BSESN", "1d", "Asia/Kolkata", "XBOM"),  # an index: the zone decides
        ("PETR4.SA", "1d", "America/Sao_Paulo", "BVMF"),
        ("MSFT", "1wk", "America/New_York", None),
        ("BTC-USD", "1d", "UTC", None),  # trades every day: let the data speak
        # a currency pair trades round the clock on weekdays, not London's stock-market hours
        ("EURUSD=X", "1h", "Europe/London", "24/5@1h"),
        ("JPY=X", "1d", "Europe/London", "24/5"),
        # Yahoo's US futures trade on CME Globex, not the NYSE's hours
        ("GC=F", "1h", "America/New_York", "CMES@1h"),
        ("ES=F", "1d", "America/Chicago", "CMES"),
        ("2222.SR", "1d", "Asia/Riyadh", "XSAU"),  # Tadawul: Sunday to Thursday
    ],
)
def test_the_exchange_calendar_comes_from_the_suffix_or_the_zone(symbol, interval, zone, calendar):
    assert calendar_for(interval, zone, symbol) == calendar


def test_ticker_daily_bars_regularise_on_real_sessions(yahoo, tmp_path):
    result = fetch_ticker("MSFT", "1d", start="2012-10-22", end="2012-11-06", cache_dir=tmp_path, now=NOW)
    cfg = DataConfig(
        target="Close", time_col="timestamp", freq=calendar_for("1d", result.exchange_tz, "MSFT")
    )
    series = prepare_series(result.frame.reset_index(), cfg)
    assert pd.Timestamp("2012-10-29") not in series.frame.index  # Hurricane Sandy closed the exchange
    assert series.report.gaps_filled == 0


def test_two_concurrent_writers_of_one_symbol_never_leave_one_range_beside_the_others_rows(yahoo, tmp_path):
    """Two runs (or Dask workers) caching MSFT at once, over different ranges: whatever a
    reader finds is one writer's rows with that writer's range, and no temporary is left."""
    import threading
    import time

    from forecast_cli.bar_cache import BarCache

    bars, _ = normalise_bars(yahoo.download("MSFT", "2017-01-01", "2017-07-01"), "MSFT", "1d", False)
    ranges = {  # end of the fetched range -> the rows a writer of that range holds
        pd.Timestamp("2017-04-01", tz="UTC"): bars[bars.index < "2017-04-01"],
        pd.Timestamp("2017-07-01", tz="UTC"): bars,
    }
    begin, stop_writing, seen = pd.Timestamp("2017-01-01", tz="UTC"), threading.Event(), set()

    def write(end):
        cache = BarCache(tmp_path, "MSFT", "1d", adjusted=False)  # each writer its own, as a process
        while not stop_writing.is_set():
            cache.save(ranges[end], begin, end, {"exchange_tz": "America/New_York"})

    writers = [threading.Thread(target=write, args=(end,)) for end in ranges]
    for thread in writers:
        thread.start()
    try:
        reader, loads, deadline = BarCache(tmp_path, "MSFT", "1d", adjusted=False), 0, time.monotonic() + 20
        while loads < 100 and time.monotonic() < deadline:
            frame, meta = reader.load()
            if frame is None:  # before the first rename
                continue
            loads += 1
            end = pd.Timestamp(meta["end"])
            assert len(frame) == len(ranges[end]) and frame.index[-1] == ranges[end].index[-1]
            seen.add(end)
    finally:
        stop_writing.set()
        for thread in writers:
            thread.join()
    assert seen == set(ranges)  # both writers were read at some point: the race was real
    assert sorted(p.name for p in tmp_path.iterdir()) == ["MSFT_1d.csv"]


def test_a_cache_from_the_two_file_layout_is_read_then_rewritten_as_one_file(yahoo, tmp_path):
    fetch_ticker("MSFT", "1d", start="2017-01-01", end="2017-02-01", cache_dir=tmp_path, now=NOW)
    data = tmp_path / "MSFT_1d.csv"
    meta_line, rows = data.read_text().split("\n", 1)
    data.write_text(rows)  # the earlier layout: rows here, the range in a sidecar
    (tmp_path / "MSFT_1d.json").write_text(meta_line.removeprefix("# forecast-cache "))
    offline = fetch_ticker(
        "MSFT", "1d", start="2017-01-01", end="2017-02-01", cache_dir=tmp_path, offline=True, now=NOW
    )
    assert len(offline.frame) == 20 and len(yahoo.calls) == 1
    fetch_ticker("MSFT", "1d", start="2017-01-01", end="2017-03-01", cache_dir=tmp_path, now=NOW)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["MSFT_1d.csv"]
    assert data.read_text().startswith("# forecast-cache {")


@pytest.mark.parametrize(
    "edit",
    [
        lambda meta: meta.pop("start"),
        lambda meta: meta.update(start="garbage"),
        lambda meta: meta.update(start="2017-01-01"),  # no zone: compared with zoned bounds
        lambda meta: meta.update(fetched=5),
    ],
)
def test_a_cache_whose_range_line_was_edited_is_refetched_not_a_crash(yahoo, tmp_path, edit):
    """A damaged cache is refetched (and offline, absent): a first line without a start, with
    a date that is no date or has no zone, ended as exit 1 (KeyError, TypeError)."""
    import json

    fetch_ticker("MSFT", "1d", start="2017-01-01", end="2017-02-01", cache_dir=tmp_path, now=NOW)
    path = next(tmp_path.glob("MSFT_1d*.csv"))
    first, rest = path.read_text().split("\n", 1)
    meta = json.loads(first[len("# forecast-cache ") :])
    edit(meta)
    path.write_text("# forecast-cache " + json.dumps(meta) + "\n" + rest)
    with pytest.raises(SourceError, match="nothing is cached"):
        fetch_ticker(
            "MSFT", "1d", start="2017-01-01", end="2017-02-01", cache_dir=tmp_path, offline=True, now=NOW
        )
    again = fetch_ticker("MSFT", "1d", start="2017-01-01", end="2017-02-01", cache_dir=tmp_path, now=NOW)
    assert len(yahoo.calls) == 2 and again.frame.index[0] == pd.Timestamp("2017-01-03")


@pytest.mark.parametrize("interval", ["1d", "30m"])
def test_range_bounds_are_what_the_installed_yfinance_reads(interval):
    """The fake reads bounds by yfinance 1.x's rules; this holds the installed yfinance's own
    parser to them: a date-time string (what we passed for intraday bars) raised before any
    request, and the bound must name the intended instant or exchange day."""
    utils = pytest.importorskip("yfinance.utils")
    parse = getattr(utils, "_parse_user_dt", None)
    if parse is None:
        pytest.skip("this yfinance has no _parse_user_dt")
    from forecast_cli.yahoo_download import _yahoo_bound

    start = pd.Timestamp("2026-11-03 14:30", tz="UTC")
    got = pd.Timestamp(parse(_yahoo_bound(start, interval), "America/New_York"))
    want = start if interval == "30m" else pd.Timestamp("2026-11-03", tz="America/New_York")
    assert got == want


NY = "America/New_York"


def test_an_hourly_bar_still_trading_is_neither_kept_nor_cached_and_is_fetched_once_finished(yahoo, tmp_path):
    """NYSE's hourly bars start at :30. At 15:10 the 14:30 bar is still trading: the floor of
    the hour (15:00) had let it in, kept it as the value forecasts start from, and cached it
    as final, never to be replaced. It is left out, the cache's range stops at its start,
    and after the close the next call downloads it from there."""
    from forecast_cli.bar_cache import BarCache

    during = pd.Timestamp("2017-11-08 15:10", tz=NY)
    first = fetch_ticker("MSFT", "1h", start="2017-11-08", cache_dir=tmp_path, now=during.tz_convert("UTC"))
    assert first.frame.index[-1] == pd.Timestamp("2017-11-08 13:30", tz=NY)
    meta = BarCache(tmp_path, "MSFT", "1h", False).load()[1]
    assert pd.Timestamp(meta["end"]) == pd.Timestamp("2017-11-08 14:30", tz=NY)
    after = pd.Timestamp("2017-11-08 16:30", tz=NY).tz_convert("UTC")
    second = fetch_ticker("MSFT", "1h", start="2017-11-08", cache_dir=tmp_path, now=after)
    assert pd.Timestamp(yahoo.calls[-1]["start"], unit="s", tz="UTC") == pd.Timestamp(
        "2017-11-08 14:30", tz=NY
    )
    assert list(second.frame.index[-2:].strftime("%H:%M")) == ["13:30", "14:30"]


def test_the_hour_the_close_cuts_short_is_finished_at_the_close():
    """NYSE's last hourly bar starts at 15:30 and ends at the 16:00 close: at 16:10 it is
    final, though an hour from its start has not passed; at 15:50 it is still trading."""
    from forecast_cli.finished_bars import first_unfinished

    bars = pd.date_range("2017-11-08 13:30", periods=3, freq="1h", tz=NY)
    at = lambda clock: pd.Timestamp(f"2017-11-08 {clock}", tz=NY).tz_convert("UTC")  # noqa: E731
    assert first_unfinished(bars, "1h", "XNYS", at("16:10")) is None
    assert first_unfinished(bars, "1h", "XNYS", at("15:50")) == bars[-1]
    assert first_unfinished(bars, "1h", None, at("16:10")) == bars[-1]  # no sessions known: a whole hour


def test_an_evening_bar_of_a_session_dated_the_next_day_is_unfinished_until_its_hour_ends():
    """CME's session dated Tuesday opens on Monday at 18:00 New York time: its 20:00 bar is
    still trading at 20:30. Read by its own date, Monday, whose session had closed at
    18:00, it was taken for finished and cached."""
    from forecast_cli.finished_bars import first_unfinished

    bars = pd.date_range("2025-10-20 18:00", periods=3, freq="1h", tz=NY)  # Monday evening
    assert first_unfinished(bars, "1h", "CMES", pd.Timestamp("2025-10-20 20:30", tz=NY)) == bars[-1]
    assert first_unfinished(bars, "1h", "CMES", pd.Timestamp("2025-10-20 21:00", tz=NY)) is None


@pytest.mark.parametrize(
    ("interval", "last", "exchange", "now", "unfinished"),
    [
        ("1mo", "2017-11-01", "XNYS", "2017-11-13 18:00", True),  # November is still trading
        ("1mo", "2017-10-01", "XNYS", "2017-11-13 18:00", False),
        ("1wk", "2017-11-06", "XNYS", "2017-11-10 18:00", True),  # Friday, before the close
        ("1wk", "2017-11-06", "XNYS", "2017-11-11 12:00", False),  # Saturday: the week's sessions closed
        ("1wk", "2017-11-06", "XTKS", "2017-11-10 05:00", True),  # Friday 14:00 in Tokyo
        ("1wk", "2017-11-06", "XTKS", "2017-11-10 07:00", False),  # Friday 16:00 in Tokyo
        ("1wk", "2017-11-06", None, "2017-11-11 12:00", True),  # a cryptocurrency trades on Sunday
        ("1wk", "2017-11-06", None, "2017-11-13 00:00", False),
    ],
)
def test_a_long_bar_is_finished_when_its_periods_last_session_has_closed(
    interval, last, exchange, now, unfinished
):
    """Yahoo's 1wk and 1mo bars are labelled by their first day and served while the period
    trades: November's bar on the 13th held 13 days and began the forecast."""
    from forecast_cli.finished_bars import first_unfinished

    index = pd.DatetimeIndex(["2017-09-01", last])
    found = first_unfinished(index, interval, exchange, pd.Timestamp(now, tz="UTC"))
    assert found == (pd.Timestamp(last) if unfinished else None)


def test_an_answer_with_rows_without_prices_is_not_recorded_as_fetched(yahoo, tmp_path, monkeypatch):
    """Yahoo once served a day as a row of NaN: the cache had recorded the range as fetched
    and every later run interpolated the hole. The range is not recorded, so the next run
    asks again and gets the day; an answer with no prices at all is not cached, where it had
    made every later run fail with "no rows", widening or not."""
    served = yahoo.download

    def glitchy(tickers, start=None, end=None, interval="1d", **kwargs):
        raw = served(tickers, start=start, end=end, interval=interval, **kwargs)
        if len(yahoo.calls) == 1:
            raw.loc[raw.index[2]] = float("nan")
        return raw

    monkeypatch.setattr(yfinance, "download", glitchy)
    first = fetch_ticker("MSFT", "1d", start="2017-01-01", end="2017-02-01", cache_dir=tmp_path, now=NOW)
    again = fetch_ticker("MSFT", "1d", start="2017-01-01", end="2017-02-01", cache_dir=tmp_path, now=NOW)
    assert len(yahoo.calls) == 2 and len(again.frame) == len(first.frame) + 1
    assert pd.Timestamp("2017-01-05") in again.frame.index and again.frame["Close"].notna().all()
    third = fetch_ticker("MSFT", "1d", start="2017-01-01", end="2017-02-01", cache_dir=tmp_path, now=NOW)
    assert len(yahoo.calls) == 2 and third.frame.equals(again.frame)  # now served from the cache


def test_rows_without_prices_in_every_answer_are_cached_after_the_second(yahoo, tmp_path, monkeypatch):
    """A dividend-only day or an hour without trades comes back without prices in every
    answer. Never recorded as fetched, nothing was cached: every run downloaded the whole
    range again and --offline failed (exit 4), and fetch left the day out without a word.
    The first answer's rows before the hole are cached, the same hole twice is the
    market's, and then the range is served from the cache; the rows left out are said."""
    served = yahoo.download

    def holed(tickers, start=None, end=None, interval="1d", **kwargs):
        raw = served(tickers, start=start, end=end, interval=interval, **kwargs)
        day = pd.Timestamp("2017-01-10", tz="America/New_York")
        if day in raw.index:
            raw.loc[day] = float("nan")
        return raw

    monkeypatch.setattr(yfinance, "download", holed)
    args = dict(start="2017-01-01", end="2017-02-01", cache_dir=tmp_path, now=NOW)
    first = fetch_ticker("MSFT", "1d", **args)
    assert any(n.startswith("1 row(s) without prices left out (first 2017-01-10") for n in first.notes)
    assert pd.Timestamp("2017-01-10") not in first.frame.index
    second = fetch_ticker("MSFT", "1d", **args)  # asks again from the hole: the same hole
    assert len(yahoo.calls) == 2 and str(yahoo.calls[1]["start"]) >= "2017-01-09"
    third = fetch_ticker("MSFT", "1d", **args)
    offline = fetch_ticker("MSFT", "1d", **args, offline=True)
    assert len(yahoo.calls) == 2 and third.frame.equals(second.frame) and offline.frame.equals(second.frame)
    assert not any(n.startswith("offline: cache covers") for n in offline.notes)


def test_a_cache_advances_past_blank_rows_new_on_every_run(yahoo, tmp_path, monkeypatch):
    """Each run brings blank rows not seen before (a thinly traded symbol's new hours without
    trades): recording only what the cache had, every later run downloaded from the same
    place. The rows up to the first new blank join the cache, so each run asks for less."""
    served = yahoo.download
    holes = iter([["2017-01-10"], ["2017-01-17"], ["2017-01-24"], []])
    current: list[str] = []

    def holed(tickers, start=None, end=None, interval="1d", **kwargs):
        raw = served(tickers, start=start, end=end, interval=interval, **kwargs)
        for day in current:
            stamp = pd.Timestamp(day, tz="America/New_York")
            if stamp in raw.index:
                raw.loc[stamp] = float("nan")
        return raw

    monkeypatch.setattr(yfinance, "download", holed)
    args = dict(start="2017-01-01", end="2017-02-01", cache_dir=tmp_path, now=NOW)
    current.extend(next(holes))
    fetch_ticker("MSFT", "1d", **args)
    starts = []
    for _ in range(3):
        current[:] = next(holes)
        fetch_ticker("MSFT", "1d", **args)
        starts.append(str(yahoo.calls[-1]["start"]))
    assert starts[0] < starts[1] < starts[2]  # from the first new blank of the run before, on
