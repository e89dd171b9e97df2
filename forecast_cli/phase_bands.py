"""The networks' bands by time of day on sub-daily data: one conformal table per phase of
the day (Mondrian calibration), where the validation windows reach enough days for it.

Why: a conformal band holds its level over the errors it ranks, pooled; by hour it need
not. A solar panel is 0 every night, and ranked with the day's errors the night's filled
half the table: on five solar sites the LSTM's 80% band covered the day 0.55 of the time
and gave the nights' exact zeros a band 2.2 wide (benchmarks/NOTES.md, "The networks' bands
by time of day"). A share per hour (each hour's mean error) was tried first and taken out:
it scaled an hour by the size of its errors, not their spread, and the nights lost their
coverage. Ranking each phase's errors on their own holds each phase's level by
construction, as far as its errors are exchangeable with its forecasts'.

How: each error is divided by its step's scale (the pooled table's 80% error at that step,
so that errors which grow with the step can be ranked together), and the ratios of every
step whose target falls at one phase are ranked as one table; a step's band at that phase
is its scale times the phase's ranked ratio. One table per phase, not per (step, phase):
with 30 days a (step, phase) cell holds 30 errors, and its 95% rank is its largest error
(on two solar sites that table's 95% interval score was 9% worse than the pooled one's).

Where: a phase gets its own table when the fit's validation windows reach at least
``MIN_PHASE_TARGETS`` distinct target rows at that phase (the most errors at one step:
the 48 steps of one series' 11 validation days are 528 errors of 11 targets). Decided
once, at fit (``usable_phases``), so a model's bands do not change kind between backtest
folds or ``predict`` calls as newer errors join the tables; every other phase, and data
that is not sub-daily, keeps the pooled table. A phase is read from each target's stamp
(``day_phases``: steps under 5 minutes share one per 5 minutes), never counted from the origin, so a clock change or an
exchange's half-day shifts no later step. ``--local`` members pool their errors without
phases (their pool is ranked apart from their fits).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .intervals import LEVEL_GRID, CalibrationTable, grid_ranks
from .phase_shares import row_phases

MIN_PHASE_TARGETS = 30  # distinct validation targets a phase needs for a table of its own
# phases of a day at most: finer steps share one per 5 minutes. A day of 1-minute phases
# could never fill: validation keeps 20,000 windows (``MAX_CALIBRATION_WINDOWS``), 14 a
# phase; a day of seconds would be 86,400 phases and 70 MB of ranked ratios
MAX_PHASES = 288
SCALE_LEVEL = 80.0  # each step's scale: its pooled band at this level


def window_phases(row_phase: np.ndarray | None, at: np.ndarray, ends: np.ndarray, horizon: int) -> np.ndarray:
    """(windows, horizon) the phase of each step's target, ``row_phase[at[w] + h]``; -1 at
    or past ``ends[w]`` (the window's segment's end), and everywhere without ``row_phase``
    (data that is not sub-daily, or a model without tables by phase)."""
    if row_phase is None:
        return np.full((len(at), horizon), -1, dtype=np.int64)
    rows = np.asarray(at, dtype=np.int64)[:, None] + np.arange(horizon)[None, :]  # (windows, horizon)
    inside = rows < np.asarray(ends, dtype=np.int64)[:, None]
    return np.where(inside, np.asarray(row_phase)[np.where(inside, rows, 0)], -1)


def step_phases(
    per_series: Sequence[np.ndarray], series: np.ndarray, origins: np.ndarray, horizon: int
) -> np.ndarray:
    """(rows, horizon) the phase of each step of forecasts from series-local ``origins`` of
    ``series``, ``per_series[i]`` the phases of series i's rows; -1 past its rows."""
    out = np.full((len(origins), horizon), -1, dtype=np.int64)
    for i in np.unique(series):
        mine = np.flatnonzero(series == i)
        out[mine] = window_phases(
            per_series[i], origins[mine], np.full(len(mine), len(per_series[i])), horizon
        )
    return out


def day_phases(indexes: Sequence[pd.Index], freq: str | None) -> np.ndarray | None:
    """(rows of every index,) each row's phase of the day for its table, at most
    ``MAX_PHASES`` a day (``phase_shares.row_phases``); None where the data is not sub-daily."""
    return row_phases(indexes, freq, most=MAX_PHASES)


