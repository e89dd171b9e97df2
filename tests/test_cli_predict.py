"""`forecast predict` and `forecast info`: formats, stdin, real pipelines, refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli.cli import app

from .conftest import FAST_TRAIN
from .test_cli_bad_input import refused

runner = CliRunner()


@pytest.fixture(scope="module")
def air_model(tmp_path_factory):
    sample = __import__("tests.conftest", fromlist=["SAMPLE"]).SAMPLE
    path = tmp_path_factory.mktemp("models") / "air.fcst"
    result = runner.invoke(app, ["train", str(sample / "airpassengers.csv"), *FAST_TRAIN, "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_csv_has_timestamp_then_target_with_real_future_months(air_model):
    result = runner.invoke(app, ["predict", "-m", str(air_model), "-H", "3", "-f", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    bands = "passengers-lo-80,passengers-hi-80,passengers-lo-95,passengers-hi-95"
    assert lines[0] == f"timestamp,passengers,{bands}"  # 80% and 95% bands by default
    # the file names months ("1949-01"): the forecast's months are written the same way
    assert [line.split(",")[0] for line in lines[1:]] == ["1961-01", "1961-02", "1961-03"]
    for line in lines[1:]:
        point, lo80, hi80, lo95, hi95 = map(float, line.split(",")[1:])
        assert lo95 <= lo80 < point < hi80 <= hi95


def test_level_none_drops_the_bands_and_quantiles_add_columns(air_model):
    plain = runner.invoke(app, ["predict", "-m", str(air_model), "-H", "2", "-f", "csv", "--level", "none"])
    assert plain.stdout.splitlines()[0] == "timestamp,passengers"
    args = [
        "predict",
        "-m",
        str(air_model),
        "-H",
        "2",
        "-f",
        "csv",
        "--level",
        "90",
        "--quantiles",
        "0.1,0.5,0.9",
    ]
    header = runner.invoke(app, args).stdout.splitlines()[0]
    assert header == (
        "timestamp,passengers,passengers-lo-90,passengers-hi-90,passengers-q0.1,passengers-q0.5,passengers-q0.9"
    )


def test_json_rows_carry_the_months_as_the_data_wrote_them(air_model):
    result = runner.invoke(app, ["predict", "-m", str(air_model), "-H", "2", "-f", "json"])
    rows = json.loads(result.stdout)
    assert [r["timestamp"] for r in rows] == ["1961-01", "1961-02"]
    assert all(isinstance(r["passengers"], float) for r in rows)


def test_table_format_renders_for_people(air_model):
    result = runner.invoke(app, ["predict", "-m", str(air_model), "-H", "2", "-f", "table"])
    assert result.exit_code == 0 and "1961-01" in result.stdout and "passengers" in result.stdout
    assert all(line == line.rstrip() for line in result.stdout.splitlines())  # no padding to the width


def test_data_on_stdin_forecasts_after_its_last_row(air_model, sample):
    text = "".join((sample / "airpassengers.csv").read_text().splitlines(keepends=True)[:61])  # to 1953-12
    result = runner.invoke(app, ["predict", "-m", str(air_model), "-", "-H", "1", "-f", "csv"], input=text)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("1954-01,")


def test_output_file_is_written_and_stdout_stays_empty(air_model, tmp_path):
    out = tmp_path / "f.csv"
    result = runner.invoke(app, ["predict", "-m", str(air_model), "-o", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text().startswith("timestamp,passengers,passengers-lo-80,")


def test_horizon_past_training_is_a_usage_error(air_model):
    result = runner.invoke(app, ["predict", "-m", str(air_model), "-H", "99"])
    assert result.exit_code == 2
    assert "longer than the trained horizon 12" in result.stderr


def test_data_at_another_frequency_is_refused(air_model, sample):
    result = runner.invoke(app, ["predict", "-m", str(air_model), str(sample / "seattle_weather.csv")])
    assert result.exit_code == 2
    assert "passengers" in result.stderr  # the data lacks the model's target column


def test_truncated_model_file_is_refused_with_exit_3(air_model, tmp_path):
    broken = tmp_path / "broken.fcst"
    broken.write_bytes(air_model.read_bytes()[:200])
    result = runner.invoke(app, ["predict", "-m", str(broken)])
    assert result.exit_code == 3
    assert "truncated or corrupt" in result.stderr and result.stdout == ""


def test_missing_model_file_says_how_to_make_one(tmp_path):
    result = runner.invoke(app, ["predict", "-m", str(tmp_path / "none.fcst")])
    assert result.exit_code == 3
    assert "forecast train" in result.stderr


def test_info_shows_the_model_as_json(air_model):
    result = runner.invoke(app, ["info", str(air_model), "-f", "json"])
    info = json.loads(result.stdout)
    assert info["target"] == "passengers" and info["freq"] == "MS" and info["cell"] == "lstm"
    assert info["format_version"] == 4 and "metric_val_mae" in info


def _cli(*args, stdin=None):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "forecast_cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_real_pipeline_train_from_stdin_then_predict_into_sort(tmp_path, sample):
    model = tmp_path / "air.fcst"
    data = (sample / "airpassengers.csv").read_text()
    trained = _cli("train", "-", *FAST_TRAIN, "-o", str(model), stdin=data)
    assert trained.returncode == 0, trained.stderr
    shell = (
        f"{sys.executable} -m forecast_cli predict -m {model} -H 3 < {sample / 'airpassengers.csv'} | sort -r"
    )
    piped = subprocess.run(shell, shell=True, capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0, piped.stderr
    lines = piped.stdout.strip().splitlines()
    assert lines[0].startswith("timestamp,passengers")  # sorted last-first: the header sorts after digits
    assert lines[1].startswith("1961-03,") and lines[-1].startswith("1961-01,")
    assert "data:" in piped.stderr  # diagnostics went to stderr, not into the pipe


def test_an_empty_file_on_stdin_is_refused_but_an_idle_stdin_is_no_data(air_model, tmp_path):
    """bad input: an empty file redirected into predict (< empty.csv) -> exit 2, "stdin is an
    empty file" (it forecast from the stored history, as if no data had been meant); an
    empty pipe or /dev/null (a batch job's idle stdin) still continues from the history."""
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    base = f"{sys.executable} -m forecast_cli predict -m {air_model} -H 1"
    refused = subprocess.run(f"{base} < {empty}", shell=True, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "stdin is an empty file" in refused.stderr
    assert refused.stdout == ""
    for feed in ("< /dev/null", "printf '' | "):
        shell = f"{base} {feed}" if feed.startswith("<") else f"{feed}{base}"
        done = subprocess.run(shell, shell=True, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "continuing from the history stored" in done.stderr, (
            feed,
            done.stderr,
        )


def test_a_closed_pipe_ends_quietly_with_exit_0(air_model):
    shell = f"set -o pipefail; {sys.executable} -m forecast_cli info {air_model} -f json | head -c 1"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "{" and "error" not in done.stderr


@pytest.mark.parametrize("args", ["--help", "train -h"])
def test_help_into_a_closed_pipe_ends_with_exit_0(args):
    """rich printed the help and, on the closed pipe, exited 1 by itself: `| head -1` failed."""
    shell = f"set -o pipefail; {sys.executable} -m forecast_cli {args} | head -c 1"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) == 1 and done.stderr == ""


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["train", "-h"]])
def test_help_and_version_into_a_pipe_already_closed_end_with_exit_0(args):
    """`forecast --version | true`: click met the closed pipe itself and exited 1."""
    read, write = os.pipe()
    os.close(read)  # the reader has left before a byte is written
    try:
        done = subprocess.run(
            [sys.executable, "-m", "forecast_cli", *args],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write)
    assert done.returncode == 0 and done.stderr == "", done.stderr


