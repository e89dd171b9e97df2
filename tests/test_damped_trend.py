"""The damped-trend smoother averaged with the network: held equal to statsmodels where both
compute the same thing, per series and per window where they must be, and averaged in."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecast_cli.combine_weight import weight_for
from forecast_cli.damped_trend import (
    PHI_RANGE,
    SEASONS_READ,
    DampedFit,
    damped_at_origins,
    fit_damped,
    smooth,
    window_rows,
)
from forecast_cli.forecaster import Forecaster
from forecast_cli.modelfile import load_model, save_model
from forecast_cli.panel import prepare_panel
from forecast_cli.seasonal_factors import deseasonalised, seasonal_factors

from .conftest import fast_config
from .test_panel import long_panel
from .test_season_test import has_season

statsmodels = pytest.importorskip("statsmodels")  # a dev dependency: the library we are held to


def _seasonal(n: int, m: int, seed: int, level: float = 100.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return level + 0.3 * t + 10 * np.sin(2 * np.pi * t / m) + rng.normal(0, 2, n)


@pytest.mark.parametrize("m", [4, 7, 12])
@pytest.mark.parametrize("model", ["multiplicative", "additive"])
def test_the_seasonal_factors_equal_statsmodels_classical_decomposition(m, model):
    from statsmodels.tsa.seasonal import seasonal_decompose

    y = _seasonal(5 * m + 3, m, seed=m)
    ours = seasonal_factors(y[None, :], m, np.array([model == "multiplicative"]))[0]
    theirs = seasonal_decompose(y, model=model, period=m).seasonal[:m]
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_the_recursion_equals_statsmodels_damped_holt_with_the_same_parameters():
    """Our state starts at the first value (trend 0) and forecasts the second row on; that is
    statsmodels' Holt on the rows after the first, with that value as its known initial level."""
    from statsmodels.tsa.holtwinters import Holt

    a = 50 + np.cumsum(np.random.default_rng(3).normal(0.4, 1.5, window_rows(1)))  # all a forecast reads
    alpha, beta, phi = 0.45, 0.2, 0.9
    level, trend, errors = smooth(a[None, :], np.array([alpha]), np.array([beta]), np.array([phi]))
    model = Holt(
        a[1:], damped_trend=True, initialization_method="known", initial_level=a[0], initial_trend=0.0
    )
    fit = model.fit(smoothing_level=alpha, smoothing_trend=beta, damping_trend=phi, optimized=False)
    np.testing.assert_allclose(a[1:] - errors[0, 1:], fit.fittedvalues, rtol=1e-12)
    ours = DampedFit(np.array([alpha]), np.array([beta]), np.array([phi]))
    forecast = damped_at_origins(a, np.array([len(a)]), np.array([0]), np.array([0]), ours, 1, 6)
    np.testing.assert_allclose(forecast[0], fit.forecast(6), rtol=1e-12)
    assert np.isnan(errors[0, 0]) and np.isfinite(level[0]) and np.isfinite(trend[0])


