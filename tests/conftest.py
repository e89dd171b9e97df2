"""Shared fixtures: small seeded series, sample-data paths, and fast model settings."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

# The suite's expected figures are CPU figures (a GPU's kernels differ in the last digits,
# and tests hand tensors to models on the CPU), so on a machine with a GPU the suite runs on
# its CPU; set before torch looks, inherited by the CLI subprocesses. GPU runs are timed in
# benchmarks/gpu_panel.py.
os.environ["CUDA_VISIBLE_DEVICES"] = ""

import torch  # noqa: E402
from hypothesis import settings  # noqa: E402

from forecast_cli.config import DataConfig, ForecastConfig, ModelConfig, TrainConfig, WindowConfig

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"

# Tests run on 2 cores next to other work: one thread keeps timings stable.
torch.set_num_threads(1)

# No per-example deadline: the properties are about values, and on a loaded 2-core machine
# one example of a 2 ms property took 278 ms, which hypothesis reports as a failure.
settings.register_profile("forecast", deadline=None)
settings.load_profile("forecast")

# Small and quick: enough to exercise every code path, not to forecast well.
FAST_TRAIN = ["--hidden", "8", "--epochs", "2", "--batch-size", "256", "--quiet"]


def fast_config(**window) -> ForecastConfig:
    return ForecastConfig(
        data=DataConfig(),
        window=WindowConfig(**window),
        model=ModelConfig(hidden=8),
        train=TrainConfig(epochs=3, batch_size=64),
    )


@pytest.fixture
def sample() -> Path:
    return SAMPLE


@pytest.fixture
def monthly_frame() -> pd.DataFrame:
    """Ten years of a seeded, trending, seasonal monthly series (strictly positive)."""
    rng = np.random.default_rng(0)
    t = np.arange(120)
    values = 100 + t + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, len(t))
    return pd.DataFrame({"month": pd.date_range("2010-01-01", periods=120, freq="MS"), "sales": values})


@pytest.fixture
def monthly_csv(tmp_path: Path, monthly_frame: pd.DataFrame) -> Path:
    path = tmp_path / "monthly.csv"
    monthly_frame.assign(month=monthly_frame["month"].dt.strftime("%Y-%m")).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def dask_cluster():
    """A thread-based LocalCluster on loopback tcp (2 workers, 1 thread each), closed after
    the module that uses it: its threads' heartbeats draw on the ``random`` module, which
    Hypothesis flags when it happens during another module's generated examples."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        host="127.0.0.1",
        protocol="tcp",
        dashboard_address=None,
        # the scheduler's HTTP server starts without a dashboard too, on 8787 unless told:
        # another cluster on the machine made every module that uses this one warn
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
    ) as cluster:
        yield cluster


@pytest.fixture
def dask_client(dask_cluster):
    distributed = pytest.importorskip("distributed")
    with distributed.Client(dask_cluster) as client:
        yield client


@pytest.fixture
def yahoo(monkeypatch):
    """yfinance's network boundary replaced by recorded, real-shaped frames (yahoo_fake)."""
    import yfinance

    from .yahoo_fake import FakeYahoo

    fake = FakeYahoo()
    monkeypatch.setattr(yfinance, "download", fake.download)
    return fake


def windows_read(fitted, monkeypatch) -> list:
    """Every input window ``fitted``'s network reads from now on, (batch, rows, features)
    each, copied: a test can check what a rolled forecast fed the network at each step."""
    net = fitted.network_
    real = net._point
    seen = []

    def spy(x):
        seen.append(x.detach().clone())
        return real(x)

    monkeypatch.setattr(net, "_point", spy)
    return seen


def rewrite_model(path, edit_meta=None, extra=None, drop=()):
    """Rewrite a model file in place: its metadata through ``edit_meta(meta)``, the
    archive entries ``extra`` added or replaced and those named in ``drop`` left out (a
    damaged or edited file, for tests)."""
    with zipfile.ZipFile(path) as archive:
        entries = {n: archive.read(n) for n in archive.namelist() if n not in drop}
    if edit_meta:
        meta = json.loads(entries["forecast.json"])
        edit_meta(meta)
        entries["forecast.json"] = json.dumps(meta).encode()
    entries.update(extra or {})
    with zipfile.ZipFile(path, "w") as archive:
        for name, blob in entries.items():
            archive.writestr(name, blob)
