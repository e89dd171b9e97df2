"""The training array of a panel: every series transformed, scaled and stacked, in float32.

Built one series at a time into one preallocated float32 array, so training holds the
panel once, at 4 bytes a value, and never the float64 copies a stack-then-convert would
make (on 10,000 series x 1,000 rows those were a list of inputs, their transform, the
concatenation and its scaled copy: about 12x the raw float32 panel; see
benchmarks/RESULTS.md, "Panel scale"). Each series is scaled by statistics of its own
training rows only; the numbers are exactly those of scaling the stacked float64 array.

Calendar inputs (hour, day of week, month, holiday: ``calendar_features``) are not stored
per row: a row's calendar takes a few hundred distinct values at most, so each row keeps a
2-byte code into a table of them, and a batch expands its rows' codes and scales them by
their series' statistics (``CalendarCodes.expand``, in float64 as the dense path does, so
training sees the same float32 numbers). On a daily panel that is 2 bytes a row instead of
8 for the two day-of-week columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .intervals import series_scale
from .scaling import Scaler, share_target_scale


@dataclass(frozen=True)
class CalendarCodes:
    """The calendar input columns of a stacked panel, as one code per row.

    ``position``: the input column where they belong (after target and features, before
    the per-series constants); ``codes`` (rows,): index of each row's calendar values in
    ``values`` (distinct calendar rows, float64, unscaled); ``center``/``scale`` (series,
    columns): each series' scaler statistics for those columns.
    """

    position: int
    codes: Any  # numpy arrays here; torch tensors after ``to_torch``
    values: Any
    center: Any
    scale: Any

    @property
    def width(self) -> int:
        return int(self.values.shape[1])

    def expand(self, rows, series):  # torch tensors: rows (batch, steps), series (batch,)
        """Scaled calendar inputs of ``rows``, each window scaled by its series' statistics:
        (batch, steps, columns) float32."""
        raw = self.values[self.codes[rows].long()]  # (batch, steps, columns), float64
        return ((raw - self.center[series][:, None]) / self.scale[series][:, None]).float()

    def to_torch(self, device) -> CalendarCodes:
        import torch

        return CalendarCodes(
            self.position,
            torch.as_tensor(self.codes, device=device),
            torch.as_tensor(self.values, dtype=torch.float64, device=device),
            torch.as_tensor(self.center, dtype=torch.float64, device=device),
            torch.as_tensor(self.scale, dtype=torch.float64, device=device),
        )


def scale_panel(
    inputs_of: Sequence[Callable[[], np.ndarray]],
    target_of: Sequence[Callable[[], np.ndarray]],
    forward: Callable[[np.ndarray], np.ndarray],
    kind: str,
    offsets: np.ndarray,
    train_ends: np.ndarray,
    first: int,
    block: np.ndarray,
    calendar: int = 0,
    shared_from: np.ndarray | None = None,
) -> tuple[np.ndarray, CalendarCodes | None, list[Scaler], list[float]]:
    """(scaled dense inputs float32, calendar codes, one scaler per series, calibration scales).

    ``inputs_of[i]()``: series i's raw network inputs, (rows_i, inputs) float64, target
    first and the ``calendar`` calendar columns last; ``target_of[i]()``: its transformed
    target (rows_i,), read again only for a ``shared`` scaler, whose target scale is known
    once every series has been seen; ``forward``: the target transform; ``block`` (series,
    constants): per-series constant columns (static one-hots, the series index) written
    after the other inputs; ``shared_from``: the series whose scales set a ``shared``
    scaler's median (default all). The dense array is (rows, inputs - calendar + constants);
    the calendar columns come back as ``CalendarCodes`` (None without them). Calibration
    scales are each series' mean absolute one-step change over its training rows.
    """
    out: np.ndarray | None = None
    scalers, cal_scales = [], []
    code_of: dict[bytes, int] = {}
    distinct: list[np.ndarray] = []
    # 2 bytes a row; widened only if more than 32,767 distinct calendar rows appear
    # (minute-of-day with day, month and holiday on 1-minute data)
    codes = np.empty(int(offsets[-1]), dtype=np.int16) if calendar else None
    last_rows, last_codes = b"", np.empty(0, dtype=np.int32)  # the previous series' calendar rows, codes
    for i, (make, end) in enumerate(zip(inputs_of, train_ends, strict=True)):
        values = make()  # (rows_i, inputs)
        dense = values.shape[1] - calendar
        matrix = values.copy()
        matrix[:, 0] = forward(values[:, 0])
        scaler = Scaler(kind).fit(matrix[first:end] if end > first else matrix[first:])
        if out is None:
            out = np.empty((int(offsets[-1]), dense + block.shape[1]), dtype=np.float32)
        a, b = offsets[i], offsets[i + 1]
        assert scaler.center is not None and scaler.scale is not None
        out[a:b, :dense] = np.nan_to_num((matrix[:, :dense] - scaler.center[:dense]) / scaler.scale[:dense])
        out[a:b, dense:] = block[i]
        if codes is not None:
            rows_bytes = values[:, dense:].tobytes()
            if rows_bytes != last_rows:  # series mostly share their dates: one sort serves them
                rows, inverse = np.unique(values[:, dense:], axis=0, return_inverse=True)
                known = np.array(
                    [code_of.setdefault(r.tobytes(), len(code_of)) for r in rows], dtype=np.int32
                )
                for r, c in zip(rows, known, strict=True):
                    if c == len(distinct):  # first seen here
                        distinct.append(r)
                if len(distinct) > np.iinfo(codes.dtype).max:
                    codes = codes.astype(np.int32)
                last_rows, last_codes = rows_bytes, known[inverse.ravel()]
            codes[a:b] = last_codes
        scalers.append(scaler)
        cal_scales.append(series_scale(values[: max(int(end), 2), 0], False))
    assert out is not None, "a panel has at least one series"
    if kind == "shared":  # one target scale for the panel, known only now (see scaling.share_target_scale)
        scalers = share_target_scale(scalers, shared_from)
        for i, (make_target, scaler) in enumerate(zip(target_of, scalers, strict=True)):
            assert scaler.center is not None and scaler.scale is not None
            out[offsets[i] : offsets[i + 1], 0] = np.nan_to_num(
                (make_target() - scaler.center[0]) / scaler.scale[0]
            )
    if codes is None:
        return out, None, scalers, cal_scales
    position = out.shape[1] - block.shape[1]
    center = np.array([s.center[position:] for s in scalers if s.center is not None])  # (series, calendar)
    scale = np.array([s.scale[position:] for s in scalers if s.scale is not None])
    return out, CalendarCodes(position, codes, np.array(distinct), center, scale), scalers, cal_scales
