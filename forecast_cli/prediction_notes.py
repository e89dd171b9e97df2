"""The notes a forecast carries to stderr: what the data given or the calibration leaves
out or changes, each a warning line naming the series and the fix (``prediction.predict``
collects them; the CLI prints them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import first_few
from .interval_levels import quantile_level
from .intervals import CalibrationTable
from .naive_floor import thin as table_is_thin
from .period_labels import said

if TYPE_CHECKING:
    from .forecaster import Forecaster


def _narrower(thin: Sequence[float], levels: Sequence[float]) -> str:
    """The fix for bands too wide for the calibration: a lower --level, or quantiles nearer
    0.5 where a quantile's band (it is an edge of the 100|2p - 1|% band) is among them."""
    fixes = ["a lower --level"] if any(lv in levels for lv in thin) else []
    if any(lv not in levels for lv in thin):
        fixes.append("quantiles nearer 0.5")
    return " or ".join(fixes)


def shortfall_notes(
    table: CalibrationTable, levels: Sequence[float], quantiles: Sequence[float], horizon: int | None = None
) -> list[str]:
    """Notes on bands the calibration cannot back, a quantile's band (its edge) included,
    over the first ``horizon`` steps (default: every calibrated one)."""
    bands_asked = dict.fromkeys([*levels, *(quantile_level(p) for p in quantiles if p != 0.5)])
    bare = _bare_note(table, horizon) if bands_asked else []
    thin = [lv for lv in bands_asked if table.shortfall(lv)]
    if not thin:
        return bare
    if np.isinf(table.abs_q).all():  # a round-1 file: nothing was calibrated
        return [
            "the model file is from round 1 and holds no calibration: its bands are unbounded; retrain it"
        ]
    if table.windows == 0:  # only flat series were calibrated: their bands have no width anyway
        return [
            "the training series were flat: the bands have no width (nothing in the history says how far they may move)"
        ]
    # a thin table's bands are widened to seasonal naive's on the history (``naive_floor``)
    floored = " or seasonal naive's band on the history, whichever is wider" if table_is_thin(table) else ""
    return [
        f"only {table.windows} calibration errors behind a step's band: the {', '.join(f'{lv:g}%' for lv in thin)} "
        f"band is the widest error seen{floored}, which may cover less; use more data or {_narrower(thin, levels)}"
    ] + bare


def _bare_note(table: CalibrationTable, horizon: int | None = None) -> list[str]:
    """Said when the last steps had no calibration error of their own: their bands are
    nearer steps' errors, and errors grow with the step (a panel of 14-row series gave a
    first backtest fold 31% coverage at 80%, with no word). Only of steps forecast: a
    2-step forecast was warned about its model's step 12."""
    steps = len(table.abs_q) if horizon is None else min(horizon, len(table.abs_q))
    first = len(table.abs_q) - table.bare_steps + 1
    if not table.bare_steps or first > steps:
        return []
    one = first == steps
    which = (
        f"step {steps} had no calibration error of its own"
        if one
        else f"steps {first}-{steps} had no calibration error of their own"
    )
    return [
        f"{which} (every validation tail is shorter): {'its band borrows' if one else 'their bands borrow'} "
        "nearer steps' errors and may cover less; longer series or a shorter --horizon calibrate every step"
    ]


def changed_statics(
    f: Forecaster, trained: dict[str, tuple[str, ...]], now: dict[str, tuple[str, ...]]
) -> list[str]:
    """A note for trained series whose static value differs in the data given: the forecast
    follows the new value (a store moved to another region), which may be a data mistake
    that exit 0 alone hides."""
    changed = [
        (name, column, old, new)
        for name, row in now.items()
        if name in trained
        for column, old, new in zip(f.static_levels_, trained[name], row, strict=False)
        if old != new
    ]
    if not changed:
        return []
    name, column, old, new = changed[0]
    who = first_few(list(dict.fromkeys(repr(n) for n, *_ in changed)))
    return [
        f"series {who}: static value(s) differ from training (first {column} {old!r} -> {new!r} for "
        f"{name!r}); the forecast reads the new value"
    ]


