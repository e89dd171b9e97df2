"""Bad input at the command line: the documented exit code, one `error:` line, no traceback,
nothing on stdout, nothing half-written, and no work done before a refusal.

Each regression test's docstring starts with "bad input: <what> -> <answer>", from which
docs/bad-input.md is generated (tools/bad_input_table.py).
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import re
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli import backtest, modelfile
from forecast_cli.cli import app
from forecast_cli.forecaster import Forecaster

from .conftest import FAST_TRAIN, SAMPLE
from .test_panel import long_panel

runner = CliRunner()
AIR = SAMPLE / "airpassengers.csv"
ROOT = SAMPLE.parent


def refused(result, code: int, *phrases: str) -> str:
    """Assert the run failed the documented way; return its one error line."""
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert result.stderr.rstrip("\n").endswith(errors[0])  # nothing said after the error
    for phrase in phrases:
        assert phrase in errors[0], errors[0]
    return errors[0]


@pytest.fixture(scope="module")
def air_model(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("models") / "air.fcst"
    result = runner.invoke(app, ["train", str(AIR), *FAST_TRAIN, "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if a command starts loading, training or backtesting."""

    def started(*args, **kwargs):
        raise AssertionError("work started before the outputs were checked")

    monkeypatch.setattr(Forecaster, "fit", started)
    monkeypatch.setattr(backtest, "run_backtest", started)
    monkeypatch.setattr(modelfile, "load_model", started)


def _gzipped_air(rows: int | None = None) -> bytes:
    lines = AIR.read_text().splitlines(keepends=True)
    return gzip.compress("".join(lines[: rows and rows + 1]).encode())


# ------------------------------------------------------------------ stdin


def test_gzip_csv_piped_into_train_is_read(tmp_path):
    """bad input: a gzip-compressed CSV piped into `train -` -> read transparently, exit 0"""
    model = tmp_path / "m.fcst"
    result = runner.invoke(app, ["train", "-", *FAST_TRAIN, "-o", str(model)], input=_gzipped_air())
    assert result.exit_code == 0, result.output
    assert model.stat().st_size > 0


