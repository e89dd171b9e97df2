"""One yfinance call, the network boundary of ``sources``.

yfinance does not raise when it fails: it prints to stdout or stderr and returns an empty
frame. The call captures that output (stdout must stay clean for pipelines) and turns it
into one ``SourceError`` line: offline, unknown symbol, rate limited, or empty. Whatever
shape of frame yfinance returns (its column layout changed between versions) becomes our
columns on a ``timestamp`` index.
"""

from __future__ import annotations

import contextlib
import io
import logging
import threading

import pandas as pd

from .errors import SourceError

COLUMNS = ("Open", "High", "Low", "Close", "Adj Close", "Volume")

# How far back Yahoo serves each intraday interval (yfinance's documented limits).
INTRADAY_REACH = {
    "1m": "30D",
    "2m": "60D",
    "5m": "60D",
    "15m": "60D",
    "30m": "60D",
    "90m": "60D",
    "60m": "730D",
    "1h": "730D",
}
_DOWNLOAD_LOCK = threading.Lock()


def download_bars(
    symbol: str, interval: str, start: pd.Timestamp, end: pd.Timestamp, adjusted: bool
) -> tuple[pd.DataFrame, str | None]:
    """One yfinance call for [start, end); yfinance's printing is captured, never shown on stdout.

    Capturing swaps the process-wide ``sys.stdout``/``sys.stderr``, so calls in one process
    take turns (``_DOWNLOAD_LOCK``): two threads of a Dask worker interleaving their swaps
    would leave one thread's capture buffer as the process's stdout. Processes download in
    parallel.
    """
    with _DOWNLOAD_LOCK:
        return _download_bars(symbol, interval, start, end, adjusted)


def _download_bars(
    symbol: str, interval: str, start: pd.Timestamp, end: pd.Timestamp, adjusted: bool
) -> tuple[pd.DataFrame, str | None]:
    import yfinance as yf

    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    yf_logger = logging.getLogger("yfinance")
    yf_logger.addHandler(handler)
    propagate, yf_logger.propagate = yf_logger.propagate, False
    try:
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            raw = yf.download(
                symbol,
                start=_yahoo_bound(start, interval),
                end=_yahoo_bound(end + pd.Timedelta(days=0 if interval in INTRADAY_REACH else 1), interval),
                interval=interval,
                auto_adjust=False,
                ignore_tz=False,
                progress=False,
                threads=False,
                multi_level_index=True,
            )
    except Exception as exc:  # yfinance raises on some failures and prints on others
        raise SourceError(_explain(symbol, f"{type(exc).__name__}: {exc}")) from None
    finally:
        yf_logger.removeHandler(handler)
        yf_logger.propagate = propagate
    if raw is None or raw.empty:
        raise SourceError(_explain(symbol, captured.getvalue()))
    return normalise_bars(raw, symbol, interval, adjusted)


def _yahoo_bound(stamp: pd.Timestamp, interval: str) -> str | int:
    """A range bound as yfinance reads it: an exchange date (``YYYY-MM-DD``, the only text
    it takes) for daily bars, a Unix time in seconds (an instant, whatever the exchange's
    zone) for intraday bars. A date-time string made yfinance 1.x fail before any request."""
    if interval in INTRADAY_REACH:
        return int(stamp.timestamp())
    return stamp.strftime("%Y-%m-%d")


def normalise_bars(
    raw: pd.DataFrame, symbol: str, interval: str, adjusted: bool
) -> tuple[pd.DataFrame, str | None]:
    """yfinance's frame, whatever its shape, as our columns on a ``timestamp`` index."""
    frame = raw
    if isinstance(frame.columns, pd.MultiIndex):
        tickers = frame.columns.get_level_values(-1)
        frame = frame.xs(symbol, axis=1, level=-1) if symbol in set(tickers) else frame.droplevel(-1, axis=1)
    keep = [c for c in COLUMNS if c in frame.columns and (adjusted or c != "Adj Close")]
    if "Close" not in keep:
        raise SourceError(
            f"yfinance returned no Close column for {symbol} (got {', '.join(map(str, frame.columns))})"
        )
    # rows without a price stay: the caller drops them and asks for their range again
    frame = frame[keep].astype("float64")
    frame.columns = list(keep)
    index = pd.DatetimeIndex(frame.index)
    exchange_tz = str(index.tz) if index.tz is not None else None
    if interval not in INTRADAY_REACH and index.tz is not None:
        index = index.tz_localize(None).normalize()  # daily bars are dates; the zone told us the exchange
    frame.index = index.rename("timestamp")
    return frame, exchange_tz


def _explain(symbol: str, text: str) -> str:
    """One line from yfinance's captured complaints."""
    lowered = text.lower()
    if any(
        s in lowered
        for s in (
            "could not resolve host",
            "dnserror",
            "connectionerror",
            "failed to perform",
            "timed out",
            "network is unreachable",
            "connection refused",
        )
    ):
        return f"cannot reach Yahoo Finance for {symbol} (no network?); check your connection or use --offline with cached data"
    if any(s in lowered for s in ("too many requests", "rate limit", "ratelimit")):
        return f"Yahoo Finance is rate limiting requests for {symbol}; wait a few minutes and retry, or use --offline"
    if any(
        s in lowered
        for s in ("delisted", "no timezone found", "quote not found", "not found", "no data found", "404")
    ):
        return f"{symbol}: unknown or delisted symbol on Yahoo Finance; check the spelling (e.g. BRK-B, ^GSPC, VOD.L)"
    return (
        f"Yahoo Finance returned no rows for {symbol} in that range; check the symbol, --interval and dates"
    )
