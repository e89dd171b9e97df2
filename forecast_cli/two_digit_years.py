"""Two-digit years: which century a column of them belongs to."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import DataError


def in_the_past(text: pd.Series, index: pd.DatetimeIndex) -> tuple[pd.DatetimeIndex, str]:
    """Two-digit years put back a century when the column reaches over ten years past today.
    strptime's pivot reads 00-68 as 2000-2068, so spreadsheet months 'Jan-49' .. 'Dec-60'
    became 2049-2060 and the forecast was dated 2061; no history (nor a future file of
    known values) reaches that far. Then every date after today moves back a century (those
    of 69-99 are 19xx already). Where that would spread the column over more years than it
    spanned (1925-1940 read as 2025-2040: 2025 and 2026 are not after today), which
    century each value belongs to cannot be told, and the column is refused. Returns the
    stamps and the load report's note on what moved ("" when nothing did)."""
    now = pd.Timestamp.now(tz=index.tz) if index.tz is not None else pd.Timestamp.now()
    if len(index) == 0 or index.max() <= now + pd.DateOffset(years=10):
        return index, ""
    ahead = np.asarray(index > now)
    moved = index.where(~ahead, index - pd.DateOffset(years=100))
    if moved.max() - moved.min() > index.max() - index.min():
        raise DataError(
            f"two-digit years ({text.iloc[0].strip()!r} .. ) read as {index.min().year}-{index.max().year}, "
            "partly after today, and no century makes them one span; write four-digit years"
        )
    i = int(np.flatnonzero(ahead)[0])
    note = (
        f"{int(ahead.sum())} two-digit year(s) read a century earlier, as no history reaches "
        f"past today ({text.iloc[i].strip()!r} as {moved[i].date()})"
    )
    return pd.DatetimeIndex(moved), note
