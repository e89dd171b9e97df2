"""`forecast fetch`: a ticker's bars as clean CSV (or JSON), for pipelines."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..run_config import ComputeConfig, TickerConfig
from .app import app, exit_partial, fetch_tickers
from .option_groups import OUTPUT, RunOptions
from .options import command
from .render import Reporter, emit


@command(app, "fetch")
def fetch(
    symbol: Annotated[
        str,
        typer.Argument(
            help="Ticker symbol, e.g. MSFT, BRK-B, ^GSPC, VOD.L; several comma-separated: MSFT,AAPL."
        ),
    ],
    output: Annotated[
        Optional[str],
        typer.Option("--output", "-o", help="File to write, or - for stdout.", rich_help_panel=OUTPUT),
    ] = "-",
    ticker: TickerConfig = None,
    compute: ComputeConfig = None,
    run: RunOptions = None,
    reporter: Reporter = None,
) -> None:
    """Download a ticker's bars with yfinance (through the local cache) and write them as CSV.

    Columns: timestamp, Open, High, Low, Close, [Adj Close], Volume. Stdout by default.
    Several symbols give a long table with a ticker column first, one download task per
    symbol (--workers N runs them in parallel); a symbol that fails is named, the others
    are written, and the exit code is 5.

    Examples:

        forecast fetch MSFT --period 2y > msft.csv

        forecast fetch MSFT | forecast train - --target Close -o msft.fcst

        forecast fetch MSFT,AAPL,^GSPC --period 5y > panel.csv
    """
    import dataclasses

    from ..outputs import check_output_paths
    from ..tickers import ticker_table

    check_output_paths({"-o": output})
    request = dataclasses.replace(ticker, ticker=symbol)
    fetched = fetch_tickers(request, ticker.interval or "1d", compute, reporter)
    frame = ticker_table(fetched)
    emit(
        run.format or "csv",
        output,
        frame=frame.set_index(list(frame.columns[: 2 if fetched.is_panel else 1])),
    )
    exit_partial({}, reporter, fetched.failures)
