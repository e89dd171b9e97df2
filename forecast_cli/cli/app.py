"""The ``forecast`` command: parse options, make one library call, render, map errors.

torch and pandas are imported inside the commands, so ``forecast --help`` is instant.
Options come from the config dataclasses (see ``options.command``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from .. import __version__
from ..config import ForecastConfig
from ..errors import ExitCode, UsageError
from ..run_config import ComputeConfig, TickerConfig
from .fitting import fit_forecaster, fit_local, open_compute, use_threads
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
    Returns the panel, the tickers that could not be fetched (symbol -> reason) and the
    data options that read it (--ticker's: which symbols, bars and span); several tickers
    download on ``compute``'s workers."""
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
    lone = len(panel) == 1 and panel.id_col is None
    reporter.info(panel.members[0].report.line() if lone else panel.summary_line())
    from ..spikes import spike_warning

    members = panel.members
    spikes = spike_warning(panel.ids, [m.frame.index for m in members], [m.y for m in members], lone)
    if spikes:
        reporter.warn(spikes)
    return panel, skipped, data_cfg


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
    from ..steps import resolve_freq
    from ..tickers import ID_COL, check_model_calendar, common_calendar, fetched_span, ticker_table

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
        ticker_span=fetched_span(fetched, interval, ticker),
        adjusted=ticker.adjusted,
        id_col=ID_COL if fetched.is_panel else data_cfg.id_col,
    )
    return ticker_table(fetched), cfg, fetched.failures


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
    from .config_option import config_file_read

    if str(output) == "-":  # predict's "-" is stdout; a model is a binary file, never a stream by accident
        raise UsageError("-o - would write the model to a file named '-'; give a file name (or /dev/stdout)")
    check_output_paths({"-o": output}, [data, config.data.ids_file, config_file_read()], model=True)
    series, skipped, read_by = load_input(data, config.data, reporter, ticker, compute=compute)
    if read_by.ticker:  # the model says which bars it learned from, and info -f config repeats them
        source = {k: getattr(read_by, k) for k in ("ticker", "interval", "ticker_span", "adjusted")}
        config = dataclasses.replace(config, data=dataclasses.replace(config.data, **source))
    if config.data.ids_file is not None:  # the ids it named, not the path: info -f config repeats
        # the run from any folder, and after the file changed (it named the path, so a run from
        # another folder was refused, and one after an edit trained on other series, exit 0)
        chosen = dataclasses.replace(config.data, ids=config.data.selected_ids(), ids_file=None)
        config = dataclasses.replace(config, data=chosen)
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
