"""The calendar inputs ``--calendar`` resolves to (``resolve_calendar``): which of hour, day
of week, month and holiday the network reads, decided from the frequency and the training
rows. Why each default is what it is: ``plan``'s docstring; ``plan.resolve_plan`` is the
only caller that turns them into a plan.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .calendar_features import CALENDAR_FEATURES, check_holiday_source, holiday_flags, local_dates
from .config import DataConfig
from .errors import DataError, UsageError
from .frequency_defaults import fixed_step, lag_ratio, step_kind


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
    data: DataConfig,
    freq: str | None,
    train_ys: Sequence[np.ndarray] = (),
    season: int = 1,
    train_stamps: Sequence[pd.Index] = (),
) -> tuple[tuple[str, ...], str]:
    """(calendar features, reason) for ``--calendar`` at ``freq`` (see the module docstring);
    for daily data ``auto`` asks the training rows ``train_ys`` whether there is a weekly
    cycle of ``season`` steps. Given the training rows' stamps ``train_stamps`` (one index
    per series), a holiday input needs a holiday among them (``_without_unseen_holiday``)."""
    features, reason = _resolve_calendar(data, freq, train_ys, season)
    return _without_unseen_holiday(features, reason, data, train_stamps)


def _without_unseen_holiday(
    features: tuple[str, ...], reason: str, data: DataConfig, train_stamps: Sequence[pd.Index]
) -> tuple[tuple[str, ...], str]:
    """Drop (``auto``) or refuse (``--calendar holiday``) a holiday input that no training
    row sets: it is 0 throughout training, so its weight stays at its random start and meets
    a 1 for the first time at a forecast holiday, moving that forecast by an amount nothing
    learned (data that ends before a holiday season, or exchange bars, which skip holidays)."""
    if "holiday" not in features or not train_stamps:
        return features, reason
    days = [local_dates(pd.DatetimeIndex(s)).to_numpy() for s in train_stamps if len(s)]  # sorted
    if not days:
        return features, reason
    span = pd.date_range(min(d[0] for d in days), max(d[-1] for d in days), freq="D")
    holidays = span[holiday_flags(span, data.country, data.subdiv) > 0].to_numpy()
    if any(np.isin(d, holidays).any() for d in days):  # stops at the first series that has one
        return features, reason
    where = _holiday_place(data)
    seen = f"{span[0].date()} .. {span[-1].date()}"
    if reason == "given":
        raise DataError(
            f"--calendar holiday: no {where} holiday falls on a training row ({seen}), so the "
            "network could not learn what one does; leave holiday out of --calendar, or train "
            "on a history that holds holidays"
        )
    kept = tuple(f for f in features if f != "holiday")
    said = reason.replace(f" and {where} holidays", "")
    return kept, f"{said}; --country {data.country} unused: no holiday on a training row ({seen})"


def _holiday_place(data: DataConfig) -> str:
    """``GB-ENG``: the country and region whose holidays the input marks, as reasons say it."""
    return f"{data.country}{'-' + data.subdiv if data.subdiv else ''}"


def _resolve_calendar(
    data: DataConfig, freq: str | None, train_ys: Sequence[np.ndarray], season: int
) -> tuple[tuple[str, ...], str]:
    """``resolve_calendar`` before the holiday check."""
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
    where = f" and {_holiday_place(data)} holidays" if holiday else ""
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
    ratio = lag_ratio(train_ys, 1, season)
    return ratio is not None and ratio < 1.0
