"""`forecast fetch`: a ticker's bars as clean CSV (or JSON), for pipelines."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from . import options as o
from .app import app, guarded
from .render import emit


@app.command()
def fetch(
    symbol: Annotated[str, typer.Argument(help="Ticker symbol, e.g. MSFT, BRK-B, ^GSPC, VOD.L.")],
    interval: o.Interval = None,
    start: o.Start = None,
    end: o.End = None,
    period: o.Period = None,
    adjusted: o.Adjusted = False,
    offline: o.Offline = False,
    cache_dir: o.CacheDir = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="csv|json.", rich_help_panel=o.OUTPUT_PANEL)
    ] = "csv",
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output", "-o", help="File to write, or - for stdout.", rich_help_panel=o.OUTPUT_PANEL
        ),
    ] = "-",
    quiet: o.Quiet = False,
    debug: o.Debug = False,
) -> None:
    """Download a ticker's bars with yfinance (through the local cache) and write them as CSV.

    Columns: timestamp, Open, High, Low, Close, [Adj Close], Volume. Stdout by default, so:
    forecast fetch MSFT | forecast train - --target Close -o msft.fcst
    """
    with guarded(quiet, debug) as reporter:
        from ..sources import fetch_ticker

        if fmt not in ("csv", "json"):
            from ..errors import UsageError

            raise UsageError(f"--format {fmt!r} is not csv or json")
        result = fetch_ticker(symbol, interval or "1d", start, end, period, adjusted, cache_dir, offline)
        for note in result.notes:
            reporter.info(note)
        emit(fmt, output, frame=result.frame)
