"""A stand-in for ``yfinance.download`` only: recorded, real-shaped frames, real failure modes.

Frames are made from the real daily MSFT data in sample_data, shaped as yfinance 0.2.51+
returns them for one ticker: columns a MultiIndex (Price, Ticker) in yfinance's order,
index named ``Date`` (daily, tz-aware at midnight New York with ignore_tz=False) or
``Datetime`` (intraday, tz-aware New York bars from 09:30). Failures behave as yfinance does:
it prints (to stdout or stderr) and returns an empty frame instead of raising.
"""

from __future__ import annotations

import datetime
import sys

import numpy as np
import pandas as pd

from .conftest import SAMPLE

PRICE_ORDER = ["Adj Close", "Close", "High", "Low", "Open", "Volume"]
NY = "America/New_York"
SERVED = {"MSFT": 1.0, "AAPL": 1.5, "^GSPC": 40.0, "BHP.AX": 0.5}  # MSFT's real bars at other price levels
# Where a symbol's intraday bars trade, when not New York 09:30 for 6h30: (zone, open, hours)
HOURS = {"BHP.AX": ("Australia/Sydney", "10h", "6h")}
UNKNOWN = "unknown or delisted symbol on Yahoo Finance; check the spelling (e.g. BRK-B, ^GSPC, VOD.L)"
"""What forecast says after a symbol that yfinance serves no rows for."""


def _shape(frame: pd.DataFrame, symbol: str, index_name: str) -> pd.DataFrame:
    frame = frame[PRICE_ORDER]
    frame.columns = pd.MultiIndex.from_product([PRICE_ORDER, [symbol]], names=["Price", "Ticker"])
    frame.index.name = index_name
    return frame


def _empty(symbol: str) -> pd.DataFrame:
    return _shape(pd.DataFrame(columns=PRICE_ORDER, index=pd.DatetimeIndex([])), symbol, "Date")


def read_bound(value, zone: str = NY) -> pd.Timestamp:
    """A start/end as yfinance 1.x reads it (``utils._parse_user_dt``): an int is Unix
    seconds (an instant, UTC here); text must be ``YYYY-MM-DD`` (a date-time string raises
    before any request); a naive date or date-time is the exchange's (New York's) day."""
    if isinstance(value, int):
        return pd.Timestamp(value, unit="s", tz="UTC")
    if isinstance(value, str):
        return pd.Timestamp(datetime.datetime.strptime(value, "%Y-%m-%d")).tz_localize(zone)
    stamp = pd.Timestamp(value)
    return stamp.tz_localize(zone) if stamp.tz is None else stamp


class FakeYahoo:
    """Records every call; ``mode`` is "ok", "offline", "ratelimit"."""

    def __init__(self, mode: str = "ok"):
        self.mode = mode
        self.calls: list[dict] = []
        daily = pd.read_csv(SAMPLE / "msft_daily.csv", parse_dates=["Date"]).set_index("Date")
        daily["Adj Close"] = daily["Close"] * 0.98
        self.daily = daily

    def download(self, tickers, start=None, end=None, interval="1d", **kwargs):
        self.calls.append({"tickers": tickers, "start": start, "end": end, "interval": interval, **kwargs})
        if self.mode == "offline":
            print(
                "Failed to get ticker 'MSFT' reason: Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com"
            )
            print("\n1 Failed download:\n['MSFT']: DNSError('Failed to perform')", file=sys.stderr)
            return _empty(tickers)
        if self.mode == "ratelimit":
            print(
                "1 Failed download:\n['MSFT']: YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')"
            )
            return _empty(tickers)
        if tickers not in SERVED:
            print(
                f"\n1 Failed download:\n['{tickers}']: YFTzMissingError('possibly delisted; no timezone found')"
            )
            return _empty(tickers)
        try:
            zone = HOURS.get(tickers, (NY,))[0]
            lo, hi = read_bound(start, zone), read_bound(end, zone)
        except ValueError as exc:  # yfinance catches it per ticker, prints, returns no rows
            print(f"\n1 Failed download:\n['{tickers}']: ValueError('{exc}')", file=sys.stderr)
            return _empty(tickers)
        if interval == "1d":
            lo_day, hi_day = (
                lo.tz_convert(NY).tz_localize(None).normalize(),
                hi.tz_convert(NY).tz_localize(None),
            )
            rows = self.daily[(self.daily.index >= lo_day) & (self.daily.index < hi_day)].copy()
            rows.index = rows.index.tz_localize(NY)
            return _shape(rows * SERVED[tickers], tickers, "Date")
        zone, opens, hours = HOURS.get(tickers, (NY, "9h30min", "6h30min"))
        return _shape(self._intraday(lo, hi, interval, zone, opens, hours), tickers, "Datetime")

    def _intraday(
        self, lo: pd.Timestamp, hi: pd.Timestamp, interval: str, zone: str, opens: str, hours: str
    ) -> pd.DataFrame:
        """Bars for each trading day in [lo, hi), walking from the day's open (in ``zone``) to close."""
        step = pd.Timedelta(interval.replace("m", "min"))
        lo_day, hi_day = (t.tz_convert(zone).tz_localize(None).normalize() for t in (lo, hi))
        days = self.daily[(self.daily.index >= lo_day) & (self.daily.index < hi_day + pd.Timedelta(days=1))]
        bars_per_day = int(pd.Timedelta(hours) / step)
        frames = []
        for day, row in days.iterrows():
            stamps = pd.date_range(day + pd.Timedelta(opens), periods=bars_per_day, freq=step, tz=zone)
            path = np.linspace(row["Open"], row["Close"], bars_per_day + 1)
            frames.append(
                pd.DataFrame(
                    {
                        "Open": path[:-1],
                        "Close": path[1:],
                        "High": np.maximum(path[:-1], path[1:]) + 0.01,
                        "Low": np.minimum(path[:-1], path[1:]) - 0.01,
                        "Adj Close": path[1:],
                        "Volume": row["Volume"] / bars_per_day,
                    },
                    index=stamps,
                )
            )
        frame = pd.concat(frames)
        return frame[(frame.index >= lo) & (frame.index < hi)]
