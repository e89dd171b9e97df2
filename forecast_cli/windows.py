"""Zero-copy (lookback -> horizon) windows and the temporal train/validation split.

Windows are addressed by their *origin*: the row index of the first forecast step.
A window with origin ``t`` reads inputs from rows ``t - lookback .. t - 1`` and targets
from rows ``t .. t + horizon - 1``. Nothing here copies the series: ``window_view`` is
a strided view, and training gathers one batch at a time by origin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .errors import TooFewRows


def window_view(values: np.ndarray, size: int) -> np.ndarray:
    """A read-only view of every run of ``size`` rows: shape (n - size + 1, size, features).

    Shares memory with ``values`` (no copy), so a 10-million-row series costs nothing extra.
    """
    if values.ndim == 1:
        values = values[:, None]
    view = sliding_window_view(values, size, axis=0)  # (windows, features, size)
    return view.transpose(0, 2, 1)  # (windows, size, features), still a view


def window_origins(n_rows: int, lookback: int, horizon: int, stride: int = 1, first: int = 0) -> np.ndarray:
    """Origins of every full window in a series of ``n_rows``, every ``stride`` rows.

    ``first`` is the earliest row inputs may read (1 after differencing, whose row 0 is undefined).
    """
    start = first + lookback
    stop = n_rows - horizon  # last origin whose targets all exist
    if stop < start:
        return np.empty(0, dtype=np.int64)
    return np.arange(start, stop + 1, stride, dtype=np.int64)


def gather_windows(values: np.ndarray, origins: np.ndarray, lookback: int) -> np.ndarray:
    """Inputs for each origin, copied only for the requested origins: (len(origins), lookback, F)."""
    return window_view(values, lookback)[np.asarray(origins) - lookback]


def window_actuals(y: np.ndarray, origins: np.ndarray, ends: np.ndarray, horizon: int) -> np.ndarray:
    """(windows, horizon) the values of ``y`` at each window's steps, rows ``origins[w] ..
    origins[w] + horizon - 1``; NaN at a step at or past the window's segment end ``ends[w]``
    (later steps of a window near a series' end, which did not happen or are another's)."""
    steps = origins[:, None] + np.arange(horizon)[None, :]  # (windows, horizon), rows of ``y``
    return np.where(steps < ends[:, None], y[np.minimum(steps, len(y) - 1)], np.nan)


def add_absolute_errors(
    sums: np.ndarray, counts: np.ndarray, owner: np.ndarray, actual: np.ndarray, pred: np.ndarray
) -> None:
    """Adds each window's absolute errors (windows, horizon) to its ``owner``'s sum and
    count; a NaN (past the rows read, or a missing or filled value) counts for nothing."""
    error = np.abs(actual - pred)
    seen = np.isfinite(error)
    np.add.at(sums, owner, np.where(seen, error, 0.0).sum(axis=1))
    np.add.at(counts, owner, seen.sum(axis=1))


def evenly_spaced(n: int, limit: int) -> np.ndarray:
    """Indices of at most ``limit`` of ``n`` windows, evenly spaced (deterministic, and
    representative of the whole span); all of them when there are no more than ``limit``."""
    if n <= limit:
        return np.arange(n)
    return np.linspace(0, n - 1, limit).astype(np.int64)


@dataclass(frozen=True)
class TemporalSplit:
    """Training and validation origins, and where training rows end.

    Training windows end (targets included) before ``train_end``; scalers are fit on rows
    ``first .. train_end - 1`` only. Validation origins are every row from ``train_end`` on:
    a window whose horizon runs past the data is scored on the steps that exist, so a
    long horizon does not cost ``horizon - 1`` windows of a short series.
    """

    train_origins: np.ndarray
    val_origins: np.ndarray
    train_end: int


def temporal_split(
    n_rows: int,
    lookback: int,
    horizon: int,
    val_fraction: float,
    stride: int = 1,
    first: int = 0,
    season: int = 1,
) -> TemporalSplit:
    """Split by time: the last ``val_fraction`` of rows validate, the rows before train.
    Too few rows is an error that names a lookback (or horizon) that fits (``shorter_windows``)."""
    usable = n_rows - first
    val_rows = validation_rows(n_rows, val_fraction, first)
    need = lookback + horizon + val_rows
    if usable < need:
        raise TooFewRows(
            f"the series has {usable} usable rows but lookback {lookback} + horizon {horizon} + "
            f"{val_rows} validation rows need at least {need}; "
            f"{shorter_windows(usable - val_rows, lookback, horizon, season)}"
        )
    train_end = n_rows - val_rows
    train = window_origins(train_end, lookback, horizon, stride, first)
    val = np.arange(train_end, n_rows, dtype=np.int64)
    return TemporalSplit(train, val, train_end)


def shorter_windows(rows: int, lookback: int, horizon: int, season: int = 1) -> str:
    """The fix for ``rows`` training rows too few for ``lookback + horizon``, with numbers:
    one season of lookback when that leaves a window (a seasonal network then still sees a
    whole cycle; three years of weekly data keep 30 windows), else the lookback that leaves
    as many windows as it reads rows; a horizon that leaves no lookback is named instead,
    and when even a horizon of 1 leaves none, only more rows help (the fix never repeats
    the options already given)."""
    room = rows - horizon  # the longest lookback that leaves one training window
    fit = fitting_lookback(rows, lookback, horizon, season)
    if fit is not None:
        what = "one season: " if fit == season > 1 else ""
        return f"give --lookback {fit} ({what}{training_windows(room - fit + 1)}), or a longer series"
    most = rows - 2  # a lookback row and a validation row besides the horizon
    if 1 <= most < horizon:
        return f"give --horizon {most} or less with a short --lookback, or a longer series"
    if room >= 1 and lookback > 1:
        return "give --lookback 1 (one training window), or a longer series"
    return "too few for any window: give a longer series (or a finer --freq, which makes more rows)"


def fitting_lookback(rows: int, lookback: int, horizon: int, season: int = 1) -> int | None:
    """The lookback ``shorter_windows`` names for ``rows`` training rows too few for
    ``lookback + horizon``: one season when that leaves a window, else the lookback that
    leaves as many windows as it reads rows (at least 2 of them); None when only one
    window of lookback 1, or none, would be left. ``plan`` takes it for a default lookback."""
    room = rows - horizon  # the longest lookback that leaves one training window
    if room >= season > 1 and season < lookback:
        return season
    if room >= 2:
        return min(room // 2, lookback - 1)
    return None


def training_windows(n: int) -> str:
    """``1 training window``, ``30 training windows``: how the fixes and the plan count them."""
    return f"{n} training window{'' if n == 1 else 's'}"


def min_rows(lookback: int, horizon: int, val_fraction: float) -> int:
    """Smallest series length ``temporal_split`` accepts (used to explain errors up front)."""
    n = lookback + horizon + 1
    while n - max(1, int(round(val_fraction * n))) < lookback + horizon:
        n += 1
    return n


@dataclass(frozen=True)
class PanelSplit:
    """``temporal_split`` applied to every member of a panel, in stacked row numbers.

    ``train_ends[i]`` is where member i's training rows end (local row number); origins are
    global rows of the stacked array; ``series_of_train``/``series_of_val`` say which
    member each origin belongs to; ``bounds`` (members + 1,) where each member starts in
    the stacked rows, then their total, so a validation window never reads into the next
    member (one number per member: a per-row end cost 8 bytes a value on large panels).
    """

    train_origins: np.ndarray
    val_origins: np.ndarray
    series_of_train: np.ndarray
    series_of_val: np.ndarray
    train_ends: np.ndarray
    bounds: np.ndarray

    def windows_of(self, members: np.ndarray) -> PanelSplit:
        """This split with windows drawn only from ``members`` (bool, per member); every row
        of the others counts as training rows, so they are scaled on all their rows and
        neither train the weights nor validate them (see ``Forecaster.fit``)."""
        members = np.asarray(members, dtype=bool)
        train, val = members[self.series_of_train], members[self.series_of_val]
        lengths = np.diff(self.bounds)
        return PanelSplit(
            self.train_origins[train],
            self.val_origins[val],
            self.series_of_train[train],
            self.series_of_val[val],
            np.where(members, self.train_ends, lengths),
            self.bounds,
        )


def by_id_order(origins: np.ndarray, series_of: np.ndarray, bounds: np.ndarray, ids) -> np.ndarray:
    """Positions of ``origins`` ordered by their series' id, then by row within it: the
    order training draws windows in, whatever order the series came in. A wide file's
    columns and the same panel written long (ids sorted) gave other batches from one seed,
    and forecasts up to 2.8% apart."""
    rank = np.argsort(np.argsort(np.array([str(i) for i in ids], dtype=object), kind="stable"))  # (series,)
    series_of = np.asarray(series_of, dtype=np.int64)
    within = np.asarray(origins, dtype=np.int64) - np.asarray(bounds, dtype=np.int64)[series_of]
    return np.lexsort((within, rank[series_of]))


def validation_rows(n_rows: int, val_fraction: float, first: int = 0) -> int:
    """Rows held out at the end of a series: ``val_fraction`` of its usable rows, at least 1."""
    return max(1, int(round(val_fraction * (n_rows - first))))


def panel_split(
    lengths: np.ndarray, lookback: int, horizon: int, val_fraction: float, stride: int = 1, first: int = 0
) -> PanelSplit:
    """Per-member temporal splits (members too short for a window contribute none)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    train, val, s_train, s_val, ends = [], [], [], [], []
    for i, n in enumerate(lengths):
        train_end = int(n - validation_rows(int(n), val_fraction, first))
        ends.append(train_end)
        t = window_origins(train_end, lookback, horizon, stride, first)
        v = np.arange(max(train_end, first + lookback), n, dtype=np.int64)
        train.append(t + offsets[i])
        val.append(v + offsets[i])
        s_train.append(np.full(len(t), i, dtype=np.int64))
        s_val.append(np.full(len(v), i, dtype=np.int64))
    # int32 while the rows fit: 4 bytes per window, not 8 (a 10,000 x 1,000 panel has
    # 1.5 million validation windows: 12 MB saved on each of two arrays)
    small = np.int32 if offsets[-1] < 2**31 else np.int64
    return PanelSplit(
        np.concatenate(train).astype(small),
        np.concatenate(val).astype(small),
        np.concatenate(s_train).astype(small),
        np.concatenate(s_val).astype(small),
        np.array(ends, dtype=np.int64),
        offsets,
    )
