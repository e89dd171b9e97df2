"""The whole-table panel path (panel_table) gives exactly the Panel, or exactly the error,
that the per-series path gives: messy small panels through both, compared member by member."""

from __future__ import annotations

import dataclasses
import io
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecast_cli import panel_table, series
from forecast_cli.config import DataConfig
from forecast_cli.errors import DataError, UsageError
from forecast_cli.io import read_csv
from forecast_cli.panel import prepare_panel

from .test_panel import long_panel

FREQS = ("D", "h", "30min", "W-SUN", "MS", "ME", "B", "QS", "QE-FEB", "YS", "2D")


@contextmanager
def per_series_only():
    panel_table.ENABLED = False
    try:
        yield
    finally:
        panel_table.ENABLED = True


def _outcome(raw: pd.DataFrame, cfg: DataConfig):
    try:
        return prepare_panel(raw.copy(), cfg)
    except (DataError, UsageError) as exc:
        return type(exc), str(exc)


def assert_same_outcome(raw: pd.DataFrame, cfg: DataConfig) -> None:
    fast = _outcome(raw, cfg)
    with per_series_only():
        slow = _outcome(raw, cfg)
    if isinstance(slow, tuple) or isinstance(fast, tuple):
        assert fast == slow
        return
    assert (fast.ids, fast.id_col, fast.statics, fast.notes) == (
        slow.ids,
        slow.id_col,
        slow.statics,
        slow.notes,
    )
    assert fast.summary_line() == slow.summary_line()
    for a, b in zip(fast.members, slow.members, strict=True):
        pd.testing.assert_frame_equal(a.frame, b.frame, check_exact=True, check_freq=True)
        assert (a.target, a.features, a.freq, a.report) == (b.target, b.features, b.freq, b.report)


@st.composite
def messy_panels(draw):
    """A long CSV (as read_csv reads it) of 1-4 series sharing a step, each maybe with gaps,
    duplicates, a NaN, a non-numeric cell, a constant target, another start and length;
    rows maybe shuffled or ordered by time across series."""
    freq = draw(st.sampled_from(FREQS))
    timed = draw(st.integers(0, 5)) > 0
    frames = []
    for i in range(draw(st.integers(1, 4))):
        n = draw(st.integers(1, 25))
        start = pd.Timestamp("2019-12-28") + pd.Timedelta(hours=draw(st.sampled_from([0, 0, 0, 24, 72, 9])))
        stamps = pd.date_range(start, periods=n, freq=freq)
        y = np.round(np.random.default_rng(draw(st.integers(0, 9))).normal(10, 3, n), 3).astype(object)
        frame = pd.DataFrame({"unique_id": f"S{i}", "ds": stamps.strftime("%Y-%m-%d %H:%M:%S"), "y": y})
        if draw(st.integers(0, 9)) == 0:
            frame["y"] = 5.0  # constant
        if n > 3 and draw(st.integers(0, 4)) == 0:
            frame = frame.drop(frame.index[draw(st.integers(1, n - 2))])  # a gap
        if draw(st.integers(0, 5)) == 0:
            frame = pd.concat([frame, frame.iloc[[draw(st.integers(0, len(frame) - 1))]].assign(y=1.5)])
        frame["y"] = frame["y"].astype(object)
        if draw(st.integers(0, 6)) == 0:
            frame.iloc[draw(st.integers(0, len(frame) - 1)), 2] = draw(
                st.sampled_from([np.nan, "abc", "inf"])
            )
        if draw(st.booleans()):
            frame["x"] = np.arange(len(frame), dtype=float)
        frames.append(frame)
    raw = pd.concat(frames, ignore_index=True)
    layout = draw(st.sampled_from(["grouped", "by time", "shuffled"]))
    if layout == "by time":
        raw = raw.sort_values("ds", kind="stable")
    elif layout == "shuffled":
        raw = raw.iloc[draw(st.permutations(range(len(raw))))]
    if not timed:
        raw = raw.drop(columns="ds")
    if "x" in raw:
        raw["x"] = raw["x"].fillna(0.0)
    text = io.StringIO()
    raw.to_csv(text, index=False)
    features = ("x",) if "x" in raw and draw(st.booleans()) else ()
    return read_csv(io.StringIO(text.getvalue())), DataConfig(target="y", features=features)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_panels())
def test_the_table_path_gives_the_per_series_panel_or_error(case):
    raw, cfg = case
    assert_same_outcome(raw, cfg)


def _daily_panel(series_count: int, points: int = 40, starts=None) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    parts = []
    for i in range(series_count):
        start = pd.Timestamp("2021-01-01") + pd.Timedelta(days=0 if starts is None else starts[i])
        ds = pd.date_range(start, periods=points, freq="D").strftime("%Y-%m-%d")
        parts.append(pd.DataFrame({"unique_id": f"S{i:03d}", "ds": ds, "y": rng.normal(100, 5, points)}))
    return pd.concat(parts, ignore_index=True)


def test_a_clean_panel_runs_one_series_per_grid_through_the_per_series_path(monkeypatch):
    """The table path is really taken: a clean daily panel with two start dates costs one
    ``prepare_series`` call per kind of grid, not one per series, and gives the same Panel."""
    calls = []
    original = series.prepare_series
    monkeypatch.setattr(panel_table, "prepare_series", lambda *a: calls.append(1) or original(*a))
    raw = _daily_panel(30, starts=[i % 2 for i in range(30)])
    panel = prepare_panel(raw, DataConfig())
    assert len(panel) == 30 and panel.freq == "D" and len(calls) == 1
    assert_same_outcome(raw, DataConfig())


