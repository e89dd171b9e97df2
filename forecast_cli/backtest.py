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
from .baselines import BASELINE_FUNCTIONS, BASELINES
from .config import MODEL_KINDS, BacktestConfig, ForecastConfig
from .errors import UsageError
from .folds import Fold, fit_groups, parse_refit, plan_folds
from .plan import resolve_shape
from .scaling import DIFFERENCING
from .series import Series
from .windows import min_rows

if TYPE_CHECKING:
    from .training import EpochReport

ALL_MODELS = (*MODEL_KINDS, *BASELINES)


@dataclass
class BacktestResult:
    leaderboard: pd.DataFrame  # one row per model, sorted by MASE
    per_step: dict[str, dict[str, list[float]]]  # model -> metric -> value per horizon step
    forecasts: pd.DataFrame  # origin, timestamp, step, model, forecast, actual
    folds: list[Fold]
    season: int
    horizon: int
    lookback: int
    notes: list[str] = field(default_factory=list)
    config: dict = field(default_factory=dict)


def resolve_models(spec: BacktestConfig) -> tuple[str, ...]:
    """The models to run, in order: requested ones first, then baselines unless turned off."""
    unknown = [name for name in spec.models if name not in ALL_MODELS]
    if unknown:
        raise UsageError(f"unknown model(s) {', '.join(unknown)}; valid: {', '.join(ALL_MODELS)}")
    names = list(dict.fromkeys(spec.models))
    if spec.baselines:
        names += [b for b in BASELINES if b not in names]
    if not names:
        raise UsageError("no models to run: name some with --models or drop --no-baselines")
    return tuple(names)


def run_backtest(
    series: Series,
    config: ForecastConfig,
    spec: BacktestConfig,
    on_fit: Callable[[str, int, int], Callable[[EpochReport], None] | None] | None = None,
) -> BacktestResult:
    """Backtest every model in ``spec`` on ``series`` (see the module docstring).

    ``on_fit(model, group, groups)`` may return an epoch callback for that fit (progress).
    """
    cfg = config.validate()
    shape = resolve_shape(cfg, series.freq)
    lookback, horizon = shape.lookback, shape.horizon
    # Every fold's network sees the same window shape, whatever rows it trains on.
    cfg = dataclasses.replace(cfg, window=dataclasses.replace(cfg.window, lookback=lookback, horizon=horizon))
    season = spec.season or shape.season
    models = resolve_models(spec)
    neural = [name for name in models if name in MODEL_KINDS]
    differencing = cfg.scaling.transform in DIFFERENCING
    min_train = min_rows(lookback, horizon, cfg.window.val_fraction) + differencing if neural else season + 1
    plan = plan_folds(
        len(series.frame),
        horizon,
        spec.folds,
        spec.origin_stride,
        spec.window,
        spec.train_size,
        parse_refit(spec.refit),
        max(min_train, season + 1),
    )
    y, values = series.y, series.values.astype(np.float64)
    origins = np.array([f.origin for f in plan])
    starts = np.array([f.train_start for f in plan])
    steps = origins[:, None] + np.arange(horizon)[None, :]  # (folds, horizon)
    actual = y[steps]
    scales = np.array([m.seasonal_naive_scale(y[f.train_start : f.origin], season) for f in plan])

    forecasts: dict[str, np.ndarray] = {}
    seconds: dict[str, tuple[float, float]] = {}
    for name in models:
        if name in BASELINE_FUNCTIONS:
            t0 = time.perf_counter()
            forecasts[name] = BASELINE_FUNCTIONS[name](y, origins, horizon, season=season, starts=starts)
            seconds[name] = (0.0, time.perf_counter() - t0)
        else:
            forecasts[name], seconds[name] = _neural_forecasts(series, values, cfg, name, plan, on_fit)

    notes = []
    if np.any(actual == 0):
        notes.append("MAPE skipped: the target is zero in some forecast periods")
    if np.any(scales == 0):
        notes.append("MASE undefined for folds whose training data repeats exactly every season")
    rows, per_step = [], {}
    for name in models:
        row, per_step[name] = score(actual, forecasts[name], scales)
        rows.append(
            {"model": name, **row, "fit_seconds": seconds[name][0], "predict_seconds": seconds[name][1]}
        )
    board = pd.DataFrame(rows).set_index("model")
    reference = board["mase"].get("seasonal-naive", np.nan)
    board.insert(5, "skill", 1.0 - board["mase"] / reference)
    board = board.sort_values("mase", kind="stable", na_position="last")
    return BacktestResult(
        leaderboard=board,
        per_step=per_step,
        forecasts=_long_forecasts(series, plan, forecasts, actual),
        folds=plan,
        season=season,
        horizon=horizon,
        lookback=lookback,
        notes=notes,
        config={
            **dataclasses.asdict(spec),  # first, so the resolved values below win
            "target": series.target,
            "features": list(series.features),
            "freq": series.freq,
            "rows": len(series.frame),
            "season": season,
            "horizon": horizon,
            "lookback": lookback,
            "origin_stride": spec.origin_stride or horizon,
            "models": list(models),
            "first_origin": str(series.frame.index[plan[0].origin]),
            "model": dataclasses.asdict(cfg.model),
            "train": dataclasses.asdict(cfg.train),
            "scaling": dataclasses.asdict(cfg.scaling),
        },
    )


