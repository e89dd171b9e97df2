"""Weeks and weekdays on a grid: two ways pandas' binning moves values between days with no
word, refused or counted here before ``regularise`` bins the rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .clock import to_offset
from .errors import DataError

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def refuse_moved_weeks(native: str | None, offset, freq: str) -> None:
    """Refuse putting weeks stamped on one weekday onto a weekly grid of another: pandas
    bins the week ending Monday 2016-01-04 into the one ending Sunday 2016-01-10, so every
    value moved six days on and the forecast began a week late, with no word. A week's
    row says nothing of its days, so no grid of another weekday can hold it honestly."""
    if native is None or not native.startswith("W"):  # weeks only (not an exchange's XNYS@30min)
        return
    own = to_offset(native)
    weekly = (pd.offsets.Week,)
    if not (isinstance(own, weekly) and isinstance(offset, weekly)) or own.weekday == offset.weekday:
        return
    if own.weekday is None or offset.weekday is None or own.n != 1 or offset.n != 1:
        return
    days = (offset.weekday - own.weekday) % 7
    theirs, ours = _WEEKDAYS[own.weekday], _WEEKDAYS[offset.weekday]
    raise DataError(
        f"the rows are weeks stamped on {theirs}s ({native}); a {freq} grid would move each to the "
        f"{ours} {days} day{'s' if days > 1 else ''} after it: weeks keep their weekday, so step them as "
        f"{native} (train --freq {native}) or stamp them on {ours}s"
    )


def weekend_rows(index: pd.DatetimeIndex, offset) -> np.ndarray:
    """(rows,) True on the Saturdays and Sundays (local dates) of a business-day grid. pandas
    bins a weekend row into the Friday before it, so a shop's Saturday sales were averaged
    into Friday's under --freq B with no word: B means weekdays, so those rows are dropped
    and counted, as an exchange calendar drops the days it is closed."""
    if not isinstance(offset, pd.offsets.BusinessDay) or isinstance(offset, pd.offsets.CustomBusinessDay):
        return np.zeros(len(index), dtype=bool)
    wall = index.tz_localize(None) if index.tz is not None else index
    return np.asarray(wall.day_of_week >= 5)


def one_weekday(gaps: pd.DatetimeIndex, freq: str) -> str:
    """``every one a Sunday`` when four or more gaps of daily data all fall on one weekday:
    likely a day the place is closed, not a few lost readings, so its filled values would be
    invented sales of a closed shop. A count alone (71 gaps, 14% of the grid, under the refusal's
    fifth) did not say so. No fix is offered: ``--fill drop`` would make a week six rows
    under a season of seven, and only the person knows whether the day is closed."""
    if freq != "D" or len(gaps) < 4:
        return ""
    days = (gaps.tz_localize(None) if gaps.tz is not None else gaps).day_of_week
    if len(set(days)) != 1:
        return ""
    return f"every one a {_WEEKDAYS[days[0]]}"