def test_gzip_csv_piped_into_predict_is_read(air_model):
    """bad input: a gzip-compressed CSV piped into `predict -m M` -> read transparently, forecast after its last row"""
    result = runner.invoke(
        app, ["predict", "-m", str(air_model), "-H", "1", "-f", "csv"], input=_gzipped_air(60)
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("1954-01,")  # the piped rows end in 1953-12


def test_gzip_csv_through_a_real_pipe_into_predict_is_read(air_model):
    """bad input: gzip bytes through an OS pipe into `predict -m M` (no DATA) -> read from stdin, no RuntimeWarning"""
    done = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-m", "forecast_cli", "predict", "-m", str(air_model)]
        + ["-H", "1", "-f", "csv", "-q"],
        input=_gzipped_air(60),
        capture_output=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0 and done.stderr == b"", done.stderr.decode()
    assert done.stdout.decode().splitlines()[1].startswith("1954-01,")


@pytest.mark.parametrize("command", ["train", "predict"])
def test_cut_short_gzip_on_stdin_names_stdin(air_model, tmp_path, command):
    """bad input: a cut-short gzip stream on stdin -> exit 2, "stdin is not a readable gzip stream\""""
    args = (
        ["train", "-", "-o", str(tmp_path / "m.fcst")]
        if command == "train"
        else ["predict", "-m", str(air_model)]
    )
    result = runner.invoke(app, args, input=_gzipped_air()[:100])
    refused(result, 2, "stdin is not a readable gzip stream")


# ------------------------------------------------------------------ option values


@pytest.mark.parametrize(
    ("args", "env", "source"),
    [
        (["--seed", "-1"], {}, ""),
        ([], {"FORECAST_SEED": "-1"}, " (set by FORECAST_SEED in the environment)"),
        (["--config", "seed.toml"], {}, " (set in the --config file seed.toml)"),
    ],
    ids=["flag", "environment", "config-file"],
)
def test_negative_seed_is_refused_before_loading(tmp_path, monkeypatch, args, env, source):
    """bad input: --seed -1, FORECAST_SEED=-1 or seed = -1 in a --config file -> exit 2, "--seed must be at least 0", naming where it was set, before loading"""
    monkeypatch.chdir(tmp_path)
    Path("seed.toml").write_text("seed = -1\n")
    result = runner.invoke(app, ["train", str(AIR), *args, "-o", "m.fcst"], env=env)
    line = refused(result, 2)
    assert line == f"error: --seed must be at least 0 and at most 4294967295, got -1{source}"
    assert "data:" not in result.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_non_finite_learning_rate_is_refused_before_training(tmp_path, value):
    """bad input: --lr nan or --lr inf -> exit 2, "--lr must be a finite number", before training"""
    result = runner.invoke(app, ["train", str(AIR), "--lr", value, "-o", str(tmp_path / "m.fcst")])
    refused(result, 2, f"--lr must be a finite number, got {value}")
    assert "trained" not in result.stderr and not (tmp_path / "m.fcst").exists()


# ------------------------------------------------------------------ outputs

COMMANDS = {
    "train": lambda out, model: ["train", str(AIR), *FAST_TRAIN, "-o", out],
    "predict": lambda out, model: ["predict", "-m", str(model), "-o", out],
    "backtest": lambda out, model: ["backtest", str(AIR), "--models", "naive", "-o", out],
    "backtest --predictions-out": lambda out, model: [
        "backtest",
        str(AIR),
        "--models",
        "naive",
        "--predictions-out",
        out,
    ],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_output_into_a_missing_folder_is_refused_before_work(tmp_path, no_work, command):
    """bad input: -o (or --predictions-out) into a folder that does not exist, for train/predict/backtest -> exit 2 before any work, with the mkdir fix"""
    out = str(tmp_path / "nope" / "out")
    result = runner.invoke(app, COMMANDS[command](out, tmp_path / "m.fcst"))
    refused(result, 2, "nope does not exist; create it (mkdir -p")
    assert "trained" not in result.stderr and "data:" not in result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_output_into_an_unwritable_folder_is_refused_before_work(tmp_path, no_work, monkeypatch, command):
    """bad input: -o into a folder the user may not write, for train/predict/backtest -> exit 2 before any work, "is not writable\""""
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    # Root may write anywhere, so the permission check is faked for this folder alone.
    monkeypatch.setattr(os, "access", lambda p, m: False if Path(p) == locked else real_access(p, m))
    result = runner.invoke(app, COMMANDS[command](str(locked / "out"), tmp_path / "m.fcst"))
    refused(result, 2, f"folder {locked} is not writable")
    assert "trained" not in result.stderr and list(locked.iterdir()) == []


class _FullDisk:
    """A file whose every write fails as a full disk does."""

    def __init__(self, handle):
        self._handle = handle

    def write(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()


@pytest.mark.parametrize("command", ["predict", "train"])
def test_disk_full_keeps_the_old_output(air_model, tmp_path, monkeypatch, command):
    """bad input: the disk fills up while predict -o or train -o writes (ENOSPC) -> exit 2, "No space left", old file intact"""
    out = tmp_path / "out"
    out.write_bytes(b"old\n")
    real_fdopen = os.fdopen

    def fdopen(fd, mode="r", *args, **kwargs):
        handle = real_fdopen(fd, mode, *args, **kwargs)
        return _FullDisk(handle) if "w" in mode else handle

    monkeypatch.setattr(os, "fdopen", fdopen)
    result = runner.invoke(app, COMMANDS[command](str(out), air_model))
    refused(result, 2, f"cannot write {out}: No space left on device; free some space")
    assert out.read_bytes() == b"old\n" and [p.name for p in tmp_path.iterdir()] == ["out"]


# ------------------------------------------------------------------ model files


def test_unreadable_model_file_is_exit_3(air_model, monkeypatch):
    """bad input: an unreadable model file (chmod 000) as -m -> exit 3, "is not readable (permission denied)\""""
    real_open = os.open

    def denied(path, *args, **kwargs):
        # Root reads any file, so the refusal the kernel gives others is faked for this one.
        if Path(path) == air_model:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    result = runner.invoke(app, ["predict", "-m", str(air_model)])
    refused(result, 3, f"{air_model} is not readable (permission denied)")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_model_file_is_exit_3_for_real(air_model, tmp_path):
    locked = tmp_path / "locked.fcst"
    locked.write_bytes(air_model.read_bytes())
    locked.chmod(0o000)
    refused(runner.invoke(app, ["predict", "-m", str(locked)]), 3, "permission denied")


@pytest.mark.parametrize(
    ("model", "phrase"),
    [
        ("DIR", "is a directory, not a model file"),
        ("/dev/zero", "/dev/zero is a character device, not a model file"),
        ("MISSING", "no such model file; train one with `forecast train"),
    ],
    ids=["directory", "dev-zero", "missing"],
)
def test_model_path_that_is_no_model_file_is_exit_3(tmp_path, model, phrase):
    """bad input: a directory, /dev/zero or a missing file as -m -> exit 3, one line saying which (no usage box)"""
    path = {"DIR": str(tmp_path), "MISSING": str(tmp_path / "none.fcst")}.get(model, model)
    result = runner.invoke(app, ["predict", "-m", path])
    line = refused(result, 3, phrase)
    assert "Usage:" not in result.stderr and (model == "MISSING" or "no such" not in line)


def test_model_file_given_as_data_says_to_pass_it_with_m(air_model, tmp_path, monkeypatch):
    """bad input: a model file as DATA (forecast predict air.fcst) -> exit 2, "is a model file: give it with -m\""""
    monkeypatch.chdir(tmp_path)  # no model.fcst here: the model was meant to be DATA
    refused(runner.invoke(app, ["predict", str(air_model)]), 2, "is a model file: give it with -m")
    # beside a model.fcst it would be read as data: refused as a model file, not as a bad CSV
    (tmp_path / "model.fcst").write_bytes(air_model.read_bytes())
    refused(runner.invoke(app, ["predict", str(air_model)]), 2, "is a forecast model file, not data")
    refused(
        runner.invoke(app, ["train", str(air_model), "-o", str(tmp_path / "x.fcst"), *FAST_TRAIN]),
        2,
        "is a forecast model file, not data",
    )
    assert not (tmp_path / "x.fcst").exists()


# ------------------------------------------------------------------ data


@pytest.mark.parametrize("freq", [["--freq", "MS"], []], ids=["freq-MS", "inferred"])
def test_one_row_file_says_too_few_rows(tmp_path, freq):
    """bad input: a one-row file (with or without --freq MS) -> exit 2, "only 1 distinct timestamp", not "give --freq\""""
    data = tmp_path / "one.csv"
    data.write_text("month,passengers\n2020-01,5\n")
    result = runner.invoke(app, ["train", str(data), *freq, "-o", str(tmp_path / "m.fcst")])
    line = refused(result, 2, "only 1 distinct timestamp", "longer series")
    assert "give --freq" not in line


def test_predict_on_data_without_the_models_target_names_it(air_model, tmp_path):
    """bad input: predict on data without the model's target column -> exit 2 naming the model's column, not a --target never given"""
    data = tmp_path / "other.csv"
    data.write_text("month,sales\n2020-01,5\n2020-02,6\n")
    for args, stdin in (([str(data)], None), ([], data.read_text())):
        result = runner.invoke(app, ["predict", "-m", str(air_model), *args], input=stdin)
        line = refused(result, 2, "'passengers'", str(air_model), "columns: month, sales")
        assert "--target" not in line


@pytest.fixture(scope="module")
def feature_model(tmp_path_factory) -> tuple[Path, Path]:
    import pandas as pd

    folder = tmp_path_factory.mktemp("features")
    frame = pd.read_csv(AIR).assign(temp=lambda f: range(len(f)))
    frame.to_csv(folder / "air_temp.csv", index=False)
    frame.assign(temp=float("nan")).to_csv(folder / "no_temp.csv", index=False)
    model = folder / "temp.fcst"
    args = ["train", str(folder / "air_temp.csv"), "-t", "passengers", "--features", "temp"]
    result = runner.invoke(app, [*args, *FAST_TRAIN, "-o", str(model)])
    assert result.exit_code == 0, result.output
    return model, folder


def test_predict_on_data_without_a_models_feature_names_it(feature_model):
    """bad input: predict on data missing, or all empty in, a feature column the model reads -> exit 2 naming the model's column, not --features"""
    model, folder = feature_model
    missing = refused(runner.invoke(app, ["predict", "-m", str(model), str(AIR)]), 2, "'temp'", str(model))
    empty = refused(
        runner.invoke(app, ["predict", "-m", str(model), str(folder / "no_temp.csv")]),
        2,
        "'temp'",
        "no values",
    )
    assert "--features" not in missing + empty


def test_huge_horizon_on_a_recursive_model_is_refused_at_once(tmp_path):
    """bad input: predict -H 1000000000 on a recursive model -> exit 2 at once, "at most 10000 steps\""""
    model = tmp_path / "rec.fcst"
    trained = runner.invoke(
        app, ["train", str(AIR), *FAST_TRAIN, "--strategy", "recursive", "-o", str(model)]
    )
    assert trained.exit_code == 0, trained.output
    start = time.perf_counter()
    result = runner.invoke(app, ["predict", "-m", str(model), "-H", "1000000000"])
    refused(result, 2, "at most 10000 steps, got 1000000000")
    assert time.perf_counter() - start < 30


def _air_with(tmp_path: Path, row: int, text: str, column: str = "passengers") -> Path:
    lines = AIR.read_text().splitlines()
    if column != "passengers":
        lines = [f"{line},{'temp' if i == 0 else '1.5'}" for i, line in enumerate(lines)]
    cells = lines[row].split(",")
    cells[-1] = text
    lines[row] = ",".join(cells)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("written", ["inf", "-inf", "1e309"])
@pytest.mark.parametrize("command", ["train", "backtest", "predict"])
def test_non_finite_value_names_column_row_and_value(air_model, tmp_path, command, written):
    """bad input: inf, -inf or 1e309 (overflows to inf) in the data -> exit 2 naming column, data row and value, no RuntimeWarning"""
    data = _air_with(tmp_path, 41, written)
    args = {
        "train": ["train", str(data), *FAST_TRAIN, "-o", str(tmp_path / "m.fcst")],
        "backtest": ["backtest", str(data), "--models", "naive"],
        "predict": ["predict", "-m", str(air_model), str(data)],
    }[command]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = runner.invoke(app, args)
    # pandas 3 reads 1e309 as inf; pandas 2 leaves the column as text, so the cell is named as written
    value = "-inf" if written == "-inf" else "inf"
    line = refused(
        result, 2, "column 'passengers' has an infinite value (", "on data row 41)", "overflow to inf"
    )
    assert f"({value} on" in line or f"('{written}' on" in line
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]


@pytest.mark.parametrize("command", ["train", "predict"])
def test_a_finite_value_beyond_float32_is_refused_not_trained_on(air_model, tmp_path, command):
    """bad input: a finite value beyond float32's range (1e308) in the target or a feature -> exit 2 naming column, row and the ±3.4e38 limit; no model or forecast, no RuntimeWarning"""
    target = _air_with(tmp_path, 41, "1e308").rename(tmp_path / "target.csv")
    feature = _air_with(tmp_path, 7, "-4e38", column="temp")
    out = tmp_path / "m.fcst"
    args = {
        "train": [
            ["train", str(target), *FAST_TRAIN, "-o", str(out)],
            ["train", str(feature), "-t", "passengers", "--features", "temp", *FAST_TRAIN, "-o", str(out)],
        ],
        "predict": [["predict", "-m", str(air_model), str(target)]],
    }[command]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = [runner.invoke(app, a) for a in args]
    refused(
        results[0],
        2,
        "column 'passengers' has a value too large to compute with (1e+308 on data row 41)",
        "within about ±3.4e38",
    )
    if command == "train":
        refused(results[1], 2, "column 'temp' has a value too large to compute with (-4e+38 on data row 7)")
    assert not out.exists()
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]


def test_non_finite_feature_and_all_empty_feature_are_named(tmp_path):
    """bad input: inf in a feature column, or a feature column of only NaN -> exit 2 naming the column (and row), no RuntimeWarning"""
    data = _air_with(tmp_path, 6, "1e309", column="temp")
    empty = tmp_path / "empty.csv"
    lines = AIR.read_text().splitlines()
    empty.write_text("".join(f"{line},{'temp' if i == 0 else 'nan'}\n" for i, line in enumerate(lines)))
    args = ["-t", "passengers", "--features", "temp", "-o", str(tmp_path / "m.fcst")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        infinite = runner.invoke(app, ["train", str(data), *args])
        all_nan = runner.invoke(app, ["train", str(empty), *args])
    line = refused(infinite, 2, "column 'temp' has an infinite value (")
    assert "(inf on data row 6)" in line or "('1e309' on data row 6)" in line
    refused(all_nan, 2, "feature column 'temp' has no values (all empty or NaN)")
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]


def test_a_file_in_a_windows_encoding_is_named_as_such(tmp_path):
    """bad input: a CSV saved in cp1252 (an Excel export with '€' in the header) -> exit 2, "is not UTF-8 text ... save it as UTF-8\""""
    data = tmp_path / "export.csv"
    data.write_bytes("Datum;Umsatz €\n".encode("cp1252") + b"2023-01-01;12,5\n2023-01-02;13,5\n")
    refused(
        runner.invoke(app, ["train", str(data)]),
        2,
        "is not UTF-8 text (byte 0x80 at byte 13",
        "save it as UTF-8",
    )


def test_title_lines_above_the_header_are_named_as_the_likely_cause(tmp_path):
    """bad input: a title line above the header (a spreadsheet export) -> exit 2, "remove any title or note lines above the header\""""
    data = tmp_path / "titled.csv"
    data.write_text("Monthly sales report\ndate,sales\n2023-01-01,5\n2023-02-01,6\n")
    refused(
        runner.invoke(app, ["train", str(data)]),
        2,
        "the rows have one field more than the header",
        "remove any title",
    )
    data.write_text("Monthly sales report\nsource: shop\ndate,sales\n2023-01-01,5\n2023-02-01,6\n")
    refused(
        runner.invoke(app, ["train", str(data)]), 2, "Expected 1 fields in line 3, saw 2", "remove any title"
    )


@pytest.mark.parametrize(
    ("cells", "options", "hint"),
    [
        ('"1,226,480.69"', [], "if ',' separates thousands give --thousands ,"),
        ("1.226.480,69", ["--decimal", ","], "if '.' separates thousands give --thousands ."),
        ("1.226.480,69", [], "give --decimal , --thousands ."),
        ("1\u00a0226\u00a0480,69", [], "give --decimal , --thousands $'\\u00a0'"),  # fr-FR Excel
        ("1\u202f226\u202f480,69", [], "give --decimal , --thousands $'\\u202f'"),  # fr-FR Windows 10+
        ("1'226'480.69", [], 'if "\'" separates thousands give --thousands "\'"'),  # de-CH
    ],
)
def test_unread_numbers_name_the_option_still_missing(tmp_path, cells, options, hint):
    """bad input: numbers with thousands separators the options do not yet read (1,226,480.69; 1.226.480,69 with --decimal , given; French no-break spaces) -> exit 2, "give --thousands ,\" (a hint a shell can run: $'\\u00a0', \"'\")"""
    data = tmp_path / "sales.csv"
    sep = "," if cells.startswith('"') else ";"
    data.write_text(f"date{sep}sales\n" + "".join(f"2023-01-{d:02d}{sep}{cells}\n" for d in range(1, 21)))
    refused(runner.invoke(app, ["train", str(data), *options]), 2, hint)


def test_a_value_at_or_below_zero_for_a_log_model_names_the_stamp_and_retraining(tmp_path, air_model):
    """bad input: a 0 in the data given to predict with a model in log units -> exit 2, "is 0 at 1960-03-01 ... retrain with --transform none" (predict has no --transform)"""
    rows = AIR.read_text().splitlines()
    rows[135] = rows[135].split(",")[0] + ",0"  # 1960-03
    data = tmp_path / "air0.csv"
    data.write_text("\n".join(rows) + "\n")
    refused(
        runner.invoke(app, ["predict", str(data), "-m", str(air_model)]),
        2,
        "'passengers' is 0 at 1960-03-01",
        "the model works in log units (transform log: auto",
        "retrain with --transform none",
    )


def test_empty_cells_count_towards_the_fill_guard_like_absent_rows(tmp_path):
    """bad input: a monthly series with 40 of 72 target cells empty -> exit 2, 'filling would
    invent 40 of 72 rows', names --fill; the same gap as absent rows was refused, but as empty
    cells it was interpolated with exit 0. An explicit --fill accepts it."""
    months = pd.date_range("2015-01-01", periods=72, freq="MS")
    y = np.arange(72, dtype=float) + 100
    y[10:50] = np.nan
    data = tmp_path / "holes.csv"
    pd.DataFrame({"month": months.strftime("%Y-%m-%d"), "y": y}).to_csv(data, index=False)
    result = runner.invoke(app, ["train", str(data), "-o", str(tmp_path / "m.fcst"), *FAST_TRAIN])
    refused(result, 2, "filling would invent 40 of 72 rows", "40 rows with empty cells", "--fill")
    accepted = runner.invoke(
        app, ["train", str(data), "-o", str(tmp_path / "m.fcst"), "--fill", "interpolate", *FAST_TRAIN]
    )
    assert accepted.exit_code == 0, accepted.output


def test_the_fill_guard_names_a_feature_whose_cells_are_empty(tmp_path):
    """bad input: a complete target beside a --features column empty on 29 of 60 days -> exit 2,
    "29 rows with empty cells (in 'temp')": the column to drop or fill is named, where the
    message used to leave the person to find it."""
    days = pd.date_range("2024-01-01", periods=60, freq="D")
    temp = np.arange(60, dtype=float)
    temp[11:40] = np.nan
    data = tmp_path / "temp.csv"
    pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "y": np.arange(60) % 7 + 10.0, "temp": temp}).to_csv(
        data, index=False
    )
    result = runner.invoke(app, ["train", str(data), "--features", "temp", "-o", str(tmp_path / "m.fcst")])
    refused(result, 2, "filling would invent 29 of 60 rows", "29 rows with empty cells (in 'temp')", "--fill")


