"""One runner per system, each forecasting the same last K windows of H steps of one series.

Every runner returns forecasts of shape (folds, horizon) plus fit and predict seconds.
Peers see the series by position (an integer index), so trading-day calendars cannot make
their folds differ from ours. Imports of peer libraries happen inside their runners: the
harness runs each in a fresh process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast_cli.config import DataConfig
from forecast_cli.io import read_csv
from forecast_cli.series import prepare_series

SAMPLE = "sample_data"


@dataclass(frozen=True)
class Dataset:
    file: str
    target: str
    horizon: int
    folds: int
    lookback: int
    season: int


DATASETS = {
    "electricity": Dataset("taylor_halfhourly.csv", "demand_mw", 48, 10, 96, 48),
    "passengers": Dataset("airpassengers.csv", "passengers", 12, 3, 24, 12),
    "msft": Dataset("msft_daily.csv", "Close", 5, 10, 10, 5),
    "weather": Dataset("seattle_weather.csv", "temp_max", 7, 10, 14, 7),
}

# "matched": identical architecture and budget in every system, to compare engineering.
MATCHED = {"hidden": 64, "layers": 2, "batch": 32, "epochs": 10}


def load(name: str):
    spec = DATASETS[name]
    series = prepare_series(read_csv(f"{SAMPLE}/{spec.file}"), DataConfig(target=spec.target))
    y = series.y
    first_origin = len(y) - spec.horizon * spec.folds
    return spec, series, y, first_origin


def n_train_windows(first_origin: int, spec: Dataset) -> int:
    return first_origin - spec.lookback - spec.horizon + 1


def run_ours(name: str, setting: str, kind: str) -> dict:
    from forecast_cli.backtest import run_backtest
    from forecast_cli.config import ForecastConfig, ModelConfig, TrainConfig, WindowConfig
    from forecast_cli.run_config import BacktestConfig as BacktestSpec

    spec, series, _, _ = load(name)
    if setting == "matched":
        cfg = ForecastConfig(
            window=WindowConfig(lookback=spec.lookback, horizon=spec.horizon),
            model=ModelConfig(cell=kind, hidden=MATCHED["hidden"], layers=MATCHED["layers"]),
            train=TrainConfig(
                epochs=MATCHED["epochs"], patience=MATCHED["epochs"] + 1, batch_size=MATCHED["batch"]
            ),
        )
    else:
        cfg = ForecastConfig(window=WindowConfig(horizon=spec.horizon), model=ModelConfig(cell=kind))
    # one fit before the first origin, as the peers' cross-validation with refit=False
    one_fit = BacktestSpec(folds=spec.folds, models=(kind,), baselines=False, refit="never")
    result = run_backtest(series, cfg, one_fit)
    fc = result.forecasts
    forecasts = fc.pivot_table(index="origin", columns="step", values="forecast").to_numpy()
    row = result.leaderboard.loc[kind]
    return {
        "forecasts": forecasts,
        "fit_seconds": float(row["fit_seconds"]),
        "predict_seconds": float(row["predict_seconds"]),
    }


def run_darts(name: str, setting: str, kind: str) -> dict:
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    from darts import TimeSeries
    from darts.dataprocessing.transformers import Scaler
    from darts.models import BlockRNNModel

    spec, _, y, first_origin = load(name)
    series = TimeSeries.from_values(y.astype(np.float32))
    train = series[:first_origin]
    scaler = Scaler()  # fit on the training part only
    scaler.fit(train)
    trainer = {
        "enable_progress_bar": False,
        "enable_model_summary": False,
        "logger": False,
        "enable_checkpointing": False,
    }
    if setting == "matched":
        model = BlockRNNModel(
            input_chunk_length=spec.lookback,
            output_chunk_length=spec.horizon,
            model=kind.upper(),
            hidden_dim=MATCHED["hidden"],
            n_rnn_layers=MATCHED["layers"],
            batch_size=MATCHED["batch"],
            n_epochs=MATCHED["epochs"],
            random_state=0,
            pl_trainer_kwargs=trainer,
        )
    else:  # what a new user writes: lengths and cell type, everything else default
        model = BlockRNNModel(
            input_chunk_length=2 * spec.season,
            output_chunk_length=spec.horizon,
            model=kind.upper(),
            random_state=0,
            pl_trainer_kwargs=trainer,
        )
    t0 = time.perf_counter()
    model.fit(scaler.transform(train), verbose=False)
    t1 = time.perf_counter()
    preds = model.historical_forecasts(
        scaler.transform(series),
        start=first_origin,
        forecast_horizon=spec.horizon,
        stride=spec.horizon,
        retrain=False,
        last_points_only=False,
        verbose=False,
    )
    t2 = time.perf_counter()
    forecasts = np.stack([scaler.inverse_transform(p).values()[:, 0] for p in preds])
    return {"forecasts": forecasts, "fit_seconds": t1 - t0, "predict_seconds": t2 - t1}


def run_neuralforecast(name: str, setting: str, kind: str) -> dict:
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    from neuralforecast import NeuralForecast
    from neuralforecast.models import GRU, LSTM

    spec, _, y, first_origin = load(name)
    df = pd.DataFrame({"unique_id": "s", "ds": np.arange(len(y)), "y": y})
    cls = {"lstm": LSTM, "gru": GRU}[kind]
    trainer = {
        "enable_progress_bar": False,
        "enable_model_summary": False,
        "logger": False,
        "enable_checkpointing": False,
    }
    if setting == "matched":
        steps = MATCHED["epochs"] * int(np.ceil(n_train_windows(first_origin, spec) / MATCHED["batch"]))
        model = cls(
            h=spec.horizon,
            input_size=spec.lookback,
            encoder_hidden_size=MATCHED["hidden"],
            encoder_n_layers=MATCHED["layers"],
            decoder_hidden_size=MATCHED["hidden"],
            decoder_layers=1,
            windows_batch_size=MATCHED["batch"],
            max_steps=steps,
            random_seed=0,
            **trainer,
        )
    else:
        model = cls(h=spec.horizon, input_size=2 * spec.season, random_seed=0, **trainer)
    nf = NeuralForecast(models=[model], freq=1)
    t0 = time.perf_counter()
    cv = nf.cross_validation(df, n_windows=spec.folds, step_size=spec.horizon, refit=False)
    total = time.perf_counter() - t0
    column = [c for c in cv.columns if c.startswith(cls.__name__)][0]
    forecasts = cv.sort_values(["cutoff", "ds"])[column].to_numpy().reshape(spec.folds, spec.horizon)
    return {
        "forecasts": forecasts,
        "fit_seconds": total,
        "predict_seconds": 0.0,
        "note": "cross_validation fits and predicts in one call",
    }


def run_statsforecast(name: str, setting: str, kind: str) -> dict:
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, SeasonalNaive

    spec, _, y, _ = load(name)
    df = pd.DataFrame({"unique_id": "s", "ds": np.arange(len(y)), "y": y})
    model = {
        "seasonal-naive": SeasonalNaive(season_length=spec.season),
        "autoets": AutoETS(season_length=spec.season),
    }[kind]
    sf = StatsForecast(models=[model], freq=1, n_jobs=1)
    t0 = time.perf_counter()
    cv = sf.cross_validation(df=df, h=spec.horizon, n_windows=spec.folds, step_size=spec.horizon)
    total = time.perf_counter() - t0
    column = [c for c in cv.columns if c not in ("unique_id", "ds", "cutoff", "y")][0]
    forecasts = cv.sort_values(["cutoff", "ds"])[column].to_numpy().reshape(spec.folds, spec.horizon)
    return {"forecasts": forecasts, "fit_seconds": total, "predict_seconds": 0.0}


RUNNERS = {
    "forecast": run_ours,
    "darts": run_darts,
    "neuralforecast": run_neuralforecast,
    "statsforecast": run_statsforecast,
}
