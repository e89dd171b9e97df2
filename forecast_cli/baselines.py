"""Simple baselines every recurrent model must beat, vectorised over many origins.

Each takes the raw target ``y``, the forecast ``origins`` (index of the first forecast
step; rows before it are known), the ``horizon`` and the ``starts`` of each origin's
training data, and returns forecasts of shape (len(origins), horizon).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

BASELINES = ("naive", "seasonal-naive", "drift", "mean")


def naive(y: np.ndarray, origins: np.ndarray, horizon: int, **_: object) -> np.ndarray:
    """f_{t+k} = y_{t-1}: the last observed value, repeated."""
    last = np.asarray(y)[np.asarray(origins) - 1]
    return np.repeat(last[:, None], horizon, axis=1)


def seasonal_naive(
    y: np.ndarray, origins: np.ndarray, horizon: int, season: int = 1, **_: object
) -> np.ndarray:
    """f_{t+k} = y_{t - m + (k mod m)}: the last observed season, repeated (k = 0 .. H-1)."""
    origins = np.asarray(origins)
    m = season if origins.min() >= season else 1  # too little history for a season: fall back to naive
    lags = m - (np.arange(horizon) % m)  # (horizon,)
    return np.asarray(y)[origins[:, None] - lags[None, :]]


def drift(
    y: np.ndarray, origins: np.ndarray, horizon: int, starts: np.ndarray | None = None, **_: object
) -> np.ndarray:
    """f_{t+k} = y_{t-1} + (k+1) (y_{t-1} - y_s) / (t-1-s): the line from the first training point s."""
    y, origins = np.asarray(y, dtype=np.float64), np.asarray(origins)
    starts = np.zeros_like(origins) if starts is None else np.asarray(starts)
    last = y[origins - 1]
    span = np.maximum(origins - 1 - starts, 1)
    slope = (last - y[starts]) / span
    return last[:, None] + slope[:, None] * np.arange(1, horizon + 1)[None, :]


def mean(
    y: np.ndarray, origins: np.ndarray, horizon: int, starts: np.ndarray | None = None, **_: object
) -> np.ndarray:
    """f_{t+k} = mean(y_s .. y_{t-1}): the training mean."""
    y, origins = np.asarray(y, dtype=np.float64), np.asarray(origins)
    starts = np.zeros_like(origins) if starts is None else np.asarray(starts)
    # Each window summed on its own rows (reduceat over [start, origin) pairs; the odd
    # slices between pairs are discarded). A running sum over the stacked panel made every
    # mean depend, in its last bits, on rows before its window, other series' included.
    padded = np.append(y, 0.0)  # an origin at the end indexes one past the last row
    bounds = np.column_stack([starts, origins]).ravel()  # (2 * windows,)
    sums = np.add.reduceat(padded, bounds)[::2]  # (windows,)
    avg = sums / (origins - starts)
    return np.repeat(avg[:, None], horizon, axis=1)


BASELINE_FUNCTIONS: dict[str, Callable[..., np.ndarray]] = {
    "naive": naive,
    "seasonal-naive": seasonal_naive,
    "drift": drift,
    "mean": mean,
}
