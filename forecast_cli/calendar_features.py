"""Calendar features computed from timestamps: known for any future step by construction.

- ``hour``: time of day as (sin, cos) of 2*pi*(hour + minute/60)/24, so 23:30 sits next to 00:00;
- ``dow``: day of week as (sin, cos) of 2*pi*weekday/7, so Sunday sits next to Monday;
- ``month``: month of year as (sin, cos) of 2*pi*(month - 1)/12;
- ``holiday``: 1.0 on a public holiday of ``country`` (and ``subdiv``), else 0.0, from the
  ``holidays`` package (imported only when asked for).

Cyclical encodings keep neighbouring times close in input space, which a plain integer
(0..6, Sunday=6 far from Monday=0) does not. Time-zone-aware stamps are read in their own
zone: a holiday is a local date. The columns are appended after the data's own columns
and named ``cal_<feature>[_sin|_cos]``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .errors import UsageError, first_few

CALENDAR_FEATURES = ("hour", "dow", "month", "holiday")
_CYCLES = {"hour": 24.0, "dow": 7.0, "month": 12.0}


def calendar_columns(names: Sequence[str]) -> tuple[str, ...]:
    """Column names the features ``names`` add, in order."""
    out: list[str] = []
    for name in names:
        out += [f"cal_{name}"] if name == "holiday" else [f"cal_{name}_sin", f"cal_{name}_cos"]
    return tuple(out)


# The last stamps' features, (key, read-only values): a panel's series mostly share their
# stamps, and a fit reads each series' inputs four times (scaling, validation, error levels,
# the combine decision); the features of 1,000 daily stamps cost 160 us, the key 1 us.
_LAST: tuple[tuple, np.ndarray] | None = None


def calendar_values(
    index: pd.DatetimeIndex, names: Sequence[str], country: str | None = None, subdiv: str | None = None
) -> np.ndarray:
    """The features ``names`` at each stamp of ``index``: (rows, len(calendar_columns(names))),
    read-only (the same array serves the next series with the same stamps)."""
    global _LAST
    key = (index.asi8.tobytes(), str(index.dtype), tuple(names), country, subdiv)  # dtype: unit and zone
    last = _LAST
    if last is not None and last[0] == key:
        return last[1]
    values = _calendar_values(index, names, country, subdiv)
    values.flags.writeable = False
    _LAST = (key, values)
    return values


def _calendar_values(
    index: pd.DatetimeIndex, names: Sequence[str], country: str | None, subdiv: str | None
) -> np.ndarray:
    columns: list[np.ndarray] = []
    for name in names:
        if name == "holiday":
            columns.append(holiday_flags(index, country, subdiv))
            continue
        if name == "hour":
            phase = (index.hour + index.minute / 60.0) / _CYCLES["hour"]
        elif name == "dow":
            phase = index.day_of_week / _CYCLES["dow"]
        elif name == "month":
            phase = (index.month - 1) / _CYCLES["month"]
        else:
            raise UsageError(f"unknown calendar feature {name!r}; use {', '.join(CALENDAR_FEATURES)}")
        angle = 2 * np.pi * np.asarray(phase, dtype=np.float64)
        columns += [np.sin(angle), np.cos(angle)]
    if not columns:
        return np.empty((len(index), 0))
    return np.column_stack(columns)  # (rows, columns)


def local_dates(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Each stamp's local calendar date, as a naive midnight (a holiday is a local date)."""
    return index.normalize().tz_localize(None) if index.tz is not None else index.normalize()


def holiday_flags(index: pd.DatetimeIndex, country: str | None, subdiv: str | None) -> np.ndarray:
    """1.0 where the stamp's local date is a public holiday, else 0.0: (rows,)."""
    days = local_dates(index)
    years = range(int(days.year.min()), int(days.year.max()) + 1) if len(days) else range(0)
    table = holiday_table(country, subdiv, years)
    dates = pd.DatetimeIndex(sorted(pd.Timestamp(d) for d in table))
    return np.asarray(days.isin(dates), dtype=np.float64)


_SAID: set[str] = set()


def holiday_table(country: str | None, subdiv: str | None, years: range):
    """The ``holidays`` table of ``country``/``subdiv`` for ``years``; a clear error for an
    unknown country or subdivision."""
    import holidays

    code, region = holiday_source(country, subdiv)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        table = holidays.country_holidays(code, subdiv=region, years=list(years))
    if said:  # e.g. IN: "Requested Holidays are available only from 2001 to 2035"
        text = (
            f"--country {code}: the holidays package says: {str(said[0].message).rstrip('.')}; "
            "the holiday input marks only the holidays it knows for the data's years"
        )
        if text not in _SAID:  # once a run: the table is built per series and per fold
            _SAID.add(text)
            warnings.warn(text, stacklevel=2)
    return table


def holiday_source(country: str | None, subdiv: str | None) -> tuple[str, str | None]:
    """``country`` and ``subdiv`` as the holidays package spells them (``gb``, ``eng`` ->
    ``GB``, ``ENG``), so the plan and ``info`` show one spelling whatever was typed; a clear
    error for an unknown country or subdivision."""
    if not country:
        raise UsageError("--calendar holiday needs a country: give --country, e.g. --country AU")
    import holidays

    code = country.strip().upper()
    supported = holidays.list_supported_countries()
    if code not in supported:
        raise UsageError(
            f"--country {country!r} is not a country the holidays package knows; "
            "use an ISO 3166 code such as AU, GB or US"
        )
    if subdiv and subdiv not in supported[code]:
        known = {s.upper(): s for s in supported[code]}
        if subdiv.strip().upper() not in known:
            raise UsageError(
                f"--subdiv {subdiv!r} is not a subdivision of {code}; "
                f"use one of {_subdivisions(supported[code], code)}"
            )
        subdiv = known[subdiv.strip().upper()]
    return code, subdiv or None


SUBDIVISIONS_SHOWN = 60  # the United States' 56 fit; Italy's 100-odd provinces do not


def _subdivisions(codes: Sequence[str], country: str) -> str:
    """A country's subdivision codes for a message: all of them, or the first and how to
    list the rest (the list had been cut at 12 without saying so: California was not in it)."""
    if not codes:
        return "(none: drop --subdiv)"
    if len(codes) <= SUBDIVISIONS_SHOWN:
        return ", ".join(codes)
    return (
        f'{first_few(list(codes), 30)} (all of them: python -c "import holidays; '
        f"print(holidays.list_supported_countries()['{country}'])\")"
    )


def check_holiday_source(country: str | None, subdiv: str | None) -> None:
    """Refuse an unknown country or subdivision before any work (fails fast)."""
    holiday_table(country, subdiv, range(2000, 2001))
