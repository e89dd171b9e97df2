"""Turn a raw table into one regular series: pick the columns, parse time and numbers,
sort, merge duplicates, infer or apply the step, fill gaps, and say what was done.

The result is a ``Series`` (``series_record``): a frame indexed by timestamp (or integer
step) with the target first and the feature columns after it, its frequency string (see
``calendars``), and a ``LoadReport`` whose ``line()`` goes to stderr so that users
never have to guess what the tool did to their data. The work is done by
``data_columns`` (which columns), ``parse`` (timestamps and numbers), ``frequency``
(the step) and ``regularise`` (the grid and the gaps); this module only decides the order.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from .cell_numbers import parse_numbers
from .clock_bins import combined_note
from .clock_changes import clock_change_note
from .clock_columns import joined_date_and_clock
from .config import DEFAULT_AGG, DEFAULT_FILL, DataConfig
from .data_columns import refuse_feature_flags, resolve_target, resolve_time_column, time_index_as_column
from .errors import DataError, FreqWithoutDates, OneTimestamp
from .exchange_days import closures_of
from .exchange_detection import exchange_freqs, on_exchange_clock
from .fill_guards import check_invented, closed_weekdays, dropped_grid_note
from .frequency import choose_frequency, infer_frequency
from .io import read_data
from .number_times import compact_dates, step_numbers
from .parse import parse_times
from .regularise import aggregation, fill_missing, regularise
from .series_record import LoadReport, Series
from .stamps import readable
from .summed_periods import SummedRows, filled_note, rows_to_sum, split_marks, sums_into_coarser
from .weekday_grids import one_weekday

__all__ = ["load_series", "prepare_series"]


def load_series(source: str | Path | IO[str], cfg: DataConfig) -> Series:
    """Read a CSV (a path, ``-`` for stdin, or a stream) with ``cfg``'s reading options
    (delimiter, decimal mark, thousands separator) and prepare it."""
    raw = read_data(source, cfg)
    return prepare_series(raw, cfg)


def prepare_series(
    raw: pd.DataFrame, cfg: DataConfig, least_rows: int = 2, least_kept: int | None = None
) -> Series:
    """Validate and regularise ``raw`` according to ``cfg`` (see module docstring).

    ``least_rows``: a series alone needs two rows to forecast from; a panel's member of
    one timestamp, put on the step the others share, is forecast by its last value.
    ``least_kept``: the rows it needs after cleaning (default ``least_rows``): a panel
    keeps a member that a --freq combined into one row, for later stages to leave out."""
    kept = least_rows if least_kept is None else least_kept
    raw = time_index_as_column(raw, cfg.time_col)
    raw = joined_date_and_clock(raw.rename(columns=lambda c: str(c).strip()), cfg.time_col)
    time_col = resolve_time_column(raw, cfg.time_col, cfg.time_format)
    known = tuple(cfg.future_features)
    target = resolve_target(raw, cfg.target, time_col, (*cfg.features, *known))
    refuse_feature_flags(raw, target, cfg.features, known)
    features = (*cfg.features, *known)  # known-future columns last
    columns = [target, *features]
    data = pd.DataFrame({c: parse_numbers(raw[c], c, cfg.decimal, cfg.thousands) for c in columns})
    for name in columns:
        if data[name].isna().all():
            role = "target" if name == target else "feature"
            # a known-future column is named by its own flag; at predict (which has neither
            # flag) the features arrive without that distinction: name both, as training's
            flag = "--future-features" if name in known else "--features or --future-features"
            fix = (
                "pick another --target" if name == target else f"give it values, or train without it ({flag})"
            )
            raise DataError(f"{role} column {name!r} has no values (all empty or NaN); {fix}")

    if time_col is None:
        if cfg.freq is not None:
            raise FreqWithoutDates("--freq needs timestamps, but no time column was found; give --time-col")
        data, trimmed = trim_empty_ends(data, target)
        data.index = pd.RangeIndex(len(data), name="step")
        report = LoadReport(
            len(raw), len(data), "0", str(len(data) - 1), None, "step index", ends_trimmed=trimmed
        )
        return _finish(data, target, features, report, cfg, int(data.isna().to_numpy().sum()), 0, kept)

    if numbers_steps(raw[time_col], time_col, cfg):
        return _numbered_steps(raw[time_col], time_col, data, target, features, cfg)
    times = parse_times(raw[time_col], time_col, cfg.time_format)
    data.index = times.index.rename("timestamp")
    rows_read = len(data)
    data, repeated, trimmed, nans_in_data = _in_order(data, target, cfg.agg or DEFAULT_AGG)
    duplicates = len(repeated)  # (a repeated hour may be a clock change's, in naive local time)
    if len(data) < least_rows:  # a panel puts a member of one row on the others' step
        raise OneTimestamp(
            f"the data has only {len(data)} distinct timestamp ({readable(data.index[0])}); "
            "a forecast needs a longer series"
        )
    native = _native(data.index, cfg.freq)
    freq, source, note = choose_frequency(cfg.freq, native)
    data, zoned = on_exchange_clock(data, freq)
    how, fill = cfg.agg or DEFAULT_AGG, cfg.fill or DEFAULT_FILL
    summed = SummedRows(data)
    if native is not None and sums_into_coarser(how, native, freq, data.index):
        summed = rows_to_sum(data, native, freq, fill, guarded=cfg.fill is None)
    regular = regularise(summed.data, freq, how, native)
    # refuses them on an inferred step
    combined = combined_note(
        regular.combined, regular.first_combined, source, native, freq, how, cfg.agg is None
    )
    frame, holding = split_marks(regular.frame, fill)
    other_step = native is not None and native != freq  # a given step other than the data's own
    report = LoadReport(
        rows_read,
        len(frame),
        readable(frame.index[0]) if len(frame) else "",
        readable(frame.index[-1]) if len(frame) else "",
        freq,
        source,
        duplicates_merged=duplicates,
        rows_dropped=regular.dropped + summed.dropped,
        dropped_why=regular.dropped_why or summed.dropped_why,
        ends_trimmed=trimmed,
        # rows binned into a period of another row of the data's own step; another step's
        # combining is said by that step (``combined_from``), not counted
        rows_combined=regular.combined if combined and not other_step else 0,
        combined_from=str(native) if combined and other_step else "",
    )
    for text in (
        times.note,
        zoned,
        note,
        f"duplicates combined with {cfg.agg or DEFAULT_AGG}" if duplicates else "",
        combined,
        regular.note,
        filled_note(summed, native or "", freq, fill, len(holding)),
        clock_change_note(pd.DatetimeIndex(repeated), regular.frame, freq),
    ):
        report.add_note(text)
    if fill != "drop" and (summed.gaps or summed.empty_cells):
        report.gaps_filled, report.nans_filled = summed.gaps, summed.empty_cells
        report.first_gap = summed.first_gap
    series = _finish(
        frame, target, features, report, cfg, nans_in_data, regular.gaps, kept, summed.data.index
    )
    if fill == "drop" or not len(holding):
        return series
    unscored = holding if series.filled_at is None else series.filled_at.union(holding)
    return replace(series, filled_at=unscored)


def numbers_steps(column: pd.Series, name: str, cfg: DataConfig) -> bool:
    """True when the time column ``name`` holds step numbers (1, 2, 3...: whole numbers that
    are not whole years) rather than dates; a ``--freq`` for them is refused, since steps
    have no calendar to put on a grid (``--season`` gives their cycle)."""
    if not step_numbers(column, cfg.time_format, name):
        return False
    if cfg.freq is not None:
        raise FreqWithoutDates(
            f"--freq {cfg.freq}: {name!r} numbers steps (1, 2, 3...), not dates; drop --freq "
            "(--season N gives their cycle) or give a column of dates"
        )
    return True


def _numbered_steps(column: pd.Series, name: str, data: pd.DataFrame, target, features, cfg) -> Series:
    """A series indexed by the whole numbers in its time column (1, 2, 3...): sorted by
    them, repeats combined with ``--agg`` as repeated timestamps are, and missing numbers
    gaps to fill, so the forecast continues from the last number, never from a row count."""
    data.index = pd.Index(column.to_numpy(dtype=np.int64), name="step")
    rows_read = len(data)
    data, repeated, trimmed, nans_in_data = _in_order(data, target, cfg.agg or DEFAULT_AGG)
    duplicates = len(repeated)
    first, last = int(data.index[0]), int(data.index[-1])
    full = pd.RangeIndex(first, last + 1, name="step")
    gaps = len(full) - len(data)
    read_at = data.index
    data = data.reindex(full)
    report = LoadReport(
        rows_read,
        len(data),
        str(first),
        str(last),
        None,
        f"steps numbered by {name!r}",
        duplicates_merged=duplicates,
        ends_trimmed=trimmed,
    )
    if duplicates:
        report.add_note(f"duplicates combined with {cfg.agg or DEFAULT_AGG}")
    return _finish(data, target, features, report, cfg, nans_in_data, gaps, read_at=read_at)


def _in_order(data: pd.DataFrame, target: str, agg: str) -> tuple[pd.DataFrame, pd.Index, int, int]:
    """``data`` sorted by its index (timestamps or step numbers), repeated index values
    combined with ``agg``, and cut to its target's first and last values; with the rows
    combined (their index values, one per row beyond the first of its value), the count of
    rows cut and of missing cells left (what the load report says)."""
    data = data.sort_index(kind="stable")
    repeated = data.index[data.index.duplicated()]
    if len(repeated):
        data = data.groupby(level=0, sort=True).agg(aggregation(agg, data.columns))
    data, trimmed = trim_empty_ends(data, target)
    return data, repeated, trimmed, int(data.isna().to_numpy().sum())


def trim_empty_ends(data: pd.DataFrame, target: str) -> tuple[pd.DataFrame, int]:
    """``data`` from its target's first value to its last, and how many rows that left out.

    A series starts when it is first observed and ends when it is last observed: the empty
    cells before and after (a wide file's shorter columns, an export's unfinished last rows)
    are not missing values to fill, and a forecast must start after the last real value."""
    known = np.flatnonzero(data[target].notna().to_numpy())
    first, last = int(known[0]), int(known[-1])  # the caller refused a target with no values
    return data.iloc[first : last + 1], len(data) - (last + 1 - first)


def _native(index: pd.DatetimeIndex, given: str | None) -> str | None:
    """The data's own step; when ``--freq`` is given, an index too odd to name is fine."""
    try:
        return infer_frequency(index)
    except DataError:
        if given is None:
            raise
        return None


