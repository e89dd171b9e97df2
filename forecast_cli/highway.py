"""The baseline the network's highway starts as (see ``models``), chosen on training windows.

The highway is a linear map from the lookback to the horizon, initialised so an untrained
model already makes a baseline's forecast. Which baseline, and for sub-daily data which
cycle (a day or a week), is decided here by the lowest multi-step MAE over a sample of
the training windows, with the very weights the highway would start with.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .models import HIGHWAY_INITS, highway_weights
from .windows import evenly_spaced, gather_windows

_HIGHWAY_SAMPLE = 20_000  # training windows that vote on the highway's starting baseline


def choose_highway(
    z: np.ndarray, origins: np.ndarray, seasons: Sequence[int], lookback: int, horizon: int
) -> tuple[str, int]:
    """(baseline, cycle) the highway starts as: ``choose_highway_init`` over every cycle of
    ``seasons`` (a daily and a weekly one for half-hourly data); the first wins a tie."""
    best: tuple[float, str, int] | None = None
    for season in seasons or (1,):
        errors = _highway_errors(z, origins, season, lookback, horizon)
        kind = min(errors, key=errors.__getitem__)
        if best is None or errors[kind] < best[0]:
            best = (errors[kind], kind, season)
    assert best is not None
    return best[1], best[2]


def _highway_errors(
    z: np.ndarray, origins: np.ndarray, season: int, lookback: int, horizon: int
) -> dict[str, float]:
    if season <= 1 or season > lookback or len(origins) == 0:
        return {"naive": 0.0}
    origins = origins[evenly_spaced(len(origins), _HIGHWAY_SAMPLE)]
    inputs = gather_windows(z[:, None], origins, lookback)[..., 0]  # (origins, lookback)
    level = inputs[:, -1:]
    actual = z[origins[:, None] + np.arange(horizon)[None, :]]  # (origins, horizon)
    return {
        kind: float(
            np.mean(
                np.abs((inputs - level) @ highway_weights(kind, season, lookback, horizon).T + level - actual)
            )
        )
        for kind in HIGHWAY_INITS
    }
