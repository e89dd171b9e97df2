"""Market data through yfinance, with a local cache. Only it (through ``yahoo_download``) touches the network.

``fetch_ticker`` returns a clean frame (Open, High, Low, Close, [Adj Close], Volume) indexed by
``timestamp``: dates for daily and longer bars, exchange-time timestamps for intraday bars.
Data fetched once is cached on disk; later calls read it and download only the range the
cache lacks. Every call reports what came from the cache and what from the network.

The download itself, one yfinance call and its failures read as one line, is
``yahoo_download``: the network boundary, which tests replace with real-shaped frames.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from .run_config import TickerConfig

from .bar_cache import BarCache, default_cache_dir
from .clock import on_wall_clock
from .errors import SourceError, UsageError
from .finished_bars import PANDAS_STEP, first_unfinished
from .ticker_exchanges import exchange_for_symbol
from .yahoo_download import INTRADAY_REACH, download_bars

INTERVALS = ("1m", "2m", "5m", "15m", "30m", "60m", "90m", "1h", "1d", "5d", "1wk", "1mo", "3mo")
DEFAULT_PERIOD = {"1m": "7D", "1d": "3650D", "5d": "3650D", "1wk": "7300D", "1mo": "10950D", "3mo": "10950D"}
_PERIOD = re.compile(r"^(\d+)(d|wk|mo|y)$")
SYMBOL = re.compile(r"[A-Z0-9.\-^=]+")  # a Yahoo symbol, upper-cased: MSFT, BRK-B, ^GSPC, VOD.L, EURUSD=X


@dataclass
class FetchResult:
    frame: pd.DataFrame
    exchange_tz: str | None
    notes: list[str] = field(default_factory=list)


def resolve_range(
    interval: str, start: str | None, end: str | None, period: str | None, now: pd.Timestamp | None = None
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[start, end) in UTC from --start/--end/--period, checked against the interval's reach."""
    if interval not in INTERVALS:
        raise UsageError(f"--interval {interval!r} is not one of: {', '.join(INTERVALS)}")
    if start and period:
        raise UsageError("give --start or --period, not both")
    now = now if now is not None else pd.Timestamp.now(tz="UTC")
    # Without --end: daily bars up to the last completed day, intraday bars up to the last
    # whole bar, so that a second call soon after the first finds everything in the cache.
    stop = (
        _utc(end) if end else now.floor(PANDAS_STEP[interval]) if interval in PANDAS_STEP else now.normalize()
    )
    if start:
        begin = _utc(start)
    else:
        span = (
            _period(period)
            if period
            else pd.Timedelta(DEFAULT_PERIOD.get(interval, INTRADAY_REACH.get(interval, "59D")))
        )
        begin = stop - span if interval in PANDAS_STEP else (stop - span).normalize()
        if interval in INTRADAY_REACH and not period:
            begin = max(begin, now - pd.Timedelta(INTRADAY_REACH[interval]) + pd.Timedelta(days=1))
    if begin >= stop:
        raise UsageError(f"--start {begin.date()} is not before --end {stop.date()}")
    if interval in INTRADAY_REACH:
        earliest = now - pd.Timedelta(INTRADAY_REACH[interval])
        if begin < earliest:
            raise UsageError(
                f"--interval {interval} reaches back only {INTRADAY_REACH[interval][:-1]} days (to {earliest.date()}); "
                "give a later --start or a coarser --interval such as 1h or 1d"
            )
    return begin, stop


def fetch_requested(symbol: str, request: TickerConfig, interval: str | None = None) -> FetchResult:
    """``fetch_ticker`` for the range, cache and mode a command's ticker options ask for;
    ``interval`` overrides ``request.interval`` (default 1d)."""
    return fetch_ticker(
        symbol,
        interval or request.interval or "1d",
        request.start,
        request.end,
        request.period,
        request.adjusted,
        Path(request.cache_dir) if request.cache_dir else None,
        request.offline,
    )


