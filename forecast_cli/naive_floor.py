"""The least a thinly calibrated band may be: seasonal naive's conformal band on the history.

Why a floor: conformal bands are as good as the windows behind them. A series too short
for many validation windows (a few years of monthly or quarterly data) calibrates its
network on 2 to 18 of them, all from the last stretch of one series, and each step's
band is then the largest of a handful of errors. On 60 M1 series cut to 12 quarters and
forecast a season ahead, 80% / 95% coverage was 0.51 / 0.51: the 95% band was no wider
than the 80% one, since both were the largest error seen; on 36 months 0.71 / 0.82.

Seasonal naive has no fitted weight, so its error at every origin of the history is out
of sample: a series of n rows gives it n - season windows, not 0.2 n. Its band (the
conformal quantile of its absolute errors per step, nearest steps borrowed as the
network's table borrows) says how far the series has moved a season ahead, in the data's
units; the network's band is widened to it where narrower, never narrowed. On the same
cuts coverage went to 0.85 / 0.89 and 0.88 / 0.97, and the mean 95% interval score fell
by a third; over six cuts of 12 to 96 rows the 80% band now over-covers by 4 to 10
points and its score rose 2-12% (but on 12 quarters), the price of no cut under-covering
(benchmarks/RESULTS.md, "Bands of short series").

When: only where the network's table has fewer first-step errors (one per validation
window) than the 95% band's conformal rank needs, 19 (``thin``): below that the exact
95% band is unbounded and the table's is the largest error seen. It is a property of the
table, not a tuned length: a panel pools thousands of windows and never gets the floor,
and ``predict`` with newer rows (``recalibration``) counts the windows they add.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .baselines import seasonal_naive
from .interval_levels import floored
from .intervals import CalibrationTable
from .windows import window_actuals


def thin(table: CalibrationTable) -> bool:
    """Whether ``table``'s own windows are too few to back a 95% band
    (``interval_levels.floored``); False when unknown (a model file that kept only the
    table gives the bands it gave)."""
    return floored(table.own_windows)


def naive_errors(y: np.ndarray, season: int, horizon: int) -> np.ndarray:
    """(origins, horizon) errors (actual - forecast) of seasonal naive at every origin of
    ``y`` with a season before it, NaN past its end; none when ``y`` is no longer than a
    season (naive in its place measured the seasonal swing: bands several times too wide)."""
    y = np.asarray(y, dtype=np.float64)
    if len(y) <= season:
        return np.empty((0, horizon))
    origins = np.arange(season, len(y))  # (origins,) the first forecast row of each window
    actual = window_actuals(y, origins, np.full(len(origins), len(y)), horizon)  # (origins, horizon)
    return actual - seasonal_naive(y, origins, horizon, season=season)


def naive_floor(f, targets: Sequence[np.ndarray], horizon: int, table: CalibrationTable):
    """``NaiveFloor.half`` for forecasts of ``f`` (a fitted ``Forecaster``) banded by
    ``table``, from ``targets``, each series' history: read from its last ``history_rows``,
    the rows the model keeps, so that a forecast from the stored history and one from the
    training data given again get the same floor (and a backtest fold the one ``predict``
    gives)."""
    rows = f.plan_.history_rows
    seasons = [f.season_] * len(targets)
    return NaiveFloor([y[-rows:] for y in targets], seasons, horizon, table.own_windows or 0).half


class NaiveFloor:
    """Each series' seasonal naive band half-widths, in the data's units, from its own
    history (``histories``: one target array each; ``seasons``: one season each). A series
    whose history gives seasonal naive no more windows than the network's table has
    (``fewest``) gets none: such a floor is as thin as what it would widen (with
    ``--combine none`` a model keeps only its lookback, a season or so of rows)."""

    def __init__(self, histories: Sequence[np.ndarray], seasons: Sequence[int], horizon: int, fewest: int):
        self.tables: list[CalibrationTable | None] = []
        for y, season in zip(histories, seasons, strict=True):
            errors = naive_errors(y, int(season), horizon)
            usable = int(np.isfinite(errors[:, 0]).sum()) > fewest
            self.tables.append(CalibrationTable.from_errors(errors) if usable else None)
        self.horizon = horizon

    def half(self, level: float) -> np.ndarray:
        """(series, horizon) the floor's half-width at ``level``, NaN for no floor."""
        none = np.full(self.horizon, np.nan)
        return np.stack([none if t is None else t.band(level, self.horizon) for t in self.tables])
