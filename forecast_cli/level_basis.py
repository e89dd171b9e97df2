"""The arithmetic of the error levels (``error_levels.py``): each series' mean absolute
error over its scale, pulled towards the panel's median and divided by the median of the
result, within bounds. Plain numpy, apart from the forecasting that gathers the errors, so
that a model file (``fitted_state``) reads its basis without importing torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

LEVEL_BOUND = 4.0  # factors are kept within a quarter and four times the median (relative_levels)
CARRY_SERIES = 10  # series with both levels that a share carried needs (``carried_share``)


@dataclass(frozen=True)
class LevelBasis:
    """What a fit's error levels are measured against, kept so that a series it never saw is
    measured alike: ``prior``, the panel's median mean error over scale (the pseudo-errors
    that pull a series of few windows towards it), ``median``, the median of the pulled
    ratios (level 1), and ``carry``, the share of a level read off one span of windows that
    holds over the next (``carried_share``), which an unseen series' level is raised to."""

    prior: float
    median: float
    carry: float = 0.0

    def stored(self) -> list[float]:
        """What the model file keeps (``fitted_state``): the three numbers, in order."""
        return [self.prior, self.median, self.carry]

    @classmethod
    def from_stored(cls, raw: Any) -> LevelBasis | None:
        """The basis a model file kept; None for a file from before it (an unseen series
        then stays at the median). A ValueError names a basis out of range."""
        if raw is None:
            return None
        if not (isinstance(raw, list) and len(raw) == 3 and all(isinstance(v, float) for v in raw)):
            raise ValueError("the model file's error level basis is not three numbers")
        prior, median, carry = raw
        if not (np.isfinite(prior) and prior > 0 and np.isfinite(median) and median > 0 and 0 <= carry <= 1):
            raise ValueError("the model file's error level basis is out of range")
        return cls(prior, median, carry)

    def unseen(self, sums: np.ndarray, counts: np.ndarray, scales: np.ndarray, horizon: int) -> np.ndarray:
        """(series,) the levels of series the fit never saw: ``factors`` raised to ``carry``,
        pulled towards the median (1) as far as a level failed to carry over in the fit."""
        return self.factors(sums, counts, scales, horizon) ** self.carry

    def factors(self, sums: np.ndarray, counts: np.ndarray, scales: np.ndarray, horizon: int) -> np.ndarray:
        """(series,) each series' level from its sum and count of absolute errors and its
        scale; 1 where there is no scale or no error (see ``relative_levels``)."""
        _, own = error_ratios(sums, counts, scales)
        shrunk = _pulled(sums, counts, scales, horizon, self.prior)
        return np.where(own, np.clip(shrunk / self.median, 1 / LEVEL_BOUND, LEVEL_BOUND), 1.0)


def relative_levels(sums: np.ndarray, counts: np.ndarray, scales: np.ndarray, horizon: int) -> np.ndarray:
    """(series,) factors from each series' sum and count of absolute errors and its scale:
    the mean error over the scale, with ``horizon`` pseudo-errors at the panel's median of
    that ratio added, over the median of the result, kept within ``LEVEL_BOUND`` of 1 either
    way. 1 where there is no scale or no error.

    Why the bound: the level is read off two seasons of windows, and where errors come in
    rare jumps it measures whether a jump fell in them, not a level. Six daily prices that
    each change on 2% of days got factors from 0.07 to 76, so the one whose price had
    changed three weeks before its end got a 95% band of 0 to 105 around a price of 10. On
    M1 monthly, quarterly and the accommodation panel 98% of the factors lie within a
    quarter and four times the median (the extremes 0.18 and 6.7), and bounding them there
    moved the rolling backtests' interval scores by under 0.1% (at 2: up to 7% worse at 95%);
    the prices' 95% interval score fell from 79.5 to 20.5 (benchmarks/NOTES.md, "Error
    levels of rare jumps")."""
    basis = level_basis(sums, counts, scales, horizon)
    return np.ones(len(scales)) if basis is None else basis.factors(sums, counts, scales, horizon)


def carried_share(earlier: np.ndarray, later: np.ndarray) -> float:
    """How much of a series' error level read off one span holds over the next: the slope,
    in logs and about the medians, of ``later`` on ``earlier`` (each series' mean absolute
    error over its scale on its training windows and on its validation windows), within
    [0, 1]; 0 where fewer than ``CARRY_SERIES`` series have both.

    Why: a level is read off a few dozen overlapping windows, and the next span's errors
    regress towards the panel's median. On the four sample panels the slope was 0.52 to 0.74
    (benchmarks/NOTES.md, "Bands of series the model never saw"): a series never trained on,
    whose own level is its band's only guide, takes that share of it in logs and the rest
    from the median. Estimated per fit from its own windows, so no constant is tuned. Below
    ten series the slope is noise: on four accommodation states it came out 1 (the bound)
    in three of six splits, and the unseen states' bands scored up to 41% worse than at
    the median; so few series keep the median, as before."""
    earlier, later = np.asarray(earlier, dtype=np.float64), np.asarray(later, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        x, y = np.log(earlier), np.log(later)
    both = np.isfinite(x) & np.isfinite(y)
    if both.sum() < CARRY_SERIES:
        return 0.0
    x, y = x[both] - np.median(x[both]), y[both] - np.median(y[both])
    spread = float(np.sum(x * x))
    return float(np.clip(np.sum(x * y) / spread, 0.0, 1.0)) if spread > 0 else 0.0


def level_basis(sums: np.ndarray, counts: np.ndarray, scales: np.ndarray, horizon: int) -> LevelBasis | None:
    """The prior and median of ``relative_levels`` over the series with errors and a scale;
    None where none has both."""
    ratio, own = error_ratios(sums, counts, scales)
    if not own.any():
        return None
    prior = float(np.median(ratio[own]))
    return LevelBasis(prior, float(np.median(_pulled(sums, counts, scales, horizon, prior)[own])))


def error_ratios(sums: np.ndarray, counts: np.ndarray, scales: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(series,) each series' mean absolute error over its scale (what ``carried_share``
    compares), and whether it has one (errors, a scale above 0, a finite positive ratio)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = sums / counts / scales
    return ratio, np.isfinite(ratio) & (ratio > 0) & (scales > 0) & (counts > 0)


def _pulled(
    sums: np.ndarray, counts: np.ndarray, scales: np.ndarray, horizon: int, prior: float
) -> np.ndarray:
    """(series,) those ratios with ``horizon`` pseudo-errors at ``prior`` added."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return (sums / scales + horizon * prior) / (counts + horizon)
