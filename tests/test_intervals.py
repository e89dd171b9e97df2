"""Intervals: scores against hand-computed values, conformal coverage at the nominal level,
monotone quantiles, and bands that survive the model file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast_cli.band_shape import normalisers
from forecast_cli.config import DataConfig
from forecast_cli.forecaster import Forecaster
from forecast_cli.interval_levels import parse_levels, parse_quantiles
from forecast_cli.interval_scores import coverage, interval_score, pinball
from forecast_cli.intervals import (
    CalibrationTable,
    bands,
    conformal_rank,
    scaled_errors,
    series_scale,
)
from forecast_cli.modelfile import load_model, save_model
from forecast_cli.panel import prepare_panel
from forecast_cli.prediction_notes import shortfall_notes
from forecast_cli.series import prepare_series

from .conftest import fast_config


def test_pinball_and_interval_score_match_hand_computed_values():
    y = np.array([10.0, 10.0, 10.0])
    # p = 0.9: under-forecast by 2 costs 0.9*2 = 1.8; over-forecast by 2 costs 0.1*2 = 0.2
    np.testing.assert_allclose(pinball(y, np.array([8.0, 12.0, 10.0]), 0.9), [1.8, 0.2, 0.0])
    # 80%: a = 0.2, 2/a = 10; [9, 11] holds 10 -> width 2; [11, 12] misses by 1 -> 1 + 10; [6, 8] -> 2 + 20
    lo, hi = np.array([9.0, 11.0, 6.0]), np.array([11.0, 12.0, 8.0])
    np.testing.assert_allclose(interval_score(y, lo, hi, 80), [2.0, 11.0, 22.0])
    assert coverage(y, lo, hi) == pytest.approx(1 / 3)
    # the band is closed: an actual on either edge is covered
    assert coverage(np.array([10.0, 12.0]), np.array([10.0, 10.0]), np.array([12.0, 12.0])) == 1.0


def test_conformal_rank_is_the_finite_sample_corrected_order_statistic():
    assert conformal_rank(19, 95) == 19  # ceil(20 * 0.95)
    assert conformal_rank(99, 80) == 80  # ceil(100 * 0.8)
    assert conformal_rank(10, 95) == 10  # ceil(10.45) = 11 > n: the widest seen
    assert conformal_rank(4, 50) == 3  # ceil(5 * 0.5); without the +1, ceil(2) = 2
    assert conformal_rank(30, 80) == 25  # ceil(31 * 0.8) = ceil(24.8); without it, 24
    assert CalibrationTable.from_errors(np.arange(10.0)[:, None]).shortfall(95)
    assert not CalibrationTable.from_errors(np.arange(19.0)[:, None]).shortfall(95)


def test_a_step_with_few_errors_borrows_the_nearest_steps_errors():
    """Step 0 has 30 errors (its own band), step 1 has 5 (it takes steps 0 and 2 too), step 2
    none (step 1's 5 are too few, so step 0's join): the bands are the conformal ranks of
    those pools, by hand."""
    errors = np.full((30, 3), np.nan)
    errors[:, 0] = np.arange(1.0, 31.0)  # 1 .. 30
    errors[:5, 1] = 100.0 + np.arange(5.0)  # 100 .. 104
    table = CalibrationTable.from_errors(errors)
    # step 0: rank ceil(31 * 0.8) = 25 of 1..30 -> 25
    # steps 1 and 2: the same pool of 35 (1..30 and 100..104): rank ceil(36 * 0.8) = 29 -> 29
    np.testing.assert_allclose(table.band(80, 3), [25.0, 29.0, 29.0])
    # rank ceil(36 * 0.95) = 35 of 35: the largest, 104
    assert table.band(95, 3)[1] == 104.0
    assert table.windows == 30  # the fewest errors behind a band: step 0's own 30
    # with enough errors at every step nothing is borrowed
    full = np.arange(60.0).reshape(20, 3)
    np.testing.assert_allclose(
        CalibrationTable.from_errors(full).band(80, 3), [np.sort(full[:, h])[16] for h in range(3)]
    )


def test_levels_parse_and_refuse_nonsense():
    assert parse_levels(("95", "80")) == (80.0, 95.0) and parse_levels(("none",)) == ()
    assert parse_levels(("99.9",)) == (99.9,)
    for bad in ("0", "100", "x", "99.95"):
        with pytest.raises(ValueError):
            parse_levels((bad,))
    for edge in ("0", "100"):  # both refused, so the message must not say "between 0 and 100"
        with pytest.raises(ValueError, match=rf"--level {edge} must be above 0 and below 100"):
            parse_levels((edge,))


def test_a_level_written_as_a_fraction_is_refused_with_the_percentage():
    """bad input: --level 0.8,0.95 (levels as fractions, as darts and GluonTS write them) -> exit 2, "give --level 80,95"; it drew 0.8% and 0.95% bands, a hair around the forecast, exit 0"""
    with pytest.raises(
        ValueError, match=r"--level 0\.8 is a percentage, .* give --level 80,95 for 80%, 95% bands"
    ):
        parse_levels(("0.8", "0.95"))
    assert parse_levels(("1", "50")) == (1.0, 50.0)
    assert parse_levels(("0.5",), widest=False) == (0.5,)  # a value a model file stored is read as it is


def test_quantiles_parse_within_the_widest_band_and_refuse_beyond_it():
    """0.9999 is the edge of a 99.98% band, wider than the 99.9% the table stores: it was
    silently the 0.99 quantile before, now it is refused, naming the range."""
    assert parse_quantiles(("0.9", "0.1")) == (0.1, 0.9) and parse_quantiles(("none",)) == ()
    assert parse_quantiles(("0.0005", "0.9995")) == (0.0005, 0.9995)
    for bad in ("0", "1", "x", "0.9999", "0.0001"):
        with pytest.raises(ValueError, match="--quantiles"):
            parse_quantiles((bad,))
    with pytest.raises(ValueError, match="0.0005 to 0.9995"):
        parse_quantiles(("0.9999",))


def test_levels_and_quantiles_whose_column_names_would_round_are_refused():
    """bad input: --quantiles 0.3333331,0.3333334 (or --level 80.1234567) -> exit 2, asking for
    6 significant digits: both quantiles were written to one column q0.333333, and the level's
    column named 80.1235 for another number."""
    with pytest.raises(ValueError, match=r"more digits than its column name keeps \(0.333333\)"):
        parse_quantiles(("0.3333331", "0.3333334"))
    with pytest.raises(ValueError, match=r"--level 80.1234567 has more digits"):
        parse_levels(("80.1234567",))
    assert parse_levels(("80.1234",)) == (80.1234,)


def test_quantiles_are_the_edges_of_the_bands_and_the_median_is_the_point():
    """One distribution for both columns, also where the errors are skewed: q0.1/q0.9 are
    lo-80/hi-80 exactly, q0.025/q0.975 are lo-95/hi-95, q0.5 is the forecast. From signed
    errors apart from the bands, q0.975 fell below hi-80 on skewed errors like these."""
    rng = np.random.default_rng(3)
    skewed = -rng.exponential(1.0, (400, 4))  # every forecast too high
    table = CalibrationTable.from_errors(skewed)
    point = rng.normal(50, 5, (3, 4))
    out = bands(point, np.array([1.0, 2.0, 0.5]), table, (80, 95), (0.025, 0.1, 0.5, 0.9, 0.975), False)
    for lo, hi, level in (("q0.1", "q0.9", 80), ("q0.025", "q0.975", 95)):
        np.testing.assert_array_equal(out[lo], out[f"lo-{level}"])
        np.testing.assert_array_equal(out[hi], out[f"hi-{level}"])
    np.testing.assert_array_equal(out["q0.5"], point)
    assert (out["q0.975"] >= out["hi-80"]).all()
    # a level under the grid's first percent narrows towards no width, not to the 1% band
    assert (table.band(0.5, 4) < table.band(1, 4)).all() and (table.band(0.5, 4) > 0).all()


def test_conformal_bands_cover_at_the_nominal_rate_on_known_noise():
    """Calibrate on 2,000 normal errors, test on 20,000 fresh ones: coverage within 1.5 points."""
    rng = np.random.default_rng(0)
    table = CalibrationTable.from_errors(rng.normal(0, 1, (2000, 3)))
    fresh = rng.normal(0, 1, (20000, 3))
    point = np.zeros((20000, 3))
    out = bands(point, np.ones(20000), table, (80, 95), (), uses_log=False)
    for level in (80, 95):
        got = coverage(fresh, out[f"lo-{level}"], out[f"hi-{level}"])
        assert abs(got - level / 100) < 0.015


@settings(max_examples=60, deadline=None)
@given(
    errors=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=60),
    probs=st.lists(st.floats(0.001, 0.999), min_size=2, max_size=8, unique=True),
    scale=st.floats(1e-6, 1e6),
    point=st.floats(-1e6, 1e6),
)
def test_quantiles_never_cross(errors, probs, scale, point):
    table = CalibrationTable.from_errors(np.array(errors)[:, None])
    out = bands(np.array([[point]]), np.array([scale]), table, (), sorted(probs), uses_log=False)
    values = [out[f"q{p:g}"][0, 0] for p in sorted(probs)]
    assert all(a <= b + 1e-9 * max(1.0, abs(b)) for a, b in zip(values, values[1:], strict=False))


def _noisy_monthly(n=180, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = 100 + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 3, n)
    return pd.DataFrame({"month": pd.date_range("2000-01-01", periods=n, freq="MS"), "y": y})


def test_bands_are_identical_after_the_model_file(tmp_path):
    cfg = fast_config(lookback=12, horizon=6)
    fitted = Forecaster(cfg).fit(prepare_series(_noisy_monthly(), DataConfig()))
    before = fitted.predict(levels=(80, 95), quantiles=(0.1, 0.9))
    loaded = load_model(save_model(fitted, tmp_path / "m.fcst"))
    pd.testing.assert_frame_equal(loaded.predict(levels=(80, 95), quantiles=(0.1, 0.9)), before)
    np.testing.assert_array_equal(before["y-q0.9"], before["y-hi-80"])
    assert (before["y-lo-95"] <= before["y-lo-80"]).all() and (before["y-hi-80"] <= before["y-hi-95"]).all()


def test_a_recursive_model_rolled_past_its_calibration_has_no_bands_there():
    """A recursive model calibrated over 3 steps and rolled to 6 gives bands for steps 1-3 and
    none for 4-6 (NaN, and a note): the third step's width held to step 50 of a random walk
    covered a third of it at 80%. Quantiles likewise; the median is the point throughout."""
    cfg = fast_config(lookback=12, horizon=3)
    cfg.model.strategy = "recursive"
    fitted = Forecaster(cfg).fit(prepare_series(_noisy_monthly(), DataConfig()))
    out = fitted.predict(horizon=6, levels=(80,), quantiles=(0.1, 0.5))
    assert out["y-lo-80"].iloc[:3].notna().all() and out["y-hi-80"].iloc[:3].notna().all()
    assert out[["y-lo-80", "y-hi-80", "y-q0.1"]].iloc[3:].isna().all().all()
    np.testing.assert_array_equal(out["y-q0.5"], out["y"])
    assert any("steps 4..6 have none" in n and "--horizon 6" in n for n in out.attrs["notes"])
    assert not any("calibrated step" in n for n in fitted.predict(horizon=3, levels=(80,)).attrs["notes"])


def test_bands_of_a_positive_series_never_go_below_zero():
    frame = _noisy_monthly()
    frame["y"] = np.exp(frame["y"] / 30)  # positive, multiplicative
    fitted = Forecaster(fast_config(lookback=12, horizon=6)).fit(prepare_series(frame, DataConfig()))
    out = fitted.predict(levels=(99.9,))
    assert fitted.transform_.uses_log and (out["y-lo-99.9"] >= 0).all()


def _counts(shift: float) -> pd.DataFrame:
    """Daily counts of sparse demand (mostly 0, 1 or 2), moved by ``shift``."""
    rng = np.random.default_rng(4)
    days = pd.date_range("2023-01-01", periods=160, freq="D")
    return pd.DataFrame({"date": days, "y": rng.poisson(0.7, len(days)) + shift})


def test_counts_are_never_forecast_below_zero_and_a_series_with_negatives_is():
    """Counts with zeros keep transform none (no log of 0); they had point forecasts and
    95% bands below zero. A series with a value below zero in training is left as is."""
    cfg = fast_config(lookback=14, horizon=7)
    counts = Forecaster(cfg).fit(prepare_series(_counts(0.0), DataConfig()))
    assert counts.plan_.transform == "none" and counts.plan_.nonnegative
    out = counts.predict(levels=(80, 99.9), quantiles=(0.05,))
    assert (out.to_numpy() >= 0).all() and (out["y-lo-99.9"] == 0).any()
    moved = Forecaster(cfg).fit(prepare_series(_counts(-1.0), DataConfig()))
    assert not moved.plan_.nonnegative
    assert (moved.predict(levels=(99.9,))["y-lo-99.9"] < 0).all()
    assert any(line.startswith("nonnegative on") for line in counts.plan_.lines())


def test_a_series_below_zero_in_training_is_not_cut_by_a_positive_last_window():
    """The cut needs the series' training rows never below zero, not only the rows in hand:
    a stored history is the last window, and a summer of temperatures is all positive, so
    a winter-negative series was cut at 0 (15 of 60 forecasts exactly 0.0)."""
    t = np.arange(400)
    rng = np.random.default_rng(0)
    y = 5 - 10 * np.cos(2 * np.pi * (t + 120) / 365) + rng.normal(0, 1, len(t))
    frame = pd.DataFrame({"date": pd.date_range("2022-10-01", periods=len(t), freq="D"), "y": y})
    assert (y[-40:] > 0).all() and (y < 0).any()
    fitted = Forecaster(fast_config(lookback=14, horizon=7)).fit(
        prepare_series(frame, DataConfig(calendar=("none",)))
    )
    assert not fitted.plan_.nonnegative and not fitted.never_negative_[0]
    assert fitted.floors(np.array([True]), np.array([0])) is None  # the positive window alone
    assert fitted.floors(np.array([True]), np.array([-1])) is not None  # an unseen positive series


def test_a_count_series_beside_one_below_zero_is_still_cut_at_zero(tmp_path):
    """The cut is per series: in a panel where one series goes below zero (so the plan sets
    no cut for all), the count series' forecasts and bands stay at or above zero, in predict
    and in the backtest, while the other's may go below."""
    from forecast_cli.backtest import run_backtest
    from forecast_cli.run_config import BacktestConfig

    long = pd.concat([_counts(0.0).assign(id="counts"), _counts(-1.0).assign(id="moved")])
    cfg = fast_config(lookback=14, horizon=7)
    cfg.data = DataConfig(id_col="id", calendar=("none",))
    panel = prepare_panel(long, cfg.data)
    fitted = Forecaster(cfg).fit(panel)
    assert not fitted.plan_.nonnegative
    out = fitted.predict(levels=(99.9,))
    assert (out.loc["counts"].to_numpy() >= 0).all() and (out.loc["moved", "y-lo-99.9"] < 0).all()
    loaded = load_model(save_model(fitted, tmp_path / "m.fcst"))  # the per-series flags travel
    pd.testing.assert_frame_equal(loaded.predict(levels=(99.9,)), out)
    result = run_backtest(panel, cfg, BacktestConfig(folds=2, models=("lstm",)))
    bands = result.forecasts
    counts = bands[(bands["id"] == "counts") & (bands["model"] == "lstm")]
    assert len(counts) and (counts[["forecast", "lo-95"]].to_numpy() >= 0).all()


