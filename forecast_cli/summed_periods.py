"""Rows missing inside the periods that ``--agg sum`` totals onto a coarser ``--freq``
(months into quarters, days into weeks), handled at the data's own step before summing.

A sum adds what is there: a quarter missing a month, or with an empty cell, read as a
quarter whose sales fell by a third, and the load line said "0 gaps filled" (the edge
periods covered in part were already dropped, ``partial_periods.whole_periods``). The
missing rows are found on the data's own grid and follow ``--fill``:

- ``interpolate``, ``ffill``, ``zero``: filled there, so the period sums 3 months; the
  periods that hold a filled row are not scored in a backtest (their actual is partly
  invented), as a filled gap is not;
- ``drop``: the periods that hold a missing row are missing, and dropped as gaps are;
- ``error``: refused, with the first missing row.

Other aggregations are left as they are: a mean, min or max of the rows there is still
that statistic of the period's rows, and first and last take the first and last there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import DataError
from .fill_guards import check_invented
from .regularise import coarser_step, fill_missing, regularise
from .stamps import readable

_MARK = "__missing_inside__"  # 1.0 on a row filled at the data's own step, summed per period
_ROWS = "__rows__"  # 1.0 on every row of the data: a bin without any is absent


@dataclass(frozen=True)
class SummedRows:
    """The rows to sum (on the data's own grid when some were missing), what was filled."""

    data: pd.DataFrame
    gaps: int = 0  # absent rows of the data's own step
    empty_cells: int = 0  # empty cells of rows that exist
    first_missing: str = ""  # the first row absent or with an empty cell
    first_gap: str = ""  # the first row absent
    dropped: int = 0  # rows the own grid left out (outside an exchange's hours)
    dropped_why: str = ""


def sums_into_coarser(how, native: str | None, freq: str, index: pd.DatetimeIndex) -> bool:
    """Whether ``--agg sum`` totals several rows of the data's own step ``native`` into
    each ``freq`` period."""
    return how == "sum" and coarser_step(native, freq, index)


def rows_to_sum(data: pd.DataFrame, native: str, freq: str, fill: str, guarded: bool) -> SummedRows:
    """``data`` on its own ``native`` grid with its missing rows and cells handled by
    ``fill`` (see the module docstring); ``data`` itself when none is missing."""
    own = regularise(data.assign(**{_ROWS: 1.0}), native, "sum", native)  # _ROWS counts each bin's rows
    absent = own.frame[_ROWS].isna().to_numpy()  # (rows,): no row of the data fell in the bin
    frame = own.frame.drop(columns=_ROWS)
    missing = frame.isna().any(axis=1).to_numpy()  # (rows,): absent, or with an empty cell
    if not missing.any():
        return SummedRows(data)
    gaps = int(absent.sum())
    cells = int(frame[~absent].isna().to_numpy().sum())
    first = readable(frame.index[int(np.flatnonzero(missing)[0])])
    first_gap = readable(frame.index[int(np.flatnonzero(absent)[0])]) if gaps else ""
    if fill == "error":
        raise DataError(
            f"{int(missing.sum())} {native} rows inside the {freq} periods summed are missing or "
            f"have empty cells (first {first}), and a sum over part of a period is not that "
            "period's sum; choose --fill interpolate|ffill|zero to fill them, or drop to drop their periods"
        )
    if fill != "drop":
        columns = [str(c) for c in frame.columns if frame[c].isna().sum() > gaps]
        check_invented(int(missing.sum()), gaps, len(frame), native, guarded, columns)
        frame = fill_missing(frame, fill)
    frame[_MARK] = missing.astype(np.float64)
    return SummedRows(frame, gaps, cells, first, first_gap, own.dropped, own.dropped_why)


def split_marks(frame: pd.DataFrame, fill: str) -> tuple[pd.DataFrame, pd.Index]:
    """(the summed frame without the mark column, the periods that held a missing row).
    Under ``--fill drop`` those periods become missing, for the fill to drop."""
    if _MARK not in frame.columns:
        return frame, frame.index[:0]
    holding = frame[_MARK].to_numpy() > 0  # (periods,)
    frame = frame.drop(columns=_MARK)
    if fill == "drop":
        frame.loc[holding] = np.nan
    return frame, frame.index[holding]


def filled_note(rows: SummedRows, native: str, freq: str, fill: str, periods: int) -> str:
    """The load line's account of what was done before summing ("" when nothing was)."""
    if not rows.gaps and not rows.empty_cells:
        return ""
    if fill == "drop":
        return (
            f"{freq} periods missing {native} rows or cells count as missing (first {rows.first_missing}): "
            "a sum over part of a period is not that period's sum"
        )
    held = "the period holding them is" if periods == 1 else f"the {periods} periods holding them are"
    return (
        f"missing {native} rows and cells filled before summing to {freq} (first {rows.first_missing}); "
        f"{held} not scored in a backtest"
    )
