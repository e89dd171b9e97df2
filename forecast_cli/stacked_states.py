"""Several forecasters' stored arrays as one set, and one member's back out of it.

Why: a ``--local`` model holds one forecaster per series. Stored member by member, a model
of 10,000 series would be 10,000 sets of archive entries; stacked, it is the few arrays a
panel model has (a leading member axis, rows concatenated with offsets beside), so the
archive's caps on entries and sizes keep protecting loading whatever the series count.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .fitted_state import ERRORS, ERRORS_OFFSETS, MODEL, SERIES, WIDTHS
from .stored_histories import OFFSETS, ROW_ARRAYS


def stack_states(parts: Sequence[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The ``series/`` and ``model/`` arrays of several forecasters as one set (a ``--local``
    model's members): per-series arrays and history rows concatenated, offsets renumbered;
    each ``model/`` array gains a leading member axis, shorter horizons padded with NaN,
    except the calibration errors: their rows are concatenated, with offsets beside.
    A per-series array whose columns differ between members (the scaler's, when
    ``--calendar auto`` gives one series a day-of-week input and another none) is padded
    with NaN to the widest, its members' widths stored beside (``<key>@widths``)."""
    out: dict[str, np.ndarray] = {}
    for key in parts[0]:
        if key == ERRORS:  # rows of every member stacked, offsets beside: never padded to the longest
            if all(key in p for p in parts):
                out[key] = stack_rows([p[key] for p in parts])
                rows = [len(p[key]) for p in parts]
                out[ERRORS_OFFSETS] = np.concatenate([[0], np.cumsum(rows)]).astype(np.int64)
        elif key == SERIES + OFFSETS:
            lengths = np.concatenate([np.diff(p[key]) for p in parts])
            out[key] = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        elif key.startswith(SERIES):
            widths = [p[key].shape[1:] for p in parts]
            if len(set(widths)) == 1:
                out[key] = np.concatenate([p[key] for p in parts])
            else:  # only the last axis may differ: the columns of each member's inputs
                out[key] = stack_rows([p[key] for p in parts])
                out[key + WIDTHS] = np.array([p[key].shape[1] for p in parts], dtype=np.int64)
        elif key.startswith(MODEL):
            steps = max(len(p[key]) for p in parts)
            stacked = np.full((len(parts), steps, *parts[0][key].shape[1:]), np.nan)
            for i, p in enumerate(parts):
                stacked[i, : len(p[key])] = p[key]
            out[key] = stacked
    return out


def stack_rows(arrays: Sequence[np.ndarray]) -> np.ndarray:
    """2-D arrays stacked row-wise, NaN where one has fewer columns (steps, inputs), in
    the type all of them fit (float32 errors beside float64 ones: float64)."""
    cols = max(a.shape[1] for a in arrays)
    out = np.full((sum(len(a) for a in arrays), cols), np.nan, dtype=np.result_type(*arrays))
    row = 0
    for a in arrays:
        out[row : row + len(a), : a.shape[1]] = a
        row += len(a)
    return out


def member_state(arrays: dict[str, np.ndarray], i: int, steps: int) -> dict[str, np.ndarray]:
    """Member ``i``'s ``series/`` and ``model/`` arrays out of ``stack_states`` output (its
    calibration table cut to its ``steps``)."""
    offsets = arrays[SERIES + OFFSETS]
    a, b = int(offsets[i]), int(offsets[i + 1])
    out: dict[str, np.ndarray] = {}
    for key, array in arrays.items():
        if key == ERRORS:
            at = arrays[ERRORS_OFFSETS]
            out[key] = array[int(at[i]) : int(at[i + 1]), :steps]
        elif key == ERRORS_OFFSETS or key.endswith(WIDTHS):
            continue
        elif key + WIDTHS in arrays:  # padded to the widest member: cut back to its own
            out[key] = array[i : i + 1, : int(arrays[key + WIDTHS][i])]
        elif key == SERIES + OFFSETS:
            out[key] = np.array([0, b - a], dtype=np.int64)
        elif key.removeprefix(SERIES) in ROW_ARRAYS:
            out[key] = array[a:b]
        elif key.startswith(SERIES):
            out[key] = array[i : i + 1]
        elif key.startswith(MODEL):
            out[key] = array[i, :steps]
    return out


def per_member(state: dict[str, np.ndarray]) -> list[np.ndarray]:
    """The arrays with one entry per member (not per history row or calibration error),
    the error offsets less their leading 0: a loaded model checks each has one per id."""
    rows = {SERIES + "history_values", SERIES + "history_stamps", SERIES + "history_offsets", ERRORS}
    return [a[1:] if k == ERRORS_OFFSETS else a for k, a in state.items() if k not in rows]
