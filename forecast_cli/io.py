"""Reading CSV (plain or gzip, any common delimiter) from a path or ``-`` (stdin), and
writing frames as CSV or JSON to a stream.

Table rendering is a terminal concern and lives in the CLI; here there is only data.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pandas as pd

from .errors import DataError, UsageError
from .parse import looks_like_time
from .sniff import SAMPLE_BYTES, decimal_comma, delimiter_option, is_gzip, sniff_delimiter


def read_csv(
    source: str | Path | IO[str],
    *,
    delimiter: str | None = None,
    decimal: str = ".",
    thousands: str | None = None,
) -> pd.DataFrame:
    """Read a CSV from a path, ``-`` for stdin, or an open text stream.

    gzip-compressed input (a file or stdin) is read transparently. ``delimiter=None``
    detects the separator (``,`` ``;`` tab ``|``, see ``sniff``); ``decimal`` and
    ``thousands`` say how numbers are written. A text column of numbers with decimal
    commas read with ``decimal="."`` is refused, never read as text. An empty input, a
    missing file and a file pandas cannot parse all become one-line ``DataError``s that
    name the source.
    """
    name = "stdin" if source == "-" else str(getattr(source, "name", source))
    delimiter = delimiter_option(delimiter)
    if decimal in (delimiter, thousands):
        raise UsageError(f"--decimal {decimal!r} cannot also be the delimiter or the thousands separator")
    compression = None
    try:
        if source == "-" or not isinstance(source, (str, Path)):
            text = _read_all(sys.stdin if source == "-" else source, name)
            if not text.strip():
                if source == "-":
                    raise DataError("stdin is empty: pipe a CSV with a header row into the command")
                raise DataError(f"{name} is empty: give a CSV with a header row and data rows")
            handle: Any = io.StringIO(text)
            sample = _whole_lines(text[:SAMPLE_BYTES], complete=len(text) <= SAMPLE_BYTES)
        else:
            path = Path(source)
            if not path.exists():
                raise UsageError(f"{path}: no such file; check the path, or use - to read stdin")
            if path.is_dir():
                raise UsageError(f"{path} is a directory; give a CSV file")
            if path.stat().st_size == 0:
                raise DataError(f"{path} is empty: give a CSV with a header row and data rows")
            with path.open("rb") as raw:
                compression = "gzip" if is_gzip(raw.read(2)) else None
            opener = gzip.open if compression else open
            with opener(path, "rt", encoding="utf-8-sig", errors="replace") as head:
                sample = head.read(SAMPLE_BYTES)
                sample = _whole_lines(sample, complete=not head.read(1))
            handle = path
        sep = delimiter or sniff_delimiter(sample)
        # pandas strips a thousands separator from any column, dates too (01.02.2024 ->
        # 1022024): keep columns that look like time as text.
        dtype = _time_columns(sample, sep) if thousands is not None else None
        frame = pd.read_csv(
            handle,
            sep=sep,
            decimal=decimal,
            thousands=thousands,
            dtype=dtype,
            compression=compression,
            encoding="utf-8-sig",
        )
    except pd.errors.EmptyDataError:
        raise DataError(f"{name} is empty: give a CSV with a header row and data rows") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(
            f"{name} is not a readable CSV ({first}); check the quoting, or give --delimiter"
        ) from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise DataError(
            f"{name} is not a readable gzip file ({exc or 'cut short'}); check the file"
        ) from None
    if frame.empty:
        raise DataError(f"{name} has a header but no data rows")
    if decimal == "." and thousands is None and (found := decimal_comma(frame)) is not None:
        column, row, value = found
        raise DataError(
            f"column {column!r} holds numbers with a decimal comma ({value!r} on data row {row + 1}); "
            "give --decimal , (or --thousands , if the comma separates thousands)"
        )
    return frame


def _whole_lines(sample: str, complete: bool) -> str:
    """The first lines of an input without a last line that the sample cut short."""
    return sample if complete or "\n" not in sample else sample[: sample.rfind("\n") + 1]


def _time_columns(sample: str, sep: str) -> dict[str, type]:
    head = pd.read_csv(io.StringIO(sample.lstrip("\ufeff")), sep=sep, dtype=str, nrows=200)
    return {str(c): str for c in head.columns if looks_like_time(head[c])}


def _read_all(stream: Any, name: str) -> str:
    """The whole of a stream as text, gunzipped when it starts with gzip's magic bytes."""
    data = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
    if isinstance(data, str):
        return data
    if is_gzip(data):
        try:
            data = gzip.decompress(data)
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise DataError(f"{name} is not a readable gzip stream ({exc or 'cut short'})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{name} is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"
        ) from None


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