def test_normalisers_add_the_typical_width_to_the_heads():
    """Scale 2, typical ratios 0.5 and 1 (the last repeats for later steps): typical widths
    1, 2, 2. The head's widths 1, (none: a baseline forecast), 0 become 1 + 1, 2 + 2 and
    0 + 2: a head sure of itself (width 0) cannot shrink a band below the typical term."""
    widths = np.array([[1.0, np.nan, 0.0]])
    ratio = np.array([0.5, 1.0])
    np.testing.assert_array_equal(normalisers(widths, np.array([2.0]), ratio, 1.0), [[2.0, 4.0, 2.0]])
    # files written before the typical term (share 0) divide by the head's width alone
    np.testing.assert_array_equal(normalisers(widths, np.array([2.0]), ratio, 0.0), [[1.0, 2.0, 0.0]])


def test_a_flat_series_stays_out_of_the_pool_and_gets_a_band_without_width():
    """A series constant over its training rows has scale 0: its errors are NaN (no pool
    counts them) and its band has no calibrated width; it is forecast at its constant (the
    network gave 5.0015 for a series of 5.0, and the band had to reach from that forecast to
    the constant). With a fallback scale of 1 data unit, a series
    constant at 1e6 put its errors of a few units into the pool and widened every other
    series' bands sixfold."""
    assert series_scale(np.full(20, 1e6), False) == 0.0 and series_scale(np.arange(5.0), False) == 1.0
    errors = scaled_errors(
        np.array([[1e6, 1e6], [3.0, 5.0]]),
        np.array([[1e6 - 4, 1e6], [2.0, 1.0]]),
        np.array([0.0, 2.0]),
        False,
    )
    assert np.isnan(errors[0]).all() and errors[1].tolist() == [0.5, 2.0]
    assert normalisers(np.array([[5.0], [5.0]]), np.array([0.0, 2.0]), np.array([1.0]), 1.0).tolist() == [
        [0.0],
        [7.0],
    ]

    from .test_panel import long_panel

    frame = long_panel()
    frame.loc[frame["unique_id"] == "S1", "y"] = 1e6
    f = Forecaster(fast_config(horizon=3)).fit(prepare_panel(frame, DataConfig()))
    out = f.predict()
    flat = out.loc["S1"]  # forecast at its constant (origin_forecasts._flat_before), no width
    for column in ("y", "y-lo-95", "y-hi-95", "y-lo-80", "y-hi-80"):
        np.testing.assert_array_equal(flat[column], 1e6)
    others = out.drop(index="S1", level=0)
    assert (others["y-hi-80"] > others["y-lo-80"]).all()
    assert np.isnan(f.calibration_errors_).all(axis=1).sum() >= 1  # the flat series' windows


