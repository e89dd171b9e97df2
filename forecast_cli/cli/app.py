"""The ``forecast`` command: parse options, make one library call, render, map errors.

torch and pandas are imported inside the commands, so ``forecast --help`` is instant.
Options come from the config dataclasses (see ``options.command``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import __version__
from ..config import ForecastConfig
from ..errors import ExitCode, UsageError
from ..run_config import ComputeConfig, TickerConfig
from .option_groups import OUTPUT, DataArg, RunOptions
from .options import command
from .render import Reporter

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
    wide_target: str | None = None,
):
    """Read DATA (a path, - or stdin bytes) or download --ticker bars into a ``Panel`` of
    regular series (one series is a panel of one), and report what loading did. With
    ``model`` (its path) the columns come from that model, and DATA must hold them (a
    model trained on a wide table, ``wide_target`` its columns, reads a wide file or a long one).
    Returns the panel and the tickers that could not be fetched (symbol -> reason); several
    tickers download on ``compute``'s workers."""
    from ..io import read_data
    from ..model_columns import columns_for_model
    from ..panel import prepare_panel

    skipped: dict[str, str] = {}
    if ticker is not None and ticker.ticker:
        if data is not None:
            raise UsageError("give DATA or --ticker, not both")
        raw, data_cfg, skipped = fetch_for_training(
            ticker,
            data_cfg,
            reporter,
            compute or ComputeConfig(),
            model_freq=data_cfg.freq if model else None,
        )
    elif data is None:
        raise UsageError("give a CSV file (or - for stdin) as DATA, or --ticker SYMBOL")
    else:
        raw = read_data(data, data_cfg)
        if model is not None:
            data_cfg = columns_for_model(raw, data_cfg, str(model), wide_target)
    panel = prepare_panel(raw, data_cfg, to_learn=model is None)
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


def fetch_for_training(
    ticker: TickerConfig, data_cfg, reporter: Reporter, compute: ComputeConfig, model_freq: str | None = None
):
    """Ticker bars as a raw table, the data config that reads them (Close by default, the
    exchange's trading calendar as the step unless --freq says otherwise) and the symbols
    that failed. Several symbols (``--ticker MSFT,AAPL``) make a panel with a ``ticker`` id
    column, downloaded one task per symbol. ``model_freq``: the step of the model that will
    read the bars (predict), which each symbol's exchange must trade in."""
    import dataclasses

    from ..steps import resolve_freq
    from ..tickers import ID_COL, check_model_calendar, common_calendar, ticker_table

    interval = ticker.interval or data_cfg.interval or "1d"
    fetched = fetch_tickers(ticker, interval, compute, reporter)
    check_model_calendar(fetched, interval, model_freq)
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

    if cfg.model.id_embedding and len(series) == 1:
        reporter.warn(
            "--id-embedding on one series learns nothing a series id could tell apart, "
            "and predict then refuses any other series; leave it for panels"
        )
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
    if m["kept_baseline"]:
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
    if forecaster.damped_ is not None:  # combine_weight: in or out, by the validation windows
        line += (
            "; damped trend averaged in"
            if forecaster.damped_.weight
            else "; damped trend left out (the network alone scored lower on validation)"
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
    if m["kept_baseline"]:  # training.py: no epoch beat the highway's starting baseline
        line += f", {m['kept_baseline']} kept the baseline their network starts as"
    if "mean_val_mae" in m:
        line += (
            f"; mean validation MAE {m['mean_val_mae']:.4g} (naive {m['mean_val_naive_mae']:.4g}, "
            f"seasonal naive {m['mean_val_seasonal_naive_mae']:.4g})"
        )
    reporter.info("plan: " + "; ".join(forecaster.plan_.lines()))
    if spread := forecaster.plan_spread():  # each member decides these from its own rows
        reporter.info("plan varies by series: " + "; ".join(f"{k} {v}" for k, v in spread.items()))
    reporter.info(line)
    return forecaster


def exit_partial(failures: dict[str, str], reporter: Reporter, skipped: dict[str, str] | None = None) -> None:
    """One error line per failed series, then exit ``PARTIAL`` (the others' results are
    written); ``skipped``: tickers that could not be fetched (named when they failed)."""
    if not failures and not skipped:
        return
    from ..local_reports import describe_failures

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

    if str(output) == "-":  # predict's "-" is stdout; a model is a binary file, never a stream by accident
        raise UsageError("-o - would write the model to a file named '-'; give a file name (or /dev/stdout)")
    check_output_paths({"-o": output}, [data], model=True)
    series, skipped = load_input(data, config.data, reporter, ticker, compute=compute)
    from ..output_names import refuse_output_clashes

    refuse_output_clashes(series.id_col, series.target)  # before training: predict could not write them
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
