"""A ``--local`` backtest's bands: every member's parts pooled, origin by origin.

Each member (one series' network) gathers what its bands are made of where it ran
(``network_bands.BandParts``); this ranks the tables afterwards, over all members: on
timestamps one per origin stamp, of errors dated before it (``network_bands.dated_bounds``),
on numbered steps, which count each series' own rows and share no clock, one per fold
index (``network_bands.pooled_bounds``).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .folds import Fold
from .network_bands import BandParts, Dated, dated_bounds, pooled_bounds
from .panel import Panel
from .panel_stamps import member_stamps


def member_bounds(
    parts: list[BandParts], plans: list[list[Fold]], first_row: np.ndarray, levels, panel: Panel
) -> list[dict[str, np.ndarray]]:
    """lo/hi per level of each part's rows (one dict per part, in order); ``first_row``:
    where each series' rows begin in the forecast arrays (``backtest_fits.fold_rows``)."""
    if all(isinstance(m.frame.index, pd.DatetimeIndex) for m in panel.members):
        stamps = member_stamps(panel)
        return dated_bounds(parts, [_dated(p, plans, first_row, stamps) for p in parts], levels)
    # numbered steps: each part's rows keyed by the backtest's fold index, not its fit's own places
    fold_index = np.concatenate([[f.index for f in p] for p in plans]).astype(np.int64)  # (rows,)
    return pooled_bounds([dataclasses.replace(p, keys=fold_index[p.rows]) for p in parts], levels)


def _dated(
    part: BandParts, plans: list[list[Fold]], first_row: np.ndarray, stamps: list[np.ndarray]
) -> Dated:
    """When ``part`` (one series' fit) forecast and learnt its errors, as its series' stamps
    (``member_stamps``). Its rows count from where its fit's rows began (``--train-size``):
    the plan's origin of its first row says by how much."""
    series = int(np.searchsorted(first_row, part.rows[0], side="right") - 1)
    origins = np.array([f.origin for f in plans[series]])[part.rows - first_row[series]]  # (rows,)
    shift = int(origins[0] - part.row_origin[0])
    own = stamps[series]  # (series rows,)
    steps = part.since_origin[:, None] + shift + np.arange(part.since.shape[1])[None, :]
    since = own[np.minimum(steps, len(own) - 1)]  # a step past the data has no error anyway
    return Dated(series, int(own[origins.min()]), own[origins], since)
