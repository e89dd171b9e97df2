"""Bands recalibrated at ``predict`` on the windows that happened since training.

A model's conformal table ranks its validation errors, the newest out-of-sample errors it
had when it was trained. Errors drift: on 60 M1 monthly series fitted one each, the test
errors were twice the validation ones; Airline's validation years had half its test
errors. When ``predict`` is given a history that runs past a series' training end, the
windows that start after that end and whose steps have happened are new out-of-sample
errors: each is forecast (the weights never saw those rows), scaled like the validation
errors, and pooled with them before the table is ranked again. The backtest does the same
at every fold after its fit's origin (``network_bands``), so
the coverage it reports is the coverage this gives.

Only series the model was trained on count (an unseen series has no training end), each
from its own end; windows whose every step is still in the future add nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .intervals import MAX_CALIBRATION_WINDOWS, CalibrationTable, per_normaliser
from .phase_bands import day_phases, window_phases, with_phases
from .windows import evenly_spaced, window_actuals

if TYPE_CHECKING:
    from .forecaster import Forecaster


def recalibrated(
    f: Forecaster,
    names: Sequence[str],
    frames: Sequence[pd.DataFrame],
    statics: Sequence[Sequence[str]],
    observed: Sequence[np.ndarray] | None = None,
) -> tuple[CalibrationTable, int]:
    """(table, windows added): ``f.calibration_`` with the errors of every window since
    training in ``frames`` (series ``names``, static values ``statics``) pooled in; the
    table unchanged and 0 when there are none or the model kept no errors to pool with.
    ``observed``: per frame, True where its target was read, not filled (``errors_since_training``)."""
    if f.calibration_errors_ is None:
        return f.calibration_, 0
    errors, phases = errors_since_training(f, names, frames, statics, observed)
    if not len(errors):
        return f.calibration_, 0
    pool = np.vstack([f.calibration_errors_, errors])
    table = CalibrationTable.from_errors(pool)
    if f.calibration_phases_ is not None:  # the phases of the day keep their own tables
        table = with_phases(table, pool, np.vstack([f.calibration_phases_, phases]), f.phase_usable_)
    return table, len(errors)


def errors_since_training(
    f: Forecaster,
    names: Sequence[str],
    frames: Sequence[pd.DataFrame],
    statics: Sequence[Sequence[str]],
    observed: Sequence[np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(windows, horizon) each: the errors of every window since training in ``frames``,
    scaled as the validation errors were (no rows when there are none), and their targets'
    phases of the day (-1 where the model has no tables by phase). ``observed`` (per frame,
    True where the target was read): a filled step is no actual, as in the backtest's
    scores; a window none of whose steps was read adds nothing. Errors against the straight
    line a gap was filled with told the bands how well the network follows that line."""
    none = np.empty((0, f.horizon_)), np.empty((0, f.horizon_), dtype=np.int64)
    known = {name: i for i, name in enumerate(f.ids_)}
    ends = f.histories_.last_stamps()  # (series,): where each series' training rows ended
    context = f.context_rows
    keep = f.plan_.history_rows  # what a window reads, the long-run drift included
    pieces, origins, members, rows, read, stamps = [], [], [], [], [], []
    every = [None] * len(frames) if observed is None else observed
    for name, frame, static, seen in zip(names, frames, statics, every, strict=True):
        k = known.get(name)
        if k is None:
            continue
        first_new = int(frame.index.searchsorted(ends[k], side="right"))  # first row after training
        first = max(first_new, context)  # the first origin with its context in the frame
        if first < len(frame):  # a window whose first step happened
            lo = max(first - keep, 0)
            pieces.append(f._inputs(frame.iloc[lo:]))  # the rows those windows read
            stamps.append(frame.index[lo:])
            read.append(np.ones(len(frame) - lo, dtype=bool) if seen is None else np.asarray(seen)[lo:])
            origins.append(np.arange(first - lo, len(frame) - lo))
            members.append(k)
            rows.append(static)
    if not pieces:
        return none
    offsets = np.concatenate([[0], np.cumsum([len(p) for p in pieces])])
    segment = np.concatenate([np.full(len(t), i) for i, t in enumerate(origins)])
    at = np.concatenate(origins) + offsets[segment]  # (windows,), rows of the stacked pieces
    values = np.concatenate(pieces)
    pick = scorable(values, at, context)
    if len(pick) == 0:
        return none
    at, segment = at[pick], segment[pick]
    member = np.asarray(members)
    # the phases only a model with tables by phase reads (``phase_bands``)
    row_phase = day_phases(stamps, f.freq_) if f.calibration_phases_ is not None else None
    phases = window_phases(row_phase, at, offsets[segment + 1], f.horizon_)
    errors = window_errors(
        f,
        values,
        at,
        offsets,
        segment,
        member[segment],
        observed=np.concatenate(read),
        scalers=[f.scalers_[k] for k in members],
        clamp_future=True,  # steps past the data are never scored; their covariates repeat
        series=member,
        statics=f.static_block(rows),
    )
    keep = np.isfinite(errors).any(axis=1)
    return errors[keep], phases[keep]


def scorable(values: np.ndarray, at: np.ndarray, context: int) -> np.ndarray:
    """Indices into ``at`` of the windows to score: those whose ``context`` rows before
    the origin hold no missing value (a gap in rows after training, in a frame given to the
    library without the loader's fill, skips the windows that read it rather than failing
    the forecast), at most ``MAX_CALIBRATION_WINDOWS`` of them, evenly spaced as validation
    takes its own."""
    gap = ~np.isfinite(values).all(axis=1)  # (rows,)
    seen = np.concatenate([[0], np.cumsum(gap)])  # gaps before each row
    whole = np.flatnonzero(seen[at] - seen[at - context] == 0)
    return whole[evenly_spaced(len(whole), MAX_CALIBRATION_WINDOWS)]


def window_errors(
    f: Forecaster,
    values: np.ndarray,
    at: np.ndarray,
    offsets: np.ndarray,
    segment: np.ndarray,
    members: np.ndarray,
    observed: np.ndarray | None = None,
    **forecast,
) -> np.ndarray:
    """(windows, horizon) errors of the forecasts from rows ``at`` of ``values`` (window w
    in segment ``segment[w]`` of ``offsets``, training series ``members[w]``), divided by
    their normalisers as the validation errors were; NaN at steps past the segment's end.
    ``observed`` (rows of ``values``): False where a target was filled, which is no actual
    (NaN error). ``forecast``: the rest of ``f.forecast_origins``' arguments."""
    pred, widths = f.forecast_origins(values, at, offsets, spread=True, **forecast)  # (windows, horizon) each
    target = values[:, 0] if observed is None else np.where(observed, values[:, 0], np.nan)
    actual = window_actuals(target, at, offsets[segment + 1], pred.shape[1])  # (windows, horizon)
    return per_normaliser(
        actual - pred, f.normalisers(widths, np.asarray(f.cal_scales_)[members], pred.shape[1])
    )
