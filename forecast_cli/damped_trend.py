"""Damped-trend exponential smoothing on seasonally adjusted data, fitted for many series at once.

The M competitions' "Damped" benchmark (Gardner & McKenzie, 1985; Makridakis & Hibon, 2000):
a classical decomposition removes the season when an autocorrelation test finds one, a
damped Holt model smooths what is left, and the forecast is put back on the season.

    l_t = l_{t-1} + phi b_{t-1} + alpha e_t        e_t = a_t - (l_{t-1} + phi b_{t-1})
    b_t = phi b_{t-1} + alpha beta e_t              a_t = y_t / s_t  (or y_t - s_t)
    f_{t+h} = (l_t + (phi + ... + phi^h) b_t) s_{t+h}

Why our own: statsforecast is a benchmark peer, not a dependency; statsmodels' ``Holt`` fits
one series per call (README, "Our own damped trend", has the measured times) and would bring
scipy and patsy. Here one grid search fits every series together (``fit_damped``): the
recursion runs once per time step over a vector of series and candidate parameters.
``tests/test_damped_trend.py`` holds the decomposition and the recursion equal to
statsmodels', and the fitted error within 0.5% of its optimiser's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .seasonal_factors import deseasonalised, unit_rows
from .spikes import tamed

# Bounds of the damping factor, as R's forecast::ets and statsforecast hold them: below 0.8 a
# trend dies within a few steps; above 0.98 it hardly damps.
PHI_RANGE = (0.8, 0.98)
# Rows the parameters are fitted on: older rows weigh (1 - alpha)^k on the level, nothing for
# any alpha a fit picks on real data, and the recursion's time is linear in them.
FIT_ROWS = 1000
# A forecast's seasonal factors come from its last five seasons (a season that drifts is
# followed; four or five ratios per position average its noise), and its level and trend from
# at least its last 50 rows (alpha 0.1 forgets the starting value to 0.5% in 50 rows).
SEASONS_READ = 5
LEAST_ROWS = 50
# The smoother's share of a forecast it is averaged into: an equal average.
EQUAL = 0.5
# Windows deseasonalised per array: bounds the memory of a long season's windows (5-minute
# data reads 1,440 rows a window).
CHUNK = 4096


def window_rows(season: int) -> int:
    """Rows before an origin that one forecast reads."""
    return max(SEASONS_READ * season, LEAST_ROWS)


@dataclass(frozen=True)
class DampedFit:
    """Per series: the smoothing parameters (a season is found, or not, in the rows each
    forecast reads: ``damped_at_origins``); for the panel, the smoother's share of the
    forecast (``combine_weight``)."""

    alpha: np.ndarray  # (series,)
    beta: np.ndarray  # (series,)
    phi: np.ndarray  # (series,)
    weight: float = EQUAL  # ``--combine damped``'s (``auto`` chooses: ``combine_weight``)

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"alpha": self.alpha, "beta": self.beta, "phi": self.phi}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], series: int, weight: float) -> DampedFit:
        """The fit stored by ``to_arrays`` (and ``weight``), checked to hold one value per series."""
        names = ("alpha", "beta", "phi")
        if any(name not in arrays or arrays[name].shape != (series,) for name in names):
            raise ValueError("the model file's damped-trend arrays disagree with its series ids")
        alpha, beta, phi = (arrays[k].astype(np.float64) for k in names)
        if not 0.0 <= weight <= 1.0:
            raise ValueError("the model file's damped-trend weight is not between 0 and 1")
        return cls(alpha, beta, phi, float(weight))


def smooth(a: np.ndarray, alpha: np.ndarray, beta: np.ndarray, phi: np.ndarray) -> tuple[np.ndarray, ...]:
    """Level and trend after each window of ``a`` (windows, rows), and the one-step errors
    (windows, rows), for one parameter set per window (windows,)."""
    level, trend, _, errors = _recursion(a, alpha[:, None], beta[:, None], phi[:, None], keep_errors=True)
    assert errors is not None  # kept when asked for
    return level[:, 0], trend[:, 0], errors[:, 0]


def _recursion(
    a: np.ndarray, alpha: np.ndarray, beta: np.ndarray, phi: np.ndarray, keep_errors: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """The damped-trend recursion over the rows of ``a`` (windows, rows) for parameter sets
    (windows, sets): final level and trend, summed squared error (windows, sets) and, with
    ``keep_errors``, each row's error (windows, sets, rows).

    A window's state starts at its first value (level = that value, trend = 0), which has no
    error; a missing value (NaN) leaves the state as it was and has none either."""
    windows, rows = a.shape
    level = np.full(alpha.shape, np.nan)
    trend = np.zeros(alpha.shape)
    sse = np.zeros(alpha.shape)
    errors = np.full((*alpha.shape, rows), np.nan) if keep_errors else None
    dense = _dense_from(a) if errors is None else rows
    damping = alpha * beta  # (windows, sets): the trend's share of an error, as below
    for t in range(rows):
        value = a[:, t : t + 1]  # (windows, 1)
        if t >= dense:  # every window started and every value seen: the same updates, unmasked
            guess = level + phi * trend
            error = value - guess
            sse += error * error
            level = guess + alpha * error
            trend = phi * trend + damping * error
            continue
        seen = np.isfinite(value)
        started = np.isfinite(level) & seen
        guess = level + phi * trend  # (windows, sets)
        error = np.where(started, value - guess, 0.0)
        sse += error * error
        if errors is not None:
            errors[:, :, t] = np.where(started, error, np.nan)
        level = np.where(started, guess + alpha * error, np.where(seen & ~np.isfinite(level), value, level))
        trend = np.where(started, phi * trend + damping * error, trend)
    return level, trend, sse, errors


def _dense_from(a: np.ndarray) -> int:
    """The first row from which every window of ``a`` (windows, rows) has started and sees
    every value: one past the first row of the last run of columns without a NaN (the
    search's rows are right-aligned, so most of a block is such a run). The masked updates
    of ``_recursion`` reduce to plain ones there: the search over 2,000 daily series of
    1,000 rows took 3.1 s instead of 8.1 s, with the same parameters bit for bit."""
    whole = np.isfinite(a).all(axis=0)  # (rows,)
    gaps = np.flatnonzero(~whole)
    start = int(gaps[-1]) + 1 if len(gaps) else 0
    return start + 1 if start < a.shape[1] else a.shape[1]


def fit_damped(histories: list[np.ndarray], m: int) -> DampedFit:
    """Each series' alpha, beta, phi: those of the least squared one-step error over its last
    ``FIT_ROWS`` training rows, the state started as ``smooth`` starts it, found by a grid
    and then ``ZOOMS`` searches around the best point, each at half the step before.

    Why a search and not a gradient method: it is evaluated for every series at once, in
    numpy, yet each series' parameters depend on its own rows only. One L-BFGS run over the
    sum of the series' errors moved every series' parameters (in their ninth digit) when one
    other series' rows changed; a per-series optimiser in Python would take minutes on a
    panel of thousands. ``tests/test_damped_trend.py`` holds the result against statsmodels'
    optimiser."""
    ys = [np.asarray(y, dtype=np.float64) for y in histories]
    # blocks of series of like length: less left padding, so the recursion runs unmasked sooner
    order = np.argsort([min(len(y), FIT_ROWS) for y in ys], kind="stable")
    best = np.empty((len(ys), 3))  # (series, 3)
    for lo in range(0, len(ys), FIT_SERIES):
        block = order[lo : lo + FIT_SERIES]
        best[block] = _fitted_points([ys[i] for i in block], m)
    alpha, beta, phi = _squashed(best)
    return DampedFit(alpha, beta, phi)


# Series searched together: each series' parameters depend on its own rows only, and the
# search holds (series, 225 candidates) arrays a dozen at a time. Searched all at once, a
# 10,000-series panel's fit grew the process by 392 MiB, 3.4 times the panel-scale budget;
# in blocks of this many, 69 MiB (benchmarks/NOTES.md, "Panel scale re-run").
FIT_SERIES = 512


def _fitted_points(ys: list[np.ndarray], m: int) -> np.ndarray:
    """(series, 3) the search's best point for each of ``ys`` (``fit_damped``)."""
    # each series' season out as a forecast's window takes it out (tested and read on all its rows)
    tails = [deseasonalised(tamed(y[None, :]), m, len(y), 0)[0][0, -FIT_ROWS:] for y in ys]  # spikes out
    steps = max((len(a) for a in tails), default=0)
    values = np.full((len(tails), steps), np.nan)  # (series, steps), right-aligned
    for i, a in enumerate(tails):
        values[i, steps - len(a) :] = a
    values = unit_rows(values)  # the parameters are those of any unit; squares must not underflow
    grid = np.stack(np.meshgrid(*GRID, indexing="ij"), axis=-1).reshape(-1, 3)  # (candidates, 3)
    best = _best_of(values, np.broadcast_to(grid, (len(tails), *grid.shape)))  # (series, 3)
    step = np.array([g[1] - g[0] for g in GRID]) / 2
    moves = np.stack(np.meshgrid(*[(-1.0, 0.0, 1.0)] * 3, indexing="ij"), axis=-1).reshape(-1, 3)
    for _ in range(ZOOMS):
        best = _best_of(values, best[:, None, :] + moves[None, :, :] * step)
        step = step / 2
    return best


# The search's starting grid, in the unbounded coordinates ``_squashed`` maps: alpha from 0.02
# to 0.98, beta (the share of alpha's correction the trend takes) from 0.007 to 0.73, phi
# over ``PHI_RANGE``; then ``ZOOMS`` rounds of the 27 points around the best, each at half
# the step of the round before.
GRID = (np.linspace(-4.0, 4.0, 9), np.linspace(-5.0, 1.0, 5), np.linspace(-3.0, 3.0, 5))
ZOOMS = 6


def _squashed(u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(alpha, beta, phi) of points ``u`` (..., 3) of the search's unbounded coordinates."""
    low, high = PHI_RANGE
    sig = 1.0 / (1.0 + np.exp(-u))
    return sig[..., 0], sig[..., 1], low + (high - low) * sig[..., 2]


def _best_of(values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Each series' point (series, 3) of least squared one-step error among its ``points``
    (series, candidates, 3); the first of equals, so ties break the same way."""
    sse = _recursion(values, *_squashed(points))[2]  # (series, candidates)
    sse = np.where(np.isfinite(sse), sse, np.inf)  # a diverging candidate loses
    return points[np.arange(len(points)), np.argmin(sse, axis=1)]


def damped_at_origins(
    target: np.ndarray,
    origins: np.ndarray,
    starts: np.ndarray,
    series: np.ndarray,
    fit: DampedFit,
    m: int,
    horizon: int,
) -> np.ndarray:
    """Forecasts (origins, horizon) from the last ``window_rows(m)`` rows before each origin
    (none before its segment's ``starts``), each with its series' fitted parameters
    (``series``: the training index, -1 for a series the fit never saw, which takes the
    median parameters). Whether there is a season is tested on those rows, so a series that
    was short when fitted gains its season once it has the rows to show it (with the season
    fixed when fitted, a series with a dozen training rows at a backtest's first fold had
    none, and its trend chased the seasonal swing to 22,440 where it had never passed
    11,529; on M1 monthly's rolling folds MASE went from 0.999 to 0.958); the factors come
    from the last ``SEASONS_READ`` seasons of them, the level and trend from all of them."""
    target = np.asarray(target, dtype=np.float64)
    origins, series = np.asarray(origins, dtype=np.int64), np.asarray(series, dtype=np.int64)
    if len(origins) == 0:
        return np.empty((0, horizon))
    first = np.maximum(np.asarray(starts, dtype=np.int64), origins - window_rows(m))
    width = int((origins - first).max())
    known = series >= 0
    pick = np.maximum(series, 0)
    alpha = np.where(known, fit.alpha[pick], np.median(fit.alpha))  # (origins,)
    beta = np.where(known, fit.beta[pick], np.median(fit.beta))
    phi = np.where(known, fit.phi[pick], np.median(fit.phi))
    adjusted = np.full((len(origins), width), np.nan)  # (origins, width), right-aligned
    ahead = np.ones((len(origins), horizon))  # the season over each forecast's steps
    multiplicative = np.ones(len(origins), dtype=bool)
    lengths = origins - first
    for n in np.unique(lengths):  # windows of one length are one array
        same = np.flatnonzero(lengths == n)
        for rows in np.array_split(same, -(-len(same) // CHUNK)):
            a = tamed(target[first[rows, None] + np.arange(n)])  # (rows, n), spikes out (spikes.py)
            adjusted[rows, width - n :], ahead[rows], multiplicative[rows] = deseasonalised(
                a, m, SEASONS_READ * m, horizon
            )
    level, trend = (v[:, 0] for v in _recursion(adjusted, alpha[:, None], beta[:, None], phi[:, None])[:2])
    damp = np.cumsum(phi[:, None] ** np.arange(1, horizon + 1)[None, :], axis=1)  # (origins, horizon)
    plain = level[:, None] + damp * trend[:, None]  # (origins, horizon), seasonally adjusted
    return np.where(multiplicative[:, None], plain * ahead, plain + ahead)
