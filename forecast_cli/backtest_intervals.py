"""Interval scoring in the backtest: conformal bands for networks and baselines, scored.

Networks bring their own calibration (each fit's validation windows, all before its
origin). Baselines are calibrated the same way from their own errors: for each fold, the
baseline forecasts the last ``BASELINE_CALIBRATION`` full windows that end before that
series' origin, and the scaled errors of every series are pooled. So every model's band
is built from data before its origin only, and seasonal naive with conformal bands is the
reference a network's band must beat.

Scores per level, each averaged over (series, fold, step): coverage; mean width and mean
Winkler (interval) score, both divided by the fold's MASE scale so series can be averaged;
mean pinball loss over the quantiles the bands imply ((1 - a)/2, 1 - (1 - a)/2 per level,
and the point forecast as the median), scaled the same way; CRPS approximated as twice that
mean pinball loss (the quantile-average form of the CRPS, Gneiting & Raftery, 2007).
"""

from __future__ import annotations

import warnings

import numpy as np

from .intervals import CalibrationTable, bands, interval_score, pinball, scaled_errors, series_scale

BASELINE_CALIBRATION = 50  # windows per series and fold


def baseline_bounds(
    fn,
    y: np.ndarray,
    origins: np.ndarray,
    starts: np.ndarray,
    fold_of: np.ndarray,
    horizon: int,
    season: int,
    levels: tuple[float, ...],
) -> dict[str, np.ndarray]:
    """lo/hi per level for a baseline's forecasts at ``origins`` (rows = series x folds)."""
    point = fn(y, origins, horizon, season=season, starts=starts)
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
    return out


def network_bounds(
    fitted,
    point: np.ndarray,
    members: np.ndarray,
    levels: tuple[float, ...],
    widths: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """lo/hi per level from a fitted network's own calibration; ``members`` says which
    training series each row's forecast belongs to; ``widths`` are its spread head's."""
    scales = np.asarray(fitted.cal_scales_)[members]
    norm = fitted.normalisers(widths, scales, point.shape[1])
    return bands(point, norm, fitted.calibration_, levels, (), False, floor=fitted.band_floor)


def score_intervals(
    actual: np.ndarray, point: np.ndarray, bounds: dict[str, np.ndarray], scales: np.ndarray, levels
) -> tuple[dict[str, float], dict[str, list[float]]]:
    """(scores, per-step coverage) of one model; ``scales`` (rows,) are the MASE scales."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a model without bands: all-NaN means
        return _score(actual, point, bounds, scales, levels)


def _score(actual, point, bounds, scales, levels) -> tuple[dict[str, float], dict[str, list[float]]]:
    s = np.where(scales > 0, scales, np.nan)[:, None]
    row: dict[str, float] = {}
    steps: dict[str, list[float]] = {}
    losses = [pinball(actual, point, 0.5) / s]
    for lv in levels:
        lo, hi = bounds[f"lo-{lv:g}"], bounds[f"hi-{lv:g}"]
        inside = (actual >= lo) & (actual <= hi)
        row[f"cov_{lv:g}"] = float(np.nanmean(np.where(np.isnan(lo), np.nan, inside)))
        row[f"width_{lv:g}"] = float(np.nanmean((hi - lo) / s))
        row[f"winkler_{lv:g}"] = float(np.nanmean(interval_score(actual, lo, hi, lv) / s))
        steps[f"cov_{lv:g}"] = [float(v) for v in np.nanmean(np.where(np.isnan(lo), np.nan, inside), axis=0)]
        a = 1 - lv / 100
        losses += [pinball(actual, lo, a / 2) / s, pinball(actual, hi, 1 - a / 2) / s]
    if levels:
        row["pinball"] = float(np.nanmean(np.stack(losses)))
        row["crps"] = 2 * row["pinball"]
    return row, steps
