"""One clock per panel: the series of one model must share a time zone or UTC offset."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timezone

import pandas as pd

from .errors import DataError
from .series_record import Series


def refuse_several_clocks(members: Sequence[Series], ids: Sequence[str]) -> None:
    """One model keeps one clock: its hour-of-day and day-of-week inputs and its future
    timestamps are read on it. Series written in different zones or UTC offsets (Delhi at
    +05:30, New York at -05:00) were put on the first one's clock, the others' calendar
    inputs hours off, with exit 0; refused with the fix instead. A series whose rows all
    carry one offset (a winter-only Berlin series, read as a fixed +01:00) joins the one
    named zone of the others when that zone gives each of its rows that same offset."""
    named = {str(tz) for m in members if (tz := _zone(m)) is not None and not isinstance(tz, timezone)}
    if len(named) == 1:
        zone = named.pop()
        for member in members:
            index = member.frame.index
            if isinstance(_zone(member), timezone) and same_offsets(index, zone):
                member.frame = member.frame.set_axis(index.tz_convert(zone))
    zones: dict[str, str] = {}
    for key, member in zip(ids, members, strict=True):
        tz = _zone(member)
        zones.setdefault(str(tz) if tz is not None else "no zone", key)
    if len(zones) > 1:
        shown = ", ".join(f"{zone} ({key!r})" for zone, key in list(zones.items())[:3])
        raise DataError(
            f"the series are written in different time zones or UTC offsets: {shown}; one model reads "
            "one clock: write every series' times in one zone (e.g. UTC, or the zone of the place), "
            "or train them apart (--ids)"
        )


def _zone(member: Series):
    return getattr(member.frame.index, "tz", None)


def same_offsets(index: pd.DatetimeIndex, zone: str) -> bool:
    """True when ``zone`` gives every timestamp of ``index`` (one fixed offset) that offset."""
    utc = index.tz_convert("UTC").tz_localize(None)
    local = index.tz_convert(zone).tz_localize(None)
    return bool(((local - utc) == index.tz.utcoffset(None)).all())
