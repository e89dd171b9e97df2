"""Whether the damped trend goes into the forecast: decided on the validation windows.

Why not always: the equal average (stop 33) cut MASE on the monthly and quarterly panels it
was measured on (M1, the accommodation panel), where a global network misses each series'
own level and trend. On a half-hourly panel of electricity demand it quadrupled MASE (0.18
to 0.82, benchmarks/RESULTS.md, "The damped trend where it does not help"): a smoother of
one daily season cannot follow the weekday-weekend cycle the network reads. Which holds is
the data's to say, so each fit measures it.

How: the network's and the average's forecasts of the validation windows (those the
conformal calibration ranks, read from each series' tail) are scored by their absolute
errors over each series' scale (MASE's terms, so a large series does not decide for the
rest). The validation rows come after every training row, so in a backtest the decision
reads nothing past its origin. One decision for a panel: a series has a handful of
validation windows, too few to decide with. A single series decides alone, a panel of one
(and so does each ``--local`` member).

Why a margin: early stopping chose the network's weights on these same windows, so its
validation error is the lower for it; and the equal average is the default with the
evidence behind it. So the smoother is left out only when the network alone scores lower
by more than ``MARGIN``. Measured ratios (average over network alone) ranged from 0.91 (M1
monthly) to 3.3 (the half-hourly panel); on M1 quarterly's official split it was 1.002,
yet the average's test MASE was 3% lower (1.557 against 1.603).

Why only in or out, not a weight between: with 0.25 and 0.75 on offer, validation picked
0.25 on the accommodation panel (test MASE 1.053 against 1.008 at 0.5) and 0.75 on M1
monthly's official split (1.083 against 1.043), by margins of 2.4% and 0.03% in the
validation error. Equal weights are the combination literature's hard-to-beat default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .damped_trend import EQUAL
from .panel import Panel
from .validation import validation_groups
from .windows import PanelSplit

if TYPE_CHECKING:
    from .forecaster import Forecaster

# How much lower the network alone must score on validation before the smoother is left out.
MARGIN = 0.01
# Validation windows the decision reads, at most, evenly spaced over the panel's: one ratio of
# two mean errors needs no more, and the smoother's forecasts of 20,000 windows of 1-minute
# data (five days of 1,440-step seasons each, tested for their season) took 95% of a 209 s fit
DECIDING_WINDOWS = 2_000


def choose_weight(f: Forecaster, panel: Panel, split: PanelSplit) -> float:
    """The smoother's share of the forecast (``weight_for``) from the scaled absolute errors
    of the validation windows; ``EQUAL`` when no window can be scored."""
    if f.damped_ is None:
        raise ValueError("choose_weight needs a fitted damped trend")
    alone = averaged = 0.0
    for g in validation_groups(f, panel, split, DECIDING_WINDOWS):
        # (windows, horizon) each: as the model would forecast at either weight
        network, mixed = g.forecasts(f, weight=(0.0, EQUAL))
        scale = np.asarray(f.cal_scales_, dtype=np.float64)[g.series[g.segment]][:, None]  # (windows, 1)
        actual = g.actuals(f.horizon_)
        with np.errstate(invalid="ignore", divide="ignore"):
            network_errors = np.abs(actual - network) / scale  # (windows, horizon)
            average_errors = np.abs(actual - mixed) / scale  # (windows, horizon)
        scored = np.isfinite(network_errors) & np.isfinite(average_errors)  # NaN past an end; flat: no scale
        alone += float(network_errors[scored].sum())
        averaged += float(average_errors[scored].sum())
    return weight_for(alone, averaged)


def weight_for(alone: float, averaged: float) -> float:
    """The smoother's share from the summed scaled errors of the network alone and of the
    equal average: ``EQUAL`` unless the average's exceed the network's by over ``MARGIN``."""
    return 0.0 if averaged > (1.0 + MARGIN) * alone else EQUAL