def _finish(
    data, target, features, report, cfg: DataConfig, nans_in_data, gaps, least_rows=2, read_at=None
) -> Series:
    """The filled series and its report's counts. ``read_at``: the stamps rows were read at,
    so a row whose cells are all empty is not named as the first gap (a period no row had)."""
    missing = int(data.isna().to_numpy().sum())
    fill = cfg.fill or DEFAULT_FILL
    filled_at, inputs_filled = None, None
    if missing:
        if fill == "error":
            raise DataError(
                f"{missing} missing values ({gaps} gap periods, {nans_in_data} NaNs in the data); "
                "choose --fill interpolate|ffill|zero|drop"
            )
        # Only the default is guarded: a --fill the user chose fills every gap it finds.
        # a row is invented whether its period was absent or its cells empty
        invented = int(data.isna().any(axis=1).sum())
        empty = data.isna().sum()  # per column, the absent periods' rows included
        columns = [str(c) for c in data.columns if empty[c] > gaps]  # those with empty cells of their own
        check_invented(
            invented,
            gaps,
            len(data),
            report.freq,
            guarded=cfg.fill is None,
            columns=columns,
            exchanges=lambda: exchange_freqs(data, report.freq),  # read only when refusing
            # steps that may be dates without separators, read only when refusing
            dates_layout=(lambda: compact_dates(data.index[data.notna().any(axis=1).to_numpy()]))
            if report.freq is None
            else None,
            week=lambda: closed_weekdays(data.index[data.notna().any(axis=1).to_numpy()], report.freq),
        )
        before = len(data)
        unobserved = data.index[data[target].isna().to_numpy()]
        empty = data.isna().all(axis=1).to_numpy()  # (rows,) no cell read
        absent = data.index[empty]  # gap periods, and rows read with no cell
        if read_at is not None:
            absent = absent.difference(read_at)
        if gaps and len(absent) and report.freq is None:  # numbered steps: the step's number
            report.first_gap = str(absent[0])
        elif gaps and len(absent):
            observed = data.index[~empty]
            said = one_weekday(absent, report.freq) or closures_of(absent, observed, report.freq)
            report.first_gap, report.gaps_weekday = readable(absent[0]), said
        inputs_filled = {c: data.index[data[c].isna().to_numpy()] for c in features if data[c].isna().any()}
        data = fill_missing(data, fill)
        filled_at = unobserved if fill != "drop" else None
        if fill == "drop":
            report.missing_dropped = before - len(data)
            report.add_note(dropped_grid_note(report.missing_dropped, before, report.freq))
        report.gaps_filled = gaps if fill != "drop" else 0
        report.nans_filled = max(missing - gaps * data.shape[1], 0) if fill != "drop" else 0
    report.rows = len(data)
    y = data[target].to_numpy(dtype=np.float64)
    if len(y) < least_rows:
        raise DataError(f"only {len(y)} usable rows after cleaning; a forecast needs a longer series")
    kept = inputs_filled if inputs_filled and fill != "drop" else None
    return Series(data, target, features, report.freq, report, filled_at, kept)
