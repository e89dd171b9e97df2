"""Filled targets as a backtest may read them: from the rows before them only.

``--fill interpolate`` (the default) fills a gap from the values on both sides of it. A
gap that ends where a fold's origin is was then filled from the origin's own value: the
naive forecast at that origin read the first actual it was scored on (33 became 516 when
the rows after the origin were set to 1000), and the network and every band read it too.
In a backtest each filled target value, and each filled cell of a past-observed feature,
is therefore carried forward from the last observed one before it, which no later row can
change. ``train`` and ``predict``
interpolate, since their data ends where the user's does (a gap at the end of the data
is no row at all: ``trim_empty_ends``); on data without gaps the two are the same.
Known-future columns keep the loader's fill: they are known over the horizon.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .panel import Panel

CAUSAL_FILLS = ("ffill", "zero")  # fills that read no later row: left as they are


def carried_forward(panel: Panel, fill: str, known_future: tuple[str, ...] = ()) -> tuple[Panel, int]:
    """``panel`` with each filled target value, and each filled cell of a past-observed
    feature, carried forward from the last observed one (``fill`` read from later rows),
    and how many values that changed. Known-future columns are known over the horizon by
    definition, and keep their fill."""
    if fill in CAUSAL_FILLS:
        return panel, 0
    members, changed = [], 0
    for member in panel.members:
        gaps = {c: cells for c, cells in (member.inputs_filled or {}).items() if c not in known_future}
        seen = member.observed()
        if seen.all() and not gaps:
            members.append(member)
            continue
        frame = member.frame.copy()
        observed = {member.target: seen, **{c: ~frame.index.isin(cells) for c, cells in gaps.items()}}
        for column, kept in observed.items():  # kept: (rows,) True where the value was read
            old = frame[column]
            # forward from the last observed value; a column's first cells keep the loader's
            causal = old.where(kept).ffill().fillna(old)
            changed += int((causal.to_numpy() != old.to_numpy()).sum())
            frame[column] = np.asarray(causal, dtype=old.dtype)
        members.append(dataclasses.replace(member, frame=frame))
    return dataclasses.replace(panel, members=members), changed
