"""Forecasts from many origins in one batched pass: the one route from a fitted network to
numbers in the data's units, for ``predict`` (the future), validation and the backtest
(past origins) alike, so they cannot disagree.

Each origin's window is cut from its own segment of the stacked values, scaled by that
segment's scaler, run through the network in chunks of one fixed batch shape
(``fixed_chunk``), and mapped back through the scaler and the transform. A direct model
emits the whole horizon at once; a recursive one is rolled forward a step at a time over
the whole batch, each step's forecast becoming the next window's last row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import torch

from .calendar_features import calendar_columns
from .damped_trend import damped_at_origins
from .drift import long_run, with_drift
from .errors import DataError, ModelFileError
from .intervals import ROUNDOFF, never_below_zero
from .scaling import Scaler
from .series_inputs import append_constants, with_series_index
from .windows import gather_windows

if TYPE_CHECKING:
    from .forecaster import Forecaster

PREDICT_CHUNK = 256  # windows per forward pass, always this many (see fixed_chunk)


def fixed_chunk(n: int, start: int) -> np.ndarray:
    """Positions ``start .. start + PREDICT_CHUNK`` of ``n`` windows, the last one repeated to
    fill a short chunk. Every forward pass has the same batch shape, so a series' forecast
    does not depend on which other series (or how many) were forecast beside it: the CPU
    kernels pick their blocking, and so their rounding, by the batch size."""
    pick = np.arange(start, min(start + PREDICT_CHUNK, n))
    return np.pad(pick, (0, PREDICT_CHUNK - len(pick)), mode="edge") if len(pick) else pick


def forecast_origins(
    f: Forecaster,
    values: np.ndarray,
    origins: np.ndarray,
    offsets: np.ndarray | None = None,
    scalers: Sequence[Scaler] | None = None,
    horizon: int | None = None,
    clamp_future: bool = False,
    series: np.ndarray | None = None,
    statics: np.ndarray | None = None,
    spread: bool = False,
    weight: float | tuple[float, ...] | None = None,
):
    """Forecasts in the data's units for every origin: shape (len(origins), horizon);
    with ``spread``, the pair (forecasts, widths): the spread head's 10-90% width in the
    data's units, the same shape (None for a network without the head).

    ``values`` is raw (rows, 1 + features), the series stacked with ``offsets`` (default:
    one series); segment ``i`` is scaled by ``scalers[i]`` (default: the fitted ones, in
    order). Origin ``t`` forecasts rows ``t ..`` from rows ``t - lookback .. t - 1`` of
    its own segment. All origins go through the network together.

    ``values`` holds the network's input columns (see ``inputs``). With known-future
    columns, rows ``t .. t + horizon - 1`` of the segment must exist and hold them (the
    other columns there are never read); ``clamp_future`` repeats the segment's last row
    instead, for validation windows whose unscored steps run past the data.
    ``series``: the training index of each segment's series, for a series embedding;
    ``statics``: each segment's one-hot static values (segments, static_width).
    ``weight``: the damped trend's share of the forecast, in place of the fitted one (0:
    the network alone); a tuple of shares gives the forecasts at each, (weights, origins,
    horizon), from one network pass (``combine_weight`` scores them; ``spread`` is ignored).
    """
    f._check_fitted()
    horizon = horizon or f.horizon_
    values = np.asarray(values, dtype=np.float64)
    origins = np.asarray(origins, dtype=np.int64)
    offsets = np.array([0, len(values)]) if offsets is None else np.asarray(offsets, dtype=np.int64)
    scalers = f.scalers_ if scalers is None else scalers
    with_head = spread and f.network_args_.spread
    if len(origins) == 0:
        empty = np.empty((0, horizon))
        return (empty, empty.copy() if with_head else None) if spread else empty
    segment = np.searchsorted(offsets, origins - 1, side="right") - 1  # (origins,)
    if np.any(origins - f.context_rows < offsets[segment]) or np.any(origins > offsets[segment + 1]):
        raise DataError(f"each forecast needs {f.context_rows} rows of history before it")
    scaled = np.concatenate(
        [
            scalers[i].transform(f._transformed(values[offsets[i] : offsets[i + 1]]))
            for i in range(len(offsets) - 1)
        ]
    ).astype(np.float32)
    if f.static_width:
        if statics is None:
            raise ValueError("a model with static columns needs each segment's one-hot static values")
        scaled = append_constants(scaled, offsets, statics)
    if f.network_args_.id_embedding:
        if series is None:
            raise ValueError("a model with a series embedding needs each segment's series index")
        scaled = with_series_index(scaled, offsets, np.asarray(series))
    ahead = f.network_args_.future_inputs and horizon
    # static values are constant: only data columns need real rows over the steps
    if f.future_inputs and not clamp_future and np.any(origins + horizon > offsets[segment + 1]):
        raise DataError(
            f"the known-future columns need values for all {horizon} forecast steps after each origin"
        )
    rows_end = offsets[segment + 1] - 1  # (origins,)
    plan = f.plan_
    target = np.nan_to_num(scaled[:, 0]) if plan.drift_rows else None
    runs = []
    for start in range(0, len(origins), PREDICT_CHUNK):
        pick = fixed_chunk(len(origins), start)
        if len(pick):
            windows = _windows(f, scaled, origins[pick], rows_end[pick], ahead)
            if plan.drift_rows:  # missing rows read as the centre, as in training (scale_panel)
                args = f.network_args_
                d = long_run(
                    target,
                    origins[pick],
                    offsets[segment[pick]],
                    plan.drift_rows,
                    plan.horizon,
                    args.season,
                    args.profile,
                )  # (batch, 1 + profile columns)
                windows = with_drift(windows, d)  # (batch, steps, features + 1 + profile columns)
            run = run_network(f, windows, horizon, with_head)
            runs.append(tuple(r[: min(PREDICT_CHUNK, len(origins) - start)] for r in run))
    out = np.concatenate([r[0] for r in runs])  # (origins, horizon), scaled units
    if np.isnan(out).any():
        if not np.isnan(scaled).any():  # clean inputs: the network itself gives NaN
            raise ModelFileError(
                "the model's network gives NaN from clean input: its stored weights or scalers are "
                "damaged; retrain it"
            )
        raise DataError("the history window has missing values; fill them (see --fill) and retry")
    center = np.array([sc.center[0] for sc in scalers if sc.center is not None])[segment]
    scale = np.array([sc.scale[0] for sc in scalers if sc.scale is not None])[segment]
    last = values[origins - 1, 0]

    def to_data(z: np.ndarray) -> np.ndarray:
        return f.transform_.inverse(z.astype(np.float64) * scale[:, None] + center[:, None], last)

    network = to_data(out)
    smoother = f.damped_  # None: the network alone
    default = 0.0 if smoother is None else smoother.weight
    shares = weight if isinstance(weight, tuple) else (default if weight is None else weight,)
    smoothed = None
    if smoother is not None and any(shares):  # (origins, horizon)
        index = np.arange(len(offsets) - 1) if series is None else np.asarray(series)
        smoothed = damped_at_origins(
            values[:, 0], origins, offsets[segment], index[segment], smoother, plan.season, horizon
        )
    flat = (
        _flat_before(values[:, 0], origins, offsets[segment], plan.history_rows)
        if _reads_only_target(f)
        else None
    )
    floor = f.floors(
        never_below_zero(values[:, 0], offsets[segment], origins),
        None if series is None else np.asarray(series)[segment],
    )

    holiday = _holiday_steps(f, values, origins, offsets[segment + 1], horizon)

    def finished(share: float) -> np.ndarray:
        """The weighted average in the data's units (``combine_weight``), the network alone
        on a public holiday, then the flat and zero cuts every forecast gets."""
        point = network if smoothed is None or not share else (1.0 - share) * network + share * smoothed
        if holiday is not None and smoothed is not None and share:
            point = np.where(holiday, network, point)
        if flat is not None:
            point = np.where(flat[:, None], last[:, None], point)
        return point if floor is None else np.maximum(point, floor)  # never below zero where it never was

    if isinstance(weight, tuple):
        return np.stack([finished(share) for share in weight])  # (weights, origins, horizon)
    point = finished(shares[0])
    if not spread:
        return point
    if not with_head:
        return point, None
    lo, hi = (to_data(np.concatenate([r[k] for r in runs])) for k in (1, 2))
    tiny = np.maximum(1e-9 * np.abs(point), np.finfo(float).tiny)  # a width of zero would divide by zero
    return point, np.maximum(np.abs(hi - lo), tiny)


def _holiday_steps(
    f: Forecaster, values: np.ndarray, origins: np.ndarray, ends: np.ndarray, horizon: int
) -> np.ndarray | None:
    """(origins, horizon) True at a step on a public holiday; None without a holiday input.

    The damped trend reads the target alone and forecasts every day as an ordinary one: averaged
    in on a holiday it halved the dip the network had learned (German daily sales: Christmas
    forecast at 89.8, the network alone at 59.1, the day at 58.8), and the validation that
    decides the average rarely holds a holiday to see it. Steps past a segment's end (clamped
    validation windows, never scored) read its last row."""
    columns = calendar_columns(f.plan_.calendar)
    if "cal_holiday" not in columns:
        return None
    column = values.shape[1] - len(columns) + columns.index("cal_holiday")
    rows = np.minimum(origins[:, None] + np.arange(horizon), ends[:, None] - 1)  # (origins, horizon)
    return values[rows, column] > 0.5


def _reads_only_target(f: Forecaster) -> bool:
    """Whether the network reads nothing but the target's history: features, calendar
    inputs, static columns or a series embedding may rightly move a series whose target has
    been flat (a price leading sales, a season starting), so with any of them the network's
    forecast stands."""
    return not (f.features_ or f.future_inputs or f.static_width or f.network_args_.id_embedding)


def _flat_before(target: np.ndarray, origins: np.ndarray, starts: np.ndarray, span: int) -> np.ndarray:
    """(origins,) True where the target has one value over all the rows a forecast reads
    (``span`` rows before the origin, from its segment's start): a series that has not
    moved in all the network sees (and it sees nothing else: ``_reads_only_target``) is
    forecast at that value. The network's own output sits
    a hair off it (5.0015 for a series of 5.0: its bias, nothing in the data), and the
    constant is what every baseline forecasts and what the band of a flat series reaches."""
    rows = np.arange(len(target))
    moved = np.ones(len(target), dtype=bool)
    # round-off is no move (``intervals.ROUNDOFF``); NaN is close to nothing: a gap ends a run
    moved[1:] = ~np.isclose(target[1:], target[:-1], rtol=ROUNDOFF, atol=0.0)
    moved[np.unique(starts)] = True  # a segment's first row starts a run
    run_start = np.maximum.accumulate(np.where(moved, rows, 0))  # (rows,)
    first_read = np.maximum(origins - span, starts)
    return (run_start[origins - 1] <= first_read) & np.isfinite(target[origins - 1])  # NaN: no value


def _windows(
    f: Forecaster, scaled: np.ndarray, origins: np.ndarray, last: np.ndarray, ahead: int
) -> np.ndarray:
    """Network inputs per origin: (batch, lookback, features), or with ``ahead`` known-future
    steps (batch, lookback + ahead, features), those rows zero but for the known columns."""
    if not ahead:
        return gather_windows(scaled, origins, f.lookback_)
    rows = origins[:, None] + np.arange(-f.lookback_, ahead)[None, :]  # (batch, lookback + ahead)
    w = scaled[np.minimum(rows, last[:, None])]  # (batch, lookback + ahead, features)
    w[:, f.lookback_ :, : -f.window_known] = 0.0
    return w


@torch.inference_mode()
def run_network(
    f: Forecaster, windows: np.ndarray, horizon: int, spread: bool = False
) -> tuple[np.ndarray, ...]:
    """(point,) or, with ``spread``, (point, q10, q90): each (batch, horizon), scaled units.
    A recursive model's quantiles at step h are the one-step quantiles of the rolled
    window; the conformal calibration per step supplies the growth with h."""
    x = torch.from_numpy(np.ascontiguousarray(windows))  # (batch, lookback [+ horizon], features)
    f.network_.eval()
    net = f.network_
    if f.plan_.strategy == "direct":
        parts = net.forward_quantiles(x) if spread else (net(x),)
        return tuple(p[:, :horizon].numpy() for p in parts)
    lookback = f.lookback_
    past, ahead = x[:, :lookback], x[:, lookback:]  # (batch, lookback, F), (batch, horizon or 0, F)
    steps: list[tuple[torch.Tensor, ...]] = []
    for t in range(horizon):  # many-to-one, rolled forward over the batch at once
        window = torch.cat([past, ahead[:, t : t + 1]], dim=1)
        parts = net.forward_quantiles(window) if spread else (net(window),)  # (batch, 1) each
        steps.append(parts)
        nxt = parts[0]
        # the new row: the forecast, then the step's known columns (or the series index)
        rest = ahead[:, t : t + 1, 1:] if ahead.shape[1] else past[:, -1:, 1:]  # (batch, 1, F - 1)
        row = torch.cat([nxt.unsqueeze(-1), rest], dim=-1)  # (batch, 1, features)
        past = torch.cat([past[:, 1:], row], dim=1)  # (batch, lookback, features)
    return tuple(torch.cat([s[k] for s in steps], dim=1).numpy() for k in range(len(steps[0])))
