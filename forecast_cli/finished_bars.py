"""Which downloaded bars are final, and how long each of Yahoo's intervals is.

Yahoo serves the bar in progress with the prices so far, labelled by its start. Kept, it
was the value every forecast started from, and cached as final, it was never replaced.
``first_unfinished`` finds it, so that it is neither kept nor cached and is asked for
again once its session has closed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PANDAS_STEP = {
    "1m": "1min",
    "2m": "2min",
    "5m": "5min",
    "15m": "15min",
    "30m": "30min",
    "60m": "1h",
    "90m": "90min",
    "1h": "1h",
}

# Bars longer than a day, and the length of the period each is labelled by the start of.
LONG_BAR = {"5d": "5D", "1wk": "7D", "1mo": "MS", "3mo": "3MS"}


def first_unfinished(
    index: pd.DatetimeIndex, interval: str, exchange: str | None, now: pd.Timestamp | None = None
) -> pd.Timestamp | None:
    """The first bar of ``index`` still trading at ``now``, or None.

    Yahoo serves the bar in progress with the prices so far, labelled by its start: an
    hourly bar that opened at 14:30 is unfinished at 15:10, which the floor of the hour
    (15:00) did not see, and a month's bar is unfinished until the month's last session
    closes. Kept, it was the value every forecast started from, and cached as final, it
    was never replaced. Daily bars are left to the range (up to the last whole UTC day),
    whose next fetch starts at that day and so replaces it."""
    now = now if now is not None else pd.Timestamp.now(tz="UTC")
    if not len(index) or interval not in {**PANDAS_STEP, **LONG_BAR}:
        return None
    if interval in PANDAS_STEP:
        ends = index + pd.Timedelta(PANDAS_STEP[interval])
        late = np.flatnonzero(
            ends > now.tz_convert(index.tz) if index.tz is not None else ends > now.tz_localize(None)
        )
        for at in late:  # a bar cut short by the close (NYSE's 15:30 hour) is finished at the close
            if exchange is None or index.tz is None or not _session_closed(exchange, index[at], now):
                return index[at]
        return None
    last = index[-1]  # long bars: only the last can be unfinished
    period_end = last + pd.tseries.frequencies.to_offset(LONG_BAR[interval])
    if exchange is None:  # no sessions known (a cryptocurrency): the period ends at its midnight
        finished = period_end.tz_localize("UTC") <= now
    else:
        from .calendars import Calendar

        finished = Calendar(exchange).closed_by(now, period_end - pd.Timedelta(days=1))  # its last day
    return None if finished else last


def _session_closed(exchange: str, bar: pd.Timestamp, now: pd.Timestamp) -> bool:
    """Whether the session ``bar`` trades in had closed by ``now`` (False for a bar outside
    every session: nothing cut it short)."""
    from .calendars import Calendar

    close = Calendar(exchange).session_close(bar)
    return close is not None and close <= now
