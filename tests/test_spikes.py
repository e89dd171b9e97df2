"""Spikes (a value far outside its neighbours): found by hand-checked rules, kept out of
the damped trend and a band's scale, left alone on real data, and warned about by name."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli.cli import app
from forecast_cli.damped_trend import DampedFit, damped_at_origins
from forecast_cli.intervals import series_scale
from forecast_cli.spikes import HALF, spike_mask, tamed

from .conftest import FAST_TRAIN, SAMPLE

runner = CliRunner()


def _seasonal(n: int = 72, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 100 * (1 + 0.3 * np.sin(np.arange(n) * 2 * np.pi / 12)) + rng.normal(0, 5, n)


def test_a_spike_is_found_and_replaced_by_its_neighbours_median():
    y = _seasonal()
    y[40] = 1e5
    mask, near = spike_mask(y[None, :])
    assert np.flatnonzero(mask[0]).tolist() == [40]
    assert near[0, 40] == np.median(np.r_[y[37:40], y[41:44], 1e5])  # the seven rows around it
    fixed = tamed(y[None, :])[0]
    assert fixed[40] == near[0, 40] and np.array_equal(np.delete(fixed, 40), np.delete(y, 40))


@pytest.mark.parametrize(
    "case",
    ["step_like", "intermittent", "at_the_edge", "ten_times_spike_kept_as_change_of_level", "with_nan"],
)
def test_what_is_not_a_spike(case):
    """Each by one rule of the module: a value held for quarters then a real rise (QNM17's
    shape: the median change is ~0), a sale among zeros (median change 0), a spike in the
    last HALF rows (no neighbours after it), a new level that stays, a window with a NaN."""
    y = _seasonal()
    if case == "step_like":
        y = np.repeat([160.9, 170.5, 173.1, 240.9, 174.3], 12).astype(float)
    elif case == "intermittent":
        y = np.zeros(60)
        y[[7, 30]] = [4.0, 900.0]
    elif case == "at_the_edge":
        y[-HALF] = 1e5
    elif case == "ten_times_spike_kept_as_change_of_level":
        y[40:] *= 1000
    else:
        y[40], y[10] = 1e5, np.nan
    assert not spike_mask(y[None, :])[0].any()


def test_the_damped_trend_reads_a_spike_as_its_neighbours_median():
    """One 1e5 among values near 100 set a month's seasonal factor for five years: the
    forecast was 3.7 times the series. Now it equals the forecast of the tamed rows, and
    each window judges its own rows (the same origin, with and without later rows)."""
    y = _seasonal()
    spiked = y.copy()
    spiked[40] = 1e5
    fit = DampedFit(np.array([0.3]), np.array([0.1]), np.array([0.9]))
    args = (np.array([72]), np.array([0]), np.array([0]), fit, 12, 6)
    got = damped_at_origins(spiked, *args)
    want = damped_at_origins(tamed(spiked[None, 12:72])[0], np.array([60]), *args[1:])
    np.testing.assert_allclose(got, want)
    assert np.abs(got / damped_at_origins(y, *args) - 1).max() < 0.05


def test_a_spike_does_not_set_a_bands_scale():
    y = _seasonal()
    clean = series_scale(y, False)
    y[40] = 1e5
    assert series_scale(y, False) == pytest.approx(clean, rel=0.05)  # it was 250 times as large


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("airpassengers.csv", "passengers"),
        ("msft_daily.csv", "Close"),
        ("seattle_weather.csv", "temp_max"),
        ("taylor_halfhourly.csv", None),
        ("aus_accommodation.csv", "Takings"),
    ],
)
def test_no_row_of_the_sample_data_is_a_spike(name, target):
    """The benchmark figures rest on this: on real data the rule changes nothing."""
    frame = pd.read_csv(SAMPLE / name)
    column = target or frame.columns[-1]
    groups = [g[column] for _, g in frame.groupby("State")] if "State" in frame else [frame[column]]
    for values in groups:
        assert not spike_mask(values.to_numpy(dtype=np.float64)[None, :])[0].any()


def test_train_warns_naming_the_series_the_row_and_the_value(tmp_path):
    y = _seasonal()
    y[40] = 1e5
    stamps = pd.date_range("2017-01-01", periods=72, freq="MS").strftime("%Y-%m-%d")
    frame = pd.concat(
        [pd.DataFrame({"id": s, "ds": stamps, "y": v}) for s, v in (("a", y), ("b", _seasonal(seed=4)))]
    )
    frame.to_csv(tmp_path / "spike.csv", index=False)
    result = runner.invoke(
        app, ["train", str(tmp_path / "spike.csv"), *FAST_TRAIN[:-1], "-o", str(tmp_path / "m.fcst")]
    )
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if "far outside" in line]
    assert warned == [
        f"warning: 1 value far outside its neighbours (series 'a': 100000 at 2020-05-01, where they "
        f"are near {np.median(np.r_[y[37:40], y[41:44], 1e5]):g}): the damped trend and the bands' "
        "scale read their median there, the network the value; check the data"
    ]
