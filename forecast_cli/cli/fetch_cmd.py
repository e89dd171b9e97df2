"""`forecast fetch`: a ticker's bars as clean CSV (or JSON), for pipelines."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..config import TickerConfig
from .app import app
from .options import OUTPUT, RunOptions, command
from .render import Reporter, emit


@command(app, "fetch")
def fetch(
    symbol: Annotated[str, typer.Argument(help="Ticker symbol, e.g. MSFT, BRK-B, ^GSPC, VOD.L.")],
    output: Annotated[
        Optional[str],
        typer.Option("--output", "-o", help="File to write, or - for stdout.", rich_help_panel=OUTPUT),
    ] = "-",
    ticker: TickerConfig = None,
    run: RunOptions = None,
    reporter: Reporter = None,
) -> None:
    """Download a ticker's bars with yfinance (through the local cache) and write them as CSV.

    Columns: timestamp, Open, High, Low, Close, [Adj Close], Volume. Stdout by default.

    Examples:

        forecast fetch MSFT --period 2y > msft.csv

        forecast fetch MSFT | forecast train - --target Close -o msft.fcst
    """
    from ..outputs import check_output_paths
    from ..sources import fetch_requested

    check_output_paths({"-o": output})

    result = fetch_requested(symbol, ticker)
    for note in result.notes:
        reporter.info(note)
    emit(run.format or "csv", output, frame=result.frame)
