"""What a fit learns from its held-out windows: validation metrics and the conformal table.

Runs once, after training, on the validation windows of every series (at most
``MAX_CALIBRATION_WINDOWS``, evenly spaced). Each series contributes only its tail, the
validation rows and the context before them, and series are taken a group at a time, so
validating a 10,000-series panel never rebuilds the whole panel in memory (training has
just released its own copy; see panel_arrays).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .band_shape import normalisers
from .baselines import naive, seasonal_naive
from .intervals import MAX_CALIBRATION_WINDOWS, CalibrationTable, per_normaliser, scaled_errors
from .metrics import mae
from .panel import Panel
from .phase_bands import day_phases, usable_phases, window_phases, with_phases
from .training import TrainResult
from .windows import PanelSplit, add_absolute_errors, evenly_spaced, window_actuals

if TYPE_CHECKING:
    from .forecaster import Forecaster

GROUP_ROWS = 1 << 16  # tail rows forecast per pass: bounds validation memory on any panel


@dataclass(frozen=True)
class Validated:
    """What validation gives a fit."""

    metrics: dict
    table: CalibrationTable
    ratio: np.ndarray | None  # the width-to-scale ratio per step; None without a spread head
    errors: np.ndarray  # (windows, horizon) what the table ranks, NaN past a series' end
    phases: np.ndarray | None  # (windows, horizon) int32 their targets' phases; None: pooled only
    usable: np.ndarray | None  # (phases of the day,) those with a table of their own
    abs_sums: np.ndarray  # (series,) the sum of each series' absolute errors, data units
    abs_counts: np.ndarray  # (series,) and their count (``error_levels.carried_basis``)


def validate(f: Forecaster, result: TrainResult, panel: Panel, split: PanelSplit) -> Validated:
    """Metrics, the calibration table, the width-to-scale ratio and the errors ranked.

    Metrics: validation MAE in the data's units beside the naive and seasonal-naive MAE
    over the windows whose every step exists. The calibration errors are divided by the
    spread head's predicted widths where there is one, else by each series' scale.
    """
    metrics = {
        "series": len(panel),
        "train_windows": int(len(split.train_origins)),
        "val_windows": int(len(split.val_origins)),
        "best_epoch": result.best_epoch,
        "epochs_run": result.epochs_run,
        "kept_baseline": result.kept_baseline,
        "train_loss": result.train_loss,
        "val_loss": result.val_loss,
        "train_seconds": round(result.seconds, 3),
    }
    # the tails of two groups at most in memory (the one forecast and the next being cut)
    parts = [_group(f, g) for g in validation_groups(f, panel, split)]
    actual, pred, widths, naive_fc, snaive_fc, members, phases = (
        np.concatenate([p[k] for p in parts]) for k in range(7)
    )
    scales = np.asarray(f.cal_scales_)[members]  # (windows,)
    ratio = None
    divisors = scales
    if f.network_args_.spread:
        # The typical width-to-scale ratio per step: a series too short for the network
        # (forecast by a baseline, no predicted width) takes its scale times it.
        # (flat series, of scale 0, left out: their ratio is undefined; with only flat series
        # there is no typical width, and their bands have none)
        if (scales > 0).any():
            ratio = np.nanmedian(per_normaliser(widths, scales), axis=0)  # (horizon,)
        else:
            ratio = np.zeros(widths.shape[1])
        divisors = normalisers(widths, scales, ratio, f.typical_share_)  # (windows, horizon)
    with np.errstate(invalid="ignore"):
        errors = scaled_errors(actual, pred, divisors, False)
    # float32, as the model file keeps them, so a loaded model pools exactly these errors
    errors = errors.astype(np.float32)
    # on sub-daily data, a table per phase of the day where the windows reach enough days
    usable = usable_phases(errors, phases)
    table = with_phases(CalibrationTable.from_errors(errors), errors, phases, usable)
    full = np.isfinite(actual).all(axis=1)
    if full.any():
        metrics.update(
            val_mae=mae(actual[full], pred[full]),
            val_naive_mae=mae(actual[full], naive_fc[full]),
            val_seasonal_naive_mae=mae(actual[full], snaive_fc[full]),
        )
    metrics["calibration_windows"] = table.windows
    abs_sums, abs_counts = np.zeros(len(panel)), np.zeros(len(panel))
    add_absolute_errors(abs_sums, abs_counts, members, actual, pred)
    if usable is not None:
        metrics["phase_tables"] = int(usable.sum())
    return Validated(
        metrics,
        table,
        ratio,
        errors,
        None if usable is None else phases.astype(np.int32),
        usable,
        abs_sums,
        abs_counts,
    )


def series_groups(rows: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """Consecutive series ranges [lo, hi) of about ``limit`` rows each (at least one series)."""
    ends = np.cumsum(rows)
    out, lo = [], 0
    while lo < len(rows):
        base = ends[lo - 1] if lo else 0
        hi = max(lo + 1, int(np.searchsorted(ends, base + limit, side="right")))
        out.append((lo, hi))
        lo = hi
    return out


@dataclass(frozen=True)
class TailGroup:
    """The validation windows of series ``series`` (consecutive), read from their tails only:
    ``values`` (rows, inputs) stacks the tails, ``offsets`` (group + 1,) where each begins,
    ``at`` (windows,) each window's origin row in ``values``, ``segment`` its tail's place."""

    values: np.ndarray
    offsets: np.ndarray
    at: np.ndarray
    segment: np.ndarray
    series: np.ndarray
    statics: np.ndarray  # (group, static width)
    phases: np.ndarray | None = None  # (rows,) each row's phase of the day; None: not sub-daily

    def forecasts(self, f: Forecaster, **how):
        """``f.forecast_origins`` over this group's windows (``how``: ``spread``, ``weight``)."""
        return f.forecast_origins(
            self.values,
            self.at,
            self.offsets,
            scalers=[f.scalers_[i] for i in self.series],
            clamp_future=True,
            series=self.series,
            statics=self.statics,
            **how,
        )

    def actuals(self, horizon: int) -> np.ndarray:
        """(windows, horizon) the values each window forecasts, NaN past its series' end."""
        return window_actuals(self.values[:, 0], self.at, self.offsets[self.segment + 1], horizon)


