"""Giving timestamps written with UTC offsets their writer's clock back (``written_zone``).

A CSV written from a zone with daylight saving time carries two offsets (Berlin:
``+01:00`` in winter, ``+02:00`` in summer). Reading it as UTC would lose the local
clock, so we look for the zone whose rules produce exactly the offsets seen: every
row's offset must match. Zones are tried in the order of ``COMMON_ZONES``; each stands
for every zone with the same rules over recent decades (Paris data comes back as
``Europe/Berlin``: the same instants and the same wall-clock times). When no zone fits,
the first row's offset is kept as a fixed offset for every row, and the report says so.
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone, tzinfo

import numpy as np
import pandas as pd

from .cell_numbers import data_row
from .errors import DataError

OFFSET = re.compile(r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$")  # 12:00+02:00

# One zone per set of daylight-saving rules, most used first.
COMMON_ZONES = (
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Denver",
    "Europe/Helsinki",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "America/Halifax",
    "America/Anchorage",
    "America/St_Johns",
    "America/Santiago",
    "Australia/Adelaide",
    "Pacific/Auckland",
    "Asia/Jerusalem",
    "Asia/Tehran",
    "Africa/Cairo",
    "Europe/Moscow",
)


def infer_zone(utc: pd.DatetimeIndex, minutes: np.ndarray) -> tuple[tzinfo | str, str]:
    """(zone, note) for UTC instants whose written offsets were ``minutes`` east of UTC."""
    order = np.argsort(utc.asi8, kind="stable")
    stamps, offsets = utc[order], np.asarray(minutes, dtype=np.int64)[order]
    # The first and last row of each run of one offset pin down the transitions.
    change = np.flatnonzero(np.diff(offsets) != 0)
    probes = np.unique(np.concatenate([[0, len(offsets) - 1], change, change + 1]))
    seen = ", ".join(_offset_text(m) for m in sorted(set(offsets.tolist())))
    for zone in COMMON_ZONES:
        if _fits(zone, stamps[probes], offsets[probes]) and _fits(zone, stamps, offsets):
            return zone, f"UTC offsets {seen} read as time zone {zone}"
    first = int(np.asarray(minutes)[0])
    fixed = timezone(timedelta(minutes=first))
    return fixed, f"UTC offsets {seen} fit no common time zone; times shown at {_offset_text(first)}"


def _fits(zone: str, stamps: pd.DatetimeIndex, offsets: np.ndarray) -> bool:
    local = stamps.tz_convert(zone).tz_localize(None)
    got = (local - stamps.tz_localize(None)) // pd.Timedelta(minutes=1)
    return bool((np.asarray(got, dtype=np.int64) == offsets).all())


def _offset_text(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def written_zone(text: pd.Series, index: pd.DatetimeIndex, name: str) -> tuple[pd.DatetimeIndex, str]:
    """(index, note): timestamps read with UTC offsets (in UTC, from ``text``) back on the
    writer's clock: one offset is kept as a fixed offset, mixed offsets (daylight saving
    time) get their zone back. Any other index comes back as it is."""
    if index.tz is None or str(index.tz) != "UTC":
        return index, ""
    offsets = text.str.strip().str.extract(OFFSET)[0]
    if offsets.isna().all():
        return index, ""  # written in UTC without an offset, e.g. by --time-format
    if offsets.isna().any():
        naive = int(np.flatnonzero(offsets.isna().to_numpy())[0])
        aware = int(np.flatnonzero(offsets.notna().to_numpy())[0])
        raise DataError(
            f"column {name!r} mixes timestamps with a UTC offset ({text.iloc[aware]!r} on data row "
            f"{data_row(text, aware)}) and without ({text.iloc[naive]!r} on data row {data_row(text, naive)}); "
            "give every row an offset, or none"
        )
    minutes = offsets.map({o: _offset_minutes(o) for o in offsets.unique()}).to_numpy(dtype=np.int64)
    if (minutes == minutes[0]).all():
        return index.tz_convert(timezone(timedelta(minutes=int(minutes[0])))), ""
    zone, note = infer_zone(index, minutes)
    return index.tz_convert(zone), note


def _offset_minutes(offset: str) -> int:
    if offset == "Z":
        return 0
    digits = offset[1:].replace(":", "")
    value = int(digits[:2]) * 60 + int(digits[2:])
    return -value if offset[0] == "-" else value
