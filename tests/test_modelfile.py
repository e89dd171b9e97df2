"""The model file: no pickle, atomic writes, clear refusals of damaged or foreign files.

Each regression test's docstring starts with "bad input: <what> -> <answer>", from which
the table of bad inputs is generated.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import struct
import threading
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecast_cli import model_archive
from forecast_cli.config import DataConfig
from forecast_cli.errors import ExitCode, ModelFileError, OutputError
from forecast_cli.forecaster import Forecaster
from forecast_cli.modelfile import FORMAT_VERSION, READS_VERSION, load_model, read_metadata, save_model
from forecast_cli.series import prepare_series

from .conftest import fast_config, rewrite_model

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def model_path(tmp_path, monthly_frame):
    fitted = Forecaster(fast_config(lookback=12, horizon=6)).fit(prepare_series(monthly_frame, DataConfig()))
    return save_model(fitted, tmp_path / "m.fcst")


def test_file_is_self_describing(model_path):
    meta = read_metadata(model_path)
    assert meta["format"] == "forecast-model" and meta["format_version"] == FORMAT_VERSION
    assert meta["target"] == "sales" and meta["plan"]["freq"] == "MS"
    assert meta["plan"]["lookback"] == 12 and meta["plan"]["horizon"] == 6
    assert meta["config"]["model"]["cell"] == "lstm"
    assert meta["config"]["window"]["lookback"] == 12  # given, so the config says so; nothing else
    for derived in ("freq", "lookback", "horizon", "season", "transform"):
        assert derived not in meta  # stored once, in the plan
    # the smoother reads 5 seasons of 12; the rows are arrays
    assert meta["history"]["series"] == 1 and meta["history"]["rows"] == 60
    assert meta["weights"]["series/history_values"] == {"shape": [60, 1], "dtype": "<f8"}
    assert {"val_mae", "best_epoch"} <= set(meta["metrics"])
    names = zipfile.ZipFile(model_path).namelist()
    assert all(n == "forecast.json" or (n.startswith("weights/") and n.endswith(".npy")) for n in names)


def test_truncated_file_is_refused(model_path):
    data = model_path.read_bytes()
    model_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="truncated or corrupt"):
        load_model(model_path)


def test_bytes_cut_from_the_middle_are_named_not_an_oserror(model_path):
    """bad input: a model file with bytes cut from its middle (its directory intact, at the
    end) -> exit 3, "its entries are not where its zip directory says"; it said "damaged
    (OSError)", naming an exception instead of the fault."""
    from typer.testing import CliRunner

    from forecast_cli.cli import app

    data = model_path.read_bytes()
    model_path.write_bytes(data[:3000] + data[6000:])
    for args in (["info", str(model_path)], ["predict", "-m", str(model_path)]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 3, result.output
        assert "is damaged: its entries are not where its zip directory says" in result.stderr


def test_a_data_file_given_as_the_model_is_named_a_text_file(sample, tmp_path):
    """bad input: a CSV given as the model (forecast info data.csv, predict -m data.csv) ->
    exit 3, "is a text file (data?), not a model file", not "truncated or corrupt; retrain it"."""
    from typer.testing import CliRunner

    from forecast_cli.cli import app

    csv = str(sample / "airpassengers.csv")
    for args in (["info", csv], ["predict", "-m", csv]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 3 and "is a text file (data?), not a model file" in result.stderr
    texts = {  # a header starting PK, Latin-1 and UTF-16 text: called corrupt before
        "pk.csv": b"PK,value\n1,2\n",
        "latin1.csv": "city,v\nM\u00fcnchen,1\nK\u00f6ln,2\n".encode("latin-1"),
        "utf16.csv": "a,b\n1,2\n".encode("utf-16"),
    }
    for name, blob in texts.items():
        path = tmp_path / name
        path.write_bytes(blob)
        result = CliRunner().invoke(app, ["info", str(path)])
        assert result.exit_code == 3 and "is a text file" in result.stderr, name
    noise = tmp_path / "noise.fcst"
    noise.write_bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    assert "is a text file" not in CliRunner().invoke(app, ["info", str(noise)]).stderr


def test_foreign_files_are_refused(tmp_path):
    text = tmp_path / "notes.fcst"
    text.write_text("hello")
    with pytest.raises(ModelFileError, match="is a text file"):
        load_model(text)
    other_zip = tmp_path / "other.fcst"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "x")
    with pytest.raises(ModelFileError, match="no forecast.json"):
        load_model(other_zip)


def test_newer_format_version_asks_to_upgrade(model_path):
    rewrite_model(model_path, edit_meta=lambda m: m.update(format_version=READS_VERSION + 1))
    with pytest.raises(ModelFileError, match="newer than this forecast"):
        load_model(model_path)


@pytest.mark.parametrize(
    ("edit", "detail"),
    [
        (lambda m: m["plan"].update(horizon="twelve"), "plan horizon is 'twelve'"),
        (lambda m: m["plan"].update(season=0), "plan season is 0"),
        (lambda m: m["plan"].update(freq="XYZ"), "plan freq 'XYZ' names no frequency"),
        (lambda m: m.update(ids=[*m["ids"], *m["ids"]]) if m["ids"] else m.update(ids=["a", "a"]), ""),
        (lambda m: m["history"].update(tz="Mars/Olympus"), "time zone 'Mars/Olympus' names no zone"),
        (lambda m: m["plan"].update(lookback=1000), "plan lookback 1000 but the network reads"),
        (lambda m: m.update(width_ratio=[1.0]), "1 width ratios for"),
        (lambda m: m.update(target=5), "target is 5, not a column name"),
        (lambda m: m.update(features=[None]), "features [None] are not all column names"),
        # what is inconsistent, not only the exception's class ("(RuntimeError)", "(KeyError)")
        (lambda m: m["network"].update(hidden=9), "RuntimeError: size mismatch for "),
        (lambda m: m.pop("target"), "(no entry 'target')"),
    ],
    ids=[
        "horizon-text",
        "season-0",
        "freq",
        "ids-twice",
        "zone",
        "lookback",
        "width-ratio",
        "target",
        "features",
        "hidden",
        "no-target",
    ],
)
def test_edited_metadata_is_a_damaged_file_not_a_traceback(model_path, edit, detail):
    """Metadata edited into nonsense (a horizon 'twelve', an unknown zone, an id twice) is a
    ModelFileError (exit 3) at load; it was exit 1 or 2 later, or exit 0 with two rows of a series."""
    rewrite_model(model_path, edit_meta=edit)
    with pytest.raises(ModelFileError, match="is damaged or inconsistent") as caught:
        load_model(model_path)
    assert detail in str(caught.value)


def test_info_on_metadata_without_its_fields_exits_3(model_path):
    """bad input: forecast info on a model file whose metadata lacks its target or plan ->
    exit 3 (damaged), not a KeyError with exit 1."""
    from typer.testing import CliRunner

    from forecast_cli.cli import app

    rewrite_model(model_path, edit_meta=lambda m: m.pop("plan"))
    result = CliRunner().invoke(app, ["info", str(model_path)])
    assert result.exit_code == 3 and "is damaged or inconsistent" in result.stderr, result.output


def test_bytes_changed_inside_a_weight_array_are_caught_by_info_too(model_path):
    """bad input: a model file whose weight bytes were changed or lost inside the archive
    (its directory intact) -> exit 3 from info as from predict, "does not match its checksum";
    info read only the metadata and described the file as sound."""
    from typer.testing import CliRunner

    from forecast_cli.cli import app

    sound = model_path.read_bytes()
    with zipfile.ZipFile(model_path) as archive:
        members = sorted(archive.infolist(), key=lambda i: i.compress_size)
    weights = [i for i in members if i.filename.startswith("weights/")]
    meta = next(i for i in members if i.filename == "forecast.json")
    runner = CliRunner()
    for info in (weights[-1], weights[0], meta):  # deflated, stored as is, and the metadata
        data = bytearray(sound)
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)  # the member's bytes
        data[start + info.compress_size // 2] ^= 0xFF
        model_path.write_bytes(bytes(data))
        for args in (["info", str(model_path)], ["predict", "-m", str(model_path)]):
            result = runner.invoke(app, args)
            assert result.exit_code == 3, (info, args, result.output)
            assert f"is damaged: {info.filename} does not match its checksum" in result.stderr
    model_path.write_bytes(sound[: weights[0].header_offset] + bytes(len(sound) - weights[0].header_offset))
    assert runner.invoke(app, ["info", str(model_path)]).exit_code == 3  # bytes lost: zeros in their place


def test_stored_levels_beyond_the_widest_band_are_left_out_not_refused(model_path):
    """A file from before levels above 99.9 were refused may hold `--level 80,99.99`:
    predict and info refused it (exit 2 naming a --level nobody typed). The value is now
    left out with a note; stored values that are no numbers are a damaged file (exit 3)."""
    from typer.testing import CliRunner

    from forecast_cli.cli import app

    runner = CliRunner()
    rewrite_model(model_path, edit_meta=lambda m: m["config"]["intervals"].update(level=["80", "99.99"]))
    result = runner.invoke(app, ["predict", "-m", str(model_path), "-H", "1", "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "timestamp,sales,sales-lo-80,sales-hi-80"
    assert (
        "the model's --level 80,99.99" not in result.stderr
        and "--level 99.99: beyond the widest" in result.stderr
    )
    info = runner.invoke(app, ["info", str(model_path), "-f", "json"])
    assert info.exit_code == 0
    assert "(the model's --level 99.99: beyond the widest band" in json.loads(info.stdout)["intervals"]
    rewrite_model(model_path, edit_meta=lambda m: m["config"]["intervals"].update(level=["abc"]))
    for args in (["predict", "-m", str(model_path)], ["info", str(model_path)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 3 and "stored intervals are damaged" in result.stderr, result.output


def test_info_refuses_the_column_names_predict_refuses(model_path):
    """bad input: a model file whose metadata names a column by a number (target 5) ->
    exit 3 from info, naming it, as from predict; info described the file as sound."""
    from typer.testing import CliRunner

    from forecast_cli.cli import app

    rewrite_model(model_path, edit_meta=lambda m: m.update(target=5))
    result = CliRunner().invoke(app, ["info", str(model_path)])
    assert result.exit_code == 3 and "target is 5, not a column name" in result.stderr


def test_pickled_arrays_are_never_loaded(model_path):
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    rewrite_model(model_path, extra={"weights/head.bias.npy": buffer.getvalue()})
    with pytest.raises(ModelFileError):
        load_model(model_path)


def test_failed_write_leaves_the_old_file_and_no_temp(model_path, monkeypatch):
    before = model_path.read_bytes()
    fitted = load_model(model_path)

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "save", boom)
    with pytest.raises(OutputError, match=f"cannot write {model_path}: disk full"):
        save_model(fitted, model_path)
    assert model_path.read_bytes() == before
    assert [p.name for p in model_path.parent.iterdir()] == [model_path.name]


def test_new_files_record_every_weight_shape_and_dtype(model_path):
    meta = read_metadata(model_path)
    names = [n for n in zipfile.ZipFile(model_path).namelist() if n.startswith("weights/")]
    assert sorted("weights/" + k + ".npy" for k in meta["weights"]) == sorted(names)
    assert meta["weights"]["head.weight"] == {"shape": [6, 8], "dtype": "<f4"}


@pytest.mark.parametrize("name", ["round1_monthly.fcst", "round1_berlin_hourly.fcst"])
def test_round_1_model_files_still_load_and_forecast_the_same(name):
    """bad input: a model file from round 1 (no recorded weight shapes) -> loads, forecasts as before"""
    expected = json.loads((FIXTURES / "round1_expected.json").read_text())[name]
    assert "weights" not in read_metadata(FIXTURES / name)
    forecast = load_model(FIXTURES / name).predict(None, 6)
    assert [t.isoformat() for t in forecast.index] == expected["index"]
    np.testing.assert_allclose(forecast.iloc[:, 0].to_numpy(), expected["values"], rtol=1e-6)


def test_directory_is_named_as_a_directory(tmp_path):
    """bad input: a directory as the model path -> exit 3, "is a directory, not a model file\""""
    with pytest.raises(ModelFileError, match="is a directory, not a model file") as caught:
        load_model(tmp_path)
    assert caught.value.exit_code == ExitCode.MODEL_FILE


def test_dev_zero_is_refused_without_reading_it():
    """bad input: /dev/zero as the model path -> exit 3, "is a character device", nothing read"""
    with pytest.raises(ModelFileError, match="/dev/zero is a character device, not a model file"):
        load_model("/dev/zero")


def test_fifo_is_refused_without_hanging(tmp_path):
    """bad input: a FIFO (named pipe) as the model path -> exit 3 at once, no hang waiting for a writer"""
    fifo = tmp_path / "model.fcst"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def load():
        try:
            load_model(fifo)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "loading a FIFO blocked"
    assert isinstance(outcome[0], ModelFileError) and "FIFO (named pipe), not a model file" in str(outcome[0])


def test_unreadable_file_says_permission_denied(model_path, monkeypatch):
    """bad input: an unreadable model file (chmod 000) -> exit 3, "not readable (permission denied)\""""

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    # Root reads any file, so the refusal the kernel would give is faked for this call.
    monkeypatch.setattr(model_archive.os, "open", denied)
    with pytest.raises(ModelFileError, match="is not readable \\(permission denied\\)"):
        load_model(model_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_says_permission_denied_for_real(model_path):
    model_path.chmod(0o000)
    with pytest.raises(ModelFileError, match="permission denied"):
        load_model(model_path)


def test_empty_file_is_called_empty(tmp_path):
    """bad input: an empty file as the model path -> exit 3, "is empty, not a model file\""""
    empty = tmp_path / "m.fcst"
    empty.touch()
    with pytest.raises(ModelFileError, match="is empty, not a model file"):
        load_model(empty)


def _declare_size(path, member, size):
    """Rewrite ``member``'s uncompressed size in the zip's central directory."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_len].decode() == member:
            struct.pack_into("<I", data, at + 24, size)
            path.write_bytes(bytes(data))
            return
        at = data.find(b"PK\x01\x02", at + 46 + name_len)
    raise AssertionError(f"{member} not in {path}")


def test_member_declaring_a_gigabyte_is_refused_before_inflating(model_path, monkeypatch):
    """bad input: a model file whose zip directory declares 4 GiB of arrays -> exit 3 before inflating"""
    _declare_size(model_path, "weights/head.bias.npy", 2**32 - 1)

    def no_reading(*args, **kwargs):
        raise AssertionError("a member was opened before the directory was checked")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)
    with pytest.raises(ModelFileError, match="arrays inflate to 4096 MiB, over the 1024 MiB"):
        load_model(model_path)


def test_zip_bomb_is_refused_by_the_size_cap(model_path, monkeypatch):
    """bad input: a 1 MB zip that inflates to gigabytes -> exit 3, memory untouched (here with a 1 MiB cap)"""
    with zipfile.ZipFile(model_path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("weights/bomb.npy", bytes(8 * model_archive.MiB))
    assert model_path.stat().st_size < 100_000
    monkeypatch.setattr(model_archive, "MAX_ARRAY_BYTES", 1 * model_archive.MiB)
    with pytest.raises(ModelFileError, match="over the 1 MiB a model file may hold"):
        load_model(model_path)


def test_huge_metadata_is_refused(model_path, monkeypatch):
    monkeypatch.setattr(model_archive, "MAX_META_BYTES", 1000)
    with pytest.raises(ModelFileError, match="its metadata inflates to"):
        read_metadata(model_path)


def test_thousands_of_entries_are_refused(model_path):
    """bad input: a zip with thousands of entries as the model file -> exit 3, "more than a model file's\""""
    rewrite_model(model_path, extra={f"junk/{i}": b"" for i in range(model_archive.MAX_MEMBERS + 1)})
    with pytest.raises(ModelFileError, match="entries, more than a model file's"):
        load_model(model_path)


def test_array_shape_must_match_the_metadata(model_path):
    """bad input: a weight array whose shape differs from the metadata -> exit 3 before loading it"""
    buffer = io.BytesIO()
    np.save(buffer, np.zeros((6, 9), dtype=np.float32))
    rewrite_model(model_path, extra={"weights/head.weight.npy": buffer.getvalue()})
    with pytest.raises(ModelFileError, match=r"head.weight.npy is float32 \(6, 9\) but its metadata says"):
        load_model(model_path)


def test_header_promising_more_data_than_present_is_refused(model_path):
    """bad input: a .npy header declaring a huge shape over a few bytes -> exit 3, nothing allocated"""
    header = {"descr": "<f4", "fortran_order": False, "shape": (2**40, 2**40)}
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    rewrite_model(
        model_path,
        edit_meta=lambda m: m.pop("weights"),
        extra={"weights/head.weight.npy": buffer.getvalue() + bytes(16)},
    )
    with pytest.raises(ModelFileError, match="fewer or more bytes than its shape needs"):
        load_model(model_path)


def test_missing_weight_array_is_named(model_path):
    rewrite_model(model_path, drop={"weights/head.bias.npy"})
    with pytest.raises(ModelFileError, match=r"do not match its metadata \(head.bias\)"):
        load_model(model_path)


def test_symlink_to_a_model_loads(model_path, tmp_path):
    link = tmp_path / "latest.fcst"
    link.symlink_to(model_path)
    assert load_model(link).horizon_ == 6


def test_saved_model_file_is_readable_by_others(tmp_path, monthly_frame):
    """bad input: a model file saved by forecast -> mode 0o666 & ~umask (0o644), not 0o600"""
    old = os.umask(0o022)
    try:
        fitted = load_model(shutil.copy(FIXTURES / "round1_monthly.fcst", tmp_path / "a.fcst"))
        save_model(fitted, tmp_path / "b.fcst")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "b.fcst").stat().st_mode) == 0o644


@pytest.mark.parametrize("name", ["format3_panel.fcst", "format3_local.fcst"])
def test_format_3_files_with_json_histories_load_and_forecast_bit_identically(name, tmp_path):
    """bad input: a model file from format 3 (JSON histories and calibration) -> loads, same forecasts"""
    expected = json.loads((FIXTURES / "format3_expected.json").read_text())[name]
    assert read_metadata(FIXTURES / name)["format_version"] == 3
    old = load_model(FIXTURES / name)
    resaved = load_model(save_model(old, tmp_path / "again.fcst"))  # now as arrays
    forecasts = [model.predict(levels=(80,)).reset_index() for model in (old, resaved)]
    pd.testing.assert_frame_equal(forecasts[0], forecasts[1], check_exact=True)  # bit for bit
    forecast = forecasts[0]
    assert forecast["site"].tolist() == expected["ids"]
    assert [t.isoformat() for t in forecast["timestamp"]] == expected["timestamps"]
    for column, values in expected["columns"].items():
        # recorded with this project's torch on x86-64; another build's float32 kernels
        # differ in the last digits (3e-9 relative on a GPU host's Xeon with torch 2.11)
        np.testing.assert_allclose(forecast[column].to_numpy(), values, rtol=1e-6, atol=0)
    assert read_metadata(tmp_path / "again.fcst")["history"]["series"] == 2


def test_history_offsets_that_disagree_with_the_rows_are_refused(model_path):
    """bad input: a model file whose history offsets point past its rows -> exit 3, "damaged or inconsistent\""""
    buffer = io.BytesIO()
    np.save(buffer, np.array([0, 13]))
    rewrite_model(model_path, extra={"weights/series/history_offsets.npy": buffer.getvalue()})
    with pytest.raises(ModelFileError, match="is damaged or inconsistent"):
        load_model(model_path)


def test_a_recursive_model_with_bands_loads_and_predicts_the_same(tmp_path, monthly_frame):
    """A recursive model validates every step, so it stores one width ratio per step of the
    horizon, not per network output (a consistency check that counted outputs refused it)."""
    import dataclasses

    from forecast_cli.config import DataConfig
    from forecast_cli.forecaster import Forecaster
    from forecast_cli.series import prepare_series

    from .conftest import fast_config

    cfg = fast_config(horizon=4)
    cfg = dataclasses.replace(cfg, model=dataclasses.replace(cfg.model, strategy="recursive"))
    fitted = Forecaster(cfg).fit(prepare_series(monthly_frame, DataConfig()))
    save_model(fitted, tmp_path / "rec.fcst")
    pd.testing.assert_frame_equal(load_model(tmp_path / "rec.fcst").predict(), fitted.predict())


def test_a_network_that_gives_nan_from_clean_input_is_a_damaged_model(tmp_path, monthly_frame):
    """bad input: a model file whose weights hold NaN (checksums rewritten to match) ->
    exit 3, a damaged model (it said the history window had missing values, exit 2)"""
    import torch

    from forecast_cli.errors import ModelFileError

    fitted = Forecaster(fast_config(lookback=12, horizon=6)).fit(prepare_series(monthly_frame, DataConfig()))
    with torch.no_grad():
        next(fitted.network_.parameters()).fill_(float("nan"))
    loaded = load_model(save_model(fitted, tmp_path / "nan.fcst"))
    with pytest.raises(ModelFileError, match="gives NaN from clean input") as caught:
        loaded.predict()
    assert caught.value.exit_code == 3


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (lambda meta: meta.update(target=""), "target is empty, not a column name"),
        (lambda meta: meta.update(time_labels=5), "time labels '5' are not a layout of dates"),
        (
            lambda meta: meta.update(width_ratio=[float("nan")] * len(meta["width_ratio"])),
            "a width ratio is not a finite",
        ),
    ],
)
def test_edited_metadata_every_forecast_relies_on_is_refused(model_path, edit, said):
    """bad input: a model file whose target is "", whose time labels are 5, or whose width ratios are NaN -> exit 3, "damaged or inconsistent" (a KeyError and a bare StopIteration, exit 1; NaN emptied every band without a word)"""
    rewrite_model(model_path, edit_meta=edit)
    with pytest.raises(ModelFileError, match=f"is damaged or inconsistent \\({said}"):
        load_model(model_path)


def test_a_calibration_table_of_nan_is_a_damaged_model(model_path):
    """bad input: a model file whose stored calibration table is NaN (the zip rewritten, its
    checksums sound) -> exit 3, "its calibration table holds a value that is not a number"
    (every band came out empty, exit 0, without a word)"""
    import io
    import zipfile

    name = "weights/model/calibration_abs_q.npy"
    with zipfile.ZipFile(model_path) as archive:
        table = np.load(io.BytesIO(archive.read(name)))
    blob = io.BytesIO()
    np.save(blob, table * np.nan)
    rewrite_model(model_path, extra={name: blob.getvalue()})
    with pytest.raises(
        ModelFileError, match="its calibration table holds a value that is not a number"
    ) as caught:
        load_model(model_path)
    assert caught.value.exit_code == 3


def test_info_refuses_a_file_missing_an_array_its_metadata_declares(model_path):
    """bad input: a model file with one declared array deleted from the zip -> info exits 3 as predict does (info called it sound)"""
    from typer.testing import CliRunner

    from forecast_cli.cli import app

    rewrite_model(model_path, drop={"weights/head.bias.npy"})
    result = CliRunner().invoke(app, ["info", str(model_path)])
    assert (
        result.exit_code == 3 and "its weight arrays do not match its metadata (head.bias)" in result.stderr
    )
