"""Time columns of whole numbers: step numbers (1, 2, 3 ...) or years (1998, 1999 ...).

Kept apart from ``parse`` (which reads text as timestamps) because the loader, the column
chooser and ``--future-data`` all need the one answer to "steps or years?" before any
timestamp is parsed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def step_numbers(column: pd.Series, time_format: str | None, name: object) -> bool:
    """True when a time column holds step numbers (1, 2, 3...: whole numbers that are not
    the years of a ``year`` column) rather than dates, as the loader and ``--future-data``
    both read them."""
    return time_format is None and whole_numbers(column) and not year_column(column, name)


def whole_numbers(column: pd.Series) -> bool:
    """True for a numeric column of whole numbers only (no empty cell, no fraction)."""
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return False
    values = column.to_numpy(dtype=np.float64)
    return bool(len(values) and np.isfinite(values).all() and (values == np.round(values)).all())


YEAR_NAMES = ("year", "yr", "years")
STEP_NAMES = ("ds", "step", "t", "time", "timestep", "time_idx", "period")  # Nixtla's, pytorch-forecasting's


def year_column(column: pd.Series, name: object) -> bool:
    """True for whole numbers from 1000 to 2999 in a time column not named like steps (a
    ``year``, or a column given by --time-col): M5's day numbers run 1..1941, and a product
    launched on day 1200 had its ``ds`` read as the years 1200..1941, beside the steps of
    the others."""
    return str(name).strip().lower() not in STEP_NAMES and whole_years(column)


def whole_years(column: pd.Series) -> bool:
    """True for a numeric column of whole numbers from 1000 to 2999 (a column of years)."""
    if not whole_numbers(column):
        return False
    values = column.to_numpy(dtype=np.float64)
    return bool(values.min() >= 1000 and values.max() <= 2999)


def compact_dates(numbers) -> str | None:
    """The --time-format that reads whole numbers as dates written without separators
    (20200125 as %Y%m%d, 202001 as %Y%m), where every one of them is such a date; None
    otherwise. Under a step name (``ds``) they are step numbers, and 20200131 to 20200201
    skipped 70 of them: a refusal about absent steps names this format instead of --fill."""
    text = pd.Series(np.asarray(numbers)).astype("int64").astype(str)
    if text.empty or text.str.len().nunique() != 1:
        return None
    layout = {8: "%Y%m%d", 6: "%Y%m"}.get(len(text.iloc[0]))
    if layout is None:
        return None
    return layout if pd.to_datetime(text, format=layout, errors="coerce").notna().all() else None
