"""The ``forecast`` command: parse options, make one library call, render, map errors.

torch and pandas are imported inside the commands, so ``forecast --help`` is instant.
Options come from the config dataclasses (see ``options.command``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .. import __version__
from ..config import ComputeConfig, ForecastConfig, TickerConfig
from ..errors import DataError, ExitCode, FreqWithoutDates, UsageError
from .options import OUTPUT, DataArg, RunOptions, command
from .render import Reporter, emit, resolve_format

app = typer.Typer(
    name="forecast",
    help="Time-series forecasting with recurrent networks (LSTM, GRU, RNN), built for the shell.\n\n"
    "Data goes to stdout, progress and messages to stderr. Every DATA argument accepts - for stdin.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
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


def load_input(
    data,
    data_cfg,
    reporter: Reporter,
    ticker: TickerConfig | None = None,
    model: Path | None = None,
    compute: ComputeConfig | None = None,
):
    """Read DATA (a path, - or stdin bytes) or download --ticker bars into a ``Panel`` of
    regular series (one series is a panel of one), and report what loading did. With
    ``model`` (its path) the columns come from that model, and DATA must hold them.
    Returns the panel and the tickers that could not be fetched (symbol -> reason); several
    tickers download on ``compute``'s workers."""
    from ..io import read_data
    from ..panel import prepare_panel, require_model_columns

    skipped: dict[str, str] = {}
    if ticker is not None and ticker.ticker:
        if data is not None:
            raise UsageError("give DATA or --ticker, not both")
        raw, data_cfg, skipped = fetch_for_training(ticker, data_cfg, reporter, compute or ComputeConfig())
    elif data is None:
        raise UsageError("give a CSV file (or - for stdin) as DATA, or --ticker SYMBOL")
    else:
        raw = read_data(data, data_cfg)
        if model is not None:
            require_model_columns(raw, data_cfg, str(model))
    panel = prepare_panel(raw, data_cfg)
    if len(panel) == 1 and panel.id_col is None:
        reporter.info(panel.members[0].report.line())
    else:
        reporter.info(panel.summary_line())
    return panel, skipped


def fetch_tickers(ticker: TickerConfig, interval: str, compute: ComputeConfig, reporter: Reporter):
    """--ticker's symbols fetched (several: one task each on ``compute``), their notes in
    symbol order and one error line per symbol that failed; raises when none came back."""
    import contextlib

    from ..tickers import fetch_symbols, parse_symbols

    symbols = parse_symbols(ticker.ticker)
    several = len(symbols) > 1
    with (
        open_compute(compute, reporter, warm=False) if several else contextlib.nullcontext() as executor,
        reporter.task_progress(f"fetching {len(symbols)} tickers")
        if several
        else contextlib.nullcontext() as on_progress,
    ):
        fetched = fetch_symbols(symbols, ticker, interval, executor, on_progress)
    for result in fetched.results.values():
        for note in result.notes:
            reporter.info(note)
    if fetched.is_panel:
        for line in fetched.failure_lines():
            reporter.error(line)
    fetched.require_some()
    return fetched


def fetch_for_training(ticker: TickerConfig, data_cfg, reporter: Reporter, compute: ComputeConfig):
    """Ticker bars as a raw table, the data config that reads them (Close by default, the
    exchange's trading calendar as the step unless --freq says otherwise) and the symbols
    that failed. Several symbols (``--ticker MSFT,AAPL``) make a panel with a ``ticker`` id
    column, downloaded one task per symbol."""
    import dataclasses

    from ..calendars import resolve_freq
    from ..tickers import ID_COL, common_calendar, ticker_table

    interval = ticker.interval or data_cfg.interval or "1d"
    fetched = fetch_tickers(ticker, interval, compute, reporter)
    freq = resolve_freq(data_cfg.freq, common_calendar(fetched, interval, data_cfg.freq))
    cfg = dataclasses.replace(
        data_cfg,
        target=data_cfg.target or "Close",
        time_col="timestamp",
        freq=freq,
        ticker=",".join(fetched.results),
        interval=interval,
        id_col=ID_COL if fetched.is_panel else data_cfg.id_col,
    )
    return ticker_table(fetched), cfg, fetched.failures


def fit_forecaster(cfg, series, reporter: Reporter, label: str):
    """Train with a progress bar on a terminal and a summary (plan, then result) afterwards."""
    from ..forecaster import Forecaster

    with reporter.training_progress(label) as on_epoch:
        forecaster = Forecaster(cfg).fit(series, on_epoch=on_epoch)
    reporter.info("plan: " + "; ".join(forecaster.plan_.lines()))
    reporter.info(training_summary(forecaster, label))
    if warning := validation_warning(forecaster.metrics_):
        reporter.warn(warning)
    return forecaster