def test_baseline_forecasts_and_bands_of_counts_stop_at_zero_like_the_networks():
    """Baselines' forecasts and bands of a series never below zero before its origin are cut
    at zero, as the networks' are (bands reached -3 on sparse counts, so widths and interval
    scores did not compare; drift's falling line forecast -0.09); a series with negatives
    keeps them. Coverage of actuals >= 0 cannot drop."""
    from forecast_cli.backtest import run_backtest
    from forecast_cli.run_config import BacktestConfig

    spec = BacktestConfig(folds=3, models=("naive", "seasonal-naive", "drift", "mean"))
    for shift, cut in ((0.0, True), (-1.0, False)):
        series = prepare_series(_counts(shift), DataConfig())
        result = run_backtest(series, fast_config(lookback=14, horizon=7), spec)
        frame = result.forecasts
        lows = frame[[c for c in frame.columns if c.startswith("lo-")]].to_numpy()
        assert (lows >= 0).all() == cut
        drift = frame.loc[frame["model"] == "drift", "forecast"].to_numpy()
        assert (drift >= 0).all() == cut and (drift == 0).any() == cut  # it would have gone below


def test_a_flat_series_band_covers_its_constant_in_the_backtest():
    """In a panel backtest, a series that stays at its constant is covered by its band at
    every level (it had 80% coverage 0: a zero-width band around a forecast a hair off)."""
    from forecast_cli.backtest import run_backtest
    from forecast_cli.run_config import BacktestConfig

    from .test_panel import long_panel

    frame = long_panel()
    frame.loc[frame["unique_id"] == "S1", "y"] = 5.0
    result = run_backtest(
        prepare_panel(frame, DataConfig()), fast_config(horizon=3), BacktestConfig(folds=2, models=("lstm",))
    )
    flat = result.forecasts[(result.forecasts["unique_id"] == "S1") & (result.forecasts["model"] == "lstm")]
    assert len(flat) and ((flat["lo-80"] <= 5.0) & (flat["hi-80"] >= 5.0)).all()
    assert (flat["forecast"] == 5.0).all()  # no error where every baseline has none
    moving = result.forecasts[(result.forecasts["unique_id"] == "S0") & (result.forecasts["model"] == "lstm")]
    assert (moving["forecast"] != moving["forecast"].round(0)).all()  # the others: the network's own


