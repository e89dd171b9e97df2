"""Writing frames as CSV, JSON or JSON lines, so that what is written reads back unchanged.

Written numbers read back as the same float64 (the shortest text that does: ``repr``),
never rounded; NaN is an empty CSV field or JSON ``null``. Timestamps are ISO 8601 and
keep their UTC offset (a Berlin series comes back as ``2024-03-31T03:00:00+02:00``);
naive ones stay naive. Table rendering, where rounding for the eye is fine, is a
terminal concern and lives in the CLI; here there is only data.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from typing import IO, Any

import numpy as np
import pandas as pd


def frame_to_csv(frame: pd.DataFrame, stream: IO[str]) -> None:
    """Write a frame as CSV with its index as the first column(s).

    Floats as ``repr`` (exact), NaN as an empty field; timestamps as ISO 8601 with their
    offset, or as bare dates when a naive column is all midnights (monthly, daily data).
    """
    text = frame.copy(deep=False)
    for i in range(text.shape[1]):
        text.isetitem(i, _csv_column(frame.iloc[:, i]))
    text.index = _csv_index(frame.index)
    text.to_csv(stream, index=True, na_rep="", lineterminator="\n")


def frame_to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts, index first: exact floats (NaN and infinities as None),
    timestamps as ISO 8601 strings with their offset.

    A timestamp column is written as CSV writes it (``format_timestamps``): one precision
    for the whole column, and bare dates when a naive column is all midnights. Each stamp
    on its own wrote ``00:02:30`` beside ``00:02:30.500000``, which ``pd.to_datetime``
    cannot read as one column, and monthly steps as ``T00:00:00`` where CSV says dates.
    """
    reset = frame.reset_index()
    for i in range(reset.shape[1]):
        stamps = _stamp_texts(reset.iloc[:, i])
        if stamps is not None:
            reset.isetitem(i, pd.Series(stamps, index=reset.index, dtype=object))
    columns = [str(c) for c in reset.columns]
    return [
        {col: _json_value(val) for col, val in zip(columns, row, strict=True)}
        for row in reset.itertuples(index=False, name=None)
    ]


def write_json(payload: Any, stream: IO[str]) -> None:
    """Write JSON with a trailing newline, so that shells and ``jq`` are happy.

    Non-finite floats anywhere in ``payload`` become ``null``: JSON has no NaN or Infinity.
    """
    json.dump(_jsonable(payload), stream, indent=2, allow_nan=False)
    stream.write("\n")


def write_jsonl(rows: pd.DataFrame | Iterable[Mapping[str, Any]], stream: IO[str]) -> None:
    """Write one compact JSON object per line (JSON Lines): a frame's rows as
    ``frame_to_records`` gives them, or any iterable of mappings, streamed as they come."""
    records = frame_to_records(rows) if isinstance(rows, pd.DataFrame) else rows
    for record in records:
        stream.write(json.dumps(_jsonable(record), separators=(",", ":"), allow_nan=False))
        stream.write("\n")


def format_float(value: float) -> str:
    """The shortest text that reads back as the same float64 (Python's ``repr``); '' for NaN."""
    value = float(value)
    return "" if value != value else repr(value)


def format_timestamps(values: pd.DatetimeIndex | pd.Series) -> list[str]:
    """ISO 8601 text for each timestamp, '' for NaT.

    Aware timestamps keep their own offset (``+01:00`` in winter, ``+02:00`` in summer);
    naive ones get none, and when all are midnight they are written as dates alone.
    Offsets with seconds (local mean time, Amsterdam's +00:19:32 until 1937) have no
    ISO 8601 spelling and pandas cannot read them back, so those stamps are written in
    UTC: the instant survives, the wall clock of 1920 does not.
    """
    index = pd.DatetimeIndex(values)
    present = index[index.notna()]
    dates_only = index.tz is None and len(present) > 0 and bool((present == present.normalize()).all())
    if dates_only:
        # ``date().isoformat()``: strftime's %Y drops a year's leading zeros (0035 as 35)
        return ["" if t is pd.NaT else t.date().isoformat() for t in index]
    spec = _finest(present)
    return ["" if t is pd.NaT else _iso(t, spec) for t in index]


def _finest(stamps: pd.DatetimeIndex) -> str:
    """The ``timespec`` every stamp of a column is written with: the finest any of them
    needs, so 500-millisecond steps read ``00:01:12.500`` and ``00:01:13.000`` alike (one
    format a reader can be given; ``00:01:13`` beside ``00:01:12.500000`` broke
    ``pd.to_datetime`` without ``format='ISO8601'``)."""
    if stamps.nanosecond.any():
        return "nanoseconds"
    micro = stamps.microsecond
    if not micro.any():
        return "seconds"
    return "microseconds" if (micro % 1000).any() else "milliseconds"


def _iso(stamp: pd.Timestamp, spec: str = "auto") -> str:
    offset = stamp.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        stamp = stamp.tz_convert("UTC")
    return stamp.isoformat(timespec=spec)


def _csv_column(column: pd.Series) -> Any:
    kind = column.dtype.kind
    if kind == "f":
        return [format_float(v) for v in column.to_numpy(dtype=np.float64, na_value=np.nan).tolist()]
    if kind == "M":
        return format_timestamps(column)
    if kind == "O" and len(column) and all(isinstance(v, pd.Timestamp) for v in column):
        # stamps of several zones (Tokyo's and New York's bars in one fetch) share no
        # dtype: each is written as the others are, ISO 8601 with its own offset
        return [_iso(v) for v in column]
    return column


def _csv_index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        levels = [_csv_index(index.get_level_values(i)) for i in range(index.nlevels)]
        return pd.MultiIndex.from_arrays(levels, names=index.names)
    if index.dtype.kind in "fMO":
        return pd.Index(_csv_column(pd.Series(index)), name=index.name, dtype=object)
    return index


def _stamp_texts(column: pd.Series) -> list[str | None] | None:
    """A timestamp column as ``frame_to_csv`` writes it, None (JSON null) for NaT; None for
    a column of anything else."""
    texts = _csv_column(column) if column.dtype.kind in "MO" else column
    if texts is column:
        return None
    return [t or None for t in texts]


def _jsonable(value: Any) -> Any:
    """``value`` with every leaf made JSON-ready (see ``_json_value``), containers rebuilt."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    return _json_value(value)


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        stamp = pd.Timestamp(value)
        return None if stamp is pd.NaT else stamp.isoformat()
    if isinstance(value, np.generic):  # numpy scalar: a Python int, float or bool
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
