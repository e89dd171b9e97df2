"""`forecast train`: every sample data set, stdin, and every bad input's message and exit code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli.cli import app
from forecast_cli.modelfile import read_metadata

from .conftest import FAST_TRAIN

runner = CliRunner()

SAMPLES = [
    ("airpassengers.csv", [], "MS"),
    ("taylor_halfhourly.csv", [], "30min"),
    ("msft_daily.csv", ["--target", "Close"], "XNYS"),
    ("seattle_weather.csv", ["--target", "temp_max"], "D"),
]


@pytest.mark.parametrize("name, extra, freq", SAMPLES)
def test_train_then_predict_on_each_sample(tmp_path, sample, name, extra, freq):
    model = tmp_path / "m.fcst"
    trained = runner.invoke(app, ["train", str(sample / name), *extra, *FAST_TRAIN, "-o", str(model)])
    assert trained.exit_code == 0, trained.output
    assert trained.stdout == ""  # train writes no data
    assert read_metadata(model)["plan"]["freq"] == freq
    predicted = runner.invoke(app, ["predict", "-m", str(model), "--format", "csv"])
    assert predicted.exit_code == 0, predicted.output
    lines = predicted.stdout.strip().splitlines()
    assert lines[0].split(",")[0] == "timestamp"
    assert len(lines) == 1 + read_metadata(model)["plan"]["horizon"]


def test_train_reports_what_loading_did_on_stderr(tmp_path, sample):
    result = runner.invoke(
        app,
        [
            "train",
            str(sample / "airpassengers.csv"),
            "--hidden",
            "8",
            "--epochs",
            "2",
            "-o",
            str(tmp_path / "m.fcst"),
        ],
    )
    assert result.exit_code == 0
    assert "data: 144 rows read -> 144 rows" in result.stderr
    assert "freq MS (inferred)" in result.stderr
    assert "trained lstm" in result.stderr and "seasonal naive" in result.stderr


def test_train_reads_stdin(tmp_path, sample):
    text = (sample / "airpassengers.csv").read_text()
    result = runner.invoke(app, ["train", "-", *FAST_TRAIN, "-o", str(tmp_path / "m.fcst")], input=text)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m.fcst").exists()


def _csv(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


BAD_INPUTS = [
    ("missing file", lambda p: ["train", str(p / "nope.csv")], "no such file"),
    ("empty file", lambda p: ["train", _csv(p, "")], "is empty"),
    ("header only", lambda p: ["train", _csv(p, "date,value\n")], "no data rows"),
    (
        "non-numeric target",
        lambda p: ["train", _csv(p, "date,value\n2024-01-01,1\n2024-01-02,x\n"), "--target", "value"],
        "non-numeric value ('x' on data row 2)",
    ),
    (
        "missing column",
        lambda p: ["train", _csv(p, "date,value\n2024-01-01,1\n"), "--target", "sales"],
        "is not a column",
    ),
    (
        "short series",
        lambda p: [
            "train",
            _csv(p, "date,value\n" + "".join(f"2024-01-{d:02d},{d}\n" for d in range(1, 21))),
            "--lookback",
            "14",
        ],
        "give --lookback 7 (one season: 4 training windows)",
    ),
    (
        "constant target",
        lambda p: ["train", _csv(p, "date,value\n" + "".join(f"2024-01-{d:02d},3\n" for d in range(1, 21)))],
        "constant",
    ),
    (
        "bad freq",
        lambda p: ["train", _csv(p, "date,value\n2024-01-01,1\n2024-01-02,2\n"), "--freq", "fortnight"],
        "neither a pandas offset alias nor an exchange calendar code",
    ),
    ("no data", lambda p: ["train"], "give a CSV file"),
]


@pytest.mark.parametrize("label, args, message", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_gets_one_line_and_exit_code_2(tmp_path, label, args, message):
    model = tmp_path / "m.fcst"
    result = runner.invoke(app, [*args(tmp_path), "-o", str(model)])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and message in errors[0]
    assert result.stderr.splitlines()[-1] == errors[0]
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert not model.exists()


def test_empty_stdin_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["train", "-", "-o", str(tmp_path / "m.fcst")], input="")
    assert result.exit_code == 2
    assert "stdin is empty" in result.stderr


def test_debug_shows_the_traceback_and_keeps_the_documented_exit_code(tmp_path):
    """A bad input under --debug is still its own exit code (2 here), not 1, which says "a
    bug": the traceback is printed above the one error line."""
    result = runner.invoke(app, ["train", str(tmp_path / "nope.csv"), "--debug"])
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("error: ") and "no such file" in result.stderr


