"""Timestamps as messages write them: one rule for every line a person reads.

A date alone at midnight (``2016-03-01``), the full stamp otherwise, its zone included
(``2000-08-27 00:30:00+01:00``). Outputs are a different matter: they write ISO 8601 or the
data's own period layout (``period_labels``), so that they read back exactly; a message
about a model's or a backtest's steps names them as those outputs do (``period_labels.said``).
"""

from __future__ import annotations

import pandas as pd


def readable(value: pd.Timestamp) -> str:
    """``value`` as people write it: the date alone at midnight of a zone-less stamp."""
    return str(value.date()) if value == value.normalize() and value.tz is None else str(value)
