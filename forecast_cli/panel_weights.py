"""How much each series of a panel counts in training: in the draws of windows, and in the
loss.

Windows are sampled with weight ``1 / windows_of_its_series ** SAMPLING_ALPHA``: with
alpha 0.5 a series with 100x the windows gets 10x the draws, not 100x, so long series
do not drown short ones, yet long series still count more (they hold more evidence).

The loss weighs each series' errors by ``series_loss_weights``: half plain MAE in scaled
units, half MAE divided by the series' own in-sample seasonal-naive error (MASE's
denominator). Without it a calm series, whose errors are small in any units, barely
steers training, yet MASE (how panels are judged) counts its errors as much as any other.
"""

from __future__ import annotations

import numpy as np

from .windows import PanelSplit

SAMPLING_ALPHA = 0.5
MASE_LOSS_MIX = 0.5  # share of each series' loss weight that follows 1 / its MASE scale


def panel_weights(
    split: PanelSplit, z: np.ndarray, offsets: np.ndarray, season: int, windows_from: np.ndarray | None
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(sampling weight per training window, loss weight per series), or (None, None) for a
    lone series, which weighs 1 by construction. ``z``: the scaled target of every row;
    ``windows_from`` (bool per series, or None for all): the series that give windows."""
    series = len(split.train_ends)
    if series <= 1:
        return None, None
    counts = np.bincount(split.series_of_train, minlength=series).astype(np.float64)
    weights = 1.0 / np.maximum(counts[split.series_of_train], 1.0) ** SAMPLING_ALPHA  # (windows,)
    # a series giving no windows is no part of the panel's median scale either
    ends = split.train_ends if windows_from is None else np.where(windows_from, split.train_ends, 0)
    return weights, series_loss_weights(z, offsets, ends, season)


def series_loss_weights(
    z: np.ndarray, offsets: np.ndarray, train_ends: np.ndarray, season: int
) -> np.ndarray:
    """Loss weight per series (series,): ``(1 - MIX) + MIX * median(s) / s_i`` for
    series i, where s_i is the mean absolute seasonal difference of its scaled
    training rows ``z`` (lag ``season``, or 1 when the series is shorter than two seasons).
    s_i is clipped at a tenth of the median so a flat series cannot take over; a series
    without two training rows gets the median. The panel's median series weighs 1."""
    scales = np.full(len(train_ends), np.nan)
    for i, end in enumerate(train_ends):
        y = z[offsets[i] : offsets[i] + end]
        y = y[np.isfinite(y)]
        lag = season if len(y) > season else 1
        if len(y) > lag:
            scales[i] = np.mean(np.abs(y[lag:] - y[:-lag]))
    median = np.nanmedian(scales) if np.isfinite(scales).any() else 1.0
    if not median > 0:
        return np.ones(len(train_ends))
    scales = np.clip(np.nan_to_num(scales, nan=median), 0.1 * median, None)
    return (1 - MASE_LOSS_MIX) + MASE_LOSS_MIX * median / scales  # (series,)
