"""Interval scoring in the backtest: conformal bands for networks and baselines, scored.

Networks bring their own calibration: each fit's validation windows (all before the origin
it trained at), and at each later fold of the same fit also every window forecast since,
as far as its steps had happened by that fold's origin (``network_bands``: what
``predict`` does with rows that came after training). Baselines are calibrated the same
way from their own errors: for each fold, the baseline forecasts the last ``BASELINE_CALIBRATION`` full windows that end before that
series' origin, and the scaled errors of every series are pooled. So every model's band
is built from data before its origin only, and seasonal naive with conformal bands is the
reference a network's band must beat. Bands of a series never below zero before its
origin stop at zero, for baselines as for networks, so their widths compare.

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
from .intervals import (
    CalibrationTable,
    bands,
    never_below_zero,
    scaled_errors,
    series_scale,
)
from .metrics import nanmean

BASELINE_CALIBRATION = 50  # windows per series and fold


def cut_at_zero(fn):
    """Baseline ``fn`` whose forecasts from a history never below zero are cut at 0, as the
    networks' are (README: the backtest's baselines get the same cut). Only drift can go
    below a history's minimum: a falling line on counts reached -0.09 on 11 of 50 sparse
    series. The calibration windows see the same cut forecasts, so the bands fit them."""

    def cut(
        y: np.ndarray, origins: np.ndarray, horizon: int, *, season: int, starts: np.ndarray
    ) -> np.ndarray:
        point = fn(y, origins, horizon, season=season, starts=starts)  # (rows, horizon)
        never_negative = never_below_zero(y, starts, origins)
        return np.where(never_negative[:, None], np.maximum(point, 0.0), point)

    return cut


def baseline_bounds(
    fn,
    point: np.ndarray,
    y: np.ndarray,
    origins: np.ndarray,
    starts: np.ndarray,
    fold_of: np.ndarray,
    horizon: int,
    season: int,
    levels: tuple[float, ...],
) -> dict[str, np.ndarray]:
    """lo/hi per level for ``point``, baseline ``fn``'s forecasts at ``origins`` (rows =
    series x folds); ``fn`` forecasts the calibration windows before each fold."""
    scales = np.array([series_scale(y[a:b], False) for a, b in zip(starts, origins, strict=True)])
    out = {f"{side}-{lv:g}": np.full(point.shape, np.nan) for lv in levels for side in ("lo", "hi")}
    for k in np.unique(fold_of):
        rows = np.flatnonzero(fold_of == k)
        cal_o, cal_s, cal_scale = [], [], []
        for r in rows:
            first = starts[r] + season + 1
            last = origins[r] - horizon  # the window's last target is the row before the origin
            if last >= first:
                c = np.arange(max(first, last - BASELINE_CALIBRATION + 1), last + 1)
                cal_o.append(c)
                cal_s.append(np.full(len(c), starts[r]))
                cal_scale.append(np.full(len(c), scales[r]))
        if not cal_o:
            continue
        co = np.concatenate(cal_o)
        actual = y[co[:, None] + np.arange(horizon)[None, :]]
        fc = fn(y, co, horizon, season=season, starts=np.concatenate(cal_s))
        table = CalibrationTable.from_errors(scaled_errors(actual, fc, np.concatenate(cal_scale), False))
        got = bands(point[rows], scales[rows], table, levels, (), uses_log=False)
        for key, value in got.items():
            out[key][rows] = value
    # as the networks' bands: a series never below zero before its origin is not banded below
    # zero (its forecast is cut there too, by ``cut_at_zero``), so widths compare
    never_negative = never_below_zero(y, starts, origins)
    for key in out:
        if key.startswith("lo-"):
            out[key] = np.where(never_negative[:, None], np.maximum(out[key], 0.0), out[key])
    return out


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
