"""Window shapes, alignment, zero-copy views and the temporal split."""

from __future__ import annotations

import numpy as np
import pytest

from forecast_cli.errors import DataError
from forecast_cli.windows import gather_windows, panel_split, temporal_split, window_origins, window_view


def test_windows_align_inputs_and_targets_on_a_hand_made_series():
    series = np.arange(10.0)  # row i holds value i
    origins = window_origins(10, lookback=3, horizon=2)
    assert origins.tolist() == [3, 4, 5, 6, 7, 8]
    inputs = gather_windows(series[:, None], origins, 3)
    assert inputs.shape == (6, 3, 1)  # (windows, lookback, features)
    assert inputs[0, :, 0].tolist() == [0.0, 1.0, 2.0]  # rows t-3 .. t-1 for origin t=3
    assert inputs[-1, :, 0].tolist() == [5.0, 6.0, 7.0]
    targets = window_view(series, 2)[origins]  # rows t .. t+1
    assert targets[0, :, 0].tolist() == [3.0, 4.0] and targets[-1, :, 0].tolist() == [8.0, 9.0]


def test_stride_skips_origins():
    assert window_origins(10, 3, 2, stride=2).tolist() == [3, 5, 7]


def test_window_view_shares_memory_with_the_series():
    series = np.random.default_rng(0).normal(size=(1000, 3)).astype(np.float32)
    view = window_view(series, 50)
    assert view.shape == (951, 50, 3)
    assert np.shares_memory(view, series)
    assert view[10, 0, 2] == series[10, 2] and view[10, 49, 1] == series[59, 1]


def test_temporal_split_keeps_training_targets_before_validation_rows():
    split = temporal_split(100, lookback=10, horizon=5, val_fraction=0.2)
    assert split.train_end == 80
    assert split.train_origins.min() == 10
    assert split.train_origins.max() + 5 <= split.train_end  # last training target row is 79
    assert split.val_origins.tolist() == list(range(80, 100))


def test_temporal_split_with_differencing_starts_after_row_zero():
    split = temporal_split(50, lookback=4, horizon=2, val_fraction=0.2, first=1)
    assert split.train_origins.min() == 5


def test_too_short_series_says_how_many_rows_are_needed():
    with pytest.raises(DataError, match="need at least 17"):
        temporal_split(15, lookback=10, horizon=5, val_fraction=0.1)


def test_a_panel_split_keeps_every_training_target_before_its_series_validation_rows():
    """Two series of 30 and 20 rows, lookback 5, horizon 2, a fifth validating: by hand,
    training ends at 24 and 16; training origins run 5..22 and 5..14 (the last whose two
    targets are training rows), stacked at 0 and 30; the validation rows are 24..29 and
    16..19. One origin too early or too late moves a target across the split."""
    split = panel_split(np.array([30, 20]), lookback=5, horizon=2, val_fraction=0.2)
    assert split.train_ends.tolist() == [24, 16]
    assert split.train_origins.tolist() == [*range(5, 23), *range(30 + 5, 30 + 15)]
    assert split.val_origins.tolist() == [*range(24, 30), *range(30 + 16, 30 + 20)]
    assert split.bounds.tolist() == [0, 30, 50]
    assert split.series_of_train.tolist() == [0] * 18 + [1] * 10
