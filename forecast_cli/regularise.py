"""Putting one series' rows on its regular grid: binning rows to the step, combining
rows that share a period, and filling the gaps, with guards against grids nobody meant.

Everything here works on one series' frame (a sorted, duplicate-free timestamp index
and numeric columns) and keeps no state, so a panel can call it once per series.

Guards (both ``DataError``, exit 2):
- a grid over ``MAX_GRID_ROWS`` rows is refused before it is allocated (``--freq 1s``
  on monthly data would be billions of rows);
- the default fill (interpolate, not asked for) refuses to invent more than
  ``fill_guards.MAX_INVENTED`` of the result's rows: a wrong step, not a few gaps, is the
  likelier story. A fill method the user chose explicitly fills whatever it must;
- weeks of one weekday are not moved onto another's grid, and a business-day grid drops
  and counts weekend rows (``weekday_grids``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calendars import Calendar
from .clock import is_clock_step, on_wall_clock, to_offset
from .clock_bins import clock_origin, clock_text, local_midnights, snapped_note, summer_time_note
from .errors import DataError
from .exchange_bars import onto_bars
from .partial_periods import period_test, thin_periods, whole_periods
from .period_nesting import refuse_unnested
from .stamps import readable
from .weekday_grids import refuse_moved_weeks, weekend_rows

MAX_GRID_ROWS = 50_000_000
_OHLC = {"Open": "first", "High": "max", "Low": "min", "Close": "last", "Adj Close": "last", "Volume": "sum"}


@dataclass(frozen=True)
class Regular:
    """A frame on its grid, the periods the grid added, and the rows that fell off it."""

    frame: pd.DataFrame
    gaps: int
    dropped: int
    note: str = ""  # what was done to the rows beyond filling the grid (see whole_periods)
    dropped_why: str = ""  # why rows fell off, with the first of them ("outside XNYS hours, first ...")
    combined: int = 0  # rows of distinct timestamps combined into another row's period
    first_combined: str = ""  # the first such period's rows ("2021-05-25, 2021-05-31 into ...")


def aggregation(agg: str, columns) -> str | dict[str, str]:
    """A pandas aggregation: one function for all columns, or for ``ohlc`` one per price column
    (first Open, max High, min Low, last Close, sum of Volume; last for anything else)."""
    if agg != "ohlc":
        return agg
    return {c: _OHLC.get(str(c), "last") for c in columns}


def regularise(data: pd.DataFrame, freq: str, agg: str, native: str | None = None) -> Regular:
    """Put ``data`` on the ``freq`` grid, combining rows of one period with ``agg``.

    Exchange calendars keep only sessions (and trading hours); rows on closed days or
    outside hours are dropped and counted. ``native`` (the data's own step) feeds the
    advice in the grid-size error and tells which first or last period the data covers
    only in part (``whole_periods``).
    """
    rows = grid_rows(data.index, freq)
    if rows > MAX_GRID_ROWS:
        advice = f", such as the data's own {native}" if native and native != freq else ""
        raise DataError(
            f"a {freq} grid from {data.index[0]} to {data.index[-1]} would have {rows:,} rows for "
            f"{len(data):,} rows of data (limit {MAX_GRID_ROWS:,}); give a coarser --freq{advice}"
        )
    how = aggregation(agg, data.columns)
    calendar = Calendar.parse(freq)
    if calendar is not None and calendar.intraday:
        frame, gaps, dropped, why = onto_bars(data, calendar, how)
        return Regular(frame, gaps, dropped, dropped_why=why)
    if calendar is not None:
        return _onto_sessions(data, calendar, how, native)
    offset = to_offset(freq)
    refuse_moved_weeks(native, offset, freq)
    refuse_unnested(native, offset, freq, how)
    weekend = weekend_rows(data.index, offset)
    if weekend.any():  # business days are weekdays: weekend rows are dropped and counted
        first = readable(data.index[weekend][0])
        kept = regularise(data[~weekend], freq, agg, "B" if native == "D" else native)
        why = f"on weekends, first {first}"
        return dataclasses.replace(kept, dropped=int(weekend.sum()), dropped_why=why)
    # Fixed steps count from the first row; calendar days from midnight, unless every row has
    # one clock time (daily readings at 09:00 stay at 09:00, not relabelled to midnight).
    # pandas anchors days at a clock time on naive stamps only: zoned ones are binned on
    # their local wall clock, then put back in their zone (09:00 exists on every day).
    wall = data.index.tz_localize(None) if data.index.tz is not None else data.index  # local clock
    clock = wall - wall.normalize()
    one_clock = clock.nunique() == 1 and clock[0] > pd.Timedelta(0)
    at_clock = isinstance(offset, pd.offsets.Day) and one_clock
    # weekdays at one clock time (closes at 16:00) keep it too; pandas bins business days at
    # midnight only, so they are binned there and the clock time is put back
    weekdays_at = clock[0] if isinstance(offset, pd.offsets.BusinessDay) and one_clock else None
    # calendar steps (days, weeks, months; business days among them) of zoned rows are all
    # binned on the wall clock: pandas bins zoned days in absolute time and fails on a
    # midnight the clock skips (Santiago's 2024-09-08), so the days are put back in their
    # zone after, that one at 01:00
    calendar_step = not is_clock_step(offset)
    zone = data.index.tz if at_clock or calendar_step else None
    local = data.set_axis(wall) if zone is not None else data
    daily = isinstance(offset, pd.offsets.Day) and offset.n == 1 and not at_clock
    summer_time = daily and local_midnights(clock)
    if summer_time:  # each row on the day of its nearest midnight: the local date it was stamped for
        local = local.set_axis((local.index + pd.Timedelta(hours=12)).normalize())
    origin: str | pd.Timestamp = "start_day"
    early = pd.Timedelta(0)  # rows written early of their grid point: labels put back on it
    # a given step coarser than the data's own (5-minute rows into hours, days into months)
    coarser = coarser_step(native, freq, local.index) and Calendar.parse(str(native)) is None
    if at_clock:
        origin = "start"
    elif is_clock_step(offset) and not coarser:
        # the data's own step: its own phase (readings at :30 stay at :30, jitter snaps back);
        # a coarser one (5-minute rows into hours) is binned on the clock, from midnight: from
        # the first row, rows from 00:10 made hours of 00:10-01:05
        origin, early = clock_origin(local.index, pd.Timedelta(offset))
    resampler = local.resample(offset, origin=origin)
    # a sum of empty cells is missing, not 0: a period whose only row had an empty cell
    # summed to 0, an invented value no fill counted
    regular = resampler.sum(min_count=1) if how == "sum" else resampler.agg(how)
    sizes = resampler.size()
    filled_bins = sizes.to_numpy() > 0
    combined, first_combined = _combined(sizes, local.index)
    if not isinstance(how, str) or how == "sum":  # an empty bin sums to 0: mark it missing instead
        regular[~filled_bins] = np.nan
    note = ""
    if native is not None:
        same_period = period_test(regular.index, offset)
        regular, filled_bins, note = whole_periods(
            regular, filled_bins, local.index, native, how, same_period
        )
        if coarser and how != "sum":  # a sum's missing rows are filled or dropped by --fill
            thin = thin_periods(local.index, native, offset, origin, sizes, regular.index)
            note = "; ".join(n for n in (note, thin) if n)
    if weekdays_at is not None:
        regular.index = regular.index + weekdays_at
    if isinstance(origin, pd.Timestamp) and (native is None or native == freq):
        snapped = snapped_note(local.index, origin, early, pd.Timedelta(offset), freq)
        note = "; ".join(n for n in (note, snapped) if n)
    elif daily and (native is None or native == freq):  # a row at 13:00 among midnights: said
        snapped = (
            summer_time_note(clock, data.index.tz)
            if summer_time
            else snapped_note(
                local.index, local.index[0].normalize(), pd.Timedelta(0), pd.Timedelta(days=1), freq
            )
        )
        note = "; ".join(n for n in (note, snapped) if n)
    if early:
        regular.index = regular.index + early
    if zone is not None:
        regular = regular.set_axis(on_wall_clock(regular.index, zone))
    gaps = int((~filled_bins).sum())
    return Regular(regular.rename_axis("timestamp"), gaps, 0, note, "", combined, first_combined)


def _combined(sizes: pd.Series, index: pd.DatetimeIndex) -> tuple[int, str]:
    """(rows combined into a period another row of theirs is in, the first such period's
    rows): what binning to the step did beyond the duplicates already merged. The caller
    refuses it on a step it inferred (the step does not fit the rows) and says it on one
    the user gave. ``sizes`` are the bins' row counts in order over the sorted ``index``,
    so bin k holds the rows after those of bins 0..k-1 (no per-bin index lists: a coarser
    step over millions of rows combines nearly all of them)."""
    counts = sizes.to_numpy()
    many = np.flatnonzero(counts > 1)
    if not len(many):
        return 0, ""
    k = int(many[0])
    first = int(counts[:k].sum())
    rows = index[first : first + int(counts[k])]
    stamps = ", ".join(readable(t) for t in rows[:3]) + (" ..." if len(rows) > 3 else "")
    return int((counts[many] - 1).sum()), f"{stamps} into the period labelled {readable(sizes.index[k])}"


def coarser_step(native: str | None, freq: str, index: pd.DatetimeIndex) -> bool:
    """Whether a given ``freq`` is coarser than the data's own step ``native`` over
    ``index``: its periods hold several of the data's rows (5-minute rows into hours)."""
    if native is None or native == freq:
        return False
    return grid_rows(index, freq) < grid_rows(index, native)


def grid_rows(index: pd.DatetimeIndex, freq: str) -> int:
    """How many rows the ``freq`` grid over ``index`` has (an upper estimate for calendars),
    computed without building it."""
    span = index[-1] - index[0]
    calendar = Calendar.parse(freq)
    if calendar is not None:
        sessions = int(span / pd.Timedelta(days=1) * 5 / 7) + 2
        return sessions * (calendar.season() if calendar.intraday else 1)
    offset = to_offset(freq)
    if isinstance(offset, pd.offsets.Tick):
        step = pd.Timedelta(offset)
    else:
        after = index[0] + offset
        step = (after + offset) - after
    return int(span / max(step, pd.Timedelta(1))) + 1


def fill_missing(data: pd.DataFrame, fill: str) -> pd.DataFrame:
    """Fill NaNs: ``interpolate`` linearly (ends held), ``ffill`` (then back-fill the
    start), ``zero``, or ``drop`` the rows that have any."""
    if fill == "interpolate":
        return data.interpolate(method="linear", limit_direction="both")
    if fill == "ffill":
        return data.ffill().bfill()
    if fill == "zero":
        return data.fillna(0.0)
    return data.dropna()


def _onto_sessions(data: pd.DataFrame, calendar: Calendar, how, native: str | None = None) -> Regular:
    """One row per session; rows within a day (intraday bars) are combined with ``how``,
    and a first or last day they cover only in part is left out (``whole_periods``)."""
    index = data.index
    midnight = index.normalize()
    intraday = bool((index != midnight).any())
    days = data.groupby(midnight).agg(how) if intraday else data
    grid = calendar.sessions(days.index[0], days.index[-1])
    if index.tz is not None:
        grid = grid.tz_localize(index.tz)
    closed = ~days.index.isin(grid)
    off = int(closed.sum())
    why = f"on days {calendar.exchange} is closed, first {readable(days.index[closed][0])}" if off else ""
    regular = days.reindex(grid)
    filled = grid.isin(days.index)
    note = ""
    if intraday and midnight.is_unique:  # one row a day at a time (closes at 16:30): a session each
        note = (
            f"rows at {clock_text((index - midnight)[0])} read as their {calendar.exchange} sessions (dates)"
        )
    elif intraday and native is not None:
        same_day = lambda a, b: a.normalize() == b.normalize()  # noqa: E731  (one session date)
        regular, filled, note = whole_periods(regular, filled, index, native, how, same_day)
    return Regular(regular.rename_axis("timestamp"), int((~filled).sum()), off, note, why)
