"""A thinly calibrated band is never narrower than seasonal naive's band on the history:
the errors hand-computed, the rule that says when, the widening (never a narrowing), and
the floor in ``predict`` and in the backtest, from rows before each origin only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast_cli import prediction
from forecast_cli.backtest import run_backtest
from forecast_cli.config import DataConfig
from forecast_cli.forecaster import Forecaster
from forecast_cli.intervals import LEVEL_GRID, CalibrationTable, bands
from forecast_cli.modelfile import load_model, save_model
from forecast_cli.naive_floor import NaiveFloor, naive_errors, thin
from forecast_cli.panel import prepare_panel
from forecast_cli.run_config import BacktestConfig
from forecast_cli.series import prepare_series

from .conftest import fast_config, rewrite_model


def test_seasonal_naive_errors_at_every_origin_match_hand_computed_values():
    y = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 7.0])
    got = naive_errors(y, season=2, horizon=3)
    # origin 2 forecasts y[0], y[1], y[0] for rows 2..4; origin 5 only has row 5 after it
    want = np.array([[2.0, 2.0, 4.0], [2.0, 2.0, 5.0], [2.0, 3.0, np.nan], [3.0, np.nan, np.nan]])
    np.testing.assert_array_equal(got, want)


def test_a_history_no_longer_than_its_season_gives_no_errors():
    """Naive in its place measured the seasonal swing, several times the network's band."""
    assert naive_errors(np.array([1.0, 3.0, 6.0]), season=4, horizon=2).shape == (0, 2)
    np.testing.assert_array_equal(
        naive_errors(np.array([1.0, 3.0, 6.0]), season=1, horizon=2), [[2.0, 5.0], [3.0, np.nan]]
    )


def test_a_floor_no_richer_than_the_table_is_not_drawn():
    """--combine none keeps only the lookback: 13 monthly rows give seasonal naive one window,
    no more than the table it would widen (5 here), so that series gets no floor."""
    rng = np.random.default_rng(0)
    short, long = rng.normal(size=13), rng.normal(size=60)
    floor = NaiveFloor([short, long], [12, 12], 6, fewest=5)
    assert np.isnan(floor.half(95)[0]).all() and np.isfinite(floor.half(95)[1]).all()
    assert np.isfinite(NaiveFloor([short], [12], 6, fewest=0).half(95)).all()


@pytest.mark.parametrize(("own", "floored"), [(0, True), (2, True), (18, True), (19, False), (400, False)])
def test_the_floor_applies_below_the_windows_a_95_percent_band_needs(own, floored):
    """ceil((n + 1) * 0.95) <= n first holds at n = 19: below it the exact 95% band is
    unbounded and the table's is the largest error seen."""
    table = CalibrationTable(np.ones((2, len(LEVEL_GRID))), windows=40, own_windows=own)
    assert thin(table) is floored


def test_a_table_without_its_window_count_gets_no_floor():
    """A model file from before the floor gives the bands it gave."""
    assert not thin(CalibrationTable(np.ones((2, len(LEVEL_GRID))), windows=3))


def test_a_table_counts_its_windows_by_their_first_step():
    errors = np.array([[1.0, 2.0, np.nan], [0.5, np.nan, np.nan], [np.nan, 1.0, 1.0]])
    assert CalibrationTable.from_errors(errors[:2]).own_windows == 2


def test_the_floor_widens_a_narrower_band_and_never_narrows_one():
    table = CalibrationTable.from_errors(np.array([[1.0, 1.0, 1.0]] * 30))  # half-width 1 everywhere
    point = np.array([[10.0, 10.0, 10.0], [20.0, 20.0, 20.0]])
    least = np.array([[0.5, 3.0, np.nan], [2.0, 0.0, 1.0]])  # series 0, step 2: no floor
    got = bands(point, np.ones(2), table, [80.0], [0.1, 0.5, 0.9], False, least=lambda level: least)
    np.testing.assert_array_equal(got["hi-80"] - point, [[1.0, 3.0, 1.0], [2.0, 1.0, 1.0]])
    np.testing.assert_array_equal(point - got["lo-80"], [[1.0, 3.0, 1.0], [2.0, 1.0, 1.0]])
    np.testing.assert_array_equal(got["q0.9"], got["hi-80"])  # a quantile is its band's edge
    np.testing.assert_array_equal(got["q0.1"], got["lo-80"])
    np.testing.assert_array_equal(got["q0.5"], point)


def test_a_step_with_no_band_keeps_none_under_the_floor():
    """Steps past the calibrated horizon have no band (no error that far was seen)."""
    table = CalibrationTable.from_errors(np.ones((30, 2)))
    got = bands(np.zeros((1, 3)), np.ones(1), table, [80.0], [], False, least=lambda level: np.ones((1, 3)))
    assert np.isnan(got["hi-80"][0, 2]) and got["hi-80"][0, 1] == 1.0


def _short(frame: pd.DataFrame, rows: int) -> pd.DataFrame:
    """``rows`` months with noise large beside the season, so the floor binds."""
    rng = np.random.default_rng(3)
    out = frame.iloc[:rows].copy()
    out["sales"] = out["sales"] + rng.normal(0, 15, rows)
    return out


def _fit(frame):
    return Forecaster(fast_config(lookback=12, horizon=12, season=("12",))).fit(
        prepare_series(frame, DataConfig())
    )


