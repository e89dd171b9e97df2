"""A conformal table kept ranked while windows join and leave it.

The baselines' bands in a backtest rank one table per origin stamp (``baseline_bands``),
and from one stamp to the next only the series with an origin between them lend other
windows: on M1 monthly 108 tables of 30,000 windows each, nearly all shared with the table
before. Ranking each from scratch took the baselines from 2 to 6 seconds; keeping each
step's absolute errors sorted, and inserting and deleting only what changed, ranks the same
table (``CalibrationTable.from_errors``, to the last digit: tested) for a fraction of it.
"""

from __future__ import annotations

import numpy as np

from .intervals import MIN_STEP_ERRORS, CalibrationTable, grid_ranks


class RankedPool:
    """Absolute errors of whole windows, each step's sorted, (horizon, windows). Windows
    with an error missing at any step are kept out (a flat series' windows have none at
    all), so every step holds the same count."""

    def __init__(self, horizon: int) -> None:
        self.sorted = np.empty((horizon, 0))

    def __len__(self) -> int:
        return self.sorted.shape[1]

    def add(self, errors: np.ndarray) -> None:
        """Join ``errors`` (windows, horizon), signed."""
        ranked = np.sort(np.abs(_whole(errors)), axis=0).T  # (horizon, windows)
        if ranked.shape[1]:
            self.sorted = np.stack([_merged(old, new) for old, new in zip(self.sorted, ranked, strict=True)])

    def remove(self, errors: np.ndarray) -> None:
        """Take out ``errors`` (windows, horizon), as ``add`` was given them."""
        ranked = np.sort(np.abs(_whole(errors)), axis=0).T  # (horizon, windows)
        if ranked.shape[1]:
            self.sorted = np.stack(
                [_without(old, gone) for old, gone in zip(self.sorted, ranked, strict=True)]
            )

    def table(self) -> CalibrationTable | None:
        """The table ``CalibrationTable.from_errors`` ranks from these windows, or None when
        a step holds fewer than ``MIN_STEP_ERRORS`` (it borrows from its neighbours there:
        ranked from the windows themselves)."""
        n = len(self)
        if n < MIN_STEP_ERRORS:
            return None
        return CalibrationTable(self.sorted[:, grid_ranks(n) - 1], n, 0, n)


def _whole(errors: np.ndarray) -> np.ndarray:
    errors = np.asarray(errors, dtype=np.float64)
    return errors[np.isfinite(errors).all(axis=1)]


def _merged(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Two sorted vectors as one sorted vector."""
    return np.insert(old, np.searchsorted(old, new), new)


def _without(old: np.ndarray, gone: np.ndarray) -> np.ndarray:
    """Sorted ``old`` less one occurrence of each value of sorted ``gone`` (all in it)."""
    at = np.searchsorted(old, gone, side="left")
    at += np.arange(len(gone)) - np.searchsorted(gone, gone, side="left")  # equal values: the next ones
    return np.delete(old, at)