def test_debug_lets_a_bug_raise_with_its_traceback():
    """Under --debug an unexpected error (exit 1's kind) is re-raised whole; without it, one line."""
    import pytest
    import typer

    from forecast_cli.cli.guard import guarded

    with pytest.raises(RuntimeError, match="boom"), guarded(quiet=True, debug=True):
        raise RuntimeError("boom")
    with pytest.raises(typer.Exit) as done, guarded(quiet=True, debug=False):
        raise RuntimeError("boom")
    assert done.value.exit_code == 1


def test_unknown_cell_is_a_usage_error_listing_the_choices(tmp_path):
    args = ["train", _csv(tmp_path, "date,value\n2024-01-01,1\n2024-01-02,2\n"), "--cell", "tcn"]
    result = runner.invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == 2 and "'tcn' is not one of 'lstm', 'gru', 'rnn'" in result.stderr
    assert result.stdout == ""


def test_the_summary_says_when_no_epoch_beat_the_baseline_the_network_starts_as(sample):
    """A fit that kept its initial weights forecasts its highway's baseline exactly
    (training.py); the training line says so instead of a bare 'best epoch 0'."""
    from forecast_cli.cli.fitting import training_summary
    from forecast_cli.config import DataConfig
    from forecast_cli.forecaster import Forecaster
    from forecast_cli.series import load_series

    from .conftest import fast_config

    fitted = Forecaster(fast_config()).fit(load_series(sample / "airpassengers.csv", DataConfig()))
    assert "none beat" not in training_summary(fitted, "lstm")
    fitted.metrics_.update(best_epoch=0, kept_baseline=True)  # what training reports then
    kind = fitted.network_args_.highway_init
    assert (
        f"best epoch 0 of {fitted.metrics_['epochs_run']} (none beat the {kind} baseline"
        in training_summary(fitted, "lstm")
    )


def test_a_network_worse_than_the_better_baseline_on_validation_is_warned_about():
    from forecast_cli.cli.fitting import validation_warning

    metrics = {"val_mae": 31.5, "val_naive_mae": 40.0, "val_seasonal_naive_mae": 3.75}
    assert validation_warning(metrics).startswith(
        "the network's validation MAE (31.5) is above seasonal naive's (3.75)"
    )
    assert validation_warning({**metrics, "val_mae": 3.9}) is None  # within 5%: noise, not a verdict
    assert validation_warning({"train_windows": 3}) is None  # no validation windows: nothing to say


