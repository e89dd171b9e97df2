"""Prediction intervals and quantiles by split-conformal calibration, and their scores.

Why conformal, and why this way:
- A band must hold its nominal coverage on data the model never trained on. Split
  conformal prediction (Vovk et al., 2005; for multi-step forecasts Stankeviciute et al.,
  2021) gives that by construction: the errors of held-out windows, ranked, set the band.
  With n calibration errors the band at level 1 - a is the ceil((n + 1)(1 - a))-th
  smallest error, the finite-sample correction that makes coverage at least 1 - a when
  the future errors are exchangeable with the calibration ones. A quantile head trained
  with pinball loss has no such guarantee (its quantiles are as good as its fit); the
  peers' trackers are full of bands that are too narrow or too wide for that reason.
- Per horizon step: errors grow with the step, so each step gets its own band. A step
  with fewer than ``MIN_STEP_ERRORS`` errors (the last steps of a long horizon on one
  short series) borrows its nearest steps' errors rather than resting on one or two.
- Calibration windows are each fit's validation windows: rows after the training rows,
  never used to fit a weight (only to choose the epoch). In a backtest every fit only
  sees rows before its origin, so calibration never looks past an origin. A backtest fold
  after the fit's own origin (``--refit never``) adds the errors of the windows forecast
  since the fit, as far as their steps had happened by its origin: errors drift (on the
  60 M1 series fitted one each, test errors were twice the validation ones), and those
  windows are the newest out-of-sample errors there are. The baselines' bands roll the
  same way (``baseline_bands``), and so does ``predict`` given rows newer than the
  training data (``recalibration.py``).
- Pooled over series, scaled: a panel pools the errors of every series after dividing each
  by its series' scale (the mean absolute one-step change of its training rows, MASE's
  denominator), so short series borrow calibration from long ones; bands are then that
  scale times the pooled quantile. Errors are measured in the data's units, not after the
  log of a log-transformed target: log-space bands exploded for series near zero (on the
  M1 monthly panel the 95% interval score was 264 against seasonal naive's 22). Bands of
  a strictly positive (log-transformed) target, or of one never below zero in training
  (counts with zeros), are cut at zero instead. In a panel each series' scale is then
  multiplied by its error level (how far the network misses it in training, relative to
  the panel's median; ``error_levels.py``): a scale says how far a series moves, not how
  far it is missed.
- Normalised by the spread head: a network with the spread head (``models.py``) divides
  each error by its forecast's predicted 10-90% width instead of the series' scale, so the
  calibrated ratios become bands that widen where the network is unsure and narrow where
  it is sure (normalised conformal prediction); the conformal ranks still set the level.
  On M1 monthly this took the 80%/95% interval scores from 8.24/17.60 to 5.87/9.90 at
  78.5%/95.3% coverage. The head's quantiles alone are not used: nothing guarantees them.
  The width divided by is the head's plus the typical width, so that a head sure of
  itself cannot shrink a band to nothing (``band_shape.normalisers``).
- Quantiles (``--quantiles``) are the edges of the same bands: the quantile at p is the
  lower edge of the central (1 - 2p) band below the median and the upper edge of the
  (2p - 1) band above it, and the median is the point forecast (the convention of Nixtla's
  libraries, which turn quantiles into levels the same way). One calibrated distribution
  gives both columns, so q0.9 is hi-80 to the last digit, and the backtest's pinball loss
  scores the quantiles that predict writes. They are monotone in p by construction (the
  ranked errors grow with the level), never sorted after the fact. Quantiles taken apart
  from the bands, from the signed errors, disagreed with them: on airline step 1's q0.975
  fell below hi-80.

The model stores the calibration as quantile grids (``CalibrationTable``), so predicting
needs nothing but the history and costs a lookup, and the errors they rank (float32), so
newer windows can join them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .interval_levels import TOP_LEVEL, level_name, quantile_level, unbacked
from .spikes import tamed
from .step_neighbours import Neighbours

# Levels stored per step: every integer percent and two finer tails; others interpolate
# (below 1%, towards a band of no width at level 0).
LEVEL_GRID = np.array([*range(1, 100), 99.5, TOP_LEVEL], dtype=np.float64)
MAX_CALIBRATION_WINDOWS = 20_000
MIN_STEP_ERRORS = 20  # fewer at a step: borrow the nearest steps' errors (see Neighbours)
# values nearer than this, relative to their size, are one value: a price of 19.99 summed
# as 19.990000000000002 did not move, and a network fed that "movement" (scaled up from
# nothing) forecast it 7% lower (``series_scale``, ``constant_series.refuse_constant``, and the
# forecast of an unmoved series, ``origin_forecasts``)
ROUNDOFF = 1e-9


def conformal_rank(n: int, level: float) -> int:
    """The 1-based rank of the calibration error that bounds a band at ``level`` percent:
    ceil((n + 1) * level / 100), at most n (above n the exact band is unbounded)."""
    return min(n, max(1, math.ceil((n + 1) * level / 100.0)))


def grid_ranks(n: int) -> np.ndarray:
    """``conformal_rank(n, level)`` for every ``LEVEL_GRID`` level at once, the same
    arithmetic elementwise (a table of a pool of 10,000 members ranks hundreds of times)."""
    return np.minimum(n, np.maximum(1, np.ceil((n + 1) * LEVEL_GRID / 100.0))).astype(np.int64)


class ByPhase(Protocol):
    """Tables by phase of the day beside a pooled one (``phase_bands.PhaseTables``)."""

    def half(self, level: float, phases: np.ndarray, pooled: np.ndarray) -> np.ndarray: ...


@dataclass
class CalibrationTable:
    """Per horizon step: the conformal error quantile at each ``LEVEL_GRID`` level, in
    scaled units. Quantiles are read off the same table (``quantile``)."""

    abs_q: np.ndarray  # (horizon, len(LEVEL_GRID))
    windows: int  # the fewest errors behind any step's band, borrowed ones included
    # steps with no error of their own (the last ones, past every validation tail): their
    # bands rest wholly on nearer steps' errors, which understate how errors grow ahead
    bare_steps: int = 0
    # windows with an error at the first step (every validation window has one): how many
    # windows, not errors, the bands rest on; None where unknown (a file without its errors)
    own_windows: int | None = None
    # tables by time of day on sub-daily data (``phase_bands``); rebuilt from the stored
    # errors when a model is read, so never written
    by_phase: ByPhase | None = None

    @classmethod
    def from_errors(cls, errors: np.ndarray) -> CalibrationTable:
        """``errors`` (windows, horizon): scaled signed errors (actual - forecast), NaN where
        a validation window's step runs past its series (later steps exist less often). A
        step with fewer than ``MIN_STEP_ERRORS`` errors borrows the nearest steps' errors
        (``Neighbours``): on one short series the last steps of a long horizon had 1
        to 5 errors or none (M1 monthly, horizon 18, 13 validation rows), so their bands
        were one error wide."""
        errors = np.asarray(errors, dtype=np.float64)
        horizon = errors.shape[1]
        abs_q = np.empty((horizon, len(LEVEL_GRID)))
        counts = []
        per_step = [errors[:, h][np.isfinite(errors[:, h])] for h in range(horizon)]
        if not any(len(e) for e in per_step):  # every window of a flat series (``series_scale``)
            return cls(np.zeros((horizon, len(LEVEL_GRID))), 0, own_windows=0)
        if len(per_step[0]) == 0:
            raise ValueError("no calibration errors for the first step")
        borrowed = Neighbours(per_step)
        for h in range(horizon):
            e = borrowed.around(h, MIN_STEP_ERRORS)
            counts.append(len(e))
            ranked = np.sort(np.abs(e))
            abs_q[h] = ranked[grid_ranks(len(e)) - 1]
        return cls(abs_q, int(min(counts)), sum(len(e) == 0 for e in per_step), len(per_step[0]))

    def band(self, level: float, horizon: int) -> np.ndarray:
        """Half-width per step (horizon,) at ``level`` percent, interpolated on the grid
        (from no width at level 0). Steps past the calibrated horizon (a recursive model
        rolled further) have none (NaN): no error that far ahead was ever seen, and the last
        step's width held at step 50 of a random walk covered a third of it at 80%."""
        calibrated = len(self.abs_q)
        if level == 0:  # the median: the point forecast itself (an infinite table included)
            return np.zeros(horizon)
        grid = np.concatenate([[0.0], LEVEL_GRID])
        return np.array(
            [
                np.interp(level, grid, np.concatenate([[0.0], self.abs_q[h]])) if h < calibrated else np.nan
                for h in range(horizon)
            ]
        )

    def band_for(self, level: float, horizon: int, phases: np.ndarray | None = None) -> np.ndarray:
        """Half-widths at ``level``: (rows, horizon) for steps at ``phases`` (rows, horizon) by
        their phases' tables (``phase_bands``), else (1, horizon), the pooled ``band``."""
        pooled = self.band(level, horizon)
        if self.by_phase is None or phases is None:
            return pooled[None, :]
        return self.by_phase.half(level, phases, pooled)

    def shortfall(self, level: float) -> bool:
        """True when too few windows back ``level``: its exact conformal band is unbounded."""
        return unbacked(self.windows, level)

    def to_dict(self) -> dict:
        return {
            "abs_q": self.abs_q.tolist(),
            "windows": self.windows,
            "bare_steps": self.bare_steps,
            "own_windows": self.own_windows,
        }

    @classmethod
    def from_dict(cls, raw: dict) -> CalibrationTable:
        """Files before quantiles came from the bands also hold ``signed_q``: unused."""
        own = raw.get("own_windows")  # files before the naive floor: unknown (no floor)
        return cls(
            np.asarray(raw["abs_q"], dtype=np.float64),
            int(raw["windows"]),
            int(raw.get("bare_steps", 0)),
            None if own is None else int(own),
        )