def test_a_series_flat_in_training_that_then_moves_gets_a_band_sized_by_its_moves():
    """A series whose training rows never moved (a product before its launch) has scale 0,
    "flat, no band"; once its history moves it is sized by its moves from the last flat row
    on (``band_shape.moved_scale``). It was given the band from its forecast to its last
    value, one-sided and the same at 80% and 95% (3.27 to 4.0 after sales of 3, 5, 4, 6)."""
    from forecast_cli.band_shape import moved_scale

    from .test_panel import long_panel

    assert moved_scale(2.5, np.zeros(9)) == 2.5  # a scale from training is kept
    assert moved_scale(0.0, np.zeros(9)) == 0.0  # still flat: still no band
    assert moved_scale(0.0, np.array([0.0] * 10 + [3.0, 5.0, 4.0, 6.0])) == 2.0  # (3 + 2 + 1 + 2) / 4
    assert np.isnan(moved_scale(np.nan, np.arange(5.0)))  # a series of one row: none

    frame = long_panel()
    s1 = (frame["unique_id"] == "S1").to_numpy()
    frame.loc[s1, "y"] = 0.0
    f = Forecaster(fast_config(horizon=3)).fit(prepare_panel(frame, DataConfig()))
    moved = frame[s1].copy()
    later = pd.date_range(moved["ds"].iloc[-1] + pd.DateOffset(months=1), periods=6, freq="MS")
    sales = [30.0, 50.0, 40.0, 60.0, 45.0, 55.0]
    moved = pd.concat([moved, pd.DataFrame({"unique_id": "S1", "ds": later, "y": sales})])
    out = f.predict(history=prepare_panel(moved, DataConfig())).loc["S1"]
    assert (out["y-lo-95"] < out["y-lo-80"]).all() and (out["y-lo-80"] < out["y"]).all()
    assert (out["y"] < out["y-hi-80"]).all() and (out["y-hi-80"] < out["y-hi-95"]).all()


