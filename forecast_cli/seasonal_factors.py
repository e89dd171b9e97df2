"""Classical seasonal decomposition, for many windows at once: the test for a season and the
factors the damped trend (``damped_trend``) takes out before smoothing and puts back after.

Why batched: validation, the error levels and a backtest forecast tens of thousands of
windows, and each finds its season in the rows it reads (``damped_at_origins``). One window
at a time in Python, a daily panel of 5,000 series spent about 20 s of its 70 s ``train``
here (m nan-means per window); these functions take every window of one length as one array
(benchmarks/RESULTS.md, "The damped trend where it does not help", has the times).
``tests/test_damped_trend.py`` holds the factors equal to statsmodels' ``seasonal_decompose``.
"""

from __future__ import annotations

import numpy as np

# A season is tested for only in a series that covers it three times (the M4 benchmarks' rule).
MIN_SEASONS = 3


def has_seasons(a: np.ndarray, m: int) -> np.ndarray:
    """(windows,) for the rows ``a`` (windows, n): a 90% test on the lag-m autocorrelation
    of the rows' changes (first differences), with Bartlett's variance from lags 1 .. m-1.
    False for a window with a missing value.

    Why changes, not levels (the M4 benchmarks test the levels): in the five seasons a
    forecast reads, a trend makes every lag's autocorrelation of the levels large, which
    both hid seasons and faked them. The airline series' season went unseen at 41% of its
    origins, and 66% of quarterly random walks (35% at m = 5) were found seasonal, so the
    smoother followed false seasons and lost real ones. Changes carry the season but not
    the trend: the airline season is found at every origin, and random walks and noise pass
    at about the test's 10% (``tests/test_season_test.py``). A linear trend taken out first
    still passed 21% of quarterly random walks; a moving-average trend taken out cost m rows,
    and with them the seasons of short windows. Measured on M1 and the sample series:
    benchmarks/RESULTS.md, "The season test under a trend"."""
    windows, n = a.shape
    if m < 2 or n < MIN_SEASONS * m:
        return np.zeros(windows, dtype=bool)
    changes = unit_rows(np.diff(a, axis=1))  # (windows, n - 1)
    n = n - 1
    d = changes - changes.mean(axis=1, keepdims=True)  # (windows, n)
    denom = np.einsum("ij,ij->i", d, d)  # (windows,)
    with np.errstate(invalid="ignore", divide="ignore"):
        acf = np.stack([np.einsum("ij,ij->i", d[:, k:], d[:, : n - k]) for k in range(1, m + 1)], axis=1)
        acf = acf / denom[:, None]  # (windows, m)
        limit = 1.645 * np.sqrt((1.0 + 2.0 * np.sum(acf[:, :-1] ** 2, axis=1)) / n)
        return (denom != 0.0) & (np.abs(acf[:, -1]) > limit)


def unit_rows(a: np.ndarray) -> np.ndarray:
    """``a`` (rows, n) with each row multiplied by the power of two that brings its largest
    absolute value into [0.5, 1): exact in floating point, so nothing changes but the range.
    Why: squares of a series in units of 1e-200 underflow to zero, and it was found to have
    no season, and fitted other parameters, than the same series in units of 1."""
    top = np.nanmax(np.abs(a), axis=1, initial=0.0)  # (rows,): 0 for a row of NaN or of none
    exponent = np.frexp(np.where(np.isfinite(top) & (top > 0), top, 1.0))[1]  # (rows,)
    return np.ldexp(a, -exponent[:, None])


def seasonal_factors(y: np.ndarray, m: int, multiplicative: np.ndarray) -> np.ndarray:
    """(windows, m) factors of a classical decomposition of each window of ``y`` (windows,
    r), multiplicative where ``multiplicative`` (windows,) says so: a centred moving average
    of order m (2 x m if even) is the trend, and each position's mean of what is left, made
    to average 1 (or 0), its factor, as statsmodels' ``seasonal_decompose`` computes them."""
    windows, r = y.shape
    weights = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    half, valid = len(weights) // 2, r - len(weights) + 1
    trend = np.full((windows, r), np.nan)
    trend[:, half : half + valid] = sum(w * y[:, k : k + valid] for k, w in enumerate(weights))
    mult = np.asarray(multiplicative, dtype=bool)[:, None]  # (windows, 1)
    with np.errstate(invalid="ignore", divide="ignore"):  # both sides are computed; one is kept
        detrended = np.where(mult, y / trend, y - trend)  # (windows, r), NaN where there is no trend
    cycles = -(-r // m)
    by_position = np.full((windows, cycles * m), np.nan)
    by_position[:, :r] = detrended
    means = np.nanmean(by_position.reshape(windows, cycles, m), axis=1)  # (windows, m)
    centre = means.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):  # an additive window's centre may be 0
        return np.where(mult, means / centre, means - centre)


def deseasonalised(a: np.ndarray, m: int, recent: int, horizon: int) -> tuple[np.ndarray, ...]:
    """For windows ``a`` (windows, n): the rows with their season out (windows, n), the
    factors over the ``horizon`` steps after them (windows, horizon), and whether each
    window's season is multiplicative (windows,). A window has a season where ``has_seasons``
    finds one in all its rows and its last ``recent`` rows hold two seasons; its factors
    come from those rows (multiplicative when they are all positive). Without a season: the
    rows as they are, factors of 1."""
    windows, n = a.shape
    adjusted, ahead = a.copy(), np.ones((windows, horizon))
    multiplicative = np.ones(windows, dtype=bool)
    tail = a[:, max(n - recent, 0) :]  # (windows, r)
    r = tail.shape[1]
    seasonal = has_seasons(a, m) & (r >= 2 * m)  # has_seasons: none for m < 2
    if seasonal.any():
        picked = tail[seasonal]
        multiplicative[seasonal] = np.all(picked > 0, axis=1)
        factors = seasonal_factors(picked, m, multiplicative[seasonal])  # (seasonal windows, m)
        phase = (r - n) % m  # a[:, 0]'s position in the factors' cycle
        here = factors[:, (phase + np.arange(n)) % m]  # (seasonal windows, n)
        mult = multiplicative[seasonal][:, None]
        with np.errstate(invalid="ignore", divide="ignore"):  # both sides are computed; one is kept
            adjusted[seasonal] = np.where(mult, a[seasonal] / here, a[seasonal] - here)
        ahead[seasonal] = factors[:, (phase + n + np.arange(horizon)) % m]
    return adjusted, ahead, multiplicative
