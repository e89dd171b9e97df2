"""A panel's timestamps on one integer clock, for tables that pool series by date.

Bands pooled over series must not read a row dated at or after a forecast's origin from
any series (``network_bands.dated_bounds`` for ``--local`` members, ``baseline_bands`` for
the baselines); comparing dates across series needs their stamps as numbers of one unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .panel import Panel


def member_stamps(panel: Panel) -> list[np.ndarray]:
    """Each series' stamps as int64 counts of one unit, the finest any series parsed in
    (pandas reads plain dates as microseconds and finer times as nanoseconds; their raw
    counts do not compare, and nanoseconds cannot hold the year 2301)."""
    indexes = [m.frame.index for m in panel.members]
    unit = max((ix.unit for ix in indexes), key=["s", "ms", "us", "ns"].index)
    return [ix.as_unit(unit).asi8 for ix in indexes]


def stacked_stamps(panel: Panel) -> np.ndarray | None:
    """(rows of every series,) the stamps in ``panel.stacked()``'s row order, or None for
    numbered steps (each series counts its own rows: no shared clock)."""
    if not all(isinstance(m.frame.index, pd.DatetimeIndex) for m in panel.members):
        return None
    return np.concatenate(member_stamps(panel))
