"""Transforms invert exactly; scalers learn only from the rows they are given."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from forecast_cli.errors import DataError
from forecast_cli.scaling import Scaler, Transform

positive = arrays(np.float64, st.integers(3, 40), elements=st.floats(0.01, 1e6))


@settings(max_examples=50, deadline=None)
@given(y=positive, name=st.sampled_from(["none", "log", "diff", "logdiff"]), cut=st.integers(1, 2))
@example(y=np.array([0.015625, 0.015625, 3.3, 999999.7, 0.015625]), name="diff", cut=2)
def test_transforms_invert_exactly(y, name, cut):
    transform = Transform(name)
    z = transform.forward(y)
    origin = len(y) - cut  # forecast the last `cut` values from the one before them
    restored = transform.inverse(z[None, origin:], np.array([y[origin - 1]]))[0]
    # differences round at the scale of the largest value: 0.015625 after 999999.7 comes
    # back 5e-11 off (a relative 3e-9), so the tolerance adds a few ulps of the largest value
    np.testing.assert_allclose(
        restored, y[origin:], rtol=1e-9, atol=8 * np.finfo(float).eps * np.abs(y).max()
    )


def test_log_refuses_non_positive_values():
    with pytest.raises(DataError, match="strictly positive"):
        Transform("log").forward(np.array([1.0, 0.0, 2.0]))


@pytest.mark.parametrize(
    "kind, center, scale",
    [
        ("standard", lambda x: x.mean(0), lambda x: x.std(0)),
        ("minmax", lambda x: x.min(0), lambda x: x.max(0) - x.min(0)),
        ("robust", lambda x: np.median(x, 0), lambda x: np.percentile(x, 75, 0) - np.percentile(x, 25, 0)),
    ],
)
def test_scalers_learn_the_documented_statistics(kind, center, scale):
    x = np.random.default_rng(1).normal(5, 3, size=(200, 2))
    scaler = Scaler(kind).fit(x)
    np.testing.assert_allclose(scaler.center, center(x))
    np.testing.assert_allclose(scaler.scale, scale(x))
    np.testing.assert_allclose(scaler.inverse_target(scaler.transform(x)[:, 0]), x[:, 0])


def test_robust_scaler_barely_moves_with_an_outlier():
    x = np.random.default_rng(2).normal(0, 1, size=(500, 1))
    spiked = x.copy()
    spiked[10] = 1e6
    assert Scaler("robust").fit(spiked).scale[0] == pytest.approx(Scaler("robust").fit(x).scale[0], rel=0.01)
    assert Scaler("standard").fit(spiked).scale[0] > 1000


def test_scaler_round_trips_through_json():
    scaler = Scaler("standard").fit(np.array([[1.0, 10.0], [3.0, 30.0]]))
    clone = Scaler.from_dict(scaler.to_dict())
    np.testing.assert_array_equal(clone.center, scaler.center)
    np.testing.assert_array_equal(clone.scale, scaler.scale)


def test_scaler_none_passes_values_through():
    x = np.array([[1.0, -2.0], [3.0, 5.0]])
    scaler = Scaler("none").fit(x)
    np.testing.assert_array_equal(scaler.transform(x), x)
    np.testing.assert_array_equal(scaler.inverse_target(x[:, 0]), x[:, 0])


@pytest.mark.parametrize("size", [1e-12, 1e-200, 1e9])
def test_forecasts_and_bands_do_not_depend_on_the_units(size):
    """A series of 1e-12s that crosses zero is forecast as the same series in units: an
    absolute 1e-12 floor took it for constant, so it went into the network unscaled (forecasts
    1e10 times too large), its band had no width and predict called it flat."""
    import pandas as pd

    from forecast_cli.config import DataConfig, ForecastConfig, ModelConfig, TrainConfig, WindowConfig
    from forecast_cli.forecaster import Forecaster
    from forecast_cli.series import prepare_series

    t = np.arange(160)
    y = np.sin(2 * np.pi * t / 7) + np.random.default_rng(2).normal(0, 0.3, len(t))  # crosses zero
    days = pd.date_range("2020-01-01", periods=len(t), freq="D")
    config = ForecastConfig(
        data=DataConfig(target="y", calendar=("none",)),
        window=WindowConfig(lookback=14, horizon=3),
        model=ModelConfig(hidden=8),
        train=TrainConfig(epochs=3, batch_size=64, seed=0),
    )
    out = []
    for unit in (1.0, size):
        series = prepare_series(pd.DataFrame({"date": days, "y": unit * y}), config.data)
        forecast = Forecaster(config).fit(series).predict(levels=[80])
        out.append(forecast.to_numpy() / unit)
    np.testing.assert_allclose(out[1], out[0], rtol=1e-6)
    assert (out[1][:, 2] - out[1][:, 1] > 0.1).all()  # bands with width (lo, hi after the point)
