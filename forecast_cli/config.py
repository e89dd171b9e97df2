"""Dataclasses for every option of data, windows, scaling, model and training.

The same dataclasses are what the model file stores (as JSON), so a model can be
rebuilt from its file alone. ``None`` means "resolve from the data" (documented on
each field); ``resolve_*`` helpers fill those in once the data is known, and the model
file always holds resolved values.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, TypeVar

from .errors import UsageError

AGGREGATIONS = ("mean", "sum", "last", "first", "min", "max", "median", "ohlc")
FILLS = ("interpolate", "ffill", "zero", "drop", "error")
SCALERS = ("standard", "minmax", "robust")
TRANSFORMS = ("auto", "none", "log", "diff", "logdiff")
MODEL_KINDS = ("lstm", "gru", "rnn")
STRATEGIES = ("direct", "recursive")
LOSSES = ("mse", "mae", "huber")
DEVICES = ("auto", "cpu", "cuda")


@dataclass
class DataConfig:
    """How to read and regularise the series."""

    target: str | None = None  # None: the only numeric column, else an error asks for --target
    time_col: str | None = None  # None: auto-detect; "" forces an integer step index
    features: tuple[str, ...] = ()  # extra numeric inputs observed in the past
    freq: str | None = None  # pandas offset alias; None: infer the native frequency
    agg: str = "mean"  # how rows that fall in one period are combined
    fill: str = "interpolate"  # how missing periods are filled
    ticker: str | None = None  # set when the series came from `--ticker` (recorded in the model)
    interval: str | None = None  # the yfinance interval of that ticker data
    delimiter: str | None = None  # CSV field separator: , ; tab or | (default: detected from the file)
    decimal: str = "."  # decimal mark in numbers, e.g. , for 1,5 (a column of 1,5 without it is refused)
    thousands: str | None = None  # thousands separator in numbers, e.g. . for 1.234,5 or , for 1,234.5
    time_format: str | None = None  # strftime format of the time column, e.g. %d/%m/%Y (default: detected)
    fill_explicit: bool = False  # --fill was given: fill all gaps (default: refuse to invent >20%)


@dataclass
class WindowConfig:
    """How the series is cut into (lookback -> horizon) samples."""

    lookback: int | None = None  # None: two seasons, or 4 x horizon without a season
    horizon: int | None = None  # None: one season, or 1 without a season
    stride: int = 1
    val_fraction: float = 0.15


@dataclass
class ScalingConfig:
    """Target transform (applied first) and scaler (fit on training rows only)."""

    scaler: str = "standard"
    transform: str = "auto"  # auto: log when the training target is strictly positive


@dataclass
class ModelConfig:
    """Recurrent network shape."""

    kind: str = "lstm"
    hidden: int = 64
    layers: int = 1
    dropout: float = 0.0
    strategy: str = "direct"
    patch: int | None = None  # lookback steps per recurrent step; None: at most 12 recurrent steps
    # Subtract each window's last target value from its inputs and add it back to the
    # outputs (reversible instance normalisation): the network learns changes, which
    # generalises past the training range of a trending series.
    level_norm: bool = True


@dataclass
class TrainConfig:
    """Optimiser and loop options."""

    epochs: int = 60  # an upper bound: early stopping usually ends sooner
    patience: int = 10
    lr: float = 3e-3
    batch_size: int = 128
    loss: str = "mae"  # MASE and MAE judge absolute errors; training on them matches the judge
    clip: float = 1.0  # max gradient norm; 0 disables clipping
    weight_decay: float = 1e-4
    seed: int = 0
    device: str = "auto"


@dataclass
class ForecastConfig:
    """Everything that defines a forecaster; stored verbatim in the model file."""

    data: DataConfig = field(default_factory=DataConfig)
    window: WindowConfig = field(default_factory=WindowConfig)
    scaling: ScalingConfig = field(default_factory=ScalingConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def validate(self) -> ForecastConfig:
        """Reject impossible values early, with the flag to change in the message."""
        _choice("--agg", self.data.agg, AGGREGATIONS)
        _choice("--fill", self.data.fill, FILLS)
        _choice("--scaler", self.scaling.scaler, SCALERS)
        _choice("--transform", self.scaling.transform, TRANSFORMS)
        _choice("--model", self.model.kind, MODEL_KINDS)
        _choice("--strategy", self.model.strategy, STRATEGIES)
        _choice("--loss", self.train.loss, LOSSES)
        _choice("--device", self.train.device, DEVICES)
        w = self.window
        for flag, value in (("--lookback", w.lookback), ("--horizon", w.horizon)):
            if value is not None and value < 1:
                raise UsageError(f"{flag} must be at least 1, got {value}")
        if w.stride < 1:
            raise UsageError(f"--stride must be at least 1, got {w.stride}")
        if not 0.0 < w.val_fraction < 0.9:
            raise UsageError(f"--val-fraction must be between 0 and 0.9, got {w.val_fraction}")
        m, t = self.model, self.train
        if m.patch is not None and m.patch < 1:
            raise UsageError(f"--patch must be at least 1, got {m.patch}")
        if m.hidden < 1 or m.layers < 1:
            raise UsageError("--hidden and --layers must be at least 1")
        if not 0.0 <= m.dropout < 1.0:
            raise UsageError(f"--dropout must be in [0, 1), got {m.dropout}")
        if t.epochs < 1 or t.batch_size < 1 or t.patience < 1:
            raise UsageError("--epochs, --batch-size and --patience must be at least 1")
        if t.lr <= 0 or t.clip < 0:
            raise UsageError("--lr must be positive and --clip non-negative")
        if m.strategy == "recursive" and self.data.features:
            raise UsageError(
                "--strategy recursive cannot use --features: their future values are "
                "unknown when rolling forward; use --strategy direct"
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (tuples become lists)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ForecastConfig:
        """Rebuild from ``to_dict`` output; unknown keys are ignored for forward compatibility."""
        return cls(
            data=_build(DataConfig, raw.get("data", {})),
            window=_build(WindowConfig, raw.get("window", {})),
            scaling=_build(ScalingConfig, raw.get("scaling", {})),
            model=_build(ModelConfig, raw.get("model", {})),
            train=_build(TrainConfig, raw.get("train", {})),
        )


T = TypeVar("T")


def _build(cls: type[T], raw: dict[str, Any]) -> T:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    kwargs = {k: v for k, v in raw.items() if k in names}
    if "features" in kwargs:
        kwargs["features"] = tuple(kwargs["features"])
    return cls(**kwargs)


def _choice(flag: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise UsageError(f"{flag} {value!r} is not one of: {', '.join(allowed)}")