def _forecast(model: str) -> str:
    result = runner.invoke(app, ["predict", "-m", model, "-f", "csv", "--level", "80"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_series_too_short_for_the_default_lookback_trains_at_the_lookback_that_fits(tmp_path):
    """Three years of weekly sales (a common retail history) cannot hold two seasons of
    lookback, a season of horizon and validation rows. The default lookback is cut to the
    one the error names (one season), the plan says why, and the model is the one
    ``--lookback 52`` trains; the same lookback given is still refused, naming the fix (it
    failed by default while 20 weeks, too few to see the season twice, trained)."""
    weeks = pd.date_range("2022-01-02", periods=156, freq="W-SUN")
    y = 100 + 20 * np.sin(2 * np.pi * np.arange(156) / 52) + np.random.default_rng(1).normal(0, 3, 156)
    path = tmp_path / "weekly.csv"
    pd.DataFrame({"week": weeks, "sales": y}).to_csv(path, index=False)
    auto, given = str(tmp_path / "auto.fcst"), str(tmp_path / "given.fcst")
    trained = runner.invoke(app, ["train", str(path), "-o", auto, *FAST_TRAIN[:-1]])
    assert trained.exit_code == 0, trained.output
    assert (
        "lookback 52 (two seasons of 52, cut to 52 (one season): the series holds 30 training "
        "windows of 52 rows, none of 104)" in trained.stderr
    )
    same = runner.invoke(app, ["train", str(path), "-o", given, "--lookback", "52", *FAST_TRAIN])
    assert same.exit_code == 0, same.output
    assert _forecast(auto) == _forecast(given)
    refused = runner.invoke(app, ["train", str(path), "-o", given, "--lookback", "104", *FAST_TRAIN])
    assert refused.exit_code == 2
    assert "give --lookback 52 (one season: 30 training windows)" in refused.stderr


def test_a_panel_of_series_too_short_for_the_lookback_trains_at_the_lookback_that_fits(tmp_path):
    """bad input: a panel of quarterly series of ten rows each with --lookback 8 given -> exit 2 naming the lookback that fits its longest series (it said 'lower --lookback or --horizon'); at the default lookback (8) the plan cuts it to that one, as one series' is, and trains"""
    quarters = pd.date_range("1989-07-01", periods=10, freq="QS")
    rng = np.random.default_rng(3)
    rows = [
        (f"s{i}", q.date(), 50 + i + v)
        for i in range(5)
        for q, v in zip(quarters, rng.normal(0, 2, 10), strict=True)
    ]
    path = tmp_path / "q10.csv"
    pd.DataFrame(rows, columns=["series", "quarter", "value"]).to_csv(path, index=False)
    out = str(tmp_path / "q.fcst")
    trained = runner.invoke(app, ["train", str(path), "-o", out, *FAST_TRAIN[:-1]])
    assert trained.exit_code == 0, trained.output
    assert (
        "cut to 4 (one season): the longest series holds 1 training window of 4 rows, none of 8"
        in trained.stderr
    )
    refused = runner.invoke(app, ["train", str(path), "-o", out, "--lookback", "8", *FAST_TRAIN])
    assert refused.exit_code == 2
    assert (
        "longest has 10); give --lookback 4 (one season: 1 training window), or a longer series"
        in refused.stderr
    )


@pytest.mark.parametrize(
    ("rows", "lookback", "horizon", "season", "hint"),
    [
        (133, 104, 52, 52, "give --lookback 52 (one season: 30 training windows)"),
        (18, 24, 12, 12, "give --lookback 3 (4 training windows)"),  # no room for a season
        (20, 16, 8, 1, "give --lookback 6 (7 training windows)"),  # no season: half the room
        (5, 8, 4, 1, "give --horizon 3 or less"),
        (1, 1, 1, 1, "too few for any window: give a longer series"),  # not the --horizon 1 given
        (2, 8, 1, 1, "give --lookback 1 (one training window)"),
    ],
)
def test_the_shorter_window_hint_names_numbers_that_fit(rows, lookback, horizon, season, hint):
    from forecast_cli.windows import shorter_windows

    assert shorter_windows(rows, lookback, horizon, season).startswith(hint)


@pytest.mark.parametrize("worse", [False, True])
def test_train_says_whether_the_damped_trend_was_averaged_in(tmp_path, sample, monkeypatch, worse):
    """A panel's fit decides on its validation windows (``combine_weight``); the training
    line says which, and ``info`` shows the weight the forecasts use."""
    if worse:  # a smoother far off on validation is left out
        monkeypatch.setattr(
            "forecast_cli.origin_forecasts.damped_at_origins",
            lambda target, origins, *rest: np.full((len(origins), rest[-1]), 1e9),
        )
    model = tmp_path / "m.fcst"
    args = ["train", str(sample / "aus_accommodation.csv"), "--id-col", "State", "--target", "Takings"]
    result = runner.invoke(app, [*args, *FAST_TRAIN[:-1], "-o", str(model)])
    assert result.exit_code == 0, result.output
    said = "left out (the network alone scored lower on validation)" if worse else "damped trend averaged in"
    assert said in result.stderr
    assert read_metadata(model)["damped_weight"] == (0.0 if worse else 0.5)
