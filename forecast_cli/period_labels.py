"""Timestamps written back as the periods the data named them by.

Data that names periods rather than days (``1998 Q1``, ``2024-W05``, ``2015M03``,
``2024-01``, or a column of years) is read as each period's first day, so that every
step is a real timestamp. Writing the forecast's steps as ``2016-07-01`` would hand the
person back a layout they never wrote, and a joiner against their own file would find
no match; so the outputs write each step in the data's own layout (``2016 Q3``).

The layout is decided once, from the time column the data was read from (its first
value, as ``parse.parse_times`` decides), and a model file keeps it, so ``predict`` from
the stored history writes what training read. Dates, date-times and anything with a
zone stay ISO 8601: a day-first or month-first date written back as read is the
ambiguity the reader refuses, and ISO is what every other tool reads.

A layout is used only when its period is one step of the frequency (``step_layout``)
and it says every written timestamp exactly: each label is read back by
``parse.parse_times`` and must give the same timestamp. Otherwise the whole output stays
ISO 8601, so one column never mixes two layouts.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .number_times import year_column
from .parse import (
    ISO_WEEK,
    MONTH_CODE,
    MONTH_YEAR,
    QUARTER_FIRST,
    QUARTER_YEAR,
    YEAR_MONTH,
    parse_times,
)
from .stamps import readable

QUARTER = "%q"  # our one directive beyond strftime's: the quarter, 1 to 4
# The period a layout names, by its finest directive (checked in this order).
_PERIODS = (
    ("%V", pd.offsets.Week),
    (QUARTER, pd.offsets.QuarterBegin),
    ("%m", pd.offsets.MonthBegin),
    ("%b", pd.offsets.MonthBegin),
    ("%B", pd.offsets.MonthBegin),
    ("%", pd.offsets.YearBegin),  # years alone (%Y, %y)
)
_YEAR_ONLY = re.compile(r"^\d{4}$")
_DAY_OR_CLOCK = re.compile(r"%[dejaAuwHIMSfpzZcxXUWs]")  # directives below a month


def layout_of(column: pd.Series, time_format: str | None = None, name: object = "") -> str:
    """The period layout of a time column (``"%Y Q%q"`` for ``1998 Q1``), or ``""`` for
    ISO 8601. Only the first value is looked at: ``parse_times`` reads every row in the
    first value's layout or refuses the column."""
    if time_format is not None:
        return time_format if not _DAY_OR_CLOCK.search(time_format.replace("%%", "")) else ""
    if len(column) == 0 or pd.api.types.is_datetime64_any_dtype(column):
        return ""
    if pd.api.types.is_numeric_dtype(column):
        return "%Y" if year_column(column, name) else ""
    first = str(column.iloc[0]).strip()
    if _YEAR_ONLY.match(first):
        return "%Y"
    if ISO_WEEK.match(first):
        return "%G-W%V" if "-" in first else "%GW%V"
    for pattern, year, period in ((QUARTER_YEAR, 1, 2), (QUARTER_FIRST, 2, 1), (MONTH_CODE, 1, 2)):
        if match := pattern.match(first):
            return _spliced(
                first, match, {year: "%Y", period: QUARTER if pattern is not MONTH_CODE else "%m"}
            )
    if match := YEAR_MONTH.match(first):
        return f"%Y{match.group(1)}%m"
    if match := MONTH_YEAR.match(first):
        return f"%m{match.group(1)}%Y"
    return ""


def _spliced(text: str, match: re.Match[str], directives: dict[int, str]) -> str:
    """``text`` with each matched group replaced by its directive (literal % escaped)."""
    out, at = [], 0
    for group in sorted(directives, key=match.start):
        out.append(text[at : match.start(group)].replace("%", "%%"))
        out.append(directives[group])
        at = match.end(group)
    out.append(text[at:].replace("%", "%%"))
    return "".join(out)


def period_labels(stamps: pd.Index | pd.Series, layout: str) -> list[str] | None:
    """Each timestamp in ``layout``, or None when the layout cannot say one of them
    exactly (see the module docstring), when they carry a zone, or when the layout is ISO."""
    index = pd.DatetimeIndex(stamps) if not isinstance(stamps, pd.DatetimeIndex) else stamps
    if not layout or index.tz is not None or index.hasnans or len(index) == 0:
        return None
    codes, unique = pd.factorize(index)  # a panel's rows share a few dozen distinct steps
    text = [_format(t, layout) for t in unique]
    try:
        back = parse_times(pd.Series(text), "timestamp").index
    except Exception:  # a label our reader refuses is a label we do not write
        return None
    if back.tz is not None or not np.array_equal(back.asi8, unique.as_unit(back.unit).asi8):
        return None
    return np.asarray(text, dtype=object)[codes].tolist()


def _format(stamp: pd.Timestamp, layout: str) -> str:
    return stamp.strftime(layout.replace(QUARTER, str((stamp.month - 1) // 3 + 1)))


def step_layout(layout: str, freq: str | None) -> str:
    """``layout`` when its period is one step of ``freq``, else ``""`` (ISO 8601). Labels
    of a finer period would read back exactly and still mislead: quarters summed into
    years with ``--freq YS`` would be written ``2017 Q1`` for the whole year."""
    if not layout or freq is None:
        return ""
    try:
        offset = pd.tseries.frequencies.to_offset(freq)
    except ValueError:  # an exchange calendar (XNYS): trading days are dates
        return ""
    period = next(unit for directive, unit in _PERIODS if directive in layout)
    return layout if offset.n == 1 and isinstance(offset, period) else ""


def said(stamp: object, layout: str, freq: str | None) -> str:
    """One stamp as a message names it: in the data's period layout when outputs write
    that (``2013 Q3``, so a line and the CSV beside it agree), else as ``stamps.readable``;
    a step number as itself."""
    if not isinstance(stamp, pd.Timestamp):
        return str(stamp)
    labels = period_labels(pd.DatetimeIndex([stamp]), step_layout(layout, freq))
    return labels[0] if labels else readable(stamp)


def labelled(
    frame: pd.DataFrame, layout: str, freq: str | None, columns: tuple[str, ...] = ("timestamp",)
) -> pd.DataFrame:
    """``frame`` with its timestamp index level and the named timestamp ``columns`` written
    as period labels: when the layout's period is the step (``step_layout``), each only
    when every one of its stamps has an exact label."""
    layout = step_layout(layout, freq)
    if not layout:
        return frame
    out = frame
    index = frame.index
    if isinstance(index, pd.MultiIndex):
        levels = []
        for i in range(index.nlevels):
            values = index.get_level_values(i)
            labels = period_labels(values, layout) if values.dtype.kind == "M" else None
            levels.append(pd.Index(labels, dtype=object, name=values.name) if labels is not None else values)
        out = out.set_axis(pd.MultiIndex.from_arrays(levels), axis=0)
    elif index.dtype.kind == "M" and (labels := period_labels(index, layout)) is not None:
        out = out.set_axis(pd.Index(labels, dtype=object, name=index.name), axis=0)
    for name in columns:
        if name in out.columns and out[name].dtype.kind == "M":
            labels = period_labels(out[name], layout)
            if labels is not None:
                out = out.assign(**{name: pd.Series(labels, index=out.index, dtype=object)})
    return out
