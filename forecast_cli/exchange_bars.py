"""Intraday rows onto an exchange's bars (``--freq 30min@XNYS``): bars start at each open
and after each break, so a bar is not a fixed step from the first row.

Two layouts of vendor data would be moved silently onto the wrong bars, and both are
refused with the fix: rows that sit inside the bars rather than at their starts, and bars
stamped by their end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .calendars import Calendar
from .clock import to_utc_index
from .errors import DataError, OutsideHours
from .stamps import readable


def onto_bars(data: pd.DataFrame, calendar: Calendar, how) -> tuple[pd.DataFrame, int, int, str]:
    """Each row goes to the bar it falls in (bars start at the open, every step, and end
    early at a close or a break); bars without rows are gaps. Returns the frame on its bars,
    the gaps, the rows dropped outside the hours and why (``regularise.Regular``'s fields)."""
    index, zone = data.index, calendar.tz
    moments = to_utc_index(index, zone)
    local = moments.tz_convert(zone).tz_localize(None).normalize()
    bars = calendar.bars(local.min(), local.max())
    starts = bars.left.to_numpy(dtype="datetime64[ns]")
    ends = bars.right.to_numpy(dtype="datetime64[ns]")
    stamps = moments.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    code = np.searchsorted(starts, stamps, side="right") - 1
    inside = (code >= 0) & (stamps < ends[np.maximum(code, 0)])
    if not inside.any():
        raise OutsideHours(
            f"no rows fall in {calendar.exchange} trading hours; give --freq without @ or another exchange"
        )
    _refuse_end_labels(stamps[~inside], starts, ends, code[inside], calendar, index[~inside])
    _refuse_off_starts(stamps[inside], starts, code[inside], calendar, index[inside])
    binned = data[inside].groupby(code[inside]).agg(how)
    lo, hi = int(code[inside].min()), int(code[inside].max())
    regular = binned.reindex(np.arange(lo, hi + 1))
    grid = pd.DatetimeIndex(bars.left[lo : hi + 1])
    regular.index = (
        grid.tz_convert(index.tz) if index.tz is not None else grid.tz_convert(zone).tz_localize(None)
    )
    gaps = (hi - lo + 1) - len(binned)
    why = (
        f"outside {calendar.exchange} trading hours, first {readable(index[~inside][0])}"
        if (~inside).any()
        else ""
    )
    return regular.rename_axis("timestamp"), int(gaps), int((~inside).sum()), why


OFF_START_SHARE = 0.1  # rows inside a bar, not at its start, beyond which bars are not the exchange's


def _refuse_off_starts(stamps, starts, codes, calendar: Calendar, where) -> None:
    """Rows at the data's own resolution (one row a bar at most) that sit inside the
    exchange's bars rather than at their starts: hourly bars on the clock hour in Tokyo,
    whose afternoon bars start at the 12:30 end of the lunch break (or NYSE's, at 09:30 and
    then half past). Binned, each value moved to its bar's start (13:00 read as 12:30) and
    a bar no row reaches was filled, with exit 0; refused instead. Finer rows summed into
    bars (several a bar) are binned as asked, and so are rows at scattered times (events
    counted into bars): misplaced bars sit at one offset from the bar starts, nine in ten."""
    if len(codes) == 0 or np.bincount(codes - codes.min()).max() > 1:
        return
    off = stamps != starts[codes]
    if off.mean() <= OFF_START_SHARE:
        return
    _, counts = np.unique(stamps[off] - starts[codes[off]], return_counts=True)
    if counts.max() < 0.9 * off.sum():
        return
    first = int(np.flatnonzero(off)[0])
    bar = pd.Timestamp(starts[codes[first]], tz="UTC").tz_convert(calendar.tz)
    raise DataError(
        f"{int(off.sum())} of {len(codes)} rows sit inside {calendar.exchange}'s {calendar.step} bars, not at "
        f"their starts (first {readable(where[first])}, in the bar from {bar.strftime('%H:%M')}): the exchange's "
        "bars start at each open and after each break, and reading these rows onto them would move "
        "each to its bar's start; count the rows as steps with --time-col '' (and --season N, the rows a day), "
        "or give a --freq whose bars start where these rows do"
    )


def _refuse_end_labels(off, starts, ends, codes, calendar: Calendar, off_stamps) -> None:
    """Bars stamped by their end (16:00 for 15:30-16:00, as some vendors write them) put
    every bar in the next one's slot: the close's bar falls outside the hours and each
    session's opening bar is empty. Shifted silently, every value would sit half an hour
    late; so data with rows at session closes and none at session opens is refused."""
    if len(off) == 0 or not np.isin(off, ends).all():
        return
    opens = np.flatnonzero(np.r_[True, starts[1:] != ends[:-1]])  # (sessions,): each session's first bar
    opens = opens[(opens >= codes.min()) & (opens <= codes.max())]
    if len(opens) and np.isin(opens, codes).mean() < 0.1:
        raise DataError(
            f"{len(off)} rows sit at {calendar.exchange} closes or breaks (first {readable(off_stamps[0])}) and "
            "no session's opening bar has a row: the bars look stamped by their end; stamp each bar "
            "by its start (its end minus the bar length)"
        )
