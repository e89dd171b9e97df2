"""Which histories ``predict`` forecasts from: the ones stored in the model, or the rows
given (each series checked against the model, its static values read), cut to ``--ids``;
and the rows newer than training that recalibrate the bands, which are every series
given, not only those asked for.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import DataError, UsageError
from .history_checks import check_history
from .panel import Panel
from .panel_ids import as_written, unknown_ids
from .prediction_notes import changed_statics
from .series_record import Series

if TYPE_CHECKING:
    from .forecaster import Forecaster


def as_panel(data: Series | Panel) -> Panel:
    """``data`` as a panel; a library caller's raw frame or array is refused with the call
    that prepares it (it failed deep inside as "'DataFrame' object has no attribute 'freq'")."""
    if isinstance(data, Panel):
        return data
    if isinstance(data, Series):
        return Panel.of_one(data)
    raise UsageError(
        f"fit and predict take a prepared series or panel, got {type(data).__name__}; "
        "pass it through prepare_panel(frame, DataConfig(...)) first"
    )


@dataclass
class Histories:
    """The series a forecast is made for, and what came with them (``histories``)."""

    names: list[str]  # the series forecast, in order (cut to --ids)
    frames: list[pd.DataFrame]  # their rows
    statics: dict[str, tuple]  # series -> its static values, the given ones over the stored
    panel: Panel | None  # the rows given; None: the model's stored histories
    given: tuple[list[str], Sequence[pd.DataFrame]]  # every series given: recalibration pools them all
    read: list[np.ndarray] | None  # per series given, True where its target was read, not filled
    moved_static: list[str]  # notes on series whose static values changed since training
    row_positions: bool  # rows numbered by their order (no time column)


def histories(f: Forecaster, history: Series | Panel | None, ids: Sequence[str]) -> Histories:
    """The series ``predict`` forecasts: ``history``'s (checked against the model; a model of
    one series without an id column refuses a panel), else the stored ones, cut to ``ids``
    (unknown ids refused, naming the series there are)."""
    statics = dict(zip(f.ids_, f.statics_, strict=True))  # series -> its static values
    moved_static: list[str] = []
    frames: Sequence[pd.DataFrame]
    panel = as_panel(history) if history is not None else None
    if panel is None:  # the stored histories: frames are built below, for the series predicted
        names, frames = list(f.ids_), f.histories_
    else:
        if f.id_col_ is None and len(panel) > 1:  # its output has no id column to tell them apart
            raise DataError(
                f"the model was trained on one series, without an id column, but the data holds "
                f"{len(panel)} series (by {panel.id_col!r}); give one series' rows, or train on the "
                f"panel (--id-col {shlex.quote(str(panel.id_col))}) to forecast each"
            )
        names = list(panel.ids) if f.id_col_ is not None else list(f.ids_[:1])
        frames = [check_history(f, m) for m in panel.members]
        if f.static_levels_ and all(c in panel.statics for c in f.static_levels_):
            now = {name: tuple(panel.statics[c][i] for c in f.static_levels_) for i, name in enumerate(names)}
            moved_static = changed_statics(f, statics, now)
            statics.update(now)
    # rows numbered by their order (no time column): no step of the model's to compare them with
    row_positions = panel is not None and any(m.report.freq_source == "step index" for m in panel.members)
    given = (names, frames)  # recalibration pools every series given, not only --ids
    read = None if panel is None else [m.observed() for m in panel.members]  # filled rows: no actuals
    if ids:
        ids = as_written(ids, names)
        unknown = [i for i in ids if i not in names]
        if unknown:
            raise unknown_ids(
                "--ids", unknown, "the model has no history for", f"the model has {len(names)}", names
            )
        keep = [names.index(i) for i in ids]
        names, frames = [names[k] for k in keep], [frames[k] for k in keep]
    return Histories(names, list(frames), statics, panel, given, read, moved_static, row_positions)
