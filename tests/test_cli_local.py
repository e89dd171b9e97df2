"""`--local`, `--workers`, `--scheduler` on the command line: same output on 1 worker, a
cluster and local worker processes; partial failure exits 5; no Dask import at --workers 1."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli.cli import app
from forecast_cli.errors import ExitCode
from forecast_cli.forecaster import Forecaster
from forecast_cli.modelfile import load_model

from .conftest import FAST_TRAIN

runner = CliRunner()
BACKTEST = ["--hidden", "8", "--epochs", "2", "--horizon", "6", "--folds", "2", "-f", "csv", "--no-timings"]


@pytest.fixture
def panel_csv(tmp_path):
    rng = np.random.default_rng(3)
    rows = []
    for i in range(4):
        y = 100 + 20 * i + 5 * np.sin(np.arange(60) * 2 * np.pi / 12) + rng.normal(0, 1, 60)
        rows.append(
            pd.DataFrame(
                {"unique_id": f"s{i}", "ds": pd.date_range("2001-01", periods=60, freq="MS"), "y": y}
            )
        )
    path = tmp_path / "panel.csv"
    pd.concat(rows).to_csv(path, index=False)
    return path


def _train_predict(tmp_path, panel_csv, *extra):
    model = tmp_path / f"m{len(extra)}.fcst"
    trained = runner.invoke(app, ["train", str(panel_csv), "--local", *FAST_TRAIN, "-o", str(model), *extra])
    assert trained.exit_code == 0, trained.output
    out = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv"])
    assert out.exit_code == 0, out.output
    return model, out.stdout


def test_local_model_on_a_cluster_predicts_what_one_process_does(tmp_path, panel_csv, dask_cluster):
    model, serial = _train_predict(tmp_path, panel_csv)
    _, clustered = _train_predict(tmp_path, panel_csv, "--scheduler", dask_cluster.scheduler_address)
    assert serial == clustered
    assert serial.splitlines()[0] == "unique_id,timestamp,y,y-lo-80,y-hi-80,y-lo-95,y-hi-95"
    info = runner.invoke(app, ["info", str(model), "-f", "json"])
    assert '"kind": "local: 4 series, one network each"' in info.stdout


def test_a_failing_series_exits_partial_and_the_others_are_saved(tmp_path, panel_csv, monkeypatch):
    real_fit = Forecaster.fit

    def fit(self, data, on_epoch=None, windows_from=None):
        if data.ids == ("s2",):
            raise ValueError("synthetic failure")
        return real_fit(self, data, on_epoch, windows_from)

    monkeypatch.setattr(Forecaster, "fit", fit)
    model = tmp_path / "m.fcst"
    result = runner.invoke(app, ["train", str(panel_csv), "--local", *FAST_TRAIN, "-o", str(model)])
    assert result.exit_code == ExitCode.PARTIAL == 5
    assert "error: series 's2': ValueError: synthetic failure" in result.stderr
    predicted = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv"])
    assert {line.split(",")[0] for line in predicted.stdout.splitlines()[1:]} == {"s0", "s1", "s3"}
    board = runner.invoke(app, ["backtest", str(panel_csv), "--local", *BACKTEST])
    assert board.exit_code == 5 and "series 's2'" in board.stderr
    assert board.stdout.startswith("model,mae")  # the leaderboard of the others is written


def test_workers_without_the_dask_extra_is_one_line_naming_the_install(tmp_path, panel_csv, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    result = runner.invoke(
        app, ["train", str(panel_csv), "--local", "--workers", "2", "-o", str(tmp_path / "m")]
    )
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.strip().splitlines()[-1] == (
        "error: --workers and --scheduler need Dask: pip install 'forecast-cli[dask]'"
    )


def test_one_worker_never_imports_dask(tmp_path, panel_csv):
    model = tmp_path / "m.fcst"
    code = (
        "import sys; from typer.testing import CliRunner; from forecast_cli.cli import app;"
        f"r = CliRunner().invoke(app, ['train', {str(panel_csv)!r}, '--local', *{FAST_TRAIN!r}, '-o', {str(model)!r}]);"
        f"p = CliRunner().invoke(app, ['predict', '-m', {str(model)!r}]);"
        "print(r.exit_code, p.exit_code, 'dask' in sys.modules, 'distributed' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["0", "0", "False", "False"], out.stderr


def test_local_backtest_on_two_worker_processes_matches_one_process(panel_csv):
    """The one test that starts a real LocalCluster of processes, as --workers 2 does."""
    args = ["backtest", str(panel_csv), "--local", "--models", "lstm", *BACKTEST]
    serial = runner.invoke(app, args)
    processes = runner.invoke(app, [*args, "--workers", "2"])
    assert serial.exit_code == processes.exit_code == 0, processes.output
    assert "dask: on 2 Dask worker(s)" in processes.stderr
    assert serial.stdout == processes.stdout


def test_a_local_model_forecasts_from_data_given_to_predict(tmp_path, panel_csv):
    """predict with DATA on a --local model exited 1 (an AttributeError on the columns it
    reads); it now forecasts after each series' end in DATA, as from its stored history
    when DATA is the training file."""
    model, stored = _train_predict(tmp_path, panel_csv)
    given = runner.invoke(app, ["predict", "-m", str(model), str(panel_csv), "-f", "csv", "-q"])
    assert given.exit_code == 0, given.output
    assert given.stdout == stored
    shorter = pd.read_csv(panel_csv).groupby("unique_id").head(48)
    shorter.to_csv(tmp_path / "shorter.csv", index=False)
    early = runner.invoke(
        app, ["predict", "-m", str(model), str(tmp_path / "shorter.csv"), "-f", "csv", "-q"]
    )
    assert early.exit_code == 0, early.output
    assert early.stdout.splitlines()[1].startswith("s0,2005-01-01,")  # after the shorter data's end


def test_members_with_different_calendars_save_load_and_predict_as_trained(tmp_path):
    """`--calendar auto` decides per member: a daily series with a weekly cycle gets the
    day of week, a random walk none. Saving stacked scaler arrays of widths 3 and 1 and
    failed with exit 1 after training (no model written). The plan names both calendars;
    each member loads back with its own width and predicts as it did before saving."""
    rng = np.random.default_rng(0)
    days = pd.date_range("2023-01-01", periods=300, freq="D")
    weekly = 100 + 10 * np.sin(2 * np.pi * np.arange(300) / 7) + rng.normal(0, 1, 300)
    walk = 100 + np.cumsum(rng.normal(0, 1, 300))
    data = tmp_path / "daily.csv"
    pd.concat(
        [
            pd.DataFrame({"id": name, "ds": days, "y": y.round(3)})
            for name, y in (("weekly", weekly), ("walk", walk))
        ]
    ).to_csv(data, index=False)
    model = tmp_path / "m.fcst"
    trained = runner.invoke(
        app, ["train", str(data), "--local", "--hidden", "8", "--epochs", "2", "-o", str(model)]
    )
    assert trained.exit_code == 0, trained.output
    varies = next(line for line in trained.output.splitlines() if line.startswith("plan varies by series"))
    assert "calendar" in varies and "dow (1 series)" in varies and "none (1 series)" in varies
    loaded = load_model(model)
    assert (
        loaded.members_["weekly"].plan_.calendar == ("dow",) and loaded.members_["walk"].plan_.calendar == ()
    )
    assert [m.scalers_[0].center.shape for m in (loaded.members_["weekly"], loaded.members_["walk"])] == [
        (3,),
        (1,),
    ]
    first = runner.invoke(app, ["predict", "-m", str(model), "-H", "7", "-f", "csv"])
    again = runner.invoke(app, ["predict", "-m", str(model), "-H", "7", "-f", "csv"])
    assert first.exit_code == 0 and first.stdout == again.stdout
    assert first.stdout.count("\n") == 15  # header and 7 steps of each series


def test_local_backtest_tallies_what_its_series_resolved_differently(tmp_path):
    """Each series' own fits resolve their own transform: a positive series takes the log,
    one that goes below zero none. The backtest's JSON and stderr say so, fit by fit,
    instead of showing one series' plan as the model's."""
    rng = np.random.default_rng(1)
    months = pd.date_range("2001-01", periods=60, freq="MS")
    wave = 10 * np.sin(np.arange(60) * 2 * np.pi / 12)
    data = tmp_path / "signs.csv"
    pd.concat(
        [
            pd.DataFrame({"id": name, "ds": months, "y": (level + wave + rng.normal(0, 1, 60)).round(3)})
            for name, level in (("positive", 100.0), ("crossing", 0.0))
        ]
    ).to_csv(data, index=False)
    out = runner.invoke(app, ["backtest", str(data), "--local", *BACKTEST[:-3], "-f", "json"])
    assert out.exit_code == 0, out.output
    run = json.loads(out.stdout)["config"]["plans"]["lstm"]
    assert run["fits"] == 2  # one per series (--refit auto keeps one fit per series here)
    assert run["varies"]["transform"] in ("log (1 fit), none (1 fit)", "none (1 fit), log (1 fit)")
    assert any(line.startswith("lstm plan varies by fit: transform") for line in out.output.splitlines())


def test_predict_on_newer_rows_says_they_joined_the_members_pool(tmp_path, panel_csv):
    """A --local model's members share one table: the windows since training join it, and
    stderr says so (it said 'its validation errors', as of one network)."""
    rows = pd.read_csv(panel_csv)
    older = tmp_path / "older.csv"
    rows.groupby("unique_id").head(48).to_csv(older, index=False)
    model = tmp_path / "m.fcst"
    trained = runner.invoke(app, ["train", str(older), "--local", *FAST_TRAIN, "-o", str(model)])
    assert trained.exit_code == 0, trained.output
    out = runner.invoke(app, ["predict", "-m", str(model), str(panel_csv), "-f", "csv"])
    assert out.exit_code == 0, out.output
    assert "window(s) after the training data joined the pool of its members' validation errors" in out.stderr
