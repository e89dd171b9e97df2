"""A note for daily data whose weekend rows repeat the Friday before them.

Prices exported for every calendar day carry Friday's close over Saturday and Sunday. Read
as days, a network learns two flat days a week that no market had, and forecasts
weekends; the data does not say so, so the load line does, with the option that reads the
trading days alone. A series flat on weekdays too (counts of zero, a price that rarely
moves) is not flagged: its repeats say nothing of weekends.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

LEAST_WEEKENDS = 8  # weekend days with a day before them, at least, to say anything
REPEATED = 0.9  # share of them equal to the day before
WEEKDAY_REPEATS = 0.2  # share of weekdays equal to the day before, at most


def weekend_repeats(frames: Sequence[pd.DataFrame], target: str, freq: str | None) -> str:
    """``"9 of 10 weekend days repeat the day before: ..."`` over every series' rows (a
    panel is read once, as a whole: its series share their load), or "" where that is not so."""
    if freq != "D":
        return ""
    weekends = repeated = weekdays = weekday_repeats = 0
    for frame in frames:
        if len(frame) < 2 or not isinstance(frame.index, pd.DatetimeIndex):
            continue
        y = frame[target].to_numpy(dtype=np.float64)
        index = frame.index.tz_localize(None) if frame.index.tz is not None else frame.index  # local dates
        day = index.asi8 // int(pd.Timedelta(days=1) / pd.Timedelta(1, unit=index.unit))  # (rows,) since 1970
        after = np.diff(day) == 1  # (rows - 1,) a day after the row before
        same = (y[1:] == y[:-1]) & after
        on_weekend = (day[1:] + 3) % 7 >= 5  # 1970-01-01 was a Thursday (3; Monday is 0)
        weekend, weekday = on_weekend & after, ~on_weekend & after
        weekends, repeated = weekends + int(weekend.sum()), repeated + int(same[weekend].sum())
        weekdays, weekday_repeats = weekdays + int(weekday.sum()), weekday_repeats + int(same[weekday].sum())
    if weekends < LEAST_WEEKENDS or repeated < REPEATED * weekends:
        return ""
    if weekdays and weekday_repeats > WEEKDAY_REPEATS * weekdays:
        return ""
    return (
        f"{repeated} of {weekends} weekend days repeat the day before: if these are an "
        "exchange's sessions with weekends carried forward, --freq B (or the exchange's) reads "
        "its trading days alone"
    )
