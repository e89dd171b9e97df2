"""Write the format-3 model-file fixtures (JSON histories and calibration) and their forecasts.

Run once with the code of commit f34537f (the last to write format 3); the files and
``tests/fixtures/format3_expected.json`` are committed so later readers are tested on them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from forecast_cli.config import DataConfig, ForecastConfig, ModelConfig, TrainConfig, WindowConfig
from forecast_cli.forecaster import Forecaster
from forecast_cli.local_models import LocalForecaster
from forecast_cli.modelfile import save_model
from forecast_cli.panel import prepare_panel

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def berlin_panel():
    """Two hourly series in Europe/Berlin with a feature column (NaN in an early row)."""
    rng = np.random.default_rng(3)
    rows = 96
    stamps = pd.date_range("2021-03-26", periods=rows, freq="h", tz="Europe/Berlin")  # spans the DST change
    frames = []
    for i in range(2):
        t = np.arange(rows)
        temp = 10 + 3 * np.sin(2 * np.pi * t / 24) + rng.normal(0, 0.1, rows)
        temp[5] = np.nan
        y = 50 * (i + 1) + 5 * np.sin(2 * np.pi * t / 24 + i) + rng.normal(0, 0.5, rows)
        frames.append(pd.DataFrame({"site": f"b{i}", "ts": stamps.astype(str), "load": y, "temp": temp}))
    cfg = DataConfig(id_col="site", time_col="ts", target="load", features=("temp",), fill="interpolate")
    return prepare_panel(pd.concat(frames), cfg)


def config(local: bool) -> ForecastConfig:
    return ForecastConfig(
        window=WindowConfig(lookback=24, horizon=6),
        model=ModelConfig(hidden=4, local=local),
        train=TrainConfig(epochs=2, batch_size=64),
    )


def main() -> None:
    panel = berlin_panel()
    expected = {}
    for name, model in (
        ("format3_panel.fcst", Forecaster(config(False))),
        ("format3_local.fcst", LocalForecaster(config(True))),
    ):
        model.fit(panel)
        save_model(model, OUT / name)
        forecast = model.predict(levels=(80,))
        flat = forecast.reset_index()
        expected[name] = {
            "ids": flat["site"].tolist(),
            "timestamps": [t.isoformat() for t in flat["timestamp"]],
            # floats as JSON reprs: exact, so the test can ask for bit-identical forecasts
            "columns": {c: flat[c].tolist() for c in forecast.columns},
        }
    (OUT / "format3_expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    print("wrote", *expected, file=sys.stderr)


if __name__ == "__main__":
    main()