def _neural_forecasts(series, values, cfg, name, plan, on_fit) -> tuple[np.ndarray, tuple[float, float]]:
    from .forecaster import Forecaster  # torch: imported only when a network is in the run

    model_cfg = dataclasses.replace(cfg, model=dataclasses.replace(cfg.model, cell=name))
    out = np.empty((len(plan), plan[0].horizon))
    fit_s = predict_s = 0.0
    groups = list(fit_groups(plan))
    for g, (trained_at, members) in enumerate(groups):
        train_rows = series.frame.iloc[trained_at.train_start : trained_at.origin]
        callback = on_fit(name, g, len(groups)) if on_fit else None
        t0 = time.perf_counter()
        fitted = Forecaster(model_cfg).fit(dataclasses.replace(series, frame=train_rows), on_epoch=callback)
        t1 = time.perf_counter()
        idx = np.array([f.index for f in members])
        origins = np.array([f.origin for f in members])
        out[idx] = fitted.forecast_origins(values[: origins.max()], origins)  # no row at/after an origin
        predict_s += time.perf_counter() - t1
        fit_s += t1 - t0
    return out, (fit_s, predict_s)


def score(
    actual: np.ndarray, forecast: np.ndarray, scales: np.ndarray
) -> tuple[dict, dict[str, list[float]]]:
    """(metrics averaged over folds, metrics per horizon step averaged over folds)."""
    per_fold = {
        "mae": [m.mae(a, f) for a, f in zip(actual, forecast, strict=True)],
        "rmse": [m.rmse(a, f) for a, f in zip(actual, forecast, strict=True)],
        "mape": [m.mape(a, f) for a, f in zip(actual, forecast, strict=True)],
        "smape": [m.smape(a, f) for a, f in zip(actual, forecast, strict=True)],
    }
    abs_err = np.abs(actual - forecast)  # (folds, horizon)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = abs_err / scales[:, None]
    per_fold["mase"] = list(scaled.mean(axis=1))
    overall = {k: float(np.mean(v)) for k, v in per_fold.items()}
    steps = {
        "mae": abs_err.mean(axis=0),
        "rmse": np.sqrt(((actual - forecast) ** 2).mean(axis=0)),
        "smape": np.array([m.smape(actual[:, h], forecast[:, h]) for h in range(actual.shape[1])]),
        "mase": scaled.mean(axis=0),
    }
    return overall, {k: [float(x) for x in v] for k, v in steps.items()}


def _long_forecasts(
    series: Series, plan: list[Fold], forecasts: dict[str, np.ndarray], actual: np.ndarray
) -> pd.DataFrame:
    """One row per model, fold and step. ``origin`` is the last observation the forecast used."""
    index = series.frame.index
    horizon = plan[0].horizon
    origin_stamps = np.repeat([index[f.origin - 1] for f in plan], horizon)
    stamps = np.concatenate([index[f.origin : f.test_end] for f in plan])
    step = np.tile(np.arange(1, horizon + 1), len(plan))
    frames = [
        pd.DataFrame(
            {
                "origin": origin_stamps,
                "timestamp": stamps,
                "step": step,
                "model": name,
                "forecast": fc.ravel(),
                "actual": actual.ravel(),
            }
        )
        for name, fc in forecasts.items()
    ]
    return pd.concat(frames, ignore_index=True)