def validation_groups(
    f: Forecaster, panel: Panel, split: PanelSplit, most: int = MAX_CALIBRATION_WINDOWS
) -> Iterator[TailGroup]:
    """The validation windows (at most ``most``, evenly spaced) a group of series at a
    time, in series order; each series contributes only its tail, the validation rows and
    the context before them."""
    keep = evenly_spaced(len(split.val_origins), most)
    origins, members = split.val_origins[keep], split.series_of_val[keep]  # members ascend: grouped by series
    context = max(f.plan_.history_rows, f.season_ + 1)  # what a window and the seasonal naive read
    starts = np.maximum(split.train_ends - context, 0)  # (series,), local rows where tails begin
    tail_rows = np.asarray(panel.lengths) - starts
    statics = f.train_statics()  # (series, static width), sliced per group
    for lo, hi in series_groups(tail_rows, GROUP_ROWS):
        a, b = np.searchsorted(members, [lo, hi])
        sel = members[a:b]
        values = np.concatenate([f._inputs(panel.members[i].frame.iloc[starts[i] :]) for i in range(lo, hi)])
        phases = day_phases([panel.members[i].frame.index[starts[i] :] for i in range(lo, hi)], panel.freq)
        tails = np.concatenate([[0], np.cumsum(tail_rows[lo:hi])])  # (group + 1,): where each tail starts
        local = sel - lo
        at = origins[a:b] - split.bounds[sel] - starts[sel] + tails[local]  # rows of ``values``
        yield TailGroup(values, tails, at, local, np.arange(lo, hi), statics[lo:hi], phases)


def _group(f: Forecaster, g: TailGroup) -> tuple[np.ndarray, ...]:
    """(actual, forecast, widths, naive, seasonal naive), each (windows, horizon), each
    window's series (windows,) and its steps' phases of the day (windows, horizon; -1 where
    the data is not sub-daily), for the windows of one group."""
    horizon = f.horizon_
    y = g.values[:, 0]
    pred, widths = g.forecasts(f, spread=True)
    if widths is None:
        widths = np.full_like(pred, np.nan)
    return (
        g.actuals(horizon),
        pred,
        widths,
        naive(y, g.at, horizon),
        seasonal_naive(y, g.at, horizon, season=f.season_),
        g.series[g.segment],
        window_phases(g.phases, g.at, g.offsets[g.segment + 1], horizon),
    )