def test_the_backtest_sizes_a_series_flat_in_training_by_its_moves_before_each_origin():
    """The backtest's rule is predict's (``band_shape.moved_scale``), from the rows before
    each origin only: a fold whose history is still flat keeps the band from its forecast
    to its last value; the next, after two moves, gets a band that widens with the level;
    rows at or after the last origin change neither. The series are long enough for tables
    that need no naive floor (which gives any band a width of its own)."""
    from forecast_cli.backtest import run_backtest
    from forecast_cli.run_config import BacktestConfig

    from .test_panel import long_panel

    frame = long_panel(lengths=(120, 144, 108))
    s1 = np.flatnonzero((frame["unique_id"] == "S1").to_numpy())
    frame.loc[s1, "y"] = 100.0
    frame.loc[s1[-5:], "y"] = [104.0, 97.0, 103.0, 99.0, 102.0]  # the second origin follows two moves
    spec = BacktestConfig(folds=2, models=("lstm",))
    bands = []
    for tail in (0.0, 1000.0):  # rows at or after the last origin changed
        changed = frame.copy()
        changed.loc[s1[-3:], "y"] += tail
        got = run_backtest(prepare_panel(changed, DataConfig()), fast_config(horizon=3), spec).forecasts
        bands.append(got[(got["unique_id"] == "S1") & (got["model"] == "lstm")])
    first, second = (part for _, part in bands[0].groupby("origin"))
    np.testing.assert_allclose(first["hi-80"] - first["lo-80"], (first["forecast"] - 100.0).abs())
    assert (first["lo-95"] == first["lo-80"]).all()
    assert (second["hi-95"] > second["hi-80"]).all() and (second["lo-95"] < second["lo-80"]).all()
    np.testing.assert_array_equal(bands[0][["lo-95", "hi-95"]], bands[1][["lo-95", "hi-95"]])


