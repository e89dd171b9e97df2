"""Hours that naive local time repeats or skips when the clocks change.

A logger or export writing local time without its offset repeats an hour each autumn
(01:00-02:00 twice in London, New York, Berlin ...) and skips one each spring: the loader
merged the repeated hour as a duplicate and filled the missing one as a gap, each counted,
but neither said why, and the fix (stamps with their UTC offset, or in UTC) was nowhere.
Clock changes fall on a Sunday night, in March, April, October or November, in every zone
that has them (the EU, North America, Australia, New Zealand, Chile), between midnight and
04:00; a repeat or gap there is named as one.
"""

from __future__ import annotations

import pandas as pd

from .calendars import Calendar
from .clock import is_clock_step, to_offset

_MONTHS = (3, 4, 10, 11)


def clock_change_note(repeated: pd.DatetimeIndex, frame: pd.DataFrame, freq: str) -> str:
    """A note when the ``repeated`` stamps and the absent periods of ``frame`` (on a clock
    step of an hour or less, naive) all fall in clock changes' nights, and there is one at
    least; "" otherwise."""
    step = to_offset(freq) if Calendar.parse(freq) is None else None
    if step is None or not is_clock_step(step) or pd.Timedelta(step) > pd.Timedelta(hours=1):
        return ""  # days and longer repeat no hour
    missing = frame.index[frame.isna().all(axis=1).to_numpy()]
    stamps = repeated.append(pd.DatetimeIndex(missing))
    if not len(stamps) or stamps.tz is not None:
        return ""
    if not change_nights(stamps).all():
        return ""
    first = stamps.sort_values()[0]
    what = " and ".join(w for w, found in (("repeated", repeated), ("missing", missing)) if len(found))
    return (
        f"the {what} hours fall on clock-change nights (first {first:%Y-%m-%d %H:%M}): "
        "local time without its UTC offset repeats an hour in autumn and skips one in spring; "
        "stamps with their offset, or in UTC, keep every hour"
    )


def change_nights(stamps: pd.DatetimeIndex):
    """(stamps,) True for naive stamps in a night a clock may change (a Sunday of March,
    April, October or November, before 04:00)."""
    return (stamps.day_of_week == 6) & stamps.month.isin(_MONTHS) & (stamps.hour < 4)
