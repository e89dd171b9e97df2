"""How bands and quantiles are scored: coverage, the interval (Winkler) score and the
pinball loss, elementwise, as ``backtest_intervals`` averages them."""

from __future__ import annotations

import numpy as np


def coverage(actual: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Share of actuals inside [lo, hi]."""
    return float(np.mean((actual >= lo) & (actual <= hi)))


def interval_score(actual: np.ndarray, lo: np.ndarray, hi: np.ndarray, level: float) -> np.ndarray:
    """Winkler / interval score (Gneiting & Raftery, 2007), elementwise, a = 1 - level/100:
    (hi - lo) + (2/a)(lo - y) if y < lo, + (2/a)(y - hi) if y > hi."""
    a = 1.0 - level / 100.0
    return (hi - lo) + (2.0 / a) * np.maximum(lo - actual, 0.0) + (2.0 / a) * np.maximum(actual - hi, 0.0)


def pinball(actual: np.ndarray, forecast: np.ndarray, prob: float) -> np.ndarray:
    """Pinball (quantile) loss, elementwise: max(p (y - f), (p - 1)(y - f))."""
    diff = actual - forecast
    return np.maximum(prob * diff, (prob - 1.0) * diff)