@pytest.mark.parametrize(
    ("flag", "value"), [("--origin-stride", "-3"), ("--origin-stride", "0"), ("--folds", "0")]
)
def test_backtest_fold_options_out_of_range_are_refused(flag, value):
    """bad input: backtest --origin-stride -3 or 0, or --folds 0 -> exit 2, names the flag and
    its bound, before the data is read (a stride of -3 was an IndexError, exit 1, and 0 was
    silently the horizon)."""
    result = runner.invoke(app, ["backtest", str(AIR), "--models", "naive", flag, value])
    refused(result, 2, f"{flag} must be at least 1, got {value}")


def test_predictions_out_to_standard_output_beside_the_leaderboard_is_refused(tmp_path):
    """bad input: backtest --predictions-out /dev/stdout with the leaderboard also on stdout
    (redirected to a file) -> exit 2, names both and -o; the two writes overwrote each other
    (exit 0, a corrupt file). With -o FILE for the leaderboard it is accepted."""
    if not Path("/dev/stdout").exists():
        pytest.skip("no /dev/stdout on this system")
    base = [sys.executable, "-m", "forecast_cli", "backtest", str(AIR), "--models", "naive", "-k", "1"]
    with open(tmp_path / "out.csv", "w") as sink:
        clash = subprocess.run(
            [*base, "--predictions-out", "/dev/stdout"], stdout=sink, stderr=subprocess.PIPE, text=True
        )
    assert clash.returncode == 2 and (tmp_path / "out.csv").read_text() == ""
    assert "--predictions-out /dev/stdout is standard output, where the leaderboard goes too" in clash.stderr
    with open(tmp_path / "out.csv", "w") as sink:
        apart = subprocess.run(
            [*base, "--predictions-out", "/dev/stdout", "-o", str(tmp_path / "board.csv"), "-q"],
            stdout=sink,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert apart.returncode == 0, apart.stderr
    assert (tmp_path / "out.csv").read_text().startswith("origin,timestamp,step,model")


def test_predictions_out_dash_beside_the_leaderboard_on_stdout_is_refused(tmp_path):
    """bad input: backtest --predictions-out - with the leaderboard on stdout too -> exit 2;
    the predictions and the leaderboard came out as one stream, exit 0."""
    args = ["backtest", str(AIR), "--models", "naive", "-k", "1", "--predictions-out", "-"]
    refused(
        runner.invoke(app, args), 2, "--predictions-out - writes to standard output, where the leaderboard"
    )
    apart = runner.invoke(app, [*args, "-o", str(tmp_path / "board.csv"), "-q"])
    assert apart.exit_code == 0 and apart.stdout.startswith("origin,timestamp,step,model")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("", "-o is empty; give a file name"),
        ("x.csv/", "ends in '/', a folder's name"),
        ("x.csv.gz", "outputs are written uncompressed; drop .gz"),
        ("x.csv.xz", "drop .xz and compress through a pipe (e.g. -o - | xz > x.csv.xz)"),
        ("x.zip", "a .zip holds files, not a stream: write x, then zip x.zip x"),
        ("x.xlsx", "-o {tmp}/x.xlsx: .xlsx names an Excel workbook, but tables are written as CSV"),
        ("x.tsv", ".tsv names tab-separated text, but tables are written as CSV, JSON or JSON lines"),
        ("x.parquet", "give e.g. x.csv, which Excel and pandas open"),
    ],
)
def test_output_names_that_would_be_written_as_something_else_are_refused(tmp_path, air_model, path, message):
    """bad input: predict -o '' / -o x.csv/ / -o x.csv.gz / -o x.xlsx (.tsv, .parquet) -> exit 2, names the problem: they were
    "is a directory", a file x.csv, and plain text under a .gz name; comma CSV under a workbook's (tab text's, Parquet's) name, exit 0"""
    message = message.replace("{tmp}", str(tmp_path))
    target = f"{tmp_path}/{path}" if path else ""
    refused(runner.invoke(app, ["predict", "-m", str(air_model), "-o", target]), 2, message)
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written


