"""Several ticker symbols fetched as independent tasks, one per symbol, and the long table
they make.

``--ticker MSFT,AAPL,^GSPC`` downloads each symbol in its own task through the executor
(``compute``): one after another in this process at ``--workers 1`` (no Dask import), on
Dask workers with ``--workers N`` or ``--scheduler``. A task returns the symbol's
``FetchResult`` (bars, notes, exchange zone); results are kept in the order the symbols
were given, whatever order they finished in, so 1 worker and N workers build the same
panel. The cache (``sources``) is one file per symbol and interval replaced in one atomic
rename, so workers (or two runs) writing it at once are safe.

A symbol that fails (unknown or delisted, no rows in the range, offline with nothing
cached) is named with its one-line reason and the others go on; the caller decides what
a partial result means. The CLI trains, predicts or backtests on the rest and exits
``PARTIAL``, as ``--local`` does for a series whose fit fails; when every symbol fails
there is nothing to go on with and the first failure is raised.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .bar_cache import default_cache_dir
from .compute import Executor, SerialExecutor, Task, TaskProgress
from .errors import DataError, SourceError, UsageError
from .sources import SYMBOL, FetchResult, fetch_requested, resolve_range
from .ticker_exchanges import calendar_for

if TYPE_CHECKING:
    import pandas as pd

    from .run_config import TickerConfig

ID_COL = "ticker"


@dataclass(frozen=True)
class SymbolRequest:
    """One task's payload: the symbol and the options that say which bars to get."""

    symbol: str
    request: TickerConfig
    interval: str


def fetch_symbol(task: SymbolRequest) -> FetchResult:
    """The task: one symbol's bars through the cache (module level, so it runs on a worker)."""
    return fetch_requested(task.symbol, task.request, task.interval)


@dataclass
class Fetched:
    """What a multi-symbol fetch got: results and failures by symbol, in the order given."""

    symbols: list[str]
    results: dict[str, FetchResult] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    errors: dict[str, BaseException] = field(default_factory=dict)

    @property
    def is_panel(self) -> bool:
        """Several symbols asked for: the table has a ``ticker`` id column, even if only
        one of them came back (so a model trained on several reads it)."""
        return len(self.symbols) > 1

    def failure_lines(self) -> list[str]:
        """One line per failed symbol: ``ticker NOPE: reason`` (the reason's own leading
        ``NOPE:`` dropped)."""
        return [
            f"ticker {symbol}: {reason.removeprefix(f'{symbol}: ')}"
            for symbol, reason in self.failures.items()
        ]

    def require_some(self) -> None:
        """Raise when no symbol came back: the failure itself for one symbol, else one line
        naming them all (the caller has reported each symbol's reason)."""
        if self.results:
            return
        if not self.is_panel:  # as a plain fetch_ticker call would have raised it
            first = self.symbols[0]
            raise self.errors.get(first) or SourceError(self.failures[first])
        raise SourceError(
            f"none of the {len(self.symbols)} tickers could be fetched ({', '.join(self.symbols)}); "
            "the reason for each is above"
        )


def parse_symbols(text: str | None) -> list[str]:
    """``--ticker`` as symbols: split on commas, upper-cased, first occurrence kept."""
    symbols = list(dict.fromkeys(s.strip().upper() for s in (text or "").split(",") if s.strip()))
    if not symbols:
        raise UsageError("no ticker symbol given; give one such as MSFT, or several: MSFT,AAPL,^GSPC")
    for symbol in symbols:
        if not SYMBOL.fullmatch(symbol):
            raise UsageError(f"{symbol!r} is not a ticker symbol (letters, digits, . - ^ =)")
    return symbols


