"""Interval scoring in the backtest: the bands of networks and baselines, scored.

Every model's band is built from data before its origin only: networks from each fit's
validation windows and the windows forecast since (``network_bands``), baselines from
their own errors on the windows before the origin (``baseline_bands``); seasonal naive
with conformal bands is the reference a network's band must beat. Bands of a series never
below zero before its origin stop at zero, for baselines as for networks, so their widths
compare.

Scores per level, each averaged over (series, fold, step): coverage; mean width and mean
Winkler (interval) score, both divided by the fold's MASE scale so series can be averaged;
mean pinball loss over the quantiles the bands imply ((1 - a)/2, 1 - (1 - a)/2 per level,
and the point forecast as the median) and over ``--quantiles``, which are band edges too
(``intervals.quantile_level``), scaled the same way; CRPS approximated as twice that mean
pinball loss (the quantile-average form of the CRPS, Gneiting & Raftery, 2007).
"""

from __future__ import annotations

import numpy as np

from .interval_levels import quantile_level
from .interval_scores import interval_score, pinball
from .metrics import nanmean


def band_levels(levels, probs) -> tuple[float, ...]:
    """Every band a backtest computes: the levels reported and those whose edges are the
    quantiles asked for (the median is the point forecast)."""
    return tuple(sorted(set(levels) | {quantile_level(p) for p in probs if p != 0.5}))


def reported_bounds(bounds: dict[str, np.ndarray], point: np.ndarray, levels, probs) -> dict[str, np.ndarray]:
    """The columns a backtest reports from every band it computed (``band_levels``):
    ``lo-``/``hi-`` of each level, then ``q<p>`` of each quantile, the edge of its band."""
    out = {f"{side}-{lv:g}": bounds[f"{side}-{lv:g}"] for lv in levels for side in ("lo", "hi")}
    for p in probs:
        side = "lo" if p < 0.5 else "hi"
        out[f"q{p:g}"] = point if p == 0.5 else bounds[f"{side}-{quantile_level(p):g}"]
    return out


def score_intervals(
    actual: np.ndarray,
    point: np.ndarray,
    bounds: dict[str, np.ndarray],
    scales: np.ndarray,
    levels,
    probs=(),
    weights: np.ndarray | None = None,
) -> tuple[dict[str, float], dict[str, list[float]]]:
    """(scores, per-step coverage) of one model; ``scales`` (rows,) are the MASE scales;
    ``bounds`` as ``reported_bounds`` gives them; ``weights`` (rows,) weigh the rows
    (``metrics.nanmean``), default equally."""
    elements = interval_elements(actual, point, bounds, scales, levels, probs)
    # a model without bands has all-NaN elements: NaN means, no warning
    row = {key: nanmean(value, weights=weights) for key, value in elements.items()}
    steps = {
        key: [float(v) for v in nanmean(elements[key], axis=0, weights=weights)]
        for key in elements
        if key.startswith("cov_")
    }
    if "pinball" in row:
        row["crps"] = 2 * row["pinball"]
    return row, steps


