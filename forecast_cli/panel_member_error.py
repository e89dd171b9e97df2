"""How a panel says one series' refusal: the message of a single series' load, with the
series named and placed in the file, so the one line points at the rows to fix."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .cell_numbers import rows_text
from .config import DataConfig
from .errors import DataError, InventedRows, UsageError
from .panel_ids import spaced_twin
from .panel_layout import WIDE_TARGET


def member_error(
    exc: DataError | UsageError,
    key: str,
    rows: pd.DataFrame,
    wide: bool,
    cfg: DataConfig,
    file_rows: pd.Index,
    ids: Sequence[str] = (),
) -> DataError | UsageError:
    """One series' refusal, as the panel says it: ``series 'ID': ``, the user's column for a
    wide table's melted one, leaving the series out where the target suits the others, the
    file's data rows the series is on, and another of ``ids`` it differs from only by spaces
    around it: such rows, a stray space on every seventh, made a series 639 days apart,
    and the refusal offered --freq 639D."""
    message = str(exc)
    twins = spaced_twin([key], ids)
    named = f"series {key!r}" + (
        f" (its id differs from {twins[1]!r} only by spaces around it: trim the ids in the file)"
        if twins
        else ""
    )
    shared = (*cfg.features, *cfg.future_features)
    if wide and any(f"column {c!r}" in message for c in shared):  # a column every series shares
        return exc
    if wide:  # the melted column is the user's column named by the series id
        message = message.replace(repr(WIDE_TARGET), repr(key))
    if message.endswith("pick another --target"):  # the target is right for the others
        gone = "or drop the column from --target" if wide else "or delete its rows"
        message = message.replace(
            "pick another --target", f"leave the series out (--ids or --ids-file, {gone})"
        )
    if "data row" not in message:  # say where the series is in the file
        positions = file_rows.get_indexer(rows.index.unique())
        message += f" (the series is on data rows {rows_text(positions)})"
    if isinstance(exc, InventedRows):  # predict reads what it refused
        return InventedRows(f"{named}: {message}", absent=exc.absent, share=exc.share)
    return type(exc)(f"{named}: {message}")