def validation_warning(m: dict) -> str | None:
    """A warning when the trained network forecasts its validation windows worse than the
    better of naive and seasonal naive: its forecasts may be worse than a baseline's, which
    the user should hear before relying on them (an outlier that squashes the scale, too few
    rows, or a wrong --freq are the usual causes)."""
    if "val_mae" not in m:
        return None
    name, best = min(
        (("naive", m["val_naive_mae"]), ("seasonal naive", m["val_seasonal_naive_mae"])), key=lambda kv: kv[1]
    )
    if not m["val_mae"] > 1.05 * best:
        return None
    return (
        f"the network's validation MAE ({m['val_mae']:.4g}) is above {name}'s ({best:.4g}): its forecasts may "
        "be worse than that baseline's; check with `forecast backtest`, and with outliers try --scaler robust"
    )


def training_summary(forecaster, label: str) -> str:
    m, p = forecaster.metrics_, forecaster.plan_
    best = f"best epoch {m['best_epoch']} of {m['epochs_run']}"
    if m["best_epoch"] == 0 and forecaster.network_args_.highway:  # training.py keeps that baseline
        best += f" (none beat the {forecaster.network_args_.highway_init} baseline it starts as: it forecasts that)"
    line = (
        f"trained {label}: lookback {p.lookback} -> horizon {p.horizon}, "
        f"transform {p.transform}, {m['train_windows']} train / {m['val_windows']} val windows, "
        f"{best}, {m['train_seconds']:.1f}s"
    )
    if "val_mae" in m:
        line += (
            f"; validation MAE {m['val_mae']:.4g} (naive {m['val_naive_mae']:.4g}, "
            f"seasonal naive {m['val_seasonal_naive_mae']:.4g})"
        )
    return line


def use_threads(compute: ComputeConfig, model_cfg) -> None:
    """torch threads for fits in this process (see ``threads``); Dask workers set their own."""
    from ..threads import default_threads, set_torch_threads

    set_torch_threads(compute.threads or default_threads(model_cfg.hidden, model_cfg.layers))


def open_compute(compute: ComputeConfig, reporter: Reporter, warm: bool = True, network=None):
    """The executor, with its start-up time reported apart from the work's; ``warm``:
    import the model code on every worker first (not for downloads); ``network``: the
    model options of its fits (their size sets the threads each fit uses)."""
    import contextlib

    from ..compute import open_executor

    @contextlib.contextmanager
    def opened():
        with open_executor(compute, warm, network) as executor:
            if compute.distributed:
                reporter.info(f"dask: {executor.description}, ready in {executor.startup_seconds:.1f}s")
            yield executor

    return opened()


def fit_local(cfg, series, compute: ComputeConfig, reporter: Reporter):
    """Train one network per series through the executor; report the failures."""
    import time

    from ..local_models import LocalForecaster

    with open_compute(compute, reporter, network=cfg.model) as executor:
        t0 = time.perf_counter()
        with reporter.task_progress(f"fitting {len(series)} series") as on_progress:
            forecaster = LocalForecaster(cfg).fit(series, executor, on_progress)
        work = time.perf_counter() - t0
    m = forecaster.metrics_
    line = (
        f"trained {m['series']} local {cfg.model.cell} models in {work:.1f}s ({executor.description}): "
        f"{m['train_windows']} train / {m['val_windows']} val windows, median best epoch {m['median_best_epoch']:g}"
    )
    if "mean_val_mae" in m:
        line += (
            f"; mean validation MAE {m['mean_val_mae']:.4g} (naive {m['mean_val_naive_mae']:.4g}, "
            f"seasonal naive {m['mean_val_seasonal_naive_mae']:.4g})"
        )
    reporter.info("plan: " + "; ".join(forecaster.plan_.lines()))
    reporter.info(line)
    return forecaster


def exit_partial(failures: dict[str, str], reporter: Reporter, skipped: dict[str, str] | None = None) -> None:
    """One error line per failed series, then exit ``PARTIAL`` (the others' results are
    written); ``skipped``: tickers that could not be fetched (named when they failed)."""
    if not failures and not skipped:
        return
    from ..local_models import describe_failures

    for message in describe_failures(failures):
        reporter.error(message)
    lost = [f"{len(failures)} series failed"] if failures else []
    if skipped:
        lost.append(f"{len(skipped)} ticker(s) could not be fetched ({', '.join(skipped)})")
    reporter.error(f"{' and '.join(lost)}; the results of the others were written")
    raise typer.Exit(int(ExitCode.PARTIAL))


