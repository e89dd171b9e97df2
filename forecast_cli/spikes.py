"""Values far outside their neighbours: a data-entry spike, 100,000 among values near 100.

The network reads a series as it is, and on a panel one such row barely moves it. Two
things built from a series' own rows do not shrug it off. The damped trend's seasonal
factors average a few seasons' ratios, so one spike set the factor of its month for as
long as it stayed in the window: one value of 1e5 in 72 months near 100 put the
forecast at 377. And a band's scale is the mean absolute one-step change
(``intervals.series_scale``), which the spike multiplied by 250, giving an 80% band from 0
to 1,893. Both now read a spike as the median of its neighbours (``tamed``), and the
loader warns about each one, naming the series, the row and the value.

What counts as a spike, and why these bounds: a row more than ``LIMIT`` times the
series' median absolute one-step change away from the median of the ``HALF`` rows either
side of it, and further from that median than the median is from zero. The second test
keeps step-like series out: M1 quarterly's QNM17 holds a value for quarters at a time,
so its median change is 0.4, and a real rise of 70 passed the first test. On every real
data set we have (M1 monthly and quarterly, the accommodation panel, the four single
series) no row is a spike; at ``LIMIT`` 20 five M1 rows were. A spike in a window's
first or last ``HALF`` rows cannot be told from a change of level and is left as it is,
and so is every row of a series whose median change is 0 (intermittent demand, where a
sale among zeros is the data).

Each window is judged by its own rows only: a backtest origin's smoother never learns
from rows after it that a row before it was a spike.
"""

from __future__ import annotations

import numpy as np

HALF = 3  # neighbours each side: up to three spikes in a row stay outside the median
LIMIT = 50.0  # times the median absolute one-step change
CHUNK = 512  # windows per median: (512, n, 7) float64 is 29 MB at n = 1,000


def spike_mask(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mask, neighbours) for windows ``a`` (windows, n): True where a row is a spike,
    and the median of its neighbours (NaN where none is computed)."""
    a = np.asarray(a, dtype=np.float64)
    windows, n = a.shape
    mask = np.zeros(a.shape, dtype=bool)
    near = np.full(a.shape, np.nan)
    span = 2 * HALF + 1
    if n < span:
        return mask, near
    changes = np.abs(np.diff(a, axis=1))  # (windows, n - 1)
    step = np.median(changes, axis=1)  # (windows,), NaN with a NaN row
    # A spike is within HALF changes of each neighbour, so one change at least is over
    # LIMIT * step / HALF: windows without one have none, and skip the running median
    # (a series' scale is read at every backtest origin and of every stored series)
    with np.errstate(invalid="ignore"):
        maybe = np.flatnonzero((changes.max(axis=1) > LIMIT * step / HALF) & (step > 0))
    for rows in np.array_split(maybe, max(1, -(-len(maybe) // CHUNK))) if len(maybe) else ():
        view = np.lib.stride_tricks.sliding_window_view(a[rows], span, axis=1)  # (rows, n - 2H, span)
        near[rows, HALF : n - HALF] = np.median(view, axis=2)
    with np.errstate(invalid="ignore"):
        off = np.abs(a - near)  # (windows, n)
        mask = (off > LIMIT * step[:, None]) & (off > np.abs(near)) & (step[:, None] > 0)
    return mask, near


def tamed(a: np.ndarray) -> np.ndarray:
    """``a`` (windows, n) with each spike replaced by the median of its neighbours; the
    same array when there is none."""
    mask, near = spike_mask(a)
    return np.where(mask, near, a) if mask.any() else np.asarray(a, dtype=np.float64)


def spike_warning(ids: tuple[str, ...], stamps: list, values: list[np.ndarray], lone: bool) -> str | None:
    """One warning line naming the spikes of every series (the first three), or None.
    ``stamps``: each series' row labels; ``lone``: one series, not named."""
    found = []
    for name, index, y in zip(ids, stamps, values, strict=True):
        mask, near = spike_mask(np.asarray(y, dtype=np.float64)[None, :])
        for row in np.flatnonzero(mask[0]):
            where = "" if lone else f"series {name!r}: "
            found.append(f"{where}{y[row]:g} at {_label(index[row])}, where they are near {near[0, row]:g}")
    if not found:
        return None
    shown = "; ".join(found[:3]) + (f"; and {len(found) - 3} more" if len(found) > 3 else "")
    what = "1 value far outside its" if len(found) == 1 else f"{len(found)} values far outside their"
    return (
        f"{what} neighbours ({shown}): the damped trend and the bands' scale read their median "
        "there, the network the value; check the data"
    )


def _label(stamp) -> str:
    from .stamps import readable

    return readable(stamp) if hasattr(stamp, "normalize") else str(stamp)
