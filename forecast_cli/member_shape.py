"""What each ``--local`` member is given: the horizon they all share, resolved once from
the whole panel, and its own seed (``member_config``).

Each member plans from its own rows, so a member too short to see the season twice fell to
no season, and with it to the default horizon of one step: ``predict`` gave 12 months for
two series of a monthly panel and 1 for the third. The default horizon is the panel's
forecast length, so it is resolved once from every series' lengths (as a global model and
``backtest --local`` resolve it) and handed to each member; the members' plans keep the
reason it was resolved for, not "given". The season, lookback and the rest stay each
member's own: they describe how its network reads its rows.
"""

from __future__ import annotations

import dataclasses

from .compute import task_seed
from .config import ForecastConfig
from .frequency_defaults import resolve_shape
from .panel import Panel


def shared_horizon(config: ForecastConfig, panel: Panel) -> tuple[ForecastConfig, str | None, int]:
    """(the config each member plans from, the horizon's reason to put back in its plan
    (None when the horizon was given), the panel's season: the lag a series too short for
    a network repeats (``short_members``), whichever member happens to come first)."""
    shape = resolve_shape(config, panel.freq, list(panel.lengths), panel.last_stamp, cut_lookback=False)
    if config.window.horizon is not None:
        return config, None, shape.season
    window = dataclasses.replace(config.window, horizon=shape.horizon)
    return dataclasses.replace(config, window=window), shape.reasons["horizon"], shape.season


def with_horizon_reason(plan, reason: str | None):
    """``plan`` saying why its horizon is what it is (``reason`` None: as it says)."""
    if reason is None:
        return plan
    return dataclasses.replace(plan, reasons={**plan.reasons, "horizon": reason})


def member_config(config: ForecastConfig, series_id: str) -> ForecastConfig:
    """The config member ``series_id`` trains with: the base config, its own seed."""
    train = dataclasses.replace(config.train, seed=task_seed(config.train.seed, series_id))
    return dataclasses.replace(config, train=train)
