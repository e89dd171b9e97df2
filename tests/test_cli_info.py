"""`forecast info` on panel models: series and length statistics from the metadata alone."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli import model_archive, modelfile
from forecast_cli.cli import app
from forecast_cli.forecaster import Forecaster
from forecast_cli.local_models import LocalForecaster
from forecast_cli.modelfile import save_model

from .conftest import FAST_TRAIN, fast_config
from .test_local_models import _local, _panel

FIXTURES = Path(__file__).resolve().parent / "fixtures"
runner = CliRunner()


def _info(path) -> dict:
    result = runner.invoke(app, ["info", str(path), "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("local", [False, True])
def test_info_summarises_a_panel_without_reading_its_arrays(tmp_path, monkeypatch, local):
    panel = _panel(3, rows=72)
    model = LocalForecaster(_local(lookback=12)) if local else Forecaster(fast_config(lookback=12))
    model.fit(panel)
    if not local:  # a weight other than the default, so info shows the stored one
        model.damped_ = dataclasses.replace(model.damped_, weight=0.0)
    path = save_model(model, tmp_path / "p.fcst")

    def no_arrays(*args, **kwargs):
        raise AssertionError("info read an array")

    monkeypatch.setattr(model_archive, "npy_array", no_arrays)
    info = _info(path)
    assert info["format_version"] == modelfile.FORMAT_VERSION
    # the smoother reads 5 seasons of 12, each local member's too (a global model's drift input 4 lookbacks + 1)
    kept = 5 * 12
    assert info["history_series"] == 3 and info["history_rows"] == 3 * kept
    assert info["history_rows_per_series"] == f"min {kept}, median {kept}, max {kept}"
    assert ("drift_rows" not in info) if local else info["drift_rows"].startswith("48 (")
    assert info["damped_rows"].startswith("60 (a damped trend of each")
    # the smoother's share, which validation chose (0 or 0.5) and the forecasts use; a
    # local model's members each chose their own, and are counted
    if local:
        chosen = [member.damped_.weight for member in model.members_.values()]
        assert info["damped_weight"] == ", ".join(
            f"{w:g} ({chosen.count(w)} series)" for w in sorted(set(chosen), reverse=True)
        )
    else:
        assert info["damped_weight"] == 0.0
    assert info["history_end"] == "2005-12-01T00:00:00"
    assert info["data_rows"] == 3 * 72 and info["data_rows_per_series"] == "min 72, median 72, max 72"
    # typed values beside the shown text ("12 (given)"), which a script cannot read as a number
    assert info["plan"]["lookback"] == 12 and info["plan"]["reasons"]["lookback"] == "given"
    assert info["config"]["window"]["lookback"] == 12 and info["lookback"] == "12 (given)"
    assert info["series_ids"] == list(panel.ids)  # what --ids may name
    assert info["batch_size"] == "64 (given)" and info["plan"]["batch_size"] == 64


@pytest.mark.parametrize("name", ["format3_panel.fcst", "format3_local.fcst"])
def test_info_still_summarises_format_3_json_histories(name):
    info = _info(FIXTURES / name)
    assert info["history_series"] == 2 and info["history_rows_per_series"] == "min 24, median 24, max 24"
    assert info["history_end"] == "2021-03-30T00:00:00+02:00"
    assert "data_rows" not in info  # format 3 did not record the training lengths
    assert "batch_size" not in info  # nor the batch (the config's 128 then)


def test_trains_levels_are_predicts_default_and_info_says_so(tmp_path, sample):
    """`train --level 90 --quantiles 0.05` was recorded and then ignored: predict wrote the
    80/95 bands. And `train --level none` trained no spread head, so bands asked for later
    were narrower or wider than the same model's would have been, and info said nothing."""
    from .conftest import FAST_TRAIN

    air = str(sample / "airpassengers.csv")
    model = tmp_path / "m.fcst"
    args = ["train", air, "-o", str(model), *FAST_TRAIN]
    assert runner.invoke(app, [*args, "--level", "90", "--quantiles", "0.05"]).exit_code == 0
    assert _info(model)["intervals"].startswith("90; quantiles 0.05 (predict's default; calibrated on ")
    assert _info(model)["config"]["intervals"] == {"level": [90], "quantiles": [0.05]}  # numbers, for jq
    as_config = runner.invoke(app, ["info", str(model), "-f", "config"]).stdout
    assert "level = [90]\nquantiles = [0.05]\n" in as_config
    header = runner.invoke(app, ["predict", "-m", str(model), "-H", "1", "-f", "csv"]).stdout.splitlines()[0]
    assert header == "timestamp,passengers,passengers-lo-90,passengers-hi-90,passengers-q0.05"
    given = ["predict", "-m", str(model), "-H", "1", "-f", "csv", "--level", "80", "--quantiles", "none"]
    assert (
        runner.invoke(app, given).stdout.splitlines()[0]
        == "timestamp,passengers,passengers-lo-80,passengers-hi-80"
    )

    banded = runner.invoke(app, [*given[:3], "-H", "3", "--level", "80", "--quantiles", "none"]).stdout
    assert runner.invoke(app, [*args, "--level", "none"]).exit_code == 0
    info = _info(model)
    assert info["intervals"].startswith("none (predict's default") and "spread head" in info["intervals"]
    assert runner.invoke(app, [*given[:3], "-H", "3"]).stdout.count(",") == 4  # header and 3 rows
    again = runner.invoke(app, [*given[:3], "-H", "3", "--level", "80"]).stdout
    assert again.splitlines()[1:] == banded.splitlines()[1:]  # same seed, same net: same bands