def future_phases(stamps: Sequence[pd.Index], freq: str | None, horizon: int) -> np.ndarray | None:
    """(series, horizon) the phase of each forecast step, from its stamp; None where the
    data is not sub-daily (or its steps are numbered)."""
    phases = day_phases(stamps, freq)
    return None if phases is None else phases.reshape(len(stamps), horizon)


def usable_phases(errors: np.ndarray, phases: np.ndarray) -> np.ndarray | None:
    """(phases of the day,) True where the errors reach ``MIN_PHASE_TARGETS`` distinct target
    rows (the most errors at one step: each window's step h has its own target); None where
    no phase does (one short series: its bands stay pooled), or the day has more than
    ``MAX_PHASES`` phases (phases not read by ``day_phases``)."""
    ok = np.isfinite(errors) & (phases >= 0)
    if not ok.any():
        return None
    cycle = int(phases[ok].max()) + 1
    if cycle > MAX_PHASES:
        return None
    step = np.broadcast_to(np.arange(errors.shape[1]), errors.shape)[ok]
    counts = np.bincount(phases[ok] * errors.shape[1] + step, minlength=cycle * errors.shape[1])
    usable = counts.reshape(cycle, errors.shape[1]).max(axis=1) >= MIN_PHASE_TARGETS
    return usable if usable.any() else None


@dataclass
class PhaseTables:
    """Per phase of the day, the ranked ratios of its errors to their steps' scales."""

    usable: np.ndarray  # (cycle,) bool: the phases with a table of their own
    step_scale: np.ndarray  # (horizon,) what each step's errors were divided by
    ratio_q: np.ndarray  # (cycle, len(LEVEL_GRID)) each phase's ranked ratio per level; NaN unused

    @classmethod
    def rank(
        cls, errors: np.ndarray, phases: np.ndarray, usable: np.ndarray, pooled: CalibrationTable
    ) -> PhaseTables:
        """From ``errors`` (windows, horizon), their targets' ``phases`` and the pooled table
        ranked from the same errors (its step scales)."""
        errors = np.abs(np.asarray(errors, dtype=np.float64))
        scale = pooled.abs_q[:, int(np.searchsorted(LEVEL_GRID, SCALE_LEVEL))].copy()  # (horizon,)
        for h in np.flatnonzero(~(scale > 0)):  # a step whose 80% error is 0: its mean error
            column = errors[:, h][np.isfinite(errors[:, h])]
            scale[h] = column.mean() if len(column) else 0.0
        ratio_q = np.full((len(usable), len(LEVEL_GRID)), np.nan)
        ok = np.isfinite(errors) & (phases >= 0) & (phases < len(usable)) & (scale[None, :] > 0)
        for p in np.flatnonzero(usable):
            mine = ok & (phases == p)
            if mine.any():
                ratios = np.sort(errors[mine] / np.broadcast_to(scale, errors.shape)[mine])
                ratio_q[p] = ratios[grid_ranks(len(ratios)) - 1]
        return cls(usable & np.isfinite(ratio_q[:, 0]), scale, ratio_q)

    def half(self, level: float, phases: np.ndarray, pooled: np.ndarray) -> np.ndarray:
        """(rows, horizon) half-widths at ``level`` for steps at ``phases`` (rows, horizon):
        the phase's where it has a table, ``pooled`` (horizon,) elsewhere."""
        horizon = phases.shape[1]
        grid = np.concatenate([[0.0], LEVEL_GRID])
        ratio = np.array(
            [np.interp(level, grid, np.concatenate([[0.0], q])) for q in self.ratio_q]
        )  # (cycle,)
        known = (phases >= 0) & (phases < len(self.usable))
        own = known & self.usable[np.where(known, phases, 0)]
        steps = min(horizon, len(self.step_scale))
        scale = np.full(horizon, np.nan)
        scale[:steps] = self.step_scale[:steps]  # steps past the calibrated horizon have no band
        mine = scale[None, :] * ratio[np.where(own, phases, 0)]
        return np.where(own, mine, np.broadcast_to(pooled, phases.shape))


def with_phases(
    table: CalibrationTable, errors: np.ndarray, phases: np.ndarray | None, usable: np.ndarray | None
) -> CalibrationTable:
    """``table`` (ranked from ``errors``) with tables for the ``usable`` phases, or as it is
    without phases (data that is not sub-daily, a fit whose phases were all too thin)."""
    if phases is None or usable is None or not len(errors):
        return table
    return dataclasses.replace(table, by_phase=PhaseTables.rank(errors, phases, usable, table))
