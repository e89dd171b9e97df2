"""Several --ticker symbols through the CLI: one panel whether downloaded here or on a
cluster, a failing symbol named with the rest used and exit 5, no Dask at --workers 1."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from forecast_cli.cli import app
from forecast_cli.errors import ExitCode

from .conftest import FAST_TRAIN
from .yahoo_fake import UNKNOWN

runner = CliRunner()
RANGE = ["--start", "2015-01-01", "--end", "2017-07-01"]


def _ids(stdout: str) -> list[str]:
    return list(dict.fromkeys(line.split(",")[0] for line in stdout.strip().splitlines()[1:]))


def test_several_tickers_on_a_cluster_give_the_table_and_leaderboard_one_process_gives(
    yahoo, tmp_path, dask_cluster
):
    spread = ["--scheduler", dask_cluster.scheduler_address]
    fetch = ["fetch", "MSFT,^GSPC,AAPL", *RANGE, "-f", "csv"]
    here = runner.invoke(app, [*fetch, "--cache-dir", str(tmp_path / "a")])
    there = runner.invoke(app, [*fetch, "--cache-dir", str(tmp_path / "b"), *spread])
    assert here.exit_code == there.exit_code == 0, there.output
    assert "dask: on 2 Dask worker(s)" in there.stderr
    assert here.stdout == there.stdout
    assert here.stdout.splitlines()[0] == "ticker,timestamp,Open,High,Low,Close,Volume"
    assert _ids(here.stdout) == ["MSFT", "^GSPC", "AAPL"]
    backtest = ["backtest", "--ticker", "MSFT,^GSPC,AAPL", *RANGE, "--models", "naive,drift", "-k", "2"]
    backtest += ["--cache-dir", str(tmp_path / "c"), "-f", "csv", "--no-timings"]
    here, there = runner.invoke(app, backtest), runner.invoke(app, [*backtest, *spread])
    assert here.exit_code == there.exit_code == 0, there.output
    assert here.stdout == there.stdout and here.stdout.startswith("model,mae")
    assert "3 series" in here.stderr


def test_a_ticker_that_fails_is_named_the_rest_are_used_and_the_exit_is_partial(yahoo, tmp_path):
    model, base = tmp_path / "m.fcst", [*RANGE, "--cache-dir", str(tmp_path)]
    trained = runner.invoke(
        app, ["train", "--ticker", "MSFT,NOPE,AAPL", *base, *FAST_TRAIN, "-o", str(model)]
    )
    assert trained.exit_code == ExitCode.PARTIAL == 5
    assert trained.stderr.strip().splitlines() == [
        f"error: ticker NOPE: {UNKNOWN}",
        "error: 1 ticker(s) could not be fetched (NOPE); the results of the others were written",
    ]
    predicted = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv"])
    assert predicted.exit_code == 0 and _ids(predicted.stdout) == ["MSFT", "AAPL"]  # the order given
    fresh = runner.invoke(
        app, ["predict", "-m", str(model), "--ticker", "MSFT,NOPE", *base, "-f", "csv", "-q"]
    )
    assert fresh.exit_code == 5 and _ids(fresh.stdout) == ["MSFT"]
    fetched = runner.invoke(app, ["fetch", "NOPE,MSFT", *base, "-q"])
    assert fetched.exit_code == 5 and _ids(fetched.stdout) == ["MSFT"]


def test_when_every_ticker_fails_each_is_named_and_the_exit_is_the_source_code(yahoo, tmp_path):
    result = runner.invoke(app, ["train", "--ticker", "NOPE,ZZZZ", *RANGE, "--cache-dir", str(tmp_path)])
    assert result.exit_code == ExitCode.SOURCE
    assert result.stderr.strip().splitlines() == [
        f"error: ticker NOPE: {UNKNOWN}",
        f"error: ticker ZZZZ: {UNKNOWN}",
        "error: none of the 2 tickers could be fetched (NOPE, ZZZZ); the reason for each is above",
    ]
    assert result.stdout == ""


def test_several_tickers_on_one_worker_never_import_dask(yahoo, tmp_path):
    fetch = ["fetch", "MSFT,AAPL", *RANGE, "--cache-dir", str(tmp_path)]
    assert runner.invoke(app, fetch).exit_code == 0  # fills the cache; the process below reads it
    code = (
        "import sys; from typer.testing import CliRunner; from forecast_cli.cli import app;"
        f"r = CliRunner().invoke(app, [*{fetch!r}, '--offline']);"
        "print(r.exit_code, len(r.stdout.splitlines()), 'dask' in sys.modules, 'distributed' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["0", str(1 + 2 * 629), "False", "False"], out.stderr