def fetch_symbols(
    symbols: list[str],
    request: TickerConfig,
    interval: str,
    executor: Executor | None = None,
    on_progress: Callable[[TaskProgress], None] | None = None,
) -> Fetched:
    """Every symbol's bars, one task each on ``executor`` (default: here, in order).

    The range is checked once before any task, so a bad ``--start`` is one usage error,
    not one per symbol; the cache folder is resolved here, so every worker uses the one
    this process would (on a remote cluster: that path on each worker's machine).
    """
    resolve_range(interval, request.start, request.end, request.period)
    folder = Path(request.cache_dir) if request.cache_dir else default_cache_dir()
    request = dataclasses.replace(request, cache_dir=str(folder))
    tasks = [
        Task(symbol, fetch_symbol, SymbolRequest(symbol, request, interval), torch=False)
        for symbol in symbols
    ]
    outcome = (executor or SerialExecutor()).run(tasks, on_progress)
    return Fetched(
        symbols=list(symbols),
        results={s: outcome.results[s] for s in symbols if s in outcome.results},
        failures={s: outcome.failures[s] for s in symbols if s in outcome.failures},
        errors=dict(outcome.errors),
    )


def common_calendar(fetched: Fetched, interval: str, freq: str | None) -> str | None:
    """The one trading calendar of the fetched symbols (``None``: infer from the data);
    symbols on different exchanges need an explicit ``freq`` to share a grid."""
    calendars = {calendar_for(interval, r.exchange_tz, s) for s, r in fetched.results.items()}
    if len(calendars) > 1 and freq is None:
        listed = ", ".join(sorted(map(str, calendars)))
        if any("@" in str(c) for c in calendars):  # trading hours: no one intraday grid holds them all
            raise UsageError(
                f"the tickers trade on different calendars ({listed}); one model steps through one "
                "exchange's trading hours: give each exchange's symbols apart, or daily bars "
                "(--interval 1d) with --freq B for one row per weekday"
            )
        raise UsageError(
            f"the tickers trade on different calendars ({listed}); "
            "give --freq to put them on one grid (B: weekdays, each exchange's closures filled)"
        )
    return calendars.pop() if len(calendars) == 1 else None


def check_model_calendar(fetched: Fetched, interval: str, model_freq: str | None) -> None:
    """Refuse a symbol whose exchange is not the one a model steps in: a model trained on
    Tokyo sessions, given VOD.L, had dropped London's bars on Tokyo's holidays and
    forecast London on Tokyo's dates (25 December included), with no word said. A model
    of a shared grid (``--freq B``) or of plain steps takes any symbol."""
    from .calendars import Calendar

    model = Calendar.parse(model_freq)
    if model is None:
        return
    for symbol, result in fetched.results.items():
        own = Calendar.parse(calendar_for(interval, result.exchange_tz, symbol))
        if own is None or own.exchange != model.exchange:  # the step may differ: 5m bars into 1h
            raise DataError(
                f"{symbol} trades on {own.exchange if own else 'no exchange calendar'}, but the model "
                f"steps in {model.exchange} sessions; train a model on {symbol}'s own bars (or "
                "several exchanges' symbols together with --freq B)"
            )


def ticker_table(fetched: Fetched) -> pd.DataFrame:
    """The fetched bars as one long table: ``timestamp`` and the price columns, after a
    ``ticker`` column when several symbols were asked for; symbols in the order given."""
    import pandas as pd

    frames: list[Any] = []
    for symbol, result in fetched.results.items():
        frame = result.frame.reset_index()
        if fetched.is_panel:
            frame.insert(0, ID_COL, symbol)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def fetched_span(fetched: Fetched, interval: str, request: TickerConfig) -> tuple[str, str]:
    """The --start and --end that fetch these bars again, as a model file records them:
    those given, else the first bar and the first instant after the last bar (the day
    after it for daily and longer bars). Without them a model trained on "the last 10
    years" could not say which years, and ``info -f config`` repeated a different run."""
    import pandas as pd

    from .finished_bars import PANDAS_STEP

    firsts = [r.frame.index[0] for r in fetched.results.values() if len(r.frame)]
    lasts = [r.frame.index[-1] for r in fetched.results.values() if len(r.frame)]
    if interval in PANDAS_STEP:  # intraday: instants in UTC, so no zone is guessed again
        first = min(pd.Timestamp(t).tz_convert("UTC") for t in firsts).isoformat()
        stop = (
            max(pd.Timestamp(t).tz_convert("UTC") for t in lasts) + pd.Timedelta(PANDAS_STEP[interval])
        ).isoformat()
    else:
        first = min(pd.Timestamp(t) for t in firsts).strftime("%Y-%m-%d")
        stop = (max(pd.Timestamp(t) for t in lasts).normalize() + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    return request.start or first, request.end or stop