def test_a_quantile_whose_band_the_calibration_cannot_back_is_warned_of():
    """q0.01 and q0.99 are the 98% band's edges: with 20-odd calibration errors that band is
    the widest error seen. `--level 98` was warned of, the same quantiles were not."""
    fitted = Forecaster(fast_config(lookback=12, horizon=6)).fit(
        prepare_series(_noisy_monthly(), DataConfig())
    )
    assert fitted.calibration_.shortfall(98)
    notes = fitted.predict(levels=(), quantiles=(0.01, 0.99)).attrs["notes"]
    assert any("the 98% band is the widest error seen" in n and "quantiles nearer 0.5" in n for n in notes)
    assert not fitted.predict(levels=(), quantiles=(0.1, 0.5, 0.9)).attrs["notes"]


def test_a_series_flat_over_what_a_forecast_reads_is_forecast_at_its_value():
    """_flat_before reads only what the forecast reads: flat over the span before the origin
    (within its segment) is flat, whatever came earlier; a move or a gap within it is not."""
    from forecast_cli.origin_forecasts import _flat_before

    target = np.array([1.0, 2.0, 3.0, 3.0, 3.0, 3.0, 7.0, 7.0, 7.0, np.nan, 7.0, 7.0])
    origins = np.array([6, 6, 4, 9, 12])
    starts = np.array([0, 0, 0, 0, 10])
    spans = [3, 4, 2, 3, 5]
    got = [bool(_flat_before(target, origins[i : i + 1], starts[i : i + 1], spans[i])[0]) for i in range(5)]
    # rows 3-5 flat; rows 2-5 flat (row 2 is 3.0 too); 2-3 flat; 6-8 flat; segment from 10: flat
    assert got == [True, True, True, True, True]
    assert not _flat_before(target, np.array([7]), np.array([0]), 3)[0]  # rows 4-6: 3, 3, 7
    assert not _flat_before(target, np.array([11]), np.array([0]), 3)[0]  # a gap (NaN) ends a run


