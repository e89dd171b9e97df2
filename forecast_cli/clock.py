"""Frequency aliases and wall clocks: what a step string means before any exchange is asked.

Kept apart from ``calendars`` (the exchange sessions) because most callers only need to
read an alias or place a time on a zone's clock, and none of this imports
``exchange_calendars``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import UsageError
from .freq_aliases import STARTS, retired

TRADING_DAYS = "XNYS"  # the exchange assumed for tz-naive stock data
DAILY_REQUESTS = ("D", "1D")  # what a user means by "daily" on exchange data (B: weekdays, as asked)
# The exchange that trades in a time zone, for data that only says where it is.
EXCHANGE_BY_ZONE = {
    "America/New_York": "XNYS",
    "America/Toronto": "XTSE",
    "Europe/London": "XLON",
    "Europe/Berlin": "XETR",
    "Europe/Paris": "XPAR",
    "Europe/Amsterdam": "XAMS",
    "Europe/Zurich": "XSWX",
    "Europe/Rome": "XMIL",
    "Europe/Madrid": "XMAD",
    "Europe/Stockholm": "XSTO",
    "Asia/Tokyo": "XTKS",
    "Asia/Hong_Kong": "XHKG",
    "Asia/Seoul": "XKRX",
    "Australia/Sydney": "XASX",
    "Asia/Kolkata": "XBOM",
    "Asia/Calcutta": "XBOM",
    "Asia/Shanghai": "XSHG",
    "Asia/Singapore": "XSES",
    "Asia/Taipei": "XTAI",
    "Asia/Bangkok": "XBKK",
    "Asia/Jakarta": "XIDX",
    "Asia/Kuala_Lumpur": "XKLS",
    "Asia/Manila": "XPHS",
    "Asia/Karachi": "XKAR",
    "Pacific/Auckland": "XNZE",
    "America/Sao_Paulo": "BVMF",
    "America/Mexico_City": "XMEX",
    "America/Santiago": "XSGO",
    "America/Bogota": "XBOG",
    "America/Lima": "XLIM",
    "America/Argentina/Buenos_Aires": "XBUE",
    "Africa/Johannesburg": "XJSE",
    "Europe/Istanbul": "XIST",
    "Europe/Brussels": "XBRU",
    "Europe/Lisbon": "XLIS",
    "Europe/Dublin": "XDUB",
    "Europe/Vienna": "XWBO",
    "Europe/Copenhagen": "XCSE",
    "Europe/Oslo": "XOSL",
    "Europe/Helsinki": "XHEL",
    "Europe/Warsaw": "XWAR",
    "Europe/Prague": "XPRA",
    "Europe/Budapest": "XBUD",
}
_DAY = pd.Timedelta(days=1)


def renamed_alias(freq: str) -> str | None:
    """The refusal of an alias pandas 2.2 renamed, naming today's (``15T`` -> ``write
    15min``), else None (``freq_aliases``)."""
    parts = retired(freq)
    if parts is None:
        return None
    n, new, anchor = parts
    fix = f"write {n}{new}{anchor}"
    if new in STARTS:
        fix += f" (period ends; {n}{STARTS[new]}{anchor} for period starts)"
    return f"--freq {freq!r} is the spelling pandas 2.2 retired; {fix}"


def to_offset(freq: str) -> pd.DateOffset:
    """The pandas offset for a frequency alias, with a clear error for a bad one."""
    if (retired := renamed_alias(freq)) is not None:
        raise UsageError(retired)
    try:
        return pd.tseries.frequencies.to_offset(freq)
    except ValueError:
        raise UsageError(
            f"--freq {freq!r} is neither a pandas offset alias nor an exchange calendar code; use e.g. "
            f"5min, 30min, 1h, 1D, B, W-SUN, MS, or an exchange such as {TRADING_DAYS}, XLON, XTKS "
            f"or {TRADING_DAYS}@5min"
        ) from None


def is_clock_step(offset: pd.DateOffset) -> bool:
    """Whether ``offset`` is a fixed length of time (hours, minutes, seconds), not a day.

    pandas 2 counts a day as a Tick (24 hours); pandas 3 does not (a calendar day, 23 or
    25 hours across a clock change). Every rule here reads a day as a calendar day under
    both: binned from midnight on the local clock, stepped on the wall clock. Under pandas
    2, asking ``isinstance(offset, Tick)`` binned hours into days from the first row's
    03:00 and stepped Santiago's zoned days into a midnight its clock skips."""
    return isinstance(offset, pd.offsets.Tick) and not isinstance(offset, pd.offsets.Day)


def exchange_for_zone(zone: str | None) -> str | None:
    """The main exchange trading in IANA ``zone``, if it is one we know."""
    return EXCHANGE_BY_ZONE.get(str(zone)) if zone is not None else None


def is_intraday_step(step: str) -> bool:
    """Whether ``step`` is a pandas step under a day (5min, 1h): a bar length."""
    try:
        offset = pd.tseries.frequencies.to_offset(step)
    except ValueError:
        return False
    return isinstance(offset, pd.offsets.Tick) and pd.Timedelta(offset) < _DAY


def to_utc_index(index: pd.DatetimeIndex, zone: str) -> pd.DatetimeIndex:
    """``index`` as UTC instants: zoned stamps converted, naive ones read on ``zone``'s wall
    clock (a time it skips or repeats is NaT: which instant it meant is unknown)."""
    if index.tz is not None:
        return index.tz_convert("UTC")
    return index.tz_localize(zone, ambiguous="NaT", nonexistent="NaT").tz_convert("UTC")


def on_wall_clock(wall: pd.DatetimeIndex, zone) -> pd.DatetimeIndex:
    """Local wall-clock times placed in ``zone``, where calendar steps live (days, weeks,
    sessions): a time the clock skips is the first moment after the skip (Santiago's
    2024-09-08 00:00 is 01:00), a time it repeats is its first, earlier occurrence."""
    return wall.tz_localize(zone, nonexistent="shift_forward", ambiguous=np.ones(len(wall), dtype=bool))
