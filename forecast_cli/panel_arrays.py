"""The training array of a panel: every series transformed, scaled and stacked, in float32.

Built one series at a time into one preallocated float32 array, so training holds the
panel once, at 4 bytes a value, and never the float64 copies a stack-then-convert would
make (on 10,000 series x 1,000 rows those were a list of inputs, their transform, the
concatenation and its scaled copy: about 12x the raw float32 panel; see
benchmarks/RESULTS.md, "Panel scale"). Each series is scaled by statistics of its own
training rows only; the numbers are exactly those of scaling the stacked float64 array.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .intervals import series_scale
from .scaling import Scaler, share_target_scale


def scale_panel(
    inputs_of: Sequence[Callable[[], np.ndarray]],
    target_of: Sequence[Callable[[], np.ndarray]],
    forward: Callable[[np.ndarray], np.ndarray],
    kind: str,
    offsets: np.ndarray,
    train_ends: np.ndarray,
    first: int,
    block: np.ndarray,
) -> tuple[np.ndarray, list[Scaler], list[float]]:
    """(scaled (rows, inputs + constants) float32, one scaler per series, calibration scales).

    ``inputs_of[i]()``: series i's raw network inputs, (rows_i, inputs) float64, target
    first; ``target_of[i]()``: its transformed target (rows_i,), read again only for a
    ``shared`` scaler, whose target scale is known once every series has been seen;
    ``forward``: the target transform; ``block`` (series, constants): per-series constant
    columns (static one-hots, the series index) written after the inputs. Calibration
    scales are each series' mean absolute one-step change over its training rows.
    """
    out: np.ndarray | None = None
    scalers, cal_scales = [], []
    for i, (make, end) in enumerate(zip(inputs_of, train_ends, strict=True)):
        values = make()  # (rows_i, inputs)
        matrix = values.copy()
        matrix[:, 0] = forward(values[:, 0])
        scaler = Scaler(kind).fit(matrix[first:end] if end > first else matrix[first:])
        if out is None:
            out = np.empty((int(offsets[-1]), values.shape[1] + block.shape[1]), dtype=np.float32)
        a, b = offsets[i], offsets[i + 1]
        out[a:b, : values.shape[1]] = np.nan_to_num(scaler.transform(matrix))
        out[a:b, values.shape[1] :] = block[i]
        scalers.append(scaler)
        cal_scales.append(series_scale(values[: max(int(end), 2), 0], False))
    assert out is not None, "a panel has at least one series"
    if kind == "shared":  # one target scale for the panel, known only now (see scaling.share_target_scale)
        scalers = share_target_scale(scalers)
        for i, (make_target, scaler) in enumerate(zip(target_of, scalers, strict=True)):
            assert scaler.center is not None and scaler.scale is not None
            out[offsets[i] : offsets[i + 1], 0] = np.nan_to_num(
                (make_target() - scaler.center[0]) / scaler.scale[0]
            )
    return out, scalers, cal_scales