def test_an_output_named_ndjson_is_json_lines(tmp_path, air_model):
    """.ndjson is JSON lines' other common name: it got comma CSV"""
    out = tmp_path / "f.ndjson"
    assert (
        runner.invoke(app, ["predict", "-m", str(air_model), "-H", "2", "-o", str(out), "-q"]).exit_code == 0
    )
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 2 and "timestamp" in rows[0]


def test_train_refuses_a_model_file_named_dash(tmp_path, sample, monkeypatch):
    """bad input: train -o - -> exit 2, "would write the model to a file named '-'" (predict's - is stdout)"""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["train", str(sample / "airpassengers.csv"), *FAST_TRAIN, "-o", "-"])
    refused(result, 2, "-o - would write the model to a file named '-'")
    assert not (tmp_path / "-").exists()


def test_an_output_over_the_file_redirected_to_stdin_is_refused(tmp_path):
    """bad input: forecast train - -o data.csv < data.csv (or backtest --predictions-out onto it) -> exit 2, "is the file on standard input", the data untouched; it was overwritten, exit 0"""
    data = tmp_path / "data.csv"
    data.write_bytes(AIR.read_bytes())
    runs = [
        ["train", "-", "--hidden", "8", "--epochs", "2", "-q", "-o", str(data)],
        [
            "backtest",
            "-",
            "--models",
            "naive",
            "-k",
            "1",
            "-q",
            "--predictions-out",
            str(data),
            "-o",
            os.devnull,
        ],
    ]
    for args in runs:
        with open(data, "rb") as stdin:
            done = subprocess.run(
                [sys.executable, "-m", "forecast_cli", *args], stdin=stdin, capture_output=True, text=True
            )
        assert done.returncode == 2 and "is the file on standard input" in done.stderr
        assert data.read_bytes() == AIR.read_bytes()


def test_a_bad_option_value_or_unknown_option_is_one_error_line(tmp_path):
    """bad input: --epochs x, --nope, --cell tcn, -f xml, an unknown key in --config, an unknown command -> exit 2, one "error:" line naming it and the command's -h; click drew a boxed usage panel over 4-6 lines, and a bad choice read "Value error, 'xml' is not one of 'table', ..."."""
    config = tmp_path / "bad.toml"
    config.write_text("bogus_key = 1\n")
    cases = [
        (["train", str(AIR), "--epochs", "x"], "error: --epochs 'x' is not a whole number", " train -h"),
        (["train", str(AIR), "--nope"], "error: No such option: --nope", " train -h"),
        (
            ["train", str(AIR), "--cell", "tcn"],
            "error: --cell 'tcn' is not one of: lstm, gru, rnn",
            " train -h",
        ),
        (
            ["predict", "-m", str(AIR), "-f", "xml"],
            "error: --format 'xml' is not one of: table, csv, json",
            " predict -h",
        ),
        (["train", str(AIR), "--config", str(config)], "unknown option 'bogus_key'", " train -h"),
        (["bogus"], "error: No such command 'bogus'", "forecast_cli -h"),  # python -m forecast_cli
    ]
    for args, said, helped in cases:
        done = subprocess.run([sys.executable, "-m", "forecast_cli", *args], capture_output=True, text=True)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and done.stdout == ""
        assert len(lines) == 1 and said in lines[0] and lines[0].endswith(f"{helped})"), done.stderr


