"""The last rows of every series' history as three arrays, with frames built on demand.

A fitted model keeps, per series, the rows a forecast reads (``Plan.history_rows``: the
lookback, or the span of a panel's long-run drift input, plus one to
undo differencing). Kept as one table per series in JSON, a 10,000-series model took
seconds to load (a timestamp parse and a DataFrame per series). Here they are a panel
in the CSR layout ``panel.py`` uses:

- ``values`` float64 (rows, columns): every series' rows stacked;
- ``offsets`` int64 (series + 1,): series ``i`` is rows ``offsets[i]:offsets[i + 1]``;
- ``stamps`` int64 (rows,): the index, as counts of ``unit`` since the epoch in UTC (the
  zone name is kept beside, so stamps come back in their zone), or integer steps when
  the series have no timestamps (``unit`` None).

``histories[i]`` builds series ``i``'s DataFrame when asked, so predicting a few series
of a large model builds a few frames, and ``info`` summarises without building any.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

import numpy as np
import pandas as pd

ROW_ARRAYS = ("history_values", "history_stamps")  # indexed by row, not by series
OFFSETS = "history_offsets"


class StoredHistories(Sequence[pd.DataFrame]):
    """A read-only sequence of per-series history frames backed by three arrays."""

    def __init__(
        self,
        values: np.ndarray,
        offsets: np.ndarray,
        stamps: np.ndarray,
        columns: Sequence[str],
        tz: str | None = None,
        unit: str | None = "ns",
        index_name: str | None = "timestamp",
    ):
        values = np.asarray(values, dtype=np.float64)
        offsets, stamps = np.asarray(offsets, dtype=np.int64), np.asarray(stamps, dtype=np.int64)
        if values.ndim != 2 or values.shape[1] != len(columns):
            raise ValueError(f"history values {values.shape} do not have the {len(columns)} columns named")
        if offsets.ndim != 1 or len(offsets) < 1 or offsets[0] != 0 or offsets[-1] != len(values):
            raise ValueError("history offsets do not span the history rows")
        if np.any(np.diff(offsets) < 0) or stamps.shape != (len(values),):
            raise ValueError("history offsets decrease, or the stamps do not match the rows")
        if unit is not None:
            np.datetime_data(np.dtype(f"M8[{unit}]"))  # a bad unit is a ValueError here
        self.values, self.offsets, self.stamps = values, offsets, stamps
        self.columns, self.tz, self.unit = tuple(columns), tz, unit
        self.index_name = index_name

    # ---------------------------------------------------------------- building
    @classmethod
    def from_frames(cls, frames: Sequence[pd.DataFrame]) -> StoredHistories:
        """Stack frames that share columns and an index kind (all timestamps or all steps)."""
        if not frames:
            raise ValueError("no histories to store")
        first = frames[0]
        columns = tuple(str(c) for c in first.columns)
        if any(tuple(str(c) for c in f.columns) != columns for f in frames):
            raise ValueError("the histories do not share their columns")
        dated = isinstance(first.index, pd.DatetimeIndex)
        tz = str(first.index.tz) if dated and first.index.tz is not None else None
        unit = first.index.unit if dated else None
        stamps = [_stamps(f.index, unit) for f in frames]
        lengths = [len(f) for f in frames]
        return cls(
            np.concatenate([f.to_numpy(dtype=np.float64) for f in frames]).reshape(-1, len(columns)),
            np.concatenate([[0], np.cumsum(lengths)]),
            np.concatenate(stamps) if stamps else np.empty(0, np.int64),
            columns,
            tz,
            unit,
            None if first.index.name is None else str(first.index.name),
        )

    @classmethod
    def concat(cls, parts: Sequence[StoredHistories]) -> StoredHistories:
        """The series of ``parts`` in order (they must share columns, zone and unit)."""
        first = parts[0]
        if any((p.columns, p.tz, p.unit) != (first.columns, first.tz, first.unit) for p in parts):
            raise ValueError("the histories do not share columns, time zone and unit")
        lengths = np.concatenate([np.diff(p.offsets) for p in parts])
        return cls(
            np.concatenate([p.values for p in parts]),
            np.concatenate([[0], np.cumsum(lengths)]),
            np.concatenate([p.stamps for p in parts]),
            first.columns,
            first.tz,
            first.unit,
            first.index_name,
        )

    def select(self, i: int) -> StoredHistories:
        """Series ``i`` alone."""
        a, b = self._bounds(i)
        return StoredHistories(
            self.values[a:b],
            np.array([0, b - a]),
            self.stamps[a:b],
            self.columns,
            self.tz,
            self.unit,
            self.index_name,
        )

    # ---------------------------------------------------------------- reading
    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, i: int) -> pd.DataFrame: ...
    @overload
    def __getitem__(self, i: slice) -> list[pd.DataFrame]: ...
    def __getitem__(self, i: int | slice) -> pd.DataFrame | list[pd.DataFrame]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        a, b = self._bounds(i)
        # a copy: the arrays may be read-only views of the model file's bytes
        return pd.DataFrame(self.values[a:b].copy(), index=self._index(a, b), columns=list(self.columns))

    def __iter__(self) -> Iterator[pd.DataFrame]:
        return (self[i] for i in range(len(self)))

    def lengths(self) -> np.ndarray:
        """Rows stored per series (series,)."""
        return np.diff(self.offsets)

    def last_stamp(self) -> pd.Timestamp | int | None:
        """The latest last row over all series (None when every history is empty)."""
        ends = self.offsets[1:][self.lengths() > 0] - 1
        if len(ends) == 0:
            return None
        last = int(self.stamps[ends].max())
        return last if self.unit is None else self._as_index(np.array([last]))[0]

    def last_stamps(self) -> pd.Index:
        """Each series' last stamp (series,), in the histories' zone; every series has rows."""
        ends = self.offsets[1:] - 1
        if np.any(self.lengths() == 0):
            raise ValueError("a stored history has no rows")
        return self._as_index(self.stamps[ends])

    def all_stamps(self) -> pd.Index:
        """Every stored row's stamp (rows,), series after series, in the histories' zone."""
        return self._as_index(self.stamps)

    def summary(self) -> dict[str, Any]:
        """What ``info`` shows: series, rows, rows per series, the latest stamp."""
        last = self.last_stamp()
        return lengths_summary(self.lengths(), last.isoformat() if isinstance(last, pd.Timestamp) else last)

    # ---------------------------------------------------------------- persistence
    def to_arrays(self, prefix: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """(JSON metadata, arrays named ``prefix + history_*``)."""
        meta = {
            "columns": list(self.columns),
            "tz": self.tz,
            "unit": self.unit,
            "index_name": self.index_name,
            **self.summary(),
        }
        arrays = {
            prefix + "history_values": self.values,
            prefix + OFFSETS: self.offsets,
            prefix + "history_stamps": self.stamps,
        }
        return meta, arrays

    @classmethod
    def from_arrays(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray], prefix: str) -> StoredHistories:
        """Inverse of ``to_arrays``; inconsistent arrays are a ``ValueError``."""
        return cls(
            arrays[prefix + "history_values"],
            arrays[prefix + OFFSETS],
            arrays[prefix + "history_stamps"],
            [str(c) for c in meta["columns"]],
            meta["tz"],
            meta["unit"],
            meta.get("index_name"),
        )

    def _bounds(self, i: int) -> tuple[int, int]:
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"series {i} out of range for {n} histories")
        i %= n
        return int(self.offsets[i]), int(self.offsets[i + 1])

    def _index(self, a: int, b: int) -> pd.Index:
        return self._as_index(self.stamps[a:b].copy())

    def _as_index(self, stamps: np.ndarray) -> pd.Index:
        """Stored int64 stamps as the histories' index: steps, or timestamps in their zone."""
        if self.unit is None:
            return pd.Index(stamps, name=self.index_name)
        index = pd.DatetimeIndex(stamps.astype(f"M8[{self.unit}]"), name=self.index_name)
        return index.tz_localize("UTC").tz_convert(self.tz) if self.tz else index


def _stamps(index: pd.Index, unit: str | None) -> np.ndarray:
    """int64 stamps of ``index``: UTC counts of ``unit`` (zone-aware or naive), or steps."""
    if unit is None:
        if isinstance(index, pd.DatetimeIndex):
            raise ValueError("the histories mix timestamps and integer steps")
        return np.asarray(index, dtype=np.int64)
    if not isinstance(index, pd.DatetimeIndex):
        raise ValueError("the histories mix timestamps and integer steps")
    return index.as_unit(unit).asi8.copy()


def lengths_summary(lengths: np.ndarray, end: Any) -> dict[str, Any]:
    """``StoredHistories.summary`` of series of ``lengths`` (series,) ending at ``end`` (as
    written: ISO text, or a step number): what ``info`` shows of histories kept apart (a
    ``--local`` model's members and its short series) as of one."""
    return {
        "series": len(lengths),
        "rows": int(lengths.sum()),
        "rows_per_series": [int(lengths.min()), float(np.median(lengths)), int(lengths.max())],
        "end": end,
    }
