"""`forecast fetch` and `--ticker` through the CLI: clean CSV, clear failures, trading days."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import yfinance
from typer.testing import CliRunner

from forecast_cli.cli import app
from forecast_cli.sources import fetch_ticker

from .conftest import FAST_TRAIN
from .yahoo_fake import FakeYahoo

runner = CliRunner()
RANGE = ["--start", "2015-01-01", "--end", "2017-07-01"]  # last bar Friday 2017-06-30


def test_fetch_writes_clean_csv_to_stdout(yahoo, tmp_path):
    result = runner.invoke(app, ["fetch", "MSFT", *RANGE, "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "timestamp,Open,High,Low,Close,Volume"
    assert lines[1].startswith("2015-01-02,") and lines[-1].startswith("2017-06-30,")
    assert "MSFT 1d:" in result.stderr and "downloaded" in result.stderr


def test_fetch_offline_network_is_one_line_exit_4_and_no_stdout(monkeypatch, tmp_path):
    monkeypatch.setattr(yfinance, "download", FakeYahoo("offline").download)
    result = runner.invoke(app, ["fetch", "MSFT", *RANGE, "--cache-dir", str(tmp_path)])
    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "error: cannot reach Yahoo Finance for MSFT (no network?); check your connection or use --offline with cached data"
    ]


def test_unknown_symbol_exit_4(yahoo, tmp_path):
    result = runner.invoke(app, ["fetch", "NOPE", *RANGE, "--cache-dir", str(tmp_path)])
    assert result.exit_code == 4 and "unknown or delisted symbol" in result.stderr and result.stdout == ""


def test_cache_dir_comes_from_the_environment(yahoo, tmp_path, monkeypatch):
    monkeypatch.setenv("FORECAST_CACHE_DIR", str(tmp_path / "env-cache"))
    assert runner.invoke(app, ["fetch", "MSFT", *RANGE]).exit_code == 0
    assert (tmp_path / "env-cache" / "MSFT_1d.csv").exists()


def test_ticker_model_predicts_next_trading_days(yahoo, tmp_path):
    model = tmp_path / "msft.fcst"
    trained = runner.invoke(
        app,
        [
            "train",
            "--ticker",
            "MSFT",
            *RANGE,
            "--freq",
            "1D",
            "--cache-dir",
            str(tmp_path),
            *FAST_TRAIN,
            "-o",
            str(model),
        ],
    )
    assert trained.exit_code == 0, trained.output
    predicted = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv"])
    assert predicted.exit_code == 0, predicted.output
    stamps = [line.split(",")[0] for line in predicted.stdout.splitlines()[1:]]
    # After Friday 2017-06-30: Monday, then Wednesday (4 July is an NYSE holiday), ...
    assert stamps == ["2017-07-03", "2017-07-05", "2017-07-06", "2017-07-07", "2017-07-10"]
    assert all(pd.Timestamp(s).day_of_week < 5 for s in stamps)


def _msft_model(tmp_path) -> tuple:
    """(a model trained on MSFT's bars, the range and cache options it was fetched with)."""
    model = tmp_path / "msft.fcst"
    base = [*RANGE, "--cache-dir", str(tmp_path)]
    trained = runner.invoke(app, ["train", "--ticker", "MSFT", *base, *FAST_TRAIN, "-o", str(model)])
    assert trained.exit_code == 0, trained.output
    return model, base


def test_predict_and_backtest_take_a_ticker(yahoo, tmp_path):
    model, base = _msft_model(tmp_path)
    predicted = runner.invoke(app, ["predict", "-m", str(model), "--ticker", "MSFT", *base, "-f", "csv"])
    assert predicted.exit_code == 0, predicted.output
    assert predicted.stdout.splitlines()[1].startswith("2017-07-03,")
    backtest = runner.invoke(
        app, ["backtest", "--ticker", "MSFT", *base, "-k", "2", *FAST_TRAIN, "-f", "csv"]
    )
    assert backtest.exit_code == 0, backtest.output
    assert "seasonal-naive" in backtest.stdout
    assert len(yahoo.calls) == 1  # one download, then the cache


def test_data_and_ticker_together_is_a_usage_error(yahoo, sample, tmp_path):
    result = runner.invoke(
        app, ["train", str(sample / "airpassengers.csv"), "--ticker", "MSFT", "--cache-dir", str(tmp_path)]
    )
    assert result.exit_code == 2 and "not both" in result.stderr


def test_fetch_pipes_into_train_as_real_processes(yahoo, tmp_path):
    cache = tmp_path / "cache"
    fetch_ticker(
        "MSFT", "1d", start="2015-01-01", end="2017-07-01", cache_dir=cache
    )  # fills the cache via the fake
    model = tmp_path / "msft.fcst"
    env = {**os.environ, "FORECAST_CACHE_DIR": str(cache), "PYTHONWARNINGS": "ignore"}
    cli = f"{sys.executable} -m forecast_cli"
    shell = (
        f"{cli} fetch MSFT --start 2015-01-01 --end 2017-07-01 --offline | "
        f"{cli} train - --target Close {' '.join(FAST_TRAIN)} -o {model} && {cli} predict -m {model} -f csv"
    )
    done = subprocess.run(shell, shell=True, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("timestamp,Close,Close-lo-80,")
    assert done.stdout.splitlines()[2].startswith("2017-07-05,")  # trading days inferred from the CSV alone


def test_several_tickers_make_a_panel_with_one_global_model(yahoo, tmp_path):
    model = tmp_path / "two.fcst"
    base = [*RANGE, "--cache-dir", str(tmp_path)]
    trained = runner.invoke(app, ["train", "--ticker", "msft,AAPL", *base, *FAST_TRAIN, "-o", str(model)])
    assert trained.exit_code == 0, trained.output
    predicted = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv"])
    lines = predicted.stdout.strip().splitlines()
    assert lines[0].startswith("ticker,timestamp,Close,Close-lo-80")
    assert {line.split(",")[0] for line in lines[1:]} == {"AAPL", "MSFT"}
    assert [line.split(",")[1] for line in lines[1:3]] == ["2017-07-03", "2017-07-05"]  # trading days
    assert len(yahoo.calls) == 2


def test_a_model_given_a_symbol_of_another_exchange_is_refused_by_name(yahoo, tmp_path):
    """bad input: predict -m MODEL --ticker SYMBOL where SYMBOL trades on another exchange than the model steps in (BHP.AX, Sydney, for a New York model) -> exit 2, "BHP.AX trades on XASX, but the model steps in XNYS sessions", nothing on stdout; it had put Sydney's bars on New York's dates without a word"""
    model, base = _msft_model(tmp_path)
    refused = runner.invoke(app, ["predict", "-m", str(model), "--ticker", "BHP.AX", *base, "-f", "csv"])
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr.strip().splitlines()[-1] == (
        "error: BHP.AX trades on XASX, but the model steps in XNYS sessions; train a model on "
        "BHP.AX's own bars (or several exchanges' symbols together with --freq B)"
    )
    same = runner.invoke(app, ["predict", "-m", str(model), "--ticker", "AAPL", *base, "-f", "csv"])
    assert same.exit_code == 0, same.output  # another New York symbol: an unseen series, forecast


def test_a_ticker_models_config_file_repeats_the_same_bars(yahoo, tmp_path):
    """`info -f config` of a --ticker model names the symbol, its bars and the span they
    covered (a --period resolved to its first bar), so `train --config` alone repeats the
    run: the same forecasts. The file held none of them, and DATA was asked for."""
    model = tmp_path / "msft.fcst"
    base = ["--cache-dir", str(tmp_path), *FAST_TRAIN]
    first = ["train", "--ticker", "MSFT", "--period", "1y", "--end", "2017-07-01", *base, "-o", str(model)]
    assert runner.invoke(app, first).exit_code == 0
    written = runner.invoke(app, ["info", str(model), "-f", "config"]).stdout
    assert 'ticker = "MSFT"\ninterval = "1d"\nstart = "2016-06-30"\nend = "2017-07-01"\n' in written
    assert "Repeat the run: forecast train --config THIS_FILE" in written
    (tmp_path / "run.toml").write_text(written)
    again = tmp_path / "again.fcst"
    repeat = ["train", "--config", str(tmp_path / "run.toml"), "--offline", *base, "-o", str(again)]
    assert runner.invoke(app, repeat).exit_code == 0
    forecasts = [
        runner.invoke(app, ["predict", "-m", str(m), "-f", "csv", "-q"]).stdout for m in (model, again)
    ]
    assert forecasts[0] == forecasts[1] and forecasts[0].count("\n") == 6
    shown = runner.invoke(app, ["info", str(model), "-f", "csv"]).stdout
    assert 'source,"ticker MSFT, 1d bars from 2016-06-30 until 2017-07-01"' in shown
