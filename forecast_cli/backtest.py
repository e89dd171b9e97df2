"""Rolling-origin backtests of recurrent models against baselines, on identical folds.

Each neural model is trained per fit group (see ``folds.fit_groups``) on rows before
that group's origin only; its scaler, transform and early stopping never see a row at
or after the origin. All folds of one trained model are then forecast in one batched
call. Metrics are computed per fold and averaged; per-step metrics average each
horizon step over folds. MASE scales each fold by the in-sample seasonal-naive MAE of
that fold's own training rows (Hyndman & Koehler, 2006).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import metrics as m
from .backtest_echo import config_echo, long_forecasts, ragged_end_note, shape_reasons
from .backtest_fill import carried_forward
from .backtest_fits import Fits, distributed_global, fold_rows, local_fits, neural_forecasts
from .backtest_intervals import band_levels, indistinct_notes, reported_bounds, unbanded_notes
from .backtest_scores import leaderboard
from .backtest_setup import set_up
from .baseline_bands import baseline_bounds, cut_at_zero
from .baselines import BASELINE_FUNCTIONS
from .compute import Executor, SerialExecutor, TaskProgress
from .config import DEFAULT_FILL, ForecastConfig
from .errors import DataError
from .folds import Fold
from .panel import Panel
from .panel_stamps import stacked_stamps
from .phase_shares import row_phases
from .plan_spread import fits_summary
from .run_config import BacktestConfig
from .series_record import Series

if TYPE_CHECKING:
    from .training import EpochReport


@dataclass
class BacktestResult:
    leaderboard: pd.DataFrame  # one row per model, sorted by MASE
    per_step: dict[str, dict[str, list[float]]]  # model -> metric -> value per horizon step
    forecasts: pd.DataFrame  # origin, timestamp, step, model, forecast, actual, lo-<level>, hi-<level>
    by_series: pd.DataFrame  # <id>, model, then the leaderboard's metrics over that series' folds
    folds: list[Fold]  # the folds of the longest series; a short one has the last of them
    season: int
    horizon: int
    lookback: int
    notes: list[str] = field(default_factory=list)
    config: dict = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)  # series id -> why it was left out
    plans: dict[str, dict] = field(default_factory=dict)  # network -> ``plan_spread.fits_summary``


def run_backtest(
    data: Series | Panel,
    config: ForecastConfig,
    spec: BacktestConfig,
    on_fit: Callable[[str, int, int], Callable[[EpochReport], None] | None] | None = None,
    executor: Executor | None = None,
    on_progress: Callable[[TaskProgress], None] | None = None,
) -> BacktestResult:
    """Backtest every model in ``spec`` on every series (see the module docstring).

    Each series gets the same folds counted back from its own end, or the last of them
    that it fits; a global network is trained per fit group on every series' rows before
    that series' origin. Metrics average over (series, fold) pairs, each weighted by one
    over its series' folds (``metrics.row_weighted_nanmean``) when series have different
    numbers of them. ``on_fit(model, group, groups)`` may return an
    epoch callback for that fit (progress).

    With ``--local`` each series is backtested with its own networks, one task per (model,
    series); with a Dask ``executor`` the global fits run as one task per (model, refit
    group). A ``--local`` series whose fit fails is left out of every model's scores and
    named in ``failures``.
    """
    cfg, spec = config.validate(), spec.validate()
    panel = data if isinstance(data, Panel) else Panel.of_one(data)
    # each filled target from the rows before it: an interpolation read the row after a gap
    panel, carried = carried_forward(panel, cfg.data.fill or DEFAULT_FILL, tuple(cfg.data.future_features))
    setup = set_up(panel, cfg, spec)
    cfg, spec, shape, plans, notes = setup.cfg, setup.spec, setup.shape, setup.plans, setup.notes
    lookback, horizon, season = shape.lookback, shape.horizon, shape.season
    models, neural, local = setup.models, setup.neural, setup.local
    if carried:
        notes.append(
            f"{carried} filled value(s) carried forward from the last observed one, not interpolated: "
            "a fold must not read the value after a gap that ends at its origin"
        )
    panel = panel.subset(setup.kept)
    offsets = panel.offsets
    y = panel.stacked()[:, 0]
    origins = np.concatenate([offsets[i] + np.array([f.origin for f in p]) for i, p in enumerate(plans)])
    starts = np.concatenate([offsets[i] + np.array([f.train_start for f in p]) for i, p in enumerate(plans)])
    steps = origins[:, None] + np.arange(horizon)[None, :]  # (series x folds, horizon) rows
    observed = np.concatenate([m.observed() for m in panel.members])  # filled targets are no actuals
    actual = np.where(observed[steps], y[steps], np.nan)  # (series x folds, horizon)
    scales = np.array([m.seasonal_naive_scale(y[a:b], season) for a, b in zip(starts, origins, strict=True)])
    series_of = np.repeat(np.arange(len(plans)), [len(p) for p in plans])  # (series x folds,)
    stamps = stacked_stamps(panel)  # baselines' bands pool by date where there is one

    levels, probs = cfg.intervals.levels(), cfg.intervals.probs()
    computed = band_levels(levels, probs)  # the quantiles' bands too: a quantile is a band's edge
    fold_of = np.concatenate([[f.index for f in p] for p in plans])
    forecasts: dict[str, np.ndarray] = {}
    bounds: dict[str, dict[str, np.ndarray]] = {}
    seconds: dict[str, tuple[float, float]] = {}
    configs = {n: dataclasses.replace(cfg, model=dataclasses.replace(cfg.model, cell=n)) for n in neural}
    fits: dict[str, Fits] = {}
    failures: dict[str, str] = {}
    if local:
        fits, failures = local_fits(
            panel, configs, plans, computed, executor or SerialExecutor(), on_progress
        )
    elif neural and executor is not None and executor.workers > 1:
        fits = distributed_global(panel, configs, plans, computed, executor, on_progress)
    for name in neural:
        if name not in fits:
            progress = (lambda g, n, name=name: on_fit(name, g, n)) if on_fit else None
            fits[name] = neural_forecasts(panel, configs[name], plans, computed, progress)
    keep = np.array([sid not in failures for sid in panel.ids])
    if not keep.any():
        sid, reason = next(iter(failures.items()))
        raise DataError(f"every series failed to backtest; the first, series {sid!r}: {reason}")
    if failures:  # every model is scored on the series that every model could forecast
        kept_rows = np.repeat(keep, [len(p) for p in plans])
        plans = [p for p, k in zip(plans, keep, strict=True) if k]
        panel = dataclasses.replace(
            panel,
            members=[m for m, k in zip(panel.members, keep, strict=True) if k],
            ids=tuple(i for i, k in zip(panel.ids, keep, strict=True) if k),
        )
        origins, starts = origins[kept_rows], starts[kept_rows]
        actual, scales, fold_of = actual[kept_rows], scales[kept_rows], fold_of[kept_rows]
        series_of = series_of[kept_rows]
        fits = {n: f.rows(kept_rows) for n, f in fits.items()}
        notes.append(f"{len(failures)} series failed and are left out of every model's scores")
    # the phases of a day of sub-daily data get their shares of the baselines' errors
    phases = row_phases([m.frame.index for m in panel.members], panel.freq)
    for name in models:
        if name in BASELINE_FUNCTIONS:
            t0 = time.perf_counter()
            fn = cut_at_zero(BASELINE_FUNCTIONS[name])
            forecasts[name] = fn(y, origins, horizon, season=season, starts=starts)
            bounds[name] = baseline_bounds(
                fn,
                forecasts[name],
                y,
                origins,
                starts,
                fold_of,
                horizon,
                season,
                computed,
                stamps,
                series_of,
                seasons=shape.seasons,
                phases=phases,
            )
            seconds[name] = (0.0, time.perf_counter() - t0)
        else:
            forecasts[name], bounds[name], seconds[name] = (
                fits[name].forecasts,
                fits[name].bounds,
                fits[name].seconds,
            )
        bounds[name] = reported_bounds(bounds[name], forecasts[name], levels, probs)

    notes += unbanded_notes(models, forecasts, bounds, levels, horizon)
    notes += indistinct_notes(models, bounds, levels)
    # a global network trains on other series' later rows (baselines' bands pool by date)
    notes += ragged_end_note(panel, bool(neural) and not local)
    notes += _scoring_notes(actual, scales)
    first_row = fold_rows(plans)
    board, per_step, by_series = leaderboard(
        models,
        forecasts,
        bounds,
        seconds,
        actual,
        scales,
        levels,
        probs,
        first_row,
        panel.ids if panel.id_col else (panel.target,),
        panel.id_col or "series",
    )
    plans_run = {
        name: fits_summary(
            shape_reasons(fits[name].plans, shape, setup.given), fits[name].kept, fits[name].weights
        )
        for name in neural
    }
    return BacktestResult(
        leaderboard=board,
        per_step=per_step,
        forecasts=long_forecasts(panel, plans, forecasts, actual, bounds),
        by_series=by_series,
        folds=max(plans, key=len),  # the longest series' (it has every fold)
        season=season,
        horizon=horizon,
        lookback=lookback,
        notes=notes,
        config=config_echo(
            spec,
            cfg,
            panel,
            plans,
            models,
            levels,
            probs,
            int(offsets[-1]),
            shape,
            setup.refit_why,
            plans_run,
        ),
        failures=failures,
        plans=plans_run,
    )


def _scoring_notes(actual: np.ndarray, scales: np.ndarray) -> list[str]:
    """What the scores leave out and why: a zero actual (MAPE), filled steps (no actuals),
    and pairs whose MASE scale is zero (the training rows repeat exactly every season)."""
    notes: list[str] = []
    if np.any(actual == 0):
        notes.append("MAPE skipped: the target is zero in some forecast periods")
    if unobserved := int(np.isnan(actual).sum()):
        notes.append(
            f"{unobserved} of {actual.size} forecast steps fall on filled values (gaps or empty cells): "
            "not scored, and left empty as actuals"
        )
    if np.all(scales == 0):
        notes.append("MASE undefined: the training data of every fold repeats exactly every season")
    elif np.any(scales == 0):
        notes.append(
            f"MASE undefined for {int(np.sum(scales == 0))} of {len(scales)} (series, fold) pairs whose "
            "training data repeats exactly every season; MASE averages the others"
        )
    return notes
