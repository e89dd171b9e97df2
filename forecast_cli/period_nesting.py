"""Refusing a coarser or re-anchored --freq whose periods the data's own do not fit inside.

Rows are combined into a period by their stamp alone: pandas puts a quarter starting in
January into the February quarter that holds its stamp (the quarter before it, Nov-Jan),
so under ``--freq QS-FEB`` every value of January quarters moved two months back, and
calendar years under ``YS-JUL`` six, the row count unchanged and nothing said. A row of a
quarter says nothing of its months, so no other quarter can hold it honestly; weeks are
refused the same way (``weekday_grids.refuse_moved_weeks``). Weeks summed into months are
refused too: a month holds four or five Sundays, so a month with five summed a quarter
more than its neighbours (a calendar artefact a network learns as demand), and weeks
straddle month ends. A mean or a last value of a month's weeks is still that month's. So
are calendar-stamped periods put on a business-day grid of the same periods: under
``--freq BYE`` a year stamped on a Saturday 31 December moved into the next year.
"""

from __future__ import annotations

import pandas as pd

from .clock import to_offset
from .errors import DataError, UsageError

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_grid(offset) -> tuple[int, int] | None:
    """(months a period spans, the month (0 = January) periods start at, modulo that span)
    for a one-step month, quarter or year offset; None for any other (days, weeks,
    multiples such as ``2MS``, which pandas counts from the first stamp)."""
    if getattr(offset, "n", 1) != 1:
        return None
    o = pd.offsets
    if isinstance(offset, o.MonthBegin | o.MonthEnd | o.BusinessMonthBegin | o.BusinessMonthEnd):
        return 1, 0
    if isinstance(offset, o.QuarterBegin | o.BQuarterBegin):
        return 3, (offset.startingMonth - 1) % 3
    if isinstance(offset, o.QuarterEnd | o.BQuarterEnd):
        return 3, offset.startingMonth % 3  # a quarter ending in March starts in January
    if isinstance(offset, o.YearBegin | o.BYearBegin):
        return 12, (offset.month - 1) % 12
    if isinstance(offset, o.YearEnd | o.BYearEnd):
        return 12, offset.month % 12
    return None


def _business(offset) -> bool:
    """Whether ``offset`` labels its periods by a business day (BMS, BQE, BYE ...)."""
    o = pd.offsets
    kinds = (
        o.BusinessMonthBegin,
        o.BusinessMonthEnd,
        o.BQuarterBegin,
        o.BQuarterEnd,
        o.BYearBegin,
        o.BYearEnd,
    )
    return isinstance(offset, kinds)


def _month_based(offset) -> bool:
    """Whether ``offset`` steps in months (any multiple of months, quarters or years)."""
    o = pd.offsets
    kinds: tuple[type, ...] = (
        o.MonthBegin,
        o.MonthEnd,
        o.BusinessMonthBegin,
        o.BusinessMonthEnd,
        o.SemiMonthBegin,
        o.SemiMonthEnd,
    )
    kinds += (o.QuarterBegin, o.QuarterEnd, o.BQuarterBegin, o.BQuarterEnd)
    return isinstance(offset, kinds + (o.YearBegin, o.YearEnd, o.BYearBegin, o.BYearEnd))


def refuse_unnested(native: str | None, offset, freq: str, how) -> None:
    """Refuse a ``freq`` grid whose periods the data's own periods (``native``) straddle."""
    if native is None or native == freq:
        return
    try:
        own = to_offset(native)
    except (UsageError, ValueError):  # an exchange calendar (XNYS): its sessions are days, which nest
        return
    if isinstance(own, pd.offsets.Week) and how == "sum" and _month_based(offset):
        raise DataError(
            f"the rows are weeks ({native}), and no whole number of weeks fits a {freq} period: "
            f"each holds a different number, some split across its ends, so their sums would "
            f"differ by a week's worth; give daily rows, keep the weeks (--freq {native}), or "
            "take --agg mean"
        )
    target = month_grid(offset)
    if target is None:
        return
    grid = month_grid(own)
    if grid is None or grid[0] > target[0]:
        return
    span, start = grid
    what = {1: "months", 3: "quarters", 12: "years"}[span]
    if _business(offset) and not _business(own):
        raise DataError(
            f"the rows are {what} stamped by the calendar ({native}); a {freq} grid labels each by "
            f"its business day, so one whose stamp falls on a weekend would move into the next "
            f"or previous period: step them as {native} (--freq {native})"
        )
    if target[0] % span == 0 and (target[1] - start) % span == 0:
        return
    theirs = ", ".join(_MONTHS[(start + k * span) % 12] for k in range(12 // span))
    ours = ", ".join(_MONTHS[(target[1] + k * target[0]) % 12] for k in range(12 // target[0]))
    raise DataError(
        f"the rows are {what} starting in {theirs} ({native}); the periods of a {freq} grid start in "
        f"{ours}, so each row would move into a period it only overlaps: step them as {native} "
        f"(--freq {native}), or give the data at a finer step"
    )


def refuse_anchors_apart(freqs: tuple[str, ...], shown: str) -> None:
    """Refuse a panel of quarters (or years) starting in different months: a --freq of
    either would move the other's rows into periods they only overlap (``refuse_unnested``),
    so the panel's usual advice, give --freq, led to a second refusal."""
    grids = []
    for freq in freqs:
        try:
            grids.append(month_grid(to_offset(freq)))
        except (UsageError, ValueError):  # integer steps, an exchange
            return
    spans = {g[0] if g is not None else None for g in grids}
    if len(spans) != 1 or None in spans or spans == {1} or len(set(grids)) == 1:
        return  # not all quarters (years), or the same ones labelled by start and by end
    what = "quarters" if spans == {3} else "years"
    raise DataError(
        f"the series are {what} starting in different months ({shown}); a grid of one would move "
        f"the others' rows into {what} they only overlap: stamp every series' {what} on the same months"
    )