def error_space(uses_log: bool):
    """(forward, inverse) of the space errors are measured in: log for log targets."""
    if uses_log:
        return (lambda v: np.log(np.maximum(v, np.finfo(float).tiny))), np.exp
    return (lambda v: np.asarray(v, dtype=np.float64)), (lambda v: v)


def series_scale(train_y: np.ndarray, uses_log: bool) -> float:
    """Mean absolute one-step change of the training rows, in error space; 0 for a flat
    series (a product that never sold, a sensor stuck at one value). A flat series has no
    scale to put its errors beside the others', so they stay out of every pool
    (``scaled_errors`` gives NaN), and its band has no width: nothing in its history says
    how far it may move (statsforecast's models give a constant series the same). With 1
    data unit instead, a series constant at 1e6 put errors of a few units, divided by 1,
    into the pool and widened every other series' bands sixfold. NaN for fewer than two
    values (a panel's series of one row): no change seen says neither that it is flat nor
    how far it moves, so its band is left empty rather than drawn with no width."""
    forward, _ = error_space(uses_log)
    z = forward(tamed(np.asarray(train_y, dtype=np.float64)[None, :])[0])  # a spike's two changes out
    z = z[np.isfinite(z)]
    if len(z) < 2:
        return float("nan")
    scale = float(np.mean(np.abs(np.diff(z))))
    size = float(np.mean(np.abs(z))) if len(z) else 0.0
    return (
        scale if scale > max(ROUNDOFF * size, np.finfo(float).tiny) else 0.0
    )  # relative: round-off is no move


