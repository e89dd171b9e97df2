"""Values of known-future columns over the forecast steps, read from ``--future-data``.

The file has the training data's time column (and id column for a panel) and the
``--future-features`` columns. A forecast step without a value is refused, naming the
series and the first missing timestamps: a guessed temperature or price would be a
silent, wrong input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .cell_numbers import parse_numbers
from .errors import DataError, UsageError
from .parse import parse_times, step_numbers
from .series import resolve_time_column
from .stamps import readable


@dataclass(frozen=True)
class FutureTable:
    """Known-future values per series id, indexed by timestamp (or by step number, for a
    model of integer steps); ``""`` holds the rows of a file without an id column (a single
    series, or a wide table's columns shared by every series)."""

    frames: dict[str, pd.DataFrame]
    source: str = "--future-data"

    def block(self, name: str, index: pd.Index, columns: Sequence[str]) -> np.ndarray:
        """``columns`` at the stamps of ``index`` for series ``name``: (len(index), len(columns))."""
        frame = self.frames.get(name, self.frames.get(""))
        label = f"series {name!r}" if name else "the series"
        if frame is None:
            raise DataError(f"{self.source} has no rows for {label}; add its future values")
        numbered = not isinstance(index, pd.DatetimeIndex)  # a model of integer steps
        if numbered == isinstance(frame.index, pd.DatetimeIndex):
            has, wants = ("timestamps", "step numbers") if numbered else ("step numbers", "timestamps")
            raise DataError(
                f"{self.source} has {has} but the model's series have {wants}; "
                "give the future rows the same time column as the training data"
            )
        stamps = index if numbered else _comparable(pd.DatetimeIndex(index), frame.index)
        values = frame.reindex(stamps)[list(columns)].to_numpy(dtype=np.float64)  # (steps, columns)
        missing = np.isnan(values).any(axis=1)
        if missing.any():
            first = ", ".join(str(t) if numbered else readable(t) for t in index[missing][:3])
            cols = ", ".join(c for c, bad in zip(columns, np.isnan(values).any(axis=0), strict=True) if bad)
            raise DataError(
                f"{self.source} lacks {cols} for {label} at {first}"
                f"{' ...' if missing.sum() > 3 else ''} ({int(missing.sum())} of {len(index)} forecast steps); "
                "give a value for every forecast step"
            )
        return values


def read_future(
    raw: pd.DataFrame,
    columns: Sequence[str],
    id_col: str | None,
    time_col: str | None,
    time_format: str | None = None,
    source: str = "--future-data",
    numbers: tuple[str, str | None] = (".", None),
) -> FutureTable:
    """Split a table of future rows into per-series frames of ``columns`` by timestamp;
    ``numbers``: the file's decimal mark and thousands separator."""
    raw = raw.rename(columns=lambda c: str(c).strip())
    needed = [c for c in (id_col, *columns) if c]
    absent = [c for c in needed if c not in raw.columns]
    if absent:
        raise UsageError(
            f"{source} has no column {', '.join(absent)}; it needs the time column, "
            f"{'the id column, ' if id_col else ''}and {', '.join(columns)}"
        )
    time_name = resolve_time_column(raw, time_col, time_format)
    if time_name is None:
        raise UsageError(f"{source} has no time column; give the same timestamps column as the training data")
    column = raw[time_name]
    if step_numbers(column, time_format):
        times = pd.Index(column.to_numpy(dtype=np.int64), name="step")
    else:
        times = parse_times(column, time_name, time_format).index
    data = pd.DataFrame({c: parse_numbers(raw[c], c, *numbers).to_numpy() for c in columns}, index=times)
    keys = raw[id_col].astype(str).to_numpy() if id_col else np.full(len(raw), "", dtype=object)
    frames = {}
    for key in dict.fromkeys(keys):
        part = data[keys == key]
        _refuse_conflicts(part, str(key) if id_col else "", source)
        frames[str(key)] = part[~part.index.duplicated(keep="last")]
    return FutureTable(frames, source)


def _refuse_conflicts(part: pd.DataFrame, key: str, source: str) -> None:
    """Rows repeated with the same values are one row; rows of one timestamp that disagree
    (promo 1, then 0) are an error: which one the forecast should believe is not ours to pick."""
    repeated = part[part.index.duplicated(keep=False)]
    if repeated.empty:
        return
    differ = repeated.groupby(level=0, sort=False).nunique(dropna=False).gt(1).any(axis=1)
    if differ.any():
        first = differ.index[np.flatnonzero(differ.to_numpy())[0]]
        stamp = readable(first) if isinstance(first, pd.Timestamp) else f"step {first}"
        where = f"series {key!r} at " if key else ""
        raise DataError(
            f"{source} gives {where}{stamp} twice with different values ({differ.sum()} such timestamp(s)); "
            "keep one row per timestamp"
        )


def _comparable(wanted: pd.DatetimeIndex, have: pd.Index) -> pd.DatetimeIndex:
    """``wanted`` in the time-zone convention of ``have`` (aware vs naive local stamps)."""
    have_tz = getattr(have, "tz", None)
    if wanted.tz is not None and have_tz is None:
        return wanted.tz_localize(None)
    if wanted.tz is None and have_tz is not None:
        return wanted.tz_localize(have_tz)
    if wanted.tz is not None and have_tz is not None:
        return wanted.tz_convert(have_tz)
    return wanted