@pytest.mark.parametrize(
    ("args", "env", "source"),
    [(["--seed", "x"], {}, ""), ([], {"FORECAST_SEED": "x"}, " (set by FORECAST_SEED in the environment)")],
    ids=["flag", "environment"],
)
def test_an_unreadable_seed_names_the_environment_only_when_it_came_from_there(tmp_path, args, env, source):
    """bad input: --seed x, or FORECAST_SEED=x -> exit 2, "--seed 'x' is not a whole number", and
    "set by FORECAST_SEED in the environment" only when it was; click had said "(env var:
    'FORECAST_SEED')" after a flag, with no such variable set"""
    environ = {k: v for k, v in os.environ.items() if k != "FORECAST_SEED"} | env
    command = [sys.executable, "-m", "forecast_cli", "train", str(AIR), *args, "-o", str(tmp_path / "m.fcst")]
    done = subprocess.run(command, capture_output=True, text=True, env=environ)
    line = done.stderr.strip()
    assert done.returncode == 2 and len(line.splitlines()) == 1, done.stderr
    assert line.startswith("error: --seed 'x' is not a whole number") and "env var" not in line
    assert line.endswith(f"{source} (see python -m forecast_cli train -h)")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--epochs", "x"], "--epochs 'x' is not a whole number"),
        (["--epochs=1.5"], "--epochs '1.5' is not a whole number"),
        (["-H", "2.5"], "--horizon '2.5' is not a whole number"),
        (["--lr", "fast"], "--lr 'fast' is not a number"),
    ],
    ids=["word", "fraction", "short-flag", "float"],
)
def test_a_number_option_given_something_else_echoes_the_value(tmp_path, args, said):
    """bad input: --epochs x, --epochs=1.5, -H 2.5 or --lr fast -> exit 2, "--epochs 'x' is not a whole number" (or "is not a number"), naming the long flag and the value typed; typer had said "Input should be a valid integer, unable to parse string as an integer", with neither"""
    command = [sys.executable, "-m", "forecast_cli", "train", str(AIR), *args, "-o", str(tmp_path / "m.fcst")]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == "" and not (tmp_path / "m.fcst").exists()
    assert done.stderr == f"error: {said} (see python -m forecast_cli train -h)\n"


def test_a_zero_after_the_rows_an_automatic_log_was_chosen_on_names_the_choice(tmp_path):
    """bad input: a backtest whose later folds read a value <= 0 after the rows that --transform auto chose a log on -> exit 2, one line saying the log was chosen automatically and to give --transform none or --refit always; it had blamed a --transform log never given"""
    frame = pd.read_csv(AIR)
    frame.iloc[120, 1] = 0.0  # after the first of 3 yearly origins (row 108), before the last
    data = tmp_path / "zero_later.csv"
    frame.to_csv(data, index=False)
    args = ["backtest", str(data), "--folds", "3", "-H", "12", "--models", "lstm", *FAST_TRAIN]
    line = refused(runner.invoke(app, args), 2, "--transform auto")
    assert "give --transform none (or, in a backtest, --refit always)" in line
    assert "needs a strictly positive target" not in line
    assert runner.invoke(app, [*args, "--refit", "always"]).exit_code == 0


def test_a_zero_in_the_validation_tail_alone_makes_the_automatic_transform_none(tmp_path):
    """Training rows all positive, one zero in the validation tail: the automatic log could
    not apply to the rows the fit transforms, so auto chooses none (training had failed,
    exit 2, naming a --transform log the user never gave)."""
    frame = pd.read_csv(AIR)
    frame.iloc[-3, 1] = 0.0  # in the last 20%, the validation tail
    data = tmp_path / "zero_late.csv"
    frame.to_csv(data, index=False)
    model = tmp_path / "m.fcst"
    trained = runner.invoke(app, ["train", str(data), *FAST_TRAIN, "-o", str(model)])
    assert trained.exit_code == 0, trained.stderr
    shown = runner.invoke(app, ["info", str(model)])
    assert "transform,none (auto: the training target has values <= 0)" in shown.stdout


def test_a_column_named_twice_in_the_header_is_refused(tmp_path):
    """bad input: a header naming one column twice (month,a,a) -> exit 2, "the header names
    column 'a' 2 times" (pandas renamed the second a.1: --target a trained on the first,
    exit 0, and messages offered a.1, a name not in the file)"""
    data = tmp_path / "dup.csv"
    data.write_text(
        "month,a,a\n" + "".join(f"19{49 + i // 12}-{i % 12 + 1:02d},{100 + i},{200 + i}\n" for i in range(48))
    )
    result = runner.invoke(app, ["train", str(data), "--target", "a", "-o", str(tmp_path / "m.fcst")])
    refused(result, 2, "the header names column 'a' 2 times; give each column its own name")
    assert not (tmp_path / "m.fcst").exists()


@pytest.mark.parametrize("first_line", ["2020-01-01,5", "2020-01-01 00:00,5.5,7", "01/02/2020;5"])
def test_a_file_without_a_header_line_is_refused_not_read_a_row_short(tmp_path, first_line):
    """bad input: a CSV with no header line (2020-01-01,5 first) -> exit 2, "the first line is
    data (...), not column names; add a header line" (the first row became the column names,
    the target was called '5', its value was lost, exit 0); a header of numbers alone (years
    as a wide file's columns) is still a header"""
    sep = ";" if ";" in first_line else ","
    data = tmp_path / "bare.csv"
    rows = [first_line] + [
        sep.join([f"2020-01-{d:02d}"] + ["6"] * first_line.count(sep)) for d in range(2, 40)
    ]
    data.write_text("\n".join(rows) + "\n")
    result = runner.invoke(app, ["train", str(data), "-o", str(tmp_path / "m.fcst")])
    refused(
        result,
        2,
        f"the first line is data ({first_line.replace(';', ',')}), not column names; add a header line",
    )
    assert not (tmp_path / "m.fcst").exists()
    years = tmp_path / "years.csv"
    years.write_text("2019,2020\n" + "".join(f"{i},{2 * i}\n" for i in range(1, 40)))
    kept = runner.invoke(
        app, ["backtest", str(years), "--target", "*", "--models", "", "--horizon", "2", "-q"]
    )
    assert kept.exit_code == 0, kept.output


