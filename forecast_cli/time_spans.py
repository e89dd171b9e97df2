"""Time cells written as spans, ``01.03.2024 00:00 - 01.03.2024 00:15``: read as their starts.

Electricity exports write each row's period so (ENTSO-E's "MTU" column, and the
transparency platforms that copy it), and no strftime layout reads one, since a
directive may not appear twice. A span's start is the row's stamp, as our steps are
labelled by the period they begin (``2024-03`` is March; a 15-minute row at 00:00 holds
00:00-00:15). Only " - " with spaces around it splits a cell: ISO dates use a bare "-".
"""

from __future__ import annotations

import re

import pandas as pd

SPAN = re.compile(r"^\s*(\S.*?\S)\s+-\s+(\S.*?\S)\s*$")


def span_start(value: str) -> str | None:
    """The start of a cell written as "start - end" with both ends in one layout (as long,
    with digits where the other has them), None for any other cell: "2024-03-01 - 00:15"
    is a date and a clock time, and read as its date it merged 24 hours into each day."""
    found = SPAN.match(value)
    if not found:
        return None
    start, end = found.group(1), found.group(2)
    return start if _layout(start) == _layout(end) else None


def span_starts(text: pd.Series) -> pd.Series | None:
    """``text`` (str cells) as the starts of its spans when every cell is one, else None:
    the first cell decides for a column of no spans, which every time column is read
    through, before any cell else is matched."""
    if not len(text) or span_start(str(text.iloc[0])) is None:
        return None
    starts = text.map(span_start)
    return None if starts.isna().any() else starts


def _layout(part: str) -> str:
    """Digits as 9: "01.03.2024 00:15" and "01.03.2024 00:30" are one layout."""
    return re.sub(r"\d", "9", part)
