"""What a fitted model checks before it forecasts: the horizon it can reach, and history
that has its columns, its kind of time index, its frequency, values its transform can read,
and the model's time zone. Each refusal names the fix."""

from __future__ import annotations

import numbers
from datetime import timezone
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .config import MAX_HORIZON
from .errors import DataError, UsageError
from .panel_clocks import same_offsets
from .series_record import Series
from .stamps import readable

if TYPE_CHECKING:
    from .forecaster import Forecaster


def check_horizon(f: Forecaster, horizon: int | None) -> int:
    if horizon is None:
        return f.horizon_
    if isinstance(horizon, bool) or not isinstance(horizon, numbers.Integral):
        # a library caller's 2.5 reached pandas as "periods must be an integer, got 3.5"
        raise UsageError(f"--horizon is a whole number of steps, got {horizon!r}")
    horizon = int(horizon)
    if horizon < 1:
        raise UsageError(f"--horizon must be at least 1, got {horizon}")
    if horizon > MAX_HORIZON:
        raise UsageError(f"--horizon is at most {MAX_HORIZON} steps, got {horizon}")
    if horizon > f.horizon_ and f.plan_.strategy == "direct":
        raise UsageError(
            f"--horizon {horizon} is longer than the trained horizon {f.horizon_}; "
            f"retrain with --horizon {horizon}, or with --strategy recursive to roll forecasts further"
        )
    return horizon


def check_history(f: Forecaster, history: Series) -> pd.DataFrame:
    missing = [c for c in (f.target_, *f.features_) if c not in history.frame.columns]
    if missing:
        raise DataError(f"the data lacks column(s) {', '.join(missing)} the model was trained on")
    if history.freq != f.freq_ and None in (history.freq, f.freq_):
        has, wants = (
            ("integer steps", "timestamps") if history.freq is None else ("timestamps", "integer steps")
        )
        fix = (
            "give data with its time column"
            if history.freq is None
            else "give --time-col '' to count its rows"
        )
        raise DataError(f"the data has {has} but the model was trained on {wants}; {fix}")
    if history.freq != f.freq_:
        raise DataError(
            f"the data's frequency is {history.freq} but the model was trained at {f.freq_}; "
            f"pass --freq {f.freq_} to resample it"
        )
    if f.transform_.uses_log:
        _refuse_nonpositive(f, history)
    frame, zone = history.frame, f.histories_.tz
    index = frame.index
    if isinstance(index, pd.DatetimeIndex) and bool(zone) != (index.tz is not None):
        # naive clock times against a zoned model are not instants (which 01:30 of a DST
        # night?), and zoned rows against a naive model are on no clock the model knows
        raise DataError(
            f"the model's timestamps are in {zone}, but these rows have no time zone; write them "
            "with their UTC offset (2024-03-20T09:00:00+00:00), as in training"
            if zone
            else f"the model's timestamps have no time zone, but these rows are in {index.tz}; "
            "write them without an offset, as in training, or retrain on these rows"
        )
    if zone and isinstance(index, pd.DatetimeIndex) and index.tz is not None and str(index.tz) != zone:
        if _names_the_models_zone(f, index):
            return frame  # the rows' own zone, whose rules the model's fixed offset lacked
        # the same instants on the model's clock: rows written with one UTC offset (a
        # winter's slice of London data) would otherwise step on a fixed offset through
        # the change to summer time, and read calendar features an hour off
        frame = frame.set_axis(index.tz_convert(zone))
    return frame


def _names_the_models_zone(f: Forecaster, index: pd.DatetimeIndex) -> bool:
    """Whether rows in a named zone (Europe/London, read from their mixed UTC offsets) name
    the zone of a model that kept one fixed offset because its training rows never crossed
    a change of clocks (a summer of London data, +01:00): the zone gives every stored row
    the model's offset. Then the forecast keeps the rows' zone, as training joins a
    one-offset series to a panel's named zone (``panel_clocks``). Put on the model's
    offset instead, a history that ends in winter had its forecasts stamped +01:00 and its
    hour-of-day inputs read an hour off the clock the model learned (the local one)."""
    if isinstance(index.tz, timezone) or not f.histories_.tz:
        return False  # rows on a fixed offset
    stored = f.histories_.all_stamps()  # (rows,) on the model's clock
    if not isinstance(stored.tz, timezone):
        return False  # a model that knows its zone's rules
    return len(stored) > 0 and same_offsets(stored, str(index.tz))


def _refuse_nonpositive(f: Forecaster, history: Series) -> None:
    """A value <= 0 given to a model that works in log units, named with its stamp and
    the fix (the transform is the model's, so --transform is no option of predict)."""
    y = history.frame[f.target_].to_numpy(dtype=np.float64)
    bad = np.flatnonzero(y <= 0)
    if len(bad):
        where = (
            readable(history.frame.index[bad[0]]) if history.freq else f"step {history.frame.index[bad[0]]}"
        )
        raise DataError(
            f"{f.target_!r} is {y[bad[0]]:g} at {where}{f' (and {len(bad) - 1} more)' if len(bad) > 1 else ''}, "
            f"but the model works in log units (transform {f.plan_.transform}: "
            f"{f.plan_.reasons.get('transform', 'given')}); a log needs values above 0: "
            "retrain with --transform none on data like this"
        )
