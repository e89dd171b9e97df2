"""The plan's choices for single options, each from the training rows or the choices before
it: the transform, the scaler, the drift input's span, the batch size, and the hint for
intermittent data. ``plan.plan_with_split`` calls them in order; why each default is what
it is stays in ``plan``'s docstring and in each function's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .damped_trend import SEASONS_READ, window_rows
from .drift import DRIFT_LOOKBACKS

BATCH = 128  # windows per gradient step by default
EPOCH_STEPS = 16  # gradient steps an epoch takes, at least, on a panel (see choose_batch_size)


def intermittent_hint(train_ys: list[np.ndarray], loss: str) -> str:
    """Said when most training values are 0 (intermittent demand) under the MAE loss: its
    point forecast is a median, and a median of mostly-zero days is about 0. MASE rewards
    that (on 50 sparse daily series it led the backtest at 0.65) while the forecasts summed
    to 2% of the units sold: useless for stock or totals, which the mean (MSE) serves."""
    zeros = sum(int(np.count_nonzero(y == 0)) for y in train_ys)
    observed = sum(int(np.count_nonzero(~np.isnan(y))) for y in train_ys)
    share = zeros / observed if observed else 0.0
    if loss != "mae" or share <= 0.5:
        return ""
    return (
        f"; {share:.0%} of them are 0, so the point forecast, a median under --loss mae, sits "
        "near 0: --loss mse forecasts the mean, for totals and stock"
    )


def choose_transform(requested: str, ys: list[np.ndarray]) -> tuple[str, str]:
    """Log only when every series is strictly positive on every row given to the fit: one
    transform for the panel keeps the network's inputs comparable across series."""
    if requested != "auto":
        return requested, "given"
    finite = [y[np.isfinite(y)] for y in ys]
    below = sum(1 for f in finite if not (len(f) and np.all(f > 0)))
    if not below:
        return "log", "auto: the training target is strictly positive"
    if len(ys) == 1:
        return "none", "auto: the training target has values <= 0"
    # a panel: how many series hold them, since a few zeros turn the log off for all
    have = "has" if below == 1 else "have"
    return "none", f"auto: {below} of {len(ys)} series {have} values <= 0, and one transform serves the panel"


def choose_drift_rows(
    requested: str, level_norm: bool, differencing: bool, lookback: int, series: int
) -> tuple[int, str]:
    """Rows the long-run drift input spans (0: none). ``auto`` gives it to panels only: it
    tells series of different long-run trends apart, while one series has one trend, which
    the network learns without it (on the single-series sets it gained nothing, MASE -1% to
    +4% in single runs; on the M1 panels it cut the median MASE of three seeds by 1-3%:
    benchmarks/RESULTS.md, "Long-run drift input")."""
    if not level_norm:
        return (
            0,
            "differenced series have no level" if differencing else "it reads levels, and level norm is off",
        )
    if requested == "off" or (requested == "auto" and series == 1):
        return 0, "turned off" if requested == "off" else "auto: one series, one long-run trend"
    return (
        DRIFT_LOOKBACKS * lookback,
        f"the trend over {DRIFT_LOOKBACKS} lookbacks, which a window cannot see",
    )


def choose_damped_rows(requested: str, season: int, lengths: Sequence[int] = ()) -> tuple[int, str]:
    """Rows the damped-trend smoother the network may be averaged with reads (0: none).
    ``auto`` fits it, and the fit averages it in only where that lowers the validation
    error (``combine_weight``): a network misses levels and trends that a per-series
    smoother follows (MASE -13%, -2%, -2% and -3% on the accommodation panel and M1), but a
    smoother of one season misses what the network reads in high-frequency data (a
    half-hourly panel's MASE 0.18 went to 0.82). A single series decides the same way, a
    panel of one: on the 820 M1 series fitted one each (``--local``) it took
    MASE from 1.132 to 1.006 (monthly) and 1.188 to 1.110 (quarterly), and airline over 24
    origins from 0.825 to 0.673, while the half-hourly series kept its network alone
    (benchmarks/RESULTS.md, "One series decides as a panel does"). ``damped`` always
    averages equally. ``lengths``: each series' training rows, so that the line does not
    promise 1440 rows of a series of 864."""
    if requested == "none":
        return 0, "turned off"
    rows = window_rows(season)
    seasons = f", its season from the last {SEASONS_READ} seasons" if season > 1 else ""
    which = "averaged in where it lowers the validation error" if requested == "auto" else "averaged in"
    whose = f"each series' last {rows} rows"
    if len(lengths) == 1 and lengths[0] <= rows:
        whose = f"all the series' {lengths[0]} rows"
    elif lengths and max(lengths) <= rows:
        whose = "all of each series' rows"
    elif lengths and min(lengths) < rows:
        whose += " or all of a shorter one's"
    return rows, f"a damped trend of {whose}{seasons}, {which}"


def choose_batch_size(requested: int | None, windows: np.ndarray) -> tuple[int, str]:
    """Windows per gradient step: ``BATCH`` (128), or on a panel with fewer than
    ``EPOCH_STEPS`` (16) batches of training windows, the batch that gives an epoch 16 steps.
    ``windows``: the training windows of each series whose windows train the weights.

    A small panel at 128 trained too little: the accommodation panel's 416 windows made 4
    steps an epoch, and its best epoch was the 60th of 60. With 16 steps, 60 epochs allow
    960 steps, about the 1,000 neuralforecast trains by default. Over 14 small panels (the
    accommodation panel's two targets, six sets of 20 M1 quarterly and six of 10 M1 monthly
    series) and two seeds, MASE fell 2.1% (geometric mean; 15 of 28 runs better by over 1%,
    4 worse) and the 80%/95% interval scores 2.9%/3.7%; 8 and 32 steps gained less
    (benchmarks/RESULTS.md, "Small panels: 16 steps an epoch"). One series (and so each
    ``--local`` member) keeps 128: with 16 steps the 16 single-series comparison rows moved
    by -2% to +0.6%, and ``--local`` fits of small M1 sets took 3-4 times as long for MASE
    moved either way (-6% to +5%).
    """
    if requested is not None:
        return requested, "given"
    if np.count_nonzero(windows) < 2:
        return BATCH, "auto: one series"
    total = int(windows.sum())
    if total >= EPOCH_STEPS * BATCH:
        return BATCH, f"auto: {total} training windows"
    batch = -(-total // EPOCH_STEPS)
    return batch, f"auto: {total} training windows, {EPOCH_STEPS} steps an epoch"


def choose_scaler(requested: str, transform: str) -> tuple[str, str]:
    """``auto``: one shared target scale when the log has made series comparable."""
    if requested != "auto":
        return requested, "given"
    if transform in ("log", "logdiff"):
        return "shared", "auto: log units are comparable across series"
    return "standard", "auto: each series in its own units"
