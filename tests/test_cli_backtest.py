"""`forecast backtest` on every sample data set: leaderboard, JSON, plot, exit codes."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from forecast_cli.cli import app

from .conftest import FAST_TRAIN

runner = CliRunner()

SAMPLES = [
    ("airpassengers.csv", []),
    ("taylor_halfhourly.csv", []),
    ("msft_daily.csv", ["--target", "Close"]),
    ("seattle_weather.csv", ["--target", "temp_max"]),
]


@pytest.mark.parametrize("name, extra", SAMPLES)
def test_backtest_prints_a_leaderboard_for_each_sample(sample, name, extra):
    result = runner.invoke(
        app, ["backtest", str(sample / name), *extra, "--folds", "2", *FAST_TRAIN, "-f", "table"]
    )
    assert result.exit_code == 0, result.output
    rows = [
        re.split("[│┃]", line) for line in result.stdout.splitlines() if len(re.findall("[│┃]", line)) > 2
    ]
    assert rows[0][1].strip() == "model" and "mase" in [c.strip() for c in rows[0]]  # the header
    assert sorted(r[1].strip() for r in rows[1:]) == ["drift", "lstm", "mean", "naive", "seasonal-naive"]
    padded = [line for line in result.stdout.splitlines() if line != line.rstrip()]
    assert not padded, padded  # Rich pads the title to the table's width; a pipe gets none


def test_json_has_the_documented_keys(sample):
    result = runner.invoke(
        app,
        [
            "backtest",
            str(sample / "airpassengers.csv"),
            "-H",
            "12",
            "-k",
            "2",
            "--models",
            "lstm,gru",
            *FAST_TRAIN,
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) >= {"leaderboard", "config", "per_step"}
    row_keys = {"model", "mae", "rmse", "mape", "smape", "mase", "fit_seconds", "predict_seconds"}
    assert all(row_keys <= set(row) for row in payload["leaderboard"])
    assert {row["model"] for row in payload["leaderboard"]} >= {"lstm", "gru", "seasonal-naive"}
    assert (
        payload["config"]["horizon"] == 12
        and payload["config"]["folds"] == 2
        and payload["config"]["season"] == 12
    )
    assert payload["config"]["levels"] == [80.0, 95.0] and payload["config"]["quantiles"] == []


def test_csv_leaderboard_and_predictions_file(sample, tmp_path):
    preds = tmp_path / "preds.csv"
    result = runner.invoke(
        app,
        [
            "backtest",
            str(sample / "airpassengers.csv"),
            "-k",
            "2",
            *FAST_TRAIN,
            "-f",
            "csv",
            "--predictions-out",
            str(preds),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("model,mae,rmse,mape,smape,mase,skill")
    header = "origin,timestamp,step,model,forecast,actual,lo-80,hi-80,lo-95,hi-95"
    assert preds.read_text().splitlines()[0] == header


def test_plot_is_a_valid_png(sample, tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "bt.png"
    result = runner.invoke(
        app,
        [
            "backtest",
            str(sample / "airpassengers.csv"),
            "-k",
            "2",
            *FAST_TRAIN,
            "--plot",
            str(png),
            "-f",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_too_many_folds_exit_2_and_say_how_many_fit(sample):
    result = runner.invoke(
        app, ["backtest", str(sample / "airpassengers.csv"), "-H", "12", "-k", "20", *FAST_TRAIN]
    )
    assert result.exit_code == 2
    assert "folds fit" in result.stderr and result.stdout == ""


def test_unknown_model_exit_2(sample):
    result = runner.invoke(
        app, ["backtest", str(sample / "airpassengers.csv"), "--models", "prophet", *FAST_TRAIN]
    )
    assert result.exit_code == 2
    assert "valid: lstm, gru, rnn" in result.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--models", "prophet"], "unknown model(s) prophet"),
        (["--refit", "0"], "--refit must be at least 1 fold"),
        (["--refit", "sometimes"], "--refit 'sometimes' is not auto, never, always"),
    ],
)
def test_bad_models_and_refit_are_refused_before_the_data_is_read(sample, args, said):
    """bad input: backtest --models prophet (or --refit 0 / sometimes) -> exit 2 before the data is read (the load line came first)"""
    loud = [a for a in FAST_TRAIN if a != "--quiet"]  # so that a load line would show
    result = runner.invoke(app, ["backtest", str(sample / "airpassengers.csv"), *args, *loud])
    assert result.exit_code == 2 and said in result.stderr
    assert "data:" not in result.stderr  # no load line: refused first


def test_backtest_has_help():
    result = runner.invoke(app, ["backtest", "--help"])
    assert result.exit_code == 0 and "--folds" in result.stdout


def test_predictions_out_takes_its_format_from_its_suffix(tmp_path, sample):
    """--predictions-out p.json wrote CSV under a JSON name, while -o x.json wrote JSON."""
    out = tmp_path / "p.json"
    args = [
        "backtest",
        str(sample / "airpassengers.csv"),
        "--models",
        "naive",
        "--folds",
        "1",
        "-q",
        "-f",
        "csv",
    ]
    result = runner.invoke(app, [*args, "--predictions-out", str(out)])
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text())
    assert rows[0]["origin"] == "1959-12" and rows[0]["timestamp"] == "1960-01"
    assert {row["model"] for row in rows} >= {"naive"} and len(rows) % 12 == 0


def test_default_folds_are_as_many_as_fit_when_five_do_not_and_the_json_says_how_many(sample):
    """Without --folds, a series too short for 5 folds gets as many as it fits, said (a
    warning; a JSON note) and echoed in the JSON config (it was refused with "at most N folds fit", naming
    the N we knew); an explicit --folds that does not fit is still refused."""
    data = str(sample / "airpassengers.csv")
    asked = runner.invoke(app, ["backtest", data, "-H", "24", "-k", "5", *FAST_TRAIN])
    assert asked.exit_code == 2 and "folds fit" in asked.stderr
    fit = int(asked.stderr.split("at most ")[1].split(" folds fit")[0])
    assert 1 <= fit < 5
    result = runner.invoke(app, ["backtest", data, "-H", "24", "-f", "json", *FAST_TRAIN])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["config"]["folds"] == fit
    assert f"{fit} folds: as many as the series fits (the default is 5; set --folds)" in report["notes"]
    first, last = (report["config"][k][:7] for k in ("first_step", "last_step"))  # YYYY-MM
    months = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:]) - int(first[5:])
    assert months == 24 * (fit - 1) and last == "1959-01"  # the folds end where the data does
    assert report["config"]["last_step"] == "1959-01"  # the data's labels, as the predictions write


def test_json_and_stderr_give_each_network_the_plan_its_fits_resolved(sample):
    """The options echo what was asked ("transform": "auto", "patch": null); ``plans`` gives
    what each network ran, with the reasons the backtest resolved its horizon and lookback
    for (each fit is handed them, so its own plan said "given"), and stderr prints it."""
    result = runner.invoke(
        app,
        [
            "backtest",
            str(sample / "airpassengers.csv"),
            "-k",
            "2",
            "--refit",
            "always",
            *FAST_TRAIN[:-1],
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    config = json.loads(result.stdout)["config"]
    assert config["scaling"]["transform"] == "auto" and config["model"]["patch"] is None
    run = config["plans"]["lstm"]
    assert run["fits"] == 2 and run["varies"] == {}
    plan = run["plan"]
    assert (plan["transform"], plan["patch"], plan["horizon"], plan["lookback"]) == ("log", 2, 12, 24)
    assert plan["reasons"]["horizon"] == "one season" and plan["reasons"]["lookback"] == "two seasons of 12"
    assert plan["train_rows"] + plan["val_rows"] == 132  # the last fit: every row before the last origin
    line = next(s for s in result.output.splitlines() if s.startswith("lstm plan"))
    assert line.startswith("lstm plan (last of 2 fits): season 12") and "transform log (auto:" in line
    assert set(config["plans"]) == {"lstm"}  # the baselines have no plan


def test_backtest_says_which_fits_kept_the_baseline_their_network_starts_as(sample):
    """A fit no epoch improved forecasts its highway's baseline exactly (training.py): the
    backtest counts those fits by baseline in JSON and says so on stderr, since the
    network's row of the leaderboard then scores that baseline; a fit that trained is not
    counted."""

    def run(lr: str) -> tuple[dict, str]:
        args = ["backtest", str(sample / "airpassengers.csv"), "-k", "2", "--refit", "always"]
        result = runner.invoke(app, [*args, *FAST_TRAIN[:-1], "--lr", lr, "-f", "json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["config"]["plans"]["lstm"], result.stderr

    still, said = run("1e-12")  # no step moves the validation loss by the 1e-9 training asks
    assert still["fits"] == 2 and still["kept_baseline"] == {still_kind(still): 2}
    assert f"lstm: 2 of 2 fits kept the baseline the network starts as ({still_kind(still)})" in said
    trained, said = run("3e-3")
    assert trained["kept_baseline"] == {} and "kept the baseline" not in said


def still_kind(run: dict) -> str:
    """The one baseline a run's fits kept."""
    (kind,) = run["kept_baseline"]
    return kind