def test_the_flat_rule_is_off_when_the_network_reads_more_than_the_target():
    """A feature (or calendar, static column, series embedding) may rightly move a series
    whose target has been flat: only a model that reads the target alone gets the rule."""
    from forecast_cli.origin_forecasts import _reads_only_target

    from .test_panel import long_panel

    frame = long_panel().assign(x=lambda d: np.sin(np.arange(len(d)) / 3.0))
    alone = Forecaster(fast_config(horizon=3)).fit(prepare_panel(frame, DataConfig(target="y")))
    with_x = Forecaster(fast_config(horizon=3)).fit(
        prepare_panel(frame, DataConfig(target="y", features=("x",)))
    )
    assert _reads_only_target(alone) and not _reads_only_target(with_x)


@given(
    st.lists(st.sampled_from([1.0, 2.0, np.nan]), min_size=2, max_size=40),
    st.integers(1, 3),
    st.integers(1, 12),
    st.data(),
)
def test_flat_before_agrees_with_reading_every_window(values, segments, span, data):
    """The run-start bookkeeping equals the plain reading: the rows from max(origin - span,
    segment start) to origin - 1 hold one value (NaN is no value: it ends a run)."""
    from forecast_cli.origin_forecasts import _flat_before

    target = np.array(values)
    cuts = sorted(data.draw(st.lists(st.integers(1, len(target) - 1), max_size=segments - 1, unique=True)))
    starts_of = np.array([0, *cuts])
    origins, starts = [], []
    for k, start in enumerate(starts_of):
        stop = starts_of[k + 1] if k + 1 < len(starts_of) else len(target)
        for origin in range(start + 1, stop + 1):
            origins.append(origin)
            starts.append(start)
    origins, starts = np.array(origins), np.array(starts)
    got = _flat_before(target, origins, starts, span)
    for i, (origin, start) in enumerate(zip(origins, starts, strict=True)):
        read = target[max(origin - span, start) : origin]
        expected = bool(np.isfinite(read).all() and len(set(read.tolist())) == 1)
        assert got[i] == expected, (origin, start, read)


def test_steps_without_errors_of_their_own_are_counted_and_said():
    """bad input: 14-row series under a horizon of 4, so that steps 3-4 have no validation error of their own -> predict says their bands borrow nearer steps' errors; it said nothing while a first backtest fold covered 31% at 80%"""
    rng = np.random.default_rng(0)
    errors = rng.normal(size=(16, 4))
    errors[:, 2:] = np.nan  # every validation tail two steps long
    table = CalibrationTable.from_errors(errors)
    assert table.bare_steps == 2 and CalibrationTable.from_dict(table.to_dict()).bare_steps == 2
    said = " ".join(shortfall_notes(table, (80.0,), ()))
    assert "steps 3-4 had no calibration error of their own" in said
    assert shortfall_notes(table, (), ()) == []  # no band asked, nothing to say
    # only of steps forecast: -H 3 meets step 3 alone, -H 2 none (it was told of step 4)
    one = " ".join(shortfall_notes(table, (80.0,), (), 3))
    assert (
        "step 3 had no calibration error of its own (every validation tail is shorter): its band borrows"
        in one
    )
    assert not any("calibration error" in n for n in shortfall_notes(table, (80.0,), (), 2))
    whole = CalibrationTable.from_errors(rng.normal(size=(16, 4)))
    assert whole.bare_steps == 0 and not any("of their own" in n for n in shortfall_notes(whole, (80.0,), ()))


