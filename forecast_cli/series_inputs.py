"""Per-series constant inputs, appended to the scaled series after scaling (so a scaler
never centres a constant column to zero): one-hot static categories and the series index
that a series embedding reads.

Static values are known for every future step, so their one-hot columns join the
known-future block; the series index goes last and the network removes it first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def static_levels(statics: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """The categories of each static column, sorted: the one-hot layout a model keeps."""
    return {col: tuple(sorted(set(values))) for col, values in statics.items()}


def one_hot(rows: Sequence[Sequence[str]], levels: Mapping[str, Sequence[str]]) -> np.ndarray:
    """(series, sum of categories) 0/1 matrix; ``rows[i]`` holds series i's value per column
    in the order of ``levels``. A category not in ``levels`` (never seen in training) is all zeros."""
    width = sum(len(v) for v in levels.values())
    out = np.zeros((len(rows), width), dtype=np.float32)
    for i, row in enumerate(rows):
        start = 0
        for value, known in zip(row, levels.values(), strict=True):
            if value in known:
                out[i, start + list(known).index(value)] = 1.0
            start += len(known)
    return out


def append_constants(scaled: np.ndarray, offsets: np.ndarray, block: np.ndarray) -> np.ndarray:
    """``scaled`` (rows, F) with row i of ``block`` (segments, C) repeated over segment i: (rows, F + C)."""
    if block.shape[1] == 0:
        return scaled
    repeated = np.repeat(block.astype(np.float32), np.diff(offsets), axis=0)  # (rows, C)
    return np.hstack([scaled, repeated])


def with_series_index(scaled: np.ndarray, offsets: np.ndarray, series: np.ndarray) -> np.ndarray:
    """``scaled`` (rows, F) with each segment's series index as a last column: (rows, F + 1)."""
    return append_constants(scaled, offsets, np.asarray(series, dtype=np.float32)[:, None])