@pytest.mark.parametrize("model_zone", [True, False])
def test_rows_with_and_without_a_zone_against_the_model_are_refused(tmp_path, model_zone):
    """bad input: predict on rows without a time zone for a model trained on zoned rows (or
    the reverse) -> exit 2, naming the model's zone and how to write the rows (it was an
    unexpected TypeError, exit 1)"""
    index = pd.date_range("2024-03-20", periods=24 * 40, freq="h", tz="UTC").tz_convert("Europe/London")
    load = 100 + 20 * np.sin(2 * np.pi * index.hour / 24) + np.random.default_rng(0).normal(0, 2, len(index))
    zoned = pd.DataFrame({"ts": [t.isoformat() for t in index], "load": load})
    naive = zoned.assign(ts=index.strftime("%Y-%m-%d %H:%M:%S"))
    train, given = (zoned, naive) if model_zone else (naive, zoned)
    train.to_csv(tmp_path / "train.csv", index=False)
    given.to_csv(tmp_path / "given.csv", index=False)
    model = tmp_path / "m.fcst"
    assert (
        runner.invoke(app, ["train", str(tmp_path / "train.csv"), *FAST_TRAIN, "-o", str(model)]).exit_code
        == 0
    )
    result = runner.invoke(app, ["predict", "-m", str(model), str(tmp_path / "given.csv"), "-q"])
    assert result.exit_code == 2, result.output
    expected = (
        "are in Europe/London, but these rows have no time zone"
        if model_zone
        else "rows are in Europe/London"
    )
    assert expected in result.stderr and len(result.stderr.splitlines()) == 1