def test_predict_widens_a_short_series_band_to_seasonal_naive_on_its_history(monthly_frame, monkeypatch):
    frame = _short(monthly_frame, 30)
    f = _fit(frame)
    assert thin(f.calibration_)
    floored = f.predict(levels=[80, 95])
    monkeypatch.setattr(prediction, "thin", lambda table: False)
    plain = f.predict(levels=[80, 95])
    history = f.histories_[0]["sales"].to_numpy()  # the kept rows: all 30 here
    floor = NaiveFloor([history], [12], 12, f.calibration_.own_windows)
    for level in (80, 95):
        half = (plain[f"sales-hi-{level}"] - plain["sales"]).to_numpy()
        want = np.maximum(half, floor.half(level)[0])
        np.testing.assert_allclose(floored[f"sales-hi-{level}"] - floored["sales"], want, rtol=1e-12)
        np.testing.assert_allclose(floored["sales"] - floored[f"sales-lo-{level}"], want, rtol=1e-12)
        assert (want > half + 1e-9).any()  # the floor binds somewhere: the test can fail


def test_a_long_series_table_is_not_thin():
    t = np.arange(240)  # 20 years of months: 48 validation rows
    frame = pd.DataFrame(
        {"month": pd.date_range("2000-01-01", periods=240, freq="MS"), "sales": 100 + t + 10 * np.sin(t)}
    )
    f = _fit(frame)
    assert f.calibration_.own_windows >= 19 and not thin(f.calibration_)


def test_the_window_count_survives_the_model_file_and_an_older_file_gets_no_floor(
    monthly_frame, tmp_path, monkeypatch
):
    f = _fit(_short(monthly_frame, 30))
    path = save_model(f, tmp_path / "m.fcst")
    loaded = load_model(path)
    assert loaded.calibration_.own_windows == f.calibration_.own_windows
    pd.testing.assert_frame_equal(loaded.predict(levels=[80, 95]), f.predict(levels=[80, 95]))
    rewrite_model(path, edit_meta=lambda meta: meta["calibration"].pop("own_windows"))
    older = load_model(path).predict(levels=[80, 95])
    monkeypatch.setattr(prediction, "thin", lambda table: False)
    pd.testing.assert_frame_equal(older, f.predict(levels=[80, 95]))


def test_a_backtest_fold_floors_from_rows_before_its_origin_only(monthly_frame):
    frame = _short(monthly_frame, 60)
    config = fast_config(lookback=12, horizon=6, season=("12",))
    folds = BacktestConfig(folds=2, models=("lstm",), baselines=False)

    def fold_bands(data):
        got = run_backtest(prepare_panel(data, DataConfig()), config, folds).forecasts
        return got[got["model"] == "lstm"].sort_values("timestamp")

    before = fold_bands(frame)
    first = before["origin"].min()
    changed = frame.copy()
    changed.loc[changed["month"] > first, "sales"] += 500.0  # everything after fold 1's origin
    after = fold_bands(changed)
    one, one_after = before[before["origin"] == first], after[after["origin"] == first]
    for column in ("lo-80", "hi-80", "lo-95", "hi-95"):
        np.testing.assert_array_equal(one[column].to_numpy(), one_after[column].to_numpy())
    seen = frame.loc[frame["month"] <= first, "sales"].to_numpy()
    floor = NaiveFloor([seen], [12], 6, 0).half(95)[0]  # its windows outnumber the table's
    half = one["hi-95"].to_numpy() - one["forecast"].to_numpy()
    assert np.all(half >= floor - 1e-9)
    assert np.isclose(half, floor, rtol=1e-9).any()  # it binds: from the rows before the origin


def test_info_says_when_the_bands_are_floored(monthly_frame, tmp_path):
    from typer.testing import CliRunner

    from forecast_cli.cli import app

    path = save_model(_fit(_short(monthly_frame, 30)), tmp_path / "m.fcst")
    shown = CliRunner().invoke(app, ["info", str(path), "-f", "json"])
    assert shown.exit_code == 0, shown.output
    assert "at least seasonal naive's band on the history" in shown.stdout
    rewrite_model(path, edit_meta=lambda meta: meta["calibration"].pop("own_windows"))
    assert "seasonal naive" not in CliRunner().invoke(app, ["info", str(path), "-f", "json"]).stdout


@settings(max_examples=60, deadline=None)
@given(
    history=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=40),
    errors=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=20),
    probs=st.lists(st.floats(0.001, 0.999), min_size=2, max_size=8, unique=True),
    season=st.integers(1, 6),
)
def test_floored_quantiles_never_cross(history, errors, probs, season):
    """The floor is monotone in the level as the table is, so their larger is too."""
    table = CalibrationTable.from_errors(np.array(errors)[:, None] * np.ones((1, 3)))
    floor = NaiveFloor([np.array(history)], [season], 3, 0)
    out = bands(np.zeros((1, 3)), np.ones(1), table, (50, 80, 95), sorted(probs), False, least=floor.half)
    values = np.stack([out[f"q{p:g}"][0] for p in sorted(probs)])  # (probs, horizon)
    assert (np.diff(values, axis=0) >= -1e-9 * np.maximum(1.0, np.abs(values[1:]))).all()
    for a, b in ((50, 80), (80, 95)):
        assert (out[f"hi-{b}"] >= out[f"hi-{a}"] - 1e-9 * np.maximum(1.0, np.abs(out[f"hi-{b}"]))).all()


def test_a_history_with_no_more_naive_windows_than_the_table_sets_no_floor():
    """20 rows of season 4 give seasonal naive 16 windows: a table of 16 own windows has as
    many, so no floor; a table of 15 has fewer, so the floor holds."""
    y = np.arange(20.0) + np.tile([0.0, 3.0, 1.0, 2.0], 5)
    assert np.isnan(NaiveFloor([y], [4], 3, 16).half(95)).all()
    assert np.isfinite(NaiveFloor([y], [4], 3, 15).half(95)).all()