def interval_elements(actual, point, bounds, scales, levels, probs=()) -> dict[str, np.ndarray]:
    """Each interval score before averaging, rows first: ``cov_<lv>`` (rows, horizon), 1 inside
    the band, 0 outside, NaN without a band; ``width_<lv>`` and ``winkler_<lv>`` (rows,
    horizon) divided by the row's MASE scale; ``pinball`` (rows, quantiles, horizon), scaled
    the same way. Averaging (NaN-aware) over all rows or one series' rows gives its score."""
    s = defined_scales(scales)[:, None]
    out: dict[str, np.ndarray] = {}
    losses = [pinball(actual, point, 0.5) / s]
    with np.errstate(all="ignore"):
        for lv in levels:
            lo, hi = bounds[f"lo-{lv:g}"], bounds[f"hi-{lv:g}"]
            unscored = np.isnan(lo) | np.isnan(actual)  # no band, or a filled (unobserved) step
            out[f"cov_{lv:g}"] = np.where(unscored, np.nan, (actual >= lo) & (actual <= hi))
            out[f"width_{lv:g}"] = (hi - lo) / s
            out[f"winkler_{lv:g}"] = interval_score(actual, lo, hi, lv) / s
            a = 1 - lv / 100
            losses += [pinball(actual, lo, a / 2) / s, pinball(actual, hi, 1 - a / 2) / s]
        for p in probs:  # a quantile that is no level's edge nor the median adds its own loss
            if p != 0.5 and quantile_level(p) not in levels:
                losses.append(pinball(actual, bounds[f"q{p:g}"], p) / s)
    if levels or probs:
        stacked = np.stack(losses, axis=1)  # (rows, quantiles, horizon)
        # a step without its bands has no quantile loss: the median's alone made CRPS equal MASE
        out["pinball"] = np.where(np.isnan(stacked).any(axis=1, keepdims=True), np.nan, stacked)
    return out


def defined_scales(scales: np.ndarray) -> np.ndarray:
    """MASE scales with a zero scale (training rows that repeat every season) as NaN:
    scores divided by them are undefined there, and NaN-aware means leave them out."""
    scales = np.asarray(scales, dtype=np.float64)
    return np.where(scales > 0, scales, np.nan)


def unbanded_notes(models, forecasts, bounds, levels, horizon: int) -> list[str]:
    """A note for forecasts left without bands: too few windows before their origins to
    calibrate a band that many steps long (a long horizon on a short series, an early fold).
    Coverage and the interval scores are over the banded ones; without a note an empty or
    partial column read as a full result."""
    if not levels:
        return []
    lacking = {}
    for name in models:
        lo = bounds[name][f"lo-{levels[0]:g}"]
        missing = np.isnan(lo).all(axis=1) & np.isfinite(forecasts[name]).all(axis=1)  # (pairs,)
        if missing.any():
            lacking[name] = (int(missing.sum()), len(missing))
    if not lacking:
        return []
    counts = {f"{k} of {n}" for k, n in lacking.values()}
    which = (
        ", ".join(lacking)
        if len(counts) == 1
        else ", ".join(f"{m} {k} of {n}" for m, (k, n) in lacking.items())
    )
    share = f"{next(iter(counts))} (series, fold) forecasts of {which}" if len(counts) == 1 else which
    return [
        f"no bands for {share}: too few windows before their origins to calibrate {horizon}-step bands; "
        "coverage and interval scores are over the others (a shorter --horizon or more data gives them bands)"
    ]


def indistinct_notes(models, bounds, levels) -> list[str]:
    """A note for a level whose band equals the next lower level's at every banded forecast:
    its folds' calibration held too few errors to tell them apart, so both are the widest
    error seen (99% and 99.9% over 20 windows). ``predict`` says so of its one table; a
    backtest's tables differ by fold, so the bands themselves are compared."""
    ordered = sorted(dict.fromkeys(levels))
    same: dict[float, list[str]] = {}
    for lower, upper in zip(ordered, ordered[1:], strict=False):
        for name in models:
            lo_a, hi_a = bounds[name][f"lo-{lower:g}"], bounds[name][f"hi-{lower:g}"]
            lo_b, hi_b = bounds[name][f"lo-{upper:g}"], bounds[name][f"hi-{upper:g}"]
            banded = np.isfinite(lo_b) & np.isfinite(hi_b)
            if (
                banded.any()
                and np.array_equal(lo_a[banded], lo_b[banded])
                and np.array_equal(hi_a[banded], hi_b[banded])
            ):
                same.setdefault(upper, []).append(name)
    return [
        f"the {upper:g}% band of {', '.join(names)} equals the {ordered[ordered.index(upper) - 1]:g}% band at every "
        "forecast: too few calibration errors to tell them apart (each is the widest error seen), so its "
        "coverage may fall short; a lower --level or more data"
        for upper, names in same.items()
    ]