def test_a_given_freq_that_leaves_a_stock_and_a_coin_on_different_steps_says_why_and_gives_b(tmp_path):
    """bad input: a panel of a stock's trading days and a series of every calendar day with --freq D -> exit 2, "--freq D left the series on different steps (...): on an exchange's data it keeps that exchange's trading days; give --freq B ..."; it had said "give --freq" to a user who had given one"""
    stock = pd.read_csv(SAMPLE / "msft_daily.csv").iloc[-300:][["Date", "Close"]]
    days = pd.date_range(stock["Date"].iloc[0], stock["Date"].iloc[-1], freq="D")
    coin = pd.DataFrame({"Date": days.strftime("%Y-%m-%d"), "Close": np.linspace(100.0, 200.0, len(days))})
    panel = pd.concat([stock.assign(ticker="MSFT"), coin.assign(ticker="BTC-USD")])
    data = tmp_path / "mixed.csv"
    panel.to_csv(data, index=False)
    args = ["train", str(data), "--id-col", "ticker", "--target", "Close", "-o", str(tmp_path / "m.fcst")]
    line = refused(
        runner.invoke(app, [*args, "--freq", "D"]), 2, "--freq D left the series on different steps"
    )
    assert "(D: BTC-USD; XNYS: MSFT): on an exchange's data it keeps that exchange's trading days" in line
    assert line.endswith(
        "give --freq B to put them on one grid of weekdays (each exchange's closures filled)"
    )
    assert not (tmp_path / "m.fcst").exists()


def test_a_two_row_series_beside_one_exchanges_days_is_offered_that_exchanges_step(tmp_path):
    """bad input: a stock's trading days and a new series of its last 2 sessions (inferred D) -> exit 2 offering --freq XNYS first, which keeps every row and runs (it offered only --freq B, which fills every holiday)"""
    stock = pd.read_csv(SAMPLE / "msft_daily.csv").iloc[-300:][["Date", "Close"]]
    panel = pd.concat([stock.assign(ticker="MSFT"), stock.iloc[-2:].assign(ticker="NEW")])
    data = tmp_path / "panel.csv"
    panel.to_csv(data, index=False)
    args = ["train", str(data), "--id-col", "ticker", "--target", "Close", "-H", "5", *FAST_TRAIN]
    line = refused(runner.invoke(app, [*args, "-o", str(tmp_path / "m.fcst")]), 2, "different frequencies")
    assert "give --freq XNYS to keep that exchange's trading days, or --freq B" in line
    ran = runner.invoke(app, [*args, "--freq", "XNYS", "-o", str(tmp_path / "m.fcst")])
    assert ran.exit_code == 0, ran.output


@pytest.mark.parametrize(
    ("name", "values", "hint"),
    [
        ("date", [20240101 + i for i in range(20)], "give --time-format %Y%m%d if they are dates"),
        ("month", [202301 + i for i in range(12)] * 1 + [202401 + i for i in range(8)], "--time-format %Y%m"),
    ],
)
def test_numbers_in_a_column_named_like_dates_are_refused_with_their_layout(tmp_path, name, values, hint):
    """bad input: a column named date (or month) holding numbers such as 20240105 (or 202401), and no time column -> exit 2, "column 'date' is named like time but holds numbers (e.g. 20240101); give --time-format %Y%m%d if they are dates"; they were a feature and the rows were modelled in file order, shuffled or not, exit 0"""
    frame = pd.DataFrame({name: values, "y": np.arange(len(values), dtype=float)}).sample(
        frac=1, random_state=0
    )
    data = tmp_path / "numbered.csv"
    frame.to_csv(data, index=False)
    line = refused(
        runner.invoke(app, ["train", str(data), "-o", str(tmp_path / "m.fcst")]), 2, "named like time"
    )
    assert f"column {name!r} is named like time but holds numbers (e.g. {frame[name].iloc[0]}); " in line
    assert hint in line and line.endswith("or --time-col '' to count rows as steps")
    fmt = "%Y%m%d" if name == "date" else "%Y%m"
    args = ["train", str(data), "--time-format", fmt, "-H", "2", "--lookback", "4", *FAST_TRAIN, "-q"]
    assert runner.invoke(app, [*args, "-o", str(tmp_path / "m.fcst")]).exit_code == 0  # the fix works


def test_spreadsheet_serial_dates_are_named_as_such(tmp_path):
    """bad input: a date column of a spreadsheet's serial day numbers (29221 = 1980-01-01) -> exit 2, says what they are and how to export them as dates; it said "give --time-format for their layout", which no layout reads"""
    data = tmp_path / "serial.csv"
    data.write_text("date;value\n29221;697458,00\n29252;700000,00\n29281;710000,00\n")
    line = refused(
        runner.invoke(app, ["train", str(data), "--decimal", ",", "-o", str(tmp_path / "m.fcst")]),
        2,
        "serial",
    )
    assert (
        "look like a spreadsheet's serial day numbers (29221 is 1980-01-01): format the column as dates"
        in line
    )


def test_a_series_no_fold_fits_is_told_the_horizon_and_lookback_that_fit(tmp_path):
    """bad input: backtest of 36 monthly rows at the default horizon 12 and lookback 24 ->
    exit 2, names the largest --horizon and --lookback that fit one fold (it said "at most 0
    folds fit (lower --folds, ...)", and no number of folds fits); each offer runs."""
    path = tmp_path / "shampoo.csv"
    stamps = pd.date_range("1991-01-01", periods=36, freq="MS").strftime("%Y-%m-%d")
    pd.DataFrame({"month": stamps, "sales": np.linspace(100, 400, 36).round(1)}).to_csv(path, index=False)
    line = refused(runner.invoke(app, ["backtest", str(path), "--models", "lstm", *FAST_TRAIN]), 2)
    assert line == (
        "error: no fold fits: one fold of horizon 12 at lookback 24 takes 54 rows, and the series has 36; "
        "--horizon 3 or --lookback 8 fits one"
    )
    for offer in (["--horizon", "3"], ["--lookback", "8"]):
        loud = [arg for arg in FAST_TRAIN if arg != "--quiet"]
        ran = runner.invoke(app, ["backtest", str(path), "--models", "lstm", *offer, "-f", "csv", *loud])
        assert ran.exit_code == 0, ran.output
        assert (
            "backtest: 1 fold x horizon" in ran.stderr
            and "warning: 1 fold: as many as the series fits" in ran.stderr
        )


@pytest.mark.parametrize(
    ("freq", "fix"),
    [
        ("M", "write ME (period ends; MS for period starts)"),
        ("A-JUN", "write YE-JUN (period ends; YS-JUN for period starts)"),
        ("15T", "write 15min"),
        ("1H", "write 1h"),
        ("SM", "write SME (period ends; SMS for period starts)"),
    ],
)
def test_a_retired_pandas_alias_names_todays_spelling(freq, fix, tmp_path):
    """bad input: --freq M, A-JUN, 15T, 1H or SM (aliases pandas 2.2 retired) -> exit 2, naming today's spelling; it said 'neither a pandas offset alias nor an exchange calendar code', and pandas 2.2 read M as month ends without a word"""
    result = runner.invoke(app, ["train", str(AIR), "--freq", freq, "-o", str(tmp_path / "m.fcst")])
    refused(result, 2, f"--freq {freq!r} is the spelling pandas 2.2 retired; {fix}")
    assert not (tmp_path / "m.fcst").exists()


