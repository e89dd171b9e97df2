"""Reading CSV from a path or ``-`` (stdin), and writing frames as CSV or JSON to a stream.

Table rendering is a terminal concern and lives in the CLI; here there is only data.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import IO, Any

import pandas as pd

from .errors import DataError, UsageError
from .outputs import atomic_write as atomic_write  # re-exported: the writers' one door


def read_csv(source: str | Path | IO[str]) -> pd.DataFrame:
    """Read a CSV from a path, ``-`` for stdin, or an open text stream.

    An empty input, a missing file and a file pandas cannot parse all become one-line
    ``DataError``s that name the source.
    """
    name = "stdin" if source == "-" else str(getattr(source, "name", source))
    try:
        if source == "-":
            text = sys.stdin.read()
            handle: Any = io.StringIO(text)
            if not text.strip():
                raise DataError("stdin is empty: pipe a CSV with a header row into the command")
        elif isinstance(source, (str, Path)):
            path = Path(source)
            if not path.exists():
                raise UsageError(f"{path}: no such file; check the path, or use - to read stdin")
            if path.is_dir():
                raise UsageError(f"{path} is a directory; give a CSV file")
            if path.stat().st_size == 0:
                raise DataError(f"{path} is empty: give a CSV with a header row and data rows")
            handle = path
        else:
            handle = source
        frame = pd.read_csv(handle)
    except pd.errors.EmptyDataError:
        raise DataError(f"{name} is empty: give a CSV with a header row and data rows") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{name} is not a readable CSV ({first}); check the delimiter and quoting") from None
    if frame.empty:
        raise DataError(f"{name} has a header but no data rows")
    return frame


def frame_to_csv(frame: pd.DataFrame, stream: IO[str]) -> None:
    """Write a frame as CSV with its index as the first column(s)."""
    frame.to_csv(stream, index=True, date_format=None, float_format="%.6g", lineterminator="\n")


def frame_to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts, index first, timestamps as ISO 8601 strings."""
    reset = frame.reset_index()
    records: list[dict[str, Any]] = []
    for row in reset.itertuples(index=False):
        records.append({col: _json_value(val) for col, val in zip(reset.columns, row, strict=True)})
    return records


def write_json(payload: Any, stream: IO[str]) -> None:
    """Write JSON with a trailing newline, so that shells and ``jq`` are happy."""
    json.dump(payload, stream, indent=2, default=_json_value, allow_nan=False)
    stream.write("\n")


def _json_value(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN is not valid JSON
        return None
    return value
