"""The ``forecast`` command: parse options, make one library call, render, map errors.

torch and pandas are imported inside the commands, so ``forecast --help`` is instant.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from .. import __version__
from ..errors import ExitCode, ForecastError, UsageError
from . import options as o
from .render import Reporter, emit, resolve_format

app = typer.Typer(
    name="forecast",
    help="Time-series forecasting with recurrent networks (LSTM, GRU, RNN), built for the shell.\n\n"
    "Data goes to stdout, progress and messages to stderr. Every DATA argument accepts - for stdin.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"forecast {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Time-series forecasting with recurrent networks, built for the shell."""


@contextmanager
def guarded(quiet: bool, debug: bool) -> Iterator[Reporter]:
    """Map every error to one line on stderr and its exit code; ``--debug`` re-raises."""
    reporter = Reporter(quiet)
    try:
        yield reporter
    except typer.Exit:
        raise
    except BrokenPipeError:  # the reader left (`| head`): not an error, and nothing more to say
        _silence_stdout()
        raise typer.Exit(int(ExitCode.OK)) from None
    except ForecastError as exc:
        if debug:
            raise
        reporter.error(str(exc))
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        reporter.error("interrupted; nothing was written")
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    except Exception as exc:  # a bug: say so in one line, keep the traceback behind --debug
        if debug:
            raise
        reporter.error(f"unexpected {type(exc).__name__}: {exc} (rerun with --debug for the traceback)")
        raise typer.Exit(int(ExitCode.ERROR)) from None


def load_input(data: str | None, data_cfg, reporter: Reporter, ticker: o.TickerRequest | None = None):
    """Read DATA (a path or -) or download --ticker bars into a regular ``Series``, and
    report what loading did."""
    from ..io import read_csv
    from ..series import prepare_series

    if ticker is not None and ticker.symbol:
        if data is not None:
            raise UsageError("give DATA or --ticker, not both")
        raw, data_cfg = fetch_for_training(ticker, data_cfg, reporter)
    elif data is None:
        raise UsageError("give a CSV file (or - for stdin) as DATA, or --ticker SYMBOL")
    else:
        raw = read_csv(data)
    series = prepare_series(raw, data_cfg)
    reporter.info(series.report.line())
    return series


def fetch_for_training(ticker: o.TickerRequest, data_cfg, reporter: Reporter):
    """Ticker bars as a raw table, and the data config that reads them: Close by default,
    and the exchange's trading calendar as the step unless --freq says otherwise."""
    import dataclasses

    from ..sources import calendar_for, fetch_ticker

    symbol = (ticker.symbol or "").upper()
    interval = ticker.interval or data_cfg.interval or "1d"
    result = fetch_ticker(
        symbol,
        interval,
        ticker.start,
        ticker.end,
        ticker.period,
        ticker.adjusted,
        ticker.cache_dir,
        ticker.offline,
    )
    for note in result.notes:
        reporter.info(note)
    calendar = calendar_for(interval, result.exchange_tz)
    freq = data_cfg.freq
    if freq is None or (calendar == "XNYS" and freq in ("D", "1D", "B")):
        freq = calendar
    cfg = dataclasses.replace(
        data_cfg,
        target=data_cfg.target or "Close",
        time_col="timestamp",
        freq=freq,
        ticker=symbol,
        interval=interval,
    )
    return result.frame.reset_index(), cfg


def fit_forecaster(cfg, series, reporter: Reporter, label: str):
    """Train with a progress bar on a terminal and a one-line summary afterwards."""
    from ..forecaster import Forecaster

    with reporter.training_progress(label) as on_epoch:
        forecaster = Forecaster(cfg).fit(series, on_epoch=on_epoch)
    reporter.info(training_summary(forecaster, label))
    return forecaster


def training_summary(forecaster, label: str) -> str:
    m, c = forecaster.metrics_, forecaster.config
    line = (
        f"trained {label}: lookback {forecaster.lookback_} -> horizon {forecaster.horizon_}, "
        f"transform {c.scaling.transform}, {m['train_windows']} train / {m['val_windows']} val windows, "
        f"best epoch {m['best_epoch']} of {m['epochs_run']}, {m['train_seconds']:.1f}s"
    )
    if "val_mae" in m:
        line += (
            f"; validation MAE {m['val_mae']:.4g} (naive {m['val_naive_mae']:.4g}, "
            f"seasonal naive {m['val_seasonal_naive_mae']:.4g})"
        )
    return line


