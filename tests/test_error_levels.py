"""Each series' error level in the typical width of its bands (``error_levels.py``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast_cli.config import DataConfig
from forecast_cli.error_levels import error_level_factors
from forecast_cli.forecaster import Forecaster
from forecast_cli.intervals import series_scale
from forecast_cli.level_basis import carried_share, relative_levels
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


def test_the_share_carried_is_the_slope_in_logs_about_the_medians():
    """Ten levels from e^-1 to e^1, then their square roots: half of each carried (slope
    0.5). Shifting every later level by one factor changes nothing (about the medians); a
    reversed order carries nothing (a negative slope is 0), a steeper one at most all (1);
    fewer than ten series with both levels give 0, and so does no spread."""
    earlier = np.exp(np.linspace(-1.0, 1.0, 10))
    half = np.sqrt(earlier)
    assert carried_share(earlier, half) == pytest.approx(0.5)
    assert carried_share(earlier, 3 * half) == pytest.approx(0.5)
    assert carried_share(earlier, half[::-1]) == 0.0
    assert carried_share(earlier, earlier**2) == 1.0
    assert carried_share(np.append(earlier, np.nan), np.append(half, 9.0)) == pytest.approx(0.5)
    assert carried_share(earlier[:9], half[:9]) == 0.0
    assert carried_share(np.ones(10), earlier) == 0.0


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
        error_level_factors(fitted, panel, split).factors, error_level_factors(fitted, changed, split).factors
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


def test_panel_bands_are_identical_after_the_model_file(tmp_path, fitted_network_alone):
    from forecast_cli.modelfile import load_model, save_model

    fitted, _ = fitted_network_alone
    save_model(fitted, tmp_path / "m.fcst")
    again = load_model(tmp_path / "m.fcst")
    assert again.cal_scales_ == fitted.cal_scales_
    assert again.level_basis_ == fitted.level_basis_ is not None and fitted.level_basis_.carry > 0
    pd.testing.assert_frame_equal(fitted.predict(), again.predict())
    # a series the model never saw is sized by its own errors against the stored basis
    history = _as_history(_panel_of_noise(noise=NOISES), {"NEW": ("S10", 90)})
    pd.testing.assert_frame_equal(fitted.predict(history), again.predict(history))
    from typer.testing import CliRunner

    from forecast_cli.cli import app

    shown = CliRunner().invoke(app, ["info", str(tmp_path / "m.fcst")])
    carried = f"a series it never saw sized by its own errors ({fitted.level_basis_.carry:.2f} of its level carried)"
    assert carried in " ".join(shown.stdout.split())


def _as_history(raw: pd.DataFrame, rows: dict[str, tuple[str, int]]) -> object:
    """A panel of the series ``rows`` names: new name -> (series of ``raw``, its first n rows)."""
    parts = []
    for new, (old, n) in rows.items():
        part = raw[raw["id"] == old].iloc[:n].copy()
        part["id"] = new
        parts.append(part)
    return prepare_panel(pd.concat(parts, ignore_index=True), DataConfig(id_col="id"))


NOISES = tuple(
    np.geomspace(0.05, 3.0, 11)
)  # eleven series: ten trained beside a newcomer give a share carried


@pytest.fixture(scope="module")
def fitted_network_alone():
    """Eleven series of ``_panel_of_noise``, the network alone: an unseen series takes the
    damped trend's median parameters, so only without it are its forecasts its trained self's."""
    import dataclasses

    cfg = fast_config()
    cfg = dataclasses.replace(cfg, model=dataclasses.replace(cfg.model, combine="none"))
    panel = prepare_panel(_panel_of_noise(noise=NOISES), DataConfig(id_col="id"))
    return Forecaster(cfg).fit(panel), panel


def test_an_unseen_series_is_sized_by_its_own_errors_as_its_trained_self_is(fitted_network_alone):
    """The noisiest series given again under a new name, with exactly its training rows:
    its last windows are the ones its trained self's level was read from, so its level is
    the trained self's raised to the share the fit saw carried (``carried_share``). Its
    forecasts are its trained self's to the last digit, its band wider than the panel's
    median level gave it before (and still gives with a model file that lacks the basis)."""
    from forecast_cli.error_levels import unseen_factors
    from forecast_cli.prediction import _own_scaler

    fitted, panel = fitted_network_alone
    basis = fitted.level_basis_
    assert basis is not None and 0 < basis.carry <= 1
    last = len(NOISES) - 1
    name = f"S{last}"
    _, split = plan_with_split(
        fitted.config.validate(), panel.freq, [m.y for m in panel.members], panel.last_stamp, None
    )
    end = int(split.train_ends[last])
    rows = fitted._inputs(panel.members[last].frame.iloc[:end])
    plain = series_scale(panel.members[last].y[:end], False)
    trained = fitted.cal_scales_[last] / plain
    assert trained > 1.2
    got = unseen_factors(
        fitted, [rows], [_own_scaler(fitted, rows)], fitted.train_statics()[[last]], np.array([plain])
    )
    np.testing.assert_allclose(got, [trained**basis.carry], rtol=1e-12)
    history = _as_history(_panel_of_noise(noise=NOISES), {name: (name, end), "NEW": (name, end)})
    out = fitted.predict(history, levels=(80,))
    np.testing.assert_allclose(out.loc["NEW", "y"].to_numpy(), out.loc[name, "y"].to_numpy(), rtol=1e-12)
    fitted.level_basis_ = None
    try:
        median = fitted.predict(history, levels=(80,))
    finally:
        fitted.level_basis_ = basis
    width = lambda frame: (frame.loc["NEW", "y-hi-80"] - frame.loc["NEW", "y-lo-80"]).to_numpy()  # noqa: E731
    assert (width(out) > width(median)).all()


def test_an_unseen_series_too_short_for_a_whole_window_stays_at_the_median(fitted_network_alone):
    """A history of the network's context plus less than a horizon holds no whole window
    to measure: its level is the panel's median, as before; one row more holds one."""
    fitted, _ = fitted_network_alone

    def both(n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        history = _as_history(_panel_of_noise(noise=NOISES), {"NEW": ("S10", n)})
        got = fitted.predict(history, levels=(80,))
        basis, fitted.level_basis_ = fitted.level_basis_, None
        try:
            return got, fitted.predict(history, levels=(80,))
        finally:
            fitted.level_basis_ = basis

    n = fitted.context_rows + fitted.horizon_ - 1
    pd.testing.assert_frame_equal(*both(n))
    own, median = both(n + 1)
    assert not np.allclose(own["y-hi-80"], median["y-hi-80"])


def test_a_backtest_newcomer_is_sized_as_predict_sizes_an_unseen_series():
    """A series whose folds start after the fit's origin gives the fit no window
    (``windows_from``); its level is read off its own rows, all before its first fold, the
    same way ``predict`` reads an unseen series': the two factors are equal (the network
    alone: with the damped trend averaged in, the newcomer keeps its own fitted smoother
    and an unseen series takes the median one)."""
    import dataclasses

    from forecast_cli.error_levels import unseen_factors

    cfg = fast_config()
    cfg = dataclasses.replace(cfg, model=dataclasses.replace(cfg.model, combine="none"))
    panel = prepare_panel(_panel_of_noise(noise=NOISES), DataConfig(id_col="id"))
    last = len(NOISES) - 1
    windows_from = np.arange(len(NOISES)) != last
    fitted = Forecaster(cfg).fit(panel, windows_from=windows_from)
    basis = fitted.level_basis_
    assert basis is not None and 0 < basis.carry <= 1
    plain = series_scale(panel.members[last].y, False)  # a newcomer is scaled on all its rows
    factor = fitted.cal_scales_[last] / plain
    assert factor > 1.2  # the noisiest series, measured on its own rows (before: 1)
    again = unseen_factors(
        fitted,
        [fitted._inputs(panel.members[last].frame)],
        [fitted.scalers_[last]],
        fitted.train_statics()[[last]],
        np.array([plain]),
    )
    np.testing.assert_allclose(again, [factor], rtol=1e-12)


def test_a_model_file_basis_out_of_range_is_refused():
    from forecast_cli.level_basis import LevelBasis

    assert LevelBasis.from_stored(None) is None  # files before it: unseen series at the median
    assert LevelBasis.from_stored([0.5, 0.5, 0.0]) == LevelBasis(0.5, 0.5, 0.0)
    for raw in ([0.5, 0.5], [0.5, 0.5, 1.5], [0.0, 0.5, 0.5], [0.5, float("nan"), 0.5], ["a", 0.5, 0.5]):
        with pytest.raises(ValueError, match="error level basis"):
            LevelBasis.from_stored(raw)


def test_each_unseen_series_is_measured_on_its_own_rows_scaler_and_statics(fitted_network_alone, monkeypatch):
    """A short series first (forecast by a baseline; ids sort), then two unseen series a thousand
    times apart: each unseen series is measured with its own inputs and its own scaler, and
    its factor lands on its own scale, so the large one's band is the small one's times
    1,000 and the short series' band is what it is alone."""
    import forecast_cli.prediction as prediction

    fitted, _ = fitted_network_alone
    raw = _panel_of_noise(noise=NOISES)
    big = raw[raw["id"] == "S10"].copy()
    big["id"], big["y"] = "BIG", big["y"] * 1000
    history = _as_history(
        pd.concat([raw, big]), {"ASHORT": ("S3", 10), "NEW": ("S10", 96), "BIG": ("BIG", 96)}
    )
    seen: list = []
    real = prediction.unseen_factors

    def spy(f, values, scalers, statics, scales, observed=None):
        seen.append((values, scalers, statics))
        return real(f, values, scalers, statics, scales, observed)

    monkeypatch.setattr(prediction, "unseen_factors", spy)
    out = fitted.predict(history, levels=(80,))
    ((values, scalers, statics),) = seen
    assert len(values) == 2 and values[0][:, 0] == pytest.approx(1000 * values[1][:, 0])  # BIG, NEW
    assert scalers[0].center is not None and scalers[1].center is not None
    assert scalers[0].center[0] != scalers[1].center[0]  # each its own (log: shifted by log 1000)
    np.testing.assert_array_equal(statics, fitted.static_block([(), ()]))
    width = (out["y-hi-80"] - out["y-lo-80"]).groupby(level="id").first()
    assert width["BIG"] == pytest.approx(1000 * width["NEW"], rel=1e-3)
    alone = fitted.predict(_as_history(raw, {"ASHORT": ("S3", 10)}), levels=(80,))
    np.testing.assert_allclose(out.loc["ASHORT"].to_numpy(), alone.loc["ASHORT"].to_numpy())


def test_filled_rows_are_no_actuals_for_an_unseen_series_level(fitted_network_alone):
    """Blank cells of an unseen series' history are filled for its inputs, but a filled
    value is no actual the network missed: its level is the one of the same rows with
    those values left out of the errors. Filled with values far off (the blanks written as
    a spike first), the level is unchanged by them."""
    from forecast_cli.error_levels import own_history_errors
    from forecast_cli.prediction import _own_scaler

    fitted, _ = fitted_network_alone
    raw = _panel_of_noise(noise=NOISES)
    rows = raw[raw["id"] == "S10"].iloc[:96].copy()
    values = fitted._inputs(prepare_panel(rows, DataConfig(id_col="id")).members[0].frame)
    observed = np.ones(len(values), dtype=bool)
    observed[80:84] = False
    spiked = values.copy()
    spiked[80:84, 0] *= 5
    args = ([_own_scaler(fitted, values)], fitted.static_block([()]), np.array([-1]))
    # the inputs are the same rows in both; only the actuals scored differ
    sums, counts = own_history_errors(fitted, [values], *args, [observed])
    everything = own_history_errors(fitted, [values], *args)
    assert counts[0] < everything[1][0]
    spiked_sums, spiked_counts = own_history_errors(fitted, [spiked], *args, [observed])
    assert spiked_counts[0] == counts[0]
    # the spike still reaches the inputs of the windows after it, not their scored actuals
    assert np.isfinite(spiked_sums[0]) and spiked_sums[0] != everything[0][0] * 5


def test_info_says_nothing_of_unseen_series_when_levels_did_not_carry(tmp_path, fitted_noise):
    """Three series give no share carried (fewer than ten): a series the model never saw
    stays at the median, and ``info`` does not claim otherwise."""
    from typer.testing import CliRunner

    from forecast_cli.cli import app
    from forecast_cli.modelfile import save_model

    fitted, _ = fitted_noise
    assert fitted.level_basis_ is not None and fitted.level_basis_.carry == 0
    save_model(fitted, tmp_path / "m.fcst")
    shown = CliRunner().invoke(app, ["info", str(tmp_path / "m.fcst")])
    assert shown.exit_code == 0 and "never saw" not in shown.stdout


def test_an_unseen_series_level_reads_its_own_static_values_and_rows_read(monkeypatch):
    """With a static column, each unseen series is forecast for its level with its own
    one-hot values, and a blank cell of its history (filled for the inputs) is passed on as
    not read."""
    import dataclasses

    import forecast_cli.prediction as prediction

    raw = _panel_of_noise(noise=NOISES)
    raw["kind"] = np.where(raw["id"].str[1:].astype(int) % 2 == 0, "even", "odd")
    data = DataConfig(id_col="id", static_cols=("kind",))
    cfg = fast_config()
    cfg = dataclasses.replace(cfg, data=data, model=dataclasses.replace(cfg.model, combine="none"))
    fitted = Forecaster(cfg).fit(prepare_panel(raw, data))
    assert fitted.level_basis_ is not None and fitted.level_basis_.carry > 0
    odd = raw[raw["id"] == "S9"].copy()
    odd["id"] = "NEW_ODD"
    even = raw[raw["id"] == "S10"].copy()
    even["id"], even["kind"] = "NEW_EVEN", "even"
    even.loc[even.index[60:63], "y"] = np.nan  # blanks, filled for the inputs
    seen: list = []
    real = prediction.unseen_factors

    def spy(f, values, scalers, statics, scales, observed=None):
        seen.append((statics, observed))
        return real(f, values, scalers, statics, scales, observed)

    monkeypatch.setattr(prediction, "unseen_factors", spy)
    fitted.predict(prepare_panel(pd.concat([even, odd]), data), levels=(80,))
    ((statics, observed),) = seen
    np.testing.assert_array_equal(statics, fitted.static_block([("even",), ("odd",)]))  # NEW_EVEN, NEW_ODD
    assert not observed[0][60:63].any() and observed[0][:60].all() and observed[1].all()