@pytest.mark.parametrize("seed", range(4))
def test_the_fitted_parameters_reach_statsmodels_least_squares(seed):
    """The grid search finds a squared error within 0.5% of statsmodels' optimiser's for the
    same model, start and bounds (measured: 0.05% to 0.24% above, as the search's squashed
    coordinates stop short of the bounds, alpha 0.993 and phi 0.978 at most)."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    rng = np.random.default_rng(seed)
    a = 200 + np.cumsum(rng.normal(rng.uniform(-1, 1), rng.uniform(0.5, 3), 120))
    fit = fit_damped([a], 1)
    _, _, errors = smooth(a[None, :], fit.alpha, fit.beta, fit.phi)
    model = ExponentialSmoothing(
        a[1:],
        trend="add",
        damped_trend=True,
        initialization_method="known",
        initial_level=a[0],
        initial_trend=0.0,
        bounds={"damping_trend": PHI_RANGE},
    )
    theirs = model.fit(optimized=True)
    assert float(np.nansum(errors**2)) <= 1.005 * float(np.sum((a[1:] - theirs.fittedvalues) ** 2))
    assert PHI_RANGE[0] <= fit.phi[0] <= PHI_RANGE[1]


def test_each_series_parameters_come_from_its_own_rows_only():
    a, b = _seasonal(90, 12, seed=1), _seasonal(90, 12, seed=2)
    changed = b * (1 + 0.3 * np.cos(np.arange(90)))
    one, two = fit_damped([a, b], 12), fit_damped([a, changed], 12)
    assert (one.alpha[0], one.beta[0], one.phi[0]) == (two.alpha[0], two.beta[0], two.phi[0])
    assert (one.alpha[1], one.beta[1], one.phi[1]) != (two.alpha[1], two.beta[1], two.phi[1])


def test_a_forecast_reads_the_last_window_rows_only():
    m = 4
    y = _seasonal(120, m, seed=5)
    fit = fit_damped([y[:100]], m)
    origin = 110
    rows = window_rows(m)
    base = damped_at_origins(y, np.array([origin]), np.array([0]), np.array([0]), fit, m, 4)
    older = y.copy()
    older[: origin - rows] += 50.0
    same = damped_at_origins(older, np.array([origin]), np.array([0]), np.array([0]), fit, m, 4)
    np.testing.assert_array_equal(base, same)
    inside = y.copy()
    inside[origin - rows] += 50.0
    assert not np.allclose(
        damped_at_origins(inside, np.array([origin]), np.array([0]), np.array([0]), fit, m, 4), base
    )


@given(st.integers(0, 11), st.sampled_from([0.0, -200.0]))
def test_a_pure_season_is_continued_in_phase_from_any_origin(shift, offset):
    """A series that repeats a 12-step pattern exactly is forecast as its continuation,
    whatever the origin's place in the cycle (multiplicative factors for positive data,
    additive ones once it crosses zero)."""
    pattern = 100 + 30 * np.sin(2 * np.pi * np.arange(12) / 12) + np.arange(12) % 3
    y = np.tile(pattern, 10) + offset
    assert has_season(y, 12)
    fit = DampedFit(np.array([0.3]), np.array([0.1]), np.array([0.9]))
    origin = 96 + shift
    got = damped_at_origins(y, np.array([origin]), np.array([0]), np.array([0]), fit, 12, 12)
    np.testing.assert_allclose(got[0], y[origin : origin + 12], rtol=1e-9, atol=1e-9)


def test_a_season_is_found_in_the_rows_a_forecast_reads():
    """A series too short for the season test when fitted is forecast with its season once
    the rows before an origin show it, and one whose recent rows lost it without."""
    pattern = 100 + 30 * np.sin(2 * np.pi * np.arange(12) / 12)
    y = np.tile(pattern, 6)
    fit = fit_damped([y[:30]], 12)  # 30 rows: under three seasons, no season tested for
    got = damped_at_origins(y, np.array([60]), np.array([0]), np.array([0]), fit, 12, 12)
    np.testing.assert_allclose(got[0], y[60:72], rtol=1e-9)
    flat = np.r_[np.tile(pattern, 3), np.full(60, 100.0)]
    later = damped_at_origins(flat, np.array([96]), np.array([0]), np.array([0]), fit, 12, 12)
    np.testing.assert_allclose(later[0], 100.0, rtol=1e-12)


def test_a_series_the_fit_never_saw_takes_the_median_parameters():
    fits = fit_damped([_seasonal(80, 1, s) for s in range(3)], 1)
    y = _seasonal(80, 1, seed=9)
    stranger = damped_at_origins(y, np.array([80]), np.array([0]), np.array([-1]), fits, 1, 3)
    median = DampedFit(*(np.array([np.median(v)]) for v in (fits.alpha, fits.beta, fits.phi)))
    own = damped_at_origins(y, np.array([80]), np.array([0]), np.array([0]), median, 1, 3)
    np.testing.assert_array_equal(stranger, own)


def _fitted(tmp_path=None, **model):
    cfg = fast_config(lookback=12, horizon=6)
    for key, value in model.items():
        setattr(cfg.model, key, value)
    panel = prepare_panel(long_panel(lengths=(72, 84, 60)), cfg.data)
    return Forecaster(cfg).fit(panel), panel


def test_a_panel_forecast_is_the_weighted_average_of_the_network_and_the_smoother():
    fitted, panel = _fitted()
    assert fitted.plan_.damped_rows == window_rows(fitted.plan_.season) and fitted.damped_ is not None
    assert fitted.damped_.weight == 0.5  # validation found the smoother helps on this panel
    both = fitted.predict(levels=())["y"].to_numpy().reshape(3, -1)
    smoother = fitted.damped_
    values = np.concatenate([h.iloc[:, 0].to_numpy() for h in fitted.histories_])
    ends = np.cumsum([len(h) for h in fitted.histories_])
    starts = np.r_[0, ends[:-1]]
    damped = damped_at_origins(values, ends, starts, np.arange(3), smoother, fitted.plan_.season, 6)
    fitted.damped_ = None
    network = fitted.predict(levels=())["y"].to_numpy().reshape(3, -1)
    np.testing.assert_allclose(both, 0.5 * (network + damped), rtol=1e-12)
    assert not np.allclose(both, network)
    fitted.damped_ = dataclasses.replace(smoother, weight=0.25)  # any stored weight is the one used
    quarter = fitted.predict(levels=())["y"].to_numpy().reshape(3, -1)
    np.testing.assert_allclose(quarter, 0.75 * network + 0.25 * damped, rtol=1e-12)


def test_the_smoother_is_fitted_on_training_rows_only():
    """Rows after the training rows (the validation tails) do not move its parameters."""
    fitted, panel = _fitted()
    frame = long_panel(lengths=(72, 84, 60))
    tail = frame.groupby("unique_id").cumcount(ascending=False) < 3
    frame.loc[tail, "y"] *= 1.5
    cfg = fitted.config
    moved = Forecaster(cfg).fit(prepare_panel(frame, cfg.data))
    for name in ("alpha", "beta", "phi"):
        np.testing.assert_array_equal(getattr(moved.damped_, name), getattr(fitted.damped_, name))


def test_the_average_survives_the_model_file_and_none_turns_it_off(tmp_path):
    fitted, panel = _fitted()
    loaded = load_model(save_model(fitted, tmp_path / "m.fcst"))
    pd.testing.assert_frame_equal(loaded.predict(), fitted.predict())
    for name in ("alpha", "beta", "phi", "weight"):
        np.testing.assert_array_equal(getattr(loaded.damped_, name), getattr(fitted.damped_, name))
    fitted.damped_ = dataclasses.replace(fitted.damped_, weight=0.0)  # validation may leave it out
    loaded = load_model(save_model(fitted, tmp_path / "zero.fcst"))
    assert loaded.damped_.weight == 0.0
    pd.testing.assert_frame_equal(loaded.predict(), fitted.predict())
    alone, _ = _fitted(combine="none")
    assert alone.damped_ is None and alone.plan_.damped_rows == 0
    assert not any(line.startswith("damped rows") for line in alone.plan_.lines())
    assert any(line.startswith("damped rows 60") for line in fitted.plan_.lines())


@pytest.mark.parametrize("worse", [False, True])
def test_one_series_decides_as_a_panel_does(monkeypatch, worse):
    """A panel of one: ``auto`` fits the smoother and validation decides (on 820 M1 series
    fitted one each, the average cut MASE 11% where the network alone was kept before)."""
    if worse:
        monkeypatch.setattr(
            "forecast_cli.origin_forecasts.damped_at_origins",
            lambda target, origins, *rest: np.full((len(origins), rest[-1]), 1e6),
        )
    cfg = fast_config(lookback=12, horizon=6)
    one = prepare_panel(long_panel(lengths=(84,)), cfg.data)
    fitted = Forecaster(cfg).fit(one)
    assert fitted.damped_ is not None and fitted.damped_.weight == (0.0 if worse else 0.5)
    cfg.model.combine = "none"
    assert Forecaster(cfg).fit(one).damped_ is None


def _window_values(target, origins, starts, series, fit, m, horizon):
    """What each window's steps hold (the last row repeated past the end): a perfect smoother."""
    rows = np.minimum(np.asarray(origins)[:, None] + np.arange(horizon), len(target) - 1)
    return np.asarray(target, dtype=np.float64)[rows]  # (origins, horizon)


