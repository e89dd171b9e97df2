"""Histories as three arrays: exact round trips through the model file's safe .npy reader,
and frames built only for the series asked for."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast_cli.model_archive import npy_array
from forecast_cli.stored_histories import StoredHistories

ZONES = [None, "UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]


def _through_npy(array: np.ndarray) -> np.ndarray:
    """What loading gives back: np.save, then the model file's checked .npy reader."""
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return npy_array(Path("m.fcst"), "x.npy", buffer.getvalue(), (array.shape, array.dtype))


@st.composite
def histories(draw) -> list[pd.DataFrame]:
    """1-4 series sharing columns: zone-aware or naive stamps in one unit, or integer steps;
    NaN (and infinities) allowed in the feature columns."""
    stepped = draw(st.booleans())
    zone = draw(st.sampled_from(ZONES))
    unit = draw(st.sampled_from(["s", "ms", "us", "ns"]))
    freq = draw(st.sampled_from(["h", "D", "15min", "MS"]))
    features = draw(st.integers(0, 2))
    columns = ["y", *[f"x{k}" for k in range(features)]]
    frames = []
    for _ in range(draw(st.integers(1, 4))):
        rows = draw(st.integers(0, 6))
        start = draw(st.integers(-20_000, 20_000))
        if stepped:
            index: pd.Index = pd.Index(np.arange(start, start + rows, dtype=np.int64), name="step")
        else:
            first = pd.Timestamp("2000-01-01") + pd.Timedelta(hours=start)
            index = pd.date_range(first, periods=rows, freq=freq, name="timestamp", unit=unit)
            if zone:
                index = index.tz_localize(zone, ambiguous="NaT", nonexistent="NaT").dropna()
                rows = len(index)
        target = st.floats(allow_nan=False, allow_infinity=False, width=64)
        feature = st.floats(allow_nan=True, allow_infinity=True, width=64)
        data = {"y": draw(st.lists(target, min_size=rows, max_size=rows))}
        for name in columns[1:]:
            data[name] = draw(st.lists(feature, min_size=rows, max_size=rows))
        frames.append(pd.DataFrame(data, index=index, columns=columns, dtype=np.float64))
    return frames


@settings(max_examples=60, deadline=None)
@given(histories())
def test_histories_round_trip_exactly_through_the_model_files_array_reader(frames):
    meta, arrays = StoredHistories.from_frames(frames).to_arrays("series/")
    back = StoredHistories.from_arrays(meta, {k: _through_npy(v) for k, v in arrays.items()}, "series/")
    assert len(back) == len(frames)
    for original, rebuilt in zip(frames, back, strict=True):
        # values bit for bit (NaN where NaN), stamps to the unit, zone and index name kept
        pd.testing.assert_frame_equal(rebuilt, original, check_exact=True, check_freq=False)
    lengths = [len(f) for f in frames]
    assert meta["rows"] == sum(lengths) and meta["rows_per_series"][2] == max(lengths)


def test_last_stamp_is_the_latest_end_in_the_series_zone():
    a = pd.DataFrame(
        {"y": [1.0, 2.0]}, index=pd.date_range("2021-03-28 00:00", periods=2, freq="h", tz="Europe/Berlin")
    )
    b = pd.DataFrame(
        {"y": [3.0]}, index=pd.date_range("2021-03-28 05:00", periods=1, freq="h", tz="Europe/Berlin")
    )
    stored = StoredHistories.from_frames([a, b])
    assert stored.last_stamp() == pd.Timestamp("2021-03-28 05:00", tz="Europe/Berlin")
    assert stored.summary()["end"] == "2021-03-28T05:00:00+02:00"
    steps = StoredHistories.from_frames([pd.DataFrame({"y": [1.0]}, index=pd.Index([41], name="step"))])
    assert steps.last_stamp() == 41


def test_select_and_concat_are_inverse():
    frames = [
        pd.DataFrame({"y": np.arange(n, dtype=float)}, index=pd.Index(np.arange(n) + 10 * n, name="step"))
        for n in (3, 1, 4)
    ]
    stored = StoredHistories.from_frames(frames)
    again = StoredHistories.concat([stored.select(i) for i in range(len(stored))])
    np.testing.assert_array_equal(again.offsets, [0, 3, 4, 8])
    for original, rebuilt in zip(frames, again, strict=True):
        pd.testing.assert_frame_equal(rebuilt, original)
    assert stored[-1].index[0] == 40 and len(stored[0:2]) == 2
    with pytest.raises(IndexError):
        stored[3]


@pytest.mark.parametrize(
    "offsets, problem",
    [([0, 2, 3], "do not span"), ([1, 4], "do not span"), ([0, 3, 2, 4], "decrease")],
)
def test_offsets_that_do_not_fit_the_rows_are_refused(offsets, problem):
    with pytest.raises(ValueError, match=problem):
        StoredHistories(np.zeros((4, 1)), np.array(offsets), np.zeros(4, np.int64), ["y"], unit=None)
