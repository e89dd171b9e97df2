"""A ``--local`` model's bands: one conformal pool of every member's errors.

Each member divides its validation errors by its own normalisers (its spread head's widths
plus its typical width, ``band_shape.normalisers``), so the members' errors are ratios in
one unit, as a panel's series' are, and one table ranked from all of them serves every
member. A member's own table ranks the overlapping windows of one stretch of one short
series (on M1 monthly about 20, of one year); its bands covered 0.70 / 0.84 at 80% / 95%
in the backtest, and 0.81 / 0.96 pooled (benchmarks/NOTES.md, "Local members pool their
calibration"). The backtest pools the same way, origin by origin (``network_bands``).

The model file keeps each member's own errors (stacked rows, as before), so the pool is
those rows together and costs nothing to store; ``predict`` on rows newer than training
adds the errors of every member's windows since its training end to the pool before the
table is ranked again, as a panel's recalibration adds every series' (``recalibration``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .history_checks import check_history
from .intervals import CalibrationTable
from .panel import Panel
from .recalibration import errors_since_training
from .stacked_states import stack_rows

if TYPE_CHECKING:
    from .config import ForecastConfig
    from .forecaster import Forecaster


def banded(config: ForecastConfig, levels: Sequence[float] | None, quantiles: Sequence[float] | None) -> bool:
    """Whether a prediction asks for levels or quantiles (defaults: the config's), when
    ``prediction.predict`` recalibrates too."""
    return any(config.intervals.asked(levels, quantiles))


def pooled_errors(members: Sequence[Forecaster]) -> np.ndarray:
    """(windows, steps) every member's calibration errors, float32 as stored; a member
    with fewer steps is NaN past them."""
    return stack_rows([m.calibration_errors_ for m in members if m.calibration_errors_ is not None])


def pool_members(members: Sequence[Forecaster]) -> np.ndarray:
    """Give every member the table ranked from all members' errors (in place); the pooled
    errors, which the model keeps to recalibrate with."""
    errors = pooled_errors(members)
    table = CalibrationTable.from_errors(errors)
    for member in members:
        member.calibration_ = table
        member.metrics_["calibration_windows"] = table.windows
        # the pool is ranked without phases of the day: members keep none (``phase_bands``)
        member.calibration_phases_ = member.phase_usable_ = None
        member.metrics_.pop("phase_tables", None)
    return errors


def recalibrated_pool(
    errors: np.ndarray, parts: Sequence[tuple[str, Panel | None]], member_of, ends: dict
) -> tuple[CalibrationTable | None, int]:
    """(table, windows added): the pool ``errors`` with the errors of every window since
    training in the given series (``parts``: id and its rows as a panel of one; the
    member fitted to each from ``member_of(id)``, None for a series without one; ``ends``:
    each member's last training stamp); (None, 0) when no window has happened since any
    member's training end. Only a series with rows past its end builds its member: a
    loaded model builds members lazily, and predicting one of 10,000 series from data
    that holds them all built every one."""
    new = []
    for sid, part in parts:
        if part is None or sid not in ends or not _past(part.members[0].frame.index, ends[sid]):
            continue
        member = member_of(sid)
        if member is None:
            continue
        frames = [check_history(member, part.members[0])]
        got, _ = errors_since_training(member, [sid], frames, [()], [part.members[0].observed()])
        if len(got):
            new.append(got)
    if not new:
        return None, 0
    return CalibrationTable.from_errors(stack_rows([errors, *new])), sum(len(e) for e in new)


def _past(index, end) -> bool:
    """Whether ``index`` runs past ``end``; True where they do not compare (naive against
    zoned stamps): the member's own check then says what is wrong with the rows."""
    try:
        return bool(len(index)) and bool(index[-1] > end)
    except TypeError:
        return True
