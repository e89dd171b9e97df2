"""The highway's starting baseline is the one with the lowest error on training windows."""

from __future__ import annotations

import numpy as np

from forecast_cli.highway import choose_highway


def test_a_random_walk_starts_naive():
    z = np.cumsum(np.random.default_rng(0).normal(size=600))
    origins = np.arange(48, 580)
    assert choose_highway(z, origins, (12,), 24, 12) == ("naive", 12)


def test_a_seasonal_series_starts_seasonal_on_its_own_cycle():
    t = np.arange(2000)
    noise = 0.05 * np.random.default_rng(1).normal(size=len(t))
    level = np.cumsum(np.random.default_rng(2).normal(0, 0.02, len(t)))  # drifts: a week back is staler
    daily = np.sin(2 * np.pi * t / 48) + level + noise
    kind, cycle = choose_highway(daily, np.arange(400, 1900), (48, 336), 384, 48)
    assert kind != "naive" and cycle == 48
    weekly = np.where((t // 48) % 7 < 5, 1.0, -1.0) * (1 + np.sin(2 * np.pi * t / 48)) + noise
    kind, cycle = choose_highway(weekly, np.arange(400, 1900), (48, 336), 384, 48)
    assert kind != "naive" and cycle == 336  # weekends repeat only a week later


def test_without_a_cycle_inside_the_lookback_the_highway_is_naive():
    z = np.sin(np.arange(300) / 5.0)
    assert choose_highway(z, np.arange(30, 280), (48,), 24, 6) == ("naive", 48)
