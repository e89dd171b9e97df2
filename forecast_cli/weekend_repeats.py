"""A note for daily data whose weekend rows repeat the Friday before them.

Prices exported for every calendar day carry Friday's close over Saturday and Sunday. Read
as days, a network learns two flat days a week that no market had, and forecasts
weekends; the data does not say so, so the load line does, with the option that reads the
trading days alone. A series flat on weekdays too (counts of zero, a price that rarely
moves) is not flagged: its repeats say nothing of weekends.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LEAST_WEEKENDS = 8  # weekend days with a day before them, at least, to say anything
REPEATED = 0.9  # share of them equal to the day before
WEEKDAY_REPEATS = 0.2  # share of weekdays equal to the day before, at most


def weekend_repeats(frame: pd.DataFrame, target: str, freq: str | None) -> str:
    """``"9 of 10 weekend days repeat the day before: ..."``, or "" where that is not so."""
    if freq != "D" or len(frame) < 2 or not isinstance(frame.index, pd.DatetimeIndex):
        return ""
    y = frame[target].to_numpy(dtype=np.float64)
    index = frame.index
    after = np.asarray(
        index[1:] - index[:-1] == pd.Timedelta(days=1)
    )  # (rows - 1,) a day after the row before
    same = (y[1:] == y[:-1]) & after
    weekend = np.asarray(index[1:].day_of_week >= 5) & after
    weekday = ~np.asarray(index[1:].day_of_week >= 5) & after
    days = int(weekend.sum())
    if days < LEAST_WEEKENDS or same[weekend].mean() < REPEATED:
        return ""
    if weekday.any() and same[weekday].mean() > WEEKDAY_REPEATS:
        return ""
    return (
        f"{int(same[weekend].sum())} of {days} weekend days repeat the day before: if these are "
        "an exchange's sessions with weekends carried forward, --freq B (or the exchange's, "
        "e.g. --freq XTKS) reads its trading days alone"
    )
