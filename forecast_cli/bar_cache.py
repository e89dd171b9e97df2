"""The local cache of downloaded bars: one file per (symbol, interval, adjusted)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from .dialect import EXACT_FLOATS
from .io import atomic_write

CACHE_ENV = "FORECAST_CACHE_DIR"


def default_cache_dir() -> Path:
    """``$FORECAST_CACHE_DIR``, else the platform's user cache folder."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("forecast-cli")) / "yfinance"


class BarCache:
    """One file per (symbol, interval, adjusted): a ``# forecast-cache {json}`` line, then the
    bars as CSV, replaced in one atomic rename.

    The JSON records the [start, end) range that has been fetched, so gaps are known even
    where the market was closed and there are no rows. Range and rows live in one file so
    that two processes writing the same symbol (two runs, or Dask workers) can never leave
    one's rows beside the other's range: each writer renames a complete file of its own
    over the old one, the last rename wins, and a reader sees one writer's file whole.
    A cache written by earlier versions (rows in ``.csv``, range in a ``.json`` sidecar)
    is still read, and rewritten in the one-file form on the next download.
    """

    MARK = "# forecast-cache "

    def __init__(self, root: Path, symbol: str, interval: str, adjusted: bool):
        self.folder = root
        stem = f"{symbol.replace('^', '_')}_{interval}{'_adj' if adjusted else ''}"
        self.data_path, self.legacy_meta_path = root / f"{stem}.csv", root / f"{stem}.json"

    def load(self) -> tuple[pd.DataFrame | None, dict]:
        try:
            with open(self.data_path, encoding="utf-8") as handle:
                first = handle.readline()
                if first.startswith(self.MARK):
                    meta = json.loads(first[len(self.MARK) :])
                else:  # the two-file form: the range is in the sidecar
                    meta = json.loads(self.legacy_meta_path.read_text())
                    handle.seek(0)
                frame = pd.read_csv(handle, index_col="timestamp", **EXACT_FLOATS)
            _check_range(meta)
            frame.index = pd.DatetimeIndex(
                pd.to_datetime(frame.index, utc=bool(meta.get("intraday")), format="ISO8601")
            )
            if meta.get("intraday") and meta.get("exchange_tz"):
                frame.index = frame.index.tz_convert(meta["exchange_tz"])
            frame.index.name = "timestamp"
            return frame, meta
        except FileNotFoundError:
            return None, {}
        except (OSError, ValueError, KeyError, TypeError):
            return None, {}  # a damaged cache is refetched, not trusted

    def missing(
        self, begin: pd.Timestamp, stop: pd.Timestamp, meta: dict
    ) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
        if not meta:
            return [(begin, stop)]
        have_start, have_end = pd.Timestamp(meta["start"]), pd.Timestamp(meta["end"])
        gaps = []
        if begin < have_start:
            gaps.append((begin, have_start))
        if stop > have_end:
            gaps.append((max(have_end, begin), stop))
        return gaps

    def save(self, frame: pd.DataFrame, begin: pd.Timestamp, stop: pd.Timestamp, meta: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        start = min(begin, pd.Timestamp(meta["start"])) if meta.get("start") else begin
        end = max(stop, pd.Timestamp(meta["end"])) if meta.get("end") else stop
        intraday = frame.index.tz is not None
        meta = {
            **meta,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "intraday": intraday,
            "fetched": pd.Timestamp.now(tz="UTC").isoformat(),
        }
        with atomic_write(self.data_path, encoding="utf-8") as handle:
            handle.write(self.MARK + json.dumps(meta) + "\n")
            frame.to_csv(handle, date_format="%Y-%m-%dT%H:%M:%S%z" if intraday else "%Y-%m-%d")
        self.legacy_meta_path.unlink(missing_ok=True)


def _check_range(meta: dict) -> None:
    """Raise ValueError unless ``meta`` holds the fetched range as ``save`` writes it: a
    zoned ``start`` before a zoned ``end``, and ``fetched`` (if any) as text. A file edited
    or cut by hand (no start, a date that is no date, a naive one) is damaged: it is
    refetched, where comparing with it failed as a bug (exit 1)."""
    if not isinstance(meta, dict):
        raise ValueError("cache metadata is not an object")
    start, end = pd.Timestamp(meta["start"]), pd.Timestamp(meta["end"])
    if start.tzinfo is None or end.tzinfo is None or not start < end:
        raise ValueError("cache range is not a zoned [start, end)")
    if not isinstance(meta.get("fetched", ""), str):
        raise ValueError("cache fetch time is not text")