def test_a_panel_given_to_a_single_series_model_is_refused(air_model, sample, tmp_path):
    """bad input: predict with a model trained on one series (no id column) on a file of two
    series by 'series' -> exit 2, naming the id column and --id-col (it was an IndexError)"""
    one = pd.read_csv(sample / "airpassengers.csv")
    pd.concat([one.assign(series="A"), one.assign(series="B")]).to_csv(tmp_path / "ab.csv", index=False)
    result = runner.invoke(app, ["predict", "-m", str(air_model), str(tmp_path / "ab.csv"), "-q"])
    assert result.exit_code == 2, result.output
    assert "holds 2 series (by 'series')" in result.stderr and "--id-col series" in result.stderr


def test_rows_at_another_step_are_said_to_be_not_the_models_step(air_model, sample, tmp_path):
    """bad input: predict with a monthly model on quarterly rows -> exit 2, saying the rows
    are not MS data (the message named --freq and --fill, which predict does not have)"""
    monthly = pd.read_csv(sample / "airpassengers.csv", parse_dates=["month"]).set_index("month")
    quarterly = monthly.resample("QS").sum().reset_index()
    quarterly.to_csv(tmp_path / "q.csv", index=False)
    result = runner.invoke(app, ["predict", "-m", str(air_model), str(tmp_path / "q.csv"), "-q"])
    assert result.exit_code == 2, result.output
    assert "the rows given are not MS data, the model's step" in result.stderr
    assert "--fill" not in result.stderr and "--freq" not in result.stderr


def test_rows_at_the_step_with_many_empty_cells_ask_for_the_cells(air_model, sample, tmp_path):
    """bad input: predict on monthly rows with 40 of 144 targets empty -> exit 2, asking to
    fill the cells (it said the rows were not MS data, which they are)"""
    frame = pd.read_csv(sample / "airpassengers.csv")
    frame.loc[frame.index[-60:-20], "passengers"] = np.nan
    frame.to_csv(tmp_path / "holes.csv", index=False)
    result = runner.invoke(app, ["predict", "-m", str(air_model), str(tmp_path / "holes.csv"), "-q"])
    assert result.exit_code == 2
    assert "fill the empty cells in the rows given" in result.stderr and "not MS data" not in result.stderr


def test_a_model_on_stdin_is_refused_with_the_fix(air_model):
    """bad input: predict -m - (a model on stdin) -> exit 2, asking for the model's path (it
    said to train one with `-o -`, which train refuses)"""
    result = runner.invoke(app, ["predict", "-m", "-", "-q"], input=air_model.read_bytes())
    assert result.exit_code == 2
    assert "a model is read from a file, not stdin (-); give its path" in result.stderr


