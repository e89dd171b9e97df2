"""A network's bands on sub-daily data: each hour's share of its validation errors, pooled
over its series (``phase_shares``), stored in the model file and read at every forecast."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli.cli import app
from forecast_cli.config import DataConfig
from forecast_cli.errors import ModelFileError
from forecast_cli.forecaster import Forecaster
from forecast_cli.modelfile import load_model, save_model
from forecast_cli.panel import prepare_panel

from .conftest import fast_config, rewrite_model
from .test_baseline_phases import solar


def solar_sites(sites: int = 3, days: int = 70) -> pd.DataFrame:
    return pd.concat(
        [
            solar(days, seed).assign(site=f"s{seed}", y=lambda f, k=seed: f["y"] * (1 + k / 2))
            for seed in range(sites)
        ]
    )


@pytest.fixture(scope="module")
def fitted() -> Forecaster:
    cfg = fast_config(lookback=48, horizon=24)
    cfg.data = DataConfig(id_col="site")
    return Forecaster(cfg).fit(prepare_panel(solar_sites(), cfg.data))


def test_a_solar_panel_shares_its_errors_by_hour_and_bands_its_nights_narrow(fitted):
    """Three sites' 31 pooled validation days: the night hours' shares are a fifth of the
    mean and noon's over twice it, so a forecast's widest night band is under a tenth of its
    narrowest noon band (without shares: 24 against 34)."""
    shares = fitted.phase_shares_
    assert shares is not None and len(shares) == 24
    assert shares[[0, 1, 2, 22, 23]].max() < 0.3 and shares[[10, 11, 12, 13]].min() > 2.0
    out = fitted.predict(horizon=24)
    width = out["y-hi-80"] - out["y-lo-80"]
    hours = out.index.get_level_values(1).hour
    assert width[(hours <= 2) | (hours >= 22)].max() < 0.1 * width[(hours >= 10) & (hours <= 13)].min()


def test_the_model_file_keeps_the_shares_and_the_bands(fitted, tmp_path):
    path = tmp_path / "solar.fcst"
    save_model(fitted, path)
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.phase_shares_, fitted.phase_shares_)
    pd.testing.assert_frame_equal(loaded.predict(horizon=24), fitted.predict(horizon=24))
    shown = CliRunner().invoke(app, ["info", str(path), "-f", "csv"]).stdout
    assert "scaled by the time of day (24 shares)" in shown


def test_damaged_phase_shares_are_a_damaged_model_file(fitted, tmp_path):
    path = tmp_path / "solar.fcst"
    save_model(fitted, path)
    rewrite_model(path, edit_meta=lambda meta: meta.update(phase_shares=[1.0, float("nan")]))
    with pytest.raises(ModelFileError):
        load_model(path)


@pytest.mark.parametrize(("sites", "days", "freq"), [(1, 70, "h"), (3, 70, "D")])
def test_few_validation_days_or_daily_data_get_no_shares(sites, days, freq):
    """One site's 10 validation days are too few to read 24 shares from (``NETWORK_DAYS``,
    14); daily data has no hours to share by."""
    raw = solar_sites(sites, days)
    if freq == "D":
        raw = raw.assign(
            ds=lambda f: (
                f.groupby("site").cumcount().map(lambda k: pd.Timestamp("2000-01-01") + pd.Timedelta(days=k))
            )
        )
    cfg = fast_config(lookback=48, horizon=24)
    cfg.data = DataConfig(id_col="site")
    assert Forecaster(cfg).fit(prepare_panel(raw, cfg.data)).phase_shares_ is None


def test_the_backtest_and_predict_on_newer_rows_band_by_hour_too():
    """The backtest's network rows (``network_bands``) and predict given rows after the
    training data (``recalibration``) read each step's phase from its stamp as the fit did:
    narrow nights beside wide noons in both."""
    from forecast_cli.backtest import run_backtest
    from forecast_cli.run_config import BacktestConfig

    cfg = fast_config(lookback=48, horizon=24)
    cfg.data = DataConfig(id_col="site")
    raw = solar_sites(days=80)
    result = run_backtest(
        prepare_panel(raw, cfg.data), cfg, BacktestConfig(folds=3, origin_stride=24, models=("lstm",))
    )
    rows = result.forecasts.query("model == 'lstm'")
    hours = pd.to_datetime(rows["timestamp"]).dt.hour
    width = rows["hi-80"] - rows["lo-80"]
    assert width[(hours <= 2) | (hours >= 22)].max() < 0.1 * width[hours.between(10, 13)].min()
    cut = raw[raw["ds"] < raw["ds"].max() - pd.Timedelta(days=5)]
    model = Forecaster(cfg).fit(prepare_panel(cut, cfg.data))
    out = model.predict(prepare_panel(raw, cfg.data), horizon=24)
    assert out.attrs["recalibrated_windows"] > 0
    hours = out.index.get_level_values(1).hour
    width = out["y-hi-80"] - out["y-lo-80"]
    assert width[(hours <= 2) | (hours >= 22)].max() < 0.1 * width[(hours >= 10) & (hours <= 13)].min()
