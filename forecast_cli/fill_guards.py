"""Guards on filling a grid: refuse a default fill that would invent much of a series (a
wrong step is the likelier story than many gaps), and say what ``--fill drop`` changed
when it left out much of the grid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from .errors import InventedRows
from .panel_ids import spaced_twin

MAX_INVENTED = 0.2


def check_invented(
    invented: int,
    gaps: int,
    rows: int,
    freq: str | None,
    guarded: bool,
    columns: Sequence[str] = (),
    exchanges: Callable[[], list[str]] | None = None,
    dates_layout: Callable[[], str | None] | None = None,
    week: Callable[[], str] | None = None,
) -> None:
    """Refuse a guarded fill that would invent more than ``MAX_INVENTED`` of ``rows``: rows of
    absent periods (``gaps``) and rows with empty cells alike (``invented`` counts both).
    ``columns`` names the columns with empty cells, so a feature nothing else is wrong with
    is named (it may be the one to drop from --features); ``exchanges``, asked only when
    refusing, the --freq values (``XLON@15min``) of the exchanges whose trading hours the
    observed rows fill: bars without a zone and without a holiday in their span are not
    taken for an exchange's unasked, so the refusal names the --freq that reads them.
    ``freq`` None: numbered steps, whose absent periods are step numbers skipped;
    ``dates_layout``, asked only when refusing steps that skip, where those numbers are
    dates written without separators (20200125 under ``ds``), the --time-format that reads
    them: inventing the numbers between 20200131 and 20200201 is no fix, and --freq is
    refused on steps. ``week``, asked only when refusing, says which days of the week no
    row falls on (an exchange's week of Sunday to Thursday), where that is the fix to name:
    filling would invent every weekend."""
    if not guarded or rows == 0 or invented <= MAX_INVENTED * rows:
        return
    empty = invented - gaps
    where = (
        f" (in {', '.join(repr(c) for c in columns[:3])}{' ...' if len(columns) > 3 else ''})"
        if columns
        else ""
    )
    grid = f"{gaps:,} absent periods on the {freq} grid" if freq else f"{gaps:,} step numbers skipped"
    parts = [grid if gaps else "", f"{empty:,} rows with empty cells{where}" if empty else ""]
    what = " and ".join(p for p in parts if p)
    fix = ("check --freq, or accept" if freq else "check the step column, or accept") if gaps else "accept"
    head = f"filling would invent {invented:,} of {rows:,} rows ({invented / rows:.0%}"
    if gaps and dates_layout is not None and (layout := dates_layout()):
        raise InventedRows(
            f"{head}: {what}); the steps look like dates written without separators: give --time-format {layout}",
            absent=gaps,
            share=invented / rows,
        )
    if gaps and week is not None and (closed := week()):
        raise InventedRows(
            f"{head}: {what}); {closed}, or accept it with an explicit --fill interpolate|ffill|zero|drop",
            absent=gaps,
            share=invented / rows,
        )
    # most of the grid absent: observed at some times only (opening hours), which no fill
    # repairs; rows counted as steps are the honest series
    observed_only = "; if rows exist only at some times (opening hours), --time-col '' counts them as steps"
    if 2 * gaps > rows and exchanges is not None and (freqs := exchanges()):
        names = " or ".join(f.split("@")[0] for f in freqs[:3])
        observed_only = f"; if they are {names} trading hours, give --freq {freqs[0]}" + observed_only
    raise InventedRows(
        f"{head}, over {MAX_INVENTED:.0%}: {what}); {fix} it with an explicit --fill interpolate|ffill|zero|drop"
        + (observed_only if 2 * gaps > rows else ""),
        absent=gaps,
        share=invented / rows,
    )


def dropped_grid_note(dropped: int, periods: int, freq: str | None) -> str:
    """What ``--fill drop`` changed, said when it left out more of the grid than a fill
    may invent (``MAX_INVENTED``): the rows then step over the periods dropped, so a
    season read off the frequency (24 hours, 7 days) counts rows that are no longer hours
    or days, and forecasts are stamped on the grid's next periods all the same."""
    if freq is None or periods == 0 or dropped <= MAX_INVENTED * periods:
        return ""
    return (
        f"--fill drop left out {dropped / periods:.0%} of the {freq} grid: a season now counts rows, "
        f"not {freq} periods, and forecasts step on the grid; for rows that exist only at some times "
        "(opening hours), --time-col '' with --season N says so"
    )


def closed_weekdays(observed: pd.DatetimeIndex, freq: str | None) -> str:
    """The fix for daily rows read on Sundays that never fall on a Friday or a Saturday, or
    both (Tel Aviv's and Riyadh's sessions run Sunday to Thursday): an exchange's --freq, not
    a fill that invents every Friday and Saturday; "" where that is not the story."""
    if freq != "D" or len(observed) < 28:
        return ""
    absent = sorted(set(range(7)) - set(observed.day_of_week))
    if absent not in ([4, 5], [4], [5]):  # Sundays are read: a week that is not Monday to Friday
        return ""
    names = " or ".join(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[d] for d in absent
    )
    return (
        f"no row falls on a {names}: if they are an exchange's sessions, give its --freq "
        "(Sunday to Thursday: XSAU, or XTAE before 2026)"
    )


def refuse_gappy_members(
    gappy: Sequence[tuple[str, InventedRows]], series: int, ids: Sequence[str] = ()
) -> None:
    """Refuse a panel some of whose series the default fill would invent too much of, naming
    them all: the first one's refusal alone said to check --freq, though the others' rows
    show the step is right, and hid how many more would stop the panel next. Where every
    series would (``len(gappy) == series``) the caller gives the first one's refusal: the
    step is then the likelier fault. ``ids``: the panel's, to name a series split in two by
    spaces around its id."""
    if not gappy or len(gappy) == series:
        return
    ordered = sorted(gappy, key=lambda g: -g[1].share)  # the worst first
    shown = ", ".join(f"{key!r} {exc.share:.0%}" for key, exc in ordered[:3]) + (
        " ..." if len(gappy) > 3 else ""
    )
    them = "it" if len(gappy) == 1 else "them"
    # a series split by a stray space around its id: both halves are gappy, the fix is the ids
    twins = spaced_twin([key for key, _ in gappy], ids)
    split = (
        f"; {twins[0]!r} and {twins[1]!r} differ only by spaces around them: trim the ids in the file"
        if twins
        else ""
    )
    others = "the other fills" if series - len(gappy) == 1 else "the others fill"
    raise InventedRows(
        f"filling would invent over {MAX_INVENTED:.0%} of the rows of {len(gappy)} of {series} series "
        f"({shown}), where {others} on the step; accept it with an explicit "
        f"--fill interpolate|ffill|zero|drop (zero where an absent row means none sold), or leave {them} "
        f"out with --ids or --ids-file{split}",
        absent=sum(exc.absent for _, exc in gappy),
        share=ordered[0][1].share,
        series=len(gappy),
    )