@command(app, "train")
def train(
    data: DataArg = None,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Model file to write (atomically).", rich_help_panel=OUTPUT),
    ] = Path("model.fcst"),
    config: ForecastConfig = None,
    ticker: TickerConfig = None,
    compute: ComputeConfig = None,
    run: RunOptions = None,
    reporter: Reporter = None,
) -> None:
    """Train an LSTM, GRU or RNN forecaster and save it as one model file.

    Examples:

        forecast train sample_data/airpassengers.csv -o air.fcst

        forecast train --ticker MSFT --freq 1D --cell gru -o msft.fcst

        forecast fetch MSFT | forecast train - --target Close -o msft.fcst
    """
    from ..modelfile import save_model
    from ..outputs import check_output_paths

    check_output_paths({"-o": output}, [data])
    series, skipped = load_input(data, config.data, reporter, ticker, compute=compute)
    if config.model.local:
        if not compute.distributed:
            use_threads(compute, config.model)
        forecaster = fit_local(config, series, compute, reporter)
    else:
        if compute.distributed:
            reporter.warn(
                "--workers/--scheduler: the global model trains in one process (only the downloads of "
                "several --ticker symbols are distributed); add --local to distribute the fits"
            )
        use_threads(compute, config.model)
        forecaster = fit_forecaster(config, series, reporter, config.model.cell)
    save_model(forecaster, output)
    reporter.info(f"saved {output}")
    exit_partial(getattr(forecaster, "failures_", {}), reporter, skipped)


@command(app, "predict")
def predict(
    data: DataArg = None,
    model: Annotated[Path, typer.Option("--model", "-m", help="Model file from `forecast train`.")] = Path(
        "model.fcst"
    ),
    horizon: Annotated[
        Optional[int],
        typer.Option(
            "--horizon", "-H", help="Steps to forecast (up to the trained horizon; 10000 recursive)."
        ),
    ] = None,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output", "-o", help="Write the forecast to a file instead of stdout.", rich_help_panel=OUTPUT
        ),
    ] = None,
    future_data: Annotated[
        Optional[str],
        typer.Option(
            "--future-data",
            help="CSV with the model's --future-features over the forecast steps (same time and id columns), or - for stdin.",
        ),
    ] = None,
    wide: Annotated[
        bool,
        typer.Option(
            "--wide", help="One column per series instead of long id,timestamp rows.", rich_help_panel=OUTPUT
        ),
    ] = False,
    config: ForecastConfig = None,
    ticker: TickerConfig = None,
    compute: ComputeConfig = None,
    run: RunOptions = None,
    reporter: Reporter = None,
) -> None:
    """Forecast the steps after the end of DATA (or after the history stored in the model).

    Rows are future timestamps at the model's frequency, then the forecast in a column
    named after the target. Without DATA and with stdin piped, stdin is read.

    Examples:

        forecast predict -m air.fcst

        tail -n 48 new.csv | forecast predict -m air.fcst --format json
    """
    import dataclasses

    from ..io import is_model_file
    from ..modelfile import load_model
    from ..outputs import check_output_paths
    from ..panel import unknown_ids

    check_output_paths({"-o": output}, [data if isinstance(data, str) else None, model, future_data])
    ids = config.data.selected_ids()  # a bad --ids-file fails before the model is read
    if isinstance(data, str) and data != "-" and not model.exists() and is_model_file(Path(data)):
        raise UsageError(f"{data} is a model file: give it with -m (forecast predict -m {data})")
    forecaster = load_model(model)
    use_threads(compute, forecaster.config.model)
    series, skipped = None, {}
    if future_data == "-" and data == "-":
        raise UsageError("DATA and --future-data cannot both be stdin (-); give one of them as a file")
    if data is None and ticker.ticker is None and future_data != "-" and not sys.stdin.isatty():
        data = _stdin_if_any()
    if data is not None or ticker.ticker:
        overrides: dict = {
            "freq": forecaster.freq_,
            "ticker": None,
            "target": forecaster.target_,
            "features": forecaster.features_,  # the known-future ones included: the lookback reads them
            "future_features": (),
            "static_cols": tuple(forecaster.static_levels_),
            "id_col": forecaster.id_col_,
            "ids": config.data.ids,
            "ids_file": config.data.ids_file,
            # how this file is written, which may differ from the training data's
            **{k: getattr(config.data, k) for k in ("delimiter", "decimal", "thousands", "time_format")},
        }
        if config.data.time_col is not None:
            overrides["time_col"] = config.data.time_col
        # a model of integer steps reads DATA's numbered steps (ds = 1, 2, ...) or its rows'
        # order; timestamps there are refused when the history is checked (Forecaster._check_history)
        data_cfg = dataclasses.replace(forecaster.config.data, **overrides)
        try:
            series, skipped = load_input(data, data_cfg, reporter, ticker, model=model, compute=compute)
        except FreqWithoutDates:  # the --freq is the model's: say what the data lacks
            raise DataError(
                f"the model steps in {forecaster.freq_} timestamps, but {data if isinstance(data, str) and data != '-' else 'stdin'} "
                "has no column of dates (step numbers or none); give the rows with their time column "
                "(--time-col NAME)"
            ) from None
    else:
        reporter.info(
            f"continuing from the history stored in {model} ({_history_ends(forecaster.histories_)})"
        )
    if series is None and (unknown := [i for i in ids if i not in forecaster.ids_]):
        raise unknown_ids(
            config.data.ids_label(),
            unknown,
            "the model has no history for",
            f"the model has {len(forecaster.ids_)}",
        )
    frame = forecaster.predict(
        series,
        horizon,
        ids=ids,
        levels=config.intervals.levels(),
        quantiles=config.intervals.probs(),
        future=_future_table(future_data, forecaster, config.data),
    )
    for note in frame.attrs.get("notes", []):
        reporter.warn(note)
    if frame.attrs.get("recalibrated_windows"):
        reporter.info(
            f"bands: {frame.attrs['recalibrated_windows']} window(s) after the training data "
            "joined its validation errors (recalibrated)"
        )
    if wide and forecaster.id_col_ is not None:
        frame = _widen(frame, forecaster.target_)
    emit(resolve_format(run.format, output), output, frame=frame, title=f"{forecaster.target_} forecast")
    exit_partial({}, reporter, skipped)