def test_dotted_month_years_are_refused_without_a_format_and_read_with_one(tmp_path):
    """bad input: a month column written 01.1949 (read as the number 1.1949) with --target -> exit 2, naming the column and --time-format; it was dropped and the rows trained as integer steps (exit 0), and with --time-format %m.%Y the value was quoted as '1.195', so the file could not be read at all"""
    months = pd.date_range("1949-01-01", periods=48, freq="MS")
    data = tmp_path / "dotted.csv"
    pd.DataFrame({"month": months.strftime("%m.%Y"), "passengers": np.arange(48.0) + 100}).to_csv(
        data, index=False
    )
    model = tmp_path / "m.fcst"
    refused(
        runner.invoke(app, ["train", str(data), "--target", "passengers", "-o", str(model)]),
        2,
        "column 'month' is named like time but holds decimal numbers (e.g. 1.1949)",
        "--time-format",
    )
    assert not model.exists()
    read = runner.invoke(app, ["train", str(data), "--time-format", "%m.%Y", *FAST_TRAIN, "-o", str(model)])
    assert read.exit_code == 0, read.output
    assert modelfile.load_model(model).histories_.last_stamps()[0] == pd.Timestamp("1952-12-01")


def test_a_time_format_that_reads_no_value_of_a_numbered_date_column_says_so(tmp_path):
    """bad input: --time-format %Y-%m-%d on a column of 20120101-style dates -> exit 2, naming the column, the format and a value; it said '2 numeric columns (timestamp, y); choose one with --target', never naming the format"""
    days = pd.date_range("2012-01-01", periods=40, freq="D")
    data = tmp_path / "compact.csv"
    pd.DataFrame({"timestamp": days.strftime("%Y%m%d").astype(int), "y": np.arange(40.0)}).to_csv(
        data, index=False
    )
    refused(
        runner.invoke(app, ["train", str(data), "--time-format", "%Y-%m-%d", "-o", str(tmp_path / "m.fcst")]),
        2,
        "column 'timestamp' looks like the time column, but --time-format '%Y-%m-%d' does not read it (e.g. '20120101')",
    )
    read = runner.invoke(
        app, ["train", str(data), "--time-format", "%Y%m%d", *FAST_TRAIN, "-o", str(tmp_path / "m.fcst")]
    )
    assert read.exit_code == 0, read.output


def test_a_file_without_a_numeric_column_shows_what_its_columns_hold(tmp_path):
    """bad input: a value column written as percentages (5.8%) -> exit 2, naming the column and a value; it said only 'no numeric column to forecast; columns: quarter, unemp'"""
    data = tmp_path / "pct.csv"
    data.write_text("quarter,unemp\n2001-01-01,5.8%\n2001-04-01,5.9%\n2001-07-01,6.1%\n")
    refused(
        runner.invoke(app, ["train", str(data), "-o", str(tmp_path / "m.fcst")]),
        2,
        "no numeric column to forecast: unemp (e.g. '5.8%'); name one with --target",
    )


def test_a_train_size_longer_than_the_data_names_the_largest_that_fits(tmp_path):
    """bad input: backtest --window sliding --train-size 1000 on 144 rows -> exit 2, naming the largest --train-size that fits one fold; it said 'at most 0 folds fit (lower --folds, --horizon or --lookback)', none of which helps"""
    args = ["backtest", str(AIR), "--window", "sliding", *FAST_TRAIN, "-o", str(tmp_path / "b.csv")]
    refused(
        runner.invoke(app, [*args, "--train-size", "1000"]),
        2,
        "--train-size 1000 leaves no row to forecast: one fold of horizon 12 needs 1012 rows, and the series "
        "has 144; use --train-size 132 or less",
    )
    assert runner.invoke(app, [*args, "--train-size", "132", "--folds", "1"]).exit_code == 0


def test_ids_for_a_single_series_model_say_it_holds_one_series(air_model):
    """bad input: predict --ids passengers with a model of one series -> exit 2, saying the model holds one series; it said the model had no history for 'passengers', the name the backtest gives that very series"""
    refused(
        runner.invoke(app, ["predict", "-m", str(air_model), "--ids", "passengers", "-H", "1"]),
        2,
        f"--ids selects series of a panel; model {air_model} holds one series (trained without --id-col): drop it",
    )


def test_ids_from_a_config_file_say_so_when_refused(air_model, tmp_path):
    """bad input: predict --config FILE whose ids = [...] (written by `info -f config` of a
    panel model) with a model of one series -> exit 2, the refusal ends "(set in the
    --config file FILE)"; it read as if --ids had been typed"""
    written = tmp_path / "panel.toml"
    written.write_text('ids = ["NSW", "VIC"]\n')
    line = refused(
        runner.invoke(app, ["predict", "-m", str(air_model), "--config", str(written), "-H", "1"]), 2
    )
    assert line.startswith("error: --ids selects series of a panel; model ")
    assert line.endswith(f": drop it (set in the --config file {written})")


def test_an_empty_ids_on_the_command_line_is_refused_and_a_config_files_empty_list_is_not(tmp_path):
    """bad input: --ids "" (an unset shell variable) -> exit 2, "--ids names no series"; it meant every series, while `info -f config`'s own `ids = []` still does"""
    panel = tmp_path / "panel.csv"
    frame = pd.read_csv(SAMPLE / "aus_accommodation.csv")
    frame.to_csv(panel, index=False)
    args = [
        "train",
        str(panel),
        "--id-col",
        "State",
        "--target",
        "Takings",
        *FAST_TRAIN,
        "-o",
        str(tmp_path / "m.fcst"),
    ]
    refused(
        runner.invoke(app, [*args, "--ids", ""]), 2, "--ids names no series; give ids, or leave --ids out"
    )
    config = tmp_path / "run.toml"
    config.write_text("ids = []\n")
    assert runner.invoke(app, [*args, "--config", str(config)]).exit_code == 0


def test_a_time_option_reads_only_dotted_periods_as_text(tmp_path):
    """--time-col / --time-format read a time column as text only when it holds dotted
    periods (01.1949). Every date-named column read as text made a month number beside
    the date the panel's series id (the stores averaged, exit 0), and --time-col on a
    column of step numbers refused them as 'not a timestamp'."""
    days = pd.date_range("2021-01-01", periods=60, freq="D")
    stores = pd.concat(
        [pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "store": s, "month": days.month, "sales": 10.0 * s})
         for s in (1, 2, 3)]
    )  # fmt: skip
    panel = tmp_path / "stores.csv"
    stores.to_csv(panel, index=False)
    out = tmp_path / "m.fcst"
    refused(
        runner.invoke(app, ["train", str(panel), "--time-col", "date", "--target", "sales", "-o", str(out)]),
        2,
        "the numbers in column 'store' tell the repeats apart",
    )
    steps = tmp_path / "steps.csv"
    pd.DataFrame({"day": range(1, 61), "value": np.arange(60.0)}).to_csv(steps, index=False)
    done = runner.invoke(app, ["train", str(steps), "--time-col", "day", *FAST_TRAIN, "-o", str(out)])
    assert done.exit_code == 0, done.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", str(AIR), "--calendar", "dow,foo"], "--calendar foo is unknown"),
        (["train", str(AIR), "--calendar", "auto,dow"], "not a mix"),
        (["backtest", str(AIR), "--window", "sliding"], "--window sliding needs --train-size"),
        (["backtest", str(AIR), "--train-size", "50"], "add --window sliding"),
    ],
)
def test_options_wrong_on_their_own_are_refused_before_the_data_is_read(no_work, monkeypatch, args, message):
    """bad input: a misspelt --calendar name, auto mixed with names, --window sliding without --train-size, or --train-size without it -> exit 2 before the data is read"""
    import forecast_cli.io as io_module

    def no_read(*_args, **_kwargs):
        raise AssertionError("the data was read before the options were checked")

    monkeypatch.setattr(io_module, "read_data", no_read)
    result = runner.invoke(app, args)
    refused(result, 2, message)
    assert "data:" not in result.stderr


