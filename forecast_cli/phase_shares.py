"""Each phase of the day's share of a sub-daily baseline's errors, so that one ranking of
them bands the quiet hours and the busy ones alike.

A conformal band holds its level over the windows it ranks, pooled: split by the hour of
the day, it need not. A solar panel's output is 0 every night; ranked with the day's, the
night's zero errors filled half the table, so the day was covered 0.57 of the time at 80%
(seasonal naive, 20 folds) and the night's exact zeros got a band 12 wide. So each error is
divided by its phase's share before ranking, and each forecast step's band multiplied by
it: the mean absolute error of the same baseline at that phase (the step's time of day),
over its mean at every phase, from the lender's own calibration windows (normalised
conformal prediction, with the phase's typical error as the normaliser; Mondrian
calibration per hour split the table 24 ways instead, each too thin for a 95% band). A
phase whose errors were all 0 gets a band of no width, as a flat series does.

Only for sub-daily data, where the day is a cycle of many phases that people's and the
sun's hours shape; and only for a series whose windows reach ``PHASE_CYCLES`` days of
targets, so that each share is a mean over as many days, with an error at every phase (a
phase no window reached would keep a share of 1 while its neighbours' errors shrank). On
daily data the weekday's shares were no gain (Seattle's temperatures, with no weekday
effect, scored worse intervals: benchmarks/NOTES.md, "The baselines' bands on sub-daily
data"). A row's phase is read from its stamp, not counted in rows: the local time of day
over the step (an exchange's bars alike), so a half-day session or a clock change does
not shift every later row's phase.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

PHASE_CYCLES = 30  # days of targets a series' shares are read from, at least


def row_phases(indexes: Sequence[pd.Index], freq: str | None, most: int | None = None) -> np.ndarray | None:
    """(rows of every series,) each stacked row's phase in its day, for sub-daily data on
    stamps; None otherwise (numbered steps, days and coarser): the local time of day over
    the step (09:30 at 30 minutes: 19), an exchange bar's as a clock's. Read from the
    stamp, not counted in rows, so a half-day session or a clock change shifts no later
    row's phase, and a future step's phase is that of the same time on any past day.
    ``most``: at most that many phases a day, finer steps sharing a phase (1-minute rows in
    blocks of 5 minutes for 288)."""
    from .calendars import Calendar
    from .frequency_defaults import fixed_step, step_kind

    if freq is None or step_kind(freq) != "sub-daily":
        return None
    if not indexes or not all(isinstance(i, pd.DatetimeIndex) for i in indexes):
        return None
    calendar = Calendar.parse(freq)
    step = pd.Timedelta(calendar.step) if calendar is not None and calendar.step else fixed_step(freq)
    if step is None:
        return None
    per_day = pd.Timedelta(days=1) // step
    if most is not None and per_day > most:
        step = step * -(-per_day // most)
    parts = []
    for index in indexes:
        wall = index.tz_localize(None) if index.tz is not None else index  # the local clock
        parts.append(np.asarray((wall - wall.normalize()) // step, dtype=np.int64))
    return np.concatenate(parts)


def error_shares(
    scores: np.ndarray, owner: np.ndarray, phase: np.ndarray, lenders: int, cycle: int, eligible: np.ndarray
) -> np.ndarray:
    """(lenders, cycle) each phase's mean absolute score over the mean at every phase, per
    lender, from its own windows' ``scores`` (windows, horizon), window ``w`` of lender
    ``owner[w]``, whose targets fall at ``phase`` (windows, horizon). All 1 for a lender
    not ``eligible`` or missing errors at a phase of the day the data has (its share would
    stay 1 while the others' errors shrank); 1 at a phase no row has (an exchange's closed
    hours)."""
    shares = np.ones((lenders, cycle))
    if cycle < 2 or not eligible.any():
        return shares
    size = np.abs(scores)
    ok = np.isfinite(size) & eligible[owner][:, None]
    cell = (owner[:, None] * cycle + phase)[ok]  # (errors,) lender x phase
    totals = np.bincount(cell, weights=size[ok], minlength=lenders * cycle).reshape(lenders, cycle)
    counts = np.bincount(cell, minlength=lenders * cycle).reshape(lenders, cycle)
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = totals.sum(axis=1) / counts.sum(axis=1)  # (lenders,)
        got = totals / counts / overall[:, None]
    seen = np.bincount(phase.ravel(), minlength=cycle) > 0  # (cycle,) the phases the data has
    usable = eligible & (counts[:, seen] > 0).all(axis=1) & (overall > 0)  # (lenders,)
    return np.where(usable[:, None] & (counts > 0), got, 1.0)
