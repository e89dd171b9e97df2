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
nothing. The median is 1 by construction. A single series is its own median, so its bands
are exactly what they were; so are those of each ``--local`` member.

A series the model never saw (given to ``predict``, or one a backtest's fit holds no window
of because its folds start later) is measured the same way on the last windows of its own
history, against the panel's prior and median kept from the fit (``LevelBasis``, in the
model file). For such a series every window is one no weight was fitted on, so its level is
read off honest errors; before, it was put at the panel's median whatever its errors. The
level is then raised to the share of a level that held, in the fit, from the trained
series' training windows to their validation windows (``carried_basis``; the validation's
own forecasts give those errors, so no pass is added): a level read off a few dozen
overlapping windows regresses towards the median, and for an unseen series it is the
band's only guide (benchmarks/NOTES.md, "Bands of series the model never saw").

Measured (benchmarks/NOTES.md, "Each series' error level in its bands"): over 32 backtests
of the M1 and accommodation panels the interval scores fell by 5% at 80% and 10% at 95%
(geometric means), at unchanged point forecasts and about a point less coverage at 80%.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .level_basis import LevelBasis, carried_share, error_ratios, level_basis
from .panel import Panel
from .scaling import Scaler
from .validation import GROUP_ROWS, series_groups
from .windows import PanelSplit, add_absolute_errors, window_actuals

if TYPE_CHECKING:
    from .forecaster import Forecaster


def windows_read(season: int, horizon: int) -> int:
    """Training windows read per series, its last ones: two seasons or two horizons, at
    least 12. Recent, so the level is the series' current one; many errors to average (36
    windows of 18 steps on M1 monthly at horizon 18, fewer where a series is short)."""
    return max(2 * season, 2 * horizon, 12)


@dataclass(frozen=True)
class LevelReading:
    """What a fit's training windows say: each series' factor, the basis (without its
    share carried, which needs the validation windows: ``carried_basis``), and each
    series' mean absolute error over its plain scale (NaN without errors)."""

    factors: np.ndarray  # (series,)
    basis: LevelBasis | None
    ratios: np.ndarray  # (series,)


def error_level_factors(f: Forecaster, panel: Panel, split: PanelSplit) -> LevelReading:
    """(series,) each series' error level relative to the panel's median (see the module
    docstring) with the basis it was measured against (None for a panel of one, which is
    its own median); 1 for a series without training windows or of no scale (flat, or one
    row)."""
    scales = np.asarray(f.cal_scales_, dtype=np.float64)
    if len(panel) == 1:  # its own median: no forecast needed to know the factor is 1
        return LevelReading(np.ones(1), None, np.full(1, np.nan))
    sums, counts = _training_errors(f, panel, split)
    ratios, _ = error_ratios(sums, counts, scales)
    basis = level_basis(sums, counts, scales, f.horizon_)
    factors = np.ones(len(panel)) if basis is None else basis.factors(sums, counts, scales, f.horizon_)
    return LevelReading(factors, basis, ratios)


def carried_basis(
    reading: LevelReading, val_sums: np.ndarray, val_counts: np.ndarray, scales: np.ndarray
) -> LevelBasis | None:
    """The basis with its share carried: how far the trained series' levels held from their
    training windows (``reading``) to their validation windows (each series' sum and count
    of absolute errors there; ``scales``: their plain scales). A series never trained on is
    measured against this basis, its level pulled towards the median by as much as levels
    failed to carry (``level_basis.carried_share``): for it, the level is the only guide to
    how far it will be missed, not a correction of one."""
    if reading.basis is None:
        return None
    later, _ = error_ratios(val_sums, val_counts, np.asarray(scales, dtype=np.float64))
    return dataclasses.replace(reading.basis, carry=carried_share(reading.ratios, later))


def newcomer_factors(
    f: Forecaster, panel: Panel, newcomers: np.ndarray, basis: LevelBasis, scales: np.ndarray
) -> np.ndarray:
    """(newcomers,) the levels of a backtest's newcomers (series of the fit's panel with no
    window in it, ``windows_from`` False), read off all their rows, which come before their
    first fold, as ``predict`` reads a series it never saw (``unseen_factors``)."""
    if basis.carry == 0:  # at the median: no pass needed to know
        return np.ones(len(newcomers))
    sums, counts = own_history_errors(
        f,
        [f._inputs(panel.members[i].frame) for i in newcomers],
        [f.scalers_[i] for i in newcomers],
        f.train_statics()[newcomers],
        newcomers,
        [panel.members[i].observed() for i in newcomers],
    )
    return basis.unseen(sums, counts, np.asarray(scales, dtype=np.float64), f.horizon_)


