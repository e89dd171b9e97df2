"""Which grid each series of a long panel is on, read with numpy from the sorted stamps.

``group_keys`` gives every series that needs no repair (no NaN, non-numeric or infinite
value, not constant, two rows or more, no repeated timestamp) a key such that series
with the same key get the same step from ``frequency.infer_frequency`` and are left
as they are by ``regularise`` whenever one of them is (``panel_table`` checks that on
one series per key). The keys name what decides both:
- ``tick``: one step under a day, with weekend rows (no exchange hours to look for);
  resampling from the first stamp keeps every row;
- ``days``: one step of a day or a week, every stamp at midnight (weeks: the weekday);
- ``months``: consecutive month, quarter or year starts (or ends) at midnight, with the
  first month's place in the quarter or year (a quarter grid starts in January);
- ``exact``: anything else, by its exact stamps (series with the same stamps share a grid).
"""

from __future__ import annotations

import numpy as np

_MAX, _MIN = np.iinfo(np.int64).max, np.iinfo(np.int64).min


def group_keys(t: np.ndarray | None, unit: str, y: np.ndarray, starts: np.ndarray, bad: np.ndarray) -> list:
    """Per series (rows ``starts[c]:starts[c + 1]`` of ``t``, int64 stamps in ``unit``,
    sorted within each series, or None for integer steps): its key, or None when it
    needs the per-series path. ``y`` is the target in the same order; ``bad`` marks
    series with a value that is not a finite number."""
    n = np.diff(starts)
    first = starts[:-1]
    last = np.maximum(starts[1:] - 1, first)
    usable = ~bad & (n >= 2)
    if len(y):
        usable &= np.minimum.reduceat(y, first) != np.maximum.reduceat(y, first)
    if t is None:
        return [("steps",) if u else None for u in usable]
    low, high = _step_range(t, first, last)
    usable &= low > 0  # repeated stamps are merged per series
    uniform = usable & (low == high)
    day = int(np.timedelta64(1, "D").astype(f"m8[{unit}]").astype(np.int64))
    midnight = t[first] % day == 0  # every row is, with a step of whole days
    weekday = (t[first] // day + 3) % 7  # 1970-01-01 was a Thursday (Monday 0)
    weekend = np.zeros(len(n), dtype=bool)
    if (uniform & (low < day)).any():
        weekend = np.logical_or.reduceat((t // day + 3) % 7 >= 5, first)
    calendar = usable & ~(uniform & (low <= 7 * day))  # steps that may be months, quarters, years
    months = _month_steps(t, unit, day, first, last) if calendar.any() else None
    keys: list = []
    for c, (ok, step) in enumerate(zip(usable.tolist(), low.tolist(), strict=True)):
        if not ok:
            keys.append(None)
        elif uniform[c] and step < day and weekend[c]:
            keys.append(("tick", step))
        elif uniform[c] and midnight[c] and step in (day, 7 * day):
            keys.append(("days", step, int(weekday[c]) if step == 7 * day else -1))
        elif months is not None and months[c] is not None:
            keys.append(months[c])
        else:
            a, b = first[c], last[c] + 1
            keys.append(("exact", b - a, int(t[a]), int(t[b - 1]), hash(t[a:b].tobytes())))
    return keys


def _step_range(values: np.ndarray, first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest step within each series (a one-row series: MAX and MIN)."""
    diffs = np.empty_like(values)
    diffs[:-1] = values[1:] - values[:-1]
    diffs[last] = _MAX  # no step across series
    low = np.minimum.reduceat(diffs, first)
    diffs[last] = _MIN
    return low, np.maximum.reduceat(diffs, first)


def _month_steps(t: np.ndarray, unit: str, day: int, first: np.ndarray, last: np.ndarray) -> list:
    """Per series: ``("months", k, "S" or "E", first month mod k)`` for k = 1, 3 or 12
    months between consecutive rows, all on month starts (or all on month ends) at
    midnight; None otherwise."""
    stamps = t.view(f"M8[{unit}]")
    month = stamps.astype("M8[M]")
    on_start = month.astype(f"M8[{unit}]").view(np.int64) == t
    on_end = ((stamps + np.timedelta64(1, "D")).astype("M8[M]") != month) & (t % day == 0)
    all_start = np.logical_and.reduceat(on_start, first)
    all_end = np.logical_and.reduceat(on_end, first)
    number = month.view(np.int64)
    low, high = _step_range(number, first, last)
    out: list = []
    for c in range(len(first)):
        k = int(low[c])
        if low[c] != high[c] or k not in (1, 3, 12) or not (all_start[c] or all_end[c]):
            out.append(None)
        else:
            out.append(("months", k, "S" if all_start[c] else "E", int(number[first[c]] % k)))
    return out