def test_monthly_series_with_different_starts_share_one_grid_kind(monkeypatch):
    calls = []
    original = series.prepare_series
    monkeypatch.setattr(panel_table, "prepare_series", lambda *a: calls.append(1) or original(*a))
    raw = long_panel(lengths=(60, 84, 48, 30))  # month starts from January, April, July, October
    panel = prepare_panel(raw, DataConfig())
    assert panel.freq == "MS" and len(panel) == 4 and len(calls) == 1
    assert_same_outcome(raw, DataConfig())


@pytest.mark.parametrize(
    "cfg",
    [DataConfig(ids=("S003", "S001")), DataConfig(time_col=""), DataConfig(agg="sum")],
    ids=["ids", "integer-steps", "agg"],
)
def test_options_give_the_same_panel_on_both_paths(cfg):
    assert_same_outcome(_daily_panel(5), cfg)


def test_a_given_freq_that_regrids_averages_into_its_bins_on_either_path():
    """--freq 2D on daily series: each series' 2-day bins hold the mean of their two days,
    computed here by hand; the table path's representative is changed by the regridding,
    so every series goes through the per-series path, and both paths agree."""
    raw = _daily_panel(5)
    panel = prepare_panel(raw, DataConfig(freq="2D"))
    assert panel.freq == "2D" and len(panel) == 5
    for name, member in zip(panel.ids, panel.members, strict=True):
        y = raw.loc[raw["unique_id"] == name, "y"].to_numpy()
        np.testing.assert_allclose(member.frame["y"].to_numpy(), y.reshape(-1, 2).mean(axis=1), rtol=1e-12)
        assert member.frame.index[0] == pd.Timestamp("2021-01-01") and member.frame.index[1] == pd.Timestamp(
            "2021-01-03"
        )
    assert_same_outcome(raw, DataConfig(freq="2D"))


def test_a_given_freq_that_is_the_datas_own_step_takes_the_table_path(monkeypatch):
    """--freq D on clean daily series (and predict, which always gives the model's step):
    one ``prepare_series`` call per kind of grid, not one per series (5,000 monthly series
    took 13.6 s with --freq MS, 0.4 s without), and the same Panel as the per-series path."""
    calls = []
    original = series.prepare_series
    monkeypatch.setattr(panel_table, "prepare_series", lambda *a: calls.append(1) or original(*a))
    raw = _daily_panel(30, starts=[i % 2 for i in range(30)])
    panel = prepare_panel(raw, DataConfig(freq="D"))
    assert len(panel) == 30 and panel.freq == "D" and len(calls) == 1
    assert panel.members[0].report.freq_source == "given"
    assert_same_outcome(raw, DataConfig(freq="D"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_panels(), st.sampled_from(["D", "2D", "h", "W-SUN", "MS", "QS"]))
def test_the_table_path_gives_the_per_series_panel_or_error_with_a_freq_given(case, freq):
    raw, cfg = case
    assert_same_outcome(raw, dataclasses.replace(cfg, freq=freq))


def test_monthly_panel_with_shared_dates_and_a_datetime_column_match():
    raw = _daily_panel(4, points=400)
    raw["ds"] = pd.to_datetime(raw["ds"]).dt.to_period("M").dt.to_timestamp()
    raw = raw.drop_duplicates(["unique_id", "ds"])
    assert_same_outcome(raw, DataConfig())


def test_a_wide_table_matches_on_both_paths():
    t = np.arange(30)
    wide = pd.DataFrame(
        {"day": pd.date_range("2020-01-01", periods=30, freq="D").strftime("%Y-%m-%d"), "a": 10 + np.sin(t)}
    )
    wide["b"] = 20 + np.cos(t)
    assert_same_outcome(wide, DataConfig(target="a,b"))
    wide.loc[4, "b"] = np.nan
    assert_same_outcome(wide, DataConfig(target="a,b"))


def _statics_by_series(raw: pd.DataFrame, wanted, col: str):
    """The per-series reading of a static column (the definition the table path must match)."""
    per = (
        raw[col]
        .groupby(raw["unique_id"].to_numpy(), sort=False)
        .agg(lambda v: sorted(set(v.dropna().astype(str))))
    )
    for key in wanted:
        if len(per[key]) != 1:
            what = "has no value" if not per[key] else f"changes ({', '.join(per[key][:3])})"
            return f"static column {col!r} {what} in series {key!r}"
    return {col: tuple(per[k][0] for k in wanted)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from([1, 1.0, 2.5, "1", "north", "south", None]), min_size=5 * 4, max_size=5 * 4),
    st.sampled_from([(), ("S002", "S000")]),
)
def test_static_columns_read_over_the_table_match_the_per_series_reading(cells, ids):
    raw = _daily_panel(5, points=4)
    raw["kind"] = pd.Series(cells, dtype=object)
    if all(isinstance(c, (int, float)) and c is not None for c in cells):
        raw["kind"] = raw["kind"].astype(float)
    wanted = list(ids) or sorted(raw["unique_id"].unique())
    expected = _statics_by_series(raw, wanted, "kind")
    try:
        got = prepare_panel(raw, DataConfig(static_cols=("kind",), ids=ids)).statics
    except DataError as exc:
        got = str(exc)
    if isinstance(expected, str):
        assert isinstance(got, str) and got.startswith(expected)
    else:
        assert got == expected
