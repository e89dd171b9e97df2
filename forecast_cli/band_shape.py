"""How a fitted forecaster shapes its bands: what each forecast's error is divided by before
calibration (``normalisers``) and where its forecasts and bands are cut at zero
(``band_floor``, ``floors``). Calibration, prediction, recalibration and the backtest all
read these through the forecaster, so a band is sized and cut the same way everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .intervals import series_scale

if TYPE_CHECKING:
    from .plan_record import Plan
    from .scaling import Transform


def normalisers(
    widths: np.ndarray, scales: np.ndarray, ratio: np.ndarray, typical_share: float
) -> np.ndarray:
    """What each forecast's error is divided by, (series, horizon): the spread head's width
    plus ``typical_share`` times the typical width (the series' scale times the median
    width-to-scale ratio of the step, ``ratio``).

    Why the typical width is added (the sensitivity term of normalised conformal
    prediction, Papadopoulos et al., 2008: |error| / (sigma + beta)): the head's width is
    itself an estimate, and dividing by it alone trusts it most where it is narrowest. On
    half-hourly demand it gave a Sunday a band a third as wide as a weekday's, and that
    Sunday's errors were the largest of the backtest (80% coverage 0.04 on that day).
    ``beta`` = the typical width bounds how far the head can narrow a band (to half the
    typical width) while keeping its ranking of sure and unsure windows; it is no fitted
    constant, and it was measured before it was kept (benchmarks/RESULTS.md, "Intervals:
    the head's width hedged"). A forecast without a head's width (a series too short for
    the network, forecast by a baseline) takes the typical width for its own.
    """
    scales = np.asarray(scales, dtype=np.float64)
    step_ratio = ratio[np.minimum(np.arange(widths.shape[1]), len(ratio) - 1)]
    typical = scales[:, None] * step_ratio[None, :]  # (series, horizon)
    out = np.where(np.isfinite(widths), widths, typical) + typical_share * typical
    out = np.where(scales[:, None] > 0, out, 0.0)  # a flat series: no width (``series_scale``)
    return np.where(np.isnan(scales)[:, None], np.nan, out)  # one row: no band at all


TYPICAL_SHARE = 1.0  # new fits: the typical width added in full (files before it: 0)


def moved_scale(stored: float, history: np.ndarray) -> float:
    """A series' scale for its bands: the one its training rows gave (``cal_scales_``), or,
    where they never moved (a product that had not sold yet) and the history a forecast is
    made from has, the scale (``intervals.series_scale``) of that history from the last row
    of its flat start on. Scale 0 says "flat, no band": a series of 108 zeros that then sold
    3, 5, 4, 6 was given the band from its forecast (3.27) to its last value (4.0) at 80%
    and 95% alike; its whole history's scale, zeros included, would be a 40th of its moves."""
    if stored != 0 or not np.isfinite(stored):
        return stored
    y = np.asarray(history, dtype=np.float64)
    y = y[np.isfinite(y)]
    moved = np.flatnonzero(y != y[0]) if len(y) else y
    return series_scale(y[max(int(moved[0]) - 1, 0) :], False) if len(moved) else 0.0


def divisors(
    widths: np.ndarray | None, scales: np.ndarray, horizon: int, ratio: np.ndarray | None, share: float
) -> np.ndarray:
    """``BandShape.normalisers`` for a width ``ratio`` and typical ``share`` given (a
    ``--local`` short series takes its members'): each series' scale without a head
    (``ratio`` None), else ``band_shape.normalisers`` (``widths`` None: baseline rows)."""
    scales = np.asarray(scales, dtype=np.float64)
    if ratio is None:
        return np.repeat(scales[:, None], horizon, axis=1)
    if widths is None:
        widths = np.full((len(scales), horizon), np.nan)
    return normalisers(widths, scales, ratio, share)


class BandShape:
    """The band-shaping part of a ``Forecaster`` (its base class): what its fit stored decides it."""

    plan_: Plan
    transform_: Transform
    width_ratio_: np.ndarray | None  # the spread head's typical width per unit of scale; None: no head
    typical_share_: float
    never_negative_: np.ndarray | None  # (series,) training rows never below zero; None: an older file

    def normalisers(self, widths: np.ndarray | None, scales: np.ndarray, horizon: int) -> np.ndarray:
        """What each forecast's error is divided by before calibration, (series, horizon):
        without a spread head each series' scale; with one ``band_shape.normalisers`` (the
        head's widths, NaN rows where a baseline forecast, plus the typical width)."""
        return divisors(widths, scales, horizon, self.width_ratio_, self.typical_share_)

    @property
    def band_floor(self) -> float | None:
        """Forecasts and bands of a target that was never below zero in training (counts,
        sales, rainfall; a log-transformed target is positive) are cut at zero: an actual
        at or above zero is never further from the cut value, and a band of counts reaching
        below zero is no answer anyone can use."""
        return 0.0 if self.transform_.uses_log or self.plan_.nonnegative else None

    def floors(
        self, never_negative: np.ndarray, series: np.ndarray | None = None
    ) -> np.ndarray | float | None:
        """The cut under each forecast row: ``band_floor`` for all when the plan sets one,
        else 0 for a row whose series was never below zero in its training rows (``series``:
        each row's training index, -1 for a series the model never saw) nor in the history
        the forecast was made from (``never_negative``), and none (-inf) for the rest. A
        panel with one series below zero cut no series at zero, and an intermittent count
        series beside it got bands reaching to -9; the history alone is not enough, since a
        stored history is the last window only (a summer's temperatures are all positive).
        Files from before the per-series flags cut per plan only."""
        if self.band_floor is not None:
            return self.band_floor
        if self.never_negative_ is None or series is None:
            return None
        series = np.asarray(series, dtype=np.int64)
        trained = np.where(series >= 0, self.never_negative_[np.maximum(series, 0)], True)
        cut = np.asarray(never_negative, dtype=bool) & trained
        if not cut.any():
            return None
        return np.where(cut, 0.0, -np.inf)[:, None]  # (rows, 1)
