"""A long panel's clean series built from whole-table arrays, without per-series pandas work.

Why: ``series.prepare_series`` costs milliseconds per series (timestamp parsing, a
resample, frequency inference), which made a 10,000-series panel take over a minute
to load. Here the time column is parsed once, the rows are sorted once by (series,
time), and numpy over each series' slice finds its step, duplicates, NaNs, non-numeric
or infinite values and constant targets. Series that need nothing done (no duplicates,
gaps or missing values) are grouped by what decides their grid: one step
for all rows (same step, weekend rows or not, first weekday, midnights), or exactly
the same timestamps. One series of each group, its *representative*, goes through
``prepare_series`` itself; when that returns the rows unchanged, the other members of
the group are built directly on the same grid. A given --freq goes through the same test:
the data's own step (as ``predict`` always gives) leaves the representative unchanged,
and a step that regrids it sends its group to the per-series path. Every other series (and any group whose
representative was changed or refused) is left to ``prepare_series``, in the panel's
order, so its errors and repairs are exactly those of the per-series path.

Static columns (--static-cols) are checked here too, over the whole table: a value per
row, compared as text, instead of a Python call per series.
"""

from __future__ import annotations

import dataclasses
import functools
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .config import DataConfig
from .errors import DataError, UsageError
from .panel_grids import group_keys
from .series import prepare_series
from .series_record import Series
from .stamps import readable

ENABLED = True  # False sends every series through prepare_series (tests compare the two paths)


@dataclass
class Split:
    """The ``wanted`` series: ``ready[i]`` built here, the rest read by ``rows`` for the
    per-series path (the table's rows of series ``i`` in file order, row labels kept)."""

    table: pd.DataFrame
    order: np.ndarray  # table positions grouped by series code, file order within one
    starts: np.ndarray  # (codes + 1,) offsets into ``order``
    codes: np.ndarray  # code of each wanted series
    ready: dict[int, Series] = field(default_factory=dict)

    def rows(self, i: int) -> pd.DataFrame:
        c = self.codes[i]
        return self.table.iloc[np.sort(self.order[self.starts[c] : self.starts[c + 1]])]


def split_panel(
    table: pd.DataFrame, codes: np.ndarray, n_codes: int, wanted_codes: list[int], cfg: DataConfig
) -> Split:
    """Group ``table``'s rows by series (``codes``, from ``pd.factorize``) and build the
    clean series among ``wanted_codes`` (see the module docstring); ``cfg`` is the member
    config (time column and target resolved, no id column)."""
    counts = np.bincount(codes, minlength=n_codes)
    starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    split = Split(table, np.argsort(codes, kind="stable"), starts, np.asarray(wanted_codes, dtype=np.int64))
    if not ENABLED:
        return split
    columns = [str(cfg.target), *cfg.features, *cfg.future_features]
    unread = not table.columns.is_unique or len(set(columns)) < len(columns)
    if unread or any(c not in table.columns for c in columns):
        return split  # a config error: prepare_series words it
    stamps = _stamps(table, cfg.time_col)
    if stamps is False:
        return split
    values = np.column_stack([_numbers(table[c]) for c in columns])  # (rows, 1 + features)
    bad = np.bincount(codes, weights=~np.isfinite(values).all(axis=1), minlength=n_codes) > 0
    t, unit = None, ""
    if isinstance(stamps, tuple):
        split.order = _sorted_within(split.order, codes, stamps[0], starts)
        t, unit = stamps[0][split.order], stamps[1]
    values = values[split.order]
    keys = group_keys(t, unit, values[:, 0], starts, bad)
    _build(split, values, t, unit, keys, cfg)
    return split


