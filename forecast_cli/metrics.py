"""Point-forecast accuracy metrics as pure numpy functions.

``actual`` and ``forecast`` have the same shape; every metric averages over all of their
elements. Percentages are in percent (0-100+), not fractions.
"""

from __future__ import annotations

import warnings

import numpy as np

from .errors import DataError

METRICS = ("mae", "rmse", "mape", "smape", "mase")


def mae(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Mean absolute error: mean(|y - f|)."""
    return float(np.mean(np.abs(np.asarray(actual) - np.asarray(forecast))))


def rmse(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Root mean squared error: sqrt(mean((y - f)^2))."""
    return float(np.sqrt(np.mean((np.asarray(actual) - np.asarray(forecast)) ** 2)))


def mape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Mean absolute percentage error: 100 * mean(|y - f| / |y|).

    Undefined when any actual is zero: returns NaN (callers say why) instead of infinity.
    """
    actual, forecast = np.asarray(actual, dtype=np.float64), np.asarray(forecast, dtype=np.float64)
    if np.any(actual == 0):
        return float("nan")
    return float(100.0 * np.mean(np.abs(actual - forecast) / np.abs(actual)))


def smape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Symmetric MAPE: 100 * mean(2 |y - f| / (|y| + |f|)), with 0/0 counted as 0."""
    return float(100.0 * np.mean(smape_terms(actual, forecast)))


def smape_terms(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    """sMAPE's terms before averaging, elementwise: 2 |y - f| / (|y| + |f|), 0/0 as 0, and
    NaN where the actual or the forecast is missing (a filled step is no actual: it was
    scored as a 0% error, which the other metrics leave out)."""
    actual, forecast = np.asarray(actual, dtype=np.float64), np.asarray(forecast, dtype=np.float64)
    denom = np.abs(actual) + np.abs(forecast)
    terms = np.divide(2.0 * np.abs(actual - forecast), denom, out=np.zeros_like(denom), where=denom > 0)
    return np.where(np.isnan(denom), np.nan, terms)


def seasonal_naive_scale(insample: np.ndarray, season: int) -> float:
    """In-sample MAE of the seasonal-naive forecast: mean(|y_t - y_{t-m}|) over the training data.

    The MASE denominator (Hyndman & Koehler, 2006); m = 1 gives the naive forecast's MAE.
    """
    insample = np.asarray(insample, dtype=np.float64)
    m = season if len(insample) > season else 1
    if len(insample) <= m:
        raise DataError("MASE needs more than one season of training data")
    return float(np.mean(np.abs(insample[m:] - insample[:-m])))


def mase(actual: np.ndarray, forecast: np.ndarray, insample: np.ndarray, season: int = 1) -> float:
    """Mean absolute scaled error: MAE / seasonal_naive_scale(insample, season).

    Below 1: better than the in-sample seasonal-naive forecast. NaN when the training
    data is exactly periodic (the scale is zero).
    """
    scale = seasonal_naive_scale(insample, season)
    return mae(actual, forecast) / scale if scale > 0 else float("nan")


def row_weighted_nanmean(values: np.ndarray, weights: np.ndarray, axis=None):
    """Mean of the defined (non-NaN) ``values``, each weighted by its row's ``weights[row]``
    (rows: the first axis); NaN where no value is defined. A backtest whose short series
    have fewer folds weighs each (series, fold) row by 1/(its series' folds), so that every
    series counts once, as in a panel whose series all have every fold."""
    values = np.asarray(values, dtype=np.float64)
    return row_weighted_mean(values, ~np.isnan(values), weights, axis)


def row_weighted_mean(values: np.ndarray, keep: np.ndarray, weights: np.ndarray, axis=None):
    """Mean of ``values`` where ``keep`` (broadcast to them), each weighted by its row's
    ``weights[row]``; a NaN kept propagates, as in a plain mean."""
    values = np.asarray(values, dtype=np.float64)
    w = np.broadcast_to(
        np.asarray(weights, dtype=np.float64).reshape(-1, *([1] * (values.ndim - 1))), values.shape
    )
    keep = np.broadcast_to(keep, values.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(keep, values * w, 0.0).sum(axis=axis) / np.where(keep, w, 0.0).sum(axis=axis)
    return float(out) if axis is None else out


def nanmean(values: np.ndarray, axis=None, weights: np.ndarray | None = None):
    """Mean over the defined values (NaN when none is), without numpy's empty-slice warning;
    ``weights`` weigh the rows (``row_weighted_nanmean``), default equally."""
    if weights is not None:
        return row_weighted_nanmean(values, weights, axis)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = np.nanmean(values, axis=axis)
    return float(out) if axis is None else out