@pytest.mark.parametrize("worse", [False, True])
def test_backtest_says_at_which_fits_the_damped_trend_was_averaged_in(sample, monkeypatch, worse):
    """Each fit of a panel decides on its validation windows whether the smoother joins the
    network (``combine_weight``); the backtest counts the fits each way in JSON and says so,
    since the network's row then scores the average, or the network alone."""
    if worse:  # a smoother far off on validation: every fit leaves it out
        monkeypatch.setattr(
            "forecast_cli.origin_forecasts.damped_at_origins",
            lambda target, origins, *rest: np.full((len(origins), rest[-1]), 1e9),
        )
    args = ["backtest", str(sample / "aus_accommodation.csv"), "--id-col", "State", "--target", "Takings"]
    result = runner.invoke(app, [*args, "-k", "2", "--refit", "always", *FAST_TRAIN[:-1], "-f", "json"])
    assert result.exit_code == 0, result.output
    run = json.loads(result.stdout)["config"]["plans"]["lstm"]
    assert run["fits"] == 2 and run["damped_weight"] == ({"0": 2} if worse else {"0.5": 2})
    said = "lstm: the damped trend was averaged in at " + (
        "0 of 2 fits, left out at 2" if worse else "2 of 2 fits\n"
    )
    assert said in result.stderr


def test_levels_the_calibration_cannot_tell_apart_are_said(sample):
    """`--level 99,99.9` on airline: both bands are the widest error seen at every fold, so
    they are equal, and predict warned of it where backtest said nothing."""
    args = ["backtest", str(sample / "airpassengers.csv"), "--models", "naive,seasonal-naive", "-f", "csv"]
    thin = runner.invoke(app, [*args, "--level", "99,99.9"])
    assert thin.exit_code == 0, thin.output
    assert (
        "the 99.9% band of naive, seasonal-naive, drift, mean equals the 99% band at every forecast"
        in thin.stderr
    )
    usual = runner.invoke(app, [*args, "--level", "80,95"])
    assert usual.exit_code == 0 and "equals the" not in usual.stderr