@pytest.mark.parametrize(
    ("fmt", "says"),
    [
        ("%Y Q%q", "quarters (1998 Q1) and ISO weeks (2024-W05) are read with no --time-format"),
        ("%G-W%V", "ISO year directive '%G' must be used"),
        ("%Y-%m-%", "stray % in format"),
        ("%E", "give a strptime format such as %d/%m/%Y"),
    ],
)
@pytest.mark.parametrize("command", ["train", "predict"])
def test_a_time_format_strptime_cannot_apply_is_a_usage_error(air_model, tmp_path, fmt, says, command):
    """bad input: --time-format with a directive strptime lacks (%q for quarters, %G-W%V
    without a weekday, a stray %) -> exit 2 naming the format; it was an unexpected
    ValueError (exit 1), and quarters and ISO weeks need no format at all"""
    args = ["train", str(AIR), *FAST_TRAIN, "-o", str(tmp_path / "m.fcst")]
    if command == "predict":
        args = ["predict", "-m", str(air_model), str(AIR)]
    refused(
        runner.invoke(app, [*args, "--time-format", fmt]), 2, f"--time-format {fmt!r} cannot be read", says
    )
    assert not (tmp_path / "m.fcst").exists()


def test_formats_strptime_can_apply_pass_the_check():
    """The check formats a known day and reads it back: zone names, offsets, 12-hour clocks
    and day-of-year formats are valid and pass; Unix time is ours, not strptime's."""
    from forecast_cli.parse import check_time_format

    for fmt in ("%Y-%m-%d %Z", "%Y-%m-%d %z", "%d/%m/%Y", "%b %Y", "%I%p", "%Y-%j", "%s", "%H:%M"):
        check_time_format(fmt)


@pytest.mark.parametrize("longest", [3, 26])
def test_a_panel_no_fold_fits_is_offered_only_settings_that_run(tmp_path, longest):
    """bad input: backtest of a panel whose longest series fits no fold -> exit 2, offering only a --horizon or --lookback that then runs (a 3-row series was offered --lookback 1, which was refused again: the global network's one training series needs a training window before its origin)"""
    path = tmp_path / "panel.csv"
    rows = [
        ("A", s, float(i % 5 + 10))
        for i, s in enumerate(pd.date_range("1990-01-01", periods=longest, freq="MS"))
    ]
    rows += [("B", pd.Timestamp("1990-01-01"), 3.0)]
    pd.DataFrame(rows, columns=["id", "month", "sales"]).to_csv(path, index=False)
    line = refused(runner.invoke(app, ["backtest", str(path), "--models", "lstm", *FAST_TRAIN]), 2)
    assert line.startswith("error: no fold fits: one fold of horizon")
    offers = re.findall(r"--(horizon|lookback) (\d+)", line.split(";")[-1])
    assert bool(offers) == (longest == 26), line
    for name, value in offers:
        ran = runner.invoke(
            app, ["backtest", str(path), "--models", "lstm", f"--{name}", value, "-f", "csv", *FAST_TRAIN]
        )
        assert ran.exit_code == 0, (name, value, ran.output)


@pytest.mark.parametrize("command", ["train", "predict", "backtest"])
@pytest.mark.parametrize("source", ["--config", "--ids-file"])
def test_an_output_over_the_config_or_ids_file_is_refused(tmp_path, command, source):
    """bad input: -o naming the --config or --ids-file the command reads -> exit 2, "is also an input file", the file intact (it was replaced by the model or the forecast, exit 0)"""
    read = tmp_path / ("cfg.toml" if source == "--config" else "ids.txt")
    text = "horizon = 3\n" if source == "--config" else "S0\n"
    read.write_text(text)
    panel = tmp_path / "panel.csv"
    long_panel().to_csv(panel, index=False)
    model = tmp_path / "m.fcst"
    if command == "predict":
        trained = runner.invoke(app, ["train", str(panel), "-H", "3", *FAST_TRAIN, "-o", str(model)])
        assert trained.exit_code == 0, trained.output
        args = ["predict", "-m", str(model)]
    else:
        args = [command, str(panel), *FAST_TRAIN] + (["--models", "naive"] if command == "backtest" else [])
    result = runner.invoke(app, [*args, source, str(read), "-o", str(read)])
    refused(result, 2, f"-o {read} is also an input file; write the output elsewhere")
    assert read.read_text() == text


def test_rows_all_outside_an_exchanges_hours_are_refused(tmp_path):
    """bad input: --freq XNYS@30min for rows that all fall at night, New York time -> exit 2 saying no rows fall in XNYS trading hours, nothing written"""
    idx = pd.date_range("2024-01-02 00:00", periods=200, freq="30min")
    idx = idx[idx.hour < 6]
    path = tmp_path / "night.csv"
    pd.DataFrame({"t": idx.strftime("%Y-%m-%d %H:%M"), "y": np.arange(len(idx), dtype=float)}).to_csv(
        path, index=False
    )
    out = tmp_path / "m.fcst"
    result = runner.invoke(app, ["train", str(path), "--freq", "XNYS@30min", *FAST_TRAIN, "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert "error: no rows fall in XNYS trading hours; give --freq without @" in result.stderr
    assert not out.exists()


def test_predict_refuses_rows_finer_than_a_model_trained_on_its_own_step(tmp_path):
    """bad input: daily rows given to predict with a model of weekly rows (trained without --freq) -> exit 2, "the rows given are D data, finer than the model's W-MON step" (they were averaged into weeks, forecast at a seventh of the level, exit 0)"""
    weeks = pd.date_range("2020-01-06", periods=120, freq="W-MON")
    weekly = tmp_path / "weekly.csv"
    pd.DataFrame({"week": weeks.strftime("%Y-%m-%d"), "y": 100 + np.arange(120) % 13.0}).to_csv(
        weekly, index=False
    )
    model = tmp_path / "m.fcst"
    assert runner.invoke(app, ["train", str(weekly), *FAST_TRAIN, "-o", str(model)]).exit_code == 0
    days = pd.date_range("2022-01-03", periods=200, freq="D")
    daily = tmp_path / "daily.csv"
    pd.DataFrame({"week": days.strftime("%Y-%m-%d"), "y": 15 + np.arange(200) % 5.0}).to_csv(
        daily, index=False
    )
    out = tmp_path / "f.csv"
    result = runner.invoke(app, ["predict", "-m", str(model), str(daily), "-o", str(out)])
    refused(result, 2, "the rows given are D data, finer than the model's W-MON step", "give W-MON rows")
    assert not out.exists()


def test_a_number_column_with_a_text_cell_is_not_taken_for_the_series_ids(tmp_path):
    """bad input: a repeated date and a '-' among the target's numbers -> exit 2, "column 'y' holds numbers and 1 text cell(s) ('-' on data row 5)" (it said "'y' is empty on data rows 4; every row needs a series id")"""
    path = tmp_path / "y.csv"
    path.write_text(
        "date,y\n2020-01-01,1\n2020-01-02,2\n2020-01-02,2\n2020-01-03,3\n2020-01-04,-\n2020-01-05,5\n"
    )
    result = runner.invoke(app, ["backtest", str(path), "--models", "", "-f", "csv"])
    refused(result, 2, "column 'y' holds numbers and 1 text cell(s) ('-' on data row 5)", "empty cell")