def factorize_ids(keys: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(code of each row, ids in order of first appearance), as ``pd.factorize``; when
    the rows of one series are together, only the first row of each run is hashed."""
    values = keys.to_numpy()
    heads = np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))
    if len(heads) > len(values) // 4:
        codes, uniques = pd.factorize(values)
        return codes, list(uniques)
    run_codes, uniques = pd.factorize(values[heads])
    return np.repeat(run_codes, np.diff(np.append(heads, len(values)))), list(uniques)


def _stamps(table: pd.DataFrame, time_col: str | None) -> tuple[np.ndarray, str] | None | bool:
    """The time column as int64 in one unit for the whole table, None for integer steps,
    False when it is not read here (text that is not tz-naive ISO 8601, or empty cells)."""
    if not time_col:
        return None
    column = table[time_col]
    if pd.api.types.is_datetime64_any_dtype(column):
        index = pd.DatetimeIndex(column)
        if index.tz is not None or index.hasnans:
            return False
        return index.asi8, index.unit
    if not pd.api.types.is_string_dtype(column):
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            index = pd.DatetimeIndex(pd.to_datetime(column, format="ISO8601"))
    except (ValueError, TypeError):
        return False
    # Offsets are read per series (one zone each); a finer unit than a plain date's could
    # differ from series to series.
    if index.tz is not None or index.hasnans or index.unit != _plain_unit():
        return False
    return index.asi8, index.unit


@functools.cache
def _plain_unit() -> str:
    """The unit pandas gives a date-only ISO 8601 string."""
    return pd.DatetimeIndex(pd.to_datetime(pd.Series(["2000-01-01"]), format="ISO8601")).unit


def _numbers(column: pd.Series) -> np.ndarray:
    """A column as float64 as ``cell_numbers.parse_numbers`` reads it; what it would refuse is NaN."""
    if pd.api.types.is_numeric_dtype(column):
        return column.astype(np.float64).to_numpy()
    return pd.to_numeric(column, errors="coerce").astype(np.float64).to_numpy()


def _sorted_within(order: np.ndarray, codes: np.ndarray, t: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``order`` with each series' rows by time (ties in file order, as a stable sort)."""
    ts = t[order]
    back = np.flatnonzero(np.diff(ts) < 0)
    if np.isin(back + 1, starts).all():  # time only falls where a new series starts
        return order
    return np.lexsort((t, codes))


def _build(
    split: Split, values: np.ndarray, t: np.ndarray | None, unit: str, keys: list, cfg: DataConfig
) -> None:
    """Run each group's representative through ``prepare_series``; when it comes back
    unchanged, build the group's other wanted series on the same kind of grid."""
    reps: dict[tuple, tuple[Series, np.ndarray | None] | None] = {}
    grids: dict[tuple, tuple[pd.Index, str, str]] = {}
    spans: dict[tuple, list[int]] = {}  # key -> [first stamp, last stamp, rows] over its series
    for c in split.codes.tolist():
        if t is not None and keys[c] is not None and keys[c][0] != "exact":
            a, b = int(split.starts[c]), int(split.starts[c + 1])
            span = spans.setdefault(keys[c], [int(t[a]), int(t[b - 1]), 0])
            span[:] = [min(span[0], int(t[a])), max(span[1], int(t[b - 1])), span[2] + b - a]
    for i, c in enumerate(split.codes.tolist()):
        key = keys[c]
        if key is None:
            continue
        a, b = int(split.starts[c]), int(split.starts[c + 1])
        block, stamps = values[a:b], None if t is None else t[a:b]
        if key not in reps:
            series = _representative(split.rows(i), cfg, block, stamps, unit)
            reps[key] = None if series is None else (series, stamps)
        entry = reps[key]
        if entry is None:
            continue
        rep, rep_stamps = entry
        grid = _grid(rep, key, b - a, stamps, rep_stamps, unit, grids, spans.get(key))
        if grid is None:
            continue
        index, start, end = grid
        report = dataclasses.replace(rep.report, rows_read=b - a, rows=b - a, start=start, end=end)
        frame = pd.DataFrame(block, index=index, columns=rep.frame.columns, copy=False)
        split.ready[i] = Series(frame, rep.target, rep.features, rep.freq, report)


def _representative(
    rows: pd.DataFrame, cfg: DataConfig, block: np.ndarray, stamps: np.ndarray | None, unit: str
) -> Series | None:
    """``prepare_series`` of a group's first series, or None unless it kept every row as read."""
    try:
        series = prepare_series(rows, cfg)
    except (DataError, UsageError):
        return None  # the per-series path raises it again, in the panel's order
    r, index = series.report, series.frame.index
    unchanged = (
        r.duplicates_merged == r.gaps_filled == r.nans_filled == r.rows_dropped == 0
        and not r.note
        and r.rows_read == r.rows == len(block)
        and np.array_equal(series.values, block)
    )
    if stamps is None:
        unchanged = unchanged and index.equals(pd.RangeIndex(len(block)))
    else:
        unchanged = unchanged and index.unit == unit and np.array_equal(index.asi8, stamps)
    return series if unchanged else None


def _grid(
    rep: Series,
    key: tuple,
    n: int,
    stamps: np.ndarray | None,
    rep_stamps: np.ndarray | None,
    unit: str,
    grids: dict[tuple, tuple[pd.Index, str, str]],
    span: list[int] | None,
) -> tuple[pd.Index, str, str] | None:
    """(index, first and last stamp as the report writes them) of a series of ``rep``'s
    group, as ``regularise`` would make it; None when it does not match the stamps.

    A group's grid is made once over all its series' span and sliced (a slice keeps the
    index's freq): ``date_range`` steps through calendar offsets in Python, per row."""
    index = rep.frame.index
    if stamps is None:  # integer steps: the rows in file order
        if ("steps", n) not in grids:
            grids["steps", n] = (pd.RangeIndex(n, name=index.name), "0", str(n - 1))
        return grids["steps", n]
    if key[0] == "exact":
        same = rep_stamps is not None and np.array_equal(stamps, rep_stamps)
        return (index, rep.report.start, rep.report.end) if same else None
    at = (key, int(stamps[0]), n)
    if at not in grids:
        whole = grids.get((key,))
        if (
            whole is None
            and span is not None
            and (span[1] - span[0]) // _shortest_step(key, unit) < 4 * span[2]
        ):
            whole = grids[(key,)] = (_dates(span[0], index, unit, end=span[1]), "", "")
        grid = None
        if whole is not None:
            start = int(np.searchsorted(whole[0].asi8, stamps[0]))
            grid = whole[0][start : start + n]
        if grid is None or not np.array_equal(grid.asi8, stamps):  # no shared grid, or another phase
            grid = _dates(int(stamps[0]), index, unit, periods=n)
        if not np.array_equal(grid.asi8, stamps):
            return None
        grids[at] = (grid, readable(grid[0]), readable(grid[-1]))
    return grids[at]


def _shortest_step(key: tuple, unit: str) -> int:
    """The shortest step of a ``tick``, ``days`` or ``months`` group, in ``unit``."""
    if key[0] != "months":
        return max(int(key[1]), 1)
    return int(np.timedelta64(28 * key[1], "D").astype(f"m8[{unit}]").astype(np.int64))


def _dates(start: int, like: pd.DatetimeIndex, unit: str, **extent) -> pd.DatetimeIndex:
    """``like``'s kind of grid (freq, name) from ``start`` (int64 in ``unit``)."""
    first = pd.Timestamp(start, unit=unit)
    if "end" in extent:
        extent["end"] = pd.Timestamp(extent["end"], unit=unit)
    return pd.date_range(first, freq=like.freq, unit=unit, name=like.name, **extent)


def static_values(
    raw: pd.DataFrame, id_col: str, codes: np.ndarray, wanted: list[str], columns: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    """Each static column's one value per series (as text), refusing a column that is
    missing, empty for a series, or changes within one. ``codes[row]`` numbers the series
    of a row as its place in ``wanted`` (-1: not wanted); values are compared as text."""
    out = {}
    for col in columns:
        if col not in raw.columns or col == id_col:
            raise UsageError(
                f"--static-cols names {col!r}, which is not a column besides the id; columns: "
                f"{', '.join(map(str, raw.columns))}"
            )
        column = raw[col]
        present = column.notna().to_numpy() & (codes >= 0)
        row_text, texts = pd.factorize(column[present].astype(str))  # 1 and 1.0 differ as text
        width = max(len(texts), 1)
        pairs = np.unique(codes[present] * width + row_text)  # (series, text) seen
        count = np.bincount(pairs // width, minlength=len(wanted))
        only = np.zeros(len(wanted), dtype=np.int64)
        only[pairs // width] = pairs % width
        for i, key in enumerate(wanted):
            if count[i] != 1:
                seen = sorted(set(column[codes == i].dropna().astype(str)))
                what = "has no value" if not seen else f"changes ({', '.join(seen[:3])})"
                raise DataError(
                    f"static column {col!r} {what} in series {key!r}; a static column holds one value per series"
                )
        out[col] = tuple(str(texts[j]) for j in only)
    return out


def wanted_places(codes: np.ndarray, count: int, wanted_codes: list[int]) -> np.ndarray:
    """Each row's place in the wanted series, -1 for rows of series left out."""
    place = np.full(count, -1, dtype=np.int64)
    place[wanted_codes] = np.arange(len(wanted_codes))
    return place[codes]
