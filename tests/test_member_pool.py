"""``--local`` members pool their calibration: one table of every member's errors, in
``predict`` and fold by fold in the backtest, with no error from after a series' origin."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from forecast_cli.backtest import run_backtest
from forecast_cli.config import DataConfig
from forecast_cli.intervals import CalibrationTable
from forecast_cli.local_models import LocalForecaster
from forecast_cli.modelfile import load_model, save_model
from forecast_cli.panel import prepare_panel
from forecast_cli.panel_stamps import member_stamps
from forecast_cli.run_config import BacktestConfig

from .conftest import fast_config

BANDS = ["lo-80", "hi-80", "lo-95", "hi-95"]


def _frame(rows: int = 96) -> pd.DataFrame:
    """Three monthly series of different sizes and noise, ending together."""
    rng = np.random.default_rng(3)
    t = np.arange(rows)
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "unique_id": f"s{i}",
                    "ds": pd.date_range("2001-01-01", periods=rows, freq="MS"),
                    "y": (i + 1) * 40 + 10 * np.sin(2 * np.pi * t / 12 + i) + rng.normal(0, 1 + 2 * i, rows),
                }
            )
            for i in range(3)
        ]
    )


def _panel(frame: pd.DataFrame, rows: int | None = None):
    if rows is not None:
        frame = frame.groupby("unique_id").head(rows)
    return prepare_panel(frame, DataConfig())


def _local(**window):
    cfg = fast_config(**window)
    return dataclasses.replace(cfg, model=dataclasses.replace(cfg.model, local=True))


def test_every_member_bands_from_the_table_of_all_members_errors():
    local = LocalForecaster(_local(horizon=6)).fit(_panel(_frame()))
    members = list(local.members_.values())
    pool = np.vstack([m.calibration_errors_ for m in members])
    expected = CalibrationTable.from_errors(pool)
    assert all(len(m.calibration_errors_) < len(pool) for m in members)
    for member in members:
        np.testing.assert_array_equal(member.calibration_.abs_q, expected.abs_q)
        assert member.metrics_["calibration_windows"] == expected.windows
    # the pool, not a member's own: its own table would be narrower or wider somewhere
    own = CalibrationTable.from_errors(members[0].calibration_errors_)
    assert not np.array_equal(own.abs_q, expected.abs_q)


def test_the_pool_survives_the_model_file_with_and_without_newer_rows(tmp_path):
    frame = _frame()
    local = LocalForecaster(_local(horizon=6)).fit(_panel(frame, 80))
    save_model(local, tmp_path / "m.forecast")
    loaded = load_model(tmp_path / "m.forecast")
    pd.testing.assert_frame_equal(local.predict(), loaded.predict(), check_exact=True)
    newer = _panel(frame)  # 16 rows past training: their windows join the pool
    before, after = local.predict(newer), loaded.predict(newer)
    pd.testing.assert_frame_equal(before, after, check_exact=True)
    assert before.attrs["recalibrated_windows"] == after.attrs["recalibrated_windows"] > 0


def test_predict_on_newer_rows_gives_the_local_backtests_band_of_that_fold():
    """refit never: the backtest's last fold is forecast by members fitted at the first
    origin, banded by the pool of every member's validation errors and its windows since;
    ``predict`` with those members and every series' rows up to that origin gives the same
    bands, so the coverage a ``--local`` backtest reports is what ``predict`` delivers."""
    frame = _frame()
    cfg = _local(lookback=12, horizon=6)
    spec = BacktestConfig(folds=3, refit="never", models=("lstm",), baselines=False)
    result = run_backtest(_panel(frame), cfg, spec)
    first, last = result.folds[0], result.folds[2]
    fitted = LocalForecaster(cfg).fit(_panel(frame, first.origin))
    out = fitted.predict(_panel(frame, last.origin))
    assert out.attrs["recalibrated_windows"] > 0
    stamp = frame["ds"].iloc[last.origin - 1]
    fold = result.forecasts[result.forecasts["origin"] == stamp].set_index(["unique_id", "timestamp"])
    for column in ("forecast", *BANDS):
        got = out["y" if column == "forecast" else f"y-{column}"].to_numpy()
        # rtol 1e-6: batched and single forecasts sum in different orders (test_recalibration)
        np.testing.assert_allclose(got, fold[column].to_numpy(), rtol=1e-6)


@pytest.mark.parametrize("window", [{}, {"window": "sliding", "train_size": 60}, {"refit": 2, "folds": 4}])
def test_no_members_rows_after_an_origin_reach_that_folds_bands(window):
    """Every series changed from the middle fold's origin on: the bands of that fold and
    the one before are the same to the last digit, though the pool holds every member
    (sliding: a fit's rows count from its window's start, not the series')."""
    frame = _frame()
    cfg = _local(lookback=12, horizon=6)
    spec = BacktestConfig(**{"folds": 3, "refit": "never", "models": ("lstm",), "baselines": False, **window})
    before = run_backtest(_panel(frame), cfg, spec)
    middle = before.folds[1]
    changed = frame.copy()
    late = changed.groupby("unique_id").cumcount() >= middle.origin
    changed.loc[late, "y"] *= 3.0
    after = run_backtest(_panel(changed), cfg, spec)
    kept = before.forecasts["origin"] <= frame["ds"].iloc[middle.origin - 1]
    assert kept.sum() == 2 * 3 * 6 and (~kept).sum() == (len(before.folds) - 2) * 3 * 6
    for column in ("forecast", *BANDS):
        pd.testing.assert_series_equal(before.forecasts.loc[kept, column], after.forecasts.loc[kept, column])
    late_width = (after.forecasts["hi-80"] - after.forecasts["lo-80"])[~kept]
    assert not np.allclose(late_width, (before.forecasts["hi-80"] - before.forecasts["lo-80"])[~kept])


def test_a_member_fitted_later_joins_only_the_folds_it_forecasts():
    """s2 is too short for the first two folds: it fits at the last fold's origin, so its
    validation errors (rows up to that origin) are after the first two folds' origins and
    must not join their pools. Changing s2's rows leaves those folds' bands as they were
    and moves the last fold's, which its errors join."""
    frame = _frame()
    short = (frame["unique_id"] == "s2") & (frame.groupby("unique_id").cumcount(ascending=False) >= 28)
    frame = frame[~short]  # s2: the last 28 rows
    cfg = _local(lookback=12, horizon=6)
    spec = BacktestConfig(folds=3, refit="never", models=("lstm",), baselines=False)
    before = run_backtest(_panel(frame), cfg, spec)
    assert before.forecasts.groupby("unique_id")["origin"].nunique().to_dict() == {"s0": 3, "s1": 3, "s2": 1}
    changed = frame.copy()
    s2 = changed["unique_id"] == "s2"
    changed.loc[s2, "y"] += np.random.default_rng(0).normal(0, 30, s2.sum())  # every row of s2
    after = run_backtest(_panel(changed), cfg, spec)
    last = before.forecasts["origin"] == before.forecasts["origin"].max()
    early = ~last & (before.forecasts["unique_id"] != "s2")
    for column in ("forecast", *BANDS):
        pd.testing.assert_series_equal(
            before.forecasts.loc[early, column], after.forecasts.loc[early, column]
        )
    joined = last & (before.forecasts["unique_id"] == "s0")
    assert not np.allclose(before.forecasts.loc[joined, "hi-95"], after.forecasts.loc[joined, "hi-95"])


@pytest.mark.parametrize("pools", [256, 2])
def test_no_other_series_rows_dated_after_an_origin_reach_its_bands(pools, monkeypatch):
    """s2's data ends nine months before the others': its folds are nine months earlier
    than theirs of the same index. Every other series changed from s2's second origin on
    leaves s2's first two folds as they were, though the others' fits of those fold
    indices were trained and validated on changed rows (pooled by fold index, they
    widened s2's bands); the others' errors join s2's last fold, which is later. With two
    tables for all origins (a cap met), every row still has a band from none later."""
    monkeypatch.setattr("forecast_cli.network_bands.MAX_DATED_POOLS", pools)
    frame = _frame()
    late = (frame["unique_id"] == "s2") & (frame.groupby("unique_id").cumcount(ascending=False) < 9)
    frame = frame[~late]
    cfg = _local(lookback=12, horizon=6)
    spec = BacktestConfig(folds=3, refit="never", models=("lstm",), baselines=False)
    before = run_backtest(_panel(frame), cfg, spec).forecasts
    s2 = before["unique_id"] == "s2"
    firsts = sorted(before.loc[s2, "origin"].unique())  # the last stamp each s2 fold read
    from_second = frame["ds"] > firsts[1]  # the rows s2's second fold forecasts, and after
    changed = frame.copy()
    others = from_second & (changed["unique_id"] != "s2")
    changed.loc[others, "y"] += np.random.default_rng(1).normal(0, 20, others.sum())
    after = run_backtest(_panel(changed), cfg, spec).forecasts
    kept = s2 & (before["origin"] <= firsts[1])
    assert kept.sum() == 2 * 6
    for column in ("forecast", *BANDS):
        pd.testing.assert_series_equal(before.loc[kept, column], after.loc[kept, column])
    assert before[BANDS].notna().all().all()
    last = s2 & (before["origin"] == firsts[2])
    if pools > 2:  # with two tables s2's last fold takes its first's, which is earlier
        assert not np.allclose(before.loc[last, "hi-95"], after.loc[last, "hi-95"])


def test_stamps_of_every_series_compare_whatever_unit_each_parsed_in():
    """Plain dates parse as microseconds and a time with nanoseconds as nanoseconds: raw
    counts of the two are a thousandfold apart, so one series' later rows read as earlier
    than another's origin. The stamps are read in one unit, the finest."""
    rows = 40
    days = [f"2001-01-{d:02d}" for d in range(1, 32)] + [f"2001-02-{d:02d}" for d in range(1, 10)]
    plain = pd.DataFrame({"unique_id": "a", "ds": days, "y": np.arange(rows, dtype=float)})
    fine = plain.assign(unique_id="b", ds=[d + " 00:00:00.000000123" for d in days])
    panel = prepare_panel(pd.concat([plain, fine]), DataConfig())
    assert {m.frame.index.unit for m in panel.members} == {"us", "ns"}
    a, b = member_stamps(panel)
    assert a[1] > b[0] and b[1] > a[0] and a[0] < b[0] < a[1]


def test_dates_past_2262_are_pooled_by_their_stamps():
    """Nanoseconds end in 2262; dates parse as microseconds, and the pools read them so."""
    frame = _frame()
    frame["ds"] = frame["ds"].map(lambda t: t.replace(year=t.year + 300).strftime("%Y-%m-%d"))
    spec = BacktestConfig(folds=2, refit="never", models=("lstm",), baselines=False)
    result = run_backtest(_panel(frame), _local(lookback=12, horizon=6), spec)
    assert result.forecasts[BANDS].notna().all().all()


def test_numbered_steps_pool_fold_by_fold():
    """Numbered steps count each series' own rows and share no clock: the members pool per
    fold index, and every forecast is banded."""
    frame = _frame().drop(columns="ds")
    panel = prepare_panel(frame, DataConfig(time_col=""))
    assert not any(isinstance(m.frame.index, pd.DatetimeIndex) for m in panel.members)
    spec = BacktestConfig(folds=2, refit="never", models=("lstm",), baselines=False)
    result = run_backtest(panel, _local(lookback=12, horizon=6), spec)
    assert len(result.forecasts) == 3 * 2 * 6 and result.forecasts[BANDS].notna().all().all()