def fetch_ticker(
    symbol: str,
    interval: str = "1d",
    start: str | None = None,
    end: str | None = None,
    period: str | None = None,
    adjusted: bool = False,
    cache_dir: Path | None = None,
    offline: bool = False,
    now: pd.Timestamp | None = None,
) -> FetchResult:
    """Bars for ``symbol`` over the requested range, from the cache and, for what it lacks, Yahoo."""
    symbol = symbol.strip().upper()
    if not SYMBOL.fullmatch(symbol):
        raise UsageError(f"{symbol!r} is not a ticker symbol (letters, digits, . - ^ =)")
    begin, stop = resolve_range(interval, start, end, period, now)
    keep = (begin, stop)
    if interval in INTRADAY_REACH:  # --start/--end dates are the exchange's days, not UTC's
        first_day, end_day = _date_only(start), _date_only(end)
        keep = (first_day if first_day is not None else begin, end_day if end_day is not None else stop)
        # fetch a day more either side (zones reach 14 h from UTC), within Yahoo's reach
        now_ = now if now is not None else pd.Timestamp.now(tz="UTC")
        earliest = now_ - pd.Timedelta(INTRADAY_REACH[interval]) + pd.Timedelta(hours=1)
        if first_day is not None:
            begin = min(begin, max(begin - pd.Timedelta(days=1), earliest))
        if end_day is not None:
            stop = max(stop, min(stop + pd.Timedelta(days=1), now_))
    cache = BarCache(cache_dir or default_cache_dir(), symbol, interval, adjusted)
    cached, meta = cache.load()
    notes: list[str] = []
    missing = cache.missing(begin, stop, meta)
    if offline:
        if cached is None:
            raise SourceError(
                f"--offline, but nothing is cached for {symbol} {interval} in {cache.folder}; "
                "run once online (forecast fetch ...) or drop --offline"
            )
        if missing:
            notes.append(
                f"offline: cache covers {meta['start'][:16]} .. {meta['end'][:16]} only; not refreshed"
            )
        missing = []
    parts = [cached] if cached is not None else []
    downloaded = 0
    recorded = (begin, stop)  # the range the cache may say it has, narrowed below
    for gap_start, gap_end in missing:
        try:
            fresh, exchange_tz = download_bars(symbol, interval, gap_start, gap_end, adjusted)
        except SourceError as exc:
            if cached is None:
                raise
            raise SourceError(
                f"{exc}; the cache has {meta['start'][:10]} .. {meta['end'][:10]}, use --offline to use it"
            ) from None
        meta.setdefault("exchange_tz", exchange_tz)
        blank = fresh["Close"].isna() if not fresh.empty else pd.Series(dtype=bool)
        if blank.any():  # rows without prices: left out, and said
            first = fresh.index[blank.to_numpy()][0]
            notes.append(f"{int(blank.sum())} row(s) without prices left out (first {first})")
        if fresh.empty:  # an empty answer is not recorded: the next run asks again
            recorded = _without_gap(recorded, (gap_start, gap_end), meta)
        elif blank.any():
            # Rows without prices may be this answer's fault (Yahoo once served a day as NaN,
            # then the day) or the market's (a dividend-only day, an hour without trades),
            # which Yahoo answers alike every time. Asked once more; the same blanks twice
            # are the market's, and the range is recorded (never recorded, nothing was cached
            # and every run downloaded the whole range again)
            stamps = {str(t) for t in fresh.index[blank.to_numpy()]}
            seen = set(meta.get("blank", []))
            if not stamps <= seen:
                meta["blank"] = sorted(seen | stamps)
                new = fresh.index[blank.to_numpy()][
                    [str(t) not in seen for t in fresh.index[blank.to_numpy()]]
                ]
                recorded = _up_to(
                    recorded, (gap_start, gap_end), _instant(new[0], meta.get("exchange_tz")), meta
                )
        fresh = fresh[fresh["Close"].notna()] if not fresh.empty else fresh
        downloaded += len(fresh)
        parts.append(fresh)
    if not parts:
        raise SourceError(f"no data for {symbol} {interval}")
    merged = pd.concat(parts)
    merged = merged[~merged.index.duplicated(keep="last")].sort_index()
    unfinished = first_unfinished(
        merged.index, interval, exchange_for_symbol(symbol, meta.get("exchange_tz")), now
    )
    if unfinished is not None:  # a bar still trading: neither kept nor cached, asked for again later
        merged = merged[merged.index < unfinished]
        recorded = (recorded[0], min(recorded[1], _instant(unfinished, meta.get("exchange_tz"))))
    if missing and recorded[0] < recorded[1]:
        cache.save(merged, *recorded, meta)
    frame = merged[
        (merged.index >= _local(keep[0], merged.index)) & (merged.index < _local(keep[1], merged.index))
    ]
    if frame.empty:
        raise SourceError(
            f"no rows for {symbol} {interval} between {keep[0].date()} and {keep[1].date()}; widen the range"
        )
    from_cache = len(frame) - min(downloaded, len(frame))
    notes.insert(
        0,
        (
            f"{symbol} {interval}: {len(frame)} rows {frame.index[0]} .. {frame.index[-1]}; "
            f"{from_cache} from cache {cache.folder}"
            + (f" (fetched {meta['fetched'][:16]} UTC)" if cached is not None and meta.get("fetched") else "")
            + f", {downloaded} downloaded"
        ),
    )
    return FetchResult(frame, meta.get("exchange_tz"), notes)