def test_grid_ranks_are_the_conformal_ranks_of_every_grid_level():
    from forecast_cli.intervals import LEVEL_GRID, conformal_rank, grid_ranks

    for n in (1, 2, 19, 20, 99, 100, 101, 1999, 123_457):
        assert grid_ranks(n).tolist() == [conformal_rank(n, lv) for lv in LEVEL_GRID]


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        ({"levels": [120]}, "--level"),
        ({"levels": [0.8]}, "is a percentage"),
        ({"quantiles": [1.5]}, "--quantiles"),
    ],
)
def test_the_library_checks_levels_and_quantiles_as_the_flags_are(monthly_frame, asked, said):
    """predict(levels=[120]) gave lo-120/hi-120 columns equal to the widest band, and
    quantiles=[1.5] a column q1.5, where the CLI refuses both."""
    from forecast_cli.errors import UsageError

    f = Forecaster(fast_config(lookback=12, horizon=6)).fit(prepare_series(monthly_frame, DataConfig()))
    with pytest.raises(UsageError, match=said):
        f.predict(**asked)


def test_the_per_series_cut_reads_each_series_training_rows():
    """``never_negative_`` is read on each series' training rows, as the plan's nonnegative is
    (values below zero in a validation tail only do not turn it off)."""
    rng = np.random.default_rng(4)
    days = pd.date_range("2023-01-01", periods=160, freq="D")
    moved = pd.DataFrame({"date": days, "y": rng.poisson(0.7, 160) - 1.0, "id": "moved"})
    late = pd.DataFrame({"date": days, "y": rng.poisson(0.7, 160).astype(float), "id": "late"})
    late.loc[150, "y"] = -1.0  # in the last 15%: a validation row
    cfg = fast_config(lookback=14, horizon=7)
    cfg.data = DataConfig(id_col="id", calendar=("none",))
    fitted = Forecaster(cfg).fit(prepare_panel(pd.concat([moved, late]), cfg.data))
    assert dict(zip(fitted.ids_, fitted.never_negative_.tolist(), strict=True)) == {
        "moved": False,
        "late": True,
    }


def test_series_scale_is_the_mean_absolute_one_step_change():
    """MASE's denominator, by hand: changes 1, 2, -1, 4, 1 -> mean |change| = 9 / 5 = 1.8
    (a median would say 1 and narrow every band of a series with uneven moves)."""
    assert series_scale(np.array([10.0, 11.0, 13.0, 12.0, 16.0, 17.0]), False) == pytest.approx(1.8)
    # in log space for a log target: |ln 2 - ln 1| and |ln 4 - ln 2| -> ln 2
    assert series_scale(np.array([1.0, 2.0, 4.0]), True) == pytest.approx(np.log(2.0))


def test_the_first_step_with_few_errors_borrows_the_next_steps():
    """13 validation windows (one short series): step 0 has 13 errors, too few, and no step
    before it, so it takes step 1's 12 (25 in all); bands by hand."""
    errors = np.full((13, 2), np.nan)
    errors[:, 0] = np.arange(1.0, 14.0)  # 1 .. 13
    errors[:12, 1] = 100.0 + np.arange(12.0)  # 100 .. 111
    table = CalibrationTable.from_errors(errors)
    # pool 1..13, 100..111: rank ceil(26 * 0.8) = 21 -> the 21st smallest, 107
    np.testing.assert_allclose(table.band(80, 2), [107.0, 107.0])
    assert table.windows == 25 and table.own_windows == 13


def _walked_out(per_step, h, least):
    """The borrowing as first written: one step further out at a time."""
    picked, k = [per_step[h]], 1
    while sum(len(e) for e in picked) < least and (h - k >= 0 or h + k < len(per_step)):
        picked += [per_step[j] for j in (h - k, h + k) if 0 <= j < len(per_step)]
        k += 1
    return np.concatenate(picked)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=40), st.integers(1, 30), st.data())
def test_borrowed_errors_are_the_nearest_steps_as_walking_out_finds_them(sizes, least, data):
    """Bisection over the running count picks the same steps, so every table is the same to
    the last digit; it made 10-second data's default 8,640 steps take seconds, not hours."""
    from forecast_cli.step_neighbours import Neighbours

    rng = np.random.default_rng(len(sizes) * 31 + least)
    per_step = [rng.standard_normal(n) for n in sizes]
    h = data.draw(st.integers(0, len(sizes) - 1))
    np.testing.assert_array_equal(
        np.sort(Neighbours(per_step).around(h, least)), np.sort(_walked_out(per_step, h, least))
    )
