"""Each series' own error level, for the typical width of its bands.

Why: a panel's bands divide each error by the spread head's width plus a typical width
(``band_shape.normalisers``), and the typical width was the series' scale (the mean absolute
one-step change of its training rows, MASE's denominator) times the step's median ratio.
That scale says how far a series moves, not how far the network misses it: a smooth
seasonal series moves a lot from month to month and is forecast closely, a noisy one moves
less and is missed by more. AutoETS, whose bands grow with each series' own residual
variance, ranked the large errors better on M1 monthly (Spearman 0.25 against our 0.19,
benchmarks/NOTES.md, "The peers' intervals where ours miss").

So each series' calibration scale is multiplied by its error level: the network's mean
absolute error on the series' last training windows, over its scale, relative to the
panel's median of the same ratio. As ETS reads its variance off its in-sample residuals,
this reads training windows only, never the validation rows whose errors it then
normalises (calibration and its normaliser stay apart). A series with few windows is pulled
towards the panel's median by one window's worth of errors at that median (a series of one
training window gets half its own level), so one lucky window cannot give a band of
nothing. The median is 1 by construction: a series the model never saw, sized by its plain
scale at predict time, is put at the panel's median. A single series is its own median, so
its bands are exactly what they were; so are those of each ``--local`` member.

Measured (benchmarks/NOTES.md, "Each series' error level in its bands"): over 32 backtests
of the M1 and accommodation panels the interval scores fell by 5% at 80% and 10% at 95%
(geometric means), at unchanged point forecasts and about a point less coverage at 80%.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .panel import Panel
from .validation import GROUP_ROWS, series_groups
from .windows import PanelSplit, window_actuals

if TYPE_CHECKING:
    from .forecaster import Forecaster


LEVEL_BOUND = 4.0  # factors are kept within a quarter and four times the median (relative_levels)


def windows_read(season: int, horizon: int) -> int:
    """Training windows read per series, its last ones: two seasons or two horizons, at
    least 12. Recent, so the level is the series' current one; many errors to average (36
    windows of 18 steps on M1 monthly at horizon 18, fewer where a series is short)."""
    return max(2 * season, 2 * horizon, 12)


def error_level_factors(f: Forecaster, panel: Panel, split: PanelSplit) -> np.ndarray:
    """(series,) each series' error level relative to the panel's median (see the module
    docstring); 1 for a series without training windows or of no scale (flat, or one row)."""
    scales = np.asarray(f.cal_scales_, dtype=np.float64)
    if len(panel) == 1:  # its own median: no forecast needed to know the factor is 1
        return np.ones(1)
    sums, counts = np.zeros(len(panel)), np.zeros(len(panel))
    keep = windows_read(f.season_, f.horizon_)
    order = np.lexsort((split.train_origins, split.series_of_train))  # by series, then origin
    members, origins = split.series_of_train[order], split.train_origins[order]
    ends = np.searchsorted(members, np.arange(len(panel)), side="right")
    picked = [origins[max(a, b - keep) : b] for a, b in zip(np.r_[0, ends[:-1]], ends, strict=True)]
    # each series' first row read: what its first picked window reads, drift input included
    # (its training end for a series without windows: no rows read)
    first = np.array(
        [
            max(int(p[0] - split.bounds[i]) - f.plan_.history_rows, 0) if len(p) else int(split.train_ends[i])
            for i, p in enumerate(picked)
        ]
    )
    statics = f.train_statics()
    for lo, hi in series_groups(split.train_ends - first, GROUP_ROWS):
        batch = [i for i in range(lo, hi) if len(picked[i])]
        if batch:
            _absolute_errors(f, panel, split, picked, first, batch, statics, sums, counts)
    return relative_levels(sums, counts, scales, f.horizon_)


def _absolute_errors(
    f: Forecaster,
    panel: Panel,
    split: PanelSplit,
    picked: list[np.ndarray],
    first: np.ndarray,
    batch: list[int],
    statics: np.ndarray,
    sums: np.ndarray,
    counts: np.ndarray,
) -> None:
    """Adds to ``sums``/``counts`` the absolute errors of series ``batch``'s ``picked``
    windows (global origins), read from their rows ``first`` .. training end only."""
    values, offsets, at, segment = [], [0], [], []
    for k, i in enumerate(batch):
        local = picked[i] - split.bounds[i]  # series-local origins
        values.append(f._inputs(panel.members[i].frame.iloc[first[i] : int(split.train_ends[i])]))
        at.append(local - first[i] + offsets[-1])
        segment.append(np.full(len(local), k))
        offsets.append(offsets[-1] + len(values[-1]))
    stacked, bounds, origins = np.concatenate(values), np.asarray(offsets), np.concatenate(at)
    within = np.concatenate(segment)  # (windows,): each window's place in ``batch``
    series = np.asarray(batch)
    pred = f.forecast_origins(
        stacked,
        origins,
        bounds,
        scalers=[f.scalers_[i] for i in batch],
        clamp_future=True,
        series=series,
        statics=statics[series],
    )  # (windows, horizon)
    actual = window_actuals(stacked[:, 0], origins, bounds[within + 1], pred.shape[1])
    error = np.abs(actual - pred)  # (windows, horizon); NaN past the training rows or at a missing value
    seen = np.isfinite(error)
    np.add.at(sums, series[within], np.where(seen, error, 0.0).sum(axis=1))
    np.add.at(counts, series[within], seen.sum(axis=1))


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
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = sums / counts / scales
    own = np.isfinite(ratio) & (ratio > 0) & (scales > 0) & (counts > 0)
    if not own.any():
        return np.ones(len(scales))
    prior = float(np.median(ratio[own]))
    with np.errstate(invalid="ignore", divide="ignore"):
        shrunk = (sums / scales + horizon * prior) / (counts + horizon)
    factors = np.clip(shrunk / np.median(shrunk[own]), 1 / LEVEL_BOUND, LEVEL_BOUND)
    return np.where(own, factors, 1.0)
