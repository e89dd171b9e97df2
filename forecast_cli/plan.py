"""The resolved plan: every value the tool decides from (config, data), each with its reason.

``resolve_plan`` is the only place a default is decided. It is pure: it reads the config
and the data and returns a frozen ``Plan``; it never writes into the config (so fitting
one ``Forecaster`` twice on different series decides twice, from scratch). ``fit``,
``backtest``, ``info`` and the stderr summary all read the plan, and the model file
stores it beside the config, so nothing downstream re-derives a default.

Defaults, and why:
- season: the frequency's natural cycle (12 for months, 48 for half-hours; see
  ``calendars.seasonal_period``), or one given by ``--season`` in a backtest.
- horizon: one season, so a forecast covers a full cycle; 1 without a season.
- lookback: two seasons, the least that shows a seasonal pattern twice and lets the
  network tell it from noise; without a season twice the horizon and at least 8 steps.
  (Measured and not kept: at least 1.5 horizons, as some global models use. It moved M1
  monthly by seed noise and cost the airline series with H=36 most of its windows:
  MAPE 5.1% -> 7.8%.)
- transform ``auto``: log when every training value is strictly positive (it turns
  multiplicative seasonality and exponential growth into additive ones and keeps
  forecasts positive), else none. Only training rows decide, so the backtest's
  decision at an origin cannot depend on rows after it.
- scaler ``auto``: ``shared`` (one target scale for the whole panel) for a log target,
  whose series are already in comparable units (relative changes), else ``standard``
  per series (raw units of different series are not comparable); see
  ``scaling.fit_scalers``.
- level normalisation: on unless the transform differences (a differenced series has
  no level to subtract).
- patch: lookback steps read per recurrent step, so the recurrence stays at most 12
  steps long (long recurrences are where vanishing gradients bite).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .calendars import seasonal_period
from .config import ForecastConfig
from .errors import DataError
from .scaling import DIFFERENCING
from .windows import panel_split, temporal_split

MAX_RECURRENT_STEPS = 12


def default_patch(lookback: int, max_steps: int = MAX_RECURRENT_STEPS) -> int:
    """Segment length that keeps the recurrence at most ``max_steps`` long."""
    return max(1, -(-lookback // max_steps))


@dataclass(frozen=True)
class Plan:
    """What the tool decided for one fit. ``reasons`` says why, per field."""

    freq: str | None
    season: int
    horizon: int
    lookback: int
    transform: str
    level_norm: bool
    patch: int
    strategy: str
    train_rows: int
    val_rows: int
    series: int = 1
    scaler: str = ""  # "" in model files written before the plan decided it: read the config
    reasons: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def differencing(self) -> bool:
        """Whether the transform differences (its first row is undefined)."""
        return self.transform in DIFFERENCING

    @property
    def first_row(self) -> int:
        """First row a window may read: 1 after differencing, else 0."""
        return 1 if self.differencing else 0

    @property
    def outputs(self) -> int:
        """Steps the network emits per pass: the horizon (direct) or 1 (recursive)."""
        return self.horizon if self.strategy == "direct" else 1

    @property
    def context_rows(self) -> int:
        """Rows of history one forecast reads: the lookback, plus one to undo differencing."""
        return self.lookback + self.first_row

    def lines(self) -> list[str]:
        """Human lines, ``name value (reason)``, for the stderr summary and ``forecast info``."""
        out = []
        for name in ("series", "season", "horizon", "lookback", "transform", "scaler", "level_norm", "patch"):
            value = getattr(self, name)
            if name == "series" and value == 1:
                continue
            shown = ("on" if value else "off") if isinstance(value, bool) else value
            reason = self.reasons.get(name)
            out.append(f"{name.replace('_', ' ')} {shown}" + (f" ({reason})" if reason else ""))
        return out

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Plan:
        return cls(**{k: raw[k] for k in cls.__dataclass_fields__ if k in raw})


@dataclass(frozen=True)
class Shape:
    """The window shape: decided from the config and the frequency alone, never the values."""

    season: int
    horizon: int
    lookback: int
    reasons: dict[str, str]


def resolve_shape(config: ForecastConfig, freq: str | None, season: int | None = None) -> Shape:
    """Season, horizon and lookback (see the module docstring for the defaults).

    ``season`` overrides the frequency's natural season.
    """
    reasons: dict[str, str] = {}
    if season is None:
        season = seasonal_period(freq)
        reasons["season"] = f"the cycle of {freq} data" if season > 1 else "no cycle at this frequency"
    else:
        reasons["season"] = "given"
    w = config.window
    if w.horizon is not None:
        horizon = w.horizon
        reasons["horizon"] = "given"
    else:
        horizon = season if season > 1 else 1
        reasons["horizon"] = "one season" if season > 1 else "one step: no season to cover"
    if w.lookback is not None:
        lookback = w.lookback
        reasons["lookback"] = "given"
    elif season > 1:
        lookback = 2 * season
        reasons["lookback"] = f"two seasons of {season}"
    else:
        lookback = max(2 * horizon, 8)
        reasons["lookback"] = "twice the horizon, at least 8"
    return Shape(season, horizon, lookback, reasons)


def resolve_plan(
    config: ForecastConfig, freq: str | None, ys: Sequence[np.ndarray], season: int | None = None
) -> Plan:
    """Decide every ``None``/``auto`` option of ``config`` for the targets ``ys`` (one array
    per series) at ``freq``. Only training rows (before each validation tail) inform a decision.
    """
    shape = resolve_shape(config, freq, season)
    season, horizon, lookback = shape.season, shape.horizon, shape.lookback
    reasons = dict(shape.reasons)
    w = config.window
    strategy = config.model.strategy
    outputs = horizon if strategy == "direct" else 1
    requested = config.scaling.transform
    first = 1 if requested in DIFFERENCING else 0
    lengths = np.array([len(y) for y in ys], dtype=np.int64)
    split = panel_split(lengths, lookback, outputs, w.val_fraction, w.window_stride, first)
    if len(split.train_origins) == 0:
        if len(ys) == 1:
            temporal_split(len(ys[0]), lookback, outputs, w.val_fraction, w.window_stride, first)  # says why
        raise DataError(
            f"no series has enough rows for one training window (lookback {lookback} + horizon {outputs} "
            f"+ validation; longest has {lengths.max()}); lower --lookback or --horizon"
        )
    train_ys = [np.asarray(y[:end], dtype=np.float64) for y, end in zip(ys, split.train_ends, strict=True)]
    transform, reasons["transform"] = _transform(requested, train_ys)
    trainable = np.bincount(split.series_of_train, minlength=len(ys)) > 0
    short = int((~trainable).sum())
    if short:
        reasons["series"] = f"{short} too short for a training window, forecast from their own history"

    scaler, reasons["scaler"] = _scaler(config.scaling.scaler, transform)
    level_norm = config.model.level_norm and transform not in DIFFERENCING
    reasons["level_norm"] = (
        "the network learns changes from the last value"
        if level_norm
        else ("differenced series have no level" if config.model.level_norm else "turned off")
    )
    if config.model.patch is not None:
        patch = config.model.patch
        reasons["patch"] = "given"
    else:
        patch = default_patch(lookback)
        reasons["patch"] = f"keeps the recurrence to {-(-lookback // patch)} steps"
    return Plan(
        freq=freq,
        season=season,
        horizon=horizon,
        lookback=lookback,
        transform=transform,
        level_norm=level_norm,
        patch=patch,
        strategy=strategy,
        train_rows=int(split.train_ends.sum()),
        val_rows=int(lengths.sum() - split.train_ends.sum()),
        series=len(ys),
        scaler=scaler,
        reasons=reasons,
    )


def _transform(requested: str, train_ys: list[np.ndarray]) -> tuple[str, str]:
    """Log only when every series is strictly positive on its training rows: one transform
    for the panel keeps the network's inputs comparable across series."""
    if requested != "auto":
        return requested, "given"
    finite = [y[np.isfinite(y)] for y in train_ys]
    if all(len(f) and np.all(f > 0) for f in finite):
        return "log", "auto: the training target is strictly positive"
    return "none", "auto: the training target has values <= 0"


def _scaler(requested: str, transform: str) -> tuple[str, str]:
    """``auto``: one shared target scale when the log has made series comparable."""
    if requested != "auto":
        return requested, "given"
    if transform in ("log", "logdiff"):
        return "shared", "auto: log units are comparable across series"
    return "standard", "auto: each series in its own units"