def test_a_local_models_intervals_row_says_its_members_pool_their_windows(tmp_path):
    """The members of a --local model share one table of all their errors: info says how
    many windows it ranks and that they are pooled (it showed the first member's own count,
    21, while the short series had 10)."""
    import dataclasses

    import numpy as np

    from forecast_cli.intervals import CalibrationTable

    panel = _panel(2, rows=72)
    short = panel.members[1]
    panel = dataclasses.replace(
        panel, members=[panel.members[0], dataclasses.replace(short, frame=short.frame.iloc[-30:])]
    )
    fitted = LocalForecaster(_local(lookback=12)).fit(panel)
    own = [len(fitted.members_[sid].calibration_errors_) for sid in fitted.ids_]
    pooled = fitted.members_[fitted.ids_[0]].calibration_.windows
    table = CalibrationTable.from_errors(np.vstack([m.calibration_errors_ for m in fitted.members_.values()]))
    assert own[0] != own[1] and pooled == table.windows
    info = _info(save_model(fitted, tmp_path / "l.fcst"))
    assert f"calibrated on {pooled} windows pooled from its 2 members" in info["intervals"]
    # the first member's reason spoke for both: its rows, where the short one read all of its own
    reasons = {m.plan_.reasons["damped_rows"] for m in fitted.members_.values()}
    assert len(reasons) == 2 and any("all the series'" in r for r in reasons)
    assert info["damped_rows"].startswith(
        "60 (a damped trend of each series' last 60 rows or all of a shorter one's, "
    )


def test_info_shows_the_cut_at_zero_and_the_intermittent_hint(tmp_path):
    """info shows what the plan line said at training: counts are cut at 0, and a forecast
    of mostly-zero demand is a median near 0 (the option for the mean named); a log
    target, positive by construction, shows no such line, as on the plan line."""
    import numpy as np
    import pandas as pd

    from forecast_cli.config import DataConfig
    from forecast_cli.series import prepare_series

    days = pd.date_range("2024-01-01", periods=150, freq="D")
    counts = pd.DataFrame({"date": days, "y": np.random.default_rng(1).poisson(0.3, len(days))})
    fitted = Forecaster(fast_config(lookback=14, horizon=7)).fit(prepare_series(counts, DataConfig()))
    info = _info(save_model(fitted, tmp_path / "c.fcst"))
    assert info["nonnegative"].startswith("True (no training value is below zero")
    assert "sits near 0: --loss mse forecasts the mean" in info["nonnegative"]
    positive = counts.assign(y=counts["y"] + 1.0)
    fitted = Forecaster(fast_config(lookback=14, horizon=7)).fit(prepare_series(positive, DataConfig()))
    assert "nonnegative" not in _info(save_model(fitted, tmp_path / "p.fcst"))


def test_a_fit_that_kept_its_starting_weights_shows_no_training_loss(tmp_path):
    """Best epoch 0 (the baseline the network starts as) measured no training loss for
    the weights kept: info showed metric_train_loss nan; it says so in words."""
    from .conftest import rewrite_model

    model = Forecaster(fast_config(lookback=12)).fit(_panel(2, rows=72))
    path = save_model(model, tmp_path / "p.fcst")
    rewrite_model(path, edit_meta=lambda meta: meta["metrics"].update(train_loss=float("nan"), best_epoch=0))
    info = _info(path)
    assert info["metric_train_loss"] == "none (the starting weights were kept, never trained)"
    assert info["metric_best_epoch"] == 0


def test_info_names_how_rows_were_combined(tmp_path):
    """A model trained on daily sales summed into months says so (--agg sum); one trained
    on its own step shows the default. Only ``info -f json`` carried it."""
    days = pd.date_range("2020-01-01", "2022-12-31", freq="D")
    path = tmp_path / "daily.csv"
    pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "sales": np.arange(len(days)) % 9 + 1.0}).to_csv(
        path, index=False
    )
    for agg, said in (["--agg", "sum"], "agg,sum"), ([], "agg,mean (the default)"):
        model = tmp_path / f"m{len(agg)}.fcst"
        trained = runner.invoke(
            app, ["train", str(path), "--freq", "MS", *agg, *FAST_TRAIN, "-o", str(model)]
        )
        assert trained.exit_code == 0, trained.output
        shown = runner.invoke(app, ["info", str(model), "-f", "csv"])
        assert said in shown.stdout.splitlines()
