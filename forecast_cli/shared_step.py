"""A panel's series of one timestamp, put on the step the others share.

One row tells no step, so ``prepare_series`` refuses it alone (``OneTimestamp``); in a
panel the other series tell it, and a product sold once so far is forecast beside them
rather than stopping the whole panel (``on_shared_step``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pandas as pd

from .cell_numbers import rows_text
from .config import DataConfig
from .errors import DataError, OneTimestamp
from .series import prepare_series
from .series_record import Series


def on_shared_step(
    members: list[Series | None],
    single: dict[int, OneTimestamp],
    split,
    wanted: Sequence[str],
    cfg: DataConfig,
    file_rows: pd.Index,
    to_learn: bool = True,
) -> list[Series]:
    """``members`` with each series of one timestamp loaded on the step the others share,
    or, for rows a model forecasts from (not ``to_learn``), on the model's step when no
    other series is given (a trained series given one row was refused alone, and
    forecast beside others).

    One row tells no step, but a panel's series share one: a product sold once so far is
    put on it, forecast by its last value (too short for the network's window, as any
    short series) and named by the plan, rather than stopping the whole panel. Only when
    every series has one timestamp is it an error. (Others on several steps: the most
    common is taken, and the panel's check of its steps refuses them, naming them.)"""
    loaded = [m for m in members if m is not None]
    if not single:
        return loaded
    steps = [m.freq for m in loaded]
    if not steps and cfg.freq is not None and not to_learn:  # the model's step places them
        steps = [cfg.freq]
    if not steps:
        first = min(single)
        rows = split.rows(first)
        where = rows_text(file_rows.get_indexer(rows.index.unique()))
        raise DataError(f"series {wanted[first]!r}: {single[first]} (the series is on data rows {where})")
    freq = max(dict.fromkeys(steps), key=steps.count)
    source = loaded[0].report.freq_source if loaded else "given"
    stepped = dataclasses.replace(cfg, freq=freq)
    for i in single:
        member = prepare_series(split.rows(i), stepped, least_rows=1)
        member.report.freq_source = source
        members[i] = member
    return [m for m in members if m is not None]
