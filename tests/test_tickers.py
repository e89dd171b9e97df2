"""Several ticker symbols as download tasks: the same panel on 1 worker and on a cluster,
in the order given whatever order they finish in; failing symbols named; checks before
any download. Only yfinance.download is replaced (by recorded, real-shaped frames)."""

from __future__ import annotations

import re
import time

import pandas as pd
import pytest

from forecast_cli import tickers
from forecast_cli.compute import SerialExecutor
from forecast_cli.dask_executor import DaskExecutor
from forecast_cli.errors import SourceError, UsageError
from forecast_cli.run_config import TickerConfig
from forecast_cli.tickers import fetch_symbols, parse_symbols, ticker_table

from .yahoo_fake import UNKNOWN

SYMBOLS = ["MSFT", "^GSPC", "AAPL"]


FINISHED: list[str] = []
_FETCH_SYMBOL = tickers.fetch_symbol


def _slow_msft(task):
    """The real task with MSFT slow to start; records the order tasks finish in. Module
    level, so Dask ships it by reference and the in-process workers append to FINISHED."""
    if task.symbol == "MSFT":
        time.sleep(0.5)
    result = _FETCH_SYMBOL(task)
    FINISHED.append(task.symbol)
    return result


@pytest.fixture
def finished(monkeypatch):
    """The order symbol tasks finished in, MSFT's task slow (so on two workers another
    symbol finishes first)."""
    FINISHED.clear()
    monkeypatch.setattr(tickers, "fetch_symbol", _slow_msft)
    return FINISHED


def _request(folder) -> TickerConfig:
    return TickerConfig(start="2017-01-01", end="2017-04-01", cache_dir=str(folder))


def test_two_workers_make_the_panel_one_worker_makes_in_the_order_given(
    yahoo, finished, tmp_path, dask_client
):
    serial = fetch_symbols(SYMBOLS, _request(tmp_path / "one"), "1d")
    assert finished == SYMBOLS
    finished.clear()
    spread = fetch_symbols(SYMBOLS, _request(tmp_path / "two"), "1d", DaskExecutor(dask_client))
    assert finished[0] != "MSFT"  # finished out of order, yet:
    assert list(spread.results) == list(serial.results) == SYMBOLS
    pd.testing.assert_frame_equal(ticker_table(spread), ticker_table(serial))
    assert list(ticker_table(spread)["ticker"].unique()) == SYMBOLS
    assert [r.exchange_tz for r in spread.results.values()] == ["America/New_York"] * 3
    assert spread.results["AAPL"].notes[0].startswith("AAPL 1d: 62 rows 2017-01-03")
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == [
        "AAPL_1d.csv",
        "MSFT_1d.csv",
        "_GSPC_1d.csv",
    ]


def test_a_failing_symbol_is_named_and_the_others_come_back_in_order(yahoo, tmp_path, dask_client):
    for executor in (None, DaskExecutor(dask_client)):
        fetched = fetch_symbols(["MSFT", "NOPE", "AAPL"], _request(tmp_path), "1d", executor)
        assert list(fetched.results) == ["MSFT", "AAPL"]
        assert fetched.failure_lines() == [f"ticker NOPE: {UNKNOWN}"]
        fetched.require_some()  # the others go on
        table = ticker_table(fetched)
        assert list(table.columns[:2]) == ["ticker", "timestamp"]
        assert list(table["ticker"].unique()) == ["MSFT", "AAPL"]


def test_nothing_fetched_raises_the_one_failure_or_names_every_symbol(yahoo, tmp_path):
    with pytest.raises(SourceError, match=f"^NOPE: {UNKNOWN[:20]}"):
        fetch_symbols(["NOPE"], _request(tmp_path), "1d").require_some()
    with pytest.raises(SourceError, match=r"^none of the 2 tickers could be fetched \(NOPE, ZZZZ\)"):
        fetch_symbols(["NOPE", "ZZZZ"], _request(tmp_path), "1d").require_some()


def test_symbols_and_range_are_checked_before_any_download(yahoo):
    assert parse_symbols(" msft,AAPL,MSFT ,^gspc") == ["MSFT", "AAPL", "^GSPC"]
    with pytest.raises(UsageError, match="'MS FT' is not a ticker symbol"):
        parse_symbols("MSFT,MS FT")
    with pytest.raises(UsageError, match="no ticker symbol given"):
        parse_symbols(" , ")
    with pytest.raises(UsageError, match="is not before"):
        fetch_symbols(SYMBOLS, TickerConfig(start="2017-03-01", end="2017-02-01"), "1d")
    assert yahoo.calls == []


def test_every_task_carries_the_cache_folder_this_process_resolved(yahoo, tmp_path, monkeypatch):
    monkeypatch.setenv("FORECAST_CACHE_DIR", str(tmp_path / "env"))

    class Recording(SerialExecutor):
        def run(self, tasks, on_progress=None):
            self.tasks = tasks
            return super().run(tasks, on_progress)

    executor = Recording()
    fetch_symbols(["MSFT", "AAPL"], TickerConfig(start="2017-01-01", end="2017-02-01"), "1d", executor)
    assert [t.key for t in executor.tasks] == ["MSFT", "AAPL"]
    assert {t.payload.request.cache_dir for t in executor.tasks} == {str(tmp_path / "env")}
    assert not any(t.torch for t in executor.tasks)  # downloads leave torch's threads alone


@pytest.mark.parametrize(
    ("interval", "said"),
    [
        (
            "1h",
            "one model steps through one exchange's trading hours: give each exchange's symbols apart, or daily bars (--interval 1d) with --freq B",
        ),
        ("1d", "give --freq to put them on one grid (B: weekdays"),
    ],
)
def test_symbols_of_two_exchanges_are_told_the_grid_that_holds_them(interval, said):
    """bad input: --ticker VOD.L,MSFT -> exit 2; for hourly bars the refusal names what
    works (apart, or --freq B): "give --freq" led to --freq 1h, refused in turn"""
    from forecast_cli.sources import FetchResult

    frame = pd.DataFrame({"Close": [1.0]})
    fetched = tickers.Fetched(
        symbols=["VOD.L", "MSFT"],
        results={
            "VOD.L": FetchResult(frame, "Europe/London"),
            "MSFT": FetchResult(frame, "America/New_York"),
        },
    )
    with pytest.raises(UsageError, match=re.escape(said)):
        tickers.common_calendar(fetched, interval, None)
