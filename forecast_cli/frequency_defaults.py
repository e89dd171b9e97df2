"""The defaults the frequency decides: the season (or a daily and a weekly cycle), the
horizon and the lookback (``resolve_shape``); the calendar inputs are ``calendar_defaults``.
Why each default is what it is: ``plan``'s docstring, the one place defaults are explained;
``plan.resolve_plan`` is the only caller that turns them into a plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calendars import Calendar
from .config import ForecastConfig
from .steps import seasonal_period

WEEK_MAX_STEPS = 7 * 96  # a week of 15-minute steps: the finest data given a weekly cycle


@dataclass(frozen=True)
class Shape:
    """The window shape: decided from the config and the frequency alone, never the values."""

    season: int
    horizon: int
    lookback: int
    reasons: dict[str, str]
    seasons: tuple[int, ...] = ()


def resolve_shape(
    config: ForecastConfig,
    freq: str | None,
    lengths: Sequence[int] = (),
    until: pd.Timestamp | None = None,
    cut_lookback: bool = True,
    ys: Sequence[np.ndarray] | None = None,
) -> Shape:
    """Season, horizon and lookback (see the module docstring for the defaults).

    ``--season`` overrides the frequency's natural season (integer steps have none);
    ``lengths``, the rows of each series, drop a natural cycle the longest series does not
    hold twice (``_seen_twice``) and can shorten a panel's default lookback
    (``_within_reach``, unless ``cut_lookback`` is off: ``--local`` fits each series alone);
    ``until``, the data's last timestamp, dates the trading hours that exchange bars'
    season counts. ``ys``, the training values, drop the week that 15-minute to hourly
    data is given beside its day where it has none (``longer_cycle``): solar output or a
    temperature follows the day and the weather, and a lookback of a week and a day read
    eight days to learn nothing a two-day one lacks (15-minute solar: MASE 0.94 against
    0.77 with the day alone, in four times the time).
    """
    reasons: dict[str, str] = {}
    given = config.window.cycles()
    if given:
        season, seasons = given[0], (given if len(given) > 1 else ())
        reasons["season"] = "given"
    else:
        season = seasonal_period(freq, until)
        seasons = _cycles(freq, season)
        reasons["season"] = f"the cycle of {freq} data" if season > 1 else "no cycle at this frequency"
        season, seasons = _seen_twice(season, seasons, lengths, freq, reasons)
        if len(seasons) > 1 and ys is not None and not longer_cycle(ys, seasons[0], seasons[-1]):
            reasons["season"] += (
                f"; no weekly cycle: the value {seasons[-1]} steps back predicts less than "
                f"{1 - CYCLE_GAIN:.0%} better than the one {seasons[0]} back"
            )
            seasons = ()
    w = config.window
    if w.horizon is not None:
        horizon = w.horizon
        reasons["horizon"] = "given"
    else:
        horizon = season if season > 1 else 1
        reasons["horizon"] = "one season" if season > 1 else "one step: no season to cover"
    if w.lookback is not None:
        lookback = w.lookback
        reasons["lookback"] = "given"
    elif len(seasons) > 1:  # the longest cycle once, plus one of the shortest
        lookback = seasons[-1] + season
        reasons["lookback"] = (
            f"the longest cycle of {seasons[-1]} steps once, plus one of {season}"
            if given
            else f"one week and one day: the weekly cycle of {seasons[-1]} steps once"
        )
    elif season > 1:
        lookback = 2 * season
        reasons["lookback"] = f"two seasons of {season}"
    else:
        lookback = max(2 * horizon, 8)
        reasons["lookback"] = "twice the horizon, at least 8"
    if w.lookback is None and cut_lookback:
        lookback, reasons["lookback"] = _within_reach(lookback, reasons["lookback"], lengths, season)
    if len(seasons) > 1:
        reasons["seasons"] = "given" if given else "a daily and a weekly cycle"
    return Shape(season, horizon, lookback, reasons, seasons)


def _seen_twice(
    season: int, seasons: tuple[int, ...], lengths: Sequence[int], freq: str | None, reasons: dict[str, str]
) -> tuple[int, tuple[int, ...]]:
    """The frequency's natural cycles less those the longest series does not hold twice.

    A cycle seen once cannot be told from a trend, and a seasonal lag as long as the data
    has no value to copy: a day of 500-millisecond steps is 172,800 of them, and 150 rows
    made of it a horizon no series could fill. The season falls to 1 (the plan says why);
    hourly data of a few days keeps its daily cycle and drops the weekly one."""
    if not lengths or season <= 1:
        return season, seasons
    longest = max(lengths)
    if 2 * season > longest:
        reasons["season"] = f"none: the {freq} cycle of {season} steps is not seen twice in {longest} rows"
        return 1, ()
    kept = tuple(cycle for cycle in seasons if 2 * cycle <= longest)
    if len(kept) < len(seasons):
        reasons["season"] += f" (the weekly cycle of {seasons[-1]} steps is not seen twice in {longest} rows)"
    return season, kept if len(kept) > 1 else ()


def _within_reach(lookback: int, reason: str, lengths: Sequence[int], season: int) -> tuple[int, str]:
    """The default ``lookback``, cut to the length three in four series of a panel reach when
    it is longer (never below a season, nor 2), so the network reads at least three quarters
    of the panel; a single series keeps it (too short a series is an error naming the fix)."""
    if len(lengths) < 2:
        return lookback, reason
    ordered = np.sort(np.asarray(lengths))
    reach = int(ordered[len(ordered) // 4])  # at least three in four series are this long
    # (the 25th percentile's "lower" rank is (n - 1) / 4: the shortest of 2 to 4 series,
    # so one stray series of a row cut every other series' lookback)
    cut = max(reach, season, 2)
    if cut >= lookback:
        return lookback, reason
    return cut, f"{reason}, cut to {cut}: the length 3 in 4 series reach"


def _cycles(freq: str | None, season: int) -> tuple[int, ...]:
    """The cycles of data at ``freq``: (season,), plus the week for 15-minute to hourly data
    whose season is the day."""
    if season <= 1:
        return ()
    if freq is None or Calendar.parse(freq) is not None:
        return (season,)
    step = fixed_step(freq)
    day = pd.Timedelta(days=1)
    if step is not None and step < day and season * step == day and 7 * season <= WEEK_MAX_STEPS:
        return (season, 7 * season)
    return (season,)


def fixed_step(freq: str) -> pd.Timedelta | None:
    """The fixed length of one step, or None for calendar-relative ones (months, business days)."""
    try:
        offset = pd.tseries.frequencies.to_offset(freq)
    except ValueError:
        return None
    if isinstance(offset, pd.offsets.Day):  # not a Tick in pandas 3 (a day may be 23 hours)
        return pd.Timedelta(days=offset.n)
    return pd.Timedelta(offset) if isinstance(offset, pd.offsets.Tick) else None


def step_kind(freq: str) -> str:
    """``sub-daily``, ``daily`` (calendar, business or trading days) or ``coarser``."""
    cal = Calendar.parse(freq)
    if cal is not None:
        return "sub-daily" if cal.intraday else "daily"
    step = fixed_step(freq)
    if step is not None:
        day = pd.Timedelta(days=1)
        return "sub-daily" if step < day else ("daily" if step == day else "coarser")
    offset = pd.tseries.frequencies.to_offset(freq)
    business = isinstance(offset, pd.offsets.BusinessDay | pd.offsets.CustomBusinessDay)
    return "daily" if business and offset.n == 1 else "coarser"


# How much better the value a week back must predict than the one a day back for the week
# to be a cycle of its own: two lags that are equally good give ratios about 1 by chance
# (five solar plants with no weekly cycle: 0.86 to 1.21, median 0.998); load that differs
# at the weekend is far below (England and Wales half-hourly demand 0.30, hourly household
# load 0.63).
CYCLE_GAIN = 0.9


def longer_cycle(ys: Sequence[np.ndarray], short: int, long: int) -> bool:
    """Whether the value ``long`` steps back predicts clearly better than the one ``short``
    back: ``lag_ratio`` below ``CYCLE_GAIN`` (a week's same hour against a day's). With no
    series long enough to tell, the cycle is kept."""
    ratio = lag_ratio(ys, short, long)
    return ratio is None or ratio < CYCLE_GAIN


def lag_ratio(ys: Sequence[np.ndarray], short: int, long: int) -> float | None:
    """The median over series of MAE(y_t - y_{t-long}) / MAE(y_t - y_{t-short}): below 1
    where the value ``long`` steps back predicts better. Series of two ``long`` cycles or
    fewer, and series that never change, say nothing; None when none speaks."""
    ratios = []
    for y in ys:
        y = np.asarray(y, dtype=np.float64)
        y = y[np.isfinite(y)]
        if len(y) > 2 * long:
            near = np.mean(np.abs(y[short:] - y[:-short]))
            far = np.mean(np.abs(y[long:] - y[:-long]))
            if near > 0:
                ratios.append(far / near)
    return float(np.median(ratios)) if ratios else None
