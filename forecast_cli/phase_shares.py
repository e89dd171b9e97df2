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
targets, so that each share is a mean over as many days. On daily data the weekday's
shares cost more than they gained (Seattle's temperatures and MSFT, with no weekday
effect, scored worse intervals: benchmarks/NOTES.md, "The baselines' bands by phase").
"""

from __future__ import annotations

import numpy as np

PHASE_CYCLES = 30  # days of targets a series' shares are read from, at least


def error_shares(
    scores: np.ndarray, owner: np.ndarray, phase: np.ndarray, lenders: int, cycle: int, eligible: np.ndarray
) -> np.ndarray:
    """(lenders, cycle) each phase's mean absolute score over the mean at every phase, per
    lender, from its own windows' ``scores`` (windows, horizon), window ``w`` of lender
    ``owner[w]``, whose targets fall at ``phase`` (windows, horizon); 1 for a lender not
    ``eligible`` and for a phase none of its errors fell at."""
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
    usable = eligible[:, None] & (counts > 0) & (overall[:, None] > 0)
    return np.where(usable, got, 1.0)
