"""The model file: no pickle, atomic writes, clear refusals of damaged or foreign files."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from forecast_cli.config import DataConfig
from forecast_cli.errors import ModelFileError, OutputError
from forecast_cli.forecaster import Forecaster
from forecast_cli.modelfile import FORMAT_VERSION, load_model, read_metadata, save_model
from forecast_cli.series import prepare_series

from .conftest import fast_config


@pytest.fixture
def model_path(tmp_path, monthly_frame):
    fitted = Forecaster(fast_config(lookback=12, horizon=6)).fit(prepare_series(monthly_frame, DataConfig()))
    return save_model(fitted, tmp_path / "m.fcst")


def test_file_is_self_describing(model_path):
    meta = read_metadata(model_path)
    assert meta["format"] == "forecast-model" and meta["format_version"] == FORMAT_VERSION
    assert meta["target"] == "sales" and meta["freq"] == "MS"
    assert meta["lookback"] == 12 and meta["horizon"] == 6
    assert meta["config"]["model"]["kind"] == "lstm"
    assert len(meta["history"]["values"]) == 12
    assert {"val_mae", "best_epoch"} <= set(meta["metrics"])
    names = zipfile.ZipFile(model_path).namelist()
    assert all(n == "forecast.json" or (n.startswith("weights/") and n.endswith(".npy")) for n in names)


def test_truncated_file_is_refused(model_path):
    data = model_path.read_bytes()
    model_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="truncated or corrupt"):
        load_model(model_path)


def test_foreign_files_are_refused(tmp_path):
    text = tmp_path / "notes.fcst"
    text.write_text("hello")
    with pytest.raises(ModelFileError, match="not a forecast model file"):
        load_model(text)
    other_zip = tmp_path / "other.fcst"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "x")
    with pytest.raises(ModelFileError, match="no forecast.json"):
        load_model(other_zip)


def _rewrite(path, edit_meta=None, extra=None):
    with zipfile.ZipFile(path) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    if edit_meta:
        meta = json.loads(entries["forecast.json"])
        edit_meta(meta)
        entries["forecast.json"] = json.dumps(meta).encode()
    entries.update(extra or {})
    with zipfile.ZipFile(path, "w") as archive:
        for name, blob in entries.items():
            archive.writestr(name, blob)


def test_newer_format_version_asks_to_upgrade(model_path):
    _rewrite(model_path, edit_meta=lambda m: m.update(format_version=FORMAT_VERSION + 1))
    with pytest.raises(ModelFileError, match="newer than this forecast"):
        load_model(model_path)


def test_pickled_arrays_are_never_loaded(model_path):
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    _rewrite(model_path, extra={"weights/head.bias.npy": buffer.getvalue()})
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