def scaled_errors(actual: np.ndarray, forecast: np.ndarray, scales: np.ndarray, uses_log: bool) -> np.ndarray:
    """(windows, horizon) signed errors in error space divided by each window's normaliser:
    ``scales`` is (windows,) (its series' scale) or (windows, horizon) (one per forecast);
    NaN where the normaliser is 0 (a flat series: ``series_scale``), which no pool counts."""
    forward, _ = error_space(uses_log)
    return per_normaliser(forward(actual) - forward(forecast), scales)


def per_normaliser(errors: np.ndarray, normaliser: np.ndarray) -> np.ndarray:
    """``errors`` (windows, horizon) divided by ``normaliser`` ((windows,) or (windows,
    horizon)), NaN where it is 0 or NaN."""
    divisor = _per_step(normaliser)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(divisor > 0, errors / np.where(divisor > 0, divisor, 1.0), np.nan)


def never_below_zero(target: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """(rows,) True where ``target[starts[i]:ends[i]]`` has no value below zero (NaN
    ignored): the history a forecast was made from, for a cut at zero per series."""
    below = np.concatenate([[0], np.cumsum(np.asarray(target, dtype=np.float64) < 0)])  # NaN < 0 is False
    return below[np.asarray(ends, dtype=np.int64)] == below[np.asarray(starts, dtype=np.int64)]


def _per_step(scales: np.ndarray) -> np.ndarray:
    scales = np.asarray(scales, dtype=np.float64)
    return scales if scales.ndim == 2 else scales[:, None]


def bands(
    point: np.ndarray,
    scales: np.ndarray,
    table: CalibrationTable,
    levels,
    quantiles,
    uses_log: bool,
    floor: float | np.ndarray | None = None,
    anchor: np.ndarray | None = None,
    least: Callable[[float], np.ndarray] | None = None,
    phases: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Columns ``lo-<level>``, ``hi-<level>`` and ``q<prob>`` for forecasts ``point``
    (series, horizon), each with its normaliser (see ``scaled_errors``); nothing below ``floor``
    (one cut, or one per series: (series, 1), -inf for none).
    ``anchor`` (series,): the last value before each forecast. A flat series (normaliser 0)
    has no width to calibrate, and its network forecast can sit a hair off its constant
    (5.0015 for a series of 5.0): its band reaches from the forecast to that value.
    ``least(level)``: (series, horizon) half-widths no band is narrower than, NaN for none
    (a thinly calibrated table's floor, ``naive_floor``); a step with no band keeps none.
    ``phases`` (series, horizon): each step's phase of the day, for a table with tables by
    phase (``phase_bands``); -1 or None: the pooled band."""
    forward, inverse = error_space(uses_log)
    horizon = point.shape[1]
    centre = forward(point)
    s = _per_step(scales)
    out: dict[str, np.ndarray] = {}
    below = {}  # column -> True for a lower edge (lo-, or a quantile under the median)

    def half_width(level: float) -> np.ndarray:  # (series, horizon)
        half = table.band_for(level, horizon, phases) * s
        if least is None:
            return half
        wider = least(level)
        return np.where(np.isfinite(wider) & np.isfinite(half), np.maximum(half, wider), half)

    for level in levels:
        half = half_width(level)
        out[f"lo-{level_name(level)}"] = inverse(centre - half)
        out[f"hi-{level_name(level)}"] = inverse(centre + half)
        below[f"lo-{level_name(level)}"], below[f"hi-{level_name(level)}"] = True, False
    for prob in quantiles:
        offset = 0.0 if prob == 0.5 else math.copysign(1.0, prob - 0.5) * half_width(quantile_level(prob))
        out[f"q{prob:g}"] = inverse(centre + offset)
        if prob != 0.5:
            below[f"q{prob:g}"] = prob < 0.5
    if anchor is not None:
        last = np.asarray(anchor, dtype=np.float64)[:, None]
        flat = (s == 0).all(axis=1)[:, None] & np.isfinite(last)
        for key, lower in below.items():
            reach = np.minimum(out[key], last) if lower else np.maximum(out[key], last)
            out[key] = np.where(flat, reach, out[key])
    if floor is not None:
        out = {k: np.maximum(v, floor) for k, v in out.items()}
    return out