@pytest.mark.parametrize(
    "smoother, weight",
    [
        (_window_values, 0.5),  # better than the network on validation: averaged in
        (lambda target, origins, *rest: np.full((len(origins), rest[-1]), 1e6), 0.0),  # worse: left out
    ],
)
def test_the_smoother_weighs_in_only_where_it_lowers_the_validation_error(monkeypatch, smoother, weight):
    """On a half-hourly demand panel the equal average quadrupled MASE (0.18 to 0.82): the
    weight is whichever of 0 and 0.5 scores lower on the validation windows."""
    monkeypatch.setattr("forecast_cli.origin_forecasts.damped_at_origins", smoother)
    fitted, _ = _fitted()
    assert fitted.damped_.weight == weight
    if not weight:  # the forecast is then the network's alone, to the bit
        both = fitted.predict(levels=())
        fitted.damped_ = None
        pd.testing.assert_frame_equal(both, fitted.predict(levels=()))


def test_combine_damped_averages_equally_whatever_validation_says(monkeypatch):
    monkeypatch.setattr(
        "forecast_cli.origin_forecasts.damped_at_origins",
        lambda target, origins, *rest: np.full((len(origins), rest[-1]), 1e6),
    )
    assert _fitted(combine="damped")[0].damped_.weight == 0.5


