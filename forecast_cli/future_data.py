"""Values of known-future columns over the forecast steps, read from ``--future-data``.

The file has the training data's time column (and id column for a panel) and the
``--future-features`` columns; a panel's file without the id column gives every series
the same values (one national index for every state). A forecast step without a value is refused, naming the
series and the first missing timestamps: a guessed temperature or price would be a
silent, wrong input.

Monthly, quarterly and yearly models match a row to the step whose period holds its
timestamp: a file that writes the second quarter as ``2016-06-30`` (its last day, as many
exports do) gives the step the model stamps ``2016-04-01``. A row stamped on the step
itself speaks for its period (a daily calendar file gives a monthly model its firsts of
the month); otherwise rows of one period that disagree are refused. Finer steps match
exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .cell_numbers import parse_numbers
from .clock_changes import change_nights
from .clock_columns import joined_date_and_clock
from .data_columns import resolve_time_column
from .errors import DataError, UsageError, first_few
from .number_times import step_numbers
from .parse import parse_times
from .period_labels import period_labels, said, step_layout
from .stamps import readable

# Steps that are calendar periods: a stamp anywhere in the period names the step.
_PERIOD_STARTS = (pd.offsets.MonthBegin, pd.offsets.QuarterBegin, pd.offsets.YearBegin)
_PERIOD_ENDS = (pd.offsets.MonthEnd, pd.offsets.QuarterEnd, pd.offsets.YearEnd)


@dataclass(frozen=True)
class FutureTable:
    """Known-future values per series id, indexed by timestamp (or by step number, for a
    model of integer steps); ``""`` holds the rows of a file without an id column (a single
    series, or a wide table's columns shared by every series)."""

    frames: dict[str, pd.DataFrame]
    source: str = "--future-data"
    freq: str | None = None  # the model's step; stamps are matched by period where it is one
    layout: str = ""  # the training data's period layout, for naming steps in messages

    def only(self, name: str) -> FutureTable:
        """The rows of series ``name`` (and the shared ones): what its own model reads."""
        return replace(self, frames={k: v for k, v in self.frames.items() if k in (name, "")})

    def refuse_kind(self, numbered: bool) -> None:
        """Refuse step numbers for a model of timestamps, or timestamps for one of steps
        (``numbered``). Checked as the file is read too, so that predict can read it again
        as the training data was (a Unix-time file read as step numbers)."""
        for frame in self.frames.values():
            if numbered == isinstance(frame.index, pd.DatetimeIndex):
                has, wants = ("timestamps", "step numbers") if numbered else ("step numbers", "timestamps")
                raise DataError(
                    f"{self.source} has {has} but the model's series have {wants}; "
                    "give the future rows the same time column as the training data"
                )

    def block(self, name: str, index: pd.Index, columns: Sequence[str]) -> np.ndarray:
        """``columns`` at the stamps of ``index`` for series ``name``: (len(index), len(columns))."""
        frame = self.frames.get(name, self.frames.get(""))
        label = f"series {name!r}" if name else "the series"
        if frame is None:  # the ids it has: 'shop0' where the data says 'store0' is a renaming
            held = [repr(k) for k in self.frames if k]
            has = f" (its ids: {first_few(held, 3)})" if held else ""
            raise DataError(
                f"{self.source} has no rows for {label}{has}; add its future values under the id the data gives it"
            )
        numbered = not isinstance(index, pd.DatetimeIndex)  # a model of integer steps
        self.refuse_kind(numbered)
        stamps = index if numbered else _comparable(pd.DatetimeIndex(index), frame.index)
        if not numbered:
            key = name if name in self.frames else ""
            frame = _by_period(
                frame, self.freq, key, self.source, lambda t: self._names(pd.DatetimeIndex([t]))[0]
            )
        values = frame.reindex(stamps)[list(columns)].to_numpy(dtype=np.float64)  # (steps, columns)
        missing = np.isnan(values).any(axis=1)
        if missing.any():
            first = ", ".join(self._names(index[missing][:3]))
            cols = ", ".join(c for c, bad in zip(columns, np.isnan(values).any(axis=0), strict=True) if bad)
            hint = "give a value for every forecast step"
            if missing.all() and len(frame):
                held = frame.index.sort_values()
                span = f"{self._names(held[:1])[0]} .. {self._names(held[-1:])[0]}"
                if held[0] > stamps[-1] or held[-1] < stamps[0]:  # steps written right, other ones
                    # (a series ending earlier than the others forecasts earlier steps)
                    side = "after" if held[0] > stamps[-1] else "before"
                    hint = f"its rows ({span}) are all {side} these steps: add the rows of these steps"
                else:
                    hint = (
                        f"none of its timestamps ({span}) is a forecast step; "
                        "write them as the training data's steps"
                    )
            raise DataError(
                f"{self.source} lacks {cols} for {label} at {first}"
                f"{' ...' if missing.sum() > 3 else ''} ({int(missing.sum())} of {len(index)} forecast steps); {hint}"
            )
        return values

    def _names(self, steps: pd.Index) -> list[str]:
        """Steps as the training data named them (``2017 Q1``), else ISO 8601."""
        if not isinstance(steps, pd.DatetimeIndex):
            return [str(t) for t in steps]
        labels = period_labels(steps, step_layout(self.layout, self.freq))
        return labels if labels is not None else [readable(t) for t in steps]


def read_future(
    raw: pd.DataFrame,
    columns: Sequence[str],
    id_col: str | None,
    time_col: str | None,
    time_format: str | None = None,
    source: str = "--future-data",
    numbers: tuple[str, str | None] = (".", None),
    freq: str | None = None,
    layout: str = "",
) -> FutureTable:
    """Split a table of future rows into per-series frames of ``columns`` by timestamp;
    ``numbers``: the file's decimal mark and thousands separator; ``freq`` and ``layout``:
    the model's step and period layout (see ``FutureTable``)."""
    raw = joined_date_and_clock(raw.rename(columns=lambda c: str(c).strip()), time_col)
    needed = [c for c in (id_col, *columns) if c]
    absent = [c for c in needed if c not in raw.columns]
    if absent:
        raise UsageError(
            f"{source} has no column {', '.join(absent)}; it needs the time column, "
            f"{'the id column, ' if id_col else ''}and {', '.join(columns)}"
        )
    try:  # the cell errors name a column and a row; say which file holds them
        time_name = resolve_time_column(raw, time_col, time_format)
        if time_name is None:
            raise UsageError("no column holds timestamps; give it the training data's time column")
        times = _times(raw[time_name], time_name, time_format)
        data = pd.DataFrame(
            {c: parse_numbers(raw[c], c, *numbers, fix=_FIX_CELLS).to_numpy() for c in columns}, index=times
        )
    except (DataError, UsageError) as exc:
        raise type(exc)(f"{source}: {exc}") from None
    keys = raw[id_col].astype(str).to_numpy() if id_col else np.full(len(raw), "", dtype=object)
    frames = {}
    for key in dict.fromkeys(keys):
        part = data[keys == key]
        _refuse_conflicts(part, str(key) if id_col else "", source, name=lambda t: said(t, layout, freq))
        frames[str(key)] = part[~part.index.duplicated(keep="last")]
    return FutureTable(frames, source, freq, layout)


_FIX_CELLS = "fix those cells: every forecast step needs a number"


def _times(column: pd.Series, name: str, time_format: str | None) -> pd.Index:
    """The time column as timestamps, or as step numbers for a model of integer steps."""
    if step_numbers(column, time_format, name):
        return pd.Index(column.to_numpy(dtype=np.int64), name="step")
    return parse_times(column, name, time_format).index


def _refuse_conflicts(
    part: pd.DataFrame,
    key: str,
    source: str,
    unit: str = "timestamp",
    name: Callable[[object], str] | None = None,
) -> None:
    """Rows repeated with the same values are one row; rows of one timestamp (or period:
    ``unit``) that disagree (promo 1, then 0) are an error: which one the forecast should
    believe is not ours to pick. ``name`` writes a step for the message."""
    repeated = part[part.index.duplicated(keep=False)]
    if repeated.empty:
        return
    differ = repeated.groupby(level=0, sort=False).nunique(dropna=False).gt(1).any(axis=1)
    if differ.any():
        first = differ.index[np.flatnonzero(differ.to_numpy())[0]]
        if name is not None:
            stamp = name(first)
        else:
            stamp = readable(first) if isinstance(first, pd.Timestamp) else f"step {first}"
        where = f"series {key!r} " if key else ""
        fix = f"keep one row per {unit}"
        if (
            isinstance(first, pd.Timestamp)
            and first.tz is None
            and change_nights(pd.DatetimeIndex([first]))[0]
        ):
            # both rows are needed: the hour happens twice in local time when the clocks go back
            fix = "if the hour repeats at a clock change, write the rows with their UTC offsets (or in UTC)"
        raise DataError(
            f"{source} gives {where}different values for {stamp} in several rows ({differ.sum()} such {unit}(s)); "
            f"{fix}"
        )


def _by_period(
    frame: pd.DataFrame, freq: str | None, key: str, source: str, name: Callable[[object], str]
) -> pd.DataFrame:
    """``frame`` re-indexed by the step whose period holds each row, for monthly, quarterly
    and yearly steps (``freq``); other steps, and rows already on the steps, as they are."""
    try:
        offset = pd.tseries.frequencies.to_offset(freq) if freq else None
    except ValueError:  # an exchange calendar's name
        offset = None
    if offset is None or offset.n != 1 or not isinstance(offset, _PERIOD_STARTS + _PERIOD_ENDS):
        return frame
    index = pd.DatetimeIndex(frame.index)
    snap = offset.rollback if isinstance(offset, _PERIOD_STARTS) else offset.rollforward
    steps = pd.DatetimeIndex([snap(t.normalize()) for t in index])
    if steps.equals(index):
        return frame
    moved = frame.set_axis(steps)
    exact = steps == index  # a row stamped on the step itself speaks for its period
    moved = moved[exact | ~steps.isin(steps[exact])]
    _refuse_conflicts(moved, key, source, "period", name)
    return moved[~moved.index.duplicated(keep="last")]


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
