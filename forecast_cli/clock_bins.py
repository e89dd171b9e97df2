"""Binning rows of a clock step: where the bins start (the rows' own phase, or a grid the
rows missed by seconds), and the lines that say when stamps were moved onto the grid or
daily stamps were read as local midnights, or rows were combined into one period."""

from __future__ import annotations

import pandas as pd

from .errors import DataError


def clock_origin(index: pd.DatetimeIndex, step: pd.Timedelta) -> tuple[pd.Timestamp, pd.Timedelta]:
    """(where bins of a clock step start, how far their labels move forward onto the grid).

    At the earliest phase (offset within the step) of the rows, so that hourly readings at
    :30 keep :30, and a logger's minutes written 0-2 seconds late each stay in their own
    minute. Bins from the first row's own phase (say :02) put a row at 00:01:01 into the bin
    of 00:00:02: 690 pairs of real minutes were averaged and 689 invented. Rows written a
    little early or late of one grid (5-minute readings 2 seconds either side of 00:05)
    have phases on both sides of 0: read from half a step before, they are one cluster
    (within a quarter of the step), and the bins start at the earliest of them, labelled on
    the grid point it missed by seconds (from the first row, 333 of 2,000 such rows shared a
    bin with their neighbour). Hourly rows with a few at :40 are no such cluster: they stay
    in their hour. Other phases share no anchor: the bins start at the first row."""
    start = index[0].normalize()
    phase = (index - start) % step  # (rows,) offsets within the step
    lo, hi = phase.min(), phase.max()
    if hi - lo < step / 2:
        return start + lo, pd.Timedelta(0)
    around = (phase + step / 2) % step  # the same phases, wrapped half a step later
    lo, hi = around.min(), around.max()
    if hi - lo < step / 4:  # clustered about the grid: the earliest row is ``early`` before it
        early = step / 2 - lo
        return start - early, early
    return index[0], pd.Timedelta(0)


def snapped_note(
    index: pd.DatetimeIndex, origin: pd.Timestamp, early: pd.Timedelta, step: pd.Timedelta, freq: str
) -> str:
    """``12 stamps put on the 5min grid (up to 3s off it)`` when rows of the data's own
    clock step are labelled by a grid point they missed by seconds (a logger's jitter):
    their values are kept, but their stamps are not what the file says, and that was said
    nowhere. Bins start at ``origin`` and are labelled ``early`` later (``clock_origin``)."""
    labels = origin + ((index - origin) // step) * step + early  # (rows,) each row's bin label
    off = abs(index - labels)  # (rows,)
    moved = off > pd.Timedelta(0)
    if not moved.any():
        return ""
    largest = pd.Timedelta(off.max())
    seconds = int(largest.total_seconds())
    if seconds == 0:
        most = f"{largest / pd.Timedelta(milliseconds=1):g}ms"
    elif seconds < 3600:
        minutes, rest = divmod(seconds, 60)
        most = f"{seconds}s" if seconds < 60 else f"{minutes}min" + (f" {rest}s" if rest else "")
    else:
        hours, rest = divmod(seconds // 60, 60)
        most = f"{hours}h" + (f" {rest}min" if rest else "")
    count = int(moved.sum())
    return f"{count} stamp{'s' if count > 1 else ''} put on the {freq} grid (up to {most} off it)"


def local_midnights(clock: pd.TimedeltaIndex) -> bool:
    """True when daily rows are stamped at two clock times an hour apart, both within
    ``NEAR_MIDNIGHT`` of midnight (23:00 and 00:00 UTC): a European zone's local midnights,
    written in UTC, moving with its summer time. Binned by the date the stamps fall on,
    London's summer days took the date before theirs and one day the file has was filled
    as a gap; Berlin's every day. Times further from midnight are other readings (London's
    noon in UTC is 11:00 and 12:00, New York's 16:00 close 20:00 and 21:00), whose dates are
    the ones they fall on; so are zones further from UTC (Sydney's midnights, 13:00 and
    14:00, cannot be told from a noon reading)."""
    times = clock.unique()
    if len(times) != 2:
        return False
    apart = abs(times[1] - times[0])
    # whole hours: London's 23:30 readings in UTC (22:30 and 23:30) are no midnights
    near = all(
        min(t, pd.Timedelta(days=1) - t) <= NEAR_MIDNIGHT and t % pd.Timedelta(hours=1) == pd.Timedelta(0)
        for t in times
    )
    return near and apart in (pd.Timedelta(hours=1), pd.Timedelta(hours=23))


NEAR_MIDNIGHT = pd.Timedelta(hours=2)  # local midnights of zones up to 2 h from UTC (summer time included)


def summer_time_note(clock: pd.TimedeltaIndex, tz) -> str:
    """What reading daily rows as local midnights did (``local_midnights``)."""
    late = clock >= pd.Timedelta(hours=12)
    zone = f" {tz}" if tz is not None else ""
    times = " and ".join(clock_text(t) for t in sorted(clock.unique()))
    moved = f" ({int(late.sum())} put on the next day's date)" if late.any() else ""
    return f"daily stamps at {times}{zone} read as local midnights of a zone with summer time{moved}"


def clock_text(offset: pd.Timedelta) -> str:
    """A time of day as HH:MM (HH:MM:SS when it has seconds)."""
    seconds = int(offset.total_seconds())
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}" + (f":{rest % 60:02d}" if rest % 60 else "")


def combined_note(
    combined: int, first: str, source: str, native: str | None, freq: str, how: str, default_agg: bool = False
) -> str:
    """What to say of ``combined`` rows binning put into a period another row was in
    (``Regular.combined``; ``first``: the first such period's rows, ``Regular.first_combined``):
    on an inferred step they are refused, since the step does not fit them and combining
    them would change the data unasked; on a step the user gave as the data's own they are
    said; on a coarser given step (hourly to daily) combining is the point, and the line
    names how (daily sales into months by the default mean are the mean day's sales, not
    the month's: said nowhere but ``info -f json``)."""
    if not combined:
        return ""
    n = combined
    if source == "inferred":
        raise DataError(
            f"{n} row{'s' if n > 1 else ''} fall{'s' if n == 1 else ''} into a {freq} period with another "
            f"row ({first}), {freq} being the step of most rows; fix their timestamps, "
            f"or give --freq {freq} to combine each period's rows (--agg, now {how})"
        )
    if native is not None and native != freq:
        agg = (
            f"{how} (the default: --agg sum for totals, last for prices)"
            if default_agg and isinstance(how, str)
            else how
        )
        return f"{native} rows combined into {freq} periods by {agg}"
    return f"{n} row{'s' if n > 1 else ''} combined into a period of another with {how} (first {first})"
