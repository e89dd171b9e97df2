"""Each series' error level in the typical width of its bands (``error_levels.py``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast_cli.config import DataConfig
from forecast_cli.error_levels import error_level_factors, relative_levels
from forecast_cli.forecaster import Forecaster
from forecast_cli.intervals import series_scale
from forecast_cli.panel import prepare_panel
from forecast_cli.plan import plan_with_split

from .conftest import fast_config


def test_relative_levels_match_hand_computed_factors():
    """Mean error over scale: 12/6/1 = 2, 3/3/1 = 1, 30/10/2 = 1.5; the prior is their median
    1.5, added as 3 pseudo-errors (the horizon): (12 + 4.5) / 9 = 1.8333, (3 + 4.5) / 6 = 1.25,
    (15 + 4.5) / 13 = 1.5; over their median 1.5. A series without errors (no training
    window) and one of no scale (flat) get 1."""
    sums = np.array([12.0, 3.0, 30.0, 0.0, 5.0])
    counts = np.array([6.0, 3.0, 10.0, 0.0, 5.0])
    scales = np.array([1.0, 1.0, 2.0, 2.0, 0.0])
    got = relative_levels(sums, counts, scales, horizon=3)
    np.testing.assert_allclose(got, [1.8333333333 / 1.5, 1.25 / 1.5, 1.0, 1.0, 1.0])


def test_a_level_read_off_one_rare_jump_is_bounded_at_four_times_the_median():
    """Six sticky prices, 14 windows of 7 steps each (98 errors): five saw no change in them
    (mean errors of 1e-4 to 5e-4 scales), one saw its one change (a mean error of 1 scale).
    Unbounded, the factors ran from 0.33 to 2,667; the bound keeps them within [1/4, 4], and
    leaves a factor inside it as it was (the hand-computed test above is inside it)."""
    counts = np.full(6, 98.0)
    ratio = np.array([1e-4, 2e-4, 3e-4, 4e-4, 5e-4, 1.0])
    got = relative_levels(ratio * counts, counts, np.ones(6), horizon=7)
    prior = np.median(ratio)  # 3.5e-4
    shrunk = (ratio * 98 + 7 * prior) / 105
    raw = shrunk / np.median(shrunk)
    assert raw.max() > 1000 and raw.min() < 0.5  # what the bound is for
    np.testing.assert_allclose(got, np.clip(raw, 0.25, 4.0))
    assert got[-1] == 4.0 and got.min() > 0.25  # the jump's series at the bound, the calm ones inside it


def test_no_errors_anywhere_leave_every_factor_at_one():
    got = relative_levels(np.zeros(3), np.zeros(3), np.ones(3), horizon=4)
    np.testing.assert_array_equal(got, np.ones(3))


def _panel_of_noise(noise=(0.0, 0.3, 3.0), n=96, seed=0) -> pd.DataFrame:
    """Monthly series with the same seasonal swing and level, and more noise in each: the
    swing dominates their one-step changes, so their scales are close while the network
    misses the noisy one far more."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    frames = []
    for i, sd in enumerate(noise):
        y = 100 + 20 * np.sin(2 * np.pi * t / 12) + sd * rng.standard_normal(n)
        stamps = pd.date_range("2010-01-01", periods=n, freq="MS")
        frames.append(pd.DataFrame({"id": f"S{i}", "month": stamps, "y": y}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def fitted_noise():
    cfg = fast_config()
    panel = prepare_panel(_panel_of_noise(), DataConfig(id_col="id"))
    return Forecaster(cfg).fit(panel), panel


def test_a_noisier_series_gets_a_wider_band_for_its_scale(fitted_noise):
    """The noisiest series' calibration scale grows past its plain scale, the cleanest
    one's shrinks below it, and the bands at step 1 follow."""
    fitted, panel = fitted_noise
    _, split = plan_with_split(
        fitted.config.validate(), panel.freq, [m.y for m in panel.members], panel.last_stamp, None
    )
    plain = np.array(
        [series_scale(m.y[: int(end)], False) for m, end in zip(panel.members, split.train_ends, strict=True)]
    )
    factors = np.asarray(fitted.cal_scales_) / plain
    assert factors[0] < factors[1] == 1.0 < factors[2]  # S1 is the median
    assert factors[2] > 1.2
    out = fitted.predict(levels=(80,))
    half = (out["y-hi-80"] - out["y-lo-80"]).groupby(level="id").first().to_numpy() / 2  # step 1
    assert half[2] / plain[2] > half[0] / plain[0]


def test_the_error_level_reads_training_windows_only(fitted_noise):
    """Rows after each series' training rows (validation, which the calibration errors come
    from) change nothing: the level and the calibration it normalises stay apart."""
    fitted, panel = fitted_noise
    cfg = fitted.config.validate()
    _, split = plan_with_split(cfg, panel.freq, [m.y for m in panel.members], panel.last_stamp, None)
    raw = _panel_of_noise()
    for i in range(len(panel)):
        rows = raw.index[raw["id"] == f"S{i}"][int(split.train_ends[i]) :]
        raw.loc[rows, "y"] *= 7.0
    changed = prepare_panel(raw, DataConfig(id_col="id"))
    np.testing.assert_array_equal(
        error_level_factors(fitted, panel, split), error_level_factors(fitted, changed, split)
    )


def test_a_single_series_keeps_its_plain_scale(monthly_frame):
    """A series is its own median: its calibration scale is exactly its training rows' scale."""
    from forecast_cli.prediction_histories import as_panel
    from forecast_cli.series import prepare_series

    cfg = fast_config()
    panel = as_panel(prepare_series(monthly_frame, cfg.data))
    fitted = Forecaster(cfg).fit(panel)
    _, split = plan_with_split(cfg.validate(), panel.freq, [panel.members[0].y], panel.last_stamp, None)
    assert fitted.cal_scales_ == [series_scale(panel.members[0].y[: int(split.train_ends[0])], False)]


def test_panel_bands_are_identical_after_the_model_file(tmp_path, fitted_noise):
    from forecast_cli.modelfile import load_model, save_model

    fitted, _ = fitted_noise
    save_model(fitted, tmp_path / "m.fcst")
    again = load_model(tmp_path / "m.fcst")
    assert again.cal_scales_ == fitted.cal_scales_
    pd.testing.assert_frame_equal(fitted.predict(), again.predict())
