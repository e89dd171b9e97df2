"""What a backtest says besides its scores: the configuration it ran, echoed for its JSON
(the options, what was resolved from the data, and each network's resolved plans), and
every fold's forecasts beside the actuals (``--predictions-out``)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .config import ForecastConfig
from .folds import Fold
from .frequency_defaults import Shape
from .panel import Panel
from .period_labels import period_labels, said, step_layout
from .run_config import BacktestConfig
from .writers import format_timestamps


def shape_reasons(plans: list[dict], shape: Shape, given: set[str]) -> list[dict]:
    """The fits' plans with the reasons the backtest resolved their horizon and lookback for:
    every fit is handed them (one window shape for all folds), so each fit's own plan says
    "given" where the user gave neither."""
    reasons = {k: shape.reasons[k] for k in ("horizon", "lookback") if k not in given and k in shape.reasons}
    return [{**p, "reasons": {**p.get("reasons", {}), **reasons}} for p in plans]


def config_echo(
    spec: BacktestConfig,
    cfg: ForecastConfig,
    panel: Panel,
    plans: list[list[Fold]],
    models: tuple[str, ...],
    levels: tuple[float, ...],
    probs: tuple[float, ...],
    rows: int,
    shape: Shape,
    refit_why: str = "",
    plans_run: dict[str, dict] | None = None,
) -> dict:
    """The backtest's resolved settings as the JSON echoes them: the options given, then
    what was resolved from the data (folds, season, lookback, the first and last origins
    and forecast steps over every series), so a run can be read and repeated. ``plans``
    gives each network what its fits resolved (``plan_spread.fits_summary``): the options
    echo ``"transform": "auto"`` and ``"patch": null``, the plans what ran."""
    pairs = list(zip(panel.members, plans, strict=True))
    # origins as --predictions-out names them (the last row a forecast reads), and the first
    # forecast steps, of the earliest and of the latest fold over every series
    first_origin = min(member.frame.index[plan[0].origin - 1] for member, plan in pairs)
    last_origin = max(member.frame.index[plan[-1].origin - 1] for member, plan in pairs)
    first = min(member.frame.index[plan[0].origin] for member, plan in pairs)
    last = max(member.frame.index[plan[-1].origin] for member, plan in pairs)
    return {
        **dataclasses.asdict(spec),  # first, so the resolved values below win
        "folds": max(len(p) for p in plans),
        "target": panel.target,
        "features": list(panel.features),
        "freq": panel.freq,
        "series": len(panel),
        "rows": rows,
        "season": shape.season,
        "horizon": shape.horizon,
        "lookback": shape.lookback,
        "origin_stride": spec.origin_stride or shape.horizon,
        "refit_why": refit_why,  # what --refit auto read (empty when given or without a network)
        "models": list(models),
        **dict(
            zip(
                ("first_origin", "last_origin", "first_step", "last_step"),
                _as_written(panel, [first_origin, last_origin, first, last]),
                strict=True,
            )
        ),
        # every option of the networks but the cell: "models" names the cells run (the
        # base config's cell, lstm unless a file set it, is not what --models gru ran)
        # the data options as given (--id-col, --ids, --future-features, --static-cols,
        # --country, --fill ...): "features" above resolves past and known-future alike
        "data": {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(cfg.data).items()},
        "model": {k: v for k, v in dataclasses.asdict(cfg.model).items() if k != "cell"},
        "train": dataclasses.asdict(cfg.train),
        "scaling": dataclasses.asdict(cfg.scaling),
        "levels": list(levels),  # the bands scored, as the leaderboard's columns name them
        "quantiles": list(probs),
        "plans": plans_run or {},
    }


def long_forecasts(
    panel: Panel,
    plans: list[list[Fold]],
    forecasts: dict[str, np.ndarray],
    actual: np.ndarray,
    bounds: dict[str, dict[str, np.ndarray]],
) -> pd.DataFrame:
    """One row per model, series, fold and step. ``origin`` is the last observation the
    forecast used; an ``id`` column leads when the data is a panel; each level's band
    (``lo-80``, ``hi-80``...) follows the actuals, NaN where a model has no band."""
    horizon = plans[0][0].horizon
    origin_stamps, stamps, ids = [], [], []
    for name, member, plan in zip(panel.ids, panel.members, plans, strict=True):
        index = member.frame.index
        origin_stamps.append(np.repeat([index[f.origin - 1] for f in plan], horizon))
        stamps.append(np.concatenate([index[f.origin : f.test_end] for f in plan]))
        ids.append(np.full(len(plan) * horizon, name, dtype=object))
    n = len(actual)
    base = {
        "origin": np.concatenate(origin_stamps),
        "timestamp": np.concatenate(stamps),
        "step": np.tile(np.arange(1, horizon + 1), n),
    }
    if panel.id_col is not None:
        base = {panel.id_col: np.concatenate(ids), **base}
    frames = [
        pd.DataFrame(
            {
                **base,
                "model": name,
                "forecast": fc.ravel(),
                "actual": actual.ravel(),
                **{key: band.ravel() for key, band in bounds[name].items()},
            }
        )
        for name, fc in forecasts.items()
    ]
    return pd.concat(frames, ignore_index=True)


def _as_written(panel: Panel, stamps: list) -> list[str] | list[int]:
    """Fold boundaries as ``--predictions-out`` and the predictions' JSON write their
    timestamps: the data's period labels (``1959-02``), else ISO 8601, dates alone where
    every stamp of the data is a midnight (the config wrote ``1959-02-01T00:00:00`` beside
    predictions of ``1959-02``); step numbers as numbers (the config wrote "83")."""
    if not isinstance(stamps[0], pd.Timestamp):
        return [int(s) for s in stamps]
    index = pd.DatetimeIndex(stamps)
    labels = period_labels(index, step_layout(panel.time_labels, panel.freq))
    if labels is not None:
        return labels
    midnights = index.tz is None and all(
        (m.frame.index == m.frame.index.normalize()).all() for m in panel.members
    )
    return [t.date().isoformat() for t in index] if midnights else format_timestamps(index)


def ragged_end_note(panel: Panel, global_network: bool) -> list[str]:
    """A warning when a panel's series end at different dates and a global network is
    backtested. Folds are counted from each series' own end (the M competitions'
    convention: their series share no calendar), so one fold's global network also trains
    on other series' rows dated after that series' origin. Where the series do share a
    calendar (stores, tickers), that is later data reaching a forecast, and the scores read
    better than a forecast made on the day could be: the user must hear it, and how to
    avoid it. Bands pooled over series do not need it: ``--local`` networks' and the
    baselines' pool by date (``network_bands``, ``baseline_bands``)."""
    ends = [m.frame.index[-1] for m in panel.members]
    layout = (panel.time_labels, panel.freq)
    if not global_network or len(ends) < 2 or not isinstance(ends[0], pd.Timestamp) or len(set(ends)) == 1:
        return []
    return [
        f"series end at different dates ({said(min(ends), *layout)} .. {said(max(ends), *layout)}): folds are "
        "counted from each series' own end, so a fold's network trains on other series' rows dated after "
        "that fold's origin; where the series share a calendar, cut the data at one end date for a backtest "
        "that no later row reaches"
    ]
