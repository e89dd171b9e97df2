"""Options shared by several commands, declared once so every command spells them the same.

Each alias is an ``Annotated`` type: a command lists the ones it takes in its signature,
and ``build_config`` turns their values into a ``ForecastConfig``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..config import DataConfig, ForecastConfig, ModelConfig, ScalingConfig, TrainConfig, WindowConfig

DATA_PANEL = "Data"
WINDOW_PANEL = "Windows and scaling"
MODEL_PANEL = "Model and training"
OUTPUT_PANEL = "Output"

DataArg = Annotated[
    Optional[str], typer.Argument(help="CSV file, or - for stdin. Omit with --ticker.", show_default=False)
]
Target = Annotated[
    Optional[str],
    typer.Option(
        "--target",
        "-t",
        help="Column to forecast (needed when several are numeric).",
        rich_help_panel=DATA_PANEL,
    ),
]
TimeCol = Annotated[
    Optional[str],
    typer.Option(
        "--time-col",
        help="Timestamp column (auto-detected; '' for an integer step index).",
        rich_help_panel=DATA_PANEL,
    ),
]
Features = Annotated[
    Optional[str],
    typer.Option(
        "--features",
        help="Extra numeric input columns, comma-separated (observed in the past).",
        rich_help_panel=DATA_PANEL,
    ),
]
Freq = Annotated[
    Optional[str],
    typer.Option(
        "--freq",
        help="Granularity as a pandas alias (5min, 30min, 1h, 1D, B, W-SUN, MS) or XNYS for NYSE trading days; default: the data's own.",
        rich_help_panel=DATA_PANEL,
    ),
]
Agg = Annotated[
    str,
    typer.Option(
        "--agg",
        help="How rows within one period combine: mean|sum|last|first|min|max|median (use last for prices).",
        rich_help_panel=DATA_PANEL,
    ),
]
Fill = Annotated[
    str,
    typer.Option(
        "--fill", help="Missing periods: interpolate|ffill|zero|drop|error.", rich_help_panel=DATA_PANEL
    ),
]

Lookback = Annotated[
    Optional[int],
    typer.Option(
        "--lookback",
        "-L",
        help="Input steps per window (default: two seasons).",
        rich_help_panel=WINDOW_PANEL,
    ),
]
Horizon = Annotated[
    Optional[int],
    typer.Option(
        "--horizon", "-H", help="Steps to forecast (default: one season).", rich_help_panel=WINDOW_PANEL
    ),
]
Stride = Annotated[
    int, typer.Option("--stride", help="Steps between training windows.", rich_help_panel=WINDOW_PANEL)
]
ValFraction = Annotated[
    float,
    typer.Option(
        "--val-fraction", help="Last fraction of rows used for early stopping.", rich_help_panel=WINDOW_PANEL
    ),
]
ScalerOpt = Annotated[
    str,
    typer.Option(
        "--scaler",
        help="standard|minmax|robust (robust resists outliers); fit on training rows only.",
        rich_help_panel=WINDOW_PANEL,
    ),
]
TransformOpt = Annotated[
    str,
    typer.Option(
        "--transform",
        help="auto|none|log|diff|logdiff; auto = log for a strictly positive target.",
        rich_help_panel=WINDOW_PANEL,
    ),
]

ModelKind = Annotated[str, typer.Option("--model", help="lstm|gru|rnn.", rich_help_panel=MODEL_PANEL)]
Hidden = Annotated[int, typer.Option("--hidden", help="Hidden units per layer.", rich_help_panel=MODEL_PANEL)]
Layers = Annotated[
    int, typer.Option("--layers", help="Stacked recurrent layers.", rich_help_panel=MODEL_PANEL)
]
Dropout = Annotated[
    float,
    typer.Option(
        "--dropout", help="Dropout between layers and before the head.", rich_help_panel=MODEL_PANEL
    ),
]
Strategy = Annotated[
    str,
    typer.Option(
        "--strategy",
        help="direct (many-to-many: all steps at once) | recursive (many-to-one, rolled forward).",
        rich_help_panel=MODEL_PANEL,
    ),
]
Patch = Annotated[
    Optional[int],
    typer.Option(
        "--patch",
        help="Lookback steps the cell reads per recurrent step (default: keep it to 12 steps; 1 = classic).",
        rich_help_panel=MODEL_PANEL,
    ),
]
Epochs = Annotated[
    int,
    typer.Option(
        "--epochs",
        help="Upper bound on epochs; early stopping usually ends sooner.",
        rich_help_panel=MODEL_PANEL,
    ),
]
Patience = Annotated[
    int,
    typer.Option(
        "--patience",
        help="Epochs without validation improvement before stopping.",
        rich_help_panel=MODEL_PANEL,
    ),
]
Lr = Annotated[
    float,
    typer.Option("--lr", help="Peak learning rate of the one-cycle schedule.", rich_help_panel=MODEL_PANEL),
]
BatchSize = Annotated[
    int, typer.Option("--batch-size", help="Windows per gradient step.", rich_help_panel=MODEL_PANEL)
]
Loss = Annotated[str, typer.Option("--loss", help="mse|mae|huber.", rich_help_panel=MODEL_PANEL)]
Clip = Annotated[
    float,
    typer.Option("--clip", help="Max gradient norm (0 disables clipping).", rich_help_panel=MODEL_PANEL),
]
Seed = Annotated[
    int,
    typer.Option(
        "--seed", help="Random seed: same data + seed + machine = same model.", rich_help_panel=MODEL_PANEL
    ),
]
Device = Annotated[str, typer.Option("--device", help="auto|cpu|cuda.", rich_help_panel=MODEL_PANEL)]

Fmt = Annotated[
    Optional[str],
    typer.Option(
        "--format",
        "-f",
        help="table|csv|json (default: table on a terminal, csv in a pipe).",
        rich_help_panel=OUTPUT_PANEL,
    ),
]
Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress or notes on stderr (errors still show).")
]
Debug = Annotated[bool, typer.Option("--debug", help="Show the full traceback on errors.")]

_D, _W, _S, _M, _T = DataConfig(), WindowConfig(), ScalingConfig(), ModelConfig(), TrainConfig()


def split_list(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip()) if text else ()


def build_config(
    *,
    target: str | None,
    time_col: str | None,
    features: str | None,
    freq: str | None,
    agg: str,
    fill: str,
    lookback: int | None,
    horizon: int | None,
    stride: int,
    val_fraction: float,
    scaler: str,
    transform: str,
    model: str,
    hidden: int,
    layers: int,
    dropout: float,
    strategy: str,
    patch: int | None,
    epochs: int,
    patience: int,
    lr: float,
    batch_size: int,
    loss: str,
    clip: float,
    seed: int,
    device: str,
) -> ForecastConfig:
    """One ``ForecastConfig`` from the shared options, validated."""
    return ForecastConfig(
        data=DataConfig(target, time_col, split_list(features), freq, agg, fill),
        window=WindowConfig(lookback, horizon, stride, val_fraction),
        scaling=ScalingConfig(scaler, transform),
        model=ModelConfig(model, hidden, layers, dropout, strategy, patch),
        train=TrainConfig(epochs, patience, lr, batch_size, loss, clip, _T.weight_decay, seed, device),
    ).validate()


CONFIG_KEYS = tuple(
    name for name in build_config.__code__.co_varnames[: build_config.__code__.co_kwonlyargcount]
)


SOURCE_PANEL = "Ticker data (yfinance)"
Ticker = Annotated[
    Optional[str],
    typer.Option(
        "--ticker",
        help="Download this symbol's bars with yfinance instead of reading DATA.",
        rich_help_panel=SOURCE_PANEL,
    ),
]
Interval = Annotated[
    Optional[str],
    typer.Option(
        "--interval",
        help="yfinance bar size: 1m 5m 15m 30m 1h 1d 1wk 1mo (default 1d; 1m reaches 30 days back, 5m-90m 60 days, 1h 730 days).",
        rich_help_panel=SOURCE_PANEL,
    ),
]
Start = Annotated[
    Optional[str], typer.Option("--start", help="First date (YYYY-MM-DD).", rich_help_panel=SOURCE_PANEL)
]
End = Annotated[
    Optional[str],
    typer.Option(
        "--end",
        help="End date, exclusive (default: up to the last completed bar).",
        rich_help_panel=SOURCE_PANEL,
    ),
]
Period = Annotated[
    Optional[str],
    typer.Option(
        "--period",
        help="Length back from --end instead of --start: 5d, 6mo, 2y (default 10y daily, the interval's reach intraday).",
        rich_help_panel=SOURCE_PANEL,
    ),
]
Adjusted = Annotated[
    bool,
    typer.Option(
        "--adjusted",
        help="Also return Adj Close (split and dividend adjusted).",
        rich_help_panel=SOURCE_PANEL,
    ),
]
Offline = Annotated[
    bool,
    typer.Option(
        "--offline", help="Use only the local cache; never touch the network.", rich_help_panel=SOURCE_PANEL
    ),
]
CacheDir = Annotated[
    Optional[Path],
    typer.Option(
        "--cache-dir",
        help="Cache folder (default: $FORECAST_CACHE_DIR, else the user cache dir).",
        rich_help_panel=SOURCE_PANEL,
    ),
]


@dataclass
class TickerRequest:
    """What --ticker and its companions ask for; ``None`` symbol means read DATA instead."""

    symbol: str | None = None
    interval: str | None = None
    start: str | None = None
    end: str | None = None
    period: str | None = None
    adjusted: bool = False
    offline: bool = False
    cache_dir: Path | None = None

    @classmethod
    def from_params(cls, params: dict) -> TickerRequest:
        return cls(
            *(
                params[k]
                for k in ("ticker", "interval", "start", "end", "period", "adjusted", "offline", "cache_dir")
            )
        )
