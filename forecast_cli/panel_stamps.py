"""A panel's timestamps on one integer clock, for tables that pool series by date, and the
origin stamps those tables are ranked at.

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


def checkpoints(origins: np.ndarray, most: int) -> tuple[np.ndarray, np.ndarray]:
    """(checkpoints, take): the distinct stamps of ``origins`` (rows,), at most ``most`` of
    them evenly spaced (the first included), and each row's latest checkpoint at or before
    its origin. A table per checkpoint ranks only what was known by it, so a row whose
    origin falls between two takes fewer errors than it could have, never later ones; the
    cap bounds how many tables a panel of thousands of end dates ranks."""
    unique = np.unique(origins)
    picked = np.linspace(0, len(unique) - 1, min(len(unique), most)).astype(int)
    chosen = unique[np.unique(picked)]
    return chosen, np.searchsorted(chosen, origins, side="right") - 1
