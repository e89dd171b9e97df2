"""What a backtest runs, resolved once before any model fits: the window shape, the models,
the folds of every series and when networks refit (``set_up``).

Resolved from the whole panel, as ``train`` resolves its plan, so every model scores the
same folds: the panel's lengths can cut a global network's default lookback; whether the
week is a cycle of its own is read from the rows before the first fold only; a default
lookback too long for any fold to hold a training window is cut to the longest that does.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .baselines import BASELINES
from .config import MODEL_KINDS, ForecastConfig
from .errors import UsageError
from .folds import DEFAULT_FOLDS, Fold
from .frequency_defaults import Shape, resolve_shape
from .panel import Panel
from .panel_folds import member_folds, refuse_no_fold, resolve_refit
from .run_config import BacktestConfig
from .scaling import DIFFERENCING
from .windows import min_rows

ALL_MODELS = (*MODEL_KINDS, *BASELINES)


@dataclass
class Setup:
    """A backtest's resolved shape and folds (``set_up``)."""

    cfg: ForecastConfig  # its window's lookback and horizon filled in: every fold's network alike
    spec: BacktestConfig  # its refit resolved (``--refit auto``)
    shape: Shape
    models: tuple[str, ...]
    neural: list[str]  # the networks among ``models``
    local: bool  # --local with a network to run: one per series
    plans: list[list[Fold]]  # the folds of each series kept
    kept: list[int]  # the series kept (one that fits no fold is left out and named)
    notes: list[str]
    refit_why: str
    given: set[str]  # window options the user gave ("horizon", "lookback")


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


def set_up(panel: Panel, cfg: ForecastConfig, spec: BacktestConfig) -> Setup:
    """The shape, models and folds of a backtest of ``panel`` (validated ``cfg`` and ``spec``)."""
    given = {k for k in ("horizon", "lookback") if getattr(cfg.window, k) is not None}
    # the panel's lengths can cut the default lookback of a global network, as in ``train``
    # (--local fits one series each: a series alone keeps it)
    lengths, cut = list(panel.lengths), not cfg.model.local
    shape = resolve_shape(cfg, panel.freq, lengths, panel.last_stamp, cut_lookback=cut)
    # whether the week is a cycle of its own is read from the rows before the first fold
    held = shape.horizon + ((spec.folds or DEFAULT_FOLDS) - 1) * (spec.origin_stride or shape.horizon)
    before = [m.y[: max(len(m.y) - held, 0)] for m in panel.members]
    shape = resolve_shape(cfg, panel.freq, lengths, panel.last_stamp, cut_lookback=cut, ys=before)
    lookback, horizon, season = shape.lookback, shape.horizon, shape.season
    # Every fold's network sees the same window shape, whatever rows it trains on.
    cfg = dataclasses.replace(cfg, window=dataclasses.replace(cfg.window, lookback=lookback, horizon=horizon))
    models = resolve_models(spec)
    neural = [name for name in models if name in MODEL_KINDS]
    differencing = int(cfg.scaling.transform in DIFFERENCING)
    local = cfg.model.local and bool(neural)

    def rows_needed(lookback: int, horizon: int) -> tuple[int | None, int]:
        """(least_fit, min_train): the rows a network's training window takes (lookback,
        horizon and validation; None without a network), and the fewest rows before an origin."""
        least_fit = min_rows(lookback, horizon, cfg.window.val_fraction) + differencing if neural else None
        if least_fit is None:  # baselines read a season before an origin
            min_train = season + 1
        elif len(panel) == 1 or local:  # one series trains its own network: it needs training windows
            min_train = least_fit
        else:  # a global network only needs to read each series' lookback; one series at least
            min_train = lookback + differencing + 1  # must hold a training window (least_fit)
        return least_fit, max(min_train, season + 1)

    # a global network's default lookback is cut to fit a fold, as ``train`` cuts it to fit the rows
    can_cut = "lookback" not in given and len(panel) > 1 and not local
    fitting = refuse_no_fold(panel, horizon, lookback, spec, rows_needed, max(season, 2) if can_cut else None)
    if fitting is not None:
        reason = (
            f"{shape.reasons['lookback']}, cut to {fitting}: the longest that leaves a fold a training window"
        )
        shape = dataclasses.replace(shape, lookback=fitting, reasons={**shape.reasons, "lookback": reason})
        cfg = dataclasses.replace(cfg, window=dataclasses.replace(cfg.window, lookback=fitting))
    least_fit, min_train = rows_needed(shape.lookback, horizon)
    # --local: a network per series, trained at that series' own first fold (never)
    refit, refit_why = resolve_refit(panel, horizon, spec, cfg, min_train, None if local else least_fit)
    spec = dataclasses.replace(spec, refit=refit)
    plans, kept, notes = member_folds(panel, horizon, spec, min_train, cfg, least_fit)
    return Setup(cfg, spec, shape, models, neural, local, plans, kept, notes, refit_why, given)
