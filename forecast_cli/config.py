"""Every option of the model (data, windows, scaling, network, training, intervals),
declared once; the options of one run that the model file does not keep (backtest folds,
ticker download, compute) are in ``run_config``, declared the same way.

Each option is a dataclass field whose metadata (an ``Option``) carries its help text,
flag, choices, bounds and the commands that take it. That one declaration is the source
of the CLI option (``cli/options.py`` generates the Typer parameters from it), the key in
a ``--config`` TOML file, the entry in the model file, the validation below and the
README's option reference. Adding an option means adding one field.

The config holds what the user asked for, never what the tool decided: ``None`` means
"decide from the data", and ``plan.resolve_plan`` makes those decisions without
touching the config (scikit-learn's contract: fitting never rewrites parameters).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .choices import (  # noqa: F401  (re-exported: the choices belong to the options)
    Agg,
    Cell,
    Combine,
    Device,
    Drift,
    Fill,
    Interval,
    Loss,
    ScalerKind,
    Strategy,
    TransformKind,
    WindowKind,
)
from .data_config import (  # noqa: F401  (re-exported: the data options are the model's first section)
    DATA,
    DEFAULT_AGG,
    DEFAULT_FILL,
    ID_NAMES,
    LOAD,
    DataConfig,
)
from .errors import UsageError
from .interval_config import IntervalConfig
from .option_spec import FIT, Option, build_section, check_options, opt, option_fields  # noqa: F401

WINDOWS, MODEL = "Windows and scaling", "Model and training"


MAX_HORIZON = 10_000  # steps; bounds a recursive forecast's run time and the output's size
BASELINE_NAMES = ("naive", "seasonal-naive", "drift", "mean")
MODEL_NAMES = (*(c.value for c in Cell), *BASELINE_NAMES)

# Kept for callers that list the valid values (messages, tests).
AGGREGATIONS = tuple(a.value for a in Agg)
FILLS = tuple(f.value for f in Fill)
MODEL_KINDS = tuple(c.value for c in Cell)


@dataclass
class WindowConfig:
    """How the series is cut into (lookback -> horizon) samples."""

    lookback: int | None = opt(
        None,
        "Input steps per window (default: two seasons, else twice the horizon and at least 8; on a panel at most the length 3 in 4 series reach; cut to one that fits where the longest series holds no window of it).",
        WINDOWS,
        short="-L",
        min=1,
    )
    horizon: int | None = opt(
        None, "Steps to forecast (default: one season, else 1).", WINDOWS, short="-H", min=1, max=MAX_HORIZON
    )
    season: tuple[str, ...] = opt(
        (),
        "Steps in one seasonal cycle, or several cycles shortest first (24,168: a day and a week of hours); default: from the frequency, e.g. 12 for monthly, 24,168 for hourly, none for integer steps. The first sets the default horizon, the seasonal-naive baseline and MASE; the lookback spans the longest.",
        WINDOWS,
        is_list=True,
    )
    window_stride: int = opt(
        1, "Steps between training windows.", WINDOWS, min=1, deprecated=("--stride@train",)
    )
    val_fraction: float = opt(
        0.15, "Last fraction of rows held out for early stopping.", WINDOWS, min=0, min_open=True, max=0.9
    )

    def cycles(self) -> tuple[int, ...]:
        """``--season`` as whole numbers, shortest first; () when not given."""
        out = set()
        for item in self.season:
            try:
                value = int(item)
            except ValueError:
                value = 0
            if value < 1 or str(item).strip() != str(value):
                raise UsageError(
                    f"--season {','.join(self.season)}: {item!r} is not a whole number of steps (e.g. 12, or 24,168)"
                )
            out.add(value)
        return tuple(sorted(out))


@dataclass
class ScalingConfig:
    """Target transform (applied first) and scaler (fit on training rows only)."""

    scaler: str = opt(
        "auto",
        "Scaler fit on training rows only; auto = shared for a log target, else standard "
        "(shared: one target scale for every series; robust resists outliers; none leaves log-ratios as they are).",
        WINDOWS,
        choices=ScalerKind,
    )
    transform: str = opt(
        "auto", "Target transform; auto = log for a strictly positive target.", WINDOWS, choices=TransformKind
    )


@dataclass
class ModelConfig:
    """Recurrent network shape."""

    cell: str = opt(
        "lstm",
        "Recurrent cell: lstm (gated, with a cell state), gru (lighter gated) or rnn (vanilla).",
        MODEL,
        commands=frozenset({"train"}),
        choices=Cell,
        deprecated=("--model",),
    )
    hidden: int = opt(64, "Hidden units per layer.", MODEL, min=1)
    layers: int = opt(1, "Stacked recurrent layers.", MODEL, min=1)
    dropout: float = opt(0.0, "Dropout between layers and before the head.", MODEL, min=0, max=0.99)
    strategy: str = opt(
        "direct",
        "direct (many-to-many: all steps at once) or recursive (many-to-one, rolled forward).",
        MODEL,
        choices=Strategy,
    )
    patch: int | None = opt(
        None,
        "Lookback steps the cell reads per recurrent step (default: at most 12 steps; 1 = classic).",
        MODEL,
        min=1,
    )
    local: bool = opt(
        False,
        "Train one network per series instead of one global network (for heterogeneous sets); "
        "still one model file.",
        MODEL,
    )
    id_embedding: int = opt(
        0,
        "Learn an embedding of N numbers per series of a panel (0: off); predict then refuses "
        "series the model never saw.",
        MODEL,
        min=0,
        max=256,
    )
    drift: str = opt(
        "auto",
        "Give each window its series' long-run drift, the mean change over up to four lookbacks "
        "before it; auto: on for panels, where it tells series apart.",
        MODEL,
        choices=Drift,
    )
    combine: str = opt(
        "auto",
        "Average the network's forecast with damped-trend exponential smoothing of each series "
        "(the M competitions' Damped benchmark), bands calibrated on the average; auto: where it "
        "lowers the validation error.",
        MODEL,
        choices=Combine,
    )
    # Subtract each window's last target value from its inputs and add it back to the
    # outputs (reversible instance normalisation): the network learns changes, which
    # generalises past the training range of a trending series.
    level_norm: bool = True


@dataclass
class TrainConfig:
    """Optimiser and loop options."""

    epochs: int = opt(60, "Upper bound on epochs; early stopping usually ends sooner.", MODEL, min=1)
    patience: int = opt(10, "Epochs without validation improvement before stopping.", MODEL, min=1)
    lr: float = opt(
        3e-3, "Peak learning rate of the one-cycle schedule.", MODEL, min=0, min_open=True, max=10
    )
    batch_size: int | None = opt(
        None,
        "Windows per gradient step (default: 128, fewer on a panel with under 2,048 training "
        "windows, so that an epoch takes 16 steps).",
        MODEL,
        min=1,
    )
    loss: str = opt("mae", "Training loss (MAE matches what MASE judges).", MODEL, choices=Loss)
    clip: float = opt(1.0, "Max gradient norm (0 disables clipping).", MODEL, min=0)
    weight_decay: float = opt(1e-4, "AdamW weight decay.", MODEL, min=0)
    seed: int = opt(
        0,
        "Random seed: same data + seed + machine = same model.",
        MODEL,
        min=0,
        max=2**32 - 1,
        envvar="FORECAST_SEED",
    )
    device: str = opt("auto", "Where to train.", MODEL, choices=Device, envvar="FORECAST_DEVICE")


@dataclass
class ForecastConfig:
    """Everything that defines a forecaster; stored verbatim in the model file."""

    data: DataConfig = field(default_factory=DataConfig)
    window: WindowConfig = field(default_factory=WindowConfig)
    scaling: ScalingConfig = field(default_factory=ScalingConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    intervals: IntervalConfig = field(default_factory=IntervalConfig)

    def validate(self) -> ForecastConfig:
        """Reject impossible values early, with the flag to change in the message."""
        from .calendar_defaults import calendar_asked

        check_options(self)
        for flag, names in (
            ("--features", self.data.features),
            ("--future-features", self.data.future_features),
            ("--static-cols", self.data.static_cols),
        ):
            # a column named twice became two inputs the model file could not predict from
            if twice := [name for i, name in enumerate(names) if name in names[:i]]:
                raise UsageError(f"{flag} names {twice[0]!r} twice; name each column once")
        self.intervals.levels(), self.intervals.probs(), self.window.cycles()
        calendar_asked(self.data)
        if self.data.subdiv and not self.data.country:
            raise UsageError(
                f"--subdiv {self.data.subdiv} needs --country, the country it is a region of "
                "(e.g. --country AU --subdiv VIC)"
            )
        if self.data.country:  # one spelling in the plan, info and the model file
            from .calendar_features import holiday_source

            country, subdiv = holiday_source(self.data.country, self.data.subdiv)
            self.data = replace(self.data, country=country, subdiv=subdiv)
        if self.model.local and (self.data.static_cols or self.model.id_embedding):
            given = "--static-cols" if self.data.static_cols else "--id-embedding"
            raise UsageError(
                f"{given} tells series apart inside one global network; --local trains one "
                f"network per series, which sees a single series: drop {given} or --local"
            )
        if self.model.strategy == "recursive" and self.data.features:
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
        """Rebuild from ``to_dict`` output. Unknown keys are ignored (forward compatibility);
        keys renamed since round 1 (``kind`` -> ``cell``, ``stride`` -> ``window_stride``) map."""
        return cls(
            data=build_section(DataConfig, raw.get("data", {})),
            window=build_section(WindowConfig, _renamed(raw.get("window", {}), stride="window_stride")),
            scaling=build_section(ScalingConfig, raw.get("scaling", {})),
            model=build_section(ModelConfig, _renamed(raw.get("model", {}), kind="cell")),
            train=build_section(TrainConfig, raw.get("train", {})),
            intervals=build_section(IntervalConfig, raw.get("intervals", {})),
        )


def _renamed(raw: dict[str, Any], **renames: str) -> dict[str, Any]:
    out = dict(raw)
    for old, new in renames.items():
        if old in out and new not in out:
            out[new] = out.pop(old)
    return out