def unseen_categories(f: Forecaster, names: list[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A note for series whose static value the model never saw: it reads as none of the
    known categories (all zeros), which the forecast depends on and exit 0 alone hides."""
    unseen = [
        (name, column, value)
        for name, row in zip(names, rows, strict=True)
        for (column, known), value in zip(f.static_levels_.items(), row, strict=False)
        if value not in known
    ]
    if not unseen:
        return []
    name, column, value = unseen[0]
    who = first_few(list(dict.fromkeys(repr(n) for n, _, _ in unseen)))
    return [
        f"series {who}: static value(s) not in training (first {column}={value!r} for {name!r}); "
        "read as none of the known categories"
    ]


def older_than_training(f: Forecaster, names: list[str], frames: Sequence[pd.DataFrame]) -> list[str]:
    """A note for series whose given rows end before the model's own training rows of them
    (a stale export, or a file cut short): their forecast starts after the data's end, so
    it covers steps the model has already seen, which exit 0 alone would not say."""
    known = {name: i for i, name in enumerate(f.ids_)}
    ends = f.histories_.last_stamps()  # (series,): each series' last training row
    early = [
        (name, frame.index[-1], ends[known[name]])
        for name, frame in zip(names, frames, strict=True)
        if name in known and len(frame) and frame.index[-1] < ends[known[name]]
    ]
    if not early:
        return []
    name, given, trained = (said(v, f.time_labels_, f.freq_) for v in early[0])
    who = f"series {first_few([repr(n) for n, _, _ in early])}" if f.id_col_ is not None else "the data"
    return [
        f"{who}: the rows given end before the model's training rows ({given} against "
        f"{trained}{' for ' + repr(name) if len(early) > 1 else ''}); the forecast starts "
        "after the rows given, at steps the model has already seen"
    ]


def positions_note(f: Forecaster, names: list[str], frames: Sequence[pd.DataFrame]) -> list[str]:
    """A note when rows without a step column (numbered 0, 1, ... by their order) end at
    another number than the model's training steps: the forecast's steps follow the rows
    given, so they are numbered as those rows are, not as training's were. Compared as
    step numbers they read as a stale file ("ends before the model's training rows, 59
    against 60": the model's steps were ds = 1..60)."""
    known = {name: i for i, name in enumerate(f.ids_)}
    ends = f.histories_.last_stamps()
    rows = getattr(f, "series_rows_", None)  # the training rows: a model of positions ends at rows - 1
    apart = [
        (name, len(frame) - 1, ends[known[name]])
        for name, frame in zip(names, frames, strict=True)
        if name in known
        and len(frame)
        and len(frame) - 1 != ends[known[name]]
        and not (rows is not None and ends[known[name]] == rows[known[name]] - 1)  # trained on positions too
    ]
    if not apart:
        return []
    name, last, trained = apart[0]
    who = f" of {name!r}" if f.id_col_ is not None else ""
    return [
        f"the data has no step column: its rows{who} are numbered 0..{last} by their order, and the "
        f"forecast's steps follow them, where the model's training steps end at {trained}; give the step "
        "column to number them as in training"
    ]


def short_history_notes(
    f: Forecaster, names: list[str], values: list[np.ndarray], forecast: list[int], known: dict[str, int]
) -> list[str]:
    """A note for each known series given fewer rows than the model kept of it, when the
    long-run drift input or the damped-trend smoother reads past the lookback: they then span
    only the rows given, and the forecast differs from one made from the whole series."""
    plan = f.plan_
    if not (plan.drift_rows or plan.damped_rows):
        return []
    kept = f.histories_.lengths()
    short = [i for i in forecast if names[i] in known and len(values[i]) < kept[known[names[i]]]]
    if not short:
        return []
    readers = [f"the long-run drift input's {plan.drift_rows} steps"] if plan.drift_rows else []
    readers += [f"the damped trend's {plan.damped_rows} rows"] if plan.damped_rows else []
    # a model of one series, without an id column, names no series (it said series '')
    who = f"series {first_few([repr(names[i]) for i in short])}" if names != [""] else "the data"
    return [
        f"{who}: fewer rows than the {plan.history_rows} a forecast "
        f"reads ({', '.join(readers)}); they span only the rows given (give more history for the model's own)"
    ]


def short_note(
    why: str, names: list[str], values: list[np.ndarray], short: list[int], method: str, bandless: bool
) -> str:
    """One line for every series too short for the network that one method forecast: a
    panel of many short series (68 of M1 monthly's under ``--lookback 60``) gets one line
    naming the first few, not one warning per series. ``why``: what the rows are too few
    for ("fewer than the 24 the network reads"; a ``--local`` series': for a network)."""
    lengths = [len(values[i]) for i in short]
    low, high = min(lengths), max(lengths)
    rows = f"{low} row{'s' if low > 1 else ''}" if low == high else f"{low} to {high} rows"
    rows += " each" if low == high and len(short) > 1 else ""
    who = (
        f"series {names[short[0]]!r}"
        if len(short) == 1
        else f"{len(short)} series ({first_few([repr(names[i]) for i in short])})"
    )
    return f"{who}: {rows}, {why}; forecast by {method}" + (
        ", with no band (one row shows no change to size it by)" if bandless else ""
    )


def unused_future_note(future, everyone: set[str]) -> list[str]:
    """A note naming the series ``future`` (a ``FutureTable``) has rows for that neither the
    data nor the model holds (``everyone``): a misspelt id's rows would otherwise feed
    nothing and go unnoticed."""
    if future is None or not (strangers := [k for k in future.frames if k and k not in everyone]):
        return []
    return [
        f"{future.source} has rows for series not in the data or the model, left unused: "
        f"{first_few([repr(k) for k in strangers])}"
    ]
