"""Reading CSV from a path or ``-`` (stdin), and writing frames as CSV or JSON to a stream.

Table rendering is a terminal concern and lives in the CLI; here there is only data.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pandas as pd

from .dialect import GZIP_ERRORS, head_of, peek, read_options, read_text, refuse_decimal_commas
from .errors import DataError, UsageError


def read_csv(
    source: str | Path | IO[str],
    *,
    delimiter: str | None = None,
    decimal: str = ".",
    thousands: str | None = None,
) -> pd.DataFrame:
    """Read a CSV from a path, ``-`` for stdin, or an open text stream.

    gzip input (a file or stdin) is read transparently. ``delimiter=None`` detects the
    separator (``,`` ``;`` tab ``|``); ``decimal`` and ``thousands`` say how numbers are
    written, and a text column of decimal-comma numbers read with ``decimal="."`` is
    refused (see ``dialect``). An empty input, a missing file and a file pandas cannot
    parse all become one-line ``DataError``s that name the source.
    """
    name = "stdin" if source == "-" else str(getattr(source, "name", source))
    try:
        if source == "-" or not isinstance(source, (str, Path)):
            text = read_text(sys.stdin if isinstance(source, (str, Path)) else source, name)
            if not text.strip() and source == "-":
                raise DataError("stdin is empty: pipe a CSV with a header row into the command")
            handle: Any = io.StringIO(text)
            compression, sample = None, head_of(text)
        else:
            path = Path(source)
            if not path.exists():
                raise UsageError(f"{path}: no such file; check the path, or use - to read stdin")
            if path.is_dir():
                raise UsageError(f"{path} is a directory; give a CSV file")
            if path.stat().st_size == 0:
                raise DataError(f"{path} is empty: give a CSV with a header row and data rows")
            handle = path
            compression, sample = peek(path)
        options = read_options(sample, delimiter, decimal, thousands)
        frame = pd.read_csv(handle, compression=compression, encoding="utf-8-sig", **options)
    except pd.errors.EmptyDataError:
        raise DataError(f"{name} is empty: give a CSV with a header row and data rows") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(
            f"{name} is not a readable CSV ({first}); check the quoting, or give --delimiter"
        ) from None
    except GZIP_ERRORS as exc:
        raise DataError(f"{name} is not a readable gzip file ({exc or 'cut short'})") from None
    if frame.empty:
        raise DataError(f"{name} has a header but no data rows")
    refuse_decimal_commas(frame, decimal, thousands, name)
    return frame


@contextmanager
def atomic_write(path: str | Path, mode: str = "w", **open_kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success fsync it and rename it over ``path``.

    An interrupted or failed write leaves the old file (or none) and no temporary behind,
    never a truncated file where a good one stood. The temporary name is unique, so two
    runs writing the same path do not trample each other's half-written files.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **open_kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
