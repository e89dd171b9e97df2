"""Filled targets as a backtest may read them: from the rows before them only.

``--fill interpolate`` (the default) fills a gap from the values on both sides of it. A
gap that ends where a fold's origin is was then filled from the origin's own value: the
naive forecast at that origin read the first actual it was scored on (33 became 516 when
the rows after the origin were set to 1000), and the network and every band read it too.
In a backtest each filled target value is therefore carried forward from the last
observed one before it, which no later row can change. ``train`` and ``predict``
interpolate, since their data ends where the user's does (a gap at the end of the data
is no row at all: ``trim_empty_ends``); on data without gaps the two are the same.
Known-future and past feature cells keep the loader's fill.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .panel import Panel
from .series_record import Series

CAUSAL_FILLS = ("ffill", "zero")  # fills that read no later row: left as they are


def carried_forward(panel: Panel, fill: str) -> tuple[Panel, int]:
    """``panel`` with each filled target value carried forward from the last observed one
    (``fill`` read from later rows), and how many values that changed."""
    if fill in CAUSAL_FILLS:
        return panel, 0
    members, changed = [], 0
    for member in panel.members:
        seen = member.observed()
        if seen.all():
            members.append(member)
            continue
        y = member.frame[member.target]
        causal = y.where(seen).ffill()  # a series starts observed (``trim_empty_ends``)
        changed += int((causal.to_numpy() != y.to_numpy()).sum())
        members.append(_with_target(member, causal))
    return dataclasses.replace(panel, members=members), changed


def _with_target(member: Series, values: pd.Series) -> Series:
    frame = member.frame.copy()
    frame[member.target] = np.asarray(values, dtype=frame[member.target].dtype)
    return dataclasses.replace(member, frame=frame)
