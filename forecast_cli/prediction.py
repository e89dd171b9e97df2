"""Forecasting the future of every series of a fitted ``Forecaster``: histories in, a
frame of future timestamps with point forecasts, bands and quantiles out.

Functions over a fitted forecaster, so ``forecaster.py`` keeps fitting and the batched network pass, and this module
the per-series bookkeeping of prediction (known and unseen series, too-short histories,
interval columns).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .band_shape import moved_scale
from .baselines import seasonal_naive
from .calendar_features import calendar_values
from .error_levels import unseen_factors
from .errors import DataError, UsageError, first_few
from .future_data import FutureTable
from .history_checks import check_horizon
from .intervals import CalibrationTable, bands, series_scale
from .naive_floor import naive_floor, thin
from .panel import Panel
from .phase_bands import future_phases
from .prediction_histories import histories
from .prediction_notes import (
    older_than_training,
    positions_note,
    short_history_notes,
    short_note,
    shortfall_notes,
    unseen_categories,
    unused_future_note,
)
from .recalibration import recalibrated
from .scaling import Scaler
from .series_record import Series
from .steps import future_index

if TYPE_CHECKING:
    from .forecaster import Forecaster


def predict(
    f: Forecaster,
    history: Series | Panel | None = None,
    horizon: int | None = None,
    ids: Sequence[str] = (),
    levels: Sequence[float] | None = None,
    quantiles: Sequence[float] | None = None,
    future: FutureTable | None = None,
    calibration: CalibrationTable | None = None,
) -> pd.DataFrame:
    """Forecast the ``horizon`` steps after the end of each series' history (default: the
    stored histories), for every series or those in ``ids``.

    One series: a frame indexed by the future timestamps, one column named after the
    target. A panel: indexed by (id, timestamp). Series seen in training use their
    training scalers; an unseen series is scaled by its own history (a global model
    generalises) and needs ``context_rows`` rows of it. ``frame.attrs["notes"]`` says
    which series fell back to a baseline for lack of history; ``attrs["recalibrated_windows"]``
    how many windows after the training data joined the calibration (``recalibration.py``).

    A model with known-future features reads their values over the forecast steps from
    ``future`` (an error names the series and steps it lacks); calendar features are
    computed from the future timestamps.

    After the point forecast come ``<target>-lo-<level>``/``-hi-<level>`` for each of
    ``levels`` (default: the config's) and ``<target>-q<p>`` for each of ``quantiles``.
    ``calibration``: a table ranked by the caller (a ``--local`` model's members' pool,
    recalibrated there) used instead of the model's own and its recalibration.
    """
    f._check_fitted()
    horizon = check_horizon(f, horizon)
    got = histories(f, history, ids)
    names, frames, statics, panel, given, read = (
        got.names,
        got.frames,
        got.statics,
        got.panel,
        got.given,
        got.read,
    )
    moved_static, row_positions = got.moved_static, got.row_positions
    if f.future_features_ and future is None:
        # rows past the last target value were left out of the history: they may be those values
        trailing = panel is not None and any(m.report.ends_trimmed for m in panel.members)
        raise UsageError(
            f"the model reads known-future column(s) {', '.join(f.future_features_)}: give their "
            "values over the forecast steps with --future-data FILE"
            + (
                " (rows of DATA with an empty target are not read for them: give DATA as that FILE too)"
                if trailing
                else ""
            )
        )
    missing = [name for name in names if name not in statics]
    if missing and f.static_levels_:
        raise DataError(
            f"series {', '.join(map(repr, missing[:5]))} lack the static column(s) "
            f"{', '.join(f.static_levels_)} the model reads; give them in the data"
        )
    rows = [statics.get(name, ()) for name in names]
    stamps = [future_index(frame.index[-1], f.freq_, horizon) for frame in frames]  # each series' steps
    levels, quantiles = f.config.intervals.asked(levels, quantiles)
    # filled rows are no actuals to size an unseen series' bands by (``error_levels``)
    observed = dict(zip(given[0], read, strict=True)) if read is not None else {}
    forecasts, widths, scales, notes = _forecast_frames(
        f,
        names,
        frames,
        stamps,
        future,
        rows,
        [observed.get(name) for name in names] if levels or quantiles else None,
    )
    notes += unseen_categories(f, names, rows) + moved_static
    trained = {name: i for i, name in enumerate(f.ids_)}  # once: a lookup per series
    new = [
        n for n, frame in zip(names, frames, strict=True) if n not in trained and len(frame) >= f.context_rows
    ]
    if history is not None and f.id_col_ is not None and new:
        # said, not refused: a global model forecasts a series it never saw from its history
        # (one too short for the network has its baseline's note instead)
        notes.append(
            f"{len(new)} of {len(names)} series were not in training ({first_few([repr(n) for n in new])}): "
            "the network forecasts them from their own history, scaled by it"
        )
    notes += unused_future_note(future, set(f.ids_) | (set(given[0]) if history is not None else set()))
    table, added = f.calibration_ if calibration is None else calibration, 0
    if calibration is None and history is not None and (levels or quantiles):
        table, added = recalibrated(f, *given, [statics.get(name, ()) for name in given[0]], read)
    notes += shortfall_notes(table, levels, quantiles, horizon)
    if (levels or [q for q in quantiles if q != 0.5]) and horizon > len(table.abs_q):
        notes.append(
            f"bands and quantiles cover the {len(table.abs_q)} calibrated step(s); steps "
            f"{len(table.abs_q) + 1}..{horizon} have none (no error that far ahead was seen in "
            f"training): retrain with --horizon {horizon} to calibrate them"
        )
    if history is not None and not row_positions:
        notes += older_than_training(f, names, frames)
    if row_positions and f.freq_ is None:  # positions: no step of the model's to compare with
        notes += positions_note(f, names, frames)
    targets = [frame[f.target_].to_numpy(dtype=np.float64) for frame in frames]
    extra = bands(
        np.stack(forecasts),
        f.normalisers(widths, np.asarray(scales), horizon),
        table,
        levels,
        quantiles,
        False,
        floor=f.floors(
            np.array([not (y < 0).any() for y in targets]),
            np.array([trained.get(name, -1) for name in names]),
        ),
        anchor=np.array([y[-1] for y in targets]),
        least=naive_floor(f, targets, horizon, table) if thin(table) else None,
        phases=future_phases(stamps, f.freq_, horizon) if table.by_phase is not None else None,
    )
    # One frame for all series at once: per-series frames and a concat cost ~1 ms a series.
    index = stamps[0].append(stamps[1:]) if len(stamps) > 1 else stamps[0]
    columns = {
        f.target_: np.concatenate(forecasts),
        **{f"{f.target_}-{k}": v.ravel() for k, v in extra.items()},
    }
    if f.id_col_ is not None:
        index = pd.MultiIndex.from_arrays(
            [np.repeat(np.asarray(names, dtype=object), horizon), index], names=[f.id_col_, stamps[0].name]
        )
    out = pd.DataFrame(columns, index=index)
    out.attrs["notes"] = notes
    out.attrs["recalibrated_windows"] = added  # windows since training pooled into the bands
    return out


def _forecast_frames(
    f: Forecaster,
    names: list[str],
    frames: list[pd.DataFrame],
    stamps: list[pd.Index],
    future: FutureTable | None,
    statics: list[tuple[str, ...]],
    observed: list[np.ndarray | None] | None,
) -> tuple[list[np.ndarray], np.ndarray | None, list[float], list[str]]:
    """``stamps``: each series' forecast steps (their length is the horizon); ``observed``:
    each series' rows read, not filled (None: no bands asked, so no unseen series is sized)."""
    horizon = len(stamps[0])
    known = {name: i for i, name in enumerate(f.ids_)}
    values = [f._inputs(frame) for frame in frames]
    long_enough = [i for i, v in enumerate(values) if len(v) >= f.context_rows]
    unseen = [names[i] for i in long_enough if names[i] not in known]
    if unseen and f.network_args_.id_embedding:
        raise UsageError(
            f"series {first_few([repr(n) for n in unseen])} {'was' if len(unseen) == 1 else 'were'} not in training: "
            "a model with --id-embedding forecasts only the series it learned; "
            "retrain with them, or without --id-embedding"
        )
    enough = set(long_enough)
    short = [i for i in range(len(values)) if i not in enough]
    # a series of a panel too short for the network, known or new, is forecast by a baseline
    # from its own rows, and said (``short_note``), as training forecasts its short series: a
    # product launched last month stopped the whole panel's forecast (exit 2)
    if short and f.id_col_ is None:
        raise DataError(
            f"predict needs the last {f.context_rows} rows of history, got {len(values[0])}; "
            f"give at least {f.context_rows} rows ending where the forecast should start"
        )
    out: list[np.ndarray] = [np.empty(0)] * len(values)
    widths = np.full((len(values), horizon), np.nan)  # the spread head's, where the network forecast
    if long_enough:
        scalers = [
            f.scalers_[known[names[i]]] if names[i] in known else _own_scaler(f, values[i])
            for i in long_enough
        ]
        rows = [_with_future(f, values[i], stamps[i], names[i], future) for i in long_enough]
        stacked = np.concatenate(rows)
        offsets = np.concatenate([[0], np.cumsum([len(r) for r in rows])])
        ends = offsets[:-1] + np.array([len(values[i]) for i in long_enough])
        index = np.array([known.get(names[i], -1) for i in long_enough])
        block = f.static_block([statics[i] for i in long_enough])
        fc, spread = f.forecast_origins(
            stacked, ends, offsets, scalers, horizon, series=index, statics=block, spread=True
        )
        for row, i in enumerate(long_enough):
            out[i] = fc[row]
            if spread is not None:
                widths[i] = spread[row]
    notes = short_history_notes(f, names, values, long_enough, known)
    scales = [
        moved_scale(f.cal_scales_[known[names[i]]], values[i][:, 0])
        if names[i] in known
        else series_scale(values[i][:, 0], False)
        for i in range(len(values))
    ]
    # a series the model never saw: its error level from the network's errors on its own
    # history, every window of which no weight was fitted on (``error_levels``)
    new = [row for row, i in enumerate(long_enough) if names[i] not in known]
    if new and observed is not None:
        own = unseen_factors(
            f,
            [values[long_enough[row]] for row in new],
            [scalers[row] for row in new],
            block[new],
            np.array([scales[long_enough[row]] for row in new]),
            [observed[long_enough[row]] for row in new],
        )
        for row, level in zip(new, own, strict=True):
            scales[long_enough[row]] *= float(level)
    by_method: dict[tuple[str, bool], list[int]] = {}
    for i in short:
        y = values[i][:, 0]
        season = f.season_ if len(y) >= f.season_ > 1 else 1
        out[i] = seasonal_naive(y, np.array([len(y)]), horizon, season=season)[0]
        # a trained series is sized by its training rows; a new one of one row has no scale
        method = "seasonal naive" if season > 1 else "naive"
        by_method.setdefault((method, bool(np.isnan(scales[i]))), []).append(i)
    notes += [
        short_note(
            f"fewer than the {f.context_rows} the network reads", names, values, rows, method, bandless
        )
        for (method, bandless), rows in by_method.items()
    ]
    return out, (widths if f.width_ratio_ is not None else None), scales, notes


def _with_future(
    f: Forecaster,
    values: np.ndarray,
    index: pd.Index,
    name: str,
    future: FutureTable | None,
) -> np.ndarray:
    """History inputs (rows, n_inputs), followed for a model with known-future columns by
    one row per forecast step of ``index`` holding only those (the rest NaN: unknown and
    never read)."""
    if not f.future_inputs:
        return values
    horizon = len(index)
    ahead = np.full((horizon, values.shape[1]), np.nan)  # (horizon, n_inputs)
    k = len(f.future_features_)
    start = values.shape[1] - f.future_inputs
    if k:
        assert future is not None
        ahead[:, start : start + k] = future.block(name, index, f.future_features_)
    if f.plan_.calendar:
        ahead[:, start + k :] = calendar_values(
            pd.DatetimeIndex(index), f.plan_.calendar, f.config.data.country, f.config.data.subdiv
        )
    return np.concatenate([values, ahead])


def _own_scaler(f: Forecaster, values: np.ndarray) -> Scaler:
    """Scaling statistics of an unseen series, from its own history."""
    kind = f.plan_.scaler or f.config.scaling.scaler
    own = Scaler(kind).fit(f._transformed(values)[f.plan_.first_row :])
    if kind == "shared":  # the panel's one target scale, as in training
        shared = f.scalers_[0].scale
        assert shared is not None, "fitted scalers have a scale"
        return own.with_target_scale(float(shared[0]))
    return own