def _training_errors(f: Forecaster, panel: Panel, split: PanelSplit) -> tuple[np.ndarray, np.ndarray]:
    """(series,) sums and counts of the absolute errors of each series' last
    ``windows_read`` training windows, read from its training rows only."""
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
    return sums, counts


def unseen_factors(
    f: Forecaster,
    values: list[np.ndarray],
    scalers: list[Scaler],
    statics: np.ndarray,
    scales: np.ndarray,
    observed: Sequence[np.ndarray | None] | None = None,
) -> np.ndarray:
    """(series,) the error levels of series the model never saw, from the last windows of
    each one's history (``values[i]``: its network inputs; ``scalers[i]``: its own scaler;
    ``statics``: their one-hot static rows; ``scales``: their plain scales), against the
    fit's basis; ``observed``: as in ``own_history_errors``. 1 for a model file from before
    the basis was kept, a fit of one series, or one whose levels did not carry (share 0)."""
    basis = f.level_basis_
    if basis is None or basis.carry == 0 or not values:  # at the median: no pass needed to know
        return np.ones(len(values))
    sums, counts = own_history_errors(f, values, scalers, statics, np.full(len(values), -1), observed)
    return basis.unseen(sums, counts, np.asarray(scales, dtype=np.float64), f.horizon_)


def own_history_errors(
    f: Forecaster,
    values: list[np.ndarray],
    scalers: list[Scaler],
    statics: np.ndarray,
    series: np.ndarray,
    observed: Sequence[np.ndarray | None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(series,) sums and counts of the absolute errors of each series' last
    ``windows_read`` whole windows within its own rows ``values[i]`` (origins from the
    network's context on; none where the rows hold no whole window). ``series``: each
    one's index for a series embedding (-1: none). ``observed[i]``: True where series i's
    target was read, not filled (None: all read); a filled value is no actual to miss, as
    in ``recalibration`` and the backtest's scores."""
    keep = windows_read(f.season_, f.horizon_)
    horizon = f.horizon_
    sums, counts = np.zeros(len(values)), np.zeros(len(values))
    lengths = np.array([len(v) for v in values], dtype=np.int64)
    for lo, hi in series_groups(lengths, GROUP_ROWS):
        picked = [
            i for i in range(lo, hi) if lengths[i] - horizon >= f.context_rows
        ]  # a whole window after the context
        if not picked:
            continue
        local = [
            np.arange(max(f.context_rows, lengths[i] - horizon + 1 - keep), lengths[i] - horizon + 1)
            for i in picked
        ]
        read = [None if observed is None else observed[i] for i in picked]
        _add_window_errors(
            f,
            [values[i] for i in picked],
            local,
            [scalers[i] for i in picked],
            np.asarray(series)[picked],
            statics[picked],
            np.asarray(picked),
            sums,
            counts,
            [
                values[i][:, 0] if r is None else np.where(r, values[i][:, 0], np.nan)
                for i, r in zip(picked, read, strict=True)
            ],
        )
    return sums, counts


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
    series = np.asarray(batch)
    _add_window_errors(
        f,
        [f._inputs(panel.members[i].frame.iloc[first[i] : int(split.train_ends[i])]) for i in batch],
        [picked[i] - split.bounds[i] - first[i] for i in batch],  # origins within each piece
        [f.scalers_[i] for i in batch],
        series,
        statics[series],
        series,
        sums,
        counts,
    )


def _add_window_errors(
    f: Forecaster,
    pieces: list[np.ndarray],
    local: list[np.ndarray],
    scalers: list[Scaler],
    series: np.ndarray,
    statics: np.ndarray,
    owners: np.ndarray,
    sums: np.ndarray,
    counts: np.ndarray,
    targets: list[np.ndarray] | None = None,
) -> None:
    """Adds to ``owners[k]``'s sum and count the absolute errors of the windows at origins
    ``local[k]`` within ``pieces[k]`` (network inputs, one series' rows each), forecast in
    one pass; ``targets[k]``: the actuals of piece k (default its target column; NaN where
    a value is no actual). ``series``: each piece's index for a series embedding."""
    bounds = np.concatenate([[0], np.cumsum([len(v) for v in pieces])]).astype(np.int64)
    origins = np.concatenate([b + t for b, t in zip(bounds[:-1], local, strict=True)])
    within = np.concatenate([np.full(len(t), k) for k, t in enumerate(local)])  # (windows,)
    stacked = np.concatenate(pieces)
    pred = f.forecast_origins(
        stacked, origins, bounds, scalers=scalers, clamp_future=True, series=series, statics=statics
    )  # (windows, horizon)
    target = stacked[:, 0] if targets is None else np.concatenate(targets)
    actual = window_actuals(target, origins, bounds[within + 1], pred.shape[1])
    add_absolute_errors(sums, counts, owners[within], actual, pred)
