"""Bands recalibrated at ``predict`` on the windows that happened since training.

A model's conformal table ranks its validation errors, the newest out-of-sample errors it
had when it was trained. Errors drift: on 60 M1 monthly series fitted one each, the test
errors were twice the validation ones; Airline's validation years had half its test
errors. When ``predict`` is given a history that runs past a series' training end, the
windows that start after that end and whose steps have happened are new out-of-sample
errors: each is forecast (the weights never saw those rows), scaled like the validation
errors, and pooled with them before the table is ranked again. The backtest does the same
at every fold after its fit's origin (``backtest_intervals.rolling_network_bounds``), so
the coverage it reports is the coverage this gives.

Only series the model was trained on count (an unseen series has no training end), each
from its own end; windows whose every step is still in the future add nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .intervals import MAX_CALIBRATION_WINDOWS, CalibrationTable

if TYPE_CHECKING:
    from .forecaster import Forecaster


def recalibrated(
    f: Forecaster, names: Sequence[str], frames: Sequence[pd.DataFrame], statics: Sequence[Sequence[str]]
) -> tuple[CalibrationTable, int]:
    """(table, windows added): ``f.calibration_`` with the errors of every window since
    training in ``frames`` (series ``names``, static values ``statics``) pooled in; the
    table unchanged and 0 when there are none or the model kept no errors to pool with."""
    if f.calibration_errors_ is None:
        return f.calibration_, 0
    known = {name: i for i, name in enumerate(f.ids_)}
    ends = f.histories_.last_stamps()  # (series,): where each series' training rows ended
    pieces, origins, members, rows = [], [], [], []
    for name, frame, static in zip(names, frames, statics, strict=True):
        k = known.get(name)
        if k is None:
            continue
        first_new = int(frame.index.searchsorted(ends[k], side="right"))  # first row after training
        t = np.arange(max(first_new, f.context_rows), len(frame))  # origins with a step that happened
        if len(t):
            pieces.append(f._inputs(frame))
            origins.append(t)
            members.append(k)
            rows.append(static)
    if not pieces:
        return f.calibration_, 0
    offsets = np.concatenate([[0], np.cumsum([len(p) for p in pieces])])
    segment = np.concatenate([np.full(len(t), i) for i, t in enumerate(origins)])
    at = np.concatenate(origins) + offsets[segment]  # (windows,), rows of the stacked pieces
    values = np.concatenate(pieces)
    whole = complete_context(values, at, f.context_rows)
    at, segment = at[whole], segment[whole]
    if len(at) > MAX_CALIBRATION_WINDOWS:  # evenly spaced, as validation does
        keep = np.linspace(0, len(at) - 1, MAX_CALIBRATION_WINDOWS).astype(np.int64)
        at, segment = at[keep], segment[keep]
    if len(at) == 0:
        return f.calibration_, 0
    member = np.asarray(members)
    pred, widths = f.forecast_origins(
        values,
        at,
        offsets,
        scalers=[f.scalers_[k] for k in members],
        clamp_future=True,  # steps past the data are never scored; their covariates repeat
        series=member,
        statics=f.static_block(rows),
        spread=True,
    )  # (windows, horizon) each
    steps = at[:, None] + np.arange(pred.shape[1])[None, :]  # (windows, horizon)
    happened = steps < offsets[segment + 1][:, None]
    actual = np.where(happened, values[np.minimum(steps, len(values) - 1), 0], np.nan)
    norm = f.normalisers(widths, np.asarray(f.cal_scales_)[member[segment]], pred.shape[1])
    errors = (actual - pred) / norm
    table = CalibrationTable.from_errors(np.vstack([f.calibration_errors_, errors]))
    return table, len(at)


def complete_context(values: np.ndarray, at: np.ndarray, context: int) -> np.ndarray:
    """(len(at),) bool: the ``context`` rows before each origin ``at`` hold no missing
    value. A gap in rows after training (a frame given to the library without the
    loader's fill) skips the windows that read it rather than failing the forecast."""
    gap = ~np.isfinite(values).all(axis=1)  # (rows,)
    seen = np.concatenate([[0], np.cumsum(gap)])  # gaps before each row
    return (seen[at] - seen[at - context]) == 0