def _up_to(
    recorded: tuple[pd.Timestamp, pd.Timestamp],
    gap: tuple[pd.Timestamp, pd.Timestamp],
    blank: pd.Timestamp,
    meta: dict,
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The range to record when ``gap``'s answer had a row without prices not seen before at
    ``blank``: the answer's rows before it, where they join the cache (an empty one, or a
    gap after it), so what it had is kept and the next run asks from there on (recording no
    more than the cache had, a symbol that brings new blank rows on every run never
    advanced); a gap before the cache records what the cache had (``_without_gap``)."""
    if not meta.get("start"):
        return recorded[0], max(recorded[0], min(blank, recorded[1]))
    have_end = pd.Timestamp(meta["end"])
    if gap[0] >= have_end:  # the gap after the cached range: its rows up to the blank join it
        return recorded[0], max(have_end, min(blank, recorded[1]))
    return _without_gap(recorded, gap, meta)


def _without_gap(
    recorded: tuple[pd.Timestamp, pd.Timestamp], gap: tuple[pd.Timestamp, pd.Timestamp], meta: dict
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The range to record when ``gap``'s answer was incomplete: what the cache had before
    on that side (nothing at all when the cache was empty)."""
    if not meta.get("start"):
        return recorded[0], recorded[0]  # an empty range: nothing is saved
    have_start, have_end = pd.Timestamp(meta["start"]), pd.Timestamp(meta["end"])
    if gap[1] <= have_start:  # the gap before the cached range
        return have_start, recorded[1]
    return recorded[0], have_end


def _instant(stamp: pd.Timestamp, zone: str | None) -> pd.Timestamp:
    """A bar's label as a UTC instant for the cache's range: a date is the exchange's, its
    first moment where the clock skips midnight (as ``_local`` reads a bound)."""
    if stamp.tz is not None:
        return stamp.tz_convert("UTC")
    return on_wall_clock(pd.DatetimeIndex([stamp]), zone or "UTC")[0].tz_convert("UTC")


def _utc(text: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a date; use YYYY-MM-DD") from None
    return stamp.tz_localize("UTC") if stamp.tz is None else stamp.tz_convert("UTC")


def _period(text: str) -> pd.Timedelta:
    match = _PERIOD.match(text.strip().lower())
    if not match:
        raise UsageError(f"--period {text!r} is not like 5d, 6mo, 2y")
    n, unit = int(match.group(1)), match.group(2)
    return pd.Timedelta(days=n * {"d": 1, "wk": 7, "mo": 31, "y": 366}[unit])


def _local(stamp: pd.Timestamp, index: pd.DatetimeIndex) -> pd.Timestamp:
    """A bound comparable with ``index`` (tz-naive dates for daily bars): a UTC instant,
    or a naive date, which is the midnight that starts that day where the bars trade."""
    if stamp.tz is None:  # the day's first moment, where the clock skips midnight (Santiago)
        return on_wall_clock(pd.DatetimeIndex([stamp]), index.tz)[0] if index.tz is not None else stamp
    return stamp.tz_convert(index.tz) if index.tz is not None else stamp.tz_localize(None).normalize()


def _date_only(text: str | None) -> pd.Timestamp | None:
    """``text`` as a naive date when it is one (``2026-10-26``: a day wherever the bars
    trade); None when no bound was given, or it names a time of day or a zone (an instant)."""
    if not text:
        return None
    stamp = _utc(text).tz_localize(None)
    return stamp if len(text.strip()) <= 10 and stamp == stamp.normalize() else None
