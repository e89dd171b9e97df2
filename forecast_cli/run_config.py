"""Options of one run that the model file does not keep: how a backtest places its folds
and what it compares, which ticker bars to download, and where independent work runs.

Declared like the model's options in ``config`` (one dataclass field per option, its
metadata the CLI flag, help, bounds and commands); kept apart because they change what a
run does or how fast, never what a trained model is.
"""

from __future__ import annotations

from dataclasses import dataclass

from .choices import Interval, WindowKind
from .config import LOAD, MODEL_NAMES
from .errors import UsageError
from .option_spec import check_options, opt

BACKTEST, TICKER = "Backtest", "Ticker data (yfinance)"


@dataclass
class BacktestConfig:
    """How to place backtest folds and what to compare."""

    folds: int | None = opt(
        None,
        "Number of forecast origins (the last K windows of H steps); default 5, or as many as the "
        "longest series fits when fewer do (said).",
        BACKTEST,
        commands=frozenset({"backtest"}),
        short="-k",
        min=1,
    )
    origin_stride: int | None = opt(
        None,
        "Rows between origins (default: the horizon).",
        BACKTEST,
        commands=frozenset({"backtest"}),
        min=1,
        deprecated=("--stride",),
    )
    window: str = opt(
        "expanding",
        "expanding (training grows) or sliding (fixed --train-size).",
        BACKTEST,
        commands=frozenset({"backtest"}),
        choices=WindowKind,
    )
    train_size: int | None = opt(
        None,
        "Training rows per model with --window sliding.",
        BACKTEST,
        commands=frozenset({"backtest"}),
        min=1,
    )
    refit: str = opt(
        "auto",
        "auto (always when one fit before the first origin would see under half the training "
        "windows of one at the last, else never), never (one model before the first origin), "
        "always, or N (every N folds).",
        BACKTEST,
        commands=frozenset({"backtest"}),
    )
    models: tuple[str, ...] = opt(
        ("lstm",),
        "Models to compare, comma-separated: " + ",".join(MODEL_NAMES) + ' ("": the baselines alone).',
        BACKTEST,
        commands=frozenset({"backtest"}),
        is_list=True,
        list_choices=MODEL_NAMES,
    )
    baselines: bool = opt(
        True,
        "Add the naive, seasonal-naive, drift and mean baselines.",
        BACKTEST,
        commands=frozenset({"backtest"}),
    )

    def validate(self) -> BacktestConfig:
        """Bounds of --folds, --origin-stride and --train-size (a stride of -3 was an
        IndexError, and 0 was silently the horizon), and --window with --train-size."""
        from .folds import check_window

        check_options(self)
        check_window(self.window, self.train_size)
        return self


@dataclass
class TickerConfig:
    """Which bars to download with yfinance; ``symbol`` None means read DATA instead."""

    ticker: str | None = opt(
        None, "Download this symbol's bars with yfinance instead of reading DATA.", TICKER, commands=LOAD
    )
    interval: str | None = opt(
        None,
        "Bar size (default 1d; 1m reaches 30 days back, 5m-90m 60 days, 1h 730 days).",
        TICKER,
        commands=LOAD | {"fetch"},
        choices=Interval,
    )
    start: str | None = opt(None, "First date (YYYY-MM-DD).", TICKER, commands=LOAD | {"fetch"})
    end: str | None = opt(
        None,
        "End date, exclusive (default: up to the last completed bar).",
        TICKER,
        commands=LOAD | {"fetch"},
    )
    period: str | None = opt(
        None,
        "Length back from --end instead of --start: 5d, 6mo, 2y (default 10y daily).",
        TICKER,
        commands=LOAD | {"fetch"},
    )
    adjusted: bool = opt(
        False, "Also return Adj Close (split and dividend adjusted).", TICKER, commands=LOAD | {"fetch"}
    )
    offline: bool = opt(
        False, "Use only the local cache; never touch the network.", TICKER, commands=LOAD | {"fetch"}
    )
    cache_dir: str | None = opt(
        None,
        "Cache folder (default: the user cache dir).",
        TICKER,
        commands=LOAD | {"fetch"},
        envvar="FORECAST_CACHE_DIR",
    )


COMPUTE = "Compute"
DISTRIBUTING = frozenset({"train", "backtest"})
FETCHING = frozenset({"predict", "fetch"})  # distribute only the downloads of several symbols


@dataclass
class ComputeConfig:
    """Where independent work runs (per-series fits, backtest fits, ticker downloads) and how
    many torch threads each fit uses. Not stored in the model file: it changes the speed,
    never the result."""

    workers: int = opt(
        1,
        "Local worker processes for independent tasks: --local fits, backtest fits, the downloads of "
        "several --ticker symbols (1: in this process, no Dask). Needs the [dask] extra.",
        COMPUTE,
        commands=DISTRIBUTING | FETCHING,
        min=1,
        max=1024,
    )
    scheduler: str | None = opt(
        None,
        "Address of a running Dask scheduler (tcp://host:8786) to send the work to instead.",
        COMPUTE,
        commands=DISTRIBUTING | FETCHING,
        envvar="FORECAST_SCHEDULER",
    )
    threads: int | None = opt(
        None,
        "torch threads per fit (default: 1 for small networks on any number of workers, "
        "else the free cores, or on Dask workers each host's cores over its task slots).",
        COMPUTE,
        commands=DISTRIBUTING | {"predict"},
        min=1,
        max=1024,
    )

    @property
    def distributed(self) -> bool:
        return self.workers > 1 or bool(self.scheduler)

    def validate(self) -> ComputeConfig:
        check_options(self)
        if self.scheduler is not None and not self.scheduler.strip():
            raise UsageError("--scheduler is empty; give an address such as tcp://host:8786")
        return self