def test_the_network_alone_must_win_validation_by_over_one_percent():
    """Early stopping picked the network on the validation windows, so a near tie keeps the
    average (M1 quarterly: 1.002 on validation, 3% lower test MASE averaged)."""
    assert weight_for(100.0, 100.9) == 0.5 and weight_for(100.0, 99.0) == 0.5
    assert weight_for(100.0, 101.1) == 0.0 and weight_for(100.0, 331.0) == 0.0
    assert weight_for(0.0, 0.0) == 0.5  # nothing to score: the default's evidence stands


def test_a_file_from_before_the_weight_averages_equally(tmp_path):
    fitted, _ = _fitted()
    meta, arrays = fitted.state()
    del meta["damped_weight"]
    assert Forecaster.from_state(meta, arrays).damped_.weight == 0.5


def _reference_season(a: np.ndarray, m: int, horizon: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """One window's season the plain way, as stop 33 computed it: tested on all its rows,
    factors from its last five seasons, put on the rows and on the steps after them."""
    recent = a[-SEASONS_READ * m :]
    if not has_season(a, m) or len(recent) < 2 * m:
        return a, np.ones(horizon), True
    multiplicative = bool(np.all(recent > 0))
    factors = seasonal_factors(recent[None, :], m, np.array([multiplicative]))[0]  # (m,)
    phase = (len(recent) - len(a)) % m  # a[0]'s position in the factors' cycle
    here = factors[(phase + np.arange(len(a))) % m]
    adjusted = a / here if multiplicative else a - here
    return adjusted, factors[(phase + len(a) + np.arange(horizon)) % m], multiplicative


@pytest.mark.parametrize("m", [1, 2, 4, 12])
def test_batched_deseasonalising_matches_one_window_at_a_time(m):
    """Windows of one length as one array (``deseasonalised``) against the plain per-window
    decomposition: positive (multiplicative), negative (additive), seasonless, with a gap,
    of one row and of none."""
    rng = np.random.default_rng(m)
    n = max(6 * m, 40)
    rows = [_seasonal(n, m, seed) for seed in range(3)]
    rows += [_seasonal(n, m, 3) - 300.0, rng.normal(0, 1, n)]
    gap = _seasonal(n, m, 4)
    gap[n // 2] = np.nan
    windows = np.stack([*rows, gap])  # (6, n)
    for a in (windows, windows[:, -1:], windows[:, :0]):
        adjusted, ahead, multiplicative = deseasonalised(a, m, SEASONS_READ * m, 5)
        for i, row in enumerate(a):
            ref_adjusted, ref_ahead, ref_mult = _reference_season(row, m, 5)
            np.testing.assert_allclose(adjusted[i], ref_adjusted, rtol=1e-12)
            np.testing.assert_allclose(ahead[i], ref_ahead, rtol=1e-12)
            assert multiplicative[i] == ref_mult
    if m >= 4:  # the seasonal rows were found seasonal, the negative one additively
        assert (np.ptp(deseasonalised(windows, m, SEASONS_READ * m, 5)[1], axis=1)[:4] > 0).all()
        assert not deseasonalised(windows, m, SEASONS_READ * m, 5)[2][3]


def test_each_weight_of_a_tuple_is_the_forecast_at_that_weight():
    """``combine_weight`` scores ``weight=(0, 0.5)``: each slice must be what the model
    forecasts at that weight, flat and zero cuts included, not an average of cut forecasts."""
    fitted, panel = _fitted()
    values = np.concatenate([h.to_numpy() for h in fitted.histories_])
    ends = np.cumsum([len(h) for h in fitted.histories_])
    offsets = np.r_[0, ends]
    origins = ends - 3
    both = fitted.forecast_origins(values, origins, offsets, series=np.arange(3), weight=(0.0, 0.5))
    for k, w in enumerate((0.0, 0.5)):
        one = fitted.forecast_origins(values, origins, offsets, series=np.arange(3), weight=w)
        np.testing.assert_array_equal(both[k], one)
    assert not np.array_equal(both[0], both[1])


@pytest.mark.parametrize("m", [1, 4, 12])
def test_windows_forecast_together_as_each_would_alone(m, monkeypatch):
    """``damped_at_origins`` takes the windows of one length as one array, in chunks: each
    window's forecast is what it gives alone (short windows, negative values, a gap)."""
    rng = np.random.default_rng(m)
    ys = [_seasonal(n, m, seed) for seed, n in enumerate((30, 95, 140))]
    ys[1] = ys[1] - 150.0  # negative: an additive season
    ys[2][60] = np.nan  # windows reading the gap have no season and skip the value
    target, starts = np.concatenate(ys), np.r_[0, np.cumsum([len(y) for y in ys])[:-1]]
    fit = fit_damped(ys, m)
    seg = rng.integers(0, 3, 200)
    origins = starts[seg] + np.array([rng.integers(1, len(ys[s]) + 1) for s in seg])
    monkeypatch.setattr("forecast_cli.damped_trend.CHUNK", 7)  # several chunks per length
    together = damped_at_origins(target, origins, starts[seg], seg, fit, m, 6)
    alone = np.concatenate(
        [
            damped_at_origins(target, origins[i : i + 1], starts[seg[i : i + 1]], seg[i : i + 1], fit, m, 6)
            for i in range(200)
        ]
    )
    np.testing.assert_allclose(together, alone, rtol=1e-12)
    assert np.isfinite(together).all()


def test_a_series_ending_in_zeros_is_decomposed_without_a_numpy_warning():
    """A discontinued product (busier weekends, then zero sales for its last five weeks): a
    window whose rows show the weekly season but whose recent rows are all zero is additive
    (not every value is positive), and the multiplicative branch computed beside the kept
    one divided 0 by 0, which reached the user as 'warning: invalid value encountered in
    divide', twice. Its factors are the additive ones: none, for rows of zeros."""
    import warnings

    days = np.arange(140)
    sales = np.where(days % 7 >= 5, 15.0, 5.0) + (days % 3)  # a weekly season, some noise
    sales[-35:] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        factors = seasonal_factors(np.zeros((1, 35)), 7, np.array([False]))
        adjusted, ahead, multiplicative = deseasonalised(sales[None, :], 7, 35, 7)
    assert np.array_equal(factors, np.zeros((1, 7)))
    assert has_season(sales, 7) and not multiplicative[0]
    assert np.array_equal(adjusted[0], sales) and np.array_equal(ahead, np.zeros((1, 7)))


def test_the_decision_reads_at_most_its_windows_evenly_spread_over_the_panel(monkeypatch):
    """One ratio of two mean errors needs a few thousand windows at most: the smoother's
    forecasts of 20,000 windows of 1-minute data took 95% of a 209 s fit. The decision reads
    ``DECIDING_WINDOWS`` of them, from every series; the calibration still ranks them all."""
    seen = []
    real = damped_at_origins

    def counted(target, origins, *rest):
        seen.append(len(origins))
        return real(target, origins, *rest)

    monkeypatch.setattr("forecast_cli.combine_weight.DECIDING_WINDOWS", 12)
    monkeypatch.setattr("forecast_cli.origin_forecasts.damped_at_origins", counted)
    fitted, _ = _fitted()
    assert seen[0] <= 12 < fitted.metrics_["val_windows"]  # the decision's pass comes first


def test_series_searched_in_blocks_get_the_parameters_they_get_together(monkeypatch):
    """The search runs over blocks of ``FIT_SERIES`` series to bound its memory; each
    series' parameters are the same bit for bit whatever block it falls in (lengths differ,
    so the blocks' right-aligned arrays differ in width)."""
    import forecast_cli.damped_trend as damped

    rng = np.random.default_rng(3)
    ys = [
        50 + np.cumsum(rng.normal(0.2, 1.0, n)) + 5 * np.sin(np.arange(n) / 1.9)
        for n in (40, 90, 61, 120, 75, 33, 88)
    ]
    together = fit_damped(ys, 12)
    monkeypatch.setattr(damped, "FIT_SERIES", 3)
    blocks = fit_damped(ys, 12)
    for name in ("alpha", "beta", "phi"):
        np.testing.assert_array_equal(getattr(blocks, name), getattr(together, name))
    assert len(fit_damped([], 12).alpha) == 0


@given(
    st.integers(1, 6),
    st.integers(2, 30),
    st.integers(0, 2**31 - 1),
    st.sampled_from(["none", "left", "inside", "last"]),
)
def test_the_unmasked_recursion_equals_the_masked_one_bit_for_bit(windows, rows, seed, gaps):
    """From the first row where every window has started and sees every value, the
    recursion skips its masks; the level, trend and squared error are the masked
    recursion's to the last bit, with padding on the left, gaps inside or at the end."""
    import forecast_cli.damped_trend as damped

    rng = np.random.default_rng(seed)
    a = 100 + np.cumsum(rng.normal(0, 3, (windows, rows)), axis=1)
    if gaps == "left":
        for w in range(windows):
            a[w, : rng.integers(0, rows)] = np.nan
    elif gaps == "inside":
        a[rng.random(a.shape) < 0.2] = np.nan
    elif gaps == "last":
        a[0, -1] = np.nan
    sets = rng.uniform(0.05, 0.95, (3, windows, 4))
    phi = 0.8 + 0.18 * sets[2]
    fast = damped._recursion(a, sets[0], sets[1], phi)
    masked = damped._recursion(a, sets[0], sets[1], phi, keep_errors=True)  # never skips
    for got, want in zip(fast[:3], masked[:3], strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("calendar", [("dow", "holiday"), ("holiday", "dow", "month")])
def test_on_a_public_holiday_the_network_forecasts_alone(calendar):
    """The smoother forecasts every day as an ordinary one: averaged in on Christmas it
    halved the dip the network had learned. On a holiday step the network's forecast
    stands; every other step is the average."""
    days = pd.date_range("2022-01-01", "2023-12-20", freq="D")
    rng = np.random.default_rng(0)
    christmas = ((days.month == 12) & days.day.isin([25, 26])) | ((days.month == 1) & (days.day == 1))
    y = 100 + 20 * (days.day_of_week < 5) - 60 * christmas + rng.normal(0, 3, len(days))
    cfg = fast_config(lookback=14, horizon=14)
    cfg.data = dataclasses.replace(cfg.data, country="DE", calendar=calendar)  # the holiday column anywhere
    fitted = Forecaster(cfg).fit(prepare_panel(pd.DataFrame({"ds": days, "y": y}), cfg.data))
    assert "holiday" in fitted.plan_.calendar and fitted.damped_ is not None
    fitted.damped_ = dataclasses.replace(fitted.damped_, weight=0.5)
    both = fitted.predict(levels=())
    smoother, fitted.damped_ = fitted.damped_, dataclasses.replace(fitted.damped_, weight=0.0)
    network = fitted.predict(levels=())
    history = fitted.histories_[0]["y"].to_numpy()
    damped = damped_at_origins(
        history, np.array([len(history)]), np.array([0]), np.array([0]), smoother, fitted.plan_.season, 14
    )[0]
    holiday = np.isin(both.index.strftime("%m-%d"), ["12-25", "12-26", "01-01"])
    assert holiday.sum() == 3
    np.testing.assert_array_equal(both["y"].to_numpy()[holiday], network["y"].to_numpy()[holiday])
    average = 0.5 * (network["y"].to_numpy() + damped)
    np.testing.assert_allclose(both["y"].to_numpy()[~holiday], average[~holiday], rtol=1e-12)
