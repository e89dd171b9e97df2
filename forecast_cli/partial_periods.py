"""A first or last period the data covers only in part, left out when rows are combined
into coarser periods (``regularise``): half a month of sales summed reads as a month whose
sales halved, and a week's last close taken on a Wednesday is no Friday close.
"""

from __future__ import annotations

import pandas as pd

from .calendars import Calendar
from .clock import to_offset
from .errors import DataError, UsageError
from .stamps import readable


def whole_periods(regular, filled, index, native: str, how, same_period):
    """(frame, filled bins, note) without a first or last period that the data covers only
    in part. Summed, half a month of sales reads as a month whose sales halved (a fall the
    model would learn, and a forecast that starts from it); a week's last close taken on a
    Wednesday is no Friday close, and its label makes the forecast skip the week the user
    is in; a mean, min or max over part of a period is not the period's either. A ``first``
    is whole once its period has begun (only a partial first period is dropped), a
    ``last`` once its period has ended (only a partial last one). A period is partial when
    the data's next (previous) step of its own frequency would still fall inside it:
    ``same_period(a, b)`` says whether two stamps share a period of the grid."""
    kinds = set(how.values()) if isinstance(how, dict) else {how}  # ohlc: one per column
    lead, trail = bool(kinds - {"last"}), bool(kinds - {"first"})
    before = _step(index[0], native, -1) if lead else None
    after = _step(index[-1], native, 1) if trail else None
    first = before is not None and same_period(before, index[0])
    last = after is not None and same_period(index[-1], after)
    if not (first or last):
        return regular, filled, ""
    if len(regular) - first - last < 2:  # too few whole periods: kept, and said
        ends = [e for e, partial in (("first", first), ("last", last)) if partial]
        return (
            regular,
            filled,
            f"the {' and '.join(ends)} period covered only in part (kept: too few whole periods)",
        )
    keep = slice(int(first), len(regular) - int(last))
    said = []
    if first:
        said.append(
            f"the first period (labelled {readable(regular.index[0])}) dropped: the data covers only part of it, "
            f"from {readable(index[0])}"
        )
    if last:
        said.append(
            f"the last period (labelled {readable(regular.index[-1])}) dropped: the data covers only part of it, "
            f"up to {readable(index[-1])}"
        )
    return regular.iloc[keep], filled[keep], "; ".join([*said, _whole_reason(how)])


def _whole_reason(how) -> str:
    if how == "sum":
        return "a sum over part of a period is not that period's sum"
    if isinstance(how, str):
        return f"the {how} of part of a period is not that period's {how}"
    return "a bar over part of a period is not that period's bar"


# pandas closes these offsets' bins on the right and labels them by their end (a month's
# last day, a week's Sunday); every other offset's bins are closed on the left
RIGHT_CLOSED = frozenset({"ME", "YE", "QE", "BME", "BYE", "BQE", "W"})


def period_test(labels: pd.DatetimeIndex, offset):
    """``same_period(a, b)``: whether two stamps fall in the first or the last of the bins
    ``labels`` (the periods the data was binned into, before any is dropped), read off
    those bins themselves. Probes binned on their own put multiples of anchored steps
    (``2MS``, ``2W-SUN``) on other edges, since pandas counts those from the first stamp it
    sees: two whole half-years were dropped as partial, and one-week ends were kept as
    fortnights."""
    right = offset.rule_code.split("-")[0] in RIGHT_CLOSED

    def inside(t: pd.Timestamp, label: pd.Timestamp) -> bool:
        # pandas closes such a bin at the end of its label's day: 09:00 on 31 January is
        # January's, and 09:00 on 31 December the year before's
        return label - offset < t.normalize() <= label if right else label <= t < label + offset

    def same_period(a: pd.Timestamp, b: pd.Timestamp) -> bool:
        return any(inside(a, label) and inside(b, label) for label in (labels[0], labels[-1]))

    return same_period


def _step(stamp: pd.Timestamp, native: str, direction: int) -> pd.Timestamp | None:
    """The data's next (+1) or previous (-1) step at its own frequency (an exchange's next
    bar or session); None when its calendar has none to give."""
    calendar = Calendar.parse(native)
    if calendar is not None:  # the session (bar) after or before it, across a close if need be
        try:
            return calendar.following(stamp, 1)[0] if direction > 0 else calendar.preceding(stamp)
        except DataError:  # beyond the calendar's years
            return None
    return stamp + direction * to_offset(native)


def thin_periods(index: pd.DatetimeIndex, native: str, offset, origin, sizes: pd.Series, kept) -> str:
    """``2 periods combined from part of their rows (first labelled 2023-06-01: 23 of 30 D
    rows)``: inner periods (``kept``, the labels whole_periods left) that some of the data's
    own rows are missing from, under an aggregation that takes what is there (a mean of 23
    days stands for June's). Said, not refused: a sum fills or drops such rows by --fill
    (``summed_periods``); a mean of the days there is the best guess at the month's."""
    try:
        grid = pd.date_range(index[0], index[-1], freq=to_offset(native))
    except (UsageError, ValueError):  # a step pandas cannot lay out: not counted (exchange
        # steps never come here: their sessions are not binned by ``regularise``'s resampler)
        return ""
    if len(grid) <= len(index):
        return ""
    whole = pd.Series(1, index=grid).resample(offset, origin=origin).size()
    have = sizes.reindex(whole.index, fill_value=0)
    thin = (have > 0) & (have < whole) & whole.index.isin(kept)
    if not thin.any():
        return ""
    label = thin.index[thin.to_numpy()][0]
    n = int(thin.sum())
    return (
        f"{n} period{'s' if n > 1 else ''} combined from part of {'their' if n > 1 else 'its'} rows (first labelled "
        f"{readable(label)}: {int(have[label])} of {int(whole[label])} {native} rows)"
    )