def _widen(frame, target: str):
    """Long (id, timestamp) rows as one column per series and output column: ``S1``,
    ``S1-lo-80``, ``S1-hi-80``..., series in the forecast's order, each series' bands beside it."""
    ids = list(dict.fromkeys(frame.index.get_level_values(0)))
    wide = frame.unstack(level=0)
    columns = [(column, sid) for sid in ids for column in frame.columns]
    wide = wide[columns]
    wide.columns = [f"{sid}{column[len(target) :]}" for column, sid in columns]
    return wide


def _future_table(path, forecaster, data_cfg):
    """The --future-data table for a model with known-future features (None without a path);
    refuses a path the model has no use for."""
    if path is None:
        return None
    if not forecaster.future_features_:
        raise UsageError("--future-data is for models trained with --future-features; this model has none")
    from ..future_data import read_future
    from ..io import read_data

    raw = read_data(path, data_cfg)
    time_col = data_cfg.time_col if data_cfg.time_col is not None else forecaster.config.data.time_col
    return read_future(
        raw,
        forecaster.future_features_,
        forecaster.id_col_,
        time_col,
        data_cfg.time_format,
        str(path),
        numbers=(data_cfg.decimal, data_cfg.thousands),
    )


def _stdin_if_any():
    """Stdin's bytes as a file object named ``stdin`` (for messages) when it holds data,
    None when it is empty."""
    import io

    raw = sys.stdin.buffer.read()
    if not raw.strip():
        return None
    stream = io.BytesIO(raw)
    stream.name = "stdin"  # type: ignore[attr-defined]
    return stream


def main() -> None:
    """Console-script entry point; a closed pipe (``| head``) ends quietly."""
    from .guard import silence_stdout

    try:
        app()
    except BrokenPipeError:
        silence_stdout()
        sys.exit(0)


def _history_ends(histories) -> str:
    """``ends 2003-04-01``, or ``ends 2002-12-01 .. 2003-04-01`` when the series end apart."""
    import pandas as pd

    from ..series import _stamp

    if histories.lengths().min() == 0:
        return f"ends {histories.last_stamp()}"
    stamps = histories.last_stamps()
    first, last = stamps.min(), stamps.max()
    shown = [_stamp(s) if isinstance(s, pd.Timestamp) else str(s) for s in (first, last)]
    return f"ends {shown[1]}" if first == last else f"ends {shown[0]} .. {shown[1]}"