@app.command()
def train(
    data: o.DataArg = None,
    target: o.Target = None,
    time_col: o.TimeCol = None,
    features: o.Features = None,
    freq: o.Freq = None,
    agg: o.Agg = o._D.agg,
    fill: o.Fill = o._D.fill,
    lookback: o.Lookback = None,
    horizon: o.Horizon = None,
    stride: o.Stride = o._W.stride,
    val_fraction: o.ValFraction = o._W.val_fraction,
    scaler: o.ScalerOpt = o._S.scaler,
    transform: o.TransformOpt = o._S.transform,
    model: o.ModelKind = o._M.kind,
    hidden: o.Hidden = o._M.hidden,
    layers: o.Layers = o._M.layers,
    dropout: o.Dropout = o._M.dropout,
    strategy: o.Strategy = o._M.strategy,
    patch: o.Patch = None,
    epochs: o.Epochs = o._T.epochs,
    patience: o.Patience = o._T.patience,
    lr: o.Lr = o._T.lr,
    batch_size: o.BatchSize = o._T.batch_size,
    loss: o.Loss = o._T.loss,
    clip: o.Clip = o._T.clip,
    seed: o.Seed = o._T.seed,
    device: o.Device = o._T.device,
    ticker: o.Ticker = None,
    interval: o.Interval = None,
    start: o.Start = None,
    end: o.End = None,
    period: o.Period = None,
    adjusted: o.Adjusted = False,
    offline: o.Offline = False,
    cache_dir: o.CacheDir = None,
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Model file to write (atomically).", rich_help_panel=o.OUTPUT_PANEL
        ),
    ] = Path("model.fcst"),
    quiet: o.Quiet = False,
    debug: o.Debug = False,
) -> None:
    """Train an LSTM, GRU or RNN forecaster and save it as one model file.

    Examples: forecast train sample_data/airpassengers.csv -o air.fcst;
    forecast train --ticker MSFT --freq 1D --model gru -o msft.fcst
    """
    params = dict(locals())
    with guarded(quiet, debug) as reporter:
        from ..modelfile import save_model

        cfg = o.build_config(**{k: params[k] for k in o.CONFIG_KEYS})
        series = load_input(data, cfg.data, reporter, o.TickerRequest.from_params(params))
        forecaster = fit_forecaster(cfg, series, reporter, cfg.model.kind)
        save_model(forecaster, output)
        reporter.info(f"saved {output}")


@app.command()
def predict(
    data: o.DataArg = None,
    model: Annotated[Path, typer.Option("--model", "-m", help="Model file from `forecast train`.")] = Path(
        "model.fcst"
    ),
    horizon: Annotated[
        Optional[int], typer.Option("--horizon", "-H", help="Steps to forecast (up to the trained horizon).")
    ] = None,
    time_col: o.TimeCol = None,
    ticker: o.Ticker = None,
    interval: o.Interval = None,
    start: o.Start = None,
    end: o.End = None,
    period: o.Period = None,
    adjusted: o.Adjusted = False,
    offline: o.Offline = False,
    cache_dir: o.CacheDir = None,
    fmt: o.Fmt = None,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            help="Write the forecast to a file instead of stdout.",
            rich_help_panel=o.OUTPUT_PANEL,
        ),
    ] = None,
    quiet: o.Quiet = False,
    debug: o.Debug = False,
) -> None:
    """Forecast the steps after the end of DATA (or after the history stored in the model).

    Rows are future timestamps at the model's frequency, then the forecast in a column
    named after the target. Without DATA and with stdin piped, stdin is read.
    """
    with guarded(quiet, debug) as reporter:
        import dataclasses

        from ..modelfile import load_model

        forecaster = load_model(model)
        params = dict(locals())
        request = o.TickerRequest.from_params(params)
        series = None
        if data is None and request.symbol is None and not sys.stdin.isatty():
            data = _stdin_if_any()
        if data is not None or request.symbol:
            cfg = forecaster.config.data
            overrides: dict[str, Any] = {"freq": forecaster.freq_, "ticker": None}
            if time_col is not None:
                overrides["time_col"] = time_col
            if forecaster.freq_ is None:
                overrides["time_col"] = ""
            series = load_input(data, dataclasses.replace(cfg, **overrides), reporter, request)
        else:
            reporter.info(
                f"continuing from the history stored in {model} (ends {forecaster.history_.index[-1]})"
            )
        frame = forecaster.predict(series, horizon)
        emit(resolve_format(fmt, output), output, frame=frame, title=f"{forecaster.target_} forecast")


def _stdin_if_any() -> str | None:
    """'-' when stdin holds data (kept for read_csv), None when it is empty."""
    import io

    text = sys.stdin.read()
    if not text.strip():
        return None
    sys.stdin = io.StringIO(text)
    return "-"


@app.command()
def info(
    model: Annotated[Path, typer.Argument(help="Model file to describe.")],
    fmt: o.Fmt = None,
    quiet: o.Quiet = False,
    debug: o.Debug = False,
) -> None:
    """Show what a model file holds: config, columns, frequency, metrics, versions."""
    with guarded(quiet, debug):
        from ..modelfile import read_metadata

        meta = read_metadata(model)
        summary = describe_model(meta)
        chosen = resolve_format(fmt, None)
        if chosen == "json":
            emit("json", None, payload=summary)
        else:
            import pandas as pd

            frame = pd.DataFrame(
                {"value": [str(v) for v in summary.values()]}, index=pd.Index(list(summary), name="field")
            )
            emit(chosen, None, frame=frame, title=str(model))


def describe_model(meta: dict) -> dict:
    """The metadata worth showing, flattened (history values summarised, not dumped)."""
    cfg = meta["config"]
    hist = meta["history"]
    out = {
        "format_version": meta["format_version"],
        "package_version": meta["package_version"],
        "created": meta["created"],
        "target": meta["target"],
        "features": ",".join(meta["features"]),
        "freq": meta["freq"],
        "season": meta["season"],
        "lookback": meta["lookback"],
        "horizon": meta["horizon"],
        "model": cfg["model"]["kind"],
        "hidden": cfg["model"]["hidden"],
        "layers": cfg["model"]["layers"],
        "strategy": cfg["model"]["strategy"],
        "patch": meta["network"].get("patch", 1),
        "highway_start": meta["network"].get("highway_init", "naive"),
        "transform": meta["transform"],
        "scaler": meta["scaler"]["kind"],
        "history_rows": len(hist["values"]),
        "history_end": hist["index"][-1] if hist["index"] else None,
    }
    out.update({f"metric_{k}": v for k, v in meta.get("metrics", {}).items()})
    return out


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main() -> None:
    """Console-script entry point; a closed pipe (``| head``) ends quietly."""
    try:
        app()
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(0)