def test_data_ending_before_the_training_rows_is_said(air_model, sample, tmp_path):
    """Rows that end before the model's own (a stale export) are forecast from their end,
    steps the model has already seen; exit 0 alone did not say so."""
    older = tmp_path / "older.csv"
    older.write_text("".join((sample / "airpassengers.csv").read_text().splitlines(keepends=True)[:101]))
    result = runner.invoke(app, ["predict", "-m", str(air_model), str(older), "-H", "1", "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert "the rows given end before the model's training rows (1957-04 against 1960-12)" in result.stderr
    assert result.stdout.splitlines()[1].startswith("1957-05,")
    same = runner.invoke(app, ["predict", "-m", str(air_model), str(sample / "airpassengers.csv"), "-H", "1"])
    assert "end before" not in same.stderr


@pytest.mark.parametrize(
    ("header", "stamp", "value", "options"),
    [
        ("time,load", lambda t: str(int(t.timestamp())), lambda v: f"{v:.3f}", ["--time-format", "%s"]),
        (
            "month;sales",
            lambda t: t.strftime("%Y-%m"),
            lambda v: f"{v:.1f}".replace(".", ","),
            ["--decimal", ","],
        ),
        ("month,sales", lambda t: t.strftime("%m.%Y"), lambda v: f"{v:.0f}", ["--time-format", "%m.%Y"]),
    ],
)
def test_predict_reads_a_file_as_its_model_was_trained_to_read_it(tmp_path, header, stamp, value, options):
    """Train with --time-format %s (or --decimal , or %m.%Y), then predict on the same file:
    the model keeps how its data was read, and predict read the file without it, exit 2
    ("has no column of dates ... give --time-col NAME", a fix that changed nothing). An
    option given to predict still says how its own file is written."""
    freq = "h" if "%s" in options else "MS"
    stamps = pd.date_range("2015-01-01", periods=60, freq=freq, tz="UTC" if freq == "h" else None)
    sep = ";" if ";" in header else ","
    data = tmp_path / "data.csv"
    lines = [f"{stamp(t)}{sep}{value(100 + 10 * np.sin(i / 3) + i)}" for i, t in enumerate(stamps)]
    data.write_text(header + "\n" + "\n".join(lines) + "\n")
    model = tmp_path / "m.fcst"
    trained = runner.invoke(app, ["train", str(data), *options, *FAST_TRAIN, "-o", str(model)])
    assert trained.exit_code == 0, trained.output
    got = runner.invoke(app, ["predict", "-m", str(model), str(data), "--level", "none", "-H", "2"])
    assert got.exit_code == 0, got.output
    stored = runner.invoke(app, ["predict", "-m", str(model), "--level", "none", "-H", "2"])
    assert got.stdout == stored.stdout  # the same rows: the same forecast as from the stored history
    if "--decimal" in options:  # the same rows written with a dot, and predict told so
        plain = tmp_path / "plain.csv"
        plain.write_text(data.read_text().replace(",", ".").replace(";", ","))
        told = runner.invoke(
            app, ["predict", "-m", str(model), str(plain), "--decimal", ".", "--level", "none", "-H", "2"]
        )
        assert told.exit_code == 0 and told.stdout == stored.stdout, told.output


@pytest.mark.parametrize(("name", "fmt"), [("out.csv", "json"), ("out.json", "csv"), ("out.jsonl", "table")])
def test_an_output_name_that_says_another_format_is_refused_before_any_work(tmp_path, air_model, name, fmt):
    """bad input: -o out.csv -f json (a name saying one format, --format another) -> exit 2,
    "-o out.csv names a .csv file, but --format is json" (JSON was written into out.csv,
    exit 0); nothing is written"""
    out = tmp_path / name
    result = runner.invoke(app, ["predict", "-m", str(air_model), "-o", str(out), "-f", fmt])
    assert (
        result.exit_code == 2
        and f"names a .{name.split('.')[1]} file, but --format is {fmt}" in result.stderr
    )
    assert not out.exists()


def test_a_file_written_otherwise_than_the_training_data_still_reads_by_detection(tmp_path):
    """A model trained on Unix time (--time-format %s) given an ISO copy of its rows: read
    by detection first, as before (taking the model's %s first refused it, "leave
    --time-format out to have it detected", which the user had). Stdin, read once, is
    refused naming the model's options when detection fails."""
    stamps = pd.date_range("2020-01-01", periods=60, freq="D", tz="UTC")
    values = 100 + 10 * np.sin(np.arange(60) / 3)
    epoch, iso = tmp_path / "epoch.csv", tmp_path / "iso.csv"
    seconds = (stamps - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta(seconds=1)
    pd.DataFrame({"t": seconds, "y": values}).to_csv(epoch, index=False)
    pd.DataFrame({"t": stamps.strftime("%Y-%m-%dT%H:%M:%S+00:00"), "y": values}).to_csv(iso, index=False)
    model = tmp_path / "m.fcst"
    trained = runner.invoke(
        app, ["train", str(epoch), "--time-format", "%s", "-H", "3", *FAST_TRAIN, "-o", str(model)]
    )
    assert trained.exit_code == 0, trained.output
    by_iso = runner.invoke(app, ["predict", "-m", str(model), str(iso), "--level", "none"])
    by_epoch = runner.invoke(app, ["predict", "-m", str(model), str(epoch), "--level", "none"])
    assert by_iso.exit_code == 0 and by_epoch.exit_code == 0, by_iso.output + by_epoch.output
    assert (
        by_iso.stdout == by_epoch.stdout
        and "read as the model's training data was (--time-format %s)" in by_epoch.stderr
    )
    piped = runner.invoke(app, ["predict", "-m", str(model), "-", "--level", "none"], input=epoch.read_text())
    assert (
        piped.exit_code == 2 and "the model's training data was read with (--time-format %s)" in piped.stderr
    )


def test_counts_written_with_a_thousands_dot_are_read_as_the_model_read_them(tmp_path):
    """A model trained with --thousands . --decimal , on counts written 5.006 (five thousand
    and six), given its own file: 5.006 also reads as a decimal under detection, and the
    forecast came out a thousand times too small, exit 0, without a word. The model's way
    of writing numbers is tried first, and said."""
    days = pd.date_range("2020-01-01", periods=120, freq="D")
    counts = (5000 + 40 * np.sin(np.arange(120) / 4) + np.arange(120)).round().astype(int)
    data = tmp_path / "de.csv"
    data.write_text(
        "date;y\n"
        + "".join(f"{t:%d.%m.%Y};{v:,}\n".replace(",", ".") for t, v in zip(days, counts, strict=True))
    )
    model = tmp_path / "m.fcst"
    args = ["--thousands", ".", "--decimal", ","]
    assert (
        runner.invoke(app, ["train", str(data), *args, "-H", "3", *FAST_TRAIN, "-o", str(model)]).exit_code
        == 0
    )
    got = runner.invoke(app, ["predict", "-m", str(model), str(data), "--level", "none"])
    stored = runner.invoke(app, ["predict", "-m", str(model), "--level", "none"])
    assert got.exit_code == 0 and got.stdout == stored.stdout, got.output
    assert float(got.stdout.splitlines()[1].split(",")[1]) > 1000
    assert "read as the model's training data was (--decimal , --thousands .)" in got.stderr


def test_a_file_not_written_the_models_way_is_not_read_the_models_way(tmp_path):
    """bad input: predict on a German file (112.000,25) with a model trained with
    --thousands , on 112,000.25 -> exit 2 naming --decimal , --thousands . (the model's
    --thousands , stripped the comma: 112.00025, a forecast a thousand times too small,
    exit 0); with those options given it forecasts as from the model's own history"""
    months = pd.date_range("2000-01-01", periods=96, freq="MS")
    values = 112000.25 + 3000 * np.sin(np.arange(96) * np.pi / 6) + 250 * np.arange(96)
    us, de = tmp_path / "us.csv", tmp_path / "de.csv"
    us.write_text(
        "month,y\n" + "".join(f'{m:%Y-%m},"{v:,.2f}"\n' for m, v in zip(months, values, strict=True))
    )
    de.write_text(
        "month;y\n"
        + "".join(
            f"{m:%Y-%m};{v:,.2f}\n".replace(",", "_").replace(".", ",").replace("_", ".")
            for m, v in zip(months, values, strict=True)
        )
    )
    model = tmp_path / "m.fcst"
    trained = runner.invoke(
        app, ["train", str(us), "--thousands", ",", "-H", "3", *FAST_TRAIN, "-o", str(model)]
    )
    assert trained.exit_code == 0, trained.output
    refused(
        runner.invoke(app, ["predict", "-m", str(model), str(de), "--level", "none"]),
        2,
        "give --decimal , --thousands .",
    )
    german = runner.invoke(
        app, ["predict", "-m", str(model), str(de), "--decimal", ",", "--thousands", ".", "--level", "none"]
    )
    stored = runner.invoke(app, ["predict", "-m", str(model), "--level", "none"])
    assert german.exit_code == 0 and german.stdout == stored.stdout, german.output


def test_an_unknown_id_in_a_file_read_with_the_models_options_is_named_not_its_numbers(tmp_path):
    """bad input: predict --ids Nowhere on the decimal-comma file a model was trained on,
    without --decimal -> exit 2 naming the id (it said the file had a decimal comma, which
    the model's options had read)"""
    days = pd.date_range("2020-01-01", periods=40, freq="MS")
    rows = [
        f"{s};{t:%d/%m/%Y};{100 + k + 10 * i},{k % 7}\n"
        for i, s in enumerate(["North", "South"])
        for k, t in enumerate(days)
    ]
    data = tmp_path / "panel.csv"
    data.write_text("store;month;sales\n" + "".join(rows))
    model = tmp_path / "m.fcst"
    args = ["--id-col", "store", "--decimal", ",", "--time-format", "%d/%m/%Y", "-H", "3", *FAST_TRAIN]
    assert runner.invoke(app, ["train", str(data), *args, "-o", str(model)]).exit_code == 0
    got = runner.invoke(app, ["predict", "-m", str(model), str(data), "--ids", "Nowhere"])
    assert got.exit_code == 2
    assert "--ids names 1 series not in the data: 'Nowhere' (the data has 2 series)" in got.stderr, got.stderr
    assert "decimal" not in got.stderr


def test_a_future_file_in_unix_time_is_read_as_the_training_data_was_without_data(tmp_path):
    """A model trained on Unix time with --future-features, given only --future-data in the
    same layout: the file read by detection as step numbers, refused later ("has step
    numbers but the model's series have timestamps"), where the model's --time-format was
    never tried. The layout is checked as the file is read, so it is read again."""
    months = pd.date_range("2005-01-01", periods=70, freq="MS", tz="UTC")
    seconds = (months - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta(seconds=1)
    promo = np.arange(70) % 3 == 0
    data = tmp_path / "promo.csv"
    pd.DataFrame(
        {"t": seconds, "y": 100 + 5 * promo + np.arange(70) % 12, "promo": promo.astype(int)}
    ).to_csv(data, index=False)
    future = tmp_path / "future.csv"
    after = (pd.Timestamp("2010-11-01", tz="UTC") - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta(
        seconds=1
    )
    future.write_text(f"t,promo\n{after},1\n")
    model = tmp_path / "m.fcst"
    args = ["--time-format", "%s", "--future-features", "promo", "-H", "1", *FAST_TRAIN, "-o", str(model)]
    assert runner.invoke(app, ["train", str(data), *args]).exit_code == 0
    got = runner.invoke(app, ["predict", "-m", str(model), "--future-data", str(future), "--level", "none"])
    assert got.exit_code == 0, got.output
    assert got.stdout.splitlines()[1].startswith("2010-11-01T00:00:00+00:00,")
    assert "future.csv read as the model's training data was (--time-format %s)" in got.stderr


def test_a_model_told_its_data_is_one_series_predicts_from_that_data_as_one(tmp_path):
    """bad input: train --id-col '' on rows counted as steps with a label that changes once
    (a regime) -> predict on the same file gives the model's forecast; it looked for an id
    again and refused with advice predict has no option for"""
    rows = pd.DataFrame(
        {"regime": ["low"] * 40 + ["high"] * 40, "y": np.r_[np.full(40, 10.0), np.full(40, 12.0)]}
    )
    rows["y"] += np.random.default_rng(0).normal(0, 0.5, 80)
    data, model = tmp_path / "steps.csv", tmp_path / "m.fcst"
    rows.to_csv(data, index=False)
    trained = runner.invoke(
        app, ["train", str(data), "--id-col", "", "-H", "2", *FAST_TRAIN, "-o", str(model)]
    )
    assert trained.exit_code == 0, trained.output
    given = runner.invoke(app, ["predict", "-m", str(model), str(data), "-f", "csv"])
    stored = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv"])
    assert given.exit_code == 0, given.output
    assert given.stdout == stored.stdout and given.stdout.startswith("step,y,")
