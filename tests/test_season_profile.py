"""The long-run seasonal profile input: its value by hand, no leakage past the origin, the
rule that gives it, and the same forecasts from the stored history, the whole series and
a loaded model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from forecast_cli.config import DataConfig, ForecastConfig, ModelConfig, TrainConfig, WindowConfig
from forecast_cli.drift import long_run
from forecast_cli.forecaster import Forecaster
from forecast_cli.modelfile import load_model, save_model
from forecast_cli.panel import prepare_panel
from forecast_cli.season_profile import profile_columns, season_profile

# Series A is rows 0-9, series B rows 10-14. A's rows 1-4 and 5-8 are two seasons of 4:
# [1, 5, 2, 4] (mean 3) and [3, 7, 4, 6] (mean 5), each deviating [-2, 2, -1, 1].
TARGET = np.array([0, 1, 5, 2, 4, 3, 7, 4, 6, 99, 10, 12, 11, 13, 50], dtype=np.float64)


def test_the_profile_is_each_phase_deviation_from_its_season_with_the_slope_taken_out():
    origins = np.array([9, 5, 3, 14])
    starts = np.array([0, 0, 0, 10])
    got = season_profile(TARGET, origins, starts, rows=8, season=4, columns=3)
    # origin 9: both seasons; slope (5 - 3) / 4 = 0.5 a row, times the phase offsets
    # [-1.5, -0.5, 0.5, 1.5] is [-0.75, -0.25, 0.25, 0.75]; [-2, 2, -1] minus that.
    # origin 5: one season (rows 1-4), no slope: [-2, 2, -1]. origin 3: no whole season: 0.
    # origin 14 (series B): rows 10-13 [10, 12, 11, 13], mean 11.5: [-1.5, 0.5, -0.5].
    expected = [[-1.25, 2.25, -1.25], [-2.0, 2.0, -1.0], [0.0, 0.0, 0.0], [-1.5, 0.5, -0.5]]
    np.testing.assert_allclose(got, expected)
    as_torch = season_profile(torch.tensor(TARGET), torch.tensor(origins), torch.tensor(starts), 8, 4, 3)
    np.testing.assert_allclose(as_torch.numpy(), expected)


def test_step_j_after_the_origin_gets_the_phase_of_the_row_one_season_before_it():
    """A pure season [0, 10, 0, -10] repeating: the profile lists the values the next steps
    will take, whichever phase the origin falls on."""
    y = np.tile([0.0, 10.0, 0.0, -10.0], 6)
    for origin in range(8, 24):
        got = season_profile(y, np.array([origin]), np.array([0]), rows=8, season=4, columns=4)[0]
        np.testing.assert_allclose(got, y[origin - 4 : origin], atol=1e-12)


def test_drift_and_profile_come_together_as_one_block_of_columns():
    origins, starts = np.array([9]), np.array([0])
    both = long_run(TARGET, origins, starts, rows=8, horizon=2, season=4, profile=2)
    assert both.shape == (1, 3)
    np.testing.assert_allclose(both[0, 1:], [-1.25, 2.25])
    assert long_run(TARGET, origins, starts, rows=8, horizon=2).shape == (1, 1)  # no profile


@given(st.lists(st.floats(-1e3, 1e3), min_size=30, max_size=40), st.integers(1, 29), st.integers(1, 24))
def test_the_profile_reads_only_whole_seasons_of_its_span_before_the_origin(values, origin, rows):
    y = np.array(values)
    base = season_profile(y, np.array([origin]), np.array([0]), rows, 4, 4)
    span = (min(origin, (rows // 4) * 4) // 4) * 4  # rows read: whole seasons, newest first
    for r in [*range(origin - span), *range(origin, len(y))]:
        bumped = y.copy()
        bumped[r] += 1e6
        after = season_profile(bumped, np.array([origin]), np.array([0]), rows, 4, 4)
        np.testing.assert_array_equal(after, base)


@pytest.mark.parametrize(
    ("highway", "season", "drift_rows", "horizon", "direct", "columns"),
    [
        ("naive", 4, 32, 8, True, 4),  # the windows could not read their season: give it
        ("naive", 12, 96, 6, True, 6),  # only the phases of the steps forecast
        ("seasonal", 12, 96, 18, True, 0),  # the window's seasonal lag already wins
        ("seasonal_drift", 4, 32, 8, True, 0),
        ("naive", 1, 32, 8, True, 0),  # no season
        ("naive", 4, 0, 8, True, 0),  # no drift span: a single series
        ("naive", 4, 32, 8, False, 0),  # recursive: the phases would roll past it
    ],
)
def test_the_profile_is_given_where_the_highway_starts_naive_on_seasonal_data(
    highway, season, drift_rows, horizon, direct, columns
):
    assert profile_columns(highway, season, drift_rows, horizon, direct) == columns


def _noisy_quarterly(n_series: int = 6, rows: int = 60, seed: int = 0) -> pd.DataFrame:
    """A small season under random-walk levels: the last value forecasts better than the
    value a year before, so the highway starts as naive and the profile is given."""
    rng = np.random.default_rng(seed)
    parts = []
    for i in range(n_series):
        level = 100 + np.cumsum(rng.normal(0, 3, rows))
        season = np.tile([1.0, -1.0, 2.0, -2.0], rows // 4 + 1)[:rows]
        parts.append(
            pd.DataFrame(
                {
                    "id": f"q{i}",
                    "t": pd.date_range("2000-01-01", periods=rows, freq="QS"),
                    "y": level + season,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def test_a_model_with_the_profile_forecasts_alike_from_its_file_its_history_and_the_whole_series(tmp_path):
    cfg = ForecastConfig(
        data=DataConfig(target="y", id_col="id"),
        window=WindowConfig(horizon=6),
        model=ModelConfig(hidden=8),
        train=TrainConfig(epochs=3, batch_size=64),
    )
    panel = prepare_panel(_noisy_quarterly(), cfg.data)
    fitted = Forecaster(cfg).fit(panel)
    args = fitted.network_args_
    assert (args.highway_init, args.season, args.profile) == ("naive", 4, 4)
    stored = fitted.predict()
    pd.testing.assert_frame_equal(fitted.predict(panel), stored)
    pd.testing.assert_frame_equal(load_model(save_model(fitted, tmp_path / "m.fcst")).predict(), stored)
    # the profile is read: the same model with its profile columns zeroed forecasts otherwise
    with torch.no_grad():
        fitted.network_.rnn.weight_ih_l0[:, 2:6] = 0.0
    assert not np.allclose(fitted.predict(levels=())["y"], stored["y"])
