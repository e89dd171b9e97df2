"""Whether a panel has anything to learn: a target that never moves in any series is
refused; a panel keeps its constant series (a product that never sold is data too), and
leaves out a series with no value at all, named (a dead meter's column)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .errors import DataError
from .intervals import ROUNDOFF
from .series_record import Series


def refuse_constant(members: list[Series], ids: Sequence[str]) -> list[str]:
    """The ids of constant members; an error when every member is constant (nothing to
    learn). A panel keeps its constant series (a product that never sold is data too).
    A series of one row is not called constant (one value shows no change either way)."""
    ys = [m.y for m in members]  # once each: a frame's column read costs more than the test
    flat = [np.ptp(y) <= ROUNDOFF * np.max(np.abs(y)) for y in ys]  # round-off is no change
    if not all(flat):
        return [name for name, y, f in zip(ids, ys, flat, strict=True) if f and len(y) > 1]
    target, first = members[0].target, members[0].y[0]
    if len(members) == 1:
        within = "" if np.ptp(members[0].y) == 0 else ", to one part in 10^9"
        raise DataError(
            f"target {target!r} is constant ({first:g}{within}); there is nothing to learn, pick another --target"
        )
    raise DataError(f"every series' {target!r} is constant; there is nothing to learn, pick another --target")


def without_values(
    target: pd.Series, codes: np.ndarray, wanted_codes: list[int], wanted: list[str]
) -> list[str]:
    """The ``wanted`` series (row ``codes``, as ``wanted_codes`` number them) whose target
    has no cell with a value, where some other series has one: one dead meter's empty column
    under ``--target '*'`` stopped the whole panel, and the fix it offered was to list every
    other series. A series asked for by --ids is never left out (its refusal names it)."""
    if len(wanted) < 2:
        return []
    filled = target.notna().to_numpy().copy()  # (rows,); pandas may hand a read-only view
    if target.dtype.kind in "OSUT":  # text cells of spaces are empty too
        filled &= target.astype(str).str.strip().ne("").to_numpy()
    counts = np.bincount(codes[filled], minlength=max(wanted_codes) + 1)
    empty = [key for key, code in zip(wanted, wanted_codes, strict=True) if counts[code] == 0]
    return empty if len(empty) < len(wanted) else []  # none with values: the first one's refusal
