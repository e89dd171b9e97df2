"""The defaults the frequency decides: the season (or a daily and a weekly cycle), the
horizon and the lookback (``resolve_shape``), and the calendar inputs (``resolve_calendar``).
Why each default is what it is: ``plan``'s docstring, the one place defaults are explained;
``plan.resolve_plan`` is the only caller that turns them into a plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calendar_features import CALENDAR_FEATURES, check_holiday_source
from .calendars import Calendar
from .config import DataConfig, ForecastConfig
from .errors import UsageError
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
) -> Shape:
    """Season, horizon and lookback (see the module docstring for the defaults).

    ``--season`` overrides the frequency's natural season (integer steps have none);
    ``lengths``, the rows of each series, drop a natural cycle the longest series does not
    hold twice (``_seen_twice``) and can shorten a panel's default lookback
    (``_within_reach``, unless ``cut_lookback`` is off: ``--local`` fits each series alone);
    ``until``, the data's last timestamp, dates the trading hours that exchange bars'
    season counts.
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


def _whole_years(freq: str) -> bool:
    """True when ``freq`` steps by whole years (``YS``, ``Y-JUN``, ``24MS``): the month of
    the year is then the same at every step, an input that says nothing."""
    try:
        stamps = pd.date_range("2000-01-01", periods=3, freq=freq)
    except (ValueError, TypeError):
        return False
    return len(set(stamps.month)) == 1


def calendar_asked(data: DataConfig) -> tuple[str, ...]:
    """The --calendar names, checked: known, and auto or none alone. ``ForecastConfig.validate``
    calls it too, so a misspelt name is refused before any data is read."""
    asked = tuple(dict.fromkeys(n.strip().lower() for n in data.calendar if n.strip())) or ("auto",)
    unknown = [n for n in asked if n not in (*CALENDAR_FEATURES, "auto", "none")]
    if unknown:
        raise UsageError(
            f"--calendar {','.join(unknown)} is unknown; use auto, none or a list of {','.join(CALENDAR_FEATURES)}"
        )
    if ("auto" in asked or "none" in asked) and len(asked) > 1:
        raise UsageError("--calendar takes auto, none, or a list of features, not a mix")
    return asked


def resolve_calendar(
    data: DataConfig, freq: str | None, train_ys: Sequence[np.ndarray] = (), season: int = 1
) -> tuple[tuple[str, ...], str]:
    """(calendar features, reason) for ``--calendar`` at ``freq`` (see the module docstring);
    for daily data ``auto`` asks the training rows ``train_ys`` whether there is a weekly
    cycle of ``season`` steps."""
    asked = calendar_asked(data)
    if asked == ("none",):
        if data.country:  # the holidays it names would feed nothing
            raise UsageError(
                f"--country {data.country} names the holidays of the calendar features, which "
                "--calendar none turns off; drop one of them"
            )
        return (), "turned off"
    if freq is None:
        if asked != ("auto",):
            raise UsageError("--calendar needs timestamps, but the data has an integer step index")
        return (), "integer steps have no calendar"
    if asked != ("auto",):
        kind = step_kind(freq)
        finer = {"hour": ("sub-daily",), "dow": ("sub-daily", "daily"), "holiday": ("sub-daily", "daily")}
        coarse = [n for n in asked if n in finer and kind not in finer[n]]
        if coarse:  # one value per step that says nothing: a monthly step's 'holiday' is its 1st
            raise UsageError(
                f"--calendar {coarse[0]} describes {'hours' if coarse[0] == 'hour' else 'days'}, "
                f"but a {freq} step spans several; use it with "
                f"{'sub-daily' if coarse[0] == 'hour' else 'daily or finer'} data, or leave it out"
            )
        if "month" in asked and kind == "coarser" and _whole_years(freq):
            raise UsageError(
                f"--calendar month describes the month of the year, but every {freq} step falls in "
                "the same month; leave it out for yearly data"
            )
        if "holiday" in asked:
            check_holiday_source(data.country, data.subdiv)
        return asked, "given"
    if data.country:
        check_holiday_source(data.country, data.subdiv)
    holiday = ("holiday",) if data.country else ()
    where = f" and {data.country}{'-' + data.subdiv if data.subdiv else ''} holidays" if holiday else ""
    kind = step_kind(freq)
    if kind == "sub-daily":
        # a feature whose cycle the training rows never repeat is a constant to the network
        step = fixed_step(freq)
        per_day, per_week = (int(pd.Timedelta(days=1) / step), 7) if step is not None else (season, 5)
        longest = max((len(y) for y in train_ys), default=0)
        if train_ys and per_day > 1 and longest < 2 * per_day:
            unused = f"; --country {data.country} unused" if data.country else ""
            return (
                (),
                f"auto: sub-daily data holding no day twice ({longest} rows of {per_day} a day){unused}",
            )
        if train_ys and per_day > 1 and longest < 2 * per_week * per_day:
            return ("hour", *holiday), f"auto: sub-daily data{where}; no dow: no week is seen twice"
        return ("hour", "dow", *holiday), f"auto: sub-daily data{where}"
    if kind == "daily" and weekly_cycle(train_ys, season):
        return ("dow", *holiday), f"auto: daily data with a weekly cycle{where}"
    if kind == "daily":
        reason = (
            "auto: daily data without a weekly cycle (last week's value predicts no better than yesterday's)"
        )
        return holiday, reason + where
    unused = f"; --country {data.country} unused: holidays mark days" if data.country else ""
    return (), "auto: weekly or coarser data, whose seasonal lag places a step in the year" + unused


def weekly_cycle(train_ys: Sequence[np.ndarray], season: int) -> bool:
    """Whether the value one week (``season`` steps) back predicts better than yesterday's:
    the median over series of MAE(y_t - y_{t-season}) / MAE(y_t - y_{t-1}) is below 1."""
    if season <= 1:
        return False
    ratios = []
    for y in train_ys:
        y = y[np.isfinite(y)]
        if len(y) > 2 * season:
            day = np.mean(np.abs(np.diff(y)))
            week = np.mean(np.abs(y[season:] - y[:-season]))
            if day > 0:
                ratios.append(week / day)
    return bool(ratios) and float(np.median(ratios)) < 1.0
